"""Reminder pages: each person sees only their own reminders, the bell's unread count,
marking read, and the organisation's rules with their validation."""

from __future__ import annotations

import datetime

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from reminders.models import Reminder, ReminderSettings, validate_lead_days_by_kind
from tests import factories


def _reminder(org, user, title="In 7 days: Retrain — due", **fields):
    return Reminder.objects.create(
        organization=org,
        recipient=user,
        kind="treatment_action",
        rule="before",
        lead=7,
        content_type=ContentType.objects.get_for_model(ReminderSettings),
        object_id=fields.pop("object_id", 1),
        due_on=timezone.localdate() + datetime.timedelta(days=7),
        title=title,
        delivery="immediate",
        **fields,
    )


def test_a_person_sees_only_their_own_reminders(org, users, client_for):
    mine = _reminder(org, users.contributor, title="Mine")
    _reminder(org, users.officer, title="The officer's", object_id=2)
    page = client_for(users.contributor).get(reverse("reminders:list"))
    html = page.content.decode()
    assert page.status_code == 200 and "Mine" in html and "The officer&#x27;s" not in html
    assert f'id="reminder-{mine.pk}"' in html


def test_the_bell_counts_unread_and_marking_read_clears_it(org, users, client_for):
    first = _reminder(org, users.contributor)
    _reminder(org, users.contributor, object_id=2)
    client = client_for(users.contributor)
    assert ">2<" in client.get(reverse("reminders:unread")).content.decode()
    client.post(reverse("reminders:list"), {"read": first.pk})
    assert ">1<" in client.get(reverse("reminders:unread")).content.decode()
    # Someone else's reminder id marks nothing.
    other = _reminder(org, users.officer, object_id=3)
    client.post(reverse("reminders:list"), {"read": other.pk})
    assert Reminder.objects.get(pk=other.pk).read_at is None
    client.post(reverse("reminders:list"), {"all": "1"})
    assert client.get(reverse("reminders:unread")).content.decode() == ""


def test_the_pages_need_a_sign_in(client_for):
    response = client_for(None).get(reverse("reminders:list"))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_every_page_offers_the_bell(org, users, client_for):
    page = client_for(users.viewer).get(reverse("dashboard", kwargs={"org": org.slug}))
    assert reverse("reminders:unread") in page.content.decode()


@pytest.mark.parametrize(
    ("typed", "message"),
    [("30, soon", "whole numbers"), ("0", "between 1 and 365"), ("7, 7", "once"), ("", "required")],
)
def test_bad_lead_days_are_refused_and_nothing_is_saved(org, users, client_for, typed, message):
    url = reverse("reminders_org:settings", kwargs={"org": org.slug})
    response = client_for(users.officer).post(
        url, {"lead_days": typed, "on_the_day": "on", "_version": ""}
    )
    assert response.status_code == 400 and message in response.content.decode()
    assert not ReminderSettings.objects.exists()


def test_an_officer_sets_the_rules_and_a_viewer_may_not(org, users, client_for):
    url = reverse("reminders_org:settings", kwargs={"org": org.slug})
    assert client_for(users.viewer).post(url, {"lead_days": "3", "_version": ""}).status_code == 403
    assert not ReminderSettings.objects.exists()
    response = client_for(users.officer).post(url, {"lead_days": "7, 30", "_version": ""})
    assert response.status_code == 302
    saved = ReminderSettings.objects.get(organization=org)
    assert saved.lead_days == [30, 7] and not saved.on_the_day and not saved.escalate_overdue


def test_members_read_the_rules_and_auditors_do_not_see_them(org, users, client_for):
    url = reverse("reminders_org:settings", kwargs={"org": org.slug})
    factories.engage(org, users.auditor, whole_aims=True)
    assert client_for(users.auditor).get(url).status_code == 404  # not even the defaults
    defaults = client_for(users.viewer).get(url)
    assert defaults.status_code == 200
    page = defaults.content.decode()
    assert "30, 7, 1" in page and "platform's defaults" in page
    assert 'name="lead_days"' not in page
    ReminderSettings.objects.create(organization=org, lead_days=[14, 2])
    page = client_for(users.contributor).get(url).content.decode()
    assert "14, 2" in page and "Only officers and administrators" in page
    assert 'name="lead_days"' in client_for(users.officer).get(url).content.decode()
    assert client_for(users.auditor).get(url).status_code == 404


def test_an_officer_gives_a_kind_its_own_days_and_bad_ones_change_nothing(org, users, client_for):
    url = reverse("reminders_org:settings", kwargs={"org": org.slug})
    officer = client_for(users.officer)
    refused = officer.post(
        url, {"lead_days": "30, 7", "days_training_expiry": "90, soon", "_version": ""}
    )
    assert refused.status_code == 400 and "whole numbers" in refused.content.decode()
    assert not ReminderSettings.objects.exists()
    saved = officer.post(
        url, {"lead_days": "30, 7", "days_training_expiry": "30, 90", "_version": ""}
    )
    assert saved.status_code == 302
    rules = ReminderSettings.objects.get(organization=org)
    assert rules.lead_days_by_kind == {"training_expiry": [90, 30]}
    assert rules.leads_for("training_expiry") == [90, 30] and rules.leads_for("audit") == [30, 7]
    page = client_for(users.viewer).get(url).content.decode()
    assert "Training and qualifications" in page and "90, 30" in page
    # Emptying the kind's field returns it to the organisation's days.
    officer.post(url, {"lead_days": "30, 7", "days_training_expiry": "", "_version": rules.version})
    rules.refresh_from_db()
    assert rules.lead_days_by_kind == {}


def test_the_model_refuses_an_unknown_kind_or_bad_days():
    for bad in ({"no_such_kind": [7]}, {"audit": [0]}, {"audit": "7"}, ["audit"]):
        with pytest.raises(ValidationError):
            validate_lead_days_by_kind(bad)
    validate_lead_days_by_kind({"audit": [60, 30]})


@pytest.mark.parametrize(
    "target", ["https://evil.example/phish", "//evil.example/x", "/\\evil.example", "javascript:x"]
)
def test_marking_read_never_sends_the_user_to_another_site(org, users, client_for, target):
    _reminder(org, users.officer)
    response = client_for(users.officer).post(
        reverse("reminders:list"), {"all": "1", "next": target}
    )
    assert response.status_code == 302 and response["Location"] == reverse("reminders:list")


def test_marking_read_returns_to_the_page_it_came_from(org, users, client_for):
    _reminder(org, users.officer)
    back = reverse("reminders:list") + "?read=unread&page=2"
    response = client_for(users.officer).post(reverse("reminders:list"), {"all": "1", "next": back})
    assert response["Location"] == back
