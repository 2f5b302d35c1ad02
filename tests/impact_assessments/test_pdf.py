"""The PDF of one impact assessment version: what it holds, and who may download it."""

from __future__ import annotations

import pytest
from django.urls import reverse

from controls.models import ControlImplementation
from engagements.models import AccessKind, AuditorAccess
from impact_assessments.models import ImpactAssessment
from tests import factories
from tests.impact_assessments.test_assessment_workflow import COMPLETE
from tests.reports.factories import body
from tests.reports.pdftext import pdf_text

pytestmark = pytest.mark.django_db


def pdf_url(org, version):
    return reverse("impact_assessments:assessment_pdf", kwargs={"org": org.slug, "pk": version.pk})


def _flat(text: str) -> str:
    """The PDF's lines joined: a long paragraph wraps over several text operations."""
    return " ".join(" ".join(text.split("\n")).split())


def test_the_pdf_holds_the_approval_every_section_the_parties_and_the_harm(
    org, users, series, client_for
):
    harm = series.v1.impacts.get()
    risk = factories.RiskFactory(organization=org, title="Biased refusals")
    control = ControlImplementation.objects.create(
        organization=org, ref="ORG-7", title="Fairness review"
    )
    ImpactAssessment.objects.filter(pk=series.v1.pk).update(
        review_needed=True, review_reason="A new data set was added."
    )
    harm.risks.through.objects.create(impact_id=harm.pk, risk_id=risk.pk)  # v1 is frozen
    harm.controls.through.objects.create(impact_id=harm.pk, controlimplementation_id=control.pk)

    response = client_for(users.viewer).get(pdf_url(org, series.v1))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == (
        'attachment; filename="impact-assessment-acme-credit-scoring-v1.pdf"'
    )
    content = body(response)
    assert content.startswith(b"%PDF-")
    text = _flat(pdf_text(content))
    assert "Credit scoring, version 1 (Approved)" in text
    assert "AI system impact assessment" in text
    assert "Acme Officer" in text and "Acme Admin" in text  # author, approver
    assert "Fine for launch." in text
    assert "Review needed: A new data set was added." in text
    for section in ("Scope of the assessment", "Human oversight", "Conclusion"):
        assert section in text, section
    for value in COMPLETE.values():
        assert _flat(value) in text, value
    assert "Users and affected people" in text and "Underwriters" in text
    assert "Some postcodes are refused more often." in text
    assert "Quarterly fairness review." in text
    assert f"{risk.reference} Biased refusals" in text
    assert "ORG-7 Fairness review" in text
    assert "generated" in text.lower()


def test_a_draft_pdf_says_it_is_not_approved(org, users, series, client_for):
    text = _flat(pdf_text(body(client_for(users.officer).get(pdf_url(org, series.v2)))))
    assert "Version 2 is draft: not yet approved." in text
    assert "Some postcodes are refused more often." in text  # the parts were carried over


def test_only_readers_in_scope_may_download_it(org, users, series, client_for):
    assert client_for(users.outsider).get(pdf_url(org, series.v1)).status_code == 404
    factories.engage(org, users.auditor, systems=[factories.AISystemFactory(organization=org)])
    assert client_for(users.auditor).get(pdf_url(org, series.v1)).status_code == 404
    factories.engage(org, users.auditor, systems=[series.system], name="Second audit")
    auditor = client_for(users.auditor)
    assert auditor.get(pdf_url(org, series.v1)).status_code == 200
    assert auditor.get(pdf_url(org, series.v2)).status_code == 404  # a draft
    # The engagement's access log records the download.
    assert AuditorAccess.objects.filter(
        user=users.auditor, kind=AccessKind.DOWNLOAD, path=pdf_url(org, series.v1), status=200
    ).exists()


def test_the_detail_page_offers_the_download(org, users, series, client_for):
    page = client_for(users.viewer).get(series.v1.get_absolute_url()).content.decode()
    assert f'href="{pdf_url(org, series.v1)}"' in page and "Download PDF" in page
