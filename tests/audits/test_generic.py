"""The generic permission, change-log and query-count suite for AI incidents."""

from __future__ import annotations

import datetime

from django.urls import reverse
from django.utils import timezone

from audits.forms import (
    CorrectiveActionForm,
    IncidentCommunicationForm,
    IncidentForm,
    NonconformityForm,
    OpportunityForm,
)
from audits.models import (
    CorrectiveAction,
    Incident,
    IncidentCommunication,
    Nonconformity,
    Opportunity,
)
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


def _nonconformity(ctx):
    nc = Nonconformity.objects.create(
        organization=ctx.org,
        title="Impact assessment not repeated after a model change",
        description="The credit model changed in May; its assessment was not reviewed.",
        source="internal_audit",
        severity="minor",
    )
    nc.ai_systems.add(factories.AISystemFactory(organization=ctx.org))
    return nc


def _action(ctx):
    return CorrectiveAction.objects.create(
        nonconformity=_nonconformity(ctx), description="Add the change trigger to the checklist."
    )


NONCONFORMITY = ModelCase(
    model=Nonconformity,
    make=_nonconformity,
    owner_of=lambda record, user: Nonconformity.objects.filter(pk=record.pk).update(owner=user),
    api_basename="nonconformity",
    create_payload=lambda ctx: {
        "organization": ctx.org.pk,
        "title": "Training records missing",
        "description": "Two reviewers lack the required course.",
        "source": "monitoring",
        "severity": "minor",
    },
    update_payload=lambda ctx, obj: {"root_cause": "No onboarding step for reviewers."},
    list_params=lambda ctx, objs: {"organization": ctx.org.pk},
    ui_list=lambda ctx: _url("audits:nonconformity_list", ctx),
    ui_detail=lambda ctx, obj: _url("audits:nonconformity_detail", ctx, pk=obj.pk),
    ui_add=lambda ctx: _url("audits:nonconformity_add", ctx),
    ui_add_data=lambda ctx: {
        "title": "Policy not acknowledged",
        "description": "A third of staff have not acknowledged it.",
        "source": "monitoring",
        "severity": "minor",
        "found_on": "2026-11-30",
    },
    ui_edit=lambda ctx, obj: _url("audits:nonconformity_edit", ctx, pk=obj.pk),
    ui_form=NonconformityForm,
    ui_changes={"root_cause": "Reminders were never set up."},
    ui_delete=lambda ctx, obj: _url("audits:nonconformity_delete", ctx, pk=obj.pk),
)

ACTION = ModelCase(
    model=CorrectiveAction,
    make=_action,
    owner_of=lambda record, user: CorrectiveAction.objects.filter(pk=record.pk).update(owner=user),
    # Adding an action needs the right to change its nonconformity (contributors: their own).
    add_roles=EDIT_ROLES,
    create_target_visible=READ_ROLES,
    owner_of_create=lambda ctx, data, user: Nonconformity.objects.filter(
        pk=data["nonconformity"]
    ).update(owner=user),
    api_basename="correctiveaction",
    create_payload=lambda ctx: {
        "nonconformity": _nonconformity(ctx).pk,
        "description": "Retrain reviewers.",
        "due_date": "2027-01-31",
    },
    create_other_rows=1,  # the nonconformity's status follows its actions
    delete_other_rows=1,
    update_payload=lambda ctx, obj: {"notes": "Booked for January."},
    list_params=lambda ctx, objs: {"organization": ctx.org.pk},
    ui_add=lambda ctx: _url("audits:action_add", ctx, parent_pk=_nonconformity(ctx).pk),
    ui_add_data=lambda ctx: {"description": "Update the checklist.", "status": "planned"},
    ui_edit=lambda ctx, obj: _url("audits:action_edit", ctx, pk=obj.pk),
    ui_form=CorrectiveActionForm,
    ui_changes={"notes": "Started."},
    ui_delete=lambda ctx, obj: _url("audits:action_delete", ctx, pk=obj.pk),
)


class TestNonconformity(GenericModelTests):
    case = NONCONFORMITY


class TestCorrectiveAction(GenericModelTests):
    case = ACTION


def _opportunity(ctx):
    item = Opportunity.objects.create(
        organization=ctx.org,
        title="Share fairness test results with recruiters",
        description="A monthly digest would catch drift earlier.",
        source="suggestion",
    )
    item.ai_systems.add(factories.AISystemFactory(organization=ctx.org))
    return item


OPPORTUNITY = ModelCase(
    model=Opportunity,
    make=_opportunity,
    owner_of=lambda record, user: Opportunity.objects.filter(pk=record.pk).update(owner=user),
    api_basename="opportunity",
    create_payload=lambda ctx: {
        "organization": ctx.org.pk,
        "title": "Automate the evidence expiry check",
        "description": "A weekly job instead of a manual look.",
        "source": "monitoring",
    },
    update_payload=lambda ctx, obj: {"description": "Reworded."},
    list_params=lambda ctx, objs: {"organization": ctx.org.pk},
    ui_list=lambda ctx: _url("audits:opportunity_list", ctx),
    ui_detail=lambda ctx, obj: _url("audits:opportunity_detail", ctx, pk=obj.pk),
    ui_add=lambda ctx: _url("audits:opportunity_add", ctx),
    ui_add_data=lambda ctx: {
        "title": "Plain-language notices",
        "description": "Rewrite the chatbot notice.",
        "source": "suggestion",
        "raised_on": "2026-11-30",
    },
    ui_edit=lambda ctx, obj: _url("audits:opportunity_edit", ctx, pk=obj.pk),
    ui_form=OpportunityForm,
    ui_changes={"description": "Rewrite the chatbot notice in plain language."},
    ui_delete=lambda ctx, obj: _url("audits:opportunity_delete", ctx, pk=obj.pk),
)


class TestOpportunity(GenericModelTests):
    case = OPPORTUNITY
