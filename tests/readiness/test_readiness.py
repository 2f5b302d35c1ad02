"""Clause readiness: the organisation's own status beside what the platform finds."""

from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from aims.core import documents
from controls.models import ClauseStatus, ControlImplementation
from controls.services import soa_version_start
from risks.services import risk_criteria_revise
from tests import factories
from tests.readiness.conftest import readiness_page, readiness_rows


def _approve_scope(org, author, approver, **content):
    return factories.ScopeStatementFactory(
        organization=org,
        author=author,
        status="approved",
        approved_by=approver,
        approved_at=timezone.now(),
        **content,
    )


def test_it_lists_the_32_assessable_clauses_with_their_documented_information(
    ready_org, users, client_for
):
    rows = readiness_rows(client_for(users.viewer), ready_org)
    assert len(rows) == 32
    assert "4" not in rows and "9.2" not in rows  # headings are not assessed
    assert rows["4.3"].requirement.documented_information == "maintain"


def test_it_finds_the_approved_scope_for_4_3_and_reads_the_registers_for_4_1_and_4_2(
    ready_org, users, reviewer, client_for
):
    client = client_for(users.viewer)
    rows = readiness_rows(client, ready_org)
    assert rows["4.3"].finding.fulfilled is False
    assert "approved" in rows["4.3"].finding.todo
    # Text in the scope's notes no longer counts: 4.1 and 4.2 read the registers.
    scope = _approve_scope(
        ready_org, users.officer, reviewer, interested_parties="Borrowers, regulators."
    )
    rows = readiness_rows(client, ready_org)
    assert rows["4.3"].finding.fulfilled is True
    assert rows["4.3"].finding.url == scope.get_absolute_url()
    assert rows["4.2"].finding.fulfilled is False
    assert "No interested parties" in rows["4.2"].finding.found
    assert rows["4.1"].finding.fulfilled is False  # no issues recorded yet


def test_it_finds_an_approved_soa_and_treated_risks_for_6_1_3(
    ready_org, users, reviewer, client_for
):
    client = client_for(users.viewer)
    assert readiness_rows(client, ready_org)["6.1.3"].finding.fulfilled is False
    factories.decide_every_control(ready_org)
    draft = soa_version_start(organization=ready_org, user=users.officer)
    documents.document_submit(version=draft, user=users.officer)
    approved = documents.document_approve(version=draft, user=reviewer)
    risk = factories.RiskFactory(organization=ready_org, status="assessed")
    row = readiness_rows(client, ready_org)["6.1.3"]
    assert row.finding.fulfilled is False  # the risk has no treatment option yet
    assert "treatment option" in row.finding.todo
    risk.treatment_option = "modify"
    risk.save()
    row = readiness_rows(client, ready_org)["6.1.3"]
    assert row.finding.fulfilled is True
    assert row.finding.url == approved.get_absolute_url()


def test_it_reads_the_risk_records_for_6_1_1_6_1_2_8_2_and_8_3(
    ready_org, users, reviewer, client_for
):
    client = client_for(users.viewer)
    rows = readiness_rows(client, ready_org)
    assert [rows[r].finding.fulfilled for r in ("6.1.1", "6.1.2", "8.2", "8.3")] == [False] * 4
    risk = factories.RiskFactory(organization=ready_org)  # creates the default criteria
    rows = readiness_rows(client, ready_org)
    assert rows["6.1.1"].finding.fulfilled is False  # defaults nobody adopted
    risk_criteria_revise(organization=ready_org, user=users.officer, change_summary="Adopted.")
    rows = readiness_rows(client, ready_org)
    assert rows["6.1.1"].finding.fulfilled is True
    assert rows["6.1.2"].finding.fulfilled is False  # identified, not assessed
    risk.status = "assessed"
    risk.save()
    factories.TreatmentActionFactory(risk=risk)
    factories.RiskAssessmentFactory(
        organization=ready_org, status="approved", approved_by=reviewer, approved_at=timezone.now()
    )
    rows = readiness_rows(client, ready_org)
    assert [rows[r].finding.fulfilled for r in ("6.1.2", "8.2", "8.3")] == [True] * 3


def test_it_reads_the_soa_for_8_1(ready_org, users, client_for):
    client = client_for(users.viewer)
    assert readiness_rows(client, ready_org)["8.1"].finding.fulfilled is False
    for control in ControlImplementation.objects.filter(organization=ready_org):
        control.applicability, control.justification = "not_applicable", "Out of scope."
        control.save()
    control = ControlImplementation.objects.get(organization=ready_org, ref="A.7.2")
    control.applicability, control.status = "applicable", "implemented"
    control.save()
    page = readiness_page(client, ready_org)
    row = next(r for r in page.context["clauses"] if r.requirement.ref == "8.1")
    assert row.finding.fulfilled is True
    assert page.context["summary"].controls_percent == 100


def test_it_says_plainly_which_clauses_are_not_checked(ready_org, users, client_for):
    client = client_for(users.viewer)
    row = readiness_rows(client, ready_org)["5.1"]
    assert (row.finding.fulfilled, row.basis) == (None, "declared")
    found = str(row.finding.found)
    assert found.startswith("No rule reads records for this clause.")
    assert "module arrives" not in found


def test_it_sums_up_readiness_and_lists_what_is_missing(ready_org, users, reviewer, client_for):
    _approve_scope(ready_org, users.officer, reviewer)
    ClauseStatus.objects.filter(organization=ready_org, requirement__ref="4.3").update(
        status="ready"
    )
    page = readiness_page(client_for(users.viewer), ready_org)
    summary = page.context["summary"]
    assert (summary.clauses_ready, summary.clauses_total, summary.clauses_percent) == (1, 32, 3)
    missing = {ref for ref, *_ in summary.missing}
    assert "4.3" not in missing and "6.1.1" in missing and "A.7.2" in missing
    assert b"<svg" in page.content and b'aria-label="Clauses ready: 3%"' in page.content


def test_an_owning_contributor_may_update_their_clause(ready_org, users, client_for):
    status = ClauseStatus.objects.get(organization=ready_org, requirement__ref="7.2")
    url = reverse("controls:clause_status_edit", kwargs={"org": ready_org.slug, "pk": status.pk})
    client = client_for(users.contributor)
    data = {
        "status": "in_progress",
        "notes": "Training matrix drafted.",
        "_version": status.version,
    }
    assert client.post(url, data).status_code == 403
    status.owner = users.contributor
    status.save()
    data["_version"] = status.version
    assert client.post(url, data).status_code == 302
    status.refresh_from_db()
    assert status.status == "in_progress"


def test_the_readiness_page_runs_a_constant_number_of_queries(ready_org, users, client_for):
    client = client_for(users.admin)
    url = reverse("readiness:readiness", kwargs={"org": ready_org.slug})
    client.get(url)

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    before = count()
    for _ in range(10):
        risk = factories.RiskFactory(organization=ready_org, treatment_option="modify")
        factories.TreatmentActionFactory(risk=risk)
        evidence = factories.EvidenceItemFactory(organization=ready_org)
        evidence.clauses.add(
            *ClauseStatus.objects.filter(organization=ready_org).values_list(
                "requirement", flat=True
            )[:5]
        )
    after = count()
    assert before == after
    # 22 today: the session and the catalog (6), the clause statuses and SoA rows (2), the
    # scope, criteria and risk assessments (3), one organisation row carrying every count
    # (risks, incidents, nonconformities, improvements, context, support, roles,
    # communication), and one list each where a rule needs rows: impact assessments, audit
    # programmes and audits, management reviews, objectives, competence, retention rules,
    # policies, and the readiness contradictions' own (3).
    assert after <= 22


def test_the_api_serves_the_readiness_summary(ready_org, users, api_client_for):
    client = api_client_for(users.viewer)
    response = client.get(reverse("readiness-list"), {"organization": ready_org.pk})
    assert response.status_code == 200
    body = response.json()
    assert body["clauses_total"] == 32 and len(body["clauses"]) == 32
    assert client.get(reverse("readiness-list"), {"organization": 999999}).status_code == 404
    statuses = client.get(
        reverse("clausestatus-list"), {"organization": ready_org.pk, "ref": "5.1"}
    )
    (row,) = statuses.json()["results"]
    assert row["later_module"] is None and row["automatic_rule"] is False
    statuses = client.get(
        reverse("clausestatus-list"), {"organization": ready_org.pk, "ref": "9.2.2"}
    )
    (row,) = statuses.json()["results"]
    assert row["later_module"] is None and row["automatic_rule"] is True
