"""The generic permission, change-log and query-count suite for the objectives area."""

from __future__ import annotations

from django.urls import reverse

from policies.forms.objectives import AIObjectiveForm, CommunicationItemForm, KPIMeasurementForm
from policies.models import AIObjective, CommunicationItem, KPIMeasurement
from tests.generic import EDIT_ROLES, READ_ROLES, GenericModelTests, ModelCase
from tests.policies.objectives_helpers import (
    days_ago,
    make_communication,
    make_measurement,
    make_objective,
)


def _url(name, ctx, **kwargs):
    return reverse(name, kwargs={"org": ctx.org.slug, **kwargs})


def _own(obj, user):
    obj.owner = user
    obj.save()


OBJECTIVE = ModelCase(
    model=AIObjective,
    make=lambda ctx: make_objective(ctx.org),  # measured series: test_objective_pages.py
    owner_of=_own,
    api_basename="aiobjective",
    create_payload=lambda ctx: {
        "organization": ctx.org.pk,
        "title": "Fewer unexplained declines",
        "metric": "Share of declines with reason codes",
        "unit": "%",
        "direction": "at_least",
        "target_value": "98.0000",
        "frequency": "monthly",
    },
    update_payload=lambda ctx, obj: {"title": "Renamed objective"},
    list_params=lambda ctx, objs: {"organization": ctx.org.pk},
    ui_list=lambda ctx: _url("policies:objective_list", ctx),
    ui_detail=lambda ctx, obj: _url("policies:objective_detail", ctx, pk=obj.pk),
    ui_add=lambda ctx: _url("policies:objective_add", ctx),
    ui_add_data=lambda ctx: {
        "title": "Fewer unexplained declines",
        "metric": "Share of declines with reason codes",
        "unit": "%",
        "direction": "at_least",
        "target_value": "98.0000",
        "at_risk_margin": "1",
        "guides": "both",
        "frequency": "monthly",
        "status": "active",
        "review_interval_months": "12",
    },
    ui_edit=lambda ctx, obj: _url("policies:objective_edit", ctx, pk=obj.pk),
    ui_form=AIObjectiveForm,
    ui_changes={"title": "Renamed objective"},
    ui_delete=lambda ctx, obj: _url("policies:objective_delete", ctx, pk=obj.pk),
)


MEASUREMENT = ModelCase(
    model=KPIMeasurement,
    make=lambda ctx: make_measurement(make_objective(ctx.org)),
    # Recording a measurement needs the right to change its objective (contributors: their own).
    add_roles=EDIT_ROLES,
    create_target_visible=READ_ROLES,
    owner_of=lambda obj, user: _own(obj.objective, user),
    api_basename="kpimeasurement",
    create_payload=lambda ctx: {
        "objective": make_objective(ctx.org).pk,
        "measured_on": days_ago(2).isoformat(),
        "value": "97.2500",
        "unit": "%",
    },
    owner_of_create=lambda ctx, data, user: _own(
        AIObjective.objects.get(pk=data["objective"]), user
    ),
    update_payload=lambda ctx, obj: {"note": "Re-counted after the data fix."},
    list_params=lambda ctx, objs: {"organization": ctx.org.pk},
    ui_detail=lambda ctx, obj: _url("policies:measurement_history", ctx, pk=obj.pk),
    ui_add=lambda ctx: _url("policies:measurement_add", ctx, parent_pk=make_objective(ctx.org).pk),
    ui_add_data=lambda ctx: {"measured_on": days_ago(2).isoformat(), "value": "97.25"},
    ui_edit=lambda ctx, obj: _url("policies:measurement_edit", ctx, pk=obj.pk),
    ui_form=KPIMeasurementForm,
    ui_changes={"note": "Re-counted after the data fix."},
    ui_delete=lambda ctx, obj: _url("policies:measurement_delete", ctx, pk=obj.pk),
)


COMMUNICATION = ModelCase(
    model=CommunicationItem,
    make=lambda ctx: make_communication(ctx.org, last_done=days_ago(20)),
    owner_of=_own,
    api_basename="communicationitem",
    create_payload=lambda ctx: {
        "organization": ctx.org.pk,
        "subject": "Quarterly AIMS report to the board",
        "audience": "Board of directors",
        "channel": "report",
        "frequency": "quarterly",
    },
    update_payload=lambda ctx, obj: {"audience": "Board and risk committee"},
    list_params=lambda ctx, objs: {"organization": ctx.org.pk},
    ui_list=lambda ctx: _url("policies:communication_list", ctx),
    ui_detail=lambda ctx, obj: _url("policies:communication_detail", ctx, pk=obj.pk),
    ui_add=lambda ctx: _url("policies:communication_add", ctx),
    ui_add_data=lambda ctx: {
        "subject": "Quarterly AIMS report to the board",
        "kind": "internal",
        "audience": "Board of directors",
        "channel": "report",
        "frequency": "quarterly",
    },
    ui_edit=lambda ctx, obj: _url("policies:communication_edit", ctx, pk=obj.pk),
    ui_form=CommunicationItemForm,
    ui_changes={"audience": "Board and risk committee"},
    ui_delete=lambda ctx, obj: _url("policies:communication_delete", ctx, pk=obj.pk),
)


class TestAIObjective(GenericModelTests):
    case = OBJECTIVE


class TestKPIMeasurement(GenericModelTests):
    case = MEASUREMENT


class TestCommunicationItem(GenericModelTests):
    case = COMMUNICATION
