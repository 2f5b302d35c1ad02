"""The register's filters (shared by the page and the API), sorting and query budget."""

from __future__ import annotations

import datetime

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tests import factories

TODAY = timezone.localdate()
PAST = TODAY - datetime.timedelta(days=3)
FUTURE = TODAY + datetime.timedelta(days=30)


def _register(org, users):
    system = factories.AISystemFactory(organization=org, name="Claims triage")
    drift = factories.RiskFactory(
        organization=org,
        title="Model drift",
        inherent_likelihood=5,
        inherent_impact=5,
        residual_likelihood=2,
        residual_impact=2,
        owner=users.officer,
        status="in_treatment",
        treatment_option="modify",
        next_review_date=PAST,
    )
    drift.ai_systems.add(system)
    bias = factories.RiskFactory(
        organization=org,
        title="Biased data",
        description="Skewed training sample",
        inherent_likelihood=1,
        inherent_impact=1,
        next_review_date=FUTURE,
    )
    late = factories.RiskFactory(
        organization=org, title="Late action", inherent_likelihood=3, inherent_impact=3
    )
    factories.TreatmentActionFactory(risk=late, due_date=PAST, status="in_progress")
    done = factories.RiskFactory(organization=org, title="Done action")
    factories.TreatmentActionFactory(risk=done, due_date=PAST, status="done", completed_on=PAST)
    return {"drift": drift, "bias": bias, "late": late, "done": done, "system": system}


def _ui(client, org, **params):
    response = client.get(reverse("risks:risk_list", kwargs={"org": org.slug}), params)
    assert response.status_code == 200
    return [r.title for r in response.context["page_obj"]]


def _api(client, org, **params):
    response = client.get("/api/v1/risks/", {"organization": org.pk, **params})
    assert response.status_code == 200, response.content
    return [r["title"] for r in response.json()["results"]]


def test_it_filters_in_the_page_and_the_api_alike(org, users, client_for, api_client_for):
    r = _register(org, users)
    ui, api = client_for(users.viewer), api_client_for(users.viewer)
    cases = [
        ({"q": "skewed"}, ["Biased data"]),
        ({"q": "R-0001"}, ["Model drift"]),
        ({"ai_system": r["system"].pk}, ["Model drift"]),
        ({"inherent_level": "critical"}, ["Model drift"]),
        ({"residual_level": "low"}, ["Model drift"]),
        ({"owner": users.officer.pk}, ["Model drift"]),
        ({"status": "in_treatment"}, ["Model drift"]),
        ({"treatment_option": "modify"}, ["Model drift"]),
        ({"overdue": "true"}, ["Model drift", "Late action"]),
        ({"overdue": "false"}, ["Biased data", "Done action"]),
        ({"residual_likelihood": 2, "residual_impact": 2}, ["Model drift"]),
        ({"inherent_likelihood": 1, "inherent_impact": 1}, ["Biased data"]),
    ]
    for params, expected in cases:
        assert _ui(ui, org, **params) == expected, params
        assert _api(api, org, **params) == expected, params


def test_it_sorts_the_register(org, users, client_for, api_client_for):
    _register(org, users)
    ui = client_for(users.viewer)
    assert _ui(ui, org, ordering="-inherent_rank")[0] == "Model drift"
    assert _ui(ui, org, ordering="title") == [
        "Biased data",
        "Done action",
        "Late action",
        "Model drift",
    ]
    assert _ui(ui, org, ordering="-reference")[0] == "Done action"
    by_review = _api(api_client_for(users.viewer), org, ordering="next_review_date")
    assert by_review.index("Model drift") < by_review.index("Biased data")


def test_it_shows_levels_owner_and_overdue_flags(org, users, client_for):
    _register(org, users)
    html = client_for(users.viewer).get(reverse("risks:risk_list", kwargs={"org": org.slug}))
    text = html.content.decode()
    assert "Critical" in text and "Claims triage" in text and "Acme Officer" in text
    assert "overdue by 3 days" in text


def _count(client, url, params=None):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, params or {})
    assert response.status_code == 200
    return len(queries)


def test_it_keeps_the_query_count_flat(org, users, client_for, api_client_for):
    systems = [factories.AISystemFactory(organization=org) for _ in range(3)]
    url = reverse("risks:risk_list", kwargs={"org": org.slug})
    ui = client_for(users.admin)
    api = api_client_for(users.admin)

    def add(n):
        for i in range(n):
            risk = factories.RiskFactory(
                organization=org,
                owner=users.officer,
                residual_likelihood=1 + i % 3,
                residual_impact=1 + i % 2,
                next_review_date=PAST if i % 2 else FUTURE,
                # Consequence scores and opportunities on some rows: no query per row.
                impact_organization=4 if i % 3 == 0 else None,
                impact_individuals=2 if i % 3 == 0 else None,
                kind="opportunity" if i % 5 == 1 else "risk",
            )
            risk.ai_systems.set(systems[: 1 + i % 3])

    add(2)
    ui.get(url)
    api.get("/api/v1/risks/")
    ui_few, api_few = _count(ui, url), _count(api, "/api/v1/risks/", {"page_size": 500})
    add(98)
    ui_many = _count(ui, url, {"page_size": 100})
    api_many = _count(api, "/api/v1/risks/", {"page_size": 500})
    print(f"register page: {ui_many} queries; API: {api_many} queries")
    assert ui_few == ui_many, (ui_few, ui_many)
    assert api_few == api_many, (api_few, api_many)
    assert api_many <= 10, api_many
    # The page's own work (criteria, count, rows, AI systems, heatmaps, filter choices) is 7
    # queries; session, user, roles, organisation, the switcher and the session save add 8.
    assert ui_many <= 15, ui_many
