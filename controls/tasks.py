from celery import shared_task

from aims.core.jobs import run_job


@shared_task(
    acks_late=True,
    autoretry_for=(ConnectionError,),
    retry_backoff=True,
    max_retries=3,
    soft_time_limit=300,
    time_limit=360,
)
def catalog_reload(job_id: int) -> None:
    from controls.services import catalog_reload_run

    run_job(job_id, catalog_reload_run)
