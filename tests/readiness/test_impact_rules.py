"""6.1.4 and 8.4 read the impact assessments: approved for every AI system in scope, and
current (not past review, not flagged after a change to the system)."""

from __future__ import annotations

import datetime

from django.utils import timezone

from aims.core.documents import document_approve
from impact_assessments.services import assessment_start, assessment_submit
from readiness.rules import Facts, _impact_current, _impact_process, readiness_facts
from tests import factories

TODAY = datetime.date(2026, 12, 3)


def _facts(org, **kwargs):
    return Facts(organization=org, today=TODAY, **kwargs)


def test_no_approved_assessment_fulfils_neither_clause(org):
    facts = _facts(org, systems_in_scope={1: "Credit scoring"})
    for rule in (_impact_process, _impact_current):
        finding = rule(facts)
        assert finding.fulfilled is False
        assert finding.found == "No approved AI system impact assessment on record."


def test_a_system_in_scope_without_an_approved_assessment_is_named(org):
    facts = _facts(
        org,
        systems_in_scope={1: "Credit scoring", 2: "CV screening"},
        impact={1: (10, TODAY + datetime.timedelta(days=30), "")},
    )
    finding = _impact_process(facts)
    assert finding.fulfilled is False
    assert "CV screening" in finding.found and "Credit scoring" not in finding.found


def test_assessments_past_review_or_flagged_are_listed_for_8_4(org):
    facts = _facts(
        org,
        systems_in_scope={1: "Credit scoring", 2: "CV screening"},
        impact={
            1: (10, TODAY - datetime.timedelta(days=1), ""),
            2: (11, TODAY + datetime.timedelta(days=90), "The AI system changed: purpose."),
        },
    )
    assert _impact_process(facts).fulfilled is True
    finding = _impact_current(facts)
    assert finding.fulfilled is False
    assert "Credit scoring (review was due 2 Dec 2026)" in finding.found
    assert "CV screening (The AI system changed: purpose.)" in finding.found
    assert finding.url.endswith("?review_needed=true")


def test_current_approved_assessments_fulfil_both(org):
    facts = _facts(
        org,
        systems_in_scope={1: "Credit scoring"},
        impact={1: (10, TODAY + datetime.timedelta(days=300), "")},
    )
    assert _impact_process(facts).fulfilled is True
    assert _impact_current(facts).fulfilled is True


def test_the_facts_come_from_approved_impact_assessments_the_reader_sees(org, users):
    system = factories.AISystemFactory(organization=org)
    draft = assessment_start(ai_system=system, actor=users.officer)
    for field in ("scope", "data_quality", "model_information", "deployment_geographies"):
        setattr(draft, field, "Written.")
    for field in (
        "system_description",
        "purpose",
        "intended_uses",
        "unintended_uses",
        "data_information",
        "deployment_context",
        "failures_and_misuse",
        "human_oversight",
        "responsibilities",
        "conclusion",
    ):
        setattr(draft, field, getattr(draft, field) or "Written.")
    draft.save()
    party = draft.parties.first() or draft.parties.create(name="Applicants", kind="individuals")
    draft.impacts.create(
        party=party,
        nature="harm",
        area="privacy",
        description="Kept too long.",
        severity=2,
        likelihood=2,
    )
    facts = readiness_facts(organization=org, user=users.officer, soa_summary={})
    assert facts.impact == {}  # a draft does not count
    assessment_submit(assessment=draft, actor=users.officer)
    document_approve(version=draft, user=users.admin)
    facts = readiness_facts(organization=org, user=users.officer, soa_summary={})
    assert list(facts.impact) == [system.pk]
    assert facts.impact[system.pk][2] == ""
    system.lifecycle_stage = "re_evaluation"
    system.save()
    facts = readiness_facts(organization=org, user=users.officer, soa_summary={})
    assert "life-cycle stage" in facts.impact[system.pk][2].lower()
    assert timezone.localdate() <= facts.impact[system.pk][1]
