"""Celery tasks of the risks app: each fetches its job by id and calls a service."""

from celery import shared_task

from aims.core.jobs import run_job
from risks import exports


@shared_task(
    acks_late=True,
    autoretry_for=(ConnectionError,),
    retry_backoff=True,
    max_retries=3,
    soft_time_limit=300,
    time_limit=360,
)
def risk_register_pdf(job_id: int) -> None:
    run_job(job_id, exports.risk_register_pdf_run)
