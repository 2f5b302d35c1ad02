"""Readiness of 4.1 and 4.2 from the context registers, and the climate contradiction."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from aims.core import documents
from aims.organizations.models import ClimateDecision, PartyRequirement
from aims.organizations.services import climate_decision_record, scope_start_draft
from readiness.contradictions import climate_relevant_without_issue
from tests import factories
from tests.readiness.conftest import readiness_page, readiness_rows

pytestmark = pytest.mark.django_db


def _issue(org, **fields):
    return factories.ContextIssueFactory(organization=org, **fields)


def _decide(org, users, relevant=True):
    return climate_decision_record(
        organization=org,
        actor=users.officer,
        relevant=relevant,
        reasoning="Training runs use a lot of energy.",
        decided_by=users.admin,
    )


def _approve_scope_naming(org, users, reviewer, *, issues=(), parties=()):
    draft = scope_start_draft(organization=org, actor=users.officer)
    draft.in_scope = "Everything."
    draft.save()
    draft.issues.set(issues)
    draft.parties.set(parties)
    documents.document_submit(version=draft, user=users.officer)
    return documents.document_approve(version=draft, user=reviewer)


def _party_with(org, *addressed):
    party = factories.InterestedPartyFactory(organization=org)
    for value in addressed:
        PartyRequirement.objects.create(
            party=party,
            requirement="Explain refusals.",
            source="legal",
            addressed=value,
            how="The refusal letter." if value else "",
        )
    return party


def test_it_wants_internal_and_external_issues_the_climate_decision_and_the_scope_for_4_1(
    ready_org, users, reviewer, client_for
):
    client = client_for(users.viewer)
    finding = readiness_rows(client, ready_org)["4.1"].finding
    assert finding.fulfilled is False
    assert "No internal or external issues" in finding.found

    external = _issue(ready_org, kind="external", category="legal")
    finding = readiness_rows(client, ready_org)["4.1"].finding
    assert finding.fulfilled is False
    assert "No internal issue" in finding.found
    assert "climate change" in finding.found

    internal = _issue(ready_org, kind="internal", category="organisational")
    _decide(ready_org, users, relevant=False)
    finding = readiness_rows(client, ready_org)["4.1"].finding
    assert finding.fulfilled is False
    assert finding.found == "No approved scope considers the issues yet."

    _approve_scope_naming(ready_org, users, reviewer, issues=[external, internal])
    finding = readiness_rows(client, ready_org)["4.1"].finding
    assert finding.fulfilled is True, finding.found
    assert "1 internal and 1 external" in finding.found
    assert "not relevant" in finding.found


def test_an_issue_past_its_review_date_keeps_4_1_from_being_ready(
    ready_org, users, reviewer, client_for
):
    today = timezone.localdate()
    issues = [
        _issue(ready_org, kind="external"),
        _issue(ready_org, kind="internal", next_review_date=today + datetime.timedelta(days=3)),
    ]
    _decide(ready_org, users, relevant=False)
    _approve_scope_naming(ready_org, users, reviewer, issues=issues)
    client = client_for(users.viewer)
    assert readiness_rows(client, ready_org)["4.1"].finding.fulfilled is True

    late = _issue(
        ready_org,
        kind="internal",
        identified_on=today - datetime.timedelta(days=30),
        next_review_date=today - datetime.timedelta(days=1),
    )
    finding = readiness_rows(client, ready_org)["4.1"].finding
    assert finding.fulfilled is False
    assert finding.found == "1 issue is past its review date."
    assert finding.url.endswith("?review_overdue=true")

    late.status = "closed"  # a closed issue needs no review
    late.save()
    assert readiness_rows(client, ready_org)["4.1"].finding.fulfilled is True


def test_it_wants_parties_with_decided_requirements_considered_by_the_scope_for_4_2(
    ready_org, users, reviewer, client_for
):
    client = client_for(users.viewer)
    finding = readiness_rows(client, ready_org)["4.2"].finding
    assert (finding.fulfilled, finding.found) == (False, "No interested parties are recorded.")

    bare = _party_with(ready_org)
    undecided = _party_with(ready_org, "yes", "")
    finding = readiness_rows(client, ready_org)["4.2"].finding
    assert finding.fulfilled is False
    assert "1 interested party has no requirement recorded." in finding.found
    assert "1 requirement has no decision" in finding.found
    assert "No approved scope considers the interested parties yet." in finding.found

    bare.delete()
    requirement = undecided.requirements.get(addressed="")
    requirement.addressed, requirement.how = "no", "Outside what we control."
    requirement.save()
    approved = _approve_scope_naming(ready_org, users, reviewer, parties=[undecided])
    finding = readiness_rows(client, ready_org)["4.2"].finding
    assert finding.fulfilled is True, finding.found
    assert f"(v{approved.number}) considers 1 of them" in finding.found


def test_a_scope_naming_no_register_entry_is_a_gap(ready_org, users, reviewer, client_for):
    _issue(ready_org, kind="external")
    _issue(ready_org, kind="internal")
    _decide(ready_org, users, relevant=False)
    _party_with(ready_org, "yes")
    scope = _approve_scope_naming(ready_org, users, reviewer)
    rows = readiness_rows(client_for(users.viewer), ready_org)
    assert rows["4.1"].finding.found == (
        f"The approved scope (v{scope.number}) names none of the issues."
    )
    assert rows["4.2"].finding.found == (
        f"The approved scope (v{scope.number}) names none of the interested parties."
    )


def test_the_registers_cost_one_query_whatever_their_size(
    ready_org, users, client_for, django_assert_max_num_queries
):
    client = client_for(users.viewer)
    readiness_page(client, ready_org)
    for _ in range(5):
        _issue(ready_org, kind="external")
        _party_with(ready_org, "yes", "")
    _decide(ready_org, users)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        readiness_page(client, ready_org)
    for _ in range(20):
        _issue(ready_org, kind="internal")
        _party_with(ready_org, "no", "partly", "")
    with CaptureQueriesContext(connection) as many:
        readiness_page(client, ready_org)
    assert len(many) == len(few)


def test_climate_decided_relevant_without_an_environmental_issue_is_a_contradiction(
    ready_org, users, client_for
):
    decision = _decide(ready_org, users, relevant=True)
    client = client_for(users.viewer)
    page = readiness_page(client, ready_org)
    found = [
        c for c in page.context["contradictions"] if c.rule == "climate_relevant_without_issue"
    ]
    assert len(found) == 1
    assert found[0].clause == "4.1"
    assert found[0].records[0].url == decision.get_absolute_url()

    issue = _issue(ready_org, kind="external", category="environmental", status="monitored")
    page = readiness_page(client, ready_org)
    assert not [
        c for c in page.context["contradictions"] if c.rule == "climate_relevant_without_issue"
    ]

    issue.status = "closed"  # a closed issue no longer carries the decision
    issue.save()
    page = readiness_page(client, ready_org)
    assert [c for c in page.context["contradictions"] if c.rule == "climate_relevant_without_issue"]


def test_a_decision_not_relevant_raises_no_contradiction(ready_org, users, client_for):
    _decide(ready_org, users, relevant=False)
    page = readiness_page(client_for(users.viewer), ready_org)
    assert climate_relevant_without_issue.__name__ not in {
        c.rule for c in page.context["contradictions"]
    }
    assert ClimateDecision.objects.filter(organization=ready_org).count() == 1
