"""The risk method: each consequence (organisation, individuals, society) is scored on the
criteria's impact scale and the inherent impact follows from them (the worst, unless the
criteria say the organisation's only); a client that scores the impact directly still works."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from risks.models import Risk
from risks.services import risk_criteria_revise, risk_rescore
from tests import factories

pytestmark = pytest.mark.django_db

LIST = "/api/v1/risks/"


def _payload(org, **extra):
    factories.criteria_for(org)
    return {
        "organization": org.pk,
        "title": "Chatbot invents refund rules",
        "description": "The assistant states refund terms that do not exist.",
        "inherent_likelihood": 3,
        **extra,
    }


def test_the_inherent_impact_is_the_worst_consequence(org, users, api_client_for):
    api = api_client_for(users.officer)
    response = api.post(
        LIST,
        _payload(org, impact_organization=2, impact_individuals=4, impact_society=1),
        format="json",
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["inherent_impact"] == 4
    assert (body["impact_organization"], body["impact_individuals"], body["impact_society"]) == (
        2,
        4,
        1,
    )
    # Likelihood 3 × impact 4 on the default matrix.
    assert body["inherent_level"] == "high" and body["inherent_score"] == 12
    # Two of three scored: the worst of those given.
    two = api.post(LIST, _payload(org, impact_organization=5, impact_society=2), format="json")
    assert two.status_code == 201 and two.json()["inherent_impact"] == 5


def test_a_client_that_scores_only_the_impact_still_works(org, users, api_client_for):
    api = api_client_for(users.officer)
    response = api.post(LIST, _payload(org, inherent_impact=2), format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["inherent_impact"] == 2 and body["impact_organization"] is None
    assert body["kind"] == "risk"
    patched = api.patch(f"{LIST}{body['id']}/", {"inherent_impact": 5}, format="json")
    assert patched.status_code == 200 and patched.json()["inherent_impact"] == 5


def test_it_refuses_an_impact_that_contradicts_the_consequences(org, users, api_client_for):
    api = api_client_for(users.officer)
    before = Risk.objects.count()
    response = api.post(
        LIST, _payload(org, inherent_impact=1, impact_organization=4), format="json"
    )
    assert response.status_code == 400
    assert "consequence scores" in response.json()["inherent_impact"][0]
    assert Risk.objects.count() == before
    missing = api.post(LIST, _payload(org), format="json")
    assert missing.status_code == 400 and "inherent_impact" in missing.json()
    assert Risk.objects.count() == before


def test_a_changed_consequence_moves_the_impact_and_an_echo_is_ignored(org, users, api_client_for):
    api = api_client_for(users.officer)
    created = api.post(
        LIST, _payload(org, impact_organization=2, impact_individuals=3), format="json"
    ).json()
    url = f"{LIST}{created['id']}/"
    # A PATCH of one score moves the impact.
    moved = api.patch(url, {"impact_individuals": 5}, format="json")
    assert moved.status_code == 200 and moved.json()["inherent_impact"] == 5
    # A client that reads the risk and writes it back with a new score sends the old impact.
    echoed = api.patch(url, {"impact_individuals": 1, "inherent_impact": 5}, format="json")
    assert echoed.status_code == 200, echoed.json()
    assert echoed.json()["inherent_impact"] == 2
    # A new impact that the scores do not give is refused, nothing saved.
    refused = api.patch(url, {"inherent_impact": 4}, format="json")
    assert refused.status_code == 400 and "inherent_impact" in refused.json()
    assert Risk.objects.get(pk=created["id"]).inherent_impact == 2
    # Clearing the scores hands the impact back to the client.
    cleared = api.patch(
        url,
        {"impact_organization": None, "impact_individuals": None, "inherent_impact": 4},
        format="json",
    )
    assert cleared.status_code == 200 and cleared.json()["inherent_impact"] == 4


def test_a_consequence_outside_the_scale_is_refused_by_name(org, users, api_client_for):
    api = api_client_for(users.officer)
    response = api.post(LIST, _payload(org, impact_society=6), format="json")
    assert response.status_code == 400
    assert "impact_society" in response.json()
    assert not Risk.objects.filter(title="Chatbot invents refund rules").exists()


def test_criteria_can_take_the_organisation_s_consequences_only(org, users, api_client_for):
    current = factories.criteria_for(org)
    risk_criteria_revise(
        organization=org,
        user=users.admin,
        impact_rule="organization",
        change_summary="Impact is judged for the organisation.",
    )
    assert current.impact_rule == "worst"
    response = api_client_for(users.officer).post(
        LIST, _payload(org, impact_organization=2, impact_individuals=5), format="json"
    )
    assert response.status_code == 201, response.json()
    assert response.json()["inherent_impact"] == 2
    criteria = api_client_for(users.viewer).get(
        "/api/v1/risk-criteria/", {"organization": org.pk, "is_current": True}
    )
    assert criteria.json()["results"][0]["impact_rule"] == "organization"


def test_a_bad_impact_rule_is_refused_by_name(org, users):
    factories.criteria_for(org)
    with pytest.raises(ValidationError) as refused:
        risk_criteria_revise(
            organization=org, user=users.admin, impact_rule="loudest", change_summary="x"
        )
    assert "impact_rule" in refused.value.message_dict


def test_the_form_scores_the_consequences(org, users, client_for):
    factories.criteria_for(org)
    client = client_for(users.officer)
    url = reverse("risks:risk_add", kwargs={"org": org.slug})
    form = client.get(url).content.decode()
    assert 'name="impact_organization"' in form and 'name="impact_society"' in form
    data = {
        "title": "Triage model misses rare conditions",
        "description": "Rare presentations are ranked low.",
        "consequences_organization": "Liability claims.",
        "impact_organization": 3,
        "consequences_individuals": "Delayed treatment.",
        "impact_individuals": 5,
        "consequences_society": "Less trust in triage.",
        "impact_society": 2,
        "inherent_likelihood": 2,
        "inherent_impact": "",
        "status": "identified",
        "review_interval_months": 12,
    }
    response = client.post(url, data)
    assert response.status_code == 302, response.context["form"].errors
    risk = Risk.objects.get(title="Triage model misses rare conditions")
    assert (risk.inherent_impact, risk.impact_individuals, risk.kind) == (5, 5, "risk")
    assert risk.consequences_society == "Less trust in triage."

    refused = client.post(url, {**data, "title": "Another", "inherent_impact": 1})
    assert refused.status_code == 400
    assert "inherent_impact" in refused.context["form"].errors
    assert not Risk.objects.filter(title="Another").exists()

    page = client.get(risk.get_absolute_url()).content.decode()
    assert "Delayed treatment." in page and "Less trust in triage." in page
    assert "impact 5 · Severe" in page and "impact 3 · Moderate" in page
    assert "the worst of the three consequences" in page


def test_the_register_shows_the_three_scores_in_the_impact_cell(org, users, client_for):
    factories.RiskFactory(
        organization=org, impact_organization=4, impact_individuals=2, impact_society=None
    )
    factories.RiskFactory(organization=org)
    page = client_for(users.viewer).get(reverse("risks:risk_list", kwargs={"org": org.slug}))
    html = page.content.decode()
    assert "Org 4 · Ind 2 · Soc —" in html
    assert "organisation: 4 Major; individuals: 2 Minor; society: —" in html


def test_rescoring_keeps_or_takes_the_consequence_scores(org, users):
    risk = factories.RiskFactory(organization=org, impact_organization=2, impact_individuals=3)
    assert risk.inherent_impact == 3
    risk = risk_rescore(risk=risk, user=users.officer, inherent_likelihood=2)
    assert (risk.inherent_impact, risk.impact_organization) == (3, 2)
    risk = risk_rescore(risk=risk, user=users.officer, inherent_likelihood=2, impact_society=5)
    assert risk.inherent_impact == 5
    with pytest.raises(ValidationError) as refused:
        risk_rescore(risk=risk, user=users.officer, inherent_likelihood=2, inherent_impact=1)
    assert "inherent_impact" in refused.value.message_dict


def test_rescoring_in_the_api_takes_consequence_scores(org, users, api_client_for):
    risk = factories.RiskFactory(organization=org)
    response = api_client_for(users.officer).post(
        f"{LIST}{risk.pk}/rescore/",
        {"inherent_likelihood": 2, "impact_organization": 1, "impact_society": 2},
        format="json",
    )
    assert response.status_code == 200, response.json()
    assert response.json()["inherent_impact"] == 2
