"""A risk names the evidence of its treatment (Risk.evidence); the evidence item shows it."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from django.urls import reverse

from aims.core.models import ChangeLogEntry
from risks.forms import RiskForm
from tests import factories
from tests.generic import form_data, last_seq


@pytest.fixture
def risk(org):
    return factories.RiskFactory(organization=org)


@pytest.fixture
def item(org):
    return factories.EvidenceItemFactory(organization=org, title="Bias test report")


def _linked_page(client, org, item):
    return client.get(reverse("evidence:evidence_linked", kwargs={"org": org.slug, "pk": item.pk}))


def _risks_listed(page) -> list[str]:
    (risks,) = [rows for heading, rows, _empty in page.context["linked"] if heading == "Risks"]
    return [str(record) for record, _url in risks]


def test_it_links_evidence_from_the_risk_form_and_the_item_lists_the_risk(
    org, users, client_for, risk, item
):
    data = form_data(
        RiskForm, risk, SimpleNamespace(org=org), users.officer, {"evidence": [item.pk]}
    )
    response = client_for(users.officer).post(
        reverse("risks:risk_edit", kwargs={"org": org.slug, "pk": risk.pk}), data
    )
    assert response.status_code == 302, response.context["form"].errors
    assert list(risk.evidence.all()) == [item]
    assert list(item.risks.all()) == [risk]
    page = _linked_page(client_for(users.viewer), org, item)
    assert _risks_listed(page) == [str(risk)]
    links = client_for(users.viewer).get(
        reverse("risks:risk_links", kwargs={"org": org.slug, "pk": risk.pk})
    )
    assert item.title in links.content.decode()


def test_the_risk_form_offers_only_the_organisations_evidence(
    org, other_org, users, client_for, risk, item
):
    foreign = factories.EvidenceItemFactory(organization=other_org)
    data = form_data(
        RiskForm, risk, SimpleNamespace(org=org), users.officer, {"evidence": [foreign.pk]}
    )
    response = client_for(users.officer).post(
        reverse("risks:risk_edit", kwargs={"org": org.slug, "pk": risk.pk}), data
    )
    assert response.status_code == 400
    assert "evidence" in response.context["form"].errors
    assert not risk.evidence.exists()


def test_it_links_evidence_through_the_risks_api_and_the_item_lists_the_risk(
    org, users, api_client_for, risk, item
):
    response = api_client_for(users.officer).patch(
        reverse("risk-detail", args=[risk.pk]), {"evidence": [item.pk]}, format="json"
    )
    assert response.status_code == 200, response.json()
    assert response.json()["evidence"] == [item.pk]
    shown = api_client_for(users.viewer).get(reverse("evidenceitem-detail", args=[item.pk]))
    assert shown.json()["risks"] == [risk.pk]
    filtered = api_client_for(users.viewer).get(reverse("evidenceitem-list"), {"risk": risk.pk})
    assert [row["id"] for row in filtered.json()["results"]] == [item.pk]


def test_the_risks_api_refuses_evidence_of_another_organisation(
    org, other_org, users, api_client_for, risk
):
    foreign = factories.EvidenceItemFactory(organization=other_org)
    response = api_client_for(users.officer).patch(
        reverse("risk-detail", args=[risk.pk]), {"evidence": [foreign.pk]}, format="json"
    )
    assert response.status_code == 400
    assert "evidence" in response.json()
    assert not risk.evidence.exists()


@pytest.mark.parametrize("role", ["viewer", "auditor", "contributor"])
def test_a_reader_cannot_link_evidence_to_a_risk(
    org, users, api_client_for, client_for, risk, item, role
):
    user = users[role]
    api = api_client_for(user).patch(
        reverse("risk-detail", args=[risk.pk]), {"evidence": [item.pk]}, format="json"
    )
    assert api.status_code in (403, 404)
    page = client_for(user).post(
        reverse("risks:risk_edit", kwargs={"org": org.slug, "pk": risk.pk}),
        {"title": risk.title, "evidence": [item.pk]},
    )
    assert page.status_code in (403, 404)
    assert not risk.evidence.exists()


def test_the_change_log_records_a_link_on_the_risk_from_either_end(org, users, risk, item):
    since = last_seq()
    risk.evidence.add(item)
    item.risks.remove(risk)
    rows = list(ChangeLogEntry.objects.filter(seq__gt=since).order_by("seq"))
    assert [(row.object_id, row.before, row.after) for row in rows] == [
        (str(risk.pk), {"evidence": []}, {"evidence": [item.pk]}),
        (str(risk.pk), {"evidence": [item.pk]}, {"evidence": []}),
    ]
    assert {row.organization_id for row in rows} == {org.pk}


def test_clearing_an_items_risks_logs_each_risk_it_left(org, users, item):
    first, second = (factories.RiskFactory(organization=org) for _ in range(2))
    item.risks.set([first, second])
    since = last_seq()
    item.risks.clear()
    rows = ChangeLogEntry.objects.filter(seq__gt=since).order_by("object_id")
    assert sorted((row.object_id, row.after["evidence"]) for row in rows) == sorted(
        [(str(first.pk), []), (str(second.pk), [])]
    )
