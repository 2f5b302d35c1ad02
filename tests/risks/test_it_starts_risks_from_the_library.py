"""The risk library covers Annex C and starts a pre-filled risk the user reviews."""

from __future__ import annotations

import pytest
from django.urls import reverse

from controls.models import Requirement
from risks.library import LIBRARY
from risks.models import Risk

pytestmark = pytest.mark.usefixtures("catalog")


def test_it_has_enough_items_with_valid_references():
    assert len(LIBRARY) >= 26
    assert len({item.code for item in LIBRARY}) == len(LIBRARY)
    refs = dict(Requirement.objects.filter(framework__code="iso42001").values_list("ref", "kind"))
    sources = {r for r, k in refs.items() if k == "annex_c_risk_source"}
    objectives = {r for r, k in refs.items() if k == "annex_c_objective"}
    for item in LIBRARY:
        assert item.title and item.description and item.category, item.code
        assert item.consequences_organization and item.consequences_individuals, item.code
        assert set(item.risk_sources) <= sources, item.code
        assert set(item.objectives) <= objectives, item.code
        assert item.controls and all(refs.get(c) == "control" for c in item.controls), item.code
    # Every Annex C risk source and objective is touched by at least one item.
    assert {r for i in LIBRARY for r in i.risk_sources} == sources
    assert {r for i in LIBRARY for r in i.objectives} == objectives


def test_it_lists_and_filters_the_library(org, users, client_for):
    url = reverse("risks:library", kwargs={"org": org.slug})
    client = client_for(users.viewer)
    page = client.get(url)
    assert page.status_code == 200
    assert len(page.context["items"]) == len(LIBRARY)
    assert "Start a risk from this" not in page.content.decode()  # viewers cannot add
    hardware = client.get(url, {"source": "C.3.5"})
    assert hardware.context["items"] and all(
        "C.3.5" in i.risk_sources for i in hardware.context["items"]
    )
    security = client.get(url, {"category": "Security"})
    assert {i.category for i in security.context["items"]} == {"Security"}
    officer = client_for(users.officer).get(url)
    assert "?from_library=RL-03" in officer.content.decode()


def test_it_starts_a_risk_from_a_library_item(org, users, client_for):
    from controls.services import controls_ensure_for

    controls_ensure_for(organization=org)
    client = client_for(users.officer)
    add = reverse("risks:risk_add", kwargs={"org": org.slug})
    page = client.get(add, {"from_library": "RL-01"})
    assert page.status_code == 200
    form = page.context["form"]
    item = LIBRARY[0]
    assert form["title"].value() == item.title
    assert form["library_code"].value() == "RL-01"
    sources = Requirement.objects.filter(ref__in=item.risk_sources, framework__code="iso42001")
    assert set(form["risk_sources"].value()) == set(sources.values_list("pk", flat=True))
    assert len(form["controls"].value()) == len(item.controls)
    assert "Pre-filled from library item RL-01" in page.content.decode()
    assert not Risk.objects.exists()  # nothing saved until the user reviews and saves

    data = {
        "title": form["title"].value(),
        "description": form["description"].value(),
        "consequences_organization": form["consequences_organization"].value(),
        "consequences_individuals": form["consequences_individuals"].value(),
        "risk_sources": form["risk_sources"].value(),
        "objectives": form["objectives"].value(),
        "controls": form["controls"].value(),
        "treatment_option": "modify",
        "library_code": "RL-01",
        "inherent_likelihood": 3,
        "inherent_impact": 4,
        "status": "identified",
        "review_interval_months": 12,
    }
    response = client.post(add, data)
    assert response.status_code == 302
    risk = Risk.objects.get()
    assert risk.library_code == "RL-01"
    assert {r.ref for r in risk.risk_sources.all()} == set(item.risk_sources)
    assert {c.ref for c in risk.controls.all()} == set(item.controls)


def test_it_refuses_an_unknown_library_item(org, users, client_for):
    add = reverse("risks:risk_add", kwargs={"org": org.slug})
    assert client_for(users.officer).get(add, {"from_library": "RL-999"}).status_code == 404


def test_it_serves_the_library_in_the_api(users, api_client_for):
    response = api_client_for(users.viewer).get("/api/v1/risk-library/", {"source": "C.3.4"})
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == len(body["results"]) > 5
    assert all("C.3.4" in row["risk_sources"] for row in body["results"])
