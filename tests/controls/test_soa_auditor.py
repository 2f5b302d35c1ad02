"""An auditor never mistakes the live SoA for the approved one, and a limited engagement's
SoA lists its controls only, on the page and in the exports."""

from __future__ import annotations

import html

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from controls.models import ControlImplementation
from controls.services import controls_ensure_for
from tests import factories
from tests.reports.factories import approved_soa, body, read_xlsx
from tests.reports.pdftext import pdf_text

NOT_YET = "Live SoA — not approved; no approved version yet."
SCOPE_ONLY = "Only the controls in this engagement's scope are listed"


@pytest.fixture
def soa_org(catalog, org):
    controls_ensure_for(organization=org)
    return org


@pytest.fixture
def reviewer(org):
    user = factories.UserFactory(email="officer2@acme.test", full_name="Second Officer")
    factories.MembershipFactory(organization=org, user=user, role="officer")
    return user


def _get(client, name, org, **kwargs):
    response = client.get(reverse(name, kwargs={"org": org.slug, **kwargs}))
    return response, html.unescape(response.content.decode())


def _approved_marking(version) -> str:
    day = date_format(timezone.localtime(version.approved_at), "j M Y")
    return f"Live SoA — not approved; the approved version is v{version.number} of {day}."


def _export_summary(client, org, fmt="xlsx") -> dict:
    path = reverse("reports:soa_export", kwargs={"org": org.slug})
    workbook = read_xlsx(body(client.get(f"{path}?format={fmt}")))
    return dict(workbook["Summary"].iter_rows(min_row=2, values_only=True))


def test_an_auditor_reads_the_live_soa_as_not_approved(soa_org, users, client_for):
    factories.engage(soa_org, users.auditor, whole_aims=True)
    response, text = _get(client_for(users.auditor), "controls:soa", soa_org)
    assert response.status_code == 200
    assert NOT_YET in text
    assert (
        response.context["row_count"]
        == ControlImplementation.objects.filter(organization=soa_org).count()
    )
    assert SCOPE_ONLY not in text


def test_once_approved_the_marking_names_the_version_and_its_date(
    soa_org, users, reviewer, client_for
):
    version = approved_soa(soa_org, author=users.officer, approver=reviewer)
    factories.engage(soa_org, users.auditor, whole_aims=True)
    client = client_for(users.auditor)
    _response, text = _get(client, "controls:soa", soa_org)
    assert _approved_marking(version) in text and NOT_YET not in text
    assert f"Open the approved v{version.number}" in text
    day = date_format(timezone.localtime(version.approved_at), "j M Y")
    in_force = f"The approved version in force is v{version.number} of {day}."
    response, text = _get(client, "controls:soa_version_list", soa_org)
    assert in_force in text and "is a working copy, not approved." in text
    response, text = _get(client, "controls:soa_version", soa_org, pk=version.pk)
    assert response.status_code == 200 and in_force in text


def test_officers_keep_their_pages_without_the_auditors_marking(
    soa_org, users, reviewer, client_for
):
    approved_soa(soa_org, author=users.officer, approver=reviewer)
    factories.engage(soa_org, users.auditor, whole_aims=True)
    client = client_for(users.officer)
    for name in ("controls:soa", "controls:soa_version_list"):
        _response, text = _get(client, name, soa_org)
        assert "Live SoA — not approved" not in text
        assert "live-soa-note" not in text


def test_a_limited_engagement_lists_only_its_controls(soa_org, users, client_for):
    chosen = list(
        ControlImplementation.objects.filter(organization=soa_org, ref__in=["A.2.2", "A.5.2"])
    )
    factories.engage(soa_org, users.auditor, controls=chosen)
    response, text = _get(client_for(users.auditor), "controls:soa", soa_org)
    assert response.context["row_count"] == 2
    assert response.context["summary"]["total"] == 2
    listed = {row.control.pk for group in response.context["groups"] for row in group.rows}
    assert listed == {c.pk for c in chosen}
    assert SCOPE_ONLY in text and NOT_YET in text


def test_the_live_export_carries_the_marking(soa_org, users, reviewer, client_for):
    chosen = list(ControlImplementation.objects.filter(organization=soa_org, ref="A.2.2"))
    factories.engage(soa_org, users.auditor, controls=chosen)
    client = client_for(users.auditor)
    summary = _export_summary(client, soa_org)
    assert summary["Controls"] == 1
    assert summary["Approved version"] == NOT_YET
    assert summary["Coverage"].startswith(SCOPE_ONLY)
    version = approved_soa(soa_org, author=users.officer, approver=reviewer)
    path = reverse("reports:soa_export", kwargs={"org": soa_org.slug})
    text = " ".join(pdf_text(body(client.get(f"{path}?format=pdf"))).split())
    assert _approved_marking(version) in text
    assert SCOPE_ONLY in text
    officer = _export_summary(client_for(users.officer), soa_org)
    assert officer["Approved version"] == _approved_marking(version)
    assert "Coverage" not in officer


def test_after_the_window_the_soa_shows_nothing_and_versions_answer_404(
    soa_org, users, reviewer, client_for
):
    version = approved_soa(soa_org, author=users.officer, approver=reviewer)
    chosen = ControlImplementation.objects.get(organization=soa_org, ref="A.2.2")
    factories.engage(soa_org, users.auditor, controls=[chosen], starts_in_days=-20, ends_in_days=-1)
    client = client_for(users.auditor)
    response, text = _get(client, "controls:soa", soa_org)
    assert response.context["row_count"] == 0
    assert "No control in this engagement's scope." in text
    assert _get(client, "controls:soa_version", soa_org, pk=version.pk)[0].status_code == 404
    detail = _get(client, "controls:implementation_detail", soa_org, pk=chosen.pk)[0]
    assert detail.status_code == 404
