"""Reminders on a real worker: the scan sent twice at once (two beat processes, a task
delivered twice) writes and e-mails each reminder exactly once, and a worker killed in the
middle of sending leaves it to be sent once by the next."""

from __future__ import annotations

import datetime
import os
import signal
import time
import uuid

import pytest
from django.utils import timezone

from aims.celery import app as celery_app
from aims.core.permissions import Role
from reminders import services
from reminders.models import Reminder, ReminderScan
from reminders.tasks import reminders_deliver, reminders_scan
from risks.models import Risk, TreatmentAction
from risks.services import risk_criteria_current
from tests.worker.conftest import _stop, _use_queue, forget_queue, start_worker
from tests.worker.fake_smtp import FakeSMTP
from tests.worker.helpers import make_member, make_org

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def _wait(condition, worker, timeout=120.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        assert worker.alive(), worker.log()
        time.sleep(0.3)
    raise AssertionError(f"timed out; worker log:\n{worker.log()}")


def _finished(worker) -> int:
    log = worker.log(limit=10**7)
    return sum(
        1
        for line in log.splitlines()
        if "Task reminders.tasks." in line and (" succeeded in " in line or " raised " in line)
    )


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
    done_before = _finished(worker)
    for _ in range(3):
        reminders_scan.delay()
    reminders_deliver.delay()
    reminders_deliver.delay()
    # Every task ran (none is left to touch the next test's records), and only one mail went.
    _wait(lambda: _finished(worker) - done_before >= 5, worker)
    (reminder,) = Reminder.objects.all()
    assert (reminder.recipient, reminder.object_id, reminder.lead) == (owner, action.pk, 7)
    # The console e-mail backend printed it to the worker's log: once.
    assert worker.log(limit=200000).count(f"Message-ID: {reminder.message_id}") == 1


@pytest.fixture
def own_queue(django_db_setup):
    """A queue for this test's workers alone (the session worker must not take the task)."""
    queue = f"aims-remind-{uuid.uuid4().hex[:10]}"
    previous = celery_app.conf.task_default_queue
    _use_queue(queue)
    yield queue
    _use_queue(previous)
    forget_queue(queue)


def test_a_worker_killed_mid_send_leaves_the_reminder_to_be_sent_once(
    own_queue, tmp_path, monkeypatch, django_db_setup
):
    org = make_org("killed")
    owner = make_member(org, Role.CONTRIBUTOR, email="owner@killed.example")
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
    TreatmentAction.objects.create(
        risk=risk, title="Drift check", owner=owner, due_date=today + datetime.timedelta(days=7)
    )
    services.reminders_scan()
    (reminder,) = Reminder.objects.all()
    with FakeSMTP(stall_first=1) as smtp:
        monkeypatch.setenv("EMAIL_URL", f"smtp://127.0.0.1:{smtp.port}")
        monkeypatch.setenv("AIMS_REMINDER_EMAIL_LEASE_SECONDS", "2")
        first = start_worker(own_queue, tmp_path, tmp_path / "first.log")
        try:
            reminders_deliver.delay()
            _wait(lambda: Reminder.objects.filter(email_status="sending").exists(), first)
            _wait(lambda: smtp.received.stalled == 1, first)  # it is in the middle of sending
        finally:
            os.killpg(first.process.pid, signal.SIGKILL)
            first.process.wait(timeout=20)
        assert Reminder.objects.get().email_status == "sending" and not smtp.received.messages
        time.sleep(2.5)  # the dead worker's claim lapses
        second = start_worker(own_queue, tmp_path, tmp_path / "second.log")
        try:
            reminders_deliver.delay()
            _wait(lambda: Reminder.objects.filter(email_status="sent").exists(), second)
            reminders_deliver.delay()  # a later pass sends nothing more
            time.sleep(2)
        finally:
            _stop(second.process)
        messages = list(smtp.received.messages)
    assert len(messages) == 1
    assert f"Message-ID: {reminder.message_id}".encode() in messages[0]
