"""Jobs whose worker died, replaced messages, retries and the limits that go with them.

Run in this process: the job rows are set up as a killed worker leaves them (running, with
a heartbeat that stopped), and ``jobs_recover`` is the service Celery beat calls every
minute. Anything these tests publish goes to a dead broker (see ``dead_broker``), so no
worker anywhere can pick it up.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from datetime import timedelta

import pytest
from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings as django_settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from aims.celery import app as celery_app
from aims.core.jobs import job_retry, jobs_recover, run_job
from aims.core.models import Job, JobStatus
from aims.core.permissions import Role
from aims.inventory.tasks import inventory_export
from tests import factories
from tests.worker.helpers import make_member, make_org

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _nothing_leaves(dead_broker):
    """Whatever a test sends goes nowhere."""


@pytest.fixture
def alpha():
    return make_org("alpha")


def _running(org, user, *, beat_ago: timedelta | None, attempts: int = 1, **fields) -> Job:
    now = timezone.now()
    started = now - (beat_ago or timedelta()) - timedelta(minutes=1)
    return Job.objects.create(
        kind="inventory_export",
        title="AI system inventory (CSV)",
        organization=org,
        created_by=user,
        task_name=inventory_export.name,
        status=JobStatus.RUNNING,
        progress=50,
        message="Half way",
        started_at=started,
        heartbeat_at=None if beat_ago is None else now - beat_ago,
        attempts=attempts,
        sent_at=started,
        send_attempts=1,
        **fields,
    )


def test_a_job_whose_worker_died_is_queued_again_once(alpha):
    user = make_member(alpha, Role.VIEWER)
    job = _running(alpha, user, beat_ago=timedelta(minutes=10))

    recovery = jobs_recover()

    assert (recovery.requeued, recovery.failed) == (1, 0)
    job.refresh_from_db()
    assert job.status == JobStatus.QUEUED
    assert job.progress == 0 and job.heartbeat_at is None
    assert job.dispatch == 1, "the dead worker's message, redelivered later, must be ignored"
    assert "worker stopped" in job.message or job.waiting_for_queue
    assert job.send_attempts == 2  # a new message was tried (the broker is dead here)
    assert job.waiting_for_queue


def test_a_job_whose_worker_died_again_fails_with_the_reason_and_can_be_retried(alpha):
    user = make_member(alpha, Role.VIEWER)
    job = _running(alpha, user, beat_ago=timedelta(minutes=10), attempts=2)

    recovery = jobs_recover()

    assert (recovery.requeued, recovery.failed) == (0, 1)
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED
    assert "The worker stopped while running this job" in job.error
    assert "Retry" in job.error
    assert job.finished_at is not None and job.dispatch == 1
    assert job.can_retry


def test_it_leaves_a_job_with_a_recent_heartbeat_alone(alpha):
    user = make_member(alpha, Role.VIEWER)
    lively = _running(alpha, user, beat_ago=timedelta(seconds=20))
    assert jobs_recover().requeued == 0
    lively.refresh_from_db()
    assert (lively.status, lively.progress, lively.dispatch) == (JobStatus.RUNNING, 50, 0)


def test_it_sweeps_a_job_left_running_before_heartbeats_existed(alpha):
    user = make_member(alpha, Role.VIEWER)
    old = _running(alpha, user, beat_ago=None, attempts=3)
    Job.objects.filter(pk=old.pk).update(started_at=timezone.now() - timedelta(hours=2))
    assert jobs_recover().failed == 1
    old.refresh_from_db()
    assert old.status == JobStatus.FAILED


def test_the_stale_threshold_is_the_setting(alpha, settings):
    user = make_member(alpha, Role.VIEWER)
    job = _running(alpha, user, beat_ago=timedelta(seconds=100), attempts=2)
    settings.AIMS_JOB_STALE_SECONDS = 120
    assert jobs_recover().failed == 0
    settings.AIMS_JOB_STALE_SECONDS = 90
    assert jobs_recover().failed == 1
    job.refresh_from_db()
    assert "2 minutes" in job.error


def test_a_replaced_message_does_not_run_the_job(alpha):
    user = make_member(alpha, Role.VIEWER)
    job = _running(alpha, user, beat_ago=timedelta(minutes=10), attempts=2)
    jobs_recover()  # failed, dispatch 0 -> 1
    calls = []
    run_job(job.pk, lambda job, context: calls.append(1), dispatch=0)
    job.refresh_from_db()
    assert calls == [] and job.status == JobStatus.FAILED


def test_a_duplicate_message_does_not_run_a_job_another_worker_is_running(alpha):
    user = make_member(alpha, Role.VIEWER)
    job = _running(alpha, user, beat_ago=timedelta(seconds=5))
    calls = []
    run_job(job.pk, lambda job, context: calls.append(1), dispatch=0)
    assert calls == []
    job.refresh_from_db()
    assert (job.status, job.attempts) == (JobStatus.RUNNING, 1)


def test_a_redelivered_message_runs_a_job_its_dead_worker_abandoned(alpha):
    # No sweep happened (no beat): the broker's redelivery after the visibility timeout
    # finds the job running with a stale heartbeat and runs it again.
    user = make_member(alpha, Role.VIEWER)
    job = _running(alpha, user, beat_ago=timedelta(minutes=20))
    run_job(job.pk, lambda job, context: {"rows": 3}, dispatch=0)
    job.refresh_from_db()
    assert (job.status, job.result, job.attempts) == (JobStatus.SUCCEEDED, {"rows": 3}, 2)


def test_progress_and_the_start_of_a_run_refresh_the_heartbeat(alpha):
    job = Job.objects.create(kind="test", title="Beating", task_name="x")
    seen = {}

    def work(job, context):
        seen["start"] = Job.objects.get(pk=job.pk).heartbeat_at
        Job.objects.filter(pk=job.pk).update(heartbeat_at=timezone.now() - timedelta(hours=1))
        context.progress(30, "A third")
        seen["progress"] = Job.objects.get(pk=job.pk).heartbeat_at

    run_job(job.pk, work)
    assert seen["start"] is not None
    assert seen["progress"] > timezone.now() - timedelta(minutes=1)


@pytest.mark.django_db(transaction=True)
def test_a_long_silent_job_keeps_a_heartbeat(settings):
    # The heartbeat comes from a thread with its own database connection: it needs a
    # committed job row, hence the transactional test.
    settings.AIMS_JOB_HEARTBEAT_SECONDS = 0.05
    job = Job.objects.create(kind="test", title="Quiet", task_name="x")
    beats = []

    def work(job, context):
        started = Job.objects.get(pk=job.pk).heartbeat_at
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            time.sleep(0.05)
            current = Job.objects.get(pk=job.pk).heartbeat_at
            if current > started:
                beats.append(current)
                return

    run_job(job.pk, work)
    assert beats, "no heartbeat was written while the work ran"


def test_a_job_over_its_soft_time_limit_fails_with_a_readable_error(alpha):
    job = Job.objects.create(kind="test", title="Slow", task_name="x")

    def work(job, context):
        raise SoftTimeLimitExceeded()

    with pytest.raises(SoftTimeLimitExceeded):
        run_job(job.pk, work)
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED
    assert job.error == (
        "The job took longer than its time limit "
        f"({django_settings.CELERY_TASK_SOFT_TIME_LIMIT} s) and was stopped."
    )


def test_a_failed_job_is_retried_by_the_person_who_started_it_only(alpha):
    user = make_member(alpha, Role.VIEWER)
    colleague = make_member(alpha, Role.ADMIN)
    job = _running(alpha, user, beat_ago=timedelta(minutes=10), attempts=2)
    jobs_recover()
    job.refresh_from_db()
    with pytest.raises(PermissionDenied):
        job_retry(job=job, user=colleague)

    job = job_retry(job=job, user=user)
    assert job.status == JobStatus.QUEUED
    assert (job.error, job.progress, job.finished_at, job.result) == ("", 0, None, {})
    assert job.dispatch == 2
    assert job.waiting_for_queue  # tried at once; the broker is dead in these tests

    Job.objects.filter(pk=job.pk).update(status=JobStatus.SUCCEEDED, send_error="")
    job.refresh_from_db()
    with pytest.raises(ValidationError):
        job_retry(job=job, user=user)


def test_the_api_retries_a_failed_job_for_its_creator(alpha):
    user = make_member(alpha, Role.VIEWER)
    colleague = make_member(alpha, Role.ADMIN)
    job = Job.objects.create(
        kind="inventory_export",
        title="Export",
        organization=alpha,
        created_by=user,
        task_name=inventory_export.name,
        status=JobStatus.FAILED,
        error="RuntimeError: boom",
    )

    def client(who):
        api = APIClient()
        _, raw = factories.api_token(who)
        api.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
        return api

    url = reverse("job-retry", args=[job.pk])
    assert client(colleague).post(url).status_code == 403
    response = client(user).post(url)
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["status"], body["error"], body["waiting_for_queue"]) == ("queued", "", True)
    assert client(user).post(url).status_code == 200  # still waiting: may be sent again
    Job.objects.filter(pk=job.pk).update(status=JobStatus.SUCCEEDED)
    refused = client(user).post(url)
    assert refused.status_code == 400


def test_a_job_never_handed_to_the_broker_is_picked_up_after_a_grace_period(alpha):
    user = make_member(alpha, Role.VIEWER)
    fresh = Job.objects.create(
        kind="inventory_export",
        title="Just committed",
        organization=alpha,
        created_by=user,
        task_name=inventory_export.name,
    )
    lost = Job.objects.create(
        kind="inventory_export",
        title="The web process stopped before sending it",
        organization=alpha,
        created_by=user,
        task_name=inventory_export.name,
        created_at=timezone.now() - timedelta(minutes=5),
    )
    jobs_recover()
    fresh.refresh_from_db()
    lost.refresh_from_db()
    assert fresh.send_attempts == 0
    assert lost.send_attempts == 1 and lost.waiting_for_queue


def test_the_recover_command_reports_what_it_did(alpha, capsys):
    user = make_member(alpha, Role.VIEWER)
    _running(alpha, user, beat_ago=timedelta(minutes=10), attempts=2)
    call_command("recover_jobs")
    assert "failed 1 job(s) whose worker had stopped" in capsys.readouterr().out


def test_beat_runs_the_recovery_every_minute():
    entry = celery_app.conf.beat_schedule["jobs-recover"]
    celery_app.loader.import_default_modules()
    assert entry["task"] in celery_app.tasks
    assert entry["schedule"] <= 60
    assert entry["options"]["expires"] < entry["schedule"]


def _settings_in_subprocess(**env) -> dict:
    code = (
        "import json, aims.settings as s; print(json.dumps({"
        "'soft': s.CELERY_TASK_SOFT_TIME_LIMIT, 'hard': s.CELERY_TASK_TIME_LIMIT, "
        "'visibility': s.CELERY_BROKER_TRANSPORT_OPTIONS.get('visibility_timeout'), "
        "'stale': s.AIMS_JOB_STALE_SECONDS}))"
    )
    environment = {**os.environ, "AIMS_VAR_DIR": str(django_settings.VAR_DIR), **env}
    done = subprocess.run(
        [sys.executable, "-c", code],
        cwd=django_settings.BASE_DIR,
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
    )
    if done.returncode:
        return {"error": done.stderr}
    return json.loads(done.stdout)


def test_the_time_limits_stay_below_the_visibility_timeout():
    limits = _settings_in_subprocess(REDIS_URL="redis://127.0.0.1:6399/0")
    assert limits == {"soft": 300, "hard": 360, "visibility": 900, "stale": 180}
    refused = _settings_in_subprocess(
        REDIS_URL="redis://127.0.0.1:6399/0", CELERY_TASK_TIME_LIMIT="1000"
    )
    assert "CELERY_VISIBILITY_TIMEOUT" in refused["error"]
    assert (
        "three missed heartbeats" in _settings_in_subprocess(AIMS_JOB_STALE_SECONDS="60")["error"]
    )


def test_an_operator_can_send_again_jobs_a_broker_lost(alpha):
    user = make_member(alpha, Role.VIEWER)
    hour_ago = timezone.now() - timedelta(hours=1)
    lost = Job.objects.create(
        kind="inventory_export",
        title="In a Redis that lost its data",
        organization=alpha,
        created_by=user,
        task_name=inventory_export.name,
        created_at=hour_ago,
        sent_at=hour_ago,
        send_attempts=1,
    )
    recent = Job.objects.create(
        kind="inventory_export",
        title="Sent a moment ago",
        organization=alpha,
        created_by=user,
        task_name=inventory_export.name,
        sent_at=timezone.now(),
        send_attempts=1,
    )
    call_command("recover_jobs")
    lost.refresh_from_db()
    assert lost.send_attempts == 1, "without the option, a sent job is left to the broker"
    call_command("recover_jobs", "--sent-before", "30")
    lost.refresh_from_db()
    recent.refresh_from_db()
    assert lost.send_attempts == 2 and lost.dispatch == 0
    assert recent.send_attempts == 1
