"""Demo reminders: the first scan of a demo organisation looks back a month, as if the
scanner had been running, so its people find reminders waiting (their own, and the
officers' escalations of what is overdue)."""

from __future__ import annotations

import datetime

from django.utils import timezone

from aims.organizations.models import Organization
from reminders.models import ReminderScan
from reminders.services import reminders_scan

LOOK_BACK_DAYS = 30


def seed_reminders(*, orgs: dict[str, Organization], run) -> None:
    """Only for organisations the scanner has never seen."""
    new = [
        org for org in orgs.values() if not ReminderScan.objects.filter(organization=org).exists()
    ]
    if not new:
        return
    start = timezone.localdate() - datetime.timedelta(days=LOOK_BACK_DAYS)
    ReminderScan.objects.bulk_create(
        ReminderScan(organization=org, scanned_through=start) for org in new
    )
    result = reminders_scan()
    run.created["reminders"] += result.created
