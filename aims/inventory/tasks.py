from celery import shared_task

from aims.core.jobs import run_job
from aims.inventory import services


@shared_task(
    acks_late=True,
    autoretry_for=(ConnectionError,),
    retry_backoff=True,
    max_retries=3,
    soft_time_limit=300,
    time_limit=360,
)
def inventory_export(job_id: int) -> None:
    run_job(job_id, services.inventory_export_run)
