"""The documented-information register (7.5.3): the product's own kinds of record listed
by themselves with counts, a retention rule per kind, outside documents by hand."""

from __future__ import annotations

import pytest
from django.apps import apps
from django.urls import reverse

from aims.core.documents import ControlledVersion
from policies.documented import record_types
from policies.models import RetentionRule
from tests import factories

pytestmark = pytest.mark.django_db


def test_every_controlled_document_model_and_the_evidence_are_listed():
    listed = {t.label for t in record_types()}
    controlled = {
        m._meta.label_lower for m in apps.get_models() if issubclass(m, ControlledVersion)
    }
    assert controlled and controlled <= listed
    assert "evidence.evidenceitem" in listed
    assert listed - controlled == {"evidence.evidenceitem"}


def test_the_register_counts_what_the_caller_may_see(org, users, api_client_for, client_for):
    factories.EvidenceItemFactory(organization=org)
    factories.EvidenceItemFactory(organization=org)
    RetentionRule.objects.create(
        organization=org,
        record_type="evidence.evidenceitem",
        retention_months=60,
        disposal_method="delete",
    )
    rows = (
        api_client_for(users.viewer)
        .get(reverse("documentedinformation-list"), {"organization": org.pk})
        .json()
    )
    evidence = next(r for r in rows if r["record_type"] == "evidence.evidenceitem")
    assert evidence["count"] == 2 and evidence["retention_months"] == 60
    assert all(
        r["retention_rule"] is None for r in rows if r["record_type"] != "evidence.evidenceitem"
    )
    page = client_for(users.viewer).get(
        reverse("policies:document_register", kwargs={"org": org.slug})
    )
    assert page.status_code == 200 and "Set retention" not in page.content.decode()
    officer_page = client_for(users.officer).get(
        reverse("policies:document_register", kwargs={"org": org.slug})
    )
    assert "Set retention" in officer_page.content.decode()


def test_the_register_api_needs_an_organisation_of_the_caller(
    org, other_org, users, api_client_for
):
    client = api_client_for(users.officer)
    missing = client.get(reverse("documentedinformation-list"))
    assert missing.status_code == 400 and "organization" in missing.json()
    assert (
        client.get(
            reverse("documentedinformation-list"), {"organization": other_org.pk}
        ).status_code
        == 404
    )
    assert (
        client.get(reverse("documentedinformation-list"), {"organization": 999999}).status_code
        == 404
    )


@pytest.mark.parametrize(
    "payload, field",
    [
        (
            {"record_type": "auth.user", "retention_months": 12, "disposal_method": "delete"},
            "record_type",
        ),
        (
            {
                "record_type": "evidence.evidenceitem",
                "retention_months": 0,
                "disposal_method": "delete",
            },
            "retention_months",
        ),
        (
            {
                "record_type": "evidence.evidenceitem",
                "retention_months": 12,
                "disposal_method": "burn",
            },
            "disposal_method",
        ),
    ],
)
def test_a_bad_retention_rule_is_refused_on_its_field(org, users, api_client_for, payload, field):
    response = api_client_for(users.officer).post(
        reverse("retentionrule-list"), {"organization": org.pk, **payload}, format="json"
    )
    assert response.status_code == 400 and field in response.json()
    assert not RetentionRule.objects.exists()


def test_a_second_rule_for_the_same_kind_is_refused(org, users, api_client_for):
    client = api_client_for(users.officer)
    payload = {
        "organization": org.pk,
        "record_type": "evidence.evidenceitem",
        "retention_months": 12,
        "disposal_method": "delete",
    }
    assert client.post(reverse("retentionrule-list"), payload, format="json").status_code == 201
    again = client.post(reverse("retentionrule-list"), payload, format="json")
    assert again.status_code == 400
    assert RetentionRule.objects.count() == 1
