"""The generic permission, change-log and query-count suite for AI incidents."""

from __future__ import annotations

import datetime

from django.urls import reverse
from django.utils import timezone

from audits.forms import IncidentCommunicationForm, IncidentForm
from audits.models import Incident, IncidentCommunication
from tests import factories
from tests.generic import EDIT_ROLES, READ_ROLES, GenericModelTests, ModelCase


def _url(name, ctx, **kwargs):
    return reverse(name, kwargs={"org": ctx.org.slug, **kwargs})


def _incident(ctx):
    incident = Incident.objects.create(
        organization=ctx.org,
        title="Chatbot quoted another customer's balance",
        description="A session mix-up showed one customer's data to another.",
        severity="high",
        detected_at=timezone.now() - datetime.timedelta(hours=3),
    )
    incident.ai_systems.add(factories.AISystemFactory(organization=ctx.org))
    return incident


def _communication(ctx):
    return IncidentCommunication.objects.create(
        incident=_incident(ctx),
        audience="The customer affected",
        channel="Phone call",
        message="What happened and what we did.",
    )


INCIDENT = ModelCase(
    model=Incident,
    make=_incident,
    owner_of=lambda record, user: Incident.objects.filter(pk=record.pk).update(owner=user),
    api_basename="incident",
    create_payload=lambda ctx: {
        "organization": ctx.org.pk,
        "title": "Wrong refusals after a model update",
        "description": "Refusal rate doubled overnight.",
        "severity": "medium",
        "detected_at": "2026-11-30T09:00:00Z",
    },
    update_payload=lambda ctx, obj: {"status": "contained", "containment": "Rolled back."},
    list_params=lambda ctx, objs: {"organization": ctx.org.pk},
    ui_list=lambda ctx: _url("audits:incident_list", ctx),
    ui_detail=lambda ctx, obj: _url("audits:incident_detail", ctx, pk=obj.pk),
    ui_add=lambda ctx: _url("audits:incident_add", ctx),
    ui_add_data=lambda ctx: {
        "title": "Model drift alarm",
        "description": "Drift above the limit for a week.",
        "severity": "low",
        "status": "open",
        "detected_at": "2026-11-30T09:00",
    },
    ui_edit=lambda ctx, obj: _url("audits:incident_edit", ctx, pk=obj.pk),
    ui_form=IncidentForm,
    ui_changes={"status": "contained", "containment": "Session cache flushed."},
    ui_delete=lambda ctx, obj: _url("audits:incident_delete", ctx, pk=obj.pk),
)

COMMUNICATION = ModelCase(
    model=IncidentCommunication,
    make=_communication,
    view_roles=READ_ROLES,
    add_roles=EDIT_ROLES,
    change_roles=EDIT_ROLES,
    delete_roles=EDIT_ROLES,
    # The incident a communication belongs to is out of an auditor's reach without an engagement.
    create_target_visible=READ_ROLES,
    api_basename="incidentcommunication",
    create_payload=lambda ctx: {
        "incident": _incident(ctx).pk,
        "audience": "Regulator",
        "message": "First notice.",
    },
    update_payload=lambda ctx, obj: {"channel": "E-mail"},
    list_params=lambda ctx, objs: {"organization": ctx.org.pk},
    ui_add=lambda ctx: _url("audits:communication_add", ctx, parent_pk=_incident(ctx).pk),
    ui_add_data=lambda ctx: {"audience": "Customers", "message": "A notice.", "status": "planned"},
    ui_edit=lambda ctx, obj: _url("audits:communication_edit", ctx, pk=obj.pk),
    ui_form=IncidentCommunicationForm,
    ui_changes={"channel": "Letter"},
    ui_delete=lambda ctx, obj: _url("audits:communication_delete", ctx, pk=obj.pk),
)


class TestIncident(GenericModelTests):
    case = INCIDENT


class TestIncidentCommunication(GenericModelTests):
    case = COMMUNICATION
