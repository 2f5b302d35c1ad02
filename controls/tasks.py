from aims.core.jobs import job_task, run_job
from controls import services


@job_task
def catalog_reload(job_id: int, dispatch: int | None = None) -> None:
    run_job(job_id, services.catalog_reload_run, dispatch=dispatch)
