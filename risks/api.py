"""REST API: ``risks`` (+ accept, withdraw, rescore), ``treatment-actions``, ``risk-assessments`` (+ approve, compare),
``risk-criteria`` (versions: read, and create = a new current version) and ``risk-library``."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions, permissions, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from aims.core.api import (
    CleanInputMixin,
    ReachableRelatedField,
    RestrictedModelViewSet,
    TrackedSerializer,
    etag_for,
)
from aims.core.exceptions import validation_error_to_dict
from aims.core.permissions import Action, can
from risks import services
from risks.filters import (
    RiskAssessmentFilterSet,
    RiskCriteriaFilterSet,
    RiskFilterSet,
    TreatmentActionFilterSet,
)
from risks.library import LIBRARY
from risks.models import (
    IMPACT_FIELDS,
    Risk,
    RiskAssessment,
    RiskCriteria,
    TreatmentAction,
    risk_impact_from_consequences,
)
from risks.selectors import risk_api_rows, risk_api_values

LEVEL_FIELDS = [
    "inherent_score",
    "inherent_level",
    "inherent_rank",
    "residual_score",
    "residual_level",
    "residual_rank",
]


CRITERIA_TABLES = ("likelihood_levels", "impact_levels", "bands", "matrix")


class RiskSerializer(TrackedSerializer):
    reference = serializers.CharField(read_only=True)
    criteria_version = serializers.IntegerField(source="criteria.number", read_only=True)
    rescore_offered = serializers.BooleanField(read_only=True)
    is_review_overdue = serializers.BooleanField(read_only=True)

    class Meta:
        model = Risk
        fields = [
            "id",
            "organization",
            "reference",
            "number",
            "kind",
            "title",
            "description",
            "ai_systems",
            "risk_sources",
            "objectives",
            "consequences_organization",
            "consequences_individuals",
            "consequences_society",
            *IMPACT_FIELDS,
            "criteria",
            "criteria_version",
            "rescore_offered",
            "inherent_likelihood",
            "inherent_impact",
            *LEVEL_FIELDS[:3],
            "existing_controls",
            "owner",
            "status",
            "treatment_option",
            "controls",
            "evidence",
            "residual_likelihood",
            "residual_impact",
            *LEVEL_FIELDS[3:],
            "residual_rationale",
            "accepted_by",
            "accepted_at",
            "acceptance_rationale",
            "acceptance_expires",
            "review_interval_months",
            "next_review_date",
            "is_review_overdue",
            "library_code",
            "version",
            "created_at",
            "updated_at",
        ]
        read_only_fields = [
            "number",
            "criteria",
            *LEVEL_FIELDS,
            "accepted_by",
            "accepted_at",
            "acceptance_rationale",
            "acceptance_expires",
            "library_code",
        ]
        # Worked out from the consequence scores when they are given (see validate).
        extra_kwargs = {"inherent_impact": {"required": False}}

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if self.instance is not None and attrs.get("organization") not in (
            None,
            self.instance.organization,
        ):
            # Its criteria, controls, evidence and AI systems belong to its organisation.
            raise serializers.ValidationError(
                {"organization": ["A risk cannot be moved to another organisation."]}
            )
        organization = attrs.get("organization") or getattr(self.instance, "organization", None)
        if self.instance is None and organization is not None:
            # New risks are scored with the organisation's current criteria.
            attrs["criteria"] = services.risk_criteria_current(organization=organization)
        criteria = attrs.get("criteria") or getattr(self.instance, "criteria", None)
        if criteria is not None:
            scores = {
                name: attrs[name] if name in attrs else getattr(self.instance, name, None)
                for name in IMPACT_FIELDS
            }
            try:
                impact = risk_impact_from_consequences(
                    criteria,
                    scores,
                    requested=attrs.get("inherent_impact"),
                    previous=getattr(self.instance, "inherent_impact", None),
                )
            except DjangoValidationError as exc:
                raise serializers.ValidationError(validation_error_to_dict(exc)) from exc
            if impact is not None:
                attrs["inherent_impact"] = impact
        if self.instance is None and attrs.get("inherent_impact") is None:
            raise serializers.ValidationError(
                {
                    "inherent_impact": [
                        "This field is required unless the consequences are scored "
                        "(impact_organization, impact_individuals, impact_society)."
                    ]
                }
            )
        if organization is not None:
            for name in ("ai_systems", "controls", "evidence"):
                if any(item.organization_id != organization.pk for item in attrs.get(name) or []):
                    raise serializers.ValidationError(
                        {name: ["Choose records of the risk's own organisation."]}
                    )
        for name, kind in (
            ("risk_sources", "annex_c_risk_source"),
            ("objectives", "annex_c_objective"),
        ):
            if any(req.kind != kind for req in attrs.get(name) or []):
                raise serializers.ValidationError({name: [f"Choose catalog items of kind {kind}."]})
        return super().validate(attrs)


class TreatmentActionSerializer(TrackedSerializer):
    is_overdue = serializers.BooleanField(read_only=True)

    class Meta:
        model = TreatmentAction
        fields = [
            "id",
            "risk",
            "title",
            "description",
            "owner",
            "due_date",
            "status",
            "completed_on",
            "is_overdue",
            "version",
            "created_at",
            "updated_at",
        ]


class RiskAssessmentSerializer(TrackedSerializer):
    class Meta:
        model = RiskAssessment
        fields = [
            "id",
            "organization",
            "title",
            "scope",
            "method",
            "ai_systems",
            "participants",
            "other_participants",
            "assessed_on",
            "status",
            "criteria",
            "author",
            "approved_by",
            "approved_at",
            "snapshot",
            "summary",
            "version",
            "created_at",
            "updated_at",
        ]
        read_only_fields = [
            "status",
            "criteria",
            "author",
            "approved_by",
            "approved_at",
            "snapshot",
            "summary",
        ]

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if self.instance is not None and self.instance.is_frozen:
            raise serializers.ValidationError(
                {"non_field_errors": ["This assessment is approved; its record cannot be changed."]}
            )
        organization = attrs.get("organization") or getattr(self.instance, "organization", None)
        if organization is not None and any(
            s.organization_id != organization.pk for s in attrs.get("ai_systems") or []
        ):
            raise serializers.ValidationError(
                {"ai_systems": ["Choose AI systems of the assessment's own organisation."]}
            )
        # Participants are checked with every other person field (TrackedSerializer).
        return super().validate(attrs)


class RiskCriteriaSerializer(CleanInputMixin, serializers.ModelSerializer):
    """A criteria version. Creating one saves a new current version through the service."""

    serializer_related_field = ReachableRelatedField
    version = serializers.IntegerField(read_only=True)

    class Meta:
        model = RiskCriteria
        fields = [
            "id",
            "organization",
            "number",
            "is_current",
            "name",
            "likelihood_levels",
            "impact_levels",
            "bands",
            "matrix",
            "acceptance_band",
            "acceptance_approver",
            "impact_rule",
            "change_summary",
            "created_by",
            "version",
            "created_at",
        ]
        read_only_fields = ["number", "is_current", "created_by"]
        validators: list = []  # the service numbers the version and moves "current"


class RiskAcceptSerializer(CleanInputMixin, serializers.Serializer):
    rationale = serializers.CharField(help_text="Why the residual risk is acceptable.")
    expires = serializers.DateField(required=False, allow_null=True)


class RiskRescoreSerializer(CleanInputMixin, serializers.Serializer):
    inherent_likelihood = serializers.IntegerField()
    inherent_impact = serializers.IntegerField(
        required=False,
        allow_null=True,
        help_text="Required unless the consequences are scored (then it follows from them).",
    )
    impact_organization = serializers.IntegerField(required=False, allow_null=True)
    impact_individuals = serializers.IntegerField(required=False, allow_null=True)
    impact_society = serializers.IntegerField(required=False, allow_null=True)
    residual_likelihood = serializers.IntegerField(required=False, allow_null=True)
    residual_impact = serializers.IntegerField(required=False, allow_null=True)
    residual_rationale = serializers.CharField(required=False, allow_blank=True)


class RiskViewSet(RestrictedModelViewSet):
    # The criteria's scales and matrix are not shown here.
    queryset = Risk.objects.select_related("criteria").defer(
        *(f"criteria__{name}" for name in CRITERIA_TABLES)
    )
    serializer_class = RiskSerializer
    filterset_class = RiskFilterSet

    def list(self, request, *args, **kwargs):
        # The page is serialised by risks.selectors (values and one query on the link tables),
        # to RiskSerializer's output: a page of 500 through DRF took most of a second.
        fields = self.get_serializer_class().Meta.fields
        values = risk_api_values(self.filter_queryset(self.get_queryset()), fields=fields)
        page = self.paginate_queryset(values)
        rows = risk_api_rows(list(values) if page is None else page, fields=fields)
        return self.get_paginated_response(rows) if page is not None else Response(rows)

    def _risk_to_change(self) -> Risk:
        risk = self.get_object()
        if not can(self.request.user, Action.CHANGE, risk):
            raise exceptions.PermissionDenied("Your role does not allow changing this risk.")
        return risk

    def _respond(self, risk: Risk) -> Response:
        risk = self.get_queryset().get(pk=risk.pk)
        response = Response(self.get_serializer(risk).data)
        response["ETag"] = etag_for(risk)
        return response

    @extend_schema(request=RiskAcceptSerializer, responses=RiskSerializer)
    @action(detail=True, methods=["post"])
    def accept(self, request, pk=None):
        """Accept the residual risk. Above the criteria's threshold only the designated
        approver may (403 with the reason otherwise)."""
        risk = self._risk_to_change()
        data = RiskAcceptSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            risk = services.risk_accept(
                risk=risk,
                user=request.user,
                rationale=data.validated_data["rationale"],
                expires=data.validated_data.get("expires"),
            )
        except DjangoValidationError as exc:
            raise serializers.ValidationError(validation_error_to_dict(exc)) from exc
        return self._respond(risk)

    @extend_schema(request=None, responses=RiskSerializer)
    @action(detail=True, methods=["post"])
    def withdraw(self, request, pk=None):
        """Withdraw the acceptance of the residual risk."""
        risk = self._risk_to_change()
        try:
            risk = services.risk_acceptance_withdraw(risk=risk, user=request.user)
        except DjangoValidationError as exc:
            raise serializers.ValidationError(validation_error_to_dict(exc)) from exc
        return self._respond(risk)

    @extend_schema(request=RiskRescoreSerializer, responses=RiskSerializer)
    @action(detail=True, methods=["post"])
    def rescore(self, request, pk=None):
        """Score the risk again with the organisation's current criteria."""
        risk = self._risk_to_change()
        data = RiskRescoreSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            risk = services.risk_rescore(risk=risk, user=request.user, **data.validated_data)
        except DjangoValidationError as exc:
            raise serializers.ValidationError(validation_error_to_dict(exc)) from exc
        return self._respond(risk)


class TreatmentActionViewSet(RestrictedModelViewSet):
    queryset = TreatmentAction.objects.select_related("risk", "owner")
    serializer_class = TreatmentActionSerializer
    filterset_class = TreatmentActionFilterSet


class RiskAssessmentViewSet(RestrictedModelViewSet):
    queryset = RiskAssessment.objects.select_related("organization").prefetch_related(
        "ai_systems", "participants"
    )
    serializer_class = RiskAssessmentSerializer
    filterset_class = RiskAssessmentFilterSet

    def create_instance(self, serializer) -> None:
        serializer.save(author=self.request.user)

    def destroy(self, request, *args, **kwargs):
        instance = self.get_object()
        if instance.is_frozen:
            raise serializers.ValidationError(
                {"non_field_errors": ["This assessment is approved; it cannot be deleted."]}
            )
        return super().destroy(request, *args, **kwargs)

    @extend_schema(request=None, responses=RiskAssessmentSerializer)
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        """Approve the draft: freezes its scope, participants and a copy of the register."""
        assessment = self.get_object()
        try:
            approved = services.risk_assessment_approve(assessment=assessment, user=request.user)
        except DjangoValidationError as exc:
            raise serializers.ValidationError(validation_error_to_dict(exc)) from exc
        return Response(self.get_serializer(approved).data)

    @extend_schema(
        parameters=[
            OpenApiParameter("with", OpenApiTypes.INT, description="The earlier assessment's id")
        ],
        responses=OpenApiTypes.OBJECT,
    )
    @action(detail=True, methods=["get"])
    def compare(self, request, pk=None):
        """New, closed and changed risks between ``?with=<earlier id>`` and this assessment."""
        new = self.get_object()
        other_id = request.query_params.get("with", "")
        if not other_id.isdigit():
            raise serializers.ValidationError({"with": ["Give the id of the other assessment."]})
        old = get_object_or_404(self.get_queryset(), pk=int(other_id))
        try:
            diff = services.risk_assessments_compare(old=old, new=new)
        except DjangoValidationError as exc:
            raise serializers.ValidationError(validation_error_to_dict(exc)) from exc
        return Response({"old": old.pk, "new": new.pk, **diff})


class RiskCriteriaViewSet(RestrictedModelViewSet):
    """Versions are never changed or deleted; POST saves a new current version."""

    http_method_names = ["get", "post", "head", "options"]
    queryset = RiskCriteria.objects.select_related("organization")
    serializer_class = RiskCriteriaSerializer
    filterset_class = RiskCriteriaFilterSet

    def create_instance(self, serializer) -> None:
        data = dict(serializer.validated_data)
        organization = data.pop("organization")
        try:
            serializer.instance = services.risk_criteria_revise(
                organization=organization, user=self.request.user, **data
            )
        except DjangoValidationError as exc:
            raise serializers.ValidationError(validation_error_to_dict(exc)) from exc


class RiskLibraryViewSet(viewsets.ViewSet):
    """The built-in library of common AI risks (read-only reference data)."""

    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(responses=OpenApiTypes.OBJECT)
    def list(self, request):
        source = request.query_params.get("source")
        category = request.query_params.get("category")
        items = [
            asdict(item)
            for item in LIBRARY
            if (not source or source in item.risk_sources)
            and (not category or item.category == category)
        ]
        return Response({"count": len(items), "next": None, "previous": None, "results": items})


def register(router) -> None:
    """Add this app's viewsets to the API router."""
    router.register("risks", RiskViewSet)
    router.register("treatment-actions", TreatmentActionViewSet)
    router.register("risk-assessments", RiskAssessmentViewSet)
    router.register("risk-criteria", RiskCriteriaViewSet)
    router.register("risk-library", RiskLibraryViewSet, basename="risklibrary")
