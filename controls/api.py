from django.db import transaction
from django.db.models import Prefetch
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.response import Response

from aims.core import documents
from aims.core.api import (
    DOCUMENT_WORKFLOW_FIELDS,
    CleanInputMixin,
    ControlledDocumentViewSet,
    RestrictedModelViewSet,
    RestrictedReadOnlyViewSet,
    TrackedSerializer,
)
from aims.evidence.models import EvidenceItem
from controls import clause_checks, links, services
from controls.filters import (
    ClauseStatusFilterSet,
    ControlImplementationFilterSet,
    RequirementFilterSet,
    RequirementMappingFilterSet,
    SoAVersionFilterSet,
)
from controls.links import treatment_link_count
from controls.models import (
    ClauseStatus,
    ControlImplementation,
    Framework,
    Requirement,
    RequirementMapping,
    SoAVersion,
)


class FrameworkSerializer(CleanInputMixin, serializers.ModelSerializer):
    class Meta:
        model = Framework
        fields = ["id", "code", "name", "edition", "title", "notice"]


class RequirementSerializer(CleanInputMixin, serializers.ModelSerializer):
    framework = serializers.SlugRelatedField(slug_field="code", read_only=True)
    parent = serializers.SlugRelatedField(slug_field="ref", read_only=True, allow_null=True)

    class Meta:
        model = Requirement
        fields = [
            "id",
            "framework",
            "ref",
            "title",
            "kind",
            "parent",
            "description",
            "assessable",
            "documented_information",
            "documented_information_note",
            "withdrawn",
        ]


class RequirementMappingSerializer(CleanInputMixin, serializers.ModelSerializer):
    source_ref = serializers.CharField(source="source.ref", read_only=True)
    target_ref = serializers.CharField(source="target.ref", read_only=True)

    class Meta:
        model = RequirementMapping
        fields = [
            "id",
            "crosswalk",
            "source",
            "source_ref",
            "target",
            "target_ref",
            "relationship",
            "note",
            "withdrawn",
        ]


class FrameworkViewSet(RestrictedReadOnlyViewSet):
    queryset = Framework.objects.all()
    serializer_class = FrameworkSerializer
    filterset_fields = ["code"]


class RequirementViewSet(RestrictedReadOnlyViewSet):
    queryset = Requirement.objects.select_related("framework", "parent")
    serializer_class = RequirementSerializer
    filterset_class = RequirementFilterSet


class RequirementMappingViewSet(RestrictedReadOnlyViewSet):
    queryset = RequirementMapping.objects.select_related("source", "target")
    serializer_class = RequirementMappingSerializer
    filterset_class = RequirementMappingFilterSet


# --- Statement of Applicability, SoA versions, clause readiness ----------------------------


class ControlImplementationSerializer(TrackedSerializer):
    # None for a control the organisation defined itself.
    requirement = serializers.PrimaryKeyRelatedField(read_only=True, allow_null=True)
    annex_a = serializers.BooleanField(source="is_annex_a", read_only=True)
    group = serializers.CharField(read_only=True)
    risk_count = serializers.SerializerMethodField()
    evidence_count = serializers.SerializerMethodField()
    gaps = serializers.SerializerMethodField()

    class Meta:
        model = ControlImplementation
        fields = [
            "id",
            "organization",
            "requirement",
            "annex_a",
            "ref",
            "title",
            "description",
            "group",
            "applicability",
            "justification",
            "status",
            "owner",
            "implementation",
            "evidence",
            "last_reviewed",
            "review_interval_months",
            "next_review_date",
            "risk_count",
            "evidence_count",
            "gaps",
            "version",
            "created_at",
            "updated_at",
        ]

    def get_fields(self):
        fields = super().get_fields()
        instance = self.instance if isinstance(self.instance, ControlImplementation) else None
        if instance is not None:
            fields["organization"].read_only = True
            if instance.is_annex_a:
                # An Annex A row keeps the catalog's reference, title and description.
                for name in ("ref", "title", "description"):
                    fields[name].read_only = True
        return fields

    def validate(self, attrs):
        organization = attrs.get("organization") or getattr(self.instance, "organization", None)
        org_id = getattr(organization, "pk", None)
        if any(item.organization_id != org_id for item in attrs.get("evidence") or []):
            raise ValidationError(
                {"evidence": ["Link only evidence of the control's organisation."]}
            )
        return super().validate(attrs)

    def _counts(self, obj) -> tuple[int, int]:
        risk_count = getattr(obj, "risk_count", None)
        evidence_count = getattr(obj, "evidence_count", None)
        if risk_count is None or evidence_count is None:
            risk_count = sum(getattr(obj, spec.accessor).count() for spec in links.registry)
            evidence_count = obj.evidence.count()
        return risk_count, evidence_count

    def get_risk_count(self, obj) -> int:
        return self._counts(obj)[0]

    def get_evidence_count(self, obj) -> int:
        return self._counts(obj)[1]

    def get_gaps(self, obj) -> list[str]:
        risk_count, evidence_count = self._counts(obj)
        return obj.gaps(risk_count=risk_count, evidence_count=evidence_count)


class ControlImplementationViewSet(RestrictedModelViewSet):
    """The SoA rows. Create adds a control of the organisation's own; Annex A rows stay."""

    queryset = ControlImplementation.objects.select_related("organization", "owner", "requirement")
    serializer_class = ControlImplementationSerializer
    filterset_class = ControlImplementationFilterSet

    def get_queryset(self):
        return (
            super()
            .get_queryset()
            .annotate(
                risk_count=treatment_link_count(),
                evidence_count=services._link_count(ControlImplementation.evidence.through),
            )
            # Linked ids in ascending order, one query per page (the fields vary per row).
            .prefetch_related(Prefetch("evidence", queryset=EvidenceItem.objects.order_by("pk")))
        )


class SoAVersionSerializer(TrackedSerializer):
    class Meta:
        model = SoAVersion
        fields = [
            "id",
            "organization",
            "number",
            "status",
            "author",
            "change_summary",
            "rows",
            "summary",
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
        read_only_fields = [*DOCUMENT_WORKFLOW_FIELDS, "rows", "summary"]


class SoAVersionViewSet(ControlledDocumentViewSet):
    """SoA versions. Create prepares a draft from the live SoA; the workflow moves by actions."""

    queryset = SoAVersion.objects.select_related("organization", "author", "approved_by")
    serializer_class = SoAVersionSerializer
    filterset_class = SoAVersionFilterSet
    http_method_names = ["get", "post", "put", "patch", "head", "options"]

    def create_instance(self, serializer):
        data = serializer.validated_data
        draft = services.soa_version_start(
            organization=data["organization"],
            user=self.request.user,
            change_summary=data.get("change_summary", ""),
        )
        serializer.instance = draft
        if "review_interval_months" in data:
            draft.review_interval_months = data["review_interval_months"]
            draft.save()

    @extend_schema(request=None, responses=SoAVersionSerializer)
    @action(detail=True, methods=["post"])
    def revise(self, request, pk=None):
        version = self.get_object()
        with transaction.atomic():
            draft = documents.document_start_revision(version=version, user=request.user)
            draft = services.soa_version_refresh(version=draft, user=request.user)
        return Response(self.get_serializer(draft).data)

    @extend_schema(request=None, responses=SoAVersionSerializer)
    @action(detail=True, methods=["post"])
    def refresh(self, request, pk=None):
        return self._transition(request, services.soa_version_refresh)

    @extend_schema(
        parameters=[OpenApiParameter("with", int, required=True, description="the other version")],
        responses={200: dict},
    )
    @action(detail=True, methods=["get"])
    def diff(self, request, pk=None):
        version = self.get_object()
        try:
            other_id = int(request.query_params.get("with", ""))
        except ValueError as exc:
            raise ValidationError(
                {"with": ["Give the id of the version to compare with."]}
            ) from exc
        other = self.get_queryset().filter(pk=other_id, organization=version.organization).first()
        if other is None:
            raise NotFound("No such version.")
        old, new = sorted((version, other), key=lambda v: v.number)
        return Response({"from": old.pk, "to": new.pk, **services.soa_diff(old=old, new=new)})


class ClauseStatusSerializer(TrackedSerializer):
    requirement = serializers.PrimaryKeyRelatedField(read_only=True)
    ref = serializers.CharField(source="requirement.ref", read_only=True)
    title = serializers.CharField(source="requirement.title", read_only=True)
    documented_information = serializers.CharField(
        source="requirement.documented_information", read_only=True
    )
    documented_information_note = serializers.CharField(
        source="requirement.documented_information_note", read_only=True
    )
    evidence_count = serializers.IntegerField(read_only=True)
    automatic_rule = serializers.SerializerMethodField()
    later_module = serializers.SerializerMethodField()

    class Meta:
        model = ClauseStatus
        fields = [
            "id",
            "organization",
            "requirement",
            "ref",
            "title",
            "status",
            "owner",
            "notes",
            "documented_information",
            "documented_information_note",
            "evidence_count",
            "automatic_rule",
            "later_module",
            "declared_by",
            "declared_at",
            "version",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["organization"]

    def get_automatic_rule(self, obj) -> bool:
        return clause_checks.is_automatic(obj.requirement.ref)

    def get_later_module(self, obj) -> str | None:
        module = clause_checks.later_module(obj.requirement.ref)
        return str(module) if module else None

    def update(self, instance, validated_data):
        changed = [f for f, v in validated_data.items() if getattr(instance, f) != v]
        for name, value in validated_data.items():
            setattr(instance, name, value)
        instance.record_declaration(user=self.context["request"].user, changed=changed)
        return super().update(instance, {})


class ClauseStatusViewSet(RestrictedModelViewSet):
    """The organisation's own status of each assessable clause (one row per clause, kept)."""

    queryset = ClauseStatus.objects.select_related("organization", "requirement", "owner")
    serializer_class = ClauseStatusSerializer
    filterset_class = ClauseStatusFilterSet
    http_method_names = ["get", "put", "patch", "head", "options"]

    def get_queryset(self):
        return services.clause_statuses_with_counts(super().get_queryset())


def register(router) -> None:
    """Add the SoA, clause-status and SoA-version viewsets to the API router."""
    router.register("control-implementations", ControlImplementationViewSet)
    router.register("soa-versions", SoAVersionViewSet)
    router.register("clause-statuses", ClauseStatusViewSet)
