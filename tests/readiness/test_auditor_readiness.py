"""An auditor reads the readiness of what their engagement covers, and its totals and
messages speak of that part only: never "every clause is ready" of clauses they cannot see."""

from __future__ import annotations

import html

from django.urls import reverse
from guardian.shortcuts import assign_perm

from controls.models import ClauseStatus, ControlImplementation, Requirement
from readiness.rules import NOT_REACHED_BY_SYSTEMS, RULES
from risks.services import risk_criteria_revise
from tests import factories
from tests.readiness.conftest import readiness_page

LIMITED = "Readiness of the clauses and controls in this engagement's scope."
EVERYTHING_READY = "Nothing: every clause is ready"


def _clause(ref):
    return Requirement.objects.get(framework__code="iso42001", kind="clause", ref=ref)


def _control(org, ref, **values):
    control = ControlImplementation.objects.get(organization=org, ref=ref)
    for name, value in values.items():
        setattr(control, name, value)
    control.save()
    return control


def _api(api_client_for, user, org):
    return api_client_for(user).get(reverse("readiness-list"), {"organization": org.pk})


def _text(page) -> str:
    return html.unescape(page.content.decode())


def _refs(page):
    return [row.requirement.ref for row in page.context["clauses"]]


def test_a_whole_aims_engagement_shows_every_clause(ready_org, users, client_for):
    factories.engage(ready_org, users.auditor, whole_aims=True)
    officer = readiness_page(client_for(users.officer), ready_org)
    auditor = readiness_page(client_for(users.auditor), ready_org)
    assert _refs(auditor) == _refs(officer)
    assert len(_refs(auditor)) == ClauseStatus.objects.filter(organization=ready_org).count()
    assert auditor.context["summary"].controls_applicable == (
        officer.context["summary"].controls_applicable
    )
    text = _text(auditor)
    assert "Your engagement covers the whole AIMS" in text
    assert LIMITED not in text


def test_a_limited_engagement_lists_only_its_clauses_and_controls(
    ready_org, users, client_for, api_client_for
):
    chosen = [
        _control(ready_org, "A.2.2", applicability="applicable", status="implemented"),
        _control(ready_org, "A.2.3", applicability="applicable", status="planned"),
    ]
    _control(ready_org, "A.2.4", applicability="applicable", status="implemented")
    factories.engage(
        ready_org, users.auditor, clauses=[_clause("4.3"), _clause("6.1.1")], controls=chosen
    )
    page = readiness_page(client_for(users.auditor), ready_org)
    assert _refs(page) == ["4.3", "6.1.1"]
    summary = page.context["summary"]
    assert (summary.clauses_total, summary.clauses_ready) == (2, 0)
    assert (summary.controls_applicable, summary.controls_implemented) == (2, 1)
    assert {ref for ref, *_rest in summary.missing} == {"4.3", "6.1.1", "A.2.2", "A.2.3"}
    text = _text(page)
    assert LIMITED in text
    assert "of the clauses in this engagement ready (0 of 2)" in text
    assert "of the applicable controls in this engagement implemented (1 of 2)" in text

    answer = _api(api_client_for, users.auditor, ready_org).json()
    assert answer["coverage"] == {
        "extent": "clauses",
        "limited": True,
        "engagements": ["Certification audit"],
    }
    assert [c["ref"] for c in answer["clauses"]] == ["4.3", "6.1.1"]
    assert (answer["clauses_total"], answer["controls_applicable"]) == (2, 2)
    assert answer["controls_implemented"] == 1


def test_all_ready_speaks_of_the_part_shown_only(ready_org, users, client_for):
    factories.criteria_for(ready_org)
    risk_criteria_revise(organization=ready_org, user=users.officer, change_summary="Ours now.")
    ClauseStatus.objects.filter(organization=ready_org, requirement__ref="6.1.1").update(
        status="ready"
    )
    factories.engage(ready_org, users.auditor, clauses=[_clause("6.1.1")])
    page = readiness_page(client_for(users.auditor), ready_org)
    assert page.context["summary"].missing == []
    text = _text(page)
    assert EVERYTHING_READY not in text
    assert "the 1 clause shown is ready" in text
    assert "says nothing of the clauses and controls outside the engagement" in text
    officer = readiness_page(client_for(users.officer), ready_org)
    assert officer.context["summary"].clauses_total > 1
    assert "this engagement" not in _text(officer)


def test_an_engagement_of_ai_systems_keeps_the_checked_clauses_found_from_their_records(
    ready_org, users, client_for, api_client_for
):
    chosen = factories.AISystemFactory(organization=ready_org, name="Credit scoring")
    other = factories.AISystemFactory(organization=ready_org, name="Chat assistant")
    for system, status in ((chosen, "assessed"), (other, "identified")):
        risk = factories.RiskFactory(organization=ready_org, status=status)
        risk.ai_systems.add(system)
    factories.engage(ready_org, users.auditor, systems=[chosen])
    page = readiness_page(client_for(users.auditor), ready_org)
    rows = {row.requirement.ref: row for row in page.context["clauses"]}
    assert set(rows) == set(RULES) - NOT_REACHED_BY_SYSTEMS  # objectives reach no system
    assert rows["6.1.2"].finding.fulfilled is True  # the chosen system's risk is assessed
    assert rows["6.1.2"].ready and not rows["6.1.2"].status_shown
    assert page.context["summary"].clauses_total == len(RULES) - len(NOT_REACHED_BY_SYSTEMS)
    assert "Not in this engagement" in _text(page)
    officer = readiness_page(client_for(users.officer), ready_org)
    officer_rows = {row.requirement.ref: row for row in officer.context["clauses"]}
    assert officer_rows["6.1.2"].finding.fulfilled is False  # the other one is not
    answer = _api(api_client_for, users.auditor, ready_org).json()
    assert answer["coverage"]["extent"] == "systems"
    assert {c["ref"]: c["status"] for c in answer["clauses"]}["6.1.2"] is None


def test_after_the_window_there_is_no_readiness_to_read(
    ready_org, users, client_for, api_client_for
):
    factories.engage(
        ready_org, users.auditor, clauses=[_clause("4.3")], starts_in_days=-20, ends_in_days=-1
    )
    client = client_for(users.auditor)
    page = reverse("readiness:readiness", kwargs={"org": ready_org.slug})
    assert client.get(page).status_code == 404
    assert _api(api_client_for, users.auditor, ready_org).status_code == 404
    dashboard = client.get(reverse("dashboard", kwargs={"org": ready_org.slug}))
    assert dashboard.status_code == 200
    assert dashboard.context["readiness"] is None
    assert "of clauses ready" not in _text(dashboard)


def test_the_dashboard_card_speaks_of_the_engagement(ready_org, users, client_for):
    factories.engage(ready_org, users.auditor, clauses=[_clause("4.3")])
    dashboard = client_for(users.auditor).get(reverse("dashboard", kwargs={"org": ready_org.slug}))
    assert dashboard.context["readiness"].clauses_total == 1
    text = _text(dashboard)
    assert LIMITED in text and "of the clauses in this engagement ready (0 of 1)" in text
    officer = client_for(users.officer).get(reverse("dashboard", kwargs={"org": ready_org.slug}))
    assert "this engagement" not in _text(officer)


def test_officers_see_every_clause_as_before(ready_org, users, client_for, api_client_for):
    factories.engage(ready_org, users.auditor, clauses=[_clause("4.3")])
    page = readiness_page(client_for(users.officer), ready_org)
    assert len(_refs(page)) == ClauseStatus.objects.filter(organization=ready_org).count()
    assert page.context["coverage"].limited is False
    answer = _api(api_client_for, users.officer, ready_org).json()
    assert answer["coverage"]["extent"] == "whole" and not answer["coverage"]["limited"]


def test_an_old_single_record_grant_does_not_widen_a_limited_engagement(
    ready_org, users, client_for
):
    outside = ClauseStatus.objects.get(organization=ready_org, requirement__ref="9.2.1")
    assign_perm("controls.view_clausestatus", users.auditor, outside)
    factories.engage(ready_org, users.auditor, clauses=[_clause("4.3")])
    assert _refs(readiness_page(client_for(users.auditor), ready_org)) == ["4.3"]
