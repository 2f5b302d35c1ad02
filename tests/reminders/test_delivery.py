"""Reminder e-mails: at once or in a digest, each exactly once, with their content."""

from __future__ import annotations

import datetime

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from reminders.models import DigestSent, Reminder, ReminderPreference
from reminders.services import (
    email_lease,
    preferences_save,
    reminders_scan,
    reminders_send_digests,
    reminders_send_immediate,
)
from tests import factories

MONDAY_8 = datetime.datetime(2026, 11, 30, 8, 0, tzinfo=datetime.UTC)


def _items_for(org, owner, *, count=1, now=None):
    now = now or timezone.now()
    for i in range(count):
        risk = factories.RiskFactory(organization=org, owner=owner, title=f"Drift {i}")
        factories.TreatmentActionFactory(
            risk=risk,
            owner=owner,
            title=f"Retrain model {i}",
            due_date=now.date() + datetime.timedelta(days=7),
        )


def _reminders_for(org, owner, *, count=1, now=None):
    now = now or timezone.now()
    _items_for(org, owner, count=count, now=now)
    reminders_scan(now=now)
    return list(Reminder.objects.filter(recipient=owner))


def test_an_immediate_reminder_is_emailed_once_in_text_and_html(org, users, settings):
    settings.SITE_URL = "https://aims.example"
    (reminder,) = _reminders_for(org, users.contributor)
    assert reminders_send_immediate() == 1
    (message,) = mail.outbox
    assert message.to == [users.contributor.email]
    assert message.subject == reminder.title
    assert message.extra_headers["Message-ID"] == f"<reminder-{reminder.pk}@aims.reminders>"
    assert f"https://aims.example{reminder.url}" in message.body
    html, mime = message.alternatives[0]
    assert mime == "text/html" and reminder.url in html and org.name in html
    assert reminders_send_immediate() == 0  # sent: never again
    reminder.refresh_from_db()
    assert reminder.email_status == "sent" and reminder.emailed_at


def test_a_claim_by_a_live_worker_is_left_alone_and_a_lapsed_one_is_sent(org, users):
    (reminder,) = _reminders_for(org, users.contributor)
    Reminder.objects.filter(pk=reminder.pk).update(
        email_status="sending", email_claimed_at=timezone.now()
    )
    assert reminders_send_immediate() == 0
    Reminder.objects.filter(pk=reminder.pk).update(
        email_claimed_at=timezone.now() - email_lease() - datetime.timedelta(minutes=1)
    )
    assert reminders_send_immediate() == 1  # its worker died mid-send
    assert len(mail.outbox) == 1


def test_a_failed_send_is_tried_again(org, users, settings):
    _reminders_for(org, users.contributor)
    settings.EMAIL_BACKEND = "tests.reminders.failing_backend.Backend"
    assert reminders_send_immediate() == 0
    assert Reminder.objects.get().email_status == "pending"
    assert "refused" in Reminder.objects.get().email_error
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert reminders_send_immediate() == 1


def test_a_daily_digest_groups_the_days_reminders_by_organisation(org, other_org, users):
    ReminderPreference.objects.create(
        user=users.contributor, kind="treatment_action", delivery="daily"
    )
    factories.MembershipFactory(organization=other_org, user=users.contributor, role="officer")
    now = MONDAY_8
    _items_for(org, users.contributor, count=2, now=now)
    _items_for(other_org, users.contributor, count=1, now=now)
    reminders_scan(now=now)
    assert reminders_send_immediate(now=now) == 0  # they wait for the digest
    assert reminders_send_digests(now=now - datetime.timedelta(hours=2)) == 0  # before 07:00
    assert reminders_send_digests(now=now) == 1
    (message,) = mail.outbox
    assert "3 items" in message.subject
    assert org.name in message.body and other_org.name in message.body
    assert message.body.count("In 7 days:") == 3
    assert DigestSent.objects.filter(user=users.contributor, period="daily").count() == 1
    assert reminders_send_digests(now=now + datetime.timedelta(hours=3)) == 0  # once a day


def test_a_weekly_digest_goes_on_mondays(org, users):
    ReminderPreference.objects.create(
        user=users.contributor, kind="treatment_action", delivery="weekly"
    )
    tuesday = MONDAY_8 + datetime.timedelta(days=1)
    _reminders_for(org, users.contributor, now=tuesday)
    assert reminders_send_digests(now=tuesday) == 0
    assert reminders_send_digests(now=MONDAY_8 + datetime.timedelta(days=7)) == 1
    assert "weekly" in mail.outbox[0].subject


def test_switching_a_kind_off_drops_what_waits(org, users):
    _reminders_for(org, users.contributor)
    preferences_save(user=users.contributor, choices={"treatment_action": "off"})
    assert reminders_send_immediate() == 0
    assert Reminder.objects.get().email_status == "skipped"


@pytest.mark.parametrize("bad", [{"no_such_kind": "daily"}, {"treatment_action": "hourly"}])
def test_bad_preferences_are_refused_and_nothing_is_saved(users, client_for, bad):
    client = client_for(users.contributor)
    response = client.post(reverse("reminders:preferences"), bad)
    if "no_such_kind" in bad:
        # Unknown fields are not part of the form: nothing changes.
        assert not ReminderPreference.objects.exists()
    else:
        assert response.status_code == 400
        assert "Select a valid choice" in response.content.decode()
        assert not ReminderPreference.objects.exists()
