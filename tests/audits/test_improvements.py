"""Opportunities for improvement: anyone suggests, an officer decides with reasons, the
outcome is recorded once done."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from audits.models import Opportunity
from audits.services import opportunity_decide, opportunity_implement, opportunity_raise


@pytest.fixture
def idea(org, users):
    return opportunity_raise(
        opportunity=Opportunity(organization=org, title="Digest", description="Monthly."),
        actor=users.contributor,
    )


def test_a_contributor_suggests_and_is_recorded_as_the_author(idea, users, org, client_for):
    assert idea.raised_by == users.contributor and idea.status == "proposed"
    response = client_for(users.contributor).post(
        reverse("audits:opportunity_add", kwargs={"org": org.slug}),
        {
            "title": "Notices",
            "description": "Plainer.",
            "source": "suggestion",
            "raised_on": "2026-12-01",
        },
    )
    assert response.status_code == 302
    assert Opportunity.objects.get(title="Notices").raised_by == users.contributor


def test_an_officer_decides_with_reasons(idea, users):
    with pytest.raises(PermissionDenied):
        opportunity_decide(opportunity=idea, user=users.contributor, accept=True, notes="x")
    with pytest.raises(ValidationError, match="reasons"):
        opportunity_decide(opportunity=idea, user=users.officer, accept=True, notes=" ")
    accepted = opportunity_decide(opportunity=idea, user=users.officer, accept=True, notes="Cheap.")
    assert (accepted.status, accepted.decided_by) == ("accepted", users.officer)


def test_only_an_accepted_one_is_implemented_with_its_outcome(idea, users):
    with pytest.raises(ValidationError, match="accepted"):
        opportunity_implement(opportunity=idea, user=users.officer, outcome="Done.")
    opportunity_decide(opportunity=idea, user=users.officer, accept=True, notes="Yes.")
    with pytest.raises(ValidationError, match="what changed"):
        opportunity_implement(opportunity=idea, user=users.officer, outcome="")
    with pytest.raises(ValidationError, match="between its decision and today"):
        opportunity_implement(
            opportunity=idea,
            user=users.officer,
            outcome="x",
            implemented_on=timezone.localdate() + datetime.timedelta(days=3),
        )
    done = opportunity_implement(
        opportunity=idea, user=users.officer, outcome="Drift caught in a week."
    )
    assert done.status == "implemented" and done.implemented_on == timezone.localdate()
    with pytest.raises(ValidationError, match="already decided"):
        opportunity_decide(opportunity=done, user=users.officer, accept=False, notes="No.")


def test_the_api_runs_the_workflow(idea, users, api_client_for):
    client = api_client_for(users.officer)
    decided = client.post(
        f"/api/v1/improvements/{idea.pk}/decide/", {"accept": True, "notes": "Go."}, format="json"
    )
    assert decided.status_code == 200 and decided.json()["status"] == "accepted"
    refused = client.post(
        f"/api/v1/improvements/{idea.pk}/implement/", {"outcome": ""}, format="json"
    )
    assert refused.status_code == 400
    done = client.post(
        f"/api/v1/improvements/{idea.pk}/implement/", {"outcome": "Shipped."}, format="json"
    )
    assert done.status_code == 200 and done.json()["status"] == "implemented"
    viewer = api_client_for(users.viewer).post(
        f"/api/v1/improvements/{idea.pk}/decide/", {"accept": False, "notes": "x"}, format="json"
    )
    assert viewer.status_code == 403
