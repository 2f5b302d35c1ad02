"""The generic permission, change-log and query-count suite for the support area: resources
(7.1), planned changes (6.3), retention rules and outside documents (7.5.3), the concern
channel and concerns (A.3.3)."""

from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from policies.documented import record_types
from policies.forms.support import (
    AIMSResourceForm,
    ConcernChannelForm,
    ConcernHandleForm,
    OutsideDocumentForm,
    PlannedChangeForm,
    RetentionRuleForm,
)
from policies.models import (
    AIMSResource,
    Concern,
    ConcernChannel,
    OutsideDocument,
    PlannedChange,
    RetentionRule,
)
from policies.services.support import concern_raise
from tests import factories
from tests.generic import EDIT_ROLES, QUERY_BUDGET, READ_ROLES, GenericModelTests, ModelCase


def _url(name, ctx, **kwargs):
    return reverse(name, kwargs={"org": ctx.org.slug, **kwargs})


def _resource(ctx):
    return AIMSResource.objects.create(
        organization=ctx.org, name="AIMS officer time", kind="people", quantity="0.5 FTE"
    )


RESOURCE = ModelCase(
    model=AIMSResource,
    make=_resource,
    add_roles=EDIT_ROLES,
    api_basename="aimsresource",
    create_payload=lambda ctx: {
        "organization": ctx.org.pk,
        "name": "Bias testing toolkit licence",
        "kind": "tooling",
        "status": "requested",
    },
    update_payload=lambda ctx, obj: {"status": "committed"},
    list_params=lambda ctx, objs: {"organization": ctx.org.pk},
    ui_list=lambda ctx: _url("policies:resource_list", ctx),
    ui_detail=lambda ctx, obj: _url("policies:resource_detail", ctx, pk=obj.pk),
    ui_add=lambda ctx: _url("policies:resource_add", ctx),
    ui_add_data=lambda ctx: {"name": "GPU hours", "kind": "compute", "status": "needed"},
    ui_edit=lambda ctx, obj: _url("policies:resource_edit", ctx, pk=obj.pk),
    ui_form=AIMSResourceForm,
    ui_changes={"status": "committed"},
    ui_delete=lambda ctx, obj: _url("policies:resource_delete", ctx, pk=obj.pk),
)


class TestAIMSResource(GenericModelTests):
    case = RESOURCE


def _change(ctx):
    return PlannedChange.objects.create(
        organization=ctx.org,
        title="Bring the chatbot into the AIMS scope",
        purpose="Customers now talk to it daily.",
        proposed_by=ctx.users.officer,
    )


CHANGE = ModelCase(
    model=PlannedChange,
    make=_change,
    api_basename="plannedchange",
    create_payload=lambda ctx: {
        "organization": ctx.org.pk,
        "title": "Move risk reviews to quarterly",
        "purpose": "Yearly reviews miss model updates.",
    },
    update_payload=lambda ctx, obj: {"consequences": "More review meetings."},
    list_params=lambda ctx, objs: {"organization": ctx.org.pk},
    ui_list=lambda ctx: _url("policies:change_list", ctx),
    ui_detail=lambda ctx, obj: _url("policies:change_detail", ctx, pk=obj.pk),
    ui_add=lambda ctx: _url("policies:change_add", ctx),
    ui_add_data=lambda ctx: {"title": "New supplier process", "purpose": "Audits found gaps."},
    ui_edit=lambda ctx, obj: _url("policies:change_edit", ctx, pk=obj.pk),
    ui_form=PlannedChangeForm,
    ui_changes={"consequences": "More review meetings."},
    ui_delete=lambda ctx, obj: _url("policies:change_delete", ctx, pk=obj.pk),
)


class TestPlannedChange(GenericModelTests):
    case = CHANGE


def _free_types(ctx):
    taken = set(
        RetentionRule.objects.filter(organization=ctx.org).values_list("record_type", flat=True)
    )
    return [t.label for t in record_types() if t.label not in taken]


def _rule(ctx):
    """A rule for a kind of record that has none yet in the organisation (one per kind)."""
    return RetentionRule.objects.create(
        organization=ctx.org,
        record_type=_free_types(ctx)[0],
        retention_months=36,
        disposal_method="delete",
    )


RULE = ModelCase(
    model=RetentionRule,
    make=_rule,
    add_roles=EDIT_ROLES,
    api_basename="retentionrule",
    create_payload=lambda ctx: {
        "organization": ctx.org.pk,
        "record_type": "evidence.evidenceitem",
        "retention_months": 84,
        "disposal_method": "archive",
    },
    update_payload=lambda ctx, obj: {"retention_months": 120},
    list_params=lambda ctx, objs: {"organization": ctx.org.pk},
    ui_detail=lambda ctx, obj: _url("policies:retention_history", ctx, pk=obj.pk),
    ui_add=lambda ctx: _url("policies:retention_add", ctx),
    ui_add_data=lambda ctx: {
        "record_type": "evidence.evidenceitem",
        "retention_months": 84,
        "disposal_method": "archive",
    },
    ui_edit=lambda ctx, obj: _url("policies:retention_edit", ctx, pk=obj.pk),
    ui_form=RetentionRuleForm,
    ui_changes={"retention_months": 120},
    ui_delete=lambda ctx, obj: _url("policies:retention_delete", ctx, pk=obj.pk),
)


class TestRetentionRule(GenericModelTests):
    case = RULE
    # An organisation holds one rule per kind of record, fewer than the 25 rows the generic
    # check makes: the same check, from one rule to one for every kind, follows.
    test_api_list_runs_a_constant_number_of_queries = None

    def test_api_list_runs_the_same_queries_for_one_rule_as_for_every_kind(self, ctx, api_as):
        client = api_as("admin")
        _rule(ctx)
        client.get(reverse("retentionrule-list"))

        def count():
            with CaptureQueriesContext(connection) as queries:
                response = client.get(reverse("retentionrule-list"), {"organization": ctx.org.pk})
            return len(queries), response.json()["count"]

        one, rows = count()
        while _free_types(ctx):
            _rule(ctx)
        many, rows_many = count()
        assert rows == 1 and rows_many == len(record_types()) > 1
        assert one == many <= QUERY_BUDGET


def _outside(ctx):
    return OutsideDocument.objects.create(
        organization=ctx.org,
        title="Data processing agreement with CloudCo",
        kind="contract",
        location="https://legal.example/contracts/42",
        retention_months=120,
        disposal_method="archive",
    )


OUTSIDE = ModelCase(
    model=OutsideDocument,
    make=_outside,
    add_roles=EDIT_ROLES,
    api_basename="outsidedocument",
    create_payload=lambda ctx: {
        "organization": ctx.org.pk,
        "title": "Model cards",
        "kind": "technical",
        "location": "git@example:ml/model-cards",
        "retention_months": 60,
        "disposal_method": "delete",
    },
    update_payload=lambda ctx, obj: {"status": "retired"},
    list_params=lambda ctx, objs: {"organization": ctx.org.pk},
    ui_list=lambda ctx: _url("policies:document_register", ctx),
    ui_detail=lambda ctx, obj: _url("policies:outside_document_detail", ctx, pk=obj.pk),
    ui_add=lambda ctx: _url("policies:outside_document_add", ctx),
    ui_add_data=lambda ctx: {
        "title": "Training attendance sheets",
        "kind": "record",
        "location": "HR drive / AIMS / training",
        "retention_months": 36,
        "disposal_method": "delete",
        "status": "current",
    },
    ui_edit=lambda ctx, obj: _url("policies:outside_document_edit", ctx, pk=obj.pk),
    ui_form=OutsideDocumentForm,
    ui_changes={"status": "retired"},
    ui_delete=lambda ctx, obj: _url("policies:outside_document_delete", ctx, pk=obj.pk),
)


class TestOutsideDocument(GenericModelTests):
    case = OUTSIDE


def _channel(ctx):
    n = ConcernChannel.objects.filter(organization=ctx.org).count() + 1
    return ConcernChannel.objects.create(
        organization=ctx.org, name=f"Suppliers {n}", anonymous_enabled=True
    )


CHANNEL = ModelCase(
    model=ConcernChannel,
    make=_channel,
    add_roles=EDIT_ROLES,
    api_basename="concernchannel",
    create_payload=lambda ctx: {
        "organization": ctx.org.pk,
        "name": "Customers and the public",
        "audience": "external",
        "anonymous_enabled": True,
    },
    update_payload=lambda ctx, obj: {"anonymous_enabled": False, "audience": "external"},
    list_params=lambda ctx, objs: {"organization": ctx.org.pk},
    ui_detail=lambda ctx, obj: _url("policies:concern_channel", ctx, pk=obj.pk),
    ui_add=lambda ctx: _url("policies:concern_channel_add", ctx),
    ui_add_data=lambda ctx: {
        "name": "Staff",
        "audience": "internal",
        "anonymous_enabled": "on",
        "intro": "Tell us.",
    },
    ui_edit=lambda ctx, obj: _url("policies:concern_channel_edit", ctx, pk=obj.pk),
    ui_form=ConcernChannelForm,
    ui_changes={"intro": "Report anything that worries you."},
    ui_delete=lambda ctx, obj: _url("policies:concern_channel_delete", ctx, pk=obj.pk),
)


class TestConcernChannel(GenericModelTests):
    case = CHANNEL


def _concern(ctx):
    # Raised by a member who holds none of the roles the matrix checks, so what each role
    # sees is what its role gives, not what raising a concern gives.
    reporter = factories.MembershipFactory(organization=ctx.org, role="contributor").user
    concern, _code = concern_raise(
        organization=ctx.org,
        reporter=reporter,
        summary="Scoring model refuses older applicants",
        description="Three refusals this week for people over 70.",
        category="fairness",
    )
    return concern


CONCERN = ModelCase(
    model=Concern,
    make=_concern,
    view_roles=EDIT_ROLES,
    add_roles=READ_ROLES,
    delete_roles=frozenset(),
    api_basename="concern",
    api_delete=False,
    create_payload=lambda ctx: {
        "organization": ctx.org.pk,
        "summary": "Chatbot gives medical advice",
        "description": "It told a customer to stop a medication.",
        "category": "safety",
    },
    create_actor_hidden=True,
    update_payload=lambda ctx, obj: {"handling_notes": "Asked the product team for logs."},
    list_params=lambda ctx, objs: {"organization": ctx.org.pk},
    ui_list=lambda ctx: _url("policies:concern_list", ctx),
    ui_detail=lambda ctx, obj: _url("policies:concern_detail", ctx, pk=obj.pk),
    ui_add=lambda ctx: _url("policies:concern_add", ctx),
    ui_add_data=lambda ctx: {
        "summary": "Chatbot gives medical advice",
        "description": "It told a customer to stop a medication.",
        "category": "safety",
    },
    ui_edit=lambda ctx, obj: _url("policies:concern_edit", ctx, pk=obj.pk),
    ui_form=ConcernHandleForm,
    ui_changes={"handling_notes": "Asked the product team for logs."},
)


class TestConcern(GenericModelTests):
    case = CONCERN
