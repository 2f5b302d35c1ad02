"""Changing the criteria saves a new current version; risks keep theirs until re-scored."""

from __future__ import annotations

from django.urls import reverse

from risks.models import Risk, RiskCriteria
from risks.services import risk_criteria_revise
from tests import factories
from tests.risks.factories import CUSTOM_3X4, criteria_post_data


def _url(name, org, **kwargs):
    return reverse(f"risks:{name}", kwargs={"org": org.slug, **kwargs})


def test_it_saves_a_new_current_version_from_the_form(org, users, client_for):
    old = factories.criteria_for(org)
    risk = factories.RiskFactory(organization=org)
    client = client_for(users.officer)
    page = client.get(_url("criteria_edit", org))
    assert page.status_code == 200
    assert "low | Low | #2e7d32" in page.context["form"].initial["bands"]
    data = criteria_post_data(CUSTOM_3X4, acceptance_approver=users.admin.pk)
    response = client.post(_url("criteria_edit", org), data)
    assert response.status_code == 302
    new = RiskCriteria.objects.get(organization=org, is_current=True)
    assert new.number == 2 and new.created_by == users.officer
    assert new.matrix == CUSTOM_3X4["matrix"]
    assert new.acceptance_approver == users.admin
    old.refresh_from_db()
    assert not old.is_current
    assert old.likelihood_count == 5  # the earlier version is unchanged
    risk.refresh_from_db()
    assert risk.criteria_id == old.pk and risk.rescore_offered


def test_it_shows_current_and_earlier_versions(org, users, client_for):
    factories.criteria_for(org)
    risk_criteria_revise(organization=org, user=users.admin, change_summary="3 × 4", **CUSTOM_3X4)
    client = client_for(users.viewer)
    current = client.get(_url("criteria", org))
    html = current.content.decode()
    assert current.context["criteria"].number == 2
    assert "Sometimes" in html and "Amber" in html and "#b7791f" in html
    assert "Change criteria" not in html  # viewers read, officers change
    earlier = client.get(_url("criteria", org) + "?version=1")
    assert earlier.context["criteria"].number == 1
    assert "Almost certain" in earlier.content.decode()
    assert client.get(_url("criteria", org) + "?version=9").status_code == 404
    assert client.get(_url("criteria_edit", org)).status_code == 403
    assert client_for(users.contributor).get(_url("criteria_edit", org)).status_code == 403


def test_it_refuses_bad_criteria_with_field_messages(org, users, client_for):
    factories.criteria_for(org)
    client = client_for(users.admin)
    cases = {
        "likelihood_levels": "Only one\nAnd two",
        "bands": "low | Low\nhigh | High | #c2410c",
        "matrix": "green green\ngreen",
        "acceptance_band": "purple",
        "change_summary": "",
    }
    for field, value in cases.items():
        data = criteria_post_data(CUSTOM_3X4, **{field: value})
        response = client.post(_url("criteria_edit", org), data)
        assert response.status_code == 400, field
        assert response.context["form"].errors.get(field), (field, response.context["form"].errors)
    assert RiskCriteria.objects.filter(organization=org).count() == 1


def test_it_refuses_bad_criteria_json_in_the_api(org, users, api_client_for):
    factories.criteria_for(org)
    client = api_client_for(users.admin)
    payload = {"organization": org.pk, **CUSTOM_3X4, "change_summary": "x"}
    bad = {**payload, "matrix": [["green", "green"], ["green"]]}
    response = client.post("/api/v1/risk-criteria/", bad, format="json")
    assert response.status_code == 400
    assert "matrix" in response.json()
    bad = {**payload, "bands": [{"key": "Bad Key", "label": "x", "colour": "red"}]}
    response = client.post("/api/v1/risk-criteria/", bad, format="json")
    assert response.status_code == 400 and "bands" in response.json()
    assert RiskCriteria.objects.filter(organization=org).count() == 1
    ok = client.post("/api/v1/risk-criteria/", payload, format="json")
    assert ok.status_code == 201, ok.content
    assert ok.json()["number"] == 2 and ok.json()["is_current"]
    assert client.patch(f"/api/v1/risk-criteria/{ok.json()['id']}/", {}).status_code == 405


def test_it_offers_a_rescore_that_uses_the_current_criteria(org, users, client_for):
    risk = factories.RiskFactory(organization=org, inherent_likelihood=5, inherent_impact=5)
    risk_criteria_revise(organization=org, user=users.admin, change_summary="3 × 4", **CUSTOM_3X4)
    client = client_for(users.officer)
    listing = client.get(_url("risk_list", org))
    assert "re-score offered" in listing.content.decode()
    assert "re-score offered" in client.get(risk.get_absolute_url()).content.decode()
    form = client.get(_url("risk_rescore", org, pk=risk.pk))
    assert form.status_code == 200
    assert form.context["form"].initial["inherent_likelihood"] == 3  # clipped to the new scale
    response = client.post(
        _url("risk_rescore", org, pk=risk.pk), {"inherent_likelihood": 3, "inherent_impact": 4}
    )
    assert response.status_code == 302
    risk.refresh_from_db()
    assert risk.criteria.number == 2 and not risk.rescore_offered
    assert (risk.inherent_level, risk.inherent_score) == ("red", 12)
    assert "re-score offered" not in client.get(_url("risk_list", org)).content.decode()


def test_it_refuses_a_rescore_outside_the_new_scale(org, users, client_for):
    risk = factories.RiskFactory(organization=org)
    risk_criteria_revise(organization=org, user=users.admin, change_summary="3 × 4", **CUSTOM_3X4)
    response = client_for(users.officer).post(
        _url("risk_rescore", org, pk=risk.pk), {"inherent_likelihood": 5, "inherent_impact": 4}
    )
    assert response.status_code == 400
    assert response.context["form"].errors["inherent_likelihood"]
    assert Risk.objects.get(pk=risk.pk).criteria.number == 1
    assert (
        client_for(users.viewer)
        .post(_url("risk_rescore", org, pk=risk.pk), {"inherent_likelihood": 1})
        .status_code
        == 403
    )


def test_it_rescores_through_the_api(org, users, api_client_for):
    risk = factories.RiskFactory(organization=org, inherent_likelihood=5, inherent_impact=5)
    risk_criteria_revise(organization=org, user=users.admin, change_summary="3 × 4", **CUSTOM_3X4)
    client = api_client_for(users.officer)
    before = client.get(f"/api/v1/risks/{risk.pk}/").json()
    assert before["rescore_offered"] and before["criteria_version"] == 1
    url = f"/api/v1/risks/{risk.pk}/rescore/"
    bad = client.post(url, {"inherent_likelihood": 5, "inherent_impact": 4}, format="json")
    assert bad.status_code == 400 and "inherent_likelihood" in bad.json()
    ok = client.post(url, {"inherent_likelihood": 1, "inherent_impact": 4}, format="json")
    assert ok.status_code == 200, ok.content
    body = ok.json()
    assert body["criteria_version"] == 2 and not body["rescore_offered"]
    assert (body["inherent_level"], body["inherent_score"]) == ("amber", 4)
