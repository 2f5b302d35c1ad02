"""The risks API's list is serialised by risks.selectors, not by RiskSerializer; it must
answer exactly what the serializer would, with every many-to-many field of Risk linked."""

from __future__ import annotations

import json

import pytest
from django.db import connection, models
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from rest_framework.renderers import JSONRenderer

from risks.api import RiskSerializer, RiskViewSet
from risks.models import Risk, RiskCriteria
from risks.selectors import linked_ids, risk_api_rows, risk_api_values
from tests import factories

pytestmark = pytest.mark.django_db

FIELDS = RiskSerializer.Meta.fields


def _related(field, org, count: int) -> list:
    """``count`` records a many-to-many field of Risk can link to, made by the factory named
    after the related model (a new field needs one in tests/factories.py)."""
    model = field.related_model
    make = getattr(factories, f"{model.__name__}Factory")
    extra = dict(field.remote_field.limit_choices_to or {})
    if any(f.name == "organization" for f in model._meta.concrete_fields):
        extra["organization"] = org
    targets = [make(**extra) for _ in range(count)]
    _against_id_order(model, targets)
    return targets


def _against_id_order(model, targets: list) -> None:
    """Set the text fields the related model orders by (through relations too) so that its
    order is the reverse of the ids' (the API lists ids ascending whatever the ordering)."""
    for name in model._meta.ordering:
        *path, last = name.lstrip("-").split("__")
        if last == "pk":  # ordering by id already is id order
            continue
        for position, target in enumerate(targets):
            holder = target
            for step in path:
                holder = getattr(holder, step)
            field = type(holder)._meta.get_field(last)
            if isinstance(field, models.CharField) and not name.startswith("-"):
                value = f"t{targets[0].pk:06d}-{len(targets) - position:03d}"
                type(holder).objects.filter(pk=holder.pk).update(**{last: value})


def _link(risk: Risk, field, targets: list) -> None:
    """One link row per target, in the order given (so the link table's order is not the
    ids' order). Postgres returns the rows in that order, so there the selector's own sort
    is what puts ids ascending (checked: without it two tests here fail on Postgres, as CI
    runs them); SQLite reads the link table's unique index and returns them sorted anyway."""
    through = field.remote_field.through
    for target in targets:
        through.objects.create(
            **{field.m2m_field_name(): risk, field.m2m_reverse_field_name(): target}
        )


@pytest.fixture
def linked_risks(org, users):
    """Three risks: every many-to-many field linked to three records (in descending id
    order), one record each, and none; with an owner, an acceptance and older criteria, and
    the first an opportunity with consequence scores."""
    full = factories.RiskFactory(
        organization=org,
        owner=users.officer,
        kind="opportunity",
        consequences_society="Wider access to the service.",
        impact_organization=2,
        impact_society=5,
    )
    one = factories.RiskFactory(organization=org)
    factories.RiskFactory(organization=org)
    for field in Risk._meta.many_to_many:
        targets = _related(field, org, 3)
        _link(full, field, sorted(targets, key=lambda t: -t.pk))
        _link(one, field, targets[1:2])
    Risk.objects.filter(pk=one.pk).update(accepted_by=users.officer, accepted_at=full.created_at)
    RiskCriteria.objects.filter(organization=org).update(is_current=False)
    return Risk.objects.filter(organization=org).order_by("pk")


def _drf(risks) -> list[dict]:
    rendered = JSONRenderer().render(
        RiskSerializer(RiskViewSet.queryset.filter(pk__in=risks), many=True).data
    )
    return sorted(json.loads(rendered), key=lambda row: row["id"])


def test_every_many_to_many_field_is_populated_and_shown(linked_risks):
    full = _drf(linked_risks)[0]
    for field in Risk._meta.many_to_many:
        assert field.name in FIELDS, f"RiskSerializer does not show {field.name}"
        assert len(full[field.name]) == 3
        assert full[field.name] == sorted(full[field.name])  # ids ascending
        by_model_order = list(getattr(linked_risks[0], field.name).values_list("pk", flat=True))
        assert by_model_order == sorted(by_model_order, reverse=True)  # the test's premise


def test_the_selector_answers_what_the_serializer_would(linked_risks):
    rows = risk_api_rows(list(risk_api_values(linked_risks, fields=FIELDS)), fields=FIELDS)
    fast = json.loads(JSONRenderer().render(rows))
    drf = _drf(linked_risks)
    assert [list(row) for row in fast] == [list(row) for row in drf]  # the same keys, in order
    assert fast == drf
    assert fast[0]["rescore_offered"] is True and fast[1]["accepted_by"] is not None
    assert (fast[0]["kind"], fast[0]["impact_society"], fast[0]["inherent_impact"]) == (
        "opportunity",
        5,
        5,
    )
    for field in Risk._meta.many_to_many:
        assert fast[0][field.name] == sorted(fast[0][field.name])  # ascending ids


def test_the_api_list_answers_what_the_serializer_would(org, users, api_client_for, linked_risks):
    client = api_client_for(users.admin)
    response = client.get(reverse("risk-list"), {"organization": org.pk, "ordering": "reference"})
    assert response.status_code == 200
    rows = response.json()["results"]
    assert [row["id"] for row in rows] == [risk.pk for risk in linked_risks]
    assert [list(row) for row in rows] == [list(row) for row in _drf(linked_risks)]
    assert rows == _drf(linked_risks)


def test_a_page_reads_every_link_table_in_one_query(linked_risks):
    names = [field.name for field in Risk._meta.many_to_many]
    full, one, bare = linked_risks
    with CaptureQueriesContext(connection) as queries:
        ids = linked_ids([full.pk, one.pk, bare.pk], names)
    assert len(queries) == 1
    assert all(len(ids[full.pk][name]) == 3 for name in names)
    assert all(len(ids[one.pk][name]) == 1 for name in names)
    assert all(ids[bare.pk][name] == [] for name in names)


def test_a_field_the_selector_cannot_show_is_refused_by_name():
    with pytest.raises(LookupError, match="shout"):
        risk_api_values(Risk.objects.all(), fields=["id", "shout"])
