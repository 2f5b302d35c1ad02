"""Annex A controls a rule checks: the A.5 impact assessment controls read the thresholds
and the approved assessments, and an applicable control whose check fails is neither
counted implemented nor left out of what is missing, whatever its SoA row says."""

from __future__ import annotations

import datetime

from aims.core.documents import document_approve
from controls.models import ControlImplementation
from impact_assessments.models import AffectedParty, UseThresholds
from impact_assessments.services import assessment_start, assessment_submit
from readiness.rules import CONTROL_RULES, Facts, _a5_individuals, _a5_process, _a5_society
from tests import factories
from tests.impact_assessments.test_assessment_workflow import COMPLETE
from tests.readiness.conftest import readiness_page

TODAY = datetime.date(2026, 12, 3)
NEXT_YEAR = TODAY + datetime.timedelta(days=300)


def _facts(org, **kwargs):
    return Facts(organization=org, today=TODAY, **kwargs)


def test_the_process_needs_decided_thresholds(org):
    approved = {1: (10, NEXT_YEAR, "")}
    undecided = _a5_process(_facts(org, systems_in_scope={1: "Credit"}, impact=approved))
    assert undecided.fulfilled is False
    assert "thresholds" in undecided.found
    decided = _a5_process(
        _facts(org, systems_in_scope={1: "Credit"}, impact=approved, thresholds_decided=True)
    )
    assert decided.fulfilled is True


def test_individuals_and_society_are_checked_per_assessment(org):
    facts = _facts(
        org,
        systems_in_scope={1: "Credit scoring", 2: "CV screening"},
        impact={1: (10, NEXT_YEAR, ""), 2: (11, NEXT_YEAR, "")},
        impact_reach={1: (True, False), 2: (True, True)},
    )
    assert _a5_individuals(facts).fulfilled is True
    society = _a5_society(facts)
    assert society.fulfilled is False
    assert "Credit scoring" in society.found and "CV screening" not in society.found
    assert _a5_individuals(_facts(org)).fulfilled is False  # nothing approved yet


def _implemented(org, *refs):
    rows = ControlImplementation.objects.filter(organization=org, requirement__ref__in=refs)
    rows.update(applicability="applicable", status="implemented", justification="Needed.")
    evidence = factories.EvidenceItemFactory(organization=org)
    for row in rows:
        row.evidence.add(evidence)


def _approve_assessment(org, users, reviewer, *, society: bool):
    system = factories.AISystemFactory(
        organization=org, name="Credit scoring", users_description="Loan applicants."
    )
    draft = assessment_start(ai_system=system, actor=users.officer)
    for name, value in COMPLETE.items():
        setattr(draft, name, value)
    draft.save()
    party = draft.parties.get()
    if society:
        AffectedParty.objects.create(assessment=draft, name="The public", kind="society")
    draft.impacts.create(
        party=party,
        nature="harm",
        area="fundamental_rights",
        description="Refused more often.",
        severity=2,
        likelihood=2,
    )
    assessment_submit(assessment=draft, actor=users.officer)
    return document_approve(version=draft, user=reviewer)


def test_the_page_and_the_api_show_the_checked_controls(
    ready_org, users, reviewer, client_for, api_client_for
):
    org = ready_org
    _implemented(org, "A.5.2", "A.5.3", "A.5.4", "A.5.5")
    _approve_assessment(org, users, reviewer, society=False)
    client = client_for(users.officer)

    page = readiness_page(client, org)
    checked = {c.control.ref: c for c in page.context["checked_controls"]}
    # Every control a rule checks is shown (A.5 here; other areas add theirs, e.g. A.3.3).
    assert set(checked) == set(CONTROL_RULES) >= {"A.5.2", "A.5.3", "A.5.4", "A.5.5"}
    assert checked["A.5.2"].finding.fulfilled is False  # no thresholds decided
    assert checked["A.5.4"].ready is True
    assert checked["A.5.5"].ready is False
    summary = page.context["summary"]
    missing = {ref: todo for ref, _title, todo, _url in summary.missing}
    assert "thresholds" in missing["A.5.2"]
    assert "society or the environment" in missing["A.5.5"]
    assert "A.5.4" not in missing
    implemented_before = summary.controls_implemented
    assert "Controls the platform checks" in page.content.decode()

    UseThresholds.objects.create(organization=org, decided_by=users.officer)
    page = readiness_page(client, org)
    assert page.context["summary"].controls_implemented == implemented_before + 1

    body = api_client_for(users.officer).get("/api/v1/readiness/", {"organization": org.pk})
    rows = {c["ref"]: c for c in body.json()["controls"]}
    assert rows["A.5.2"]["ready"] is True
    assert rows["A.5.5"] == {
        **rows["A.5.5"],
        "fulfilled": False,
        "ready": False,
        "status": "implemented",
    }


def test_an_excluded_control_is_shown_but_not_counted(ready_org, users, client_for):
    org = ready_org
    ControlImplementation.objects.filter(organization=org, requirement__ref="A.5.5").update(
        applicability="not_applicable", justification="No societal reach."
    )
    page = readiness_page(client_for(users.officer), org)
    checked = {c.control.ref: c for c in page.context["checked_controls"]}
    assert checked["A.5.5"].applicable is False
    missing = {ref for ref, *_rest in page.context["summary"].missing}
    assert "A.5.5" not in missing
