"""The generic permission, change-log and query-count suite for management review (9.3)."""

from __future__ import annotations

import datetime

from django.urls import reverse
from django.utils import timezone

from audits.forms import (
    ManagementReviewForm,
    ReviewDecisionForm,
    ReviewInputForm,
    ReviewMinutesForm,
)
from audits.models import (
    ManagementReview,
    ReviewDecision,
    ReviewInput,
    ReviewInputKind,
    ReviewMinutes,
)
from tests.generic import EDIT_ROLES, READ_ROLES, GenericModelTests, ModelCase

AGENDA_ITEMS = len(ReviewInputKind.values)


def _url(name, ctx, **kwargs):
    return reverse(name, kwargs={"org": ctx.org.slug, **kwargs})


def _today():
    return timezone.localdate()


def _review(ctx, *, held=False):
    fields = {"status": "held", "held_on": _today()} if held else {}
    return ManagementReview.objects.create(
        organization=ctx.org,
        title="Management review, second half",
        planned_for=_today(),
        covers_from=_today() - datetime.timedelta(days=180),
        **fields,
    )


def _input(ctx):
    return ReviewInput.objects.create(
        review=_review(ctx, held=True),
        kind=ReviewInputKind.NONCONFORMITIES,
        position=4,
        facts={"headline": "Two open nonconformities.", "rows": [], "items": []},
    )


def _decision(ctx):
    return ReviewDecision.objects.create(
        review=_review(ctx, held=True),
        decision="Add a second reviewer to high-risk model releases.",
        due_date=_today() + datetime.timedelta(days=60),
    )


def _minutes(ctx):
    return ReviewMinutes.objects.create(
        organization=ctx.org,
        review=_review(ctx, held=True),
        author=ctx.users.officer,
        summary="The review went through every input.",
    )


def _approved_minutes(ctx):
    review = _review(ctx, held=True)
    ManagementReview.objects.filter(pk=review.pk).update(status="approved")
    return ReviewMinutes.objects.create(
        organization=ctx.org,
        review=review,
        author=ctx.users.officer,
        summary="The review went through every input.",
        conclusions="The management system suits the organisation.",
        status="approved",
        approved_by=ctx.users.admin,
        approved_at=timezone.now(),
    )


REVIEW = ModelCase(
    model=ManagementReview,
    make=_review,
    owner_of=lambda record, user: ManagementReview.objects.filter(pk=record.pk).update(chair=user),
    add_roles=EDIT_ROLES,
    api_basename="managementreview",
    create_payload=lambda ctx: {
        "organization": ctx.org.pk,
        "title": "Management review 2027",
        "planned_for": str(_today() + datetime.timedelta(days=30)),
    },
    create_other_rows=AGENDA_ITEMS,  # the agenda, assembled with the review
    update_payload=lambda ctx, obj: {"other_attendees": "Dana Reyes, external adviser"},
    list_params=lambda ctx, objs: {"organization": ctx.org.pk},
    ui_list=lambda ctx: _url("audits:review_list", ctx),
    ui_detail=lambda ctx, obj: _url("audits:review_detail", ctx, pk=obj.pk),
    ui_add=lambda ctx: _url("audits:review_add", ctx),
    ui_add_data=lambda ctx: {
        "title": "Management review 2027",
        "planned_for": str(_today() + datetime.timedelta(days=30)),
    },
    ui_edit=lambda ctx, obj: _url("audits:review_edit", ctx, pk=obj.pk),
    ui_form=ManagementReviewForm,
    ui_changes={"title": "Management review, autumn"},
    ui_delete=lambda ctx, obj: _url("audits:review_delete", ctx, pk=obj.pk),
)

INPUT = ModelCase(
    model=ReviewInput,
    make=_input,
    add_roles=EDIT_ROLES,
    create_target_visible=READ_ROLES,
    api_basename="reviewinput",
    api_create=False,
    api_delete=False,
    update_payload=lambda ctx, obj: {"minutes": "Both are on track; no new action."},
    list_params=lambda ctx, objs: {"organization": ctx.org.pk},
    ui_edit=lambda ctx, obj: _url("audits:review_input_edit", ctx, pk=obj.pk),
    ui_form=ReviewInputForm,
    ui_changes={"minutes": "Discussed; the trend is down."},
)

DECISION = ModelCase(
    model=ReviewDecision,
    make=_decision,
    owner_of=lambda record, user: ReviewDecision.objects.filter(pk=record.pk).update(owner=user),
    add_roles=EDIT_ROLES,
    # The review a decision belongs to is out of an auditor's reach without an engagement.
    create_target_visible=READ_ROLES,
    api_basename="reviewdecision",
    create_payload=lambda ctx: {
        "review": _review(ctx, held=True).pk,
        "decision": "Fund a second data-quality engineer.",
        "kind": "resources",
        "due_date": str(_today() + datetime.timedelta(days=90)),
    },
    owner_of_create=lambda ctx, payload, user: ManagementReview.objects.filter(
        pk=payload["review"]
    ).update(chair=user),
    update_payload=lambda ctx, obj: {"status": "in_progress"},
    list_params=lambda ctx, objs: {"organization": ctx.org.pk},
    ui_list=lambda ctx: _url("audits:decision_list", ctx),
    ui_add=lambda ctx: _url("audits:decision_add", ctx, parent_pk=_review(ctx, held=True).pk),
    ui_add_data=lambda ctx: {
        "decision": "Fund a second data-quality engineer.",
        "kind": "resources",
        "status": "planned",
        "due_date": str(_today() + datetime.timedelta(days=90)),
    },
    ui_edit=lambda ctx, obj: _url("audits:decision_edit", ctx, pk=obj.pk),
    ui_form=ReviewDecisionForm,
    ui_changes={"status": "in_progress"},
    ui_delete=lambda ctx, obj: _url("audits:decision_delete", ctx, pk=obj.pk),
)

MINUTES = ModelCase(
    model=ReviewMinutes,
    make=_minutes,
    make_shown=_approved_minutes,  # auditors read approved versions only
    add_roles=EDIT_ROLES,
    create_target_visible=READ_ROLES,
    api_basename="reviewminutes",
    api_delete=False,
    create_payload=lambda ctx: {
        "organization": ctx.org.pk,
        "review": _review(ctx, held=True).pk,
        "summary": "All ten inputs were considered.",
    },
    create_actions=("create", "update"),  # the draft, then what the request adds
    update_payload=lambda ctx, obj: {"conclusions": "Suitable, adequate and effective."},
    list_params=lambda ctx, objs: {"organization": ctx.org.pk},
    ui_detail=lambda ctx, obj: _url("audits:minutes_detail", ctx, pk=obj.pk),
    ui_add=lambda ctx: _url(
        "audits:review_action", ctx, pk=_review(ctx, held=True).pk, action="minutes"
    ),
    ui_add_get=False,
    ui_add_data=lambda ctx: {},
    ui_create_actions=("create",),
    ui_edit=lambda ctx, obj: _url("audits:minutes_edit", ctx, pk=obj.pk),
    ui_form=ReviewMinutesForm,
    ui_changes={"conclusions": "Suitable and effective; resources to be added."},
)


class TestManagementReview(GenericModelTests):
    case = REVIEW


class TestReviewInput(GenericModelTests):
    case = INPUT


class TestReviewDecision(GenericModelTests):
    case = DECISION


class TestReviewMinutes(GenericModelTests):
    case = MINUTES
