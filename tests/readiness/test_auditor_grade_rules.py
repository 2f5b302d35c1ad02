"""Readiness passes only where an auditor would: adopted criteria, a current assessment that
covers the scope, treatment on schedule, and declared clauses shown as declared."""

from __future__ import annotations

import datetime

from django.urls import reverse
from django.utils import timezone

from aims.core import documents
from controls.models import ClauseStatus
from risks.services import risk_criteria_revise
from tests import factories
from tests.readiness.conftest import readiness_page, readiness_rows


def _approved_assessment(org, reviewer, *, assessed_on=None, systems=()):
    assessment = factories.RiskAssessmentFactory(
        organization=org, assessed_on=assessed_on or timezone.localdate()
    )
    assessment.ai_systems.set(systems)
    assessment.status, assessment.approved_by = "approved", reviewer
    assessment.approved_at = timezone.now()
    assessment.save()
    return assessment


def _approved_scope(org, author, approver, *, systems=(), **content):
    draft = factories.ScopeStatementFactory(organization=org, author=author, **content)
    draft.ai_systems.set(systems)
    documents.document_submit(version=draft, user=author)
    return documents.document_approve(version=draft, user=approver)


# --- 6.1.1: criteria someone adopted ---------------------------------------------------------


def test_6_1_1_does_not_pass_on_the_platforms_default_criteria(ready_org, users, client_for):
    client = client_for(users.officer)
    assert client.get(reverse("risks:risk_list", kwargs={"org": ready_org.slug})).status_code == 200
    row = readiness_rows(client, ready_org)["6.1.1"]
    assert row.finding.fulfilled is False  # opening a risk page created the default 5 × 5
    assert "platform's defaults" in row.finding.found
    assert "records who adopted them" in row.finding.todo


def test_6_1_1_passes_once_a_person_adopts_the_criteria(ready_org, users, client_for):
    factories.criteria_for(ready_org)
    risk_criteria_revise(
        organization=ready_org, user=users.officer, change_summary="Reviewed; they fit us."
    )
    row = readiness_rows(client_for(users.viewer), ready_org)["6.1.1"]
    assert row.finding.fulfilled is True
    assert "v2 adopted by Acme Officer on" in row.finding.found


# --- 8.2: a current assessment covering the scope --------------------------------------------


def test_8_2_refuses_an_assessment_older_than_the_interval(ready_org, users, reviewer, client_for):
    today = timezone.localdate()
    _approved_assessment(ready_org, reviewer, assessed_on=today - datetime.timedelta(days=400))
    row = readiness_rows(client_for(users.viewer), ready_org)["8.2"]
    assert row.finding.fulfilled is False
    assert "more than 12 months old" in row.finding.found
    _approved_assessment(ready_org, reviewer, assessed_on=today - datetime.timedelta(days=300))
    assert readiness_rows(client_for(users.viewer), ready_org)["8.2"].finding.fulfilled is True


def test_8_2_needs_every_ai_system_in_the_approved_scope_covered(
    ready_org, users, reviewer, client_for
):
    ranker = factories.AISystemFactory(organization=ready_org, name="Ticket ranker")
    chatbot = factories.AISystemFactory(organization=ready_org, name="Support chatbot")
    _approved_scope(ready_org, users.officer, reviewer, systems=[ranker, chatbot])
    _approved_assessment(ready_org, reviewer, systems=[ranker])
    client = client_for(users.viewer)
    row = readiness_rows(client, ready_org)["8.2"]
    assert row.finding.fulfilled is False
    assert "1 AI system in scope: Support chatbot" in row.finding.found
    _approved_assessment(ready_org, reviewer)  # no systems named: the whole register
    row = readiness_rows(client, ready_org)["8.2"]
    assert row.finding.fulfilled is True
    assert "covering every AI system in the approved scope" in row.finding.found


def test_8_2_does_not_ask_to_assess_a_system_retired_since_the_scope_was_approved(
    ready_org, users, reviewer, client_for
):
    ranker = factories.AISystemFactory(organization=ready_org, name="Ticket ranker")
    retired = factories.AISystemFactory(organization=ready_org, name="Old screener")
    _approved_scope(ready_org, users.officer, reviewer, systems=[ranker, retired])
    _approved_assessment(ready_org, reviewer, systems=[ranker])
    retired.delete()
    assert readiness_rows(client_for(users.viewer), ready_org)["8.2"].finding.fulfilled is True


# --- 8.3: treatment on schedule --------------------------------------------------------------


def test_8_3_fails_while_actions_are_overdue_or_undated(ready_org, users, client_for):
    risk = factories.RiskFactory(organization=ready_org, treatment_option="modify")
    actions = [factories.TreatmentActionFactory(risk=risk) for _ in range(12)]
    client = client_for(users.viewer)
    row = readiness_rows(client, ready_org)["8.3"]
    assert row.finding.fulfilled is True  # 0 done, but all 12 on schedule
    assert "12 treatment actions: 0 done, 0 overdue" in row.finding.found
    actions[0].due_date = timezone.localdate() - datetime.timedelta(days=1)
    actions[0].save()
    row = readiness_rows(client, ready_org)["8.3"]
    assert row.finding.fulfilled is False
    assert "1 overdue" in row.finding.found and "overdue action" in row.finding.todo
    actions[0].status, actions[0].completed_on = "done", timezone.localdate()
    actions[0].save()
    actions[1].due_date = None
    actions[1].save()
    row = readiness_rows(client, ready_org)["8.3"]
    assert row.finding.fulfilled is False
    assert "Give a due date to the open action that has none." in row.finding.todo
    actions[1].status = "cancelled"
    actions[1].save()
    row = readiness_rows(client, ready_org)["8.3"]
    assert row.finding.fulfilled is True
    assert "11 treatment actions: 1 done" in row.finding.found


# --- Clauses no rule checks: declared by a person --------------------------------------------


def _edit(client, clause, **data):
    url = reverse(
        "controls:clause_status_edit", kwargs={"org": clause.organization.slug, "pk": clause.pk}
    )
    clause.refresh_from_db()
    return client.post(url, {"_version": clause.version, "owner": "", **data})


def test_a_clause_no_rule_checks_is_ready_only_as_a_declaration_with_statement_and_evidence(
    ready_org, users, client_for
):
    status = ClauseStatus.objects.get(organization=ready_org, requirement__ref="5.1")
    factories.EvidenceItemFactory(
        organization=ready_org, title="Release committee minute"
    ).clauses.add(status.requirement)
    officer = client_for(users.officer)
    assert _edit(officer, status, status="ready", notes="").status_code == 302
    row = readiness_rows(officer, ready_org)["5.1"]
    assert (row.basis, row.ready) == ("declared", False)  # one evidence link is not enough
    assert any("statement" in str(m) for m in row.missing)

    assert _edit(officer, status, status="ready", notes="Reviewed by the board.").status_code == 302
    page = readiness_page(client_for(users.viewer), ready_org)
    row = next(r for r in page.context["clauses"] if r.requirement.ref == "5.1")
    assert row.ready is True and row.declared_by == users.officer
    assert "Declared ready by Acme Officer on" in row.finding.found
    assert row.finding.fulfilled is None  # declared, not checked
    html = page.content.decode()
    assert "Declared" in html and "Declared ready by Acme Officer" in html

    assert _edit(officer, status, status="in_progress", notes="Reopened.").status_code == 302
    status.refresh_from_db()
    assert (status.declared_by, status.declared_at) == (None, None)


def test_a_ready_mark_without_a_recorded_declarer_is_not_ready(ready_org, users, client_for):
    status = ClauseStatus.objects.get(organization=ready_org, requirement__ref="5.1")
    factories.EvidenceItemFactory(organization=ready_org).clauses.add(status.requirement)
    ClauseStatus.objects.filter(pk=status.pk).update(status="ready", notes="Held in May.")
    row = readiness_rows(client_for(users.viewer), ready_org)["5.1"]
    assert row.ready is False
    assert any("Save the clause as ready again" in str(m) for m in row.missing)


def test_the_api_records_the_declarer_and_says_checked_or_declared(
    ready_org, users, api_client_for
):
    status = ClauseStatus.objects.get(organization=ready_org, requirement__ref="5.1")
    factories.EvidenceItemFactory(organization=ready_org).clauses.add(status.requirement)
    client = api_client_for(users.officer)
    url = reverse("clausestatus-detail", kwargs={"pk": status.pk})
    response = client.patch(
        url,
        {"status": "ready", "notes": "The board leads the AIMS."},
        format="json",
        HTTP_IF_MATCH=f'"{status.pk}-{status.version}"',
    )
    assert response.status_code == 200, response.content
    assert response.json()["declared_by"] == users.officer.pk
    body = client.get(reverse("readiness-list"), {"organization": ready_org.pk}).json()
    clauses = {row["ref"]: row for row in body["clauses"]}
    assert clauses["5.1"]["basis"] == "declared" and clauses["5.1"]["ready"] is True
    assert clauses["5.1"]["declared_by_name"] == "Acme Officer"
    assert clauses["5.1"]["declared_at"]
    assert clauses["6.1.1"]["basis"] == "checked" and clauses["6.1.1"]["declared_by"] is None
