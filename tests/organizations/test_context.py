"""The context registers (4.1, 4.2): the climate decision chain, requirement decisions, review
dates, and the scope's links to the issues and parties it considered."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse

from aims.core import documents
from aims.core.documents import ImmutableVersionError
from aims.organizations.models import ClimateDecision, ContextIssue, PartyRequirement
from aims.organizations.services import climate_decision_record, scope_start_draft
from tests import factories

pytestmark = pytest.mark.django_db

API_DECISIONS = "/api/v1/climate-decisions/"


def _decide(org, users, *, relevant=True, on=None):
    return climate_decision_record(
        organization=org,
        actor=users.officer,
        relevant=relevant,
        reasoning="Our models use a lot of energy.",
        decided_by=users.admin,
        decided_on=on,
    )


# --- Climate decision ------------------------------------------------------------------------


def test_a_new_decision_supersedes_the_one_in_force_which_stays_unchanged(org, users):
    first = _decide(org, users, relevant=False, on=datetime.date(2026, 1, 10))
    version = first.version
    second = _decide(org, users, relevant=True, on=datetime.date(2026, 6, 1))
    first.refresh_from_db()
    assert second.supersedes == first
    assert (first.relevant, first.version) == (False, version)  # never edited
    assert list(ClimateDecision.objects.filter(organization=org)) == [second, first]


def test_the_api_marks_the_decision_in_force_and_defaults_the_decider(org, users, api_client_for):
    client = api_client_for(users.officer)
    first = client.post(
        API_DECISIONS,
        {"organization": org.pk, "relevant": False, "reasoning": "No training of our own."},
        format="json",
    )
    assert first.status_code == 201, first.content
    assert first.json()["decided_by"] == users.officer.pk
    second = client.post(
        API_DECISIONS,
        {"organization": org.pk, "relevant": True, "reasoning": "Now we retrain monthly."},
        format="json",
    )
    assert second.json()["supersedes"] == first.json()["id"]
    listed = {row["id"]: row["current"] for row in client.get(API_DECISIONS).json()["results"]}
    assert listed == {first.json()["id"]: False, second.json()["id"]: True}


def test_a_decision_dated_before_the_one_in_force_is_refused_and_nothing_is_saved(
    org, users, api_client_for, client_for
):
    _decide(org, users, on=datetime.date(2026, 6, 1))
    response = api_client_for(users.officer).post(
        API_DECISIONS,
        {
            "organization": org.pk,
            "relevant": False,
            "reasoning": "Back-dated.",
            "decided_on": "2026-05-01",
        },
        format="json",
    )
    assert response.status_code == 400
    assert "cannot be dated earlier" in response.json()["decided_on"][0]
    page = client_for(users.officer).post(
        reverse("organizations:climate_add", kwargs={"org": org.slug}),
        {
            "relevant": "false",
            "reasoning": "Back-dated.",
            "decided_by": users.admin.pk,
            "decided_on": "2026-05-01",
        },
    )
    assert page.status_code == 400
    assert "cannot be dated earlier" in page.content.decode()
    assert ClimateDecision.objects.filter(organization=org).count() == 1


def test_a_decision_needs_its_reasoning_and_a_member_as_decider(org, users, api_client_for):
    client = api_client_for(users.officer)
    empty = client.post(
        API_DECISIONS, {"organization": org.pk, "relevant": True, "reasoning": " "}, format="json"
    )
    assert empty.status_code == 400 and "reasoning" in empty.json()
    by_auditor = client.post(
        API_DECISIONS,
        {
            "organization": org.pk,
            "relevant": True,
            "reasoning": "Energy use.",
            "decided_by": users.auditor.pk,
        },
        format="json",
    )
    assert by_auditor.status_code == 400 and list(by_auditor.json()) == ["decided_by"]
    with pytest.raises(ValidationError):
        climate_decision_record(
            organization=org,
            actor=users.officer,
            relevant=True,
            reasoning="Energy use.",
            decided_by=users.auditor,
        )
    assert not ClimateDecision.objects.exists()


def test_the_database_keeps_one_chain_of_decisions_per_organisation(org, users):
    _decide(org, users)
    with pytest.raises(IntegrityError), transaction.atomic():
        ClimateDecision.objects.create(  # a second "first" decision
            organization=org, relevant=False, reasoning="Again.", decided_by=users.admin
        )


# --- Issues and requirements -----------------------------------------------------------------


def test_an_issue_cannot_be_reviewed_before_it_was_identified(org, users, api_client_for):
    response = api_client_for(users.officer).post(
        "/api/v1/context-issues/",
        {
            "organization": org.pk,
            "kind": "external",
            "category": "legal",
            "title": "New rules",
            "identified_on": "2026-03-01",
            "next_review_date": "2026-02-01",
        },
        format="json",
    )
    assert response.status_code == 400
    assert list(response.json()) == ["next_review_date"]
    assert not ContextIssue.objects.exists()


def test_an_issue_of_an_unknown_category_is_refused(org, users, api_client_for):
    response = api_client_for(users.officer).post(
        "/api/v1/context-issues/",
        {"organization": org.pk, "kind": "sideways", "category": "weather", "title": "X"},
        format="json",
    )
    assert response.status_code == 400
    assert set(response.json()) == {"kind", "category"}


def test_a_decision_on_a_requirement_must_say_how_or_why_not(org, users, api_client_for):
    party = factories.InterestedPartyFactory(organization=org)
    client = api_client_for(users.officer)
    for addressed in ("yes", "partly", "no"):
        response = client.post(
            "/api/v1/party-requirements/",
            {
                "party": party.pk,
                "requirement": "Explain refusals.",
                "source": "legal",
                "addressed": addressed,
            },
            format="json",
        )
        assert response.status_code == 400, addressed
        assert list(response.json()) == ["how"]
    assert not PartyRequirement.objects.exists()
    undecided = client.post(
        "/api/v1/party-requirements/",
        {"party": party.pk, "requirement": "Explain refusals.", "source": "legal"},
        format="json",
    )
    assert undecided.status_code == 201  # not decided yet is a state of its own
    with pytest.raises(IntegrityError), transaction.atomic():
        PartyRequirement.objects.filter(pk=undecided.json()["id"]).update(addressed="yes")


def test_a_requirement_links_only_this_organisations_controls(
    catalog, org, other_org, users, api_client_for
):
    from controls.services import controls_ensure_for

    controls_ensure_for(organization=org)
    controls_ensure_for(organization=other_org)
    # The officer sees both organisations' SoA rows, as a consultant would.
    factories.MembershipFactory(organization=other_org, user=users.officer, role="officer")
    party = factories.InterestedPartyFactory(organization=org)
    from controls.models import ControlImplementation

    foreign = ControlImplementation.objects.filter(organization=other_org).first()
    own = ControlImplementation.objects.filter(organization=org, ref="A.8.2").get()
    payload = {"party": party.pk, "requirement": "Explain.", "source": "legal"}
    client = api_client_for(users.officer)
    refused = client.post(
        "/api/v1/party-requirements/", {**payload, "controls": [foreign.pk]}, format="json"
    )
    assert refused.status_code == 400 and list(refused.json()) == ["controls"]
    accepted = client.post(
        "/api/v1/party-requirements/", {**payload, "controls": [own.pk]}, format="json"
    )
    assert accepted.status_code == 201
    assert accepted.json()["controls"] == [own.pk]


# --- The scope's links -----------------------------------------------------------------------


def test_an_approved_scope_keeps_the_issues_and_parties_it_considered(org, users):
    reviewer = factories.UserFactory()
    factories.MembershipFactory(organization=org, user=reviewer, role="officer")
    issue = factories.ContextIssueFactory(organization=org, title="EU AI Act duties")
    party = factories.InterestedPartyFactory(organization=org, name="Loan applicants")
    draft = scope_start_draft(organization=org, actor=users.officer)
    draft.in_scope = "Lending."
    draft.save()
    draft.issues.set([issue])
    draft.parties.set([party])
    documents.document_submit(version=draft, user=users.officer)
    approved = documents.document_approve(version=draft, user=reviewer)
    assert [i["title"] for i in approved.frozen_links["issues"]] == ["EU AI Act duties"]
    assert [p["title"] for p in approved.frozen_links["parties"]] == ["Loan applicants"]

    other = factories.ContextIssueFactory(organization=org)
    with pytest.raises(ImmutableVersionError), transaction.atomic():
        approved.issues.add(other)
    revision = documents.document_start_revision(version=approved, user=users.officer)
    assert list(revision.issues.all()) == [issue]  # a new version starts from the links
    assert list(revision.parties.all()) == [party]

    revision.issues.clear()
    issue.delete()  # the approved version still says what it considered
    approved.refresh_from_db()
    considered = approved.issues_considered()
    assert considered == [{"title": "EU AI Act duties", "record": None}]


def test_the_scope_page_shows_the_issues_and_parties_considered(org, users, client_for):
    issue = factories.ContextIssueFactory(organization=org, title="Customers distrust AI")
    party = factories.InterestedPartyFactory(organization=org, name="Credit bureaus")
    draft = scope_start_draft(organization=org, actor=users.officer)
    draft.issues.set([issue])
    draft.parties.set([party])
    page = client_for(users.viewer).get(
        reverse("organizations:scope_version", kwargs={"org": org.slug, "pk": draft.pk})
    )
    body = page.content.decode()
    assert issue.get_absolute_url() in body and "Customers distrust AI" in body
    assert party.get_absolute_url() in body and "Credit bureaus" in body


def test_the_scope_refuses_issues_of_another_organisation(org, other_org, users, api_client_for):
    draft = scope_start_draft(organization=org, actor=users.officer)
    foreign = factories.ContextIssueFactory(organization=other_org)
    factories.MembershipFactory(organization=other_org, user=users.officer, role="officer")
    response = api_client_for(users.officer).patch(
        f"/api/v1/scope-statements/{draft.pk}/",
        {"in_scope": "Lending.", "issues": [foreign.pk]},
        format="json",
    )
    assert response.status_code == 400 and list(response.json()) == ["issues"]
    assert not draft.issues.exists()


def test_the_context_pages_show_the_climate_decision_and_the_ai_roles(org, users, client_for):
    reviewer = factories.UserFactory()
    factories.MembershipFactory(organization=org, user=reviewer, role="officer")
    draft = scope_start_draft(organization=org, actor=users.officer)
    draft.in_scope, draft.ai_roles = "Lending.", ["provider", "deployer"]
    draft.save()
    documents.document_submit(version=draft, user=users.officer)
    documents.document_approve(version=draft, user=reviewer)
    decision = _decide(org, users, relevant=True)
    client = client_for(users.viewer)
    for name in ("organizations:issue_list", "organizations:party_list"):
        body = client.get(reverse(name, kwargs={"org": org.slug})).content.decode()
        assert "AI provider, AI deployer / user" in body
        assert decision.get_absolute_url() in body
        assert "Record a new decision" not in body  # a viewer does not decide
