"""6.2 reads the AI objectives (owner, plan, measured in their period), 7.4 the communication
plan (owners, nothing overdue); A.6.1.2 and A.9.3 the objectives that guide development and
use, linked to Annex C; the contradiction "objective without a measurement in its period"."""

from __future__ import annotations

import datetime

from django.utils import timezone

from controls.models import Requirement
from controls.services import controls_ensure_for
from readiness import contradictions
from readiness.rules import (
    CONTROL_RULES,
    RULES,
    Facts,
    ObjectiveFact,
    _communication,
    _objectives,
    readiness_facts,
)
from tests import factories
from tests.policies.objectives_helpers import (
    days_ago,
    make_communication,
    make_measurement,
    make_objective,
)
from tests.readiness.conftest import readiness_rows

TODAY = datetime.date(2026, 12, 3)
PLAN = {
    "plan_actions": "Reason codes in every decline letter.",
    "plan_resources": "Two engineers for a quarter.",
    "plan_responsible": "Credit modelling team.",
    "plan_timeline": "Letters changed by March.",
    "plan_evaluation": "Monthly review at the model risk committee.",
}


def _fact(**fields) -> ObjectiveFact:
    values = {
        "pk": 1,
        "title": "Explainable declines",
        "status": "active",
        "guides": "both",
        "has_owner": True,
        "plan_complete": True,
        "annex_c": 1,
        "kpi": "on_track",
        "created_on": TODAY - datetime.timedelta(days=200),
        "due_from": datetime.date(2026, 11, 1),
        **fields,
    }
    return ObjectiveFact(**values)


def _facts(org, **kwargs) -> Facts:
    return Facts(organization=org, today=TODAY, **kwargs)


def test_the_rules_are_registered():
    assert RULES["6.2"] is _objectives and RULES["7.4"] is _communication
    assert {"A.6.1.2", "A.9.3"} <= set(CONTROL_RULES)


def test_no_objectives_do_not_fulfil_6_2(org):
    finding = _objectives(_facts(org))
    assert finding.fulfilled is False
    assert finding.found == "No AI objectives on record."


def test_only_planned_objectives_do_not_fulfil_6_2(org):
    finding = _objectives(_facts(org, objectives=[_fact(status="planned", kpi="not_measured")]))
    assert finding.fulfilled is False and "none is active" in finding.found


def test_owner_plan_and_measurement_are_each_required(org):
    objectives = [
        _fact(pk=1, title="Unowned", has_owner=False),
        _fact(pk=2, title="Unplanned", plan_complete=False),
        _fact(pk=3, title="Stale", kpi="overdue"),
        _fact(pk=4, title="Never measured", kpi="not_measured"),
        _fact(pk=5, title="Fine", kpi="off_track"),  # measured, if off track: still measured
    ]
    finding = _objectives(_facts(org, objectives=objectives))
    assert finding.fulfilled is False
    assert "5 AI objectives: 1 without an owner, 1 with an incomplete plan, 2 not measured" in (
        finding.found
    )
    assert "“Unowned”" in finding.todo and "“Unplanned”" in finding.todo
    assert "“Stale”, “Never measured”" in finding.todo
    assert "“Fine”" not in finding.todo


def test_owned_planned_measured_objectives_fulfil_6_2(org):
    finding = _objectives(
        _facts(
            org,
            objectives=[
                _fact(),
                _fact(pk=2, kpi="at_risk"),
                _fact(pk=3, status="planned", kpi="not_measured"),
            ],
        )
    )
    assert finding.fulfilled is True, finding.todo


def test_the_communication_plan_needs_owners_and_nothing_overdue(org):
    assert _communication(_facts(org)).fulfilled is False
    late = _communication(_facts(org, communication={"total": 4, "unowned": 1, "overdue": 2}))
    assert late.fulfilled is False
    assert late.found == "4 planned communications: 1 without an owner, 2 overdue."
    assert late.url.endswith("?overdue=true")
    good = _communication(_facts(org, communication={"total": 4, "unowned": 0, "overdue": 0}))
    assert good.fulfilled is True


def test_a_6_1_2_and_a_9_3_read_what_each_objective_guides(org):
    development, use = CONTROL_RULES["A.6.1.2"], CONTROL_RULES["A.9.3"]
    facts = _facts(org, objectives=[_fact(guides="use")])
    assert development(facts).fulfilled is False
    assert use(facts).fulfilled is True
    unlinked = _facts(org, objectives=[_fact(guides="development", annex_c=0)])
    finding = development(unlinked)
    assert finding.fulfilled is False and "Annex C" in finding.todo
    assert development(_facts(org, objectives=[_fact(guides="both")])).fulfilled is True


def _annex_c(ref: str) -> Requirement:
    return Requirement.objects.get(framework__code="iso42001", ref=ref)


def test_the_facts_come_from_the_records(catalog, org, users):
    owned = make_objective(
        org, title="Owned", owner=users.contributor, guides="development", **PLAN
    )
    owned.annex_c_objectives.add(_annex_c("C.2.11"))
    make_measurement(owned, on=days_ago(2), value="99")
    make_objective(org, title="Cancelled", status="cancelled")  # not pursued: left out
    make_communication(org, owner=users.officer, next_due=days_ago(1))
    facts = readiness_facts(organization=org, user=users.officer, soa_summary={})
    assert [o.title for o in facts.objectives] == ["Owned"]
    (fact,) = facts.objectives
    assert (fact.has_owner, fact.plan_complete, fact.annex_c, fact.kpi) == (
        True,
        True,
        1,
        "on_track",
    )
    assert RULES["6.2"](facts).fulfilled is True
    assert CONTROL_RULES["A.6.1.2"](facts).fulfilled is True
    assert CONTROL_RULES["A.9.3"](facts).fulfilled is False
    assert facts.communication == {"total": 1, "unowned": 0, "overdue": 1}
    assert RULES["7.4"](facts).fulfilled is False


def test_an_auditor_outside_the_clauses_sees_no_objectives(catalog, org, users):
    make_objective(org, owner=users.officer, **PLAN)
    make_communication(org)
    system = factories.AISystemFactory(organization=org)
    factories.engage(org, users.auditor, systems=[system])
    facts = readiness_facts(organization=org, user=users.auditor, soa_summary={})
    assert facts.objectives == [] and facts.communication["total"] == 0
    clause = Requirement.objects.get(framework__code="iso42001", ref="6.2")
    factories.engage(org, users.auditor, clauses=[clause], name="Objectives audit")
    facts = readiness_facts(organization=org, user=users.auditor, soa_summary={})
    assert len(facts.objectives) == 1 and facts.communication["total"] == 0


def _unmeasured(org, user):
    facts = readiness_facts(organization=org, user=user, soa_summary={})
    found = contradictions.objective_unmeasured(
        contradictions.ContradictionFacts(organization=org, facts=facts, soa_rows=[])
    )
    return found


def test_an_objective_without_a_measurement_in_its_period_contradicts_9_1(catalog, org, users):
    stale = make_objective(org, title="Stale KPI")
    make_measurement(stale, on=days_ago(120), value="99")
    measured = make_objective(org, title="Measured KPI")
    make_measurement(measured, on=days_ago(1), value="10")  # off track, but measured
    make_objective(org, title="Brand new")  # given its first period
    (found,) = _unmeasured(org, users.officer)
    assert found.clause == "9.1"
    assert [r.label.split(":")[0] for r in found.records] == ["“Stale KPI”"]
    assert found.records[0].url == stale.get_absolute_url()


def test_an_objective_never_measured_for_a_whole_period_contradicts_too(catalog, org, users):
    old = make_objective(org, title="Never measured")
    type(old).objects.filter(pk=old.pk).update(
        created_at=timezone.now() - datetime.timedelta(days=100)
    )
    (found,) = _unmeasured(org, users.officer)
    assert [r.label.split(":")[0] for r in found.records] == ["“Never measured”"]
    old.status = "achieved"
    old.save()
    assert _unmeasured(org, users.officer) == []


def test_an_engagement_of_ai_systems_leaves_6_2_and_7_4_out(catalog, org, users, client_for):
    controls_ensure_for(organization=org)
    system = factories.AISystemFactory(organization=org)
    factories.engage(org, users.auditor, systems=[system])
    rows = readiness_rows(client_for(users.auditor), org)
    assert "6.2" not in rows and "7.4" not in rows
    officer_rows = readiness_rows(client_for(users.officer), org)
    assert officer_rows["6.2"].checked and officer_rows["7.4"].checked
