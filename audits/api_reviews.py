"""Management review API (9.3): reviews, their agenda items, decisions and minutes."""

from __future__ import annotations

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.response import Response

from aims.core.api import (
    DOCUMENT_WORKFLOW_FIELDS,
    CleanInputMixin,
    ControlledDocumentViewSet,
    RestrictedModelViewSet,
    TrackedSerializer,
)
from audits import services
from audits.filters import (
    ManagementReviewFilterSet,
    ReviewDecisionFilterSet,
    ReviewInputFilterSet,
    ReviewMinutesFilterSet,
)
from audits.models import (
    ManagementReview,
    ReviewDecision,
    ReviewInput,
    ReviewMinutes,
    ReviewStatus,
    review_record_prefetch,
)


class ReviewMinutesSerializer(TrackedSerializer):
    record = serializers.SerializerMethodField(
        help_text="The review as the minutes keep it: frozen at approval, live while a draft."
    )

    class Meta:
        model = ReviewMinutes
        fields = [
            "id",
            "organization",
            "review",
            "number",
            "status",
            "author",
            "change_summary",
            "summary",
            "conclusions",
            "record",
            "submitted_at",
            "approved_by",
            "approved_at",
            "approval_note",
            "superseded_at",
            "review_interval_months",
            "next_review_date",
            "version",
            "created_at",
            "updated_at",
        ]
        read_only_fields = DOCUMENT_WORKFLOW_FIELDS

    def get_record(self, obj) -> dict:
        return obj.content()

    def validate(self, attrs):
        if self.instance is not None:
            for name in ("organization", "review"):
                if name in attrs and attrs[name] != getattr(self.instance, name):
                    raise serializers.ValidationError({name: _("A version stays with its review.")})
        return super().validate(attrs)


class ManagementReviewSerializer(TrackedSerializer):
    reference = serializers.CharField(read_only=True)

    class Meta:
        model = ManagementReview
        fields = [
            "id",
            "organization",
            "number",
            "reference",
            "title",
            "planned_for",
            "held_on",
            "chair",
            "attendees",
            "other_attendees",
            "covers_from",
            "agenda_built_at",
            "status",
            "version",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["number", "held_on", "covers_from", "agenda_built_at", "status"]

    def validate(self, attrs):
        if (
            self.instance is not None
            and "organization" in attrs
            and attrs["organization"] != self.instance.organization
        ):
            raise serializers.ValidationError(
                {"organization": [_("A review stays in its organisation.")]}
            )
        if (
            self.instance is not None
            and self.instance.status == ReviewStatus.APPROVED
            and any(
                name in attrs and attrs[name] != getattr(self.instance, name)
                for name in ("planned_for", "chair")
            )
        ):
            raise serializers.ValidationError(
                _("The minutes are approved: the meeting's record no longer changes.")
            )
        return super().validate(attrs)


class ReviewHoldSerializer(CleanInputMixin, serializers.Serializer):
    held_on = serializers.DateField(
        required=False, allow_null=True, help_text="The meeting's day; today when left out."
    )


class ManagementReviewViewSet(RestrictedModelViewSet):
    """Management reviews (9.3). Creating one assembles its agenda from the registers: an
    item per input (``management-review-inputs``). ``hold`` records the meeting (chair,
    attendees and agenda needed), ``refresh-agenda`` reassembles the figures keeping the
    minutes written, ``minutes`` starts the minutes (or their next version). Only a review
    not yet held can be deleted."""

    queryset = ManagementReview.objects.select_related("organization", "chair").prefetch_related(
        "attendees"
    )
    serializer_class = ManagementReviewSerializer
    filterset_class = ManagementReviewFilterSet

    def create_instance(self, serializer):
        data = dict(serializer.validated_data)
        attendees = data.pop("attendees", [])
        review = services.review_plan(
            review=ManagementReview(**data), user=self.request.user, attendees=attendees
        )
        serializer.instance = review

    @extend_schema(request=ReviewHoldSerializer)
    @action(detail=True, methods=["post"])
    def hold(self, request, pk=None):
        payload = ReviewHoldSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        review = services.review_hold(
            review=self.get_object(),
            user=request.user,
            held_on=payload.validated_data.get("held_on"),
        )
        return Response(self.get_serializer(review).data)

    @extend_schema(request=None)
    @action(detail=True, methods=["post"], url_path="refresh-agenda")
    def refresh_agenda(self, request, pk=None):
        review = services.review_agenda_build(review=self.get_object(), user=request.user)
        return Response(self.get_serializer(review).data)

    @extend_schema(request=None, responses={200: ReviewMinutesSerializer})
    @action(detail=True, methods=["post"])
    def minutes(self, request, pk=None):
        draft = services.review_minutes_start(review=self.get_object(), user=request.user)
        return Response(ReviewMinutesSerializer(draft, context=self.get_serializer_context()).data)


class ReviewInputSerializer(TrackedSerializer):
    label = serializers.CharField(source="get_kind_display", read_only=True)
    clause = serializers.CharField(source="clause_ref", read_only=True)
    facts = serializers.JSONField(
        read_only=True,
        help_text='What the registers gave: {"headline", "rows": [{"label", "value", '
        '"tone"}], "items": [{"text", "detail", "url", "tone"}], "more"}.',
    )

    class Meta:
        model = ReviewInput
        fields = [
            "id",
            "review",
            "kind",
            "label",
            "clause",
            "position",
            "facts",
            "minutes",
            "version",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["review", "kind", "position"]


class ReviewInputViewSet(RestrictedModelViewSet):
    """A review's agenda items, built with the review: write each one's ``minutes`` with
    PATCH (until the minutes are approved, and again while a new version is open)."""

    http_method_names = ["get", "put", "patch", "head", "options"]
    queryset = ReviewInput.objects.select_related("review", "review__organization")
    serializer_class = ReviewInputSerializer
    filterset_class = ReviewInputFilterSet


class ReviewDecisionSerializer(TrackedSerializer):
    is_overdue = serializers.BooleanField(read_only=True)

    class Meta:
        model = ReviewDecision
        fields = [
            "id",
            "review",
            "review_input",
            "kind",
            "decision",
            "owner",
            "due_date",
            "status",
            "completed_on",
            "outcome",
            "is_overdue",
            "version",
            "created_at",
            "updated_at",
        ]

    def validate(self, attrs):
        if (
            self.instance is not None
            and "review" in attrs
            and attrs["review"] != self.instance.review
        ):
            raise serializers.ValidationError({"review": [_("A decision stays with its review.")]})
        return super().validate(attrs)


class ReviewDecisionViewSet(RestrictedModelViewSet):
    """Decisions of management reviews (9.3.3), tracked as actions to closure: owner, due
    date, status (done needs ``completed_on``; cancelled needs an ``outcome``). Open ones
    come back on the next review's agenda."""

    queryset = ReviewDecision.objects.select_related(
        "review", "review__organization", "review_input", "owner"
    )
    serializer_class = ReviewDecisionSerializer
    filterset_class = ReviewDecisionFilterSet


class ReviewMinutesViewSet(ControlledDocumentViewSet):
    """Minutes of management reviews, a controlled document per review. POST starts the
    next version; approval (by the chair or an administrator, once every input has minutes
    and the conclusions are written) freezes the agenda, minutes and decisions into
    ``record``. The PDF is on the page (``…/minutes/<id>/pdf/``)."""

    queryset = ReviewMinutes.objects.select_related(
        "organization", "review", "review__chair", "author", "approved_by"
    ).prefetch_related(*review_record_prefetch("review__"))
    serializer_class = ReviewMinutesSerializer
    filterset_class = ReviewMinutesFilterSet
    http_method_names = ["get", "post", "put", "patch", "head", "options"]

    def create_instance(self, serializer):
        data = serializer.validated_data
        draft = services.review_minutes_start(
            review=data["review"],
            user=self.request.user,
            summary=data.get("summary", ""),
            conclusions=data.get("conclusions", ""),
        )
        serializer.instance = draft
        serializer.save()

    @extend_schema(request=None)
    @action(detail=True, methods=["post"])
    def revise(self, request, pk=None):
        version = self.get_object()
        draft = services.review_minutes_start(review=version.review, user=request.user)
        return Response(self.get_serializer(draft).data)


def register(router) -> None:
    router.register("management-reviews", ManagementReviewViewSet)
    router.register("management-review-inputs", ReviewInputViewSet)
    router.register("management-review-decisions", ReviewDecisionViewSet)
    router.register("management-review-minutes", ReviewMinutesViewSet)
