"""Celery tasks of the platform itself (Celery beat runs ``jobs_recover`` every minute)."""

from celery import shared_task

from aims.core import jobs


@shared_task(ignore_result=True)
def jobs_recover() -> dict:
    """Send the jobs that waited for the broker; requeue or fail those whose worker died."""
    recovery = jobs.jobs_recover()
    return {"resent": recovery.resent, "requeued": recovery.requeued, "failed": recovery.failed}
