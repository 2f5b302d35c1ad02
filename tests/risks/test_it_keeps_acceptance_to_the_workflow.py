""" "Accepted and monitored" follows from a recorded acceptance (risk_accept), never from
picking the status; a risk with open treatment actions cannot be closed."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse

from aims.core.api import etag_for
from risks.forms import RiskForm
from risks.models import Risk
from risks.services import risk_accept, risk_acceptance_withdraw
from tests import factories


def _high_residual(org):
    return factories.RiskFactory(
        organization=org,
        status="assessed",
        inherent_likelihood=5,
        inherent_impact=5,
        residual_likelihood=4,
        residual_impact=5,
    )


def _patch(api, risk, data):
    return api.patch(f"/api/v1/risks/{risk.pk}/", data, format="json", HTTP_IF_MATCH=etag_for(risk))


def test_the_api_refuses_to_mark_a_risk_accepted_without_an_acceptance(org, users, api_client_for):
    risk = _high_residual(org)
    response = _patch(api_client_for(users.officer), risk, {"status": "monitored"})
    assert response.status_code == 400, response.content
    assert "Accept risk" in response.json()["status"][0]
    risk.refresh_from_db()
    assert (risk.status, risk.accepted_by_id) == ("assessed", None)


def test_the_form_does_not_offer_the_accepted_status_and_refuses_it_posted(org, users):
    risk = _high_residual(org)
    form = RiskForm(instance=risk, organization=org, user=users.officer)
    assert "monitored" not in [value for value, _label in form.fields["status"].choices]
    risk.status = "monitored"
    with pytest.raises(ValidationError) as refused:
        risk.full_clean()
    assert "status" in refused.value.message_dict


def test_the_database_refuses_an_accepted_status_without_an_acceptance(org):
    risk = _high_residual(org)
    with pytest.raises(IntegrityError), transaction.atomic():
        Risk.objects.filter(pk=risk.pk).update(status="monitored")


def test_an_accepted_risk_keeps_its_status_until_the_acceptance_is_withdrawn(
    org, users, api_client_for
):
    risk = factories.RiskFactory(
        organization=org, status="assessed", residual_likelihood=1, residual_impact=1
    )
    risk = risk_accept(risk=risk, user=users.officer, rationale="Low and watched.")
    assert risk.status == "monitored"
    form = RiskForm(instance=risk, organization=org, user=users.officer)
    assert "monitored" in [value for value, _label in form.fields["status"].choices]
    response = _patch(api_client_for(users.officer), risk, {"status": "in_treatment"})
    assert response.status_code == 400
    assert "withdraw the acceptance" in response.json()["status"][0]
    risk = risk_acceptance_withdraw(risk=risk, user=users.officer)
    assert (risk.status, risk.accepted_by_id) == ("assessed", None)


def test_a_risk_with_open_treatment_actions_cannot_be_closed(org, users, api_client_for):
    risk = _high_residual(org)
    action = factories.TreatmentActionFactory(risk=risk, status="in_progress")
    api = api_client_for(users.officer)
    response = _patch(api, risk, {"status": "closed"})
    assert response.status_code == 400
    assert "1 treatment action is still open" in response.json()["status"][0]
    risk.refresh_from_db()
    assert risk.status == "assessed"
    action.status = "cancelled"
    action.save()
    risk.refresh_from_db()
    response = _patch(api, risk, {"status": "closed"})
    assert response.status_code == 200, response.content


def test_the_edit_page_says_how_to_accept(org, users, client_for):
    risk = _high_residual(org)
    url = reverse("risks:risk_edit", kwargs={"org": org.slug, "pk": risk.pk})
    page = client_for(users.officer).get(url).content.decode()
    assert "use Accept risk on the risk&#x27;s page" in page or "Accept risk on the risk" in page
    assert 'value="monitored"' not in page
