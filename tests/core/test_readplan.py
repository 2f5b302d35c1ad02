"""The fast read path of API serializers (aims.core.readplan).

The generic suite checks, for every model with an API, that the list and the detail answer
exactly what DRF's own path would; these tests cover what that cannot see: linked ids read
from the link tables, their order, and which serializers keep DRF's path.
"""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from rest_framework import serializers

from aims.core.readplan import attach_related_ids, read_plan
from aims.evidence.api import EvidenceFileSerializer, EvidenceItemSerializer
from controls.api import ControlImplementationSerializer
from risks.api import RiskSerializer
from risks.models import Risk
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def linked_risks(org):
    systems = [factories.AISystemFactory(organization=org) for _ in range(3)]
    controls = [factories.ControlImplementationFactory(organization=org) for _ in range(2)]
    first = factories.RiskFactory(organization=org)
    first.ai_systems.set([systems[2], systems[0]])
    first.controls.set(controls)
    second = factories.RiskFactory(organization=org)
    second.ai_systems.set([systems[1]])
    bare = factories.RiskFactory(organization=org)
    return first, second, bare, systems, controls


def test_serializers_of_plain_fields_get_a_plan():
    plan = read_plan(RiskSerializer)
    assert plan is not None
    assert {f.name for f in plan.many_fields} == {
        "ai_systems",
        "risk_sources",
        "objectives",
        "controls",
        "evidence",
    }


def test_serializers_with_request_dependent_fields_keep_drfs_path():
    # A method field (an evidence file's download link) or fields built per request.
    assert read_plan(EvidenceFileSerializer) is None
    assert read_plan(EvidenceItemSerializer) is None
    assert read_plan(ControlImplementationSerializer) is None

    class WithMethod(serializers.ModelSerializer):
        shout = serializers.SerializerMethodField()

        class Meta:
            model = Risk
            fields = ["id", "shout"]

        def get_shout(self, obj):
            return obj.title.upper()

    assert read_plan(WithMethod) is None


def test_a_page_reads_every_relation_in_one_query_and_lists_ids_in_order(linked_risks):
    first, second, bare, systems, controls = linked_risks
    page = list(
        Risk.objects.select_related("criteria")
        .filter(pk__in=[first.pk, second.pk, bare.pk])
        .order_by("pk")
    )
    with CaptureQueriesContext(connection) as queries:
        attach_related_ids(page, RiskSerializer)
    assert len(queries) == 1
    with CaptureQueriesContext(connection) as queries:
        rows = [RiskSerializer(risk).data for risk in page]
    assert len(queries) == 0
    assert rows[0]["ai_systems"] == sorted([systems[0].pk, systems[2].pk])
    assert rows[0]["controls"] == sorted(c.pk for c in controls)
    assert rows[1]["ai_systems"] == [systems[1].pk]
    assert rows[2]["ai_systems"] == rows[2]["controls"] == rows[2]["risk_sources"] == []


def test_a_single_record_without_a_page_reads_its_links_itself(linked_risks):
    first, *_rest, systems, _controls = linked_risks
    data = RiskSerializer(Risk.objects.get(pk=first.pk)).data
    assert data["ai_systems"] == sorted([systems[0].pk, systems[2].pk])
    assert RiskSerializer(Risk(title="unsaved")).data["ai_systems"] == []


def test_the_risks_api_lists_linked_ids_with_a_constant_number_of_queries(
    org, users, api_client_for, linked_risks
):
    first, _second, _bare, systems, _controls = linked_risks
    client = api_client_for(users.admin)
    url = reverse("risk-list")
    client.get(url)  # token bookkeeping
    with CaptureQueriesContext(connection) as few:
        client.get(url, {"organization": org.pk})
    for _ in range(10):
        risk = factories.RiskFactory(organization=org)
        risk.ai_systems.set(systems)
    with CaptureQueriesContext(connection) as more:
        response = client.get(url, {"organization": org.pk, "ordering": "reference"})
    assert len(few) == len(more)
    rows = {row["id"]: row for row in response.json()["results"]}
    assert rows[first.pk]["ai_systems"] == sorted([systems[0].pk, systems[2].pk])
