"""The generic permission, change-log and query-count suite for organisations, members and scope."""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone

from aims.core.documents import DocumentStatus
from aims.organizations.forms import MembershipForm, OrganizationForm, ScopeStatementForm
from aims.organizations.models import Membership, Organization, ScopeStatement
from tests import factories
from tests.conftest import ROLES
from tests.generic import READ_ROLES, GenericModelTests, ModelCase

ADMIN = frozenset({"admin"})


def _url(name, ctx, **kwargs):
    return reverse(name, kwargs={"org": ctx.org.slug, **kwargs})


def _mirror_org(ctx):
    """A new organisation in which every member of ``org`` holds the same role."""
    new = factories.OrganizationFactory()
    for role in ROLES:
        factories.MembershipFactory(organization=new, user=ctx.users[role], role=role)
    return new


ORGANIZATION = ModelCase(
    model=Organization,
    make=_mirror_org,
    make_foreign=lambda ctx: ctx.other_org,
    view_roles=READ_ROLES | {"auditor"},  # auditors enter; their engagements decide the rest
    add_roles=frozenset(),
    change_roles=ADMIN,
    delete_roles=frozenset(),
    api_basename="organization",
    api_create=False,
    api_delete=False,
    update_payload=lambda ctx, obj: {"name": "Renamed organisation", "allow_self_approval": True},
    ui_detail=lambda ctx, obj: reverse("dashboard", kwargs={"org": obj.slug}),
    ui_edit=lambda ctx, obj: reverse("organizations:settings", kwargs={"org": obj.slug}),
    ui_form=OrganizationForm,
    ui_changes={"name": "Renamed organisation", "sector": "Insurance"},
)


def _new_member(ctx):
    return factories.MembershipFactory(organization=ctx.org, role="viewer")


MEMBERSHIP = ModelCase(
    model=Membership,
    make=_new_member,
    add_roles=ADMIN,
    change_roles=ADMIN,
    delete_roles=ADMIN,
    api_basename="membership",
    create_payload=lambda ctx: {
        "organization": ctx.org.pk,
        "email": "newcomer@acme.test",
        "role": "viewer",
    },
    create_other_rows=1,  # the new person's user account
    update_payload=lambda ctx, obj: {"role": "officer"},
    list_params=lambda ctx, objs: {"organization": ctx.org.pk},
    ui_list=lambda ctx: _url("organizations:member_list", ctx),
    ui_detail=lambda ctx, obj: _url("organizations:member_history", ctx, pk=obj.pk),
    ui_add=lambda ctx: _url("organizations:member_add", ctx),
    ui_add_data=lambda ctx: {
        "email": "newcomer@acme.test",
        "full_name": "New Comer",
        "role": "viewer",
    },
    ui_edit=lambda ctx, obj: _url("organizations:member_edit", ctx, pk=obj.pk),
    ui_form=MembershipForm,
    ui_changes={"role": "officer"},
    ui_delete=lambda ctx, obj: _url("organizations:member_remove", ctx, pk=obj.pk),
)


def _scope_version(ctx):
    """The first call makes the open draft; later ones add superseded versions before it."""
    existing = ScopeStatement.objects.filter(organization=ctx.org)
    if not existing.exists():
        return factories.ScopeStatementFactory(
            organization=ctx.org, author=ctx.users.officer, number=1
        )
    number = max(v.number for v in existing) + 1
    return factories.ScopeStatementFactory(
        organization=ctx.org,
        author=ctx.users.officer,
        number=number,
        status=DocumentStatus.SUPERSEDED,
        approved_by=ctx.users.admin,
        approved_at=timezone.now(),
        superseded_at=timezone.now(),
    )


SCOPE = ModelCase(
    model=ScopeStatement,
    make=_scope_version,
    api_basename="scopestatement",
    api_delete=False,
    create_payload=lambda ctx: {"organization": ctx.org.pk, "in_scope": "All customer-facing AI."},
    create_actions=("create", "update"),  # an empty draft, then its content
    ui_create_actions=("create",),  # the UI starts an empty draft and opens its form
    update_payload=lambda ctx, obj: {
        "in_scope": "Only the EU business unit.",
        "review_interval_months": 6,
    },
    list_params=lambda ctx, objs: {"organization": ctx.org.pk},
    ui_list=lambda ctx: _url("organizations:scope", ctx),
    list_ids=lambda response: {version.pk for version in response.context["versions"]},
    ui_detail=lambda ctx, obj: _url("organizations:scope_version", ctx, pk=obj.pk),
    ui_add=lambda ctx: _url("organizations:scope", ctx),
    ui_add_get=False,  # the scope page has a "start drafting" button, no form
    ui_edit=lambda ctx, obj: _url("organizations:scope_edit", ctx, pk=obj.pk),
    ui_form=ScopeStatementForm,
    ui_changes={"in_scope": "Only the EU business unit."},
)


class TestOrganization(GenericModelTests):
    case = ORGANIZATION


class TestMembership(GenericModelTests):
    case = MEMBERSHIP


class TestScopeStatement(GenericModelTests):
    case = SCOPE
