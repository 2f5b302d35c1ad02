"""Celery tasks of the platform itself, run by Celery beat (``CELERY_BEAT_SCHEDULE``):
``jobs_recover`` every minute, the sweep for stored files no row refers to, and the change
log's signed checkpoint."""

from celery import shared_task

from aims.core import jobs
from aims.core.changelog import write_checkpoint
from aims.core.storage_sweep import sweep_unreferenced_files


@shared_task(ignore_result=True)
def jobs_recover() -> dict:
    """Send the jobs that waited for the broker; requeue or fail those whose worker died."""
    recovery = jobs.jobs_recover()
    return {"resent": recovery.resent, "requeued": recovery.requeued, "failed": recovery.failed}


@shared_task(ignore_result=True, acks_late=True)
def files_sweep() -> dict:
    """Delete stored files no row refers to, a day after they were written."""
    result = sweep_unreferenced_files()
    return {"scanned": result.scanned, "deleted": len(result.deleted)}


@shared_task(ignore_result=True, acks_late=True)
def changelog_checkpoint() -> dict:
    """Verify the change log and export a signed checkpoint of its end (a tampered chain
    raises: the task fails loudly and nothing is written)."""
    checkpoint, written = write_checkpoint()
    return {"seq": checkpoint.seq, "written": written}
