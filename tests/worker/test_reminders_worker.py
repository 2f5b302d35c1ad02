"""Reminders on a real worker: the scan sent twice at once (two beat processes, a task
delivered twice) writes and e-mails each reminder exactly once."""

from __future__ import annotations

import datetime
import time

import pytest
from django.utils import timezone

from aims.core.permissions import Role
from reminders.models import Reminder, ReminderScan
from reminders.tasks import reminders_deliver, reminders_scan
from risks.models import Risk, TreatmentAction
from risks.services import risk_criteria_current
from tests.worker.helpers import make_member, make_org

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def _wait(condition, worker, timeout=60.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        assert worker.alive(), worker.log()
        time.sleep(0.3)
    raise AssertionError(f"timed out; worker log:\n{worker.log()}")


def test_a_double_scan_on_the_worker_sends_each_reminder_once(worker):
    org = make_org("remind")
    owner = make_member(org, Role.CONTRIBUTOR, email="owner@remind.example")
    make_member(org, Role.OFFICER, email="officer@remind.example")
    today = timezone.localdate()
    ReminderScan.objects.create(
        organization=org, scanned_through=today - datetime.timedelta(days=1)
    )
    risk = Risk.objects.create(
        organization=org,
        title="Model drift",
        description="Scores drift as the population changes.",
        criteria=risk_criteria_current(organization=org),
        owner=owner,
        inherent_likelihood=3,
        inherent_impact=3,
    )
    action = TreatmentAction.objects.create(
        risk=risk,
        title="Monthly drift check",
        owner=owner,
        due_date=today + datetime.timedelta(days=7),
    )
    for _ in range(3):
        reminders_scan.delay()
    reminders_deliver.delay()

    def emailed():
        return Reminder.objects.filter(email_status="sent").exists()

    _wait(emailed, worker)
    time.sleep(2)  # let the other scans finish: they must add nothing
    reminders_deliver.delay()
    time.sleep(2)
    (reminder,) = Reminder.objects.all()
    assert (reminder.recipient, reminder.object_id, reminder.lead) == (owner, action.pk, 7)
    # The console e-mail backend printed it to the worker's log: once.
    assert worker.log(limit=200000).count(f"Message-ID: {reminder.message_id}") == 1
