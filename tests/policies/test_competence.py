"""Competence gaps (7.2): for each person in a role and each requirement of the role, a
current record meets it; none is missing, an expired one or one past the renewal period is
expired, and a renewal makes it met again. Contributors keep their own records."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from policies.models import TrainingRecord
from policies.services.roles import competence_gaps
from tests.policies.roles_helpers import make_record, make_requirement, make_role


@pytest.fixture
def role(org, users):
    role = make_role(org, name="Internal auditor")
    role.members.add(users.contributor, users.viewer)
    return role


def _statuses(org, user):
    gaps = competence_gaps(organization=org, user=user)
    return {(c.person_id, c.requirement): c.status for c in gaps.cells}, gaps


def test_a_person_without_a_record_is_missing_it(org, users, role):
    make_requirement(org, role=role, title="Audit techniques")
    statuses, gaps = _statuses(org, users.officer)
    assert statuses == {
        (users.contributor.pk, "Audit techniques"): "missing",
        (users.viewer.pk, "Audit techniques"): "missing",
    }
    assert len(gaps.missing) == 2 and not gaps.expired


def test_an_expired_record_is_expired_and_a_renewal_meets_it_again(org, users, role):
    requirement = make_requirement(org, role=role, title="Audit techniques")
    old = make_record(org, users.contributor, days_ago=800, expires_in=-5)
    old.meets.add(requirement)
    statuses, _ = _statuses(org, users.officer)
    assert statuses[(users.contributor.pk, "Audit techniques")] == "expired"
    renewed = make_record(org, users.contributor, days_ago=3, expires_in=700)
    renewed.meets.add(requirement)
    statuses, _ = _statuses(org, users.officer)
    assert statuses[(users.contributor.pk, "Audit techniques")] == "met"
    assert statuses[(users.viewer.pk, "Audit techniques")] == "missing"


def test_a_record_older_than_the_renewal_period_no_longer_counts(org, users, role):
    requirement = make_requirement(org, role=role, title="Bias testing", renewal_months=12)
    record = make_record(org, users.contributor, days_ago=400)  # never expires by itself
    record.meets.add(requirement)
    statuses, gaps = _statuses(org, users.officer)
    assert statuses[(users.contributor.pk, "Bias testing")] == "expired"
    record.completed_on = timezone.localdate() - datetime.timedelta(days=200)
    record.save()
    statuses, gaps = _statuses(org, users.officer)
    assert statuses[(users.contributor.pk, "Bias testing")] == "met"
    cell = next(c for c in gaps.cells if c.person_id == users.contributor.pk)
    assert cell.valid_until > timezone.localdate()


def test_a_record_for_another_requirement_does_not_count(org, users, role):
    make_requirement(org, role=role, title="Audit techniques")
    other = make_requirement(org, title="Data lineage")
    make_record(org, users.contributor).meets.add(other)
    statuses, _ = _statuses(org, users.officer)
    assert statuses[(users.contributor.pk, "Audit techniques")] == "missing"


def test_the_gap_view_counts_per_role(org, users, role, client_for):
    requirement = make_requirement(org, role=role, title="Audit techniques")
    make_record(org, users.contributor, days_ago=800, expires_in=-1).meets.add(requirement)
    page = client_for(users.viewer).get(reverse("policies:competence", kwargs={"org": org.slug}))
    assert page.status_code == 200
    (section,) = page.context["sections"]
    assert (section["missing"], section["expired"]) == (1, 1)


def test_the_gap_api_lists_each_check(org, users, role, api_client_for):
    make_requirement(org, role=role, title="Audit techniques")
    response = api_client_for(users.viewer).get(
        reverse("competencerequirement-gaps"), {"organization": org.pk}
    )
    assert response.status_code == 200
    assert {(r["person"], r["status"]) for r in response.json()} == {
        (users.contributor.pk, "missing"),
        (users.viewer.pk, "missing"),
    }
    bad = api_client_for(users.viewer).get(
        reverse("competencerequirement-gaps"), {"organization": "x"}
    )
    assert bad.status_code == 400


def test_a_contributor_cannot_record_training_for_someone_else(org, users, api_client_for):
    client = api_client_for(users.contributor)
    payload = {
        "organization": org.pk,
        "person": users.viewer.pk,
        "title": "Prompt injection basics",
        "completed_on": timezone.localdate().isoformat(),
    }
    response = client.post(reverse("trainingrecord-list"), payload, format="json")
    assert response.status_code == 400
    assert list(response.json()) == ["person"]
    assert not TrainingRecord.objects.exists()
    response = client.post(
        reverse("trainingrecord-list"), {**payload, "person": users.contributor.pk}, format="json"
    )
    assert response.status_code == 201


def test_a_contributor_cannot_hand_their_record_to_someone_else(org, users, api_client_for):
    record = make_record(org, users.contributor)
    response = api_client_for(users.contributor).patch(
        reverse("trainingrecord-detail", args=[record.pk]),
        {"person": users.viewer.pk},
        format="json",
    )
    assert response.status_code == 400
    record.refresh_from_db()
    assert record.person == users.contributor


def test_the_contributors_form_offers_only_themselves(org, users, client_for):
    client = client_for(users.contributor)
    page = client.get(reverse("policies:training_add", kwargs={"org": org.slug}))
    assert list(page.context["form"].fields["person"].queryset) == [users.contributor]
    response = client.post(
        reverse("policies:training_add", kwargs={"org": org.slug}),
        {
            "person": users.viewer.pk,
            "title": "Prompt injection basics",
            "kind": "training",
            "completed_on": timezone.localdate().isoformat(),
        },
    )
    assert response.status_code == 400
    assert not TrainingRecord.objects.exists()


@pytest.mark.parametrize(
    "change, field",
    [
        ({"expires_on": "2020-01-01"}, "expires_on"),  # before completion
        ({"completed_on": "2999-01-01"}, "completed_on"),  # in the future
        ({"kind": "hobby"}, "kind"),
    ],
)
def test_bad_dates_and_kinds_are_refused(org, users, api_client_for, change, field):
    payload = {
        "organization": org.pk,
        "person": users.contributor.pk,
        "title": "Course",
        "completed_on": "2025-06-01",
        **change,
    }
    response = api_client_for(users.officer).post(
        reverse("trainingrecord-list"), payload, format="json"
    )
    assert response.status_code == 400
    assert field in response.json()
    assert not TrainingRecord.objects.exists()


def test_a_renewal_period_of_zero_is_refused(org, users, api_client_for):
    response = api_client_for(users.officer).post(
        reverse("competencerequirement-list"),
        {"organization": org.pk, "role": make_role(org).pk, "title": "X", "renewal_months": 0},
        format="json",
    )
    assert response.status_code == 400
    assert "renewal_months" in response.json()
