"""The generic permission, change-log and query-count suite for auditor engagements."""

from __future__ import annotations

import datetime

from django.urls import reverse
from django.utils import timezone

from engagements.forms import EngagementForm
from engagements.models import AuditorAccess, Engagement
from tests.generic import EDIT_ROLES, READ_ROLES, GenericModelTests, ModelCase


def _engagement(ctx):
    today = timezone.localdate()
    return Engagement.objects.create(
        organization=ctx.org,
        name="Surveillance audit",
        body="certification",
        body_name="Certifier Ltd",
        stage="surveillance",
        starts_on=today - datetime.timedelta(days=1),
        ends_on=today + datetime.timedelta(days=20),
        whole_aims=True,
    )


def _url(name, ctx, **kwargs):
    return reverse(name, kwargs={"org": ctx.org.slug, **kwargs})


ENGAGEMENT = ModelCase(
    model=Engagement,
    make=_engagement,
    # An auditor sees only the engagements they are on (tests/engagements/test_engagement_scope).
    view_roles=READ_ROLES,
    add_roles=EDIT_ROLES,
    api_basename="engagement",
    create_payload=lambda ctx: {
        "organization": ctx.org.pk,
        "name": "Stage 2 audit",
        "body": "certification",
        "body_name": "Certifier Ltd",
        "stage": "stage_2",
        "starts_on": timezone.localdate().isoformat(),
        "ends_on": (timezone.localdate() + datetime.timedelta(days=10)).isoformat(),
        "whole_aims": True,
    },
    update_payload=lambda ctx, obj: {"name": "Surveillance audit, year 2"},
    list_params=lambda ctx, objs: {"organization": ctx.org.pk},
    ui_list=lambda ctx: _url("engagements:engagement_list", ctx),
    ui_detail=lambda ctx, obj: _url("engagements:engagement_detail", ctx, pk=obj.pk),
    ui_add=lambda ctx: _url("engagements:engagement_add", ctx),
    ui_add_data=lambda ctx: {
        "name": "Stage 2 audit",
        "body": "certification",
        "body_name": "Certifier Ltd",
        "stage": "stage_2",
        "starts_on": timezone.localdate().isoformat(),
        "ends_on": (timezone.localdate() + datetime.timedelta(days=10)).isoformat(),
        "whole_aims": "on",
    },
    ui_edit=lambda ctx, obj: _url("engagements:engagement_edit", ctx, pk=obj.pk),
    ui_form=EngagementForm,
    ui_changes={"name": "Surveillance audit, year 2"},
    ui_delete=lambda ctx, obj: _url("engagements:engagement_delete", ctx, pk=obj.pk),
)


class TestEngagement(GenericModelTests):
    case = ENGAGEMENT


# ==== The auditor access log: read-only, written by the middleware ========================


def _access(ctx):
    return AuditorAccess.objects.create(
        organization=ctx.org,
        user=ctx.users.auditor,
        user_label=ctx.users.auditor.email,
        method="GET",
        path=f"/o/{ctx.org.slug}/risks/",
        kind="page",
        status=200,
    )


AUDITOR_ACCESS = ModelCase(
    model=AuditorAccess,
    make=_access,
    # Auditors never read the log; the page refuses them (tests/engagements/test_access_log),
    # so the case covers the API, where an auditor's list is empty and a row is a 404.
    view_roles=READ_ROLES,
    add_roles=frozenset(),
    change_roles=frozenset(),
    delete_roles=frozenset(),
    api_basename="auditoraccess",
    api_create=False,
    api_update=False,
    api_delete=False,
    list_params=lambda ctx, objs: {"organization": ctx.org.pk},
)


class TestAuditorAccess(GenericModelTests):
    case = AUDITOR_ACCESS
