"""Statement of Applicability exports: contents, frozen versions, access."""

from __future__ import annotations

import pytest
from django.urls import reverse

from controls.exports import SOA_COLUMNS
from controls.models import ControlImplementation, RequirementKind
from tests import factories
from tests.reports.factories import (
    approved_soa,
    body,
    control,
    read_csv,
    read_xlsx,
    sheet_rows,
)
from tests.reports.pdftext import pdf_text

pytestmark = pytest.mark.django_db


def annex_a_refs() -> set[str]:
    from controls.models import Requirement

    refs = set(
        Requirement.objects.filter(
            framework__code="iso42001", kind=RequirementKind.CONTROL
        ).values_list("ref", flat=True)
    )
    assert len(refs) == 38
    return refs


def url(org, fmt=None, version=None):
    if version is None:
        path = reverse("reports:soa_export", kwargs={"org": org.slug})
    else:
        path = reverse("reports:soa_version_export", kwargs={"org": org.slug, "pk": version.pk})
    return f"{path}?format={fmt}" if fmt else path


def test_it_exports_every_control_as_xlsx(soa_org, users, client_for):
    row = control(soa_org, "A.6.2.4")
    row.applicability, row.justification = "applicable", "Model drift in the ranking system."
    row.status, row.owner = "partial", users.officer
    row.save()

    response = client_for(users.viewer).get(url(soa_org, "xlsx"))

    assert response.status_code == 200
    assert response["Content-Disposition"].startswith('attachment; filename="soa-acme-live-')
    assert response["X-Content-Type-Options"] == "nosniff"
    workbook = read_xlsx(body(response))
    assert workbook.sheetnames == ["SoA", "Summary"]
    headers, rows = sheet_rows(workbook, "SoA")
    assert headers == [label for label, _w in SOA_COLUMNS]
    assert {r["Reference"] for r in rows} == annex_a_refs()
    a624 = next(r for r in rows if r["Reference"] == "A.6.2.4")
    assert a624["Group"] == "A.6"
    assert a624["Applicability"] == "Applicable"
    assert a624["Implementation status"] == "Partially implemented"
    assert a624["Owner"] == "Acme Officer"
    assert a624["Justification"] == "Model drift in the ranking system."
    assert "Applicable but no evidence" in a624["Gaps"]
    sheet = workbook["SoA"]
    assert sheet["A1"].font.bold
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == f"A1:K{len(rows) + 1}"
    summary = dict(workbook["Summary"].iter_rows(min_row=2, values_only=True))
    assert summary["Controls"] == 38
    assert summary["Applicable"] == 1
    assert summary["Not yet decided"] == 37
    assert "not an approved version" in summary["Status"]


def test_it_exports_csv_with_a_bom(soa_org, users, client_for):
    response = client_for(users.officer).get(url(soa_org, "csv"))

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    rows = read_csv(body(response))
    assert list(rows[0]) == [label for label, _w in SOA_COLUMNS]
    assert {r["Reference"] for r in rows} == annex_a_refs()
    assert [r["Reference"] for r in rows][:2] == ["A.2.2", "A.2.3"]


def test_it_neutralises_formulas_in_csv_and_xlsx(soa_org, users, client_for):
    row = control(soa_org, "A.2.2")
    row.justification = '=HYPERLINK("http://evil")'
    row.save()
    client = client_for(users.officer)

    csv_row = next(
        r for r in read_csv(body(client.get(url(soa_org, "csv")))) if r["Reference"] == "A.2.2"
    )
    _h, rows = sheet_rows(read_xlsx(body(client.get(url(soa_org, "xlsx")))), "SoA")

    assert csv_row["Justification"].startswith("'=")
    assert next(r for r in rows if r["Reference"] == "A.2.2")["Justification"].startswith("'=")


def test_its_pdf_holds_every_control_ref_grouped_and_labelled(soa_org, users, client_for):
    own = ControlImplementation.objects.create(
        organization=soa_org, ref="ORG-1", title="Red-team every release"
    )
    response = client_for(users.admin).get(url(soa_org, "pdf"))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    content = body(response)
    assert content.startswith(b"%PDF-")
    text = pdf_text(content)
    for ref in annex_a_refs() | {own.ref}:
        assert ref in text, ref
    assert "Third-party and customer relationships" in text  # the A.10 group heading
    assert "The organisation's own controls" in text
    assert "Not an approved version" in text
    assert "Not yet decided" in text
    # Every page repeats the header (organisation · title, generated-at) and "Page x of y".
    assert text.count("Acme Analytics · Statement of Applicability (live, not approved)") >= 2
    assert "Page 1 of" in text and "Page 2 of" in text
    assert text.count("Live SoA — not an approved version") >= 2
    assert text.count("NOT AN APPROVED VERSION") >= 2  # the watermark, on every page


def test_a_version_export_uses_its_frozen_rows(soa_org, users, client_for):
    row = control(soa_org, "A.5.2")
    row.applicability, row.justification = "applicable", "Impact assessment process in place."
    row.save()
    version = approved_soa(soa_org, author=users.officer, approver=users.admin)
    row.justification = "Rewritten after approval."
    row.applicability = "not_applicable"
    row.save()
    client = client_for(users.viewer)

    frozen = next(
        r
        for r in read_csv(body(client.get(url(soa_org, "csv", version))))
        if r["Reference"] == "A.5.2"
    )
    live = next(
        r for r in read_csv(body(client.get(url(soa_org, "csv")))) if r["Reference"] == "A.5.2"
    )
    workbook = read_xlsx(body(client.get(url(soa_org, "xlsx", version))))
    text = pdf_text(body(client.get(url(soa_org, "pdf", version))))

    assert frozen["Justification"] == "Impact assessment process in place."
    assert frozen["Applicability"] == "Applicable"
    assert live["Justification"] == "Rewritten after approval."
    _h, rows = sheet_rows(workbook, "SoA")
    assert next(r for r in rows if r["Reference"] == "A.5.2")["Justification"] == (
        "Impact assessment process in place."
    )
    summary = dict(workbook["Summary"].iter_rows(min_row=2, values_only=True))
    assert summary["Version"] == version.number
    assert summary["Approved by"] == "Acme Admin"
    assert summary["Approved at"]
    assert "Impact assessment process in place." in text
    assert "Rewritten after approval." not in text
    assert "Approved version 1" in text
    assert "Not an approved version" not in text
    for ref in annex_a_refs():
        assert ref in text


def test_it_refuses_an_unknown_format_with_a_message(soa_org, users, client_for):
    client = client_for(users.officer)

    bad = client.get(url(soa_org, "docx"))
    missing = client.get(url(soa_org))

    assert bad.status_code == 400
    assert "docx" in bad.content.decode() and "pdf, xlsx, csv" in bad.content.decode()
    assert missing.status_code == 400


def test_outsiders_get_404(soa_org, users, client_for):
    version = approved_soa(soa_org, author=users.officer, approver=users.admin)
    client = client_for(users.outsider)

    assert client.get(url(soa_org, "csv")).status_code == 404
    assert client.get(url(soa_org, "csv", version)).status_code == 404
    assert client_for().get(url(soa_org, "csv")).status_code == 302  # to sign in


def test_an_auditor_exports_only_the_controls_in_their_engagement(soa_org, users, client_for):
    version = approved_soa(soa_org, author=users.officer, approver=users.admin)
    client = client_for(users.auditor)
    before = client.get(url(soa_org, "csv", version))
    factories.engage(soa_org, users.auditor, controls=[control(soa_org, "A.6.2.4")])

    rows = read_csv(body(client.get(url(soa_org, "csv"))))
    # Every engagement reads the approved SoA, whole: a frozen document, not live rows.
    frozen = read_csv(body(client.get(url(soa_org, "csv", version))))

    assert before.status_code == 404  # no engagement yet
    assert [r["Reference"] for r in rows] == ["A.6.2.4"]
    assert len(frozen) == 38


def test_an_auditor_exports_nothing_after_the_engagement_ends(soa_org, users, client_for):
    version = approved_soa(soa_org, author=users.officer, approver=users.admin)
    factories.engage(soa_org, users.auditor, whole_aims=True, starts_in_days=-30, ends_in_days=-1)
    client = client_for(users.auditor)

    assert read_csv(body(client.get(url(soa_org, "csv")))) == []
    assert client.get(url(soa_org, "csv", version)).status_code == 404


def test_the_pdf_names_the_evidence_and_risks_and_the_approvers_note(soa_org, users, client_for):
    from aims.core.documents import document_approve, document_submit
    from controls.services import soa_version_start

    row = control(soa_org, "A.6.2.7")
    row.applicability, row.justification = "applicable", "Technical documentation kept."
    row.save()
    evidence = factories.EvidenceItemFactory(organization=soa_org, title="Model card v3")
    row.evidence.add(evidence)
    risk = factories.RiskFactory(organization=soa_org, title="Undocumented model change")
    risk.controls.add(row)
    factories.decide_every_control(soa_org)
    draft = soa_version_start(organization=soa_org, user=users.officer)
    document_submit(version=draft, user=users.officer)
    version = document_approve(version=draft, user=users.admin, note="Checked at the board.")
    client = client_for(users.viewer)

    text = " ".join(pdf_text(body(client.get(url(soa_org, "pdf", version)))).split())
    assert "Evidence: Model card v3" in text
    assert f"{risk.reference} Undocumented model change" in text
    assert "Checked at the board." in text and "by Acme Admin" in text
    live = " ".join(pdf_text(body(client.get(url(soa_org, "pdf")))).split())
    assert "Evidence: Model card v3" in live
    # The header cells are separate words, not run together.
    assert "Risks and evidence" in text and "Owner" in text
    assert "OwnerHow" not in text and "ApplicabilityJustification" not in text


def test_a_control_with_many_risks_lists_their_references_only(soa_org, users, client_for):
    row = control(soa_org, "A.6.2.7")
    risks = [
        factories.RiskFactory(organization=soa_org, title=f"Drift after data change {n}")
        for n in range(9)
    ]
    for risk in risks:
        risk.controls.add(row)
    few = control(soa_org, "A.6.2.8")
    named = factories.RiskFactory(organization=soa_org, title="Logs kept too briefly")
    named.controls.add(few)
    text = " ".join(pdf_text(body(client_for(users.viewer).get(url(soa_org, "pdf")))).split())
    # Past eight risks a row names references (the titles are in the register), so one
    # control does not run over pages; a row with few risks still names them in full.
    assert "Risks: " + ", ".join(r.reference for r in risks) in text
    assert "Drift after data change" not in text
    assert f"{named.reference} Logs kept too briefly" in text
