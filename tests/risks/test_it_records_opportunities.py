"""Opportunities are recorded beside risks (kind = opportunity): filtered in the register
and the API through the one filter set, worded as opportunities, and never counted among
the risks in heatmaps or assessment summaries."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from risks.heatmap import heatmap_counts
from risks.models import Risk
from risks.services import risk_accept, risk_assessment_approve, risk_criteria_revise
from tests import factories

pytestmark = pytest.mark.django_db


def _entries(org):
    risk = factories.RiskFactory(organization=org, title="Model drift", status="assessed")
    chance = factories.RiskFactory(
        organization=org,
        kind="opportunity",
        title="Faster claims for customers",
        inherent_likelihood=5,
        inherent_impact=5,
        status="assessed",
    )
    return risk, chance


def test_the_register_filters_by_kind(org, users, client_for, api_client_for):
    risk, chance = _entries(org)
    url = reverse("risks:risk_list", kwargs={"org": org.slug})
    client = client_for(users.viewer)
    page = client.get(url)
    html = page.content.decode()
    assert 'name="kind"' in html  # in the filter bar
    assert "Faster claims for customers" in html and ">opportunity<" in html
    only = client.get(url, {"kind": "opportunity"})
    assert [r.pk for r in only.context["page_obj"]] == [chance.pk]
    assert [r.pk for r in client.get(url, {"kind": "risk"}).context["page_obj"]] == [risk.pk]

    api = api_client_for(users.viewer)
    listed = api.get("/api/v1/risks/", {"organization": org.pk, "kind": "opportunity"})
    assert [r["id"] for r in listed.json()["results"]] == [chance.pk]
    assert listed.json()["results"][0]["kind"] == "opportunity"
    bad = api.get("/api/v1/risks/", {"organization": org.pk, "kind": "windfall"})
    assert bad.status_code == 400 and "kind" in bad.json()


def test_heatmaps_count_risks_only(org, users, client_for):
    _entries(org)
    assert heatmap_counts(Risk.objects.filter(organization=org), "inherent") == {(3, 4): 1}
    html = (
        client_for(users.viewer)
        .get(reverse("risks:risk_list", kwargs={"org": org.slug}))
        .content.decode()
    )
    assert "inherent_likelihood=3&amp;inherent_impact=4" in html
    assert "inherent_likelihood=5&amp;inherent_impact=5" not in html  # the opportunity's cell


def test_the_pages_speak_of_an_opportunity(org, users, client_for):
    _risk, chance = _entries(org)
    client = client_for(users.officer)
    page = client.get(chance.get_absolute_url()).content.decode()
    assert "Opportunity" in page and "The opportunity" in page
    assert "Accept residual risk" not in page
    add = client.get(reverse("risks:risk_add", kwargs={"org": org.slug}), {"kind": "opportunity"})
    assert "New opportunity" in add.content.decode()
    assert add.context["form"]["kind"].value() == "opportunity"


def test_an_opportunity_is_not_accepted(org, users, api_client_for):
    _risk, chance = _entries(org)
    chance.residual_likelihood, chance.residual_impact = 1, 1
    chance.save()
    with pytest.raises(ValidationError) as refused:
        risk_accept(risk=chance, user=users.admin, rationale="Fine.")
    assert "kind" in refused.value.message_dict
    response = api_client_for(users.admin).post(
        f"/api/v1/risks/{chance.pk}/accept/", {"rationale": "Fine."}, format="json"
    )
    assert response.status_code == 400 and "kind" in response.json()
    chance.refresh_from_db()
    assert chance.accepted_by_id is None


def test_an_accepted_risk_does_not_become_an_opportunity(org, users, api_client_for):
    risk = factories.RiskFactory(
        organization=org, residual_likelihood=1, residual_impact=1, status="assessed"
    )
    risk_accept(risk=risk, user=users.admin, rationale="Within appetite.")
    response = api_client_for(users.admin).patch(
        f"/api/v1/risks/{risk.pk}/", {"kind": "opportunity"}, format="json"
    )
    assert response.status_code == 400 and "kind" in response.json()
    risk.refresh_from_db()
    assert risk.kind == "risk"


def test_assessment_summaries_count_opportunities_apart(org, users, client_for):
    _risk, _chance = _entries(org)
    assessment = risk_assessment_approve(
        assessment=factories.RiskAssessmentFactory(organization=org), user=users.admin
    )
    summary = assessment.summary
    assert summary["risks"] == 1 and summary["opportunities"] == 1
    assert summary["open_by_level"] == {"low": 0, "medium": 0, "high": 1, "critical": 0}
    kinds = {row["title"]: row["kind"] for row in assessment.snapshot["risks"]}
    assert kinds == {"Model drift": "risk", "Faster claims for customers": "opportunity"}
    page = client_for(users.viewer).get(assessment.get_absolute_url()).content.decode()
    assert "1 opportunity" in page


def test_summaries_count_levels_by_the_version_each_risk_was_scored_with(org, users, client_for):
    """A risk scored before a band was renamed keeps its band in the summary, with that
    version's label, beside the current version's bands."""
    kept = factories.RiskFactory(organization=org, status="assessed")  # 3 × 4: "high"
    current = factories.criteria_for(org)
    renamed = [
        {**band, "key": "serious", "label": "Serious"} if band["key"] == "high" else band
        for band in current.bands
    ]
    matrix = [["serious" if cell == "high" else cell for cell in row] for row in current.matrix]
    risk_criteria_revise(
        organization=org,
        user=users.admin,
        bands=renamed,
        matrix=matrix,
        change_summary="High is now called serious.",
    )
    factories.RiskFactory(organization=org, status="assessed", inherent_likelihood=4)  # serious
    assessment = risk_assessment_approve(
        assessment=factories.RiskAssessmentFactory(organization=org), user=users.admin
    )
    levels = assessment.summary["open_by_level"]
    assert levels["high"] == 1 and levels["serious"] == 1
    assert sum(levels.values()) == 2  # no risk drops out
    assert assessment.summary["bands"]["high"]["label"] == "High"
    page = client_for(users.viewer).get(assessment.get_absolute_url())
    rows = {band["label"]: n for band, n in page.context["summary_rows"]}
    assert rows["High"] == 1 and rows["Serious"] == 1
    assert kept.reference in str(assessment.snapshot)
