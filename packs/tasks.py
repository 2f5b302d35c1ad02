"""Celery tasks of the packs app: each fetches its job by id and calls a service."""

from django.conf import settings

from aims.core.jobs import job_task, run_job
from packs import services


@job_task(
    soft_time_limit=settings.AIMS_PACK_SOFT_TIME_LIMIT, time_limit=settings.AIMS_PACK_TIME_LIMIT
)
def evidence_pack_build(job_id: int, dispatch: int | None = None) -> None:
    run_job(job_id, services.evidence_pack_run, dispatch=dispatch)
