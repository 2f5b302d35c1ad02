"""The generic permission, change-log and query-count suite for the context registers (4.1, 4.2)."""

from __future__ import annotations

import datetime

from django.urls import reverse

from aims.organizations.forms import ContextIssueForm, InterestedPartyForm, PartyRequirementForm
from aims.organizations.models import (
    ClimateDecision,
    ContextIssue,
    InterestedParty,
    PartyRequirement,
)
from tests import factories
from tests.generic import EDIT_ROLES, READ_ROLES, GenericModelTests, ModelCase


def _url(name, ctx, **kwargs):
    return reverse(name, kwargs={"org": ctx.org.slug, **kwargs})


def _issue(ctx):
    return factories.ContextIssueFactory(
        organization=ctx.org,
        kind="external",
        category="legal",
        title="The EU AI Act applies to our credit scoring",
        next_review_date=datetime.date(2030, 1, 1),
    )


def _own_it(obj, user):
    obj.owner = user
    obj.save()


ISSUE = ModelCase(
    model=ContextIssue,
    make=_issue,
    add_roles=EDIT_ROLES,
    owner_of=_own_it,
    api_basename="contextissue",
    create_payload=lambda ctx: {
        "organization": ctx.org.pk,
        "kind": "internal",
        "category": "organisational",
        "title": "A small modelling team",
    },
    update_payload=lambda ctx, obj: {"status": "monitored"},
    list_params=lambda ctx, objs: {"organization": ctx.org.pk},
    ui_list=lambda ctx: _url("organizations:issue_list", ctx),
    ui_detail=lambda ctx, obj: _url("organizations:issue_detail", ctx, pk=obj.pk),
    ui_add=lambda ctx: _url("organizations:issue_add", ctx),
    ui_add_data=lambda ctx: {
        "title": "A small modelling team",
        "kind": "internal",
        "category": "organisational",
        "status": "open",
        "identified_on": "2026-01-05",
    },
    ui_edit=lambda ctx, obj: _url("organizations:issue_edit", ctx, pk=obj.pk),
    ui_form=ContextIssueForm,
    ui_changes={"status": "monitored"},
    ui_delete=lambda ctx, obj: _url("organizations:issue_delete", ctx, pk=obj.pk),
)


def _decision(ctx):
    """The next decision of ``ctx.org`` (the service's chain, written directly so that a
    decision of an organisation the test users do not belong to can be made too)."""
    current = ClimateDecision.objects.filter(organization=ctx.org).order_by("-pk").first()
    return ClimateDecision.objects.create(
        organization=ctx.org,
        relevant=True,
        reasoning="Model training uses a lot of energy; customers ask about it.",
        decided_by=ctx.users.officer,
        supersedes=current,
    )


CLIMATE = ModelCase(
    model=ClimateDecision,
    make=_decision,
    view_roles=READ_ROLES,
    add_roles=EDIT_ROLES,
    change_roles=frozenset(),
    delete_roles=frozenset(),
    api_basename="climatedecision",
    api_update=False,
    api_delete=False,
    create_payload=lambda ctx: {
        "organization": ctx.org.pk,
        "relevant": False,
        "reasoning": "We run no training ourselves and our sites face no physical climate risk.",
    },
    list_params=lambda ctx, objs: {"organization": ctx.org.pk},
    ui_list=lambda ctx: _url("organizations:climate_list", ctx),
    ui_detail=lambda ctx, obj: _url("organizations:climate_detail", ctx, pk=obj.pk),
    ui_add=lambda ctx: _url("organizations:climate_add", ctx),
    ui_add_data=lambda ctx: {
        "relevant": "false",
        "reasoning": "We run no training ourselves.",
        "decided_by": ctx.users.officer.pk,
    },
)


def _party(ctx):
    return factories.InterestedPartyFactory(
        organization=ctx.org, name="Loan applicants", kind="external", category="affected"
    )


PARTY = ModelCase(
    model=InterestedParty,
    make=lambda ctx: factories.InterestedPartyFactory(
        organization=ctx.org, kind="external", category="affected"
    ),
    add_roles=EDIT_ROLES,
    owner_of=_own_it,
    api_basename="interestedparty",
    create_payload=lambda ctx: {
        "organization": ctx.org.pk,
        "name": "Financial regulators",
        "kind": "external",
        "category": "regulators",
    },
    update_payload=lambda ctx, obj: {"description": "They supervise our credit models."},
    list_params=lambda ctx, objs: {"organization": ctx.org.pk},
    ui_list=lambda ctx: _url("organizations:party_list", ctx),
    ui_detail=lambda ctx, obj: _url("organizations:party_detail", ctx, pk=obj.pk),
    ui_add=lambda ctx: _url("organizations:party_add", ctx),
    ui_add_data=lambda ctx: {
        "name": "Financial regulators",
        "kind": "external",
        "category": "regulators",
    },
    ui_edit=lambda ctx, obj: _url("organizations:party_edit", ctx, pk=obj.pk),
    ui_form=InterestedPartyForm,
    ui_changes={"description": "They supervise our credit models."},
    ui_delete=lambda ctx, obj: _url("organizations:party_delete", ctx, pk=obj.pk),
)


def _requirement(ctx):
    return PartyRequirement.objects.create(
        party=factories.InterestedPartyFactory(organization=ctx.org),
        requirement="A human reviews every refused application on request.",
        source="legal",
        addressed="yes",
        how="The appeal procedure and the review queue.",
    )


REQUIREMENT = ModelCase(
    model=PartyRequirement,
    make=_requirement,
    add_roles=EDIT_ROLES,
    create_target_visible=READ_ROLES,
    owner_of=lambda obj, user: _own_it(obj.party, user),
    api_basename="partyrequirement",
    create_payload=lambda ctx: {
        "party": factories.InterestedPartyFactory(organization=ctx.org).pk,
        "requirement": "Explain the main reasons for a refusal.",
        "source": "legal",
    },
    owner_of_create=lambda ctx, payload, user: _own_it(
        InterestedParty.objects.get(pk=payload["party"]), user
    ),
    update_payload=lambda ctx, obj: {"addressed": "partly", "how": "Reasons for refusals only."},
    list_params=lambda ctx, objs: {"organization": ctx.org.pk},
    ui_detail=lambda ctx, obj: _url("organizations:partyreq_history", ctx, pk=obj.pk),
    ui_add=lambda ctx: _url(
        "organizations:partyreq_add",
        ctx,
        parent_pk=factories.InterestedPartyFactory(organization=ctx.org).pk,
    ),
    ui_add_data=lambda ctx: {
        "requirement": "Explain the main reasons for a refusal.",
        "source": "legal",
    },
    ui_edit=lambda ctx, obj: _url("organizations:partyreq_edit", ctx, pk=obj.pk),
    ui_form=PartyRequirementForm,
    ui_changes={"addressed": "partly", "how": "Reasons for refusals only."},
    ui_delete=lambda ctx, obj: _url("organizations:partyreq_delete", ctx, pk=obj.pk),
)


class TestContextIssue(GenericModelTests):
    case = ISSUE


class TestClimateDecision(GenericModelTests):
    case = CLIMATE


class TestInterestedParty(GenericModelTests):
    case = PARTY


class TestPartyRequirement(GenericModelTests):
    case = REQUIREMENT
