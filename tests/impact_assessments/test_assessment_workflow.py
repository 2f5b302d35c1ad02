"""An impact assessment's life: prefilled start, completeness before review, approval by
someone else, frozen parts, revision, and the triggers that call for a re-assessment."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from aims.core.documents import ImmutableVersionError, document_approve
from impact_assessments.models import AffectedParty, Impact, ImpactAssessment
from impact_assessments.services import assessment_start, assessment_submit
from tests import factories

COMPLETE = {
    "scope": "Consumer loans up to 50,000 EUR, all channels.",
    "system_description": "Scores applications.",
    "purpose": "Lend responsibly.",
    "intended_uses": "Underwriters see a score and the main reasons.",
    "unintended_uses": "Marketing segmentation.",
    "data_information": "Bureau data, application data.",
    "data_quality": "Checked monthly for drift and gaps.",
    "model_information": "Gradient boosted trees.",
    "deployment_geographies": "Germany, Austria",
    "deployment_context": "Runs in the bank's data centre; no automated refusals.",
    "failures_and_misuse": "A wrong score delays a decision; underwriters can override.",
    "human_oversight": "Every refusal is reviewed by an underwriter.",
    "responsibilities": "Head of Credit Risk owns the model.",
    "conclusion": "Fit for use with the measures listed.",
}


@pytest.fixture
def system(org):
    system = factories.AISystemFactory(
        organization=org,
        name="Credit scoring",
        intended_use="Underwriters see a score.",
        foreseeable_misuse="Used for marketing.",
        geographies="Germany",
        users_description="Loan applicants; underwriters.",
    )
    factories.AISystemDatasetFactory(
        ai_system=system, name="Bureau data", source="Credit bureau", provenance=""
    )
    return system


def _complete(assessment):
    for field, value in COMPLETE.items():
        setattr(assessment, field, value)
    assessment.save()
    party = assessment.parties.get()
    Impact.objects.create(
        assessment=assessment,
        party=party,
        nature="harm",
        area="fundamental_rights",
        description="Some postcodes are refused more often.",
        severity=4,
        likelihood=2,
    )
    return assessment


def test_a_new_assessment_starts_from_the_inventory_record(org, users, system):
    draft = assessment_start(ai_system=system, actor=users.officer)
    assert (draft.status, draft.number, draft.author) == ("draft", 1, users.officer)
    assert draft.purpose == system.purpose
    assert draft.intended_uses == "Underwriters see a score."
    assert draft.unintended_uses == "Used for marketing."
    assert draft.deployment_geographies == "Germany"
    assert draft.data_information.startswith("- Bureau data (Training, Credit bureau")
    assert [(p.name, p.notes) for p in draft.parties.all()] == [
        ("Users and affected people", "Loan applicants; underwriters.")
    ]
    with pytest.raises(ValidationError, match="already open"):
        assessment_start(ai_system=system, actor=users.officer)


def test_an_incomplete_assessment_cannot_go_to_review(org, users, system, api_client_for):
    draft = assessment_start(ai_system=system, actor=users.officer)
    response = api_client_for(users.officer).post(
        reverse("impactassessment-submit", args=[draft.pk])
    )
    assert response.status_code == 400
    text = str(response.json())
    for section in ("Data information and quality", "Responsibilities", "Conclusion"):
        assert section in text
    assert "Impacts: record at least one benefit or harm." in text
    assert "System information" not in text  # prefilled from the inventory
    draft.refresh_from_db()
    assert draft.status == "draft"

    detail = api_client_for(users.officer).get(reverse("impactassessment-detail", args=[draft.pk]))
    assert detail.json()["missing"] == response.json()["non_field_errors"][1:]


def test_an_unrated_harm_blocks_review(org, users, system):
    draft = _complete(assessment_start(ai_system=system, actor=users.officer))
    draft.impacts.update(severity=None)
    with pytest.raises(ValidationError, match="severity and likelihood"):
        assessment_submit(assessment=draft, actor=users.officer)


def test_approved_assessments_are_frozen_and_revisions_copy_their_parts(org, users, system):
    draft = _complete(assessment_start(ai_system=system, actor=users.officer))
    risk = factories.RiskFactory(organization=org)
    draft.impacts.get().risks.add(risk)
    assessment_submit(assessment=draft, actor=users.officer)
    with pytest.raises(ValidationError):
        document_approve(version=draft, user=users.officer)  # not by its own author
    approved = document_approve(version=draft, user=users.admin)
    assert approved.status == "approved"
    party = approved.parties.get()
    party.name = "Changed"
    with pytest.raises(ImmutableVersionError):
        party.save()

    revision = assessment_start(ai_system=system, actor=users.officer)
    assert revision.number == 2 and revision.conclusion == COMPLETE["conclusion"]
    copied = revision.impacts.get()
    assert copied.party.assessment_id == revision.pk
    assert list(copied.risks.all()) == [risk]
    assert AffectedParty.objects.filter(assessment=approved).count() == 1


def test_the_api_refuses_to_change_the_parts_of_an_approved_version(
    org, users, system, api_client_for
):
    draft = _complete(assessment_start(ai_system=system, actor=users.officer))
    assessment_submit(assessment=draft, actor=users.officer)
    document_approve(version=draft, user=users.admin)
    party = draft.parties.get()
    response = api_client_for(users.officer).patch(
        reverse("affectedparty-detail", args=[party.pk]), {"name": "Changed"}, format="json"
    )
    assert response.status_code == 400
    assert "no longer a draft" in str(response.json())
    party.refresh_from_db()
    assert party.name == "Users and affected people"


def test_a_significant_change_to_the_system_calls_for_a_review(org, users, system):
    draft = _complete(assessment_start(ai_system=system, actor=users.officer))
    assessment_submit(assessment=draft, actor=users.officer)
    document_approve(version=draft, user=users.admin)

    system.refresh_from_db()
    system.name = "Credit scoring v2"  # not significant
    system.save()
    assert not ImpactAssessment.objects.get(pk=draft.pk).review_needed

    system.lifecycle_stage = "re_evaluation"
    system.save()
    flagged = ImpactAssessment.objects.get(pk=draft.pk)
    assert flagged.review_needed and "life-cycle stage" in flagged.review_reason.lower()


def test_a_new_data_set_calls_for_a_review(org, users, system):
    draft = _complete(assessment_start(ai_system=system, actor=users.officer))
    assessment_submit(assessment=draft, actor=users.officer)
    document_approve(version=draft, user=users.admin)
    factories.AISystemDatasetFactory(ai_system=system, name="Open banking data")
    flagged = ImpactAssessment.objects.get(pk=draft.pk)
    assert flagged.review_needed and "Open banking data" in flagged.review_reason


def test_an_auditor_sees_the_approved_versions_of_systems_in_scope_only(
    org, users, system, api_client_for
):
    approved = _complete(assessment_start(ai_system=system, actor=users.officer))
    assessment_submit(assessment=approved, actor=users.officer)
    document_approve(version=approved, user=users.admin)
    draft = assessment_start(ai_system=system, actor=users.officer)
    other = assessment_start(
        ai_system=factories.AISystemFactory(organization=org), actor=users.officer
    )
    factories.engage(org, users.auditor, systems=[system])
    response = api_client_for(users.auditor).get(reverse("impactassessment-list"))
    assert [row["id"] for row in response.json()["results"]] == [approved.pk]
    assert draft.pk and other.pk
