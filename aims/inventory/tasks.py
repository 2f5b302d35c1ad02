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
def inventory_export(job_id: int) -> None:
    from aims.inventory.services import inventory_export_run

    run_job(job_id, inventory_export_run)
