"""A job task for the killed-worker test only, loaded into its workers with ``--include``:
its first run reports half way and then waits, for the test to kill the worker."""

from __future__ import annotations

import time

from aims.core.jobs import JobContext, job_task, run_job
from aims.core.models import Job


def _work(job: Job, context: JobContext) -> dict:
    context.progress(50, "Half way")
    if job.attempts == 1:
        time.sleep(120)
    return {"runs": job.attempts}


@job_task
def slow_job(job_id: int, dispatch: int | None = None) -> None:
    run_job(job_id, _work, dispatch=dispatch)
