"""Background jobs: a ``Job`` row per piece of long work, run by a Celery task.

``job_enqueue`` records the job and hands its task to the broker once the surrounding
transaction commits. If the broker cannot be reached the request still answers: the job
stays queued with the reason in ``send_error`` ("waiting for the job queue" on its page) and
is sent again by ``jobs_recover`` (every minute from Celery beat, ``manage.py recover_jobs``,
the next job that is sent successfully, or its Retry button).

``run_job`` is what a task calls: it marks progress and timings, keeps a heartbeat while the
work runs, attributes the work's changes to the job's creator (source "task"), stores the
result, and records the error on failure so nothing fails silently. A running job whose
heartbeat stops (its worker was killed) is queued again once by ``jobs_recover``, then failed
with the reason. Each message carries the job's ``dispatch`` number; a message replaced by a
newer one (the broker redelivers the dead worker's message later) is ignored.
"""

from __future__ import annotations

import logging
import threading
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from celery import current_app, shared_task
from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import DatabaseError, connections, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from aims.core.changelog import change_context
from aims.core.models import ChangeSource, Job, JobStatus

log = logging.getLogger(__name__)

WAITING_MESSAGE = "Waiting for the job queue"
# A job whose worker died is run again automatically while it has had fewer runs than this.
RUNS_BEFORE_GIVING_UP = 2
# A queued job never handed to the broker (the process stopped between commit and send) is
# picked up by ``jobs_recover`` once it is this old.
UNSENT_GRACE = timedelta(minutes=2)
RESEND_BATCH = 100


def job_task(
    function: Callable[..., None] | None = None,
    *,
    soft_time_limit: int | None = None,
    time_limit: int | None = None,
) -> Any:
    """A Celery task that runs one ``Job`` by id: acknowledged late (a worker that dies
    mid-job leaves its message to be redelivered after the visibility timeout; ``run_job``
    ignores it if the job was dealt with meanwhile), retried with back-off when a service is
    unreachable, and stopped at the time limits of the settings (soft, then hard), or at the
    task's own (``@job_task(soft_time_limit=…, time_limit=…)``; keep them below the
    broker's visibility timeout, as the settings do)."""
    limits = {
        key: value
        for key, value in (("soft_time_limit", soft_time_limit), ("time_limit", time_limit))
        if value is not None
    }

    def wrap(work: Callable[..., None]) -> Any:
        return shared_task(
            acks_late=True,
            autoretry_for=(ConnectionError,),
            retry_backoff=True,
            max_retries=3,
            **limits,
        )(work)

    return wrap(function) if function is not None else wrap


class JobContext:
    """Handed to the work function: report progress, attach a result file."""

    def __init__(self, job: Job):
        self.job = job

    def progress(self, percent: int, message: str = "") -> None:
        percent = max(0, min(100, int(percent)))
        Job.objects.filter(pk=self.job.pk).update(
            progress=percent, message=message[:300], heartbeat_at=timezone.now()
        )

    def attach(self, filename: str, content: bytes) -> None:
        self.job.result_file.save(filename, ContentFile(content), save=False)
        Job.objects.filter(pk=self.job.pk).update(result_file=self.job.result_file.name)


# --- Sending ---------------------------------------------------------------------------


def _send(job: Job) -> bool | None:
    """Hand the job's message to the broker; record the outcome on the job.

    True when the broker took it, False when it could not, None when another process was
    sending it at the same moment (or it is no longer queued). Never raises: an unreachable broker (or any other publish
    failure) leaves the job queued with ``send_error`` set, to be sent again later. The
    attempt is claimed first (``send_attempts`` moves on only if nobody else moved it), so
    two processes recovering at once do not both send it.
    """
    attempts = job.send_attempts
    claimed = Job.objects.filter(pk=job.pk, status=JobStatus.QUEUED, send_attempts=attempts).update(
        send_attempts=attempts + 1
    )
    if not claimed:
        return None
    job.send_attempts = attempts + 1
    try:
        arguments = {"args": [job.pk], "kwargs": {"dispatch": job.dispatch}}
        task = current_app.tasks.get(job.task_name)
        if task is not None:
            task.apply_async(**arguments)  # honours CELERY_TASK_ALWAYS_EAGER
        else:  # a process that never imported the task's module (a management command)
            current_app.send_task(job.task_name, **arguments)
    except Exception as exc:  # whatever stopped the publish, the request must still answer
        job.send_error = f"{type(exc).__name__}: {exc}"[:2000]
        Job.objects.filter(pk=job.pk).update(
            send_error=job.send_error, message=WAITING_MESSAGE, sent_at=None
        )
        job.sent_at = None
        log.warning("job %s could not be sent (try %s): %s", job.pk, attempts + 1, job.send_error)
        return False
    job.sent_at, job.send_error = timezone.now(), ""
    Job.objects.filter(pk=job.pk).update(sent_at=job.sent_at, send_error="")
    Job.objects.filter(pk=job.pk, message=WAITING_MESSAGE).update(message="")
    return True


def _send_after_commit(job: Job) -> None:
    if _send(job):
        # The broker is reachable: send whatever waited for it.
        _resend_waiting(limit=20)


def job_enqueue(
    *,
    kind: str,
    title: str,
    task: Any,
    user: Any,
    organization: Any = None,
    params: dict | None = None,
) -> Job:
    job = Job.objects.create(
        kind=kind,
        title=title[:200],
        organization=organization,
        created_by=user,
        params=params or {},
        task_name=task.name,
    )
    transaction.on_commit(lambda: _send_after_commit(job))
    return job


def _resend_waiting(*, limit: int = RESEND_BATCH, now: datetime | None = None) -> int:
    """Send queued jobs the broker never took, oldest first; stop at the first failure
    (the broker is still away). Returns how many were sent."""
    now = now or timezone.now()
    waiting = (
        Job.objects.filter(status=JobStatus.QUEUED, sent_at__isnull=True)
        .filter(
            # the broker refused it, or it was requeued after its worker died, or it was
            # never sent at all (the process stopped between commit and send)
            ~Q(send_error="") | Q(started_at__isnull=False) | Q(created_at__lt=now - UNSENT_GRACE)
        )
        .order_by("created_at", "pk")[:limit]
    )
    sent = 0
    for job in waiting:
        if not job.task_name:
            _fail(
                job,
                _("This job was queued by an older version and cannot be sent; start it again."),
            )
            continue
        outcome = _send(job)
        if outcome is False:
            break
        sent += bool(outcome)
    return sent


# --- Dead workers ------------------------------------------------------------------------


def _stale(now: datetime) -> Q:
    cutoff = now - timedelta(seconds=settings.AIMS_JOB_STALE_SECONDS)
    return Q(status=JobStatus.RUNNING) & (
        Q(heartbeat_at__lt=cutoff) | Q(heartbeat_at__isnull=True, started_at__lt=cutoff)
    )


def _fail(job: Job, reason: str, *, now: datetime | None = None, only: Q | None = None) -> bool:
    """Fail the job with ``reason`` and retire its message (a redelivery is ignored)."""
    return bool(
        Job.objects.filter(only or Q(), pk=job.pk).update(
            status=JobStatus.FAILED,
            finished_at=now or timezone.now(),
            error=reason,
            message="Failed",
            dispatch=F("dispatch") + 1,
        )
    )


def _sweep_dead(now: datetime) -> tuple[int, int]:
    """Running jobs without a heartbeat for ``AIMS_JOB_STALE_SECONDS``: their worker is gone.
    Queue each again once (unsent, with a new dispatch number), then fail it with the reason."""
    requeued = failed = 0
    minutes = max(1, round(settings.AIMS_JOB_STALE_SECONDS / 60))
    for job in Job.objects.filter(_stale(now)).order_by("pk"):
        if job.attempts < RUNS_BEFORE_GIVING_UP and job.task_name:
            moved = Job.objects.filter(_stale(now), pk=job.pk).update(
                status=JobStatus.QUEUED,
                dispatch=F("dispatch") + 1,
                progress=0,
                heartbeat_at=None,
                sent_at=None,
                message=_("The worker stopped while running this job; it was queued again."),
            )
            if moved:  # sent by the resend that follows in the same pass
                log.warning("job %s: its worker stopped; queued again", job.pk)
                requeued += 1
            continue
        reason = _(
            "The worker stopped while running this job (no sign of life for %(minutes)s "
            "minutes). Start it again with Retry."
        ) % {"minutes": minutes}
        if _fail(job, reason, now=now, only=_stale(now)):
            log.warning("job %s: its worker stopped; failed", job.pk)
            failed += 1
    return requeued, failed


@dataclass
class Recovery:
    resent: int = 0
    requeued: int = 0
    failed: int = 0


def jobs_recover(*, now: datetime | None = None, sent_before: timedelta | None = None) -> Recovery:
    """One recovery pass: jobs whose worker died are queued again or failed, then jobs the
    broker never took are sent. Safe to run from several processes at once.

    ``sent_before`` (an operator's choice, after a Redis that lost its data) also sends
    again the queued jobs handed to the broker longer ago than that and never started. A
    job still in the queue then has two messages; the second to arrive is ignored.
    """
    now = now or timezone.now()
    requeued, failed = _sweep_dead(now)
    if sent_before is not None:
        Job.objects.filter(
            status=JobStatus.QUEUED, started_at__isnull=True, sent_at__lt=now - sent_before
        ).update(sent_at=None, send_error=_("Sent again by an operator: the queue lost it."))
    return Recovery(resent=_resend_waiting(now=now), requeued=requeued, failed=failed)


def job_retry(*, job: Job, user: Any) -> Job:
    """Send again a job that waits for the queue, or run again one that failed.

    Only the person who started it (the work runs as them) or a platform operator may.
    """
    if not (getattr(user, "is_superuser", False) or job.created_by_id == user.pk):
        raise PermissionDenied(_("Only the person who started this job can start it again."))
    if job.status == JobStatus.FAILED:
        restarted = Job.objects.filter(pk=job.pk, status=JobStatus.FAILED).update(
            status=JobStatus.QUEUED,
            dispatch=F("dispatch") + 1,
            progress=0,
            message="",
            error="",
            result={},
            started_at=None,
            finished_at=None,
            heartbeat_at=None,
            sent_at=None,
            send_error="",
        )
        if not restarted:
            raise ValidationError(_("This job was started again already."))
    elif not (job.status == JobStatus.QUEUED and job.sent_at is None):
        raise ValidationError(
            _("Only a failed job or one waiting for the job queue can be retried.")
        )
    job.refresh_from_db()
    _send(job)
    job.refresh_from_db()
    return job


# --- Running -----------------------------------------------------------------------------


class _Heartbeat(threading.Thread):
    """Refreshes ``heartbeat_at`` while the work runs, however rarely it reports progress.
    It dies with the worker process, which is how a dead worker is noticed."""

    def __init__(self, job_id: int, interval: float):
        super().__init__(name=f"job-{job_id}-heartbeat", daemon=True)
        self.job_id, self.interval = job_id, interval
        self.stopped = threading.Event()

    def run(self) -> None:
        try:
            while not self.stopped.wait(self.interval):
                try:
                    Job.objects.filter(pk=self.job_id, status=JobStatus.RUNNING).update(
                        heartbeat_at=timezone.now()
                    )
                except DatabaseError as exc:
                    log.warning("job %s: heartbeat not written: %s", self.job_id, exc)
        finally:
            connections.close_all()  # this thread's connections only

    def stop(self) -> None:
        self.stopped.set()
        self.join(timeout=5)


def _error_text(exc: BaseException) -> str:
    if isinstance(exc, SoftTimeLimitExceeded):
        return _("The job took longer than its time limit (%(seconds)s s) and was stopped.") % {
            "seconds": settings.CELERY_TASK_SOFT_TIME_LIMIT
        }
    return f"{type(exc).__name__}: {exc}"[:2000] or type(exc).__name__


def run_job(
    job_id: int, work: Callable[[Job, JobContext], dict | None], *, dispatch: int | None = None
) -> None:
    """Run ``work`` for the job; safe to call twice (a finished job is not run again).

    A message is ignored when it was replaced (``dispatch`` differs from the job's), when the
    job already succeeded, or when another worker is running it (fresh heartbeat). A running
    job with a stale heartbeat was abandoned by a dead worker and is run again.
    """
    now = timezone.now()
    with transaction.atomic():
        # Lock only the job row: Postgres refuses FOR UPDATE on the nullable side of a join.
        job = (
            Job.objects.select_for_update(of=("self",))
            .select_related("created_by", "organization")
            .filter(pk=job_id)
            .first()
        )
        if job is None:
            log.warning("job %s no longer exists", job_id)
            return
        if dispatch is not None and dispatch != job.dispatch:
            log.info("job %s: message %s replaced by %s; ignored", job_id, dispatch, job.dispatch)
            return
        if job.status == JobStatus.SUCCEEDED:
            return
        if (
            job.status == JobStatus.RUNNING
            and not Job.objects.filter(_stale(now), pk=job_id).exists()
        ):
            log.info("job %s is being run by another worker; message ignored", job_id)
            return
        job.status, job.started_at, job.heartbeat_at, job.attempts = (
            JobStatus.RUNNING,
            now,
            now,
            job.attempts + 1,
        )
        job.error, job.progress = "", 0
        job.save(
            update_fields=["status", "started_at", "heartbeat_at", "attempts", "error", "progress"]
        )
    context = JobContext(job)
    heartbeat = _Heartbeat(job.pk, settings.AIMS_JOB_HEARTBEAT_SECONDS)
    heartbeat.start()
    try:
        with change_context(
            source=ChangeSource.TASK, actor=job.created_by, request_id=f"job-{job.pk}"
        ):
            result = work(job, context) or {}
    except Exception as exc:
        heartbeat.stop()
        Job.objects.filter(pk=job.pk).update(
            status=JobStatus.FAILED,
            finished_at=timezone.now(),
            error=_error_text(exc),
            message="Failed",
        )
        log.error("job %s failed:\n%s", job.pk, traceback.format_exc())
        raise
    heartbeat.stop()
    Job.objects.filter(pk=job.pk).update(
        status=JobStatus.SUCCEEDED,
        finished_at=timezone.now(),
        progress=100,
        result=result,
        message="Done",
    )
