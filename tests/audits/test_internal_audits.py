"""Internal audit (9.2): independence of auditors, the checklist from the approved SoA and
its regeneration, results that raise nonconformities, the workflow guards, the report as a
controlled document and its PDF, and bad input."""

from __future__ import annotations

import datetime
import subprocess

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from aims.core.documents import (
    ImmutableVersionError,
    document_approve,
    document_submit,
)
from audits import services
from audits.exports import report_export_pdf
from audits.models import (
    Audit,
    AuditChecklistLine,
    AuditProgramme,
    AuditReport,
    CorrectiveAction,
    Nonconformity,
)
from audits.selectors import audit_coverage
from controls.models import ClauseStatus, ControlImplementation, Requirement
from controls.services import controls_ensure_for, soa_version_start
from tests import factories
from tests.reports.pdftext import pdf_text

TODAY = timezone.localdate


def _req(ref):
    return Requirement.objects.get(framework__code="iso42001", ref=ref)


@pytest.fixture
def soa(catalog, org, users):
    """An approved SoA: every control applicable except A.5.5 (with its reason)."""
    controls_ensure_for(organization=org)
    ControlImplementation.objects.filter(organization=org).update(
        applicability="applicable", justification="Applies to our lending systems."
    )
    ControlImplementation.objects.filter(organization=org, ref="A.5.5").update(
        applicability="not_applicable", justification="No societal reach for a lender our size."
    )
    version = soa_version_start(organization=org, user=users.officer)
    version = document_submit(version=version, user=users.officer)
    return document_approve(version=version, user=users.admin)


@pytest.fixture
def programme(org):
    return AuditProgramme.objects.create(
        organization=org,
        title="Programme 2026–2028",
        period_start=TODAY() - datetime.timedelta(days=60),
        period_end=TODAY() + datetime.timedelta(days=900),
    )


@pytest.fixture
def audit(org, programme, users, soa):
    audit = Audit.objects.create(
        organization=org,
        programme=programme,
        title="Impact assessment and policy",
        planned_start=TODAY() - datetime.timedelta(days=1),
        planned_end=TODAY() + datetime.timedelta(days=2),
        lead_auditor=users.contributor,
    )
    audit.clauses.set([_req("5.2"), _req("6.1.4")])
    audit.controls.set([_req("A.5.2"), _req("A.5.5")])
    audit.auditors.set([users.viewer])
    return audit


def _started(audit, user):
    return services.audit_start(audit=audit, user=user)


def _answer(line, result, notes="Found in the sample.", user=None):
    line = AuditChecklistLine.objects.get(pk=line.pk)
    line.result = result
    line.notes = notes
    line.full_clean()
    line.save()
    return services.checklist_line_raise(line=line, user=user)


# --- Independence ---------------------------------------------------------------------------


def test_an_auditor_who_owns_an_audited_system_is_refused_with_the_conflict(
    audit, users, client_for
):
    system = factories.AISystemFactory(organization=audit.organization, owner=users.viewer)
    audit.ai_systems.add(system)
    with pytest.raises(ValidationError) as refused:
        _started(audit, users.officer)
    assert any(system.name in m and users.viewer.display_name in m for m in refused.value.messages)
    audit.refresh_from_db()
    assert audit.status == "planned" and not audit.lines.exists()
    # The page says so before anyone tries.
    page = client_for(users.officer).get(audit.get_absolute_url())
    assert f"owns the AI system “{system.name}”" in page.content.decode()


def test_the_lead_owning_a_control_in_scope_is_refused_in_the_form_and_the_api(
    audit, users, client_for, api_client_for
):
    ControlImplementation.objects.filter(organization=audit.organization, ref="A.5.2").update(
        owner=users.officer
    )
    url = reverse("audits:audit_edit", kwargs={"org": audit.organization.slug, "pk": audit.pk})
    client = client_for(users.officer)
    data = dict(
        title=audit.title,
        _version=audit.version,
        clauses=[c.pk for c in audit.clauses.all()],
        controls=[c.pk for c in audit.controls.all()],
        auditors=[users.viewer.pk],
        lead_auditor=users.officer.pk,
        planned_start=str(audit.planned_start),
        planned_end=str(audit.planned_end),
        programme=audit.programme_id,
        ai_systems=[],
    )
    response = client.post(url, data)
    assert response.status_code == 400
    assert "owns control A.5.2 in the Statement of Applicability" in response.content.decode()
    audit.refresh_from_db()
    assert audit.lead_auditor == users.contributor

    api = api_client_for(users.officer)
    response = api.patch(
        f"/api/v1/audits/{audit.pk}/", {"lead_auditor": users.officer.pk}, format="json"
    )
    assert response.status_code == 400, response.content
    assert "A.5.2" in str(response.json())
    audit.refresh_from_db()
    assert audit.lead_auditor == users.contributor


def test_an_auditor_owning_a_clause_in_scope_is_refused(audit, users):
    ClauseStatus.objects.update_or_create(
        organization=audit.organization, requirement=_req("6.1.4"), defaults={"owner": users.viewer}
    )
    with pytest.raises(ValidationError) as refused:
        _started(audit, users.officer)
    assert any("owns clause 6.1.4" in m for m in refused.value.messages)


def test_independent_auditors_start_the_audit(audit, users):
    started = _started(audit, users.contributor)  # the lead, a contributor
    assert started.status == "in_progress" and started.actual_start == TODAY()


# --- Checklist ------------------------------------------------------------------------------


def test_the_checklist_comes_from_the_clauses_and_the_approved_soa(audit, users, soa):
    _started(audit, users.officer)
    lines = {(line.kind, line.ref): line for line in audit.lines.all()}
    assert set(lines) == {
        ("clause", "5.2"),
        ("clause", "6.1.4"),
        ("control", "A.5.2"),
        ("control", "A.5.5"),
    }
    excluded = lines[("control", "A.5.5")]
    assert excluded.excluded and "No societal reach" in excluded.exclusion_reason
    assert not lines[("control", "A.5.2")].excluded
    # The SoA's frozen title, not the live row's.
    ControlImplementation.objects.filter(organization=audit.organization, ref="A.5.2").update(
        title="Renamed after approval"
    )
    services.audit_checklist_generate(audit=audit, user=users.officer)
    assert audit.lines.get(ref="A.5.2").title != "Renamed after approval"


def test_controls_need_an_approved_soa(org, programme, users, catalog):
    controls_ensure_for(organization=org)
    audit = Audit.objects.create(
        organization=org,
        programme=programme,
        title="Controls",
        planned_start=TODAY(),
        planned_end=TODAY(),
        lead_auditor=users.contributor,
    )
    audit.controls.set([_req("A.5.2")])
    with pytest.raises(ValidationError, match="approve the SoA first"):
        services.audit_checklist_generate(audit=audit, user=users.officer)
    assert not audit.lines.exists()


def test_regenerating_keeps_answered_lines_and_follows_the_scope(audit, users):
    _started(audit, users.officer)
    _answer(audit.lines.get(ref="5.2"), "conformity")
    audit.clauses.set([_req("6.1.4"), _req("8.4")])  # 5.2 answered, leaves the scope
    counts = services.audit_checklist_generate(audit=audit, user=users.officer)
    refs = set(audit.lines.values_list("ref", flat=True))
    assert refs == {"5.2", "6.1.4", "8.4", "A.5.2", "A.5.5"}
    assert audit.lines.get(ref="5.2").result == "conformity"
    assert counts["added"] == 1 and counts["kept"] == 1
    audit.clauses.set([_req("8.4")])  # 6.1.4 unanswered: removed
    services.audit_checklist_generate(audit=audit, user=users.officer)
    assert not audit.lines.filter(ref="6.1.4").exists()


# --- Results raise nonconformities ----------------------------------------------------------


def test_a_minor_result_raises_one_nonconformity_linked_to_the_line(audit, users):
    system = factories.AISystemFactory(organization=audit.organization)
    audit.ai_systems.add(system)
    _started(audit, users.officer)
    line = audit.lines.get(ref="6.1.4")
    nc = _answer(line, "minor", "The CV screening assessment skips retention.")
    assert nc.source == "internal_audit" and nc.severity == "minor"
    assert nc.requirement.ref == "6.1.4"
    assert list(nc.ai_systems.all()) == [system]
    assert nc.description == "The CV screening assessment skips retention."
    line.refresh_from_db()
    assert line.nonconformity == nc
    # Saving again raises no second one; major follows on the open nonconformity.
    _answer(line, "major", "Worse than first thought.")
    assert Nonconformity.objects.count() == 1
    nc.refresh_from_db()
    assert nc.severity == "major"


def test_changing_the_result_away_from_a_nonconformity_is_refused_not_silent(audit, users):
    _started(audit, users.officer)
    line = audit.lines.get(ref="5.2")
    nc = _answer(line, "minor")
    with pytest.raises(ValidationError, match=nc.reference):
        _answer(line, "conformity")
    line.refresh_from_db()
    assert line.result == "minor" and Nonconformity.objects.filter(pk=nc.pk).exists()
    # Deleted on its own page as raised in error, the line is free again.
    nc.delete()
    _answer(line, "conformity")


def test_answering_through_the_ui_raises_the_nonconformity(audit, users, client_for):
    _started(audit, users.officer)
    line = audit.lines.get(ref="A.5.2")
    url = reverse("audits:audit_line_edit", kwargs={"org": audit.organization.slug, "pk": line.pk})
    response = client_for(users.contributor).post(  # the lead auditor, a contributor
        url,
        {"result": "minor", "notes": "No owner recorded.", "sampled": "2 files", "_version": 1},
    )
    assert response.status_code == 302, response.content
    line.refresh_from_db()
    assert line.nonconformity is not None and line.nonconformity.severity == "minor"


def test_the_api_answers_a_line_and_refuses_one_of_a_planned_audit(audit, users, api_client_for):
    services.audit_checklist_generate(audit=audit, user=users.officer)  # still planned
    line = audit.lines.get(ref="5.2")
    api = api_client_for(users.contributor)
    response = api.patch(
        f"/api/v1/audit-checklist-lines/{line.pk}/",
        {"result": "minor", "notes": "Found."},
        format="json",
    )
    assert response.status_code == 400
    assert "while the audit is in progress" in str(response.json())
    _started(audit, users.officer)
    response = api.patch(
        f"/api/v1/audit-checklist-lines/{line.pk}/",
        {"result": "minor", "notes": "Found."},
        format="json",
    )
    assert response.status_code == 200, response.content
    assert response.json()["nonconformity"] is not None
    # An excluded line takes no result.
    excluded = audit.lines.get(ref="A.5.5")
    response = api.patch(
        f"/api/v1/audit-checklist-lines/{excluded.pk}/",
        {"result": "conformity"},
        format="json",
    )
    assert response.status_code == 400


# --- Report, PDF, closing -------------------------------------------------------------------


def _answer_all(audit, users):
    for line in audit.lines.filter(excluded=False):
        _answer(line, "conformity" if line.ref != "5.2" else "minor", "Seen in the sample.")


def _pdf_text(report) -> str:
    _name, content = report_export_pdf(report=report)
    return subprocess.run(
        ["pdftotext", "-", "-"], input=content, capture_output=True, check=True
    ).stdout.decode()


def test_the_report_freezes_the_results_at_approval(audit, users):
    _started(audit, users.officer)
    report = services.audit_report_start(audit=audit, user=users.officer)
    report.summary, report.conclusions = "Two clauses, two controls.", "Conforms but for 5.2."
    report.save()
    report = document_submit(version=report, user=users.officer)
    with pytest.raises(ValidationError, match="still have no result"):
        document_approve(version=report, user=users.admin)
    _answer_all(audit, users)
    with pytest.raises(ValidationError, match="someone else must approve"):
        document_approve(version=report, user=users.officer)
    report = document_approve(version=report, user=users.admin)
    audit.refresh_from_db()
    assert audit.status == "reported" and audit.actual_end == TODAY()
    frozen = {row["ref"]: row for row in report.results}
    assert frozen["5.2"]["result"] == "minor" and frozen["5.2"]["nonconformity"]
    assert frozen["A.5.5"]["excluded"] is True
    # The approved report never changes.
    report = AuditReport.objects.get(pk=report.pk)
    report.summary = "Rewritten"
    with pytest.raises(ImmutableVersionError):
        report.save()
    text = _pdf_text(AuditReport.objects.get(pk=report.pk))
    assert "NOT APPROVED" not in text
    assert "Approved version 1" in text and users.admin.display_name in text
    assert "Minor nonconformity" in text and "Conforms but for 5.2." in text
    assert "A.5.5" in text and "Excluded" in text


def test_a_draft_report_pdf_carries_the_watermark(audit, users, client_for):
    _started(audit, users.officer)
    report = services.audit_report_start(audit=audit, user=users.officer, summary="Draft text")
    text = _pdf_text(report)
    assert "Version 1 is draft: not yet approved." in text and "Draft text" in text
    # The watermark is set diagonally, which pdftotext splits into letters: read it whole.
    _name, content = report_export_pdf(report=report)
    assert pdf_text(content).count("DRAFT — NOT APPROVED") >= 1
    url = reverse("audits:report_pdf", kwargs={"org": audit.organization.slug, "pk": report.pk})
    response = client_for(users.viewer).get(url)
    assert response.status_code == 200 and response.content.startswith(b"%PDF")


def test_closing_waits_for_an_action_on_each_nonconformity(audit, users):
    _started(audit, users.officer)
    _answer_all(audit, users)
    with pytest.raises(ValidationError, match="report is approved"):
        services.audit_close(audit=audit, user=users.officer)
    report = services.audit_report_start(
        audit=audit, user=users.officer, summary="S", conclusions="C"
    )
    document_approve(version=document_submit(version=report, user=users.officer), user=users.admin)
    nc = audit.lines.get(ref="5.2").nonconformity
    with pytest.raises(ValidationError, match=nc.reference):
        services.audit_close(audit=audit, user=users.officer)
    CorrectiveAction.objects.create(nonconformity=nc, description="Remind staff.")
    closed = services.audit_close(audit=audit, user=users.officer)
    assert closed.status == "closed"
    with pytest.raises(ValidationError, match="no longer changes"):
        services.audit_checklist_generate(audit=audit, user=users.officer)


# --- Coverage -------------------------------------------------------------------------------


def test_coverage_names_the_last_and_next_audit_and_the_gaps(audit, users, programme, soa):
    _started(audit, users.officer)
    later = Audit.objects.create(
        organization=audit.organization,
        programme=programme,
        title="Next year",
        planned_start=TODAY() + datetime.timedelta(days=300),
        planned_end=TODAY() + datetime.timedelta(days=301),
    )
    later.clauses.set([_req("5.2")])
    coverage = audit_coverage(
        organization=audit.organization, user=users.officer, programme=programme
    )
    rows = {row.requirement.ref: row for row in (*coverage.clauses, *coverage.controls)}
    assert rows["5.2"].last == audit and rows["5.2"].next == later
    assert rows["6.1.4"].last == audit and rows["6.1.4"].next is None
    assert rows["4.1"].gap and rows["A.2.2"].gap
    assert rows["A.5.5"].not_applicable and not rows["A.5.5"].gap
    assert not rows["A.5.2"].gap


def test_the_coverage_page_highlights_gaps_and_refuses_a_bad_programme(
    audit, users, client_for, programme
):
    client = client_for(users.officer)
    url = reverse("audits:audit_coverage", kwargs={"org": audit.organization.slug})
    page = client.get(url, {"programme": programme.pk})
    assert page.status_code == 200
    assert 'class="uncovered"' in page.content.decode()
    assert client.get(url, {"programme": "abc"}).status_code == 200
    assert "Choose a programme" in client.get(url, {"programme": "abc"}).content.decode()
    assert client.get(url, {"programme": "999999"}).status_code == 404


# --- Bad input ------------------------------------------------------------------------------


def test_bad_dates_are_refused_with_a_message(programme, users, api_client_for, org):
    api = api_client_for(users.officer)
    response = api.post(
        "/api/v1/audits/",
        {
            "organization": org.pk,
            "programme": programme.pk,
            "title": "Backwards",
            "planned_start": str(TODAY() + datetime.timedelta(days=5)),
            "planned_end": str(TODAY()),
        },
        format="json",
    )
    assert response.status_code == 400 and "planned_end" in str(response.json())
    response = api.post(
        "/api/v1/audits/",
        {
            "organization": org.pk,
            "programme": programme.pk,
            "title": "Outside the programme",
            "planned_start": str(programme.period_end + datetime.timedelta(days=10)),
            "planned_end": str(programme.period_end + datetime.timedelta(days=11)),
        },
        format="json",
    )
    assert response.status_code == 400
    assert "within the programme's period" in str(response.json())
    response = api.post(
        "/api/v1/audit-programmes/",
        {
            "organization": org.pk,
            "title": "Too long",
            "period_start": "2026-01-01",
            "period_end": "2035-01-01",
        },
        format="json",
    )
    assert response.status_code == 400 and "at most 5 years" in str(response.json())
    assert Audit.objects.count() == 0 and AuditProgramme.objects.count() == 1


def test_a_start_in_the_future_and_a_second_start_are_refused(audit, users, client_for):
    client = client_for(users.officer)
    url = reverse(
        "audits:audit_action",
        kwargs={"org": audit.organization.slug, "pk": audit.pk, "action": "start"},
    )
    response = client.post(url, {"started_on": str(TODAY() + datetime.timedelta(days=3))})
    assert response.status_code == 302
    audit.refresh_from_db()
    assert audit.status == "planned"
    client.post(url, {})
    audit.refresh_from_db()
    assert audit.status == "in_progress"
    response = client.post(url, {}, follow=True)
    assert "Only a planned audit can start." in response.content.decode()
    bad = reverse(
        "audits:audit_action",
        kwargs={"org": audit.organization.slug, "pk": audit.pk, "action": "explode"},
    )
    assert client.post(bad).status_code == 404


def test_a_viewer_cannot_start_an_audit(audit, users, api_client_for):
    response = api_client_for(users.viewer).post(f"/api/v1/audits/{audit.pk}/start/", {})
    assert response.status_code == 403
    audit.refresh_from_db()
    assert audit.status == "planned"


def test_the_line_form_opens_only_while_the_audit_is_in_progress(audit, users, client_for):
    services.audit_checklist_generate(audit=audit, user=users.officer)  # still planned
    line = audit.lines.get(ref="5.2")
    url = reverse("audits:audit_line_edit", kwargs={"org": audit.organization.slug, "pk": line.pk})
    client = client_for(users.officer)
    assert client.get(url).status_code == 403
    assert client.post(url, {"result": "minor", "notes": "x", "_version": 1}).status_code == 403
    line.refresh_from_db()
    assert line.result == "" and not Nonconformity.objects.exists()


def _reported(audit, users):
    if audit.status == "planned":
        _started(audit, users.officer)
    _answer_all(audit, users)
    report = services.audit_report_start(
        audit=audit, user=users.officer, summary="S", conclusions="C"
    )
    document_approve(version=document_submit(version=report, user=users.officer), user=users.admin)
    audit.refresh_from_db()
    return audit


def test_a_held_audit_is_not_deleted_and_a_reported_one_keeps_its_scope(
    audit, users, api_client_for
):
    _started(audit, users.officer)
    api = api_client_for(users.officer)
    response = api.delete(f"/api/v1/audits/{audit.pk}/")
    assert response.status_code == 400 and "Only a planned audit" in str(response.json())
    assert Audit.objects.filter(pk=audit.pk).exists()
    audit.refresh_from_db()
    _reported(audit, users)
    other = factories.AISystemFactory(organization=audit.organization)
    response = api.patch(f"/api/v1/audits/{audit.pk}/", {"ai_systems": [other.pk]}, format="json")
    assert response.status_code == 400 and "scope and team stay" in str(response.json())
    assert not audit.ai_systems.filter(pk=other.pk).exists()
    response = api.patch(f"/api/v1/audits/{audit.pk}/", {"plan": "Noted after."}, format="json")
    assert response.status_code == 200


def test_auditors_see_the_programme_through_clause_9_2_and_audits_through_their_scope(
    audit, users, api_client_for, programme
):
    api = api_client_for(users.auditor)

    def ids(path):
        response = api.get(path, {"organization": audit.organization.pk})
        assert response.status_code == 200
        return {row["id"] for row in response.json()["results"]}

    engagement = factories.engage(audit.organization, users.auditor, clauses=[_req("9.2.2")])
    assert ids("/api/v1/audit-programmes/") == {programme.pk}
    assert ids("/api/v1/audits/") == {audit.pk}
    engagement.delete()
    factories.engage(audit.organization, users.auditor, clauses=[_req("5.2")])
    assert ids("/api/v1/audit-programmes/") == set()
    assert ids("/api/v1/audits/") == {audit.pk}  # it audits clause 5.2
