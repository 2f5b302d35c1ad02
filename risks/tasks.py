"""Celery tasks of the risks app: each fetches its job by id and calls a service."""

from aims.core.jobs import job_task, run_job
from risks import exports


@job_task
def risk_register_pdf(job_id: int, dispatch: int | None = None) -> None:
    run_job(job_id, exports.risk_register_pdf_run, dispatch=dispatch)
