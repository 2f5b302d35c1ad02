from celery import shared_task

from aims.core.jobs import run_job
from controls import services


@shared_task(
    acks_late=True,
    autoretry_for=(ConnectionError,),
    retry_backoff=True,
    max_retries=3,
    soft_time_limit=300,
    time_limit=360,
)
def catalog_reload(job_id: int) -> None:
    run_job(job_id, services.catalog_reload_run)
