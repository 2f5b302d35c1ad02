"""Risk register exports: columns, filters, access, query budget, and the PDF job."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from aims.core.jobs import run_job
from aims.core.models import Job, JobStatus
from risks.exports import REGISTER_COLUMNS, risk_register_pdf_run
from risks.models import ActionStatus
from tests import factories
from tests.reports.factories import body, read_csv, read_xlsx, risks, sheet_rows
from tests.reports.pdftext import pdf_text

pytestmark = pytest.mark.django_db


def url(org, fmt, **filters):
    query = "&".join(f"{k}={v}" for k, v in {"format": fmt, **filters}.items())
    return reverse("reports:risk_register_export", kwargs={"org": org.slug}) + "?" + query


@pytest.fixture
def register(org, users, catalog):
    system = factories.AISystemFactory(organization=org, name="Ticket ranker", reference="AIS-7")
    first = factories.RiskFactory(
        organization=org,
        title="Biased ranking",
        owner=users.contributor,
        status="in_treatment",
        treatment_option="modify",
        consequences_organization="Complaints and fines.",
        consequences_individuals="Some customers wait longer.",
        consequences_society="Less trust in automated support.",
        impact_organization=4,
        impact_individuals=2,
        existing_controls="Monthly review of the ranking.",
        residual_likelihood=2,
        residual_impact=2,
        next_review_date=datetime.date(2027, 3, 1),
    )
    first.ai_systems.add(system)
    own = factories.ControlImplementationFactory(organization=org, ref="ORG-9", title="Bias tests")
    first.controls.add(own)
    factories.TreatmentActionFactory(risk=first, status=ActionStatus.PLANNED)
    factories.TreatmentActionFactory(
        risk=first, status=ActionStatus.DONE, completed_on=datetime.date(2026, 1, 5)
    )
    second = factories.RiskFactory(
        organization=org, title="Data leak", inherent_likelihood=5, inherent_impact=5
    )
    factories.RiskFactory(organization=factories.OrganizationFactory(), title="Elsewhere")
    return first, second


def test_it_exports_the_register_as_xlsx(org, users, client_for, register):
    response = client_for(users.viewer).get(url(org, "xlsx"))

    assert response.status_code == 200
    assert response["X-Content-Type-Options"] == "nosniff"
    assert 'filename="risk-register-acme-' in response["Content-Disposition"]
    workbook = read_xlsx(body(response))
    headers, rows = sheet_rows(workbook, "Risk register")
    assert headers == [label for _key, label, _w in REGISTER_COLUMNS]
    assert [r["Reference"] for r in rows] == ["R-0001", "R-0002"]
    row = rows[0]
    assert row["Title"] == "Biased ranking"
    assert row["AI systems"] == "Ticket ranker (AIS-7)"
    assert row["Inherent likelihood"] == 3 and row["Inherent impact"] == 4
    assert row["Inherent score"] == 12 and row["Inherent level"] == "High"
    assert row["Residual score"] == 4 and row["Residual level"] == "Low"
    assert row["Owner"] == "Acme Contributor"
    assert row["Status"] == "In treatment"
    assert row["Treatment option"] == "Modify (reduce)"
    assert row["Controls"] == "ORG-9"
    assert row["Treatment actions"] == 2 and row["Open treatment actions"] == 1
    assert row["Next review"] == "2027-03-01"
    assert row["Criteria version"] == 1
    assert row["Consequences (individuals)"] == "Some customers wait longer."
    assert row["Consequences (society)"] == "Less trust in automated support."
    assert row["Kind"] == "Risk"
    assert (row["Impact on the organisation"], row["Impact on individuals"]) == (4, 2)
    assert row["Impact on society"] is None
    assert rows[1]["Inherent level"] == "Critical"
    assert rows[1]["Residual level"] is None
    sheet = workbook["Risk register"]
    assert sheet.freeze_panes == "A2" and sheet["A1"].font.bold
    summary = dict(workbook["Summary"].iter_rows(min_row=2, values_only=True))
    assert summary["Risks"] == 2


def test_it_exports_csv_honouring_the_register_filters(org, users, client_for, register):
    client = client_for(users.officer)

    everything = read_csv(body(client.get(url(org, "csv"))))
    treated = read_csv(body(client.get(url(org, "csv", status="in_treatment"))))
    critical = read_csv(body(client.get(url(org, "csv", inherent_level="critical"))))
    searched = read_csv(body(client.get(url(org, "csv", q="leak"))))

    assert [r["Reference"] for r in everything] == ["R-0001", "R-0002"]
    assert [r["Title"] for r in treated] == ["Biased ranking"]
    assert [r["Title"] for r in critical] == ["Data leak"]
    assert [r["Title"] for r in searched] == ["Data leak"]
    assert everything[0]["Inherent level"] == "High"


def test_it_filters_by_ai_system_and_owner_like_the_register(org, users, client_for, register):
    first, _second = register
    system = first.ai_systems.get()
    client = client_for(users.officer)

    by_system = read_csv(body(client.get(url(org, "csv", ai_system=system.pk))))
    by_owner = read_csv(body(client.get(url(org, "csv", owner=users.contributor.pk))))
    _h, sorted_rows = sheet_rows(
        read_xlsx(body(client.get(url(org, "xlsx", ordering="-inherent_rank")))), "Risk register"
    )

    assert [r["Reference"] for r in by_system] == ["R-0001"]
    assert [r["Reference"] for r in by_owner] == ["R-0001"]
    assert [r["Reference"] for r in sorted_rows] == ["R-0002", "R-0001"]


def test_a_bad_filter_or_format_is_a_400_with_a_message(org, users, client_for, register):
    client = client_for(users.officer)

    bad_filter = client.get(url(org, "csv", status="nonsense"))
    bad_format = client.get(url(org, "docx"))

    assert bad_filter.status_code == 400
    assert "status" in bad_filter.content.decode()
    assert bad_format.status_code == 400
    assert "xlsx, csv, pdf" in bad_format.content.decode()


def _control_engagement(org, users, risk):
    """An engagement limited to the control that treats ``risk``."""
    return factories.engage(org, users.auditor, controls=list(risk.controls.all()))


def test_an_auditor_gets_only_the_risks_in_their_engagement(org, users, client_for, register):
    first, _second = register
    _control_engagement(org, users, first)
    client = client_for(users.auditor)

    rows = read_csv(body(client.get(url(org, "csv"))))
    _h, xlsx_rows = sheet_rows(read_xlsx(body(client.get(url(org, "xlsx")))), "Risk register")

    assert [r["Reference"] for r in rows] == ["R-0001"]
    assert [r["Reference"] for r in xlsx_rows] == ["R-0001"]
    # The control is in scope and named; the AI system linked to the risk is not in scope
    # (the engagement chose no system): it is not named.
    assert rows[0]["AI systems"] == "" and "ORG-9" in rows[0]["Controls"]


def test_an_auditor_gets_nothing_after_the_engagement_ends(org, users, client_for, register):
    factories.engage(org, users.auditor, whole_aims=True, starts_in_days=-30, ends_in_days=-1)

    response = client_for(users.auditor).get(url(org, "csv"))

    assert response.status_code == 200
    assert read_csv(body(response)) == []


def test_outsiders_get_404(org, users, client_for, register):
    client = client_for(users.outsider)

    for fmt in ("csv", "xlsx", "pdf"):
        assert client.get(url(org, fmt)).status_code == 404
    assert not Job.objects.exists()


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_the_query_count_does_not_grow_with_the_rows(org, users, client_for, catalog, fmt):
    system = factories.AISystemFactory(organization=org)
    control = factories.ControlImplementationFactory(organization=org)

    def add(count):
        for risk in risks(org, count, owner=users.officer):
            risk.ai_systems.add(system)
            risk.controls.add(control)
            factories.TreatmentActionFactory(risk=risk)

    client = client_for(users.officer)
    client.get(url(org, fmt))  # warm caches (sessions, content types)

    def measure():
        with CaptureQueriesContext(connection) as queries:
            body(client.get(url(org, fmt)))
        return len(queries)

    add(2)
    few = measure()
    add(12)
    many = measure()
    assert few == many
    assert many <= 15


def test_pdf_starts_a_job_and_its_page_offers_the_file(org, users, client_for, register):
    client = client_for(users.officer)

    response = client.get(url(org, "pdf", status="in_treatment"))

    job = Job.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse(
        "core:job_detail", kwargs={"org": org.slug, "pk": job.pk}
    )
    assert job.kind == "risk_register_pdf"
    assert job.params == {"filters": {"status": ["in_treatment"]}}
    assert job.created_by == users.officer and job.organization == org


def test_the_pdf_job_writes_the_register_with_both_heatmaps(
    org, users, client_for, register, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path / "media"
    client = client_for(users.officer)
    client.get(url(org, "pdf"))
    job = Job.objects.get()

    run_job(job.pk, risk_register_pdf_run)

    job.refresh_from_db()
    assert job.status == JobStatus.SUCCEEDED, job.error
    assert job.result == {"rows": 2}
    assert job.result_file.name.endswith(".pdf")
    page = client.get(reverse("core:job_detail", kwargs={"org": org.slug, "pk": job.pk}))
    download_url = reverse("core:job_download", kwargs={"org": org.slug, "pk": job.pk})
    assert page.status_code == 200 and download_url in page.content.decode()
    download = client.get(download_url)
    assert download["Content-Disposition"].startswith("attachment")
    content = body(download)
    assert content.startswith(b"%PDF-")
    text = pdf_text(content)
    for expected in (
        "R-0001",
        "R-0002",
        "Biased ranking",
        "Data leak",
        "Page 1 of",
        "Acme Analytics",
    ):
        assert expected in text, expected
    # Each entry carries its description and its treatment actions, not only counts.
    flat = " ".join(text.split())
    assert "The model could produce harmful output." in flat  # the description
    first, _second = register
    for action in first.actions.all():
        assert f"{action.title} — {action.get_status_display()}" in flat
    # Each entry's parts sit on their own lines, the levels named.
    lines = [" ".join(line.split()) for line in text.splitlines()]
    assert any(line.startswith("R-0001 Biased ranking") for line in lines), lines
    assert "Inherent" in lines and "→ residual" in flat  # (the extractor splits at a span)
    assert "The model could produce harmful output." in lines
    # The heatmaps are drawn from the inline SVG, which WeasyPrint sets glyph by glyph
    # (spaces are not drawn): their titles and axis labels come through as text.
    drawn = text.replace("\n", "").replace(" ", "")
    for expected in ("Inherentrisk", "Residualrisk", "Almostcertain", "Severe", "Likelihood→"):
        assert expected in drawn, expected


def test_the_pdf_counts_no_opportunity_at_a_risk_level(
    org, users, client_for, register, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path / "media"
    factories.RiskFactory(
        organization=org, kind="opportunity", inherent_likelihood=5, inherent_impact=5
    )
    client = client_for(users.officer)
    client.get(url(org, "pdf"))
    job = Job.objects.get()
    run_job(job.pk, risk_register_pdf_run)
    job.refresh_from_db()
    assert job.status == JobStatus.SUCCEEDED, job.error
    download = client.get(reverse("core:job_download", kwargs={"org": org.slug, "pk": job.pk}))
    text = " ".join(pdf_text(body(download)).split())
    assert "of which 1 opportunity" in text
    # Data leak (5 × 5) is the one critical risk; the 5 × 5 opportunity is not counted.
    assert "Critical 1" in text and "Critical 2" not in text


def test_the_pdf_job_decides_visibility_for_its_creator(org, users, client_for, register):
    first, _second = register
    _control_engagement(org, users, first)
    client_for(users.auditor).get(url(org, "pdf"))
    job = Job.objects.get()

    run_job(job.pk, risk_register_pdf_run)

    job.refresh_from_db()
    assert job.result == {"rows": 1}
    with job.result_file.open("rb") as handle:
        text = pdf_text(handle.read())
    assert "R-0001" in text and "R-0002" not in text
