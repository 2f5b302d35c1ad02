"""Accepting a residual risk (within the threshold) needs the right to change the risk, for
every role, through the UI and the API; a refused attempt leaves the risk unaccepted."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests import factories
from tests.generic import ALL_ROLES, EDIT_ROLES


def _low_residual_risk(org, users):
    risk = factories.RiskFactory(
        organization=org,
        inherent_likelihood=5,
        inherent_impact=5,
        residual_likelihood=1,
        residual_impact=1,
    )
    # The auditor sees it through an engagement over the whole AIMS, and may not accept it.
    factories.engage(org, users.auditor, whole_aims=True)
    return risk


def _user(users, role):
    return None if role == "anonymous" else users[role]


@pytest.mark.parametrize("role", ALL_ROLES)
def test_it_lets_only_editors_accept_in_the_api(role, org, users, api_client_for):
    risk = _low_residual_risk(org, users)
    response = api_client_for(_user(users, role)).post(
        f"/api/v1/risks/{risk.pk}/accept/", {"rationale": "Low and watched."}, format="json"
    )
    expected = {"anonymous": 401, "outsider": 404}.get(role, 200 if role in EDIT_ROLES else 403)
    assert response.status_code == expected, response.content
    risk.refresh_from_db()
    assert (risk.accepted_by_id is not None) == (expected == 200)


@pytest.mark.parametrize("role", ALL_ROLES)
def test_it_lets_only_editors_accept_in_the_ui(role, org, users, client_for):
    risk = _low_residual_risk(org, users)
    url = reverse("risks:risk_accept", kwargs={"org": org.slug, "pk": risk.pk})
    response = client_for(_user(users, role)).post(url, {"acceptance_rationale": "Low."})
    expected = {"anonymous": 302, "outsider": 404}.get(role, 302 if role in EDIT_ROLES else 403)
    assert response.status_code == expected
    risk.refresh_from_db()
    assert (risk.accepted_by_id is not None) == (role in EDIT_ROLES)
