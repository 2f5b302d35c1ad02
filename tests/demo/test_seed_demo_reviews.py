"""``seed_demo``: Northwind's management review, held with approved minutes and decisions,
its agenda assembled from every register the demo fills."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command

from aims.organizations.models import Organization, User
from audits.models import (
    Incident,
    ManagementReview,
    Nonconformity,
    ReviewInput,
    ReviewInputKind,
    ReviewMinutes,
)
from readiness.rules import RULES, readiness_facts

pytestmark = pytest.mark.django_db


def _row(facts, label):
    return next(row["value"] for row in facts["rows"] if row["label"] == label)


def test_northwind_has_a_held_review_whose_agenda_reads_the_registers():
    call_command("seed_demo", stdout=StringIO())
    org = Organization.objects.get(slug="northwind")
    held, planned = ManagementReview.objects.filter(organization=org).order_by("number")
    assert (held.status, planned.status) == ("approved", "planned")
    assert planned.covers_from == held.held_on
    (minutes,) = ReviewMinutes.objects.filter(review=held)
    assert minutes.status == "approved" and minutes.approved_by == held.chair
    assert len(minutes.record["inputs"]) == len(ReviewInputKind.values)
    assert all(item["minutes"] for item in minutes.record["inputs"])
    assert sorted(d.status for d in held.decisions.all()) == ["done", "planned", "planned"]

    facts = {i.kind: i.facts for i in ReviewInput.objects.filter(review=held)}
    # The internal audit's two minor nonconformities; one is still open.
    ncs = Nonconformity.objects.filter(organization=org)
    nc_facts = facts[ReviewInputKind.NONCONFORMITIES]
    assert _row(nc_facts, "Raised since the last review") == ncs.count()
    assert _row(nc_facts, "Open now") == ncs.exclude(status="closed").count() >= 1
    open_nc = ncs.exclude(status="closed").first()
    assert any(open_nc.reference in item["text"] for item in nc_facts["items"])
    audit_facts = facts[ReviewInputKind.AUDITS]
    assert _row(audit_facts, "Audits held since the last review") == 1
    incident_facts = facts[ReviewInputKind.INCIDENTS]
    assert (
        _row(incident_facts, "Detected since the last review")
        == Incident.objects.filter(organization=org).count()
    )
    assert facts[ReviewInputKind.OBJECTIVES]["items"]  # the demo's objectives
    assert facts[ReviewInputKind.RISKS]["rows"]
    # The next review lists the open decisions of the first one.
    previous = ReviewInput.objects.get(review=planned, kind="previous_actions").facts
    assert _row(previous, "Open") == 2

    # Readiness reads the review: 9.3.1-9.3.3 are met for the officer.
    officer = User.objects.get(email="officer@northwind.example")
    facts = readiness_facts(organization=org, user=officer, soa_summary={})
    for ref in ("9.3.1", "9.3.2", "9.3.3"):
        assert RULES[ref](facts).fulfilled is True, (ref, RULES[ref](facts))


def test_a_second_run_adds_no_review():
    call_command("seed_demo", stdout=StringIO())
    call_command("seed_demo", stdout=StringIO())
    assert ManagementReview.objects.count() == 2
