"""Bad input is refused with a message on the right field, and nothing is saved."""

from __future__ import annotations

import datetime

from django.urls import reverse
from django.utils import timezone

from risks.models import Risk
from risks.services import risk_criteria_revise
from tests import factories
from tests.risks.factories import CUSTOM_3X4

BASE = {
    "title": "Model drift",
    "description": "Accuracy falls over time.",
    "inherent_likelihood": 2,
    "inherent_impact": 2,
    "status": "assessed",
    "review_interval_months": 12,
}


def _add(org):
    return reverse("risks:risk_add", kwargs={"org": org.slug})


def test_it_refuses_scores_outside_the_scale_in_the_ui(org, users, client_for):
    risk_criteria_revise(organization=org, user=users.admin, change_summary="3 × 4", **CUSTOM_3X4)
    response = client_for(users.officer).post(_add(org), {**BASE, "inherent_likelihood": 5})
    assert response.status_code == 400
    assert response.context["form"].errors["inherent_likelihood"]
    assert response.context["form"]["title"].value() == "Model drift"  # nothing typed is lost
    assert not Risk.objects.exists()


def test_it_refuses_scores_outside_the_scale_in_the_api(org, users, api_client_for):
    risk_criteria_revise(organization=org, user=users.admin, change_summary="3 × 4", **CUSTOM_3X4)
    client = api_client_for(users.officer)
    payload = {"organization": org.pk, **BASE, "inherent_likelihood": 3, "inherent_impact": 5}
    response = client.post("/api/v1/risks/", payload, format="json")
    assert response.status_code == 400
    assert "inherent_impact" in response.json()
    response = client.post(
        "/api/v1/risks/", {**payload, "inherent_impact": 4, "residual_likelihood": 1}, format="json"
    )
    assert response.status_code == 400 and "residual_impact" in response.json()
    assert not Risk.objects.exists()
    ok = client.post("/api/v1/risks/", {**payload, "inherent_impact": 4}, format="json")
    assert ok.status_code == 201, ok.content
    body = ok.json()
    assert (body["inherent_level"], body["inherent_score"], body["reference"]) == (
        "red",
        12,
        "R-0001",
    )
    assert body["criteria_version"] == 2


def test_it_wants_a_reason_for_a_residual_above_the_inherent(org, users, client_for):
    client = client_for(users.officer)
    data = {**BASE, "residual_likelihood": 5, "residual_impact": 5}
    response = client.post(_add(org), data)
    assert response.status_code == 400
    assert response.context["form"].errors["residual_rationale"]
    assert not Risk.objects.exists()
    data["residual_rationale"] = "A new supplier model behaves worse than the old one."
    assert client.post(_add(org), data).status_code == 302
    assert Risk.objects.get().residual_level == "critical"


def test_it_wants_a_reason_in_the_api_too(org, users, api_client_for):
    risk = factories.RiskFactory(organization=org, inherent_likelihood=1, inherent_impact=1)
    response = api_client_for(users.officer).patch(
        f"/api/v1/risks/{risk.pk}/",
        {"residual_likelihood": 4, "residual_impact": 4},
        format="json",
    )
    assert response.status_code == 400
    assert "residual_rationale" in response.json()
    risk.refresh_from_db()
    assert risk.residual_likelihood is None


def _scored(org, owner, level=(4, 4)):
    return factories.RiskFactory(
        organization=org,
        owner=owner,
        inherent_likelihood=5,
        inherent_impact=5,
        residual_likelihood=level[0],
        residual_impact=level[1],
    )


def test_it_refuses_acceptance_above_the_threshold_by_others(org, users, client_for):
    risk_criteria_revise(
        organization=org,
        user=users.admin,
        change_summary="Name the approver",
        acceptance_approver=users.admin,
    )
    risk = _scored(org, users.contributor)  # residual high, threshold medium
    url = reverse("risks:risk_accept", kwargs={"org": org.slug, "pk": risk.pk})
    response = client_for(users.officer).post(url, {"acceptance_rationale": "We can live with it."})
    assert response.status_code == 400
    form = response.context["accept_form"]
    assert form["acceptance_rationale"].value() == "We can live with it."  # nothing typed is lost
    assert "above the acceptance threshold" in response.content.decode()
    assert "Only the designated approver (Acme Admin) may accept it." in response.content.decode()
    risk.refresh_from_db()
    assert risk.accepted_by is None and risk.status != "monitored"
    version = risk.version
    # The designated approver may.
    response = client_for(users.admin).post(
        url,
        {
            "acceptance_rationale": "Board accepts until the new model ships.",
            "acceptance_expires": (timezone.localdate() + datetime.timedelta(days=90)).isoformat(),
        },
    )
    assert response.status_code == 302
    risk.refresh_from_db()
    assert risk.accepted_by == users.admin and risk.status == "monitored"
    assert risk.version == version + 1
    # Withdrawing clears it again.
    withdraw = reverse("risks:risk_withdraw", kwargs={"org": org.slug, "pk": risk.pk})
    assert client_for(users.officer).post(withdraw).status_code == 302
    risk.refresh_from_db()
    assert risk.accepted_by is None


def test_it_lets_the_owner_accept_within_the_threshold(org, users, client_for):
    risk = _scored(org, users.contributor, level=(2, 2))  # residual low
    url = reverse("risks:risk_accept", kwargs={"org": org.slug, "pk": risk.pk})
    response = client_for(users.contributor).post(url, {"acceptance_rationale": "Low and watched."})
    assert response.status_code == 302
    risk.refresh_from_db()
    assert risk.accepted_by == users.contributor


def test_it_refuses_acceptance_without_a_reason_or_by_viewers(org, users, client_for):
    risk = _scored(org, None, level=(1, 1))
    url = reverse("risks:risk_accept", kwargs={"org": org.slug, "pk": risk.pk})
    response = client_for(users.officer).post(url, {"acceptance_rationale": ""})
    assert response.status_code == 400
    assert response.context["accept_form"].errors["acceptance_rationale"]
    assert client_for(users.viewer).post(url, {"acceptance_rationale": "x"}).status_code == 403
    risk.refresh_from_db()
    assert risk.accepted_by is None


def test_it_refuses_ai_systems_of_another_organisation(org, other_org, users, client_for):
    foreign = factories.AISystemFactory(organization=other_org)
    response = client_for(users.officer).post(_add(org), {**BASE, "ai_systems": [foreign.pk]})
    assert response.status_code == 400
    assert response.context["form"].errors["ai_systems"]
    assert not Risk.objects.exists()


def test_it_refuses_acceptance_above_the_threshold_in_the_api(org, users, api_client_for):
    risk_criteria_revise(
        organization=org,
        user=users.admin,
        change_summary="Name the approver",
        acceptance_approver=users.admin,
    )
    risk = _scored(org, users.contributor)
    url = f"/api/v1/risks/{risk.pk}/accept/"
    refused = api_client_for(users.officer).post(url, {"rationale": "Fine."}, format="json")
    assert refused.status_code == 403
    assert "above the acceptance threshold" in refused.json()["detail"]
    assert api_client_for(users.viewer).post(url, {"rationale": "x"}).status_code == 403
    assert api_client_for(users.officer).post(url, {}, format="json").status_code == 400
    risk.refresh_from_db()
    assert risk.accepted_by is None
    accepted = api_client_for(users.admin).post(
        url, {"rationale": "Board decision."}, format="json"
    )
    assert accepted.status_code == 200, accepted.content
    assert accepted.json()["accepted_by"] == users.admin.pk
    assert accepted.json()["status"] == "monitored"
    withdrawn = api_client_for(users.officer).post(f"/api/v1/risks/{risk.pk}/withdraw/")
    assert withdrawn.status_code == 200 and withdrawn.json()["accepted_by"] is None


def test_it_refuses_raising_an_accepted_risk_above_the_threshold(org, users, client_for):
    from risks.forms import RiskForm
    from risks.services import risk_accept
    from tests.generic import Ctx, form_data

    risk = _scored(org, users.contributor, level=(2, 2))
    risk_accept(risk=risk, user=users.contributor, rationale="Low and watched.")
    risk.refresh_from_db()
    changes = {"residual_likelihood": 4, "residual_impact": 4}
    data = form_data(RiskForm, risk, Ctx(org, None, users), users.officer, changes)
    url = reverse("risks:risk_edit", kwargs={"org": org.slug, "pk": risk.pk})
    response = client_for(users.officer).post(url, data)
    assert response.status_code == 400
    assert (
        "Withdraw the acceptance first" in response.context["form"].errors["residual_likelihood"][0]
    )
    risk.refresh_from_db()
    assert risk.residual_level == "low" and risk.accepted_by == users.contributor


def test_it_refuses_moving_a_risk_to_another_organisation(org, other_org, users, api_client_for):
    from aims.organizations.models import Membership

    Membership.objects.create(organization=other_org, user=users.admin, role="admin")
    risk = factories.RiskFactory(organization=org)
    response = api_client_for(users.admin).patch(
        f"/api/v1/risks/{risk.pk}/", {"organization": other_org.pk}, format="json"
    )
    assert response.status_code == 400 and "organization" in response.json()
    risk.refresh_from_db()
    assert risk.organization == org
