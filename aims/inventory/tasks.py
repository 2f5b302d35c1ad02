from aims.core.jobs import job_task, run_job
from aims.inventory import services


@job_task
def inventory_export(job_id: int, dispatch: int | None = None) -> None:
    run_job(job_id, services.inventory_export_run, dispatch=dispatch)
