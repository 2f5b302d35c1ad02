"""The reminders in the admin: every model is listed; the organisation's rules are edited
there with the change logged (source ``admin``); reminders, preferences and the engine's
bookkeeping are read-only."""

from __future__ import annotations

import pytest
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse
from django.utils import timezone

from aims.core.models import ChangeLogEntry
from reminders.models import (
    DigestSent,
    Reminder,
    ReminderPreference,
    ReminderScan,
    ReminderSettings,
)
from tests import factories

MODELS = (ReminderSettings, Reminder, ReminderPreference, ReminderScan, DigestSent)


@pytest.fixture
def operator(client_for, settings):
    settings.ADMIN_REQUIRE_MFA = False  # the admin door is tested in tests/signin
    user = factories.UserFactory(email="ops@acme.test", is_staff=True, is_superuser=True)
    return client_for(user)


@pytest.fixture
def rows(org, users):
    reminder = Reminder.objects.create(
        organization=org,
        recipient=users.officer,
        kind="risk_review",
        rule="before",
        lead=7,
        content_type=ContentType.objects.get_for_model(ReminderSettings),
        object_id=1,
        due_on=timezone.localdate(),
        title="In 7 days: Review",
        delivery="immediate",
    )
    return {
        ReminderSettings: ReminderSettings.objects.create(organization=org, lead_days=[30]),
        Reminder: reminder,
        ReminderPreference: ReminderPreference.objects.create(
            user=users.officer, kind="audit", delivery="weekly"
        ),
        ReminderScan: ReminderScan.objects.create(organization=org),
        DigestSent: DigestSent.objects.create(
            user=users.officer, period="daily", period_key="2026-01-05"
        ),
    }


def _url(model, view, *args):
    return reverse(f"admin:reminders_{model._meta.model_name}_{view}", args=args)


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.__name__)
def test_every_model_is_listed_and_shown(model, rows, operator):
    assert operator.get(_url(model, "changelist")).status_code == 200
    assert operator.get(_url(model, "change", rows[model].pk)).status_code == 200


@pytest.mark.parametrize(
    "model", [Reminder, ReminderPreference, ReminderScan, DigestSent], ids=lambda m: m.__name__
)
def test_the_engines_rows_are_read_only(model, rows, operator):
    obj = rows[model]
    assert operator.get(_url(model, "add")).status_code == 403
    assert operator.post(_url(model, "delete", obj.pk), {"post": "yes"}).status_code == 403
    assert model.objects.filter(pk=obj.pk).exists()
    page = operator.get(_url(model, "change", obj.pk)).content.decode()
    assert 'type="submit" value="Save"' not in page


def test_the_rules_are_edited_with_the_change_logged(org, rows, operator):
    rules = rows[ReminderSettings]
    since = ChangeLogEntry.objects.count()
    response = operator.post(
        _url(ReminderSettings, "change", rules.pk),
        {"organization": org.pk, "lead_days": "[1, 14]", "on_the_day": "on"},
    )
    assert response.status_code == 302, response.content
    rules.refresh_from_db()
    assert (rules.lead_days, rules.on_the_day, rules.escalate_overdue) == ([14, 1], True, False)
    (row,) = ChangeLogEntry.objects.order_by("seq")[since:]
    assert (row.action, row.source) == ("update", "admin")
    assert (
        operator.post(_url(ReminderSettings, "delete", rules.pk), {"post": "yes"}).status_code
        == 403
    )


def test_bad_rules_are_refused_in_the_admin(org, rows, operator):
    rules = rows[ReminderSettings]
    response = operator.post(
        _url(ReminderSettings, "change", rules.pk),
        {"organization": org.pk, "lead_days": "[0]", "on_the_day": "on"},
    )
    assert response.status_code == 200  # the form again, with the error
    assert "between 1 and 365" in response.content.decode()
    rules.refresh_from_db()
    assert (rules.lead_days, rules.version) == ([30], 1)
