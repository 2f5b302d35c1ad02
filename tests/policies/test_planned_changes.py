"""Planned changes (6.3): proposed → approved / rejected → implemented; approval by an
officer or administrator other than the proposer."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from policies.models import ChangeStatus, PlannedChange
from policies.services.support import (
    planned_change_approve,
    planned_change_reject,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def change(org, users):
    return PlannedChange.objects.create(
        organization=org,
        title="Add the chatbot to the scope",
        purpose="Customers use it daily.",
        proposed_by=users.officer,
    )


def test_another_officer_approves_and_the_decision_is_recorded(change, users):
    approved = planned_change_approve(change=change, actor=users.admin, note="Go ahead.")
    assert approved.status == ChangeStatus.APPROVED
    assert approved.decided_by == users.admin and approved.decided_at is not None
    assert approved.decision_note == "Go ahead."


def test_the_proposer_cannot_approve_their_own_change(change, users, org, client_for):
    with pytest.raises(ValidationError, match="another officer or administrator"):
        planned_change_approve(change=change, actor=users.officer)
    response = client_for(users.officer).post(
        reverse(
            "policies:change_action", kwargs={"org": org.slug, "pk": change.pk, "action": "approve"}
        ),
        follow=True,
    )
    assert "another officer or administrator" in response.content.decode()
    change.refresh_from_db()
    assert change.status == ChangeStatus.PROPOSED and change.decided_by is None


def test_the_database_refuses_a_decision_by_the_proposer(change, users):
    from django.db import IntegrityError, transaction

    change.status, change.decided_by, change.decided_at = "approved", users.officer, timezone.now()
    with pytest.raises(IntegrityError), transaction.atomic():
        change.save()


@pytest.mark.parametrize("role", ["contributor", "viewer"])
def test_a_member_without_authority_cannot_approve(change, users, role, api_client_for):
    with pytest.raises(PermissionDenied):
        planned_change_approve(change=change, actor=users[role])
    response = api_client_for(users[role]).post(reverse("plannedchange-approve", args=[change.pk]))
    assert response.status_code == 403
    change.refresh_from_db()
    assert change.status == ChangeStatus.PROPOSED


def test_a_rejection_needs_a_reason(change, users, api_client_for):
    response = api_client_for(users.admin).post(
        reverse("plannedchange-reject", args=[change.pk]), {}
    )
    assert response.status_code == 400
    change.refresh_from_db()
    assert change.status == ChangeStatus.PROPOSED
    rejected = planned_change_reject(change=change, actor=users.admin, note="Not this year.")
    assert rejected.status == ChangeStatus.REJECTED


def test_only_an_approved_change_is_implemented(change, users, api_client_for):
    client = api_client_for(users.admin)
    refused = client.post(reverse("plannedchange-implement", args=[change.pk]), {})
    assert refused.status_code == 400 and "approved" in str(refused.json())
    planned_change_approve(change=change, actor=users.admin)
    bad_date = client.post(
        reverse("plannedchange-implement", args=[change.pk]), {"implemented_on": "soon"}
    )
    assert bad_date.status_code == 400 and "implemented_on" in bad_date.json()
    future = (timezone.localdate() + datetime.timedelta(days=3)).isoformat()
    assert (
        client.post(
            reverse("plannedchange-implement", args=[change.pk]), {"implemented_on": future}
        ).status_code
        == 400
    )
    done = client.post(reverse("plannedchange-implement", args=[change.pk]), {"note": "Scope v3."})
    assert done.status_code == 200, done.content
    change.refresh_from_db()
    assert (
        change.status == ChangeStatus.IMPLEMENTED and change.implemented_on == timezone.localdate()
    )


def test_a_decided_change_is_no_longer_edited(change, users, org, client_for, api_client_for):
    planned_change_approve(change=change, actor=users.admin)
    response = api_client_for(users.admin).patch(
        reverse("plannedchange-detail", args=[change.pk]), {"purpose": "Other."}, format="json"
    )
    assert response.status_code == 400
    page = client_for(users.admin).get(
        reverse("policies:change_edit", kwargs={"org": org.slug, "pk": change.pk})
    )
    assert page.status_code == 403
    change.refresh_from_db()
    assert change.purpose == "Customers use it daily."


def test_the_workflow_fields_are_not_written_by_clients(org, users, api_client_for):
    response = api_client_for(users.officer).post(
        reverse("plannedchange-list"),
        {
            "organization": org.pk,
            "title": "T",
            "purpose": "P",
            "status": "implemented",
            "decided_by": users.admin.pk,
        },
        format="json",
    )
    assert response.status_code == 201
    created = PlannedChange.objects.get(pk=response.json()["id"])
    assert created.status == ChangeStatus.PROPOSED and created.decided_by is None
    assert created.proposed_by == users.officer
