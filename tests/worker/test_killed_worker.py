"""SIGKILL of a whole worker in the middle of a job, then a new worker: the job does not
stay "Running 50%"; the recovery pass queues it again and the new worker runs it."""

from __future__ import annotations

import os
import signal
import time
import uuid
from datetime import timedelta

import pytest
from django.utils import timezone

from aims.celery import app as celery_app
from aims.core.jobs import job_enqueue, jobs_recover
from aims.core.models import Job, JobStatus
from tests.worker import slow_tasks
from tests.worker.conftest import _stop, _use_queue, forget_queue, start_worker

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def own_queue(django_db_setup):
    """A queue for this test's workers alone (the session worker must not take the job)."""
    queue = f"aims-kill-{uuid.uuid4().hex[:10]}"
    previous = celery_app.conf.task_default_queue
    _use_queue(queue)
    yield queue
    _use_queue(previous)
    forget_queue(queue)


def _wait_running(job: Job, worker, timeout: float = 60) -> Job:
    deadline = time.monotonic() + timeout
    while True:
        job.refresh_from_db()
        if job.status == JobStatus.RUNNING and job.progress == 50:
            return job
        if time.monotonic() > deadline or not worker.alive():
            pytest.fail(f"job {job.pk} never ran half way ({job.status}):\n{worker.log()}")
        time.sleep(0.1)


def test_a_job_whose_worker_was_killed_is_run_again_by_the_next_worker(
    own_queue, tmp_path, settings
):
    extra = ("--include", slow_tasks.__name__)
    first = start_worker(own_queue, tmp_path, tmp_path / "first.log", extra)
    try:
        job = job_enqueue(kind="slow", title="Slow job", task=slow_tasks.slow_job, user=None)
        job = _wait_running(job, first)
        os.killpg(first.process.pid, signal.SIGKILL)
        first.process.wait(timeout=20)
    finally:
        if first.alive():
            os.killpg(first.process.pid, signal.SIGKILL)
    job.refresh_from_db()
    assert (job.status, job.progress) == (JobStatus.RUNNING, 50)

    # A minute or two later nothing has changed; the pass beat runs every minute is then
    # run as it would be once the heartbeat is stale.
    assert jobs_recover().requeued == 0
    later = timezone.now() + timedelta(seconds=settings.AIMS_JOB_STALE_SECONDS + 30)
    recovery = jobs_recover(now=later)
    assert (recovery.requeued, recovery.resent) == (1, 1)

    second = start_worker(own_queue, tmp_path, tmp_path / "second.log", extra)
    try:
        job, _seen = second.wait_for(job)
    finally:
        _stop(second.process)
    assert job.status == JobStatus.SUCCEEDED, job.error
    assert (job.result, job.attempts, job.dispatch) == ({"runs": 2}, 2, 1)
