"""Reminder tasks, run by Celery beat: the scan (hourly: the incident-report deadlines are
kept to the hour) and the delivery of e-mails (every few minutes). Both are safe to run
twice or in two processes at once (``reminders.services``)."""

from celery import shared_task

from reminders import services


@shared_task(
    ignore_result=True,
    acks_late=True,
    autoretry_for=(ConnectionError,),
    retry_backoff=True,
    max_retries=3,
)
def reminders_scan() -> dict:
    result = services.reminders_scan()
    sent = services.reminders_send_immediate()
    return {"organizations": result.organizations, "reminders": result.created, "emailed": sent}


@shared_task(
    ignore_result=True,
    acks_late=True,
    autoretry_for=(ConnectionError,),
    retry_backoff=True,
    max_retries=3,
)
def reminders_deliver() -> dict:
    return {
        "emailed": services.reminders_send_immediate(),
        "digests": services.reminders_send_digests(),
    }
