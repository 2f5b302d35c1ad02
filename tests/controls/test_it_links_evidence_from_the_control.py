"""An SoA row names its evidence (ControlImplementation.evidence); the evidence item shows it."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from django.urls import reverse

from aims.core.models import ChangeLogEntry
from controls.forms import OrganizationControlForm
from controls.models import Requirement
from tests import factories
from tests.generic import form_data, last_seq


@pytest.fixture
def control(org):
    return factories.ControlImplementationFactory(organization=org)


@pytest.fixture
def item(org):
    return factories.EvidenceItemFactory(organization=org, title="Access review, Q3")


def test_it_links_evidence_from_the_control_form_and_the_item_lists_the_control(
    org, users, client_for, control, item
):
    data = form_data(
        OrganizationControlForm,
        control,
        SimpleNamespace(org=org),
        users.officer,
        {"evidence": [item.pk]},
    )
    response = client_for(users.officer).post(
        reverse("controls:implementation_edit", kwargs={"org": org.slug, "pk": control.pk}), data
    )
    assert response.status_code == 302, response.context["form"].errors
    assert list(item.controls.all()) == [control]
    page = client_for(users.viewer).get(
        reverse("evidence:evidence_linked", kwargs={"org": org.slug, "pk": item.pk})
    )
    (controls,) = [rows for heading, rows, _e in page.context["linked"] if heading == "Controls"]
    assert [record for record, _url in controls] == [control]
    tab = client_for(users.viewer).get(
        reverse("controls:implementation_evidence", kwargs={"org": org.slug, "pk": control.pk})
    )
    assert item.title in tab.content.decode()


def test_it_links_evidence_through_the_soa_api_and_counts_it(
    org, other_org, users, api_client_for, control, item
):
    url = reverse("controlimplementation-detail", args=[control.pk])
    foreign = factories.EvidenceItemFactory(organization=other_org)
    refused = api_client_for(users.officer).patch(url, {"evidence": [foreign.pk]}, format="json")
    assert refused.status_code == 400
    assert "evidence" in refused.json()
    response = api_client_for(users.officer).patch(url, {"evidence": [item.pk]}, format="json")
    assert response.status_code == 200, response.json()
    assert response.json()["evidence"] == [item.pk]
    listed = api_client_for(users.viewer).get(url).json()
    assert (listed["evidence"], listed["evidence_count"]) == ([item.pk], 1)
    shown = api_client_for(users.viewer).get(reverse("evidenceitem-detail", args=[item.pk]))
    assert shown.json()["controls"] == [control.pk]


@pytest.mark.parametrize("role", ["viewer", "auditor", "contributor"])
def test_a_reader_cannot_link_evidence_to_a_control(
    org, users, api_client_for, client_for, control, item, role
):
    user = users[role]
    api = api_client_for(user).patch(
        reverse("controlimplementation-detail", args=[control.pk]),
        {"evidence": [item.pk]},
        format="json",
    )
    assert api.status_code in (403, 404)
    page = client_for(user).post(
        reverse("controls:implementation_edit", kwargs={"org": org.slug, "pk": control.pk}),
        {"evidence": [item.pk]},
    )
    assert page.status_code in (403, 404)
    assert not control.evidence.exists()


def test_the_soa_counts_and_lists_a_rows_risks_through_the_registry(
    org, users, client_for, control
):
    risk = factories.RiskFactory(organization=org, title="Drift in the credit model")
    risk.controls.add(control)
    page = client_for(users.viewer).get(
        reverse("controls:implementation_risks", kwargs={"org": org.slug, "pk": control.pk})
    )
    assert page.context["row"].risk_count == 1
    assert "Drift in the credit model" in page.content.decode()


def test_a_clause_link_is_logged_on_the_evidence_item_not_on_the_catalog(org, catalog, item):
    clause = Requirement.objects.filter(kind="clause", assessable=True).first()
    since = last_seq()
    clause.evidence.add(item)
    (row,) = ChangeLogEntry.objects.filter(seq__gt=since)
    assert (row.object_id, row.organization_id) == (str(item.pk), org.pk)
    assert (row.before, row.after) == ({"clauses": []}, {"clauses": [clause.pk]})
