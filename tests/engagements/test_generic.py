"""The generic permission, change-log and query-count suite for auditor engagements."""

from __future__ import annotations

import datetime

from django.urls import reverse
from django.utils import timezone

from engagements.forms import EngagementForm
from engagements.models import (
    AuditorAccess,
    Engagement,
    InformationRequest,
    InformationRequestMessage,
)
from tests import factories
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


# ==== Information requests =================================================================
# The engagement's auditor sees its requests and may ask; officers record, answer and close;
# nobody edits or deletes a request or a message (no such endpoint or page).


def _request(ctx):
    engagement = factories.engage(ctx.org, ctx.users.auditor)
    return InformationRequest.objects.create(
        organization=ctx.org,
        engagement=engagement,
        title="Access reviews of the last quarter",
        details="The signed review records.",
        asked_by=ctx.users.auditor,
    )


def _ask_payload(ctx):
    engagement = factories.engage(ctx.org, ctx.users.auditor)
    return {
        "engagement": engagement.pk,
        "title": "Model cards of the credit scoring system",
        "details": "The current ones.",
        "asked_by": ctx.users.auditor.pk,
        "due_on": (timezone.localdate() + datetime.timedelta(days=5)).isoformat(),
    }


def _ask_url(ctx):
    factories.engage(ctx.org, ctx.users.auditor)  # the auditor's page needs an open engagement
    return reverse("information_requests:add", kwargs={"org": ctx.org.slug})


INFORMATION_REQUEST = ModelCase(
    model=InformationRequest,
    make=_request,
    view_roles=READ_ROLES | {"auditor"},
    add_roles=EDIT_ROLES | {"auditor"},
    api_basename="informationrequest",
    api_update=False,
    api_delete=False,
    create_payload=_ask_payload,
    ui_list=lambda ctx: reverse("information_requests:list", kwargs={"org": ctx.org.slug}),
    ui_detail=lambda ctx, obj: obj.get_absolute_url(),
    detail_shows=lambda response, obj: obj.reference in response.content.decode(),
    ui_add=_ask_url,
    ui_add_data=lambda ctx: {
        key: value for key, value in _ask_payload(ctx).items() if key != "due_on"
    },
)


class TestInformationRequest(GenericModelTests):
    case = INFORMATION_REQUEST


def _message(ctx):
    return InformationRequestMessage.objects.create(
        request=_request(ctx), author=ctx.users.officer, body="Attached: the review records."
    )


INFORMATION_REQUEST_MESSAGE = ModelCase(
    model=InformationRequestMessage,
    make=_message,
    view_roles=READ_ROLES | {"auditor"},
    api_basename="informationrequestmessage",
    api_create=False,
    api_update=False,
    api_delete=False,
)


class TestInformationRequestMessage(GenericModelTests):
    case = INFORMATION_REQUEST_MESSAGE
