"""The generic permission, change-log and query-count suite for policies and their
acknowledgements."""

from __future__ import annotations

from django.urls import reverse

from policies.forms.documents import PolicyForm
from policies.models import Policy, PolicyAcknowledgement
from tests import factories
from tests.generic import EDIT_ROLES, READ_ROLES, GenericModelTests, ModelCase
from tests.policies.documents_helpers import approved, draft, new_code, published


def _url(name, ctx, **kwargs):
    return reverse(name, kwargs={"org": ctx.org.slug, **kwargs})


def _member(ctx, role="viewer"):
    user = factories.UserFactory()
    factories.MembershipFactory(organization=ctx.org, user=user, role=role)
    return user


POLICY = ModelCase(
    model=Policy,
    # Guidelines: the policies each record is aligned with (its links) are other kinds.
    make=lambda ctx: draft(ctx.org, ctx.users.officer, kind="guideline"),
    make_shown=lambda ctx: approved(ctx.org, ctx.users.officer, ctx.users.admin, kind="guideline"),
    add_roles=EDIT_ROLES,
    api_basename="policy",
    create_payload=lambda ctx: {
        "organization": ctx.org.pk,
        "code": new_code("API"),
        "kind": "procedure",
        "title": "Procedure for model changes",
        "body": "1. Ask.\n2. Test.",
    },
    update_payload=lambda ctx, obj: {"title": "Use of generative AI", "review_interval_months": 6},
    list_params=lambda ctx, objs: {"organization": ctx.org.pk, "kind": "guideline"},
    ui_list=lambda ctx: _url("policies:policy_list", ctx),
    ui_detail=lambda ctx, obj: _url("policies:policy_detail", ctx, pk=obj.pk),
    ui_add=lambda ctx: _url("policies:policy_add", ctx),
    ui_add_data=lambda ctx: {
        "code": new_code("UI"),
        "kind": "guideline",
        "title": "Guideline on prompts",
        "review_interval_months": 12,
    },
    ui_edit=lambda ctx, obj: _url("policies:policy_edit", ctx, pk=obj.pk),
    ui_form=PolicyForm,
    ui_changes={"title": "Use of generative AI"},
    ui_delete=lambda ctx, obj: _url("policies:policy_delete", ctx, pk=obj.pk),
)


def _published(ctx):
    # People of the case's organisation (``make`` also runs for the other organisation).
    return published(ctx.org, _member(ctx, "officer"), _member(ctx, "admin"))


def _acknowledgement(ctx):
    policy = _published(ctx)
    return PolicyAcknowledgement.objects.create(
        organization=ctx.org, policy=policy, user=_member(ctx), requested_by=ctx.users.admin
    )


ACKNOWLEDGEMENT = ModelCase(
    model=PolicyAcknowledgement,
    make=_acknowledgement,
    add_roles=EDIT_ROLES,
    # The policy version a request names is out of an auditor's reach without an engagement.
    create_target_visible=READ_ROLES,
    change_roles=frozenset(),
    api_basename="policyacknowledgement",
    api_update=False,
    create_payload=lambda ctx: {
        "organization": ctx.org.pk,
        "policy": _published(ctx).pk,
        "user": _member(ctx).pk,
    },
    create_other_rows=0,
    list_params=lambda ctx, objs: {"organization": ctx.org.pk},
    ui_detail=lambda ctx, obj: _url("policies:policy_acknowledgements", ctx, pk=obj.policy_id),
    detail_shows=lambda response, obj: obj.user.display_name in response.content.decode(),
)


class TestPolicy(GenericModelTests):
    case = POLICY


class TestPolicyAcknowledgement(GenericModelTests):
    case = ACKNOWLEDGEMENT
