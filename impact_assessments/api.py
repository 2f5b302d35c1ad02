from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions, serializers
from rest_framework.decorators import action
from rest_framework.fields import get_error_detail
from rest_framework.response import Response

from aims.core.api import (
    DOCUMENT_WORKFLOW_FIELDS,
    ControlledDocumentViewSet,
    RestrictedModelViewSet,
    TrackedSerializer,
)
from impact_assessments import services
from impact_assessments.comparison import assessment_compare
from impact_assessments.filters import (
    AffectedPartyFilterSet,
    ClassificationFilterSet,
    ImpactAssessmentFilterSet,
    ImpactFilterSet,
    UseThresholdsFilterSet,
)
from impact_assessments.models import (
    AffectedParty,
    AIActClassification,
    AssessmentKind,
    Impact,
    ImpactAssessment,
    UseThresholds,
)


class ClassificationSerializer(TrackedSerializer):
    prohibited_practices = serializers.ListField(child=serializers.CharField(), required=False)
    annex_iii_areas = serializers.ListField(child=serializers.IntegerField(), required=False)
    derogation_conditions = serializers.ListField(child=serializers.CharField(), required=False)
    transparency_duties = serializers.ListField(child=serializers.CharField(), required=False)
    route = serializers.CharField(
        read_only=True,
        help_text="How the system is high-risk: annex_i, annex_iii, or empty when it is not.",
    )
    obligations = serializers.ListField(child=serializers.CharField(), read_only=True)
    reasons = serializers.ListField(child=serializers.CharField(), read_only=True)

    class Meta:
        model = AIActClassification
        fields = [
            "id",
            "organization",
            "ai_system",
            *services.ANSWER_FIELDS,
            "tier",
            "route",
            "derogation_applies",
            "fria_required",
            "obligations",
            "reasons",
            "classified_by",
            "classified_on",
            "notes",
            "version",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["classified_by"]


class ClassificationViewSet(RestrictedModelViewSet):
    """EU AI Act classifications. Never changed or deleted: reclassify with a new POST; the
    latest one sets the AI system's tier and role."""

    http_method_names = ["get", "post", "head", "options"]
    queryset = AIActClassification.objects.select_related("organization", "ai_system")
    serializer_class = ClassificationSerializer
    filterset_class = ClassificationFilterSet

    def create_instance(self, serializer) -> None:
        data = dict(serializer.validated_data)
        try:
            serializer.instance = services.classification_record(
                ai_system=data.pop("ai_system"),
                actor=self.request.user,
                answers=data,
                classified_on=data.get("classified_on"),
                notes=data.get("notes", ""),
            )
        except DjangoValidationError as exc:
            raise exceptions.ValidationError(get_error_detail(exc)) from exc


class ImpactAssessmentSerializer(TrackedSerializer):
    missing = serializers.SerializerMethodField(
        help_text="What still stops the draft going to review, one sentence per gap."
    )

    class Meta:
        model = ImpactAssessment
        fields = [
            "id",
            "organization",
            "ai_system",
            "number",
            "status",
            "author",
            "change_summary",
            *ImpactAssessment.content_fields,
            "review_needed",
            "review_reason",
            "missing",
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

    def get_missing(self, obj) -> list[str]:
        return obj.missing() if obj.is_editable else []

    def validate(self, attrs):
        if self.instance is not None:
            for name in ("organization", "ai_system", "kind"):
                if name in attrs and attrs[name] != getattr(self.instance, name):
                    raise serializers.ValidationError(
                        {name: _("A version stays with its AI system and kind.")}
                    )
        return super().validate(attrs)


class ImpactAssessmentViewSet(ControlledDocumentViewSet):
    """Impact assessment versions per AI system and kind. POST starts the next version (the
    first prefilled from the inventory, later ones copied from the approved version)."""

    queryset = ImpactAssessment.objects.with_part_counts().select_related(
        "organization", "ai_system", "author", "approved_by"
    )
    serializer_class = ImpactAssessmentSerializer
    filterset_class = ImpactAssessmentFilterSet
    http_method_names = ["get", "post", "put", "patch", "head", "options"]

    def create_instance(self, serializer):
        data = serializer.validated_data
        draft = services.assessment_start(
            ai_system=data["ai_system"],
            actor=self.request.user,
            kind=data.get("kind", AssessmentKind.IMPACT),
        )
        serializer.instance = draft
        serializer.save()

    @extend_schema(request=None)
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        assessment = services.assessment_submit(assessment=self.get_object(), actor=request.user)
        return Response(self.get_serializer(assessment).data)

    @extend_schema(request=None)
    @action(detail=True, methods=["post"])
    def revise(self, request, pk=None):
        version = self.get_object()
        draft = services.assessment_start(
            ai_system=version.ai_system, actor=request.user, kind=version.kind
        )
        return Response(self.get_serializer(draft).data)

    @extend_schema(
        parameters=[OpenApiParameter("with", int, required=True, description="the other version")],
        responses={200: dict},
    )
    @action(detail=True, methods=["get"])
    def compare(self, request, pk=None):
        """What changed between this version and ``?with=`` (the same AI system and kind)."""
        version = self.get_object()
        try:
            other_id = int(request.query_params.get("with", ""))
        except ValueError as exc:
            raise exceptions.ValidationError(
                {"with": [_("Give the id of the version to compare with.")]}
            ) from exc
        other = self.get_queryset().filter(pk=other_id).first()
        if other is None:
            raise exceptions.NotFound(_("No such version of this assessment."))
        try:
            comparison = assessment_compare(first=version, second=other)
        except DjangoValidationError as exc:
            raise exceptions.ValidationError({"with": exc.messages}) from exc
        return Response(comparison.as_dict())


class AffectedPartySerializer(TrackedSerializer):
    class Meta:
        model = AffectedParty
        fields = [
            "id",
            "assessment",
            "name",
            "kind",
            "vulnerable",
            "notes",
            "version",
            "created_at",
            "updated_at",
        ]


class AffectedPartyViewSet(RestrictedModelViewSet):
    """Parties an assessment names; changed only while the assessment is a draft."""

    queryset = AffectedParty.objects.select_related("assessment")
    serializer_class = AffectedPartySerializer
    filterset_class = AffectedPartyFilterSet


class ImpactSerializer(TrackedSerializer):
    class Meta:
        model = Impact
        fields = [
            "id",
            "assessment",
            "party",
            "nature",
            "area",
            "description",
            "severity",
            "likelihood",
            "reach",
            "reversibility",
            "measures",
            "controls",
            "risks",
            "version",
            "created_at",
            "updated_at",
        ]


class ImpactViewSet(RestrictedModelViewSet):
    """Benefits and harms an assessment records; changed only while it is a draft."""

    queryset = Impact.objects.select_related("assessment", "party").prefetch_related(
        "controls", "risks"
    )
    serializer_class = ImpactSerializer
    filterset_class = ImpactFilterSet


class UseThresholdsSerializer(TrackedSerializer):
    sensitive_tiers = serializers.ListField(child=serializers.CharField(), required=False)
    restricted_tiers = serializers.ListField(child=serializers.CharField(), required=False)

    class Meta:
        model = UseThresholds
        fields = [
            "id",
            "organization",
            "sensitive_tiers",
            "sensitive_personal_data",
            "sensitive_special_category",
            "sensitive_profiling",
            "sensitive_vulnerable",
            "sensitive_harm_severity",
            "sensitive_review_months",
            "restricted_tiers",
            "restricted_harm_severity",
            "restricted_irreversible_only",
            "notes",
            "based_on",
            "decided_by",
            "decided_on",
            "version",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["decided_by", "decided_on"]

    def validate(self, attrs):
        given = "based_on" in attrs
        based_on = attrs.pop("based_on", None)
        attrs = super().validate(attrs)
        if given:
            attrs["based_on"] = based_on
        return attrs

    based_on = serializers.IntegerField(
        required=False,
        allow_null=True,
        write_only=True,
        help_text=(
            "The id of the decision this one replaces (null: the defaults). When given, the "
            "decision is refused if another was made meanwhile."
        ),
    )


class UseThresholdsViewSet(RestrictedModelViewSet):
    """The organisation's decisions on its thresholds for sensitive and restricted uses of
    AI, newest first: the first is in force. A decision is never changed: POST a new one."""

    http_method_names = ["get", "post", "head", "options"]
    queryset = UseThresholds.objects.select_related("organization", "decided_by")
    serializer_class = UseThresholdsSerializer
    filterset_class = UseThresholdsFilterSet

    def create_instance(self, serializer) -> None:
        data = dict(serializer.validated_data)
        given = "based_on" in data
        based_on = data.pop("based_on", None)
        try:
            serializer.instance = services.thresholds_decide(
                thresholds=UseThresholds(**data),
                actor=self.request.user,
                based_on=based_on,
                check_based_on=given,
            )
        except DjangoValidationError as exc:
            raise exceptions.ValidationError(get_error_detail(exc)) from exc


def register(router) -> None:
    """Add this app's viewsets to the API router."""
    router.register("ai-act-classifications", ClassificationViewSet)
    router.register("impact-assessments", ImpactAssessmentViewSet)
    router.register("impact-assessment-parties", AffectedPartyViewSet)
    router.register("impact-assessment-impacts", ImpactViewSet)
    router.register("impact-thresholds", UseThresholdsViewSet)
