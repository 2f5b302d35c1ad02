"""What the readiness tests share: an organisation with its SoA rows, a second officer to
approve what the first prepared, and the readiness page read as clause rows."""

from __future__ import annotations

import pytest
from django.urls import reverse

from controls.services import controls_ensure_for
from tests import factories


@pytest.fixture
def ready_org(catalog, org):
    controls_ensure_for(organization=org)
    return org


@pytest.fixture
def reviewer(org):
    user = factories.UserFactory(email="officer2@acme.test", full_name="Second Officer")
    factories.MembershipFactory(organization=org, user=user, role="officer")
    return user


def readiness_page(client, org):
    response = client.get(reverse("readiness:readiness", kwargs={"org": org.slug}))
    assert response.status_code == 200
    return response


def readiness_rows(client, org) -> dict:
    """The page's clause rows by clause reference."""
    return {row.requirement.ref: row for row in readiness_page(client, org).context["clauses"]}
