"""Background jobs: a ``Job`` row per piece of long work, run by a Celery task.

``job_enqueue`` records the job and queues its task only once the surrounding transaction
commits, passing the id. ``run_job`` is what a task calls: it marks progress and timings,
attributes the work's changes to the job's creator (source "task"), stores the result, and
records the error on failure so nothing fails silently.
"""

from __future__ import annotations

import logging
import traceback
from collections.abc import Callable
from typing import Any

from celery import shared_task
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from aims.core.changelog import change_context
from aims.core.models import ChangeSource, Job, JobStatus

log = logging.getLogger(__name__)


def job_task(function: Callable[[int], None]) -> Any:
    """A Celery task that runs one ``Job`` by id: acknowledged late (a worker that dies
    mid-job leaves it to be redelivered; ``run_job`` skips a finished job), retried with
    back-off when the broker or a service is unreachable, and stopped after six minutes."""
    return shared_task(
        acks_late=True,
        autoretry_for=(ConnectionError,),
        retry_backoff=True,
        max_retries=3,
        soft_time_limit=300,
        time_limit=360,
    )(function)


class JobContext:
    """Handed to the work function: report progress, attach a result file."""

    def __init__(self, job: Job):
        self.job = job

    def progress(self, percent: int, message: str = "") -> None:
        percent = max(0, min(100, int(percent)))
        Job.objects.filter(pk=self.job.pk).update(progress=percent, message=message[:300])

    def attach(self, filename: str, content: bytes) -> None:
        self.job.result_file.save(filename, ContentFile(content), save=False)
        Job.objects.filter(pk=self.job.pk).update(result_file=self.job.result_file.name)


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
    )
    transaction.on_commit(lambda: task.delay(job.pk))
    return job


def run_job(job_id: int, work: Callable[[Job, JobContext], dict | None]) -> None:
    """Run ``work`` for the job; safe to call twice (a finished job is not run again)."""
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
        if job.status == JobStatus.SUCCEEDED:
            return
        job.status, job.started_at, job.attempts = (
            JobStatus.RUNNING,
            timezone.now(),
            job.attempts + 1,
        )
        job.error, job.progress = "", 0
        job.save(update_fields=["status", "started_at", "attempts", "error", "progress"])
    context = JobContext(job)
    try:
        with change_context(
            source=ChangeSource.TASK, actor=job.created_by, request_id=f"job-{job.pk}"
        ):
            result = work(job, context) or {}
    except Exception as exc:
        Job.objects.filter(pk=job.pk).update(
            status=JobStatus.FAILED,
            finished_at=timezone.now(),
            error=f"{type(exc).__name__}: {exc}"[:2000] or type(exc).__name__,
            message="Failed",
        )
        log.error("job %s failed:\n%s", job.pk, traceback.format_exc())
        raise
    Job.objects.filter(pk=job.pk).update(
        status=JobStatus.SUCCEEDED,
        finished_at=timezone.now(),
        progress=100,
        result=result,
        message="Done",
    )
