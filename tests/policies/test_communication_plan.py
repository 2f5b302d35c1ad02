"""The communication plan (7.4): when an item is next due, marking it done, bad input."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from policies.models import CommunicationItem
from tests.policies.objectives_helpers import days_ago, make_communication


def test_a_recurring_item_is_next_due_one_interval_after_it_was_done(org):
    item = make_communication(org, frequency="quarterly", last_done=datetime.date(2026, 1, 31))
    assert item.next_due == datetime.date(2026, 4, 30)
    yearly = make_communication(org, frequency="yearly", last_done=datetime.date(2024, 2, 29))
    assert yearly.next_due == datetime.date(2025, 2, 28)


def test_a_date_set_by_hand_after_the_last_time_is_kept(org):
    item = make_communication(
        org, frequency="monthly", last_done=days_ago(10), next_due=days_ago(-5)
    )
    assert item.next_due == days_ago(-5)


def test_a_one_off_item_needs_its_date(org):
    with pytest.raises(ValidationError) as refused:
        make_communication(org, frequency="once")
    assert "next_due" in refused.value.message_dict
    assert not CommunicationItem.objects.exists()
    assert make_communication(org, frequency="once", next_due=days_ago(-30)).pk


def test_marking_done_moves_the_next_due_date(org, users, client_for):
    item = make_communication(
        org, frequency="monthly", last_done=days_ago(45), owner=users.contributor
    )
    assert item.is_overdue
    url = reverse("policies:communication_done", kwargs={"org": org.slug, "pk": item.pk})
    assert client_for(users.viewer).post(url).status_code == 403
    response = client_for(users.contributor).post(url)  # the owner
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.last_done == timezone.localdate() and not item.is_overdue
    assert item.next_due > timezone.localdate()


def test_the_api_marks_done_and_refuses_a_day_to_come(org, users, api_client_for):
    item = make_communication(org, frequency="quarterly", last_done=days_ago(120))
    url = reverse("communicationitem-done", args=[item.pk])
    client = api_client_for(users.officer)
    future = client.post(
        url, {"on": (timezone.localdate() + datetime.timedelta(days=3)).isoformat()}, format="json"
    )
    assert future.status_code == 400
    assert client.post(url, {"on": "0001-01-01"}, format="json").status_code == 400
    item.refresh_from_db()
    assert item.last_done == days_ago(120)
    done = client.post(url, {"on": days_ago(1).isoformat()}, format="json")
    assert done.status_code == 200, done.content
    assert done.json()["last_done"] == days_ago(1).isoformat()
    assert done.json()["is_overdue"] is False
    assert api_client_for(users.viewer).post(url, {}, format="json").status_code == 403


def test_the_overdue_filter(org, users, api_client_for):
    late = make_communication(org, subject="Late", frequency="monthly", last_done=days_ago(60))
    make_communication(org, subject="Current", frequency="monthly", last_done=days_ago(5))
    rows = (
        api_client_for(users.viewer)
        .get(reverse("communicationitem-list"), {"overdue": "true"})
        .json()
    )
    assert [r["id"] for r in rows["results"]] == [late.pk]
