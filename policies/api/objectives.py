"""API of the objectives area: ``objectives``, ``objective-measurements`` (which an
integration may push with a read-write token) and ``communication-items``."""

from __future__ import annotations

from contextlib import contextmanager
from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError, transaction
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import exceptions, serializers
from rest_framework.decorators import action
from rest_framework.response import Response

from aims.core.api import CleanInputMixin, RestrictedModelViewSet, TrackedSerializer
from aims.core.exceptions import validation_error_to_dict
from policies.filters.objectives import (
    AIObjectiveFilterSet,
    CommunicationItemFilterSet,
    KPIMeasurementFilterSet,
)
from policies.kpis import KPIStatus
from policies.models import AIObjective, CommunicationItem, KPIMeasurement, MeasurementSource
from policies.services.objectives import (
    communication_mark_done,
    duplicate_day,
    duplicate_day_error,
)


class AIObjectiveSerializer(TrackedSerializer):
    kpi_status = serializers.SerializerMethodField(
        help_text="on_track, at_risk, off_track, overdue (no measurement in its period) or "
        "not_measured, from the latest measurement against the target."
    )
    latest_value = serializers.SerializerMethodField()
    latest_measured_on = serializers.SerializerMethodField()
    target_label = serializers.CharField(read_only=True)

    class Meta:
        model = AIObjective
        fields = [
            "id",
            "organization",
            "title",
            "description",
            "guides",
            "annex_c_objectives",
            "metric",
            "unit",
            "direction",
            "target_value",
            "target_upper",
            "at_risk_margin",
            "target_label",
            "owner",
            "due_date",
            "frequency",
            "plan_actions",
            "plan_resources",
            "plan_responsible",
            "plan_timeline",
            "plan_evaluation",
            "status",
            "review_interval_months",
            "next_review_date",
            "kpi_status",
            "latest_value",
            "latest_measured_on",
            "version",
            "created_at",
            "updated_at",
        ]

    @extend_schema_field(serializers.ChoiceField(choices=KPIStatus.choices))
    def get_kpi_status(self, obj: AIObjective) -> str:
        return obj.kpi_status

    @extend_schema_field(serializers.DecimalField(max_digits=18, decimal_places=4, allow_null=True))
    def get_latest_value(self, obj: AIObjective) -> str | None:
        value, _on = obj.latest()
        return None if value is None else str(value)

    @extend_schema_field(serializers.DateField(allow_null=True))
    def get_latest_measured_on(self, obj: AIObjective) -> str | None:
        _value, on = obj.latest()
        return on.isoformat() if on else None


class ObjectiveUnitField(serializers.CharField):
    """Reads as the objective's unit; a client may send it with a value, and then it must
    name the objective's unit (checked in ``KPIMeasurementSerializer.validate``)."""

    def __init__(self, **kwargs: Any):
        super().__init__(source="*", required=False, allow_blank=True, max_length=30, **kwargs)

    def to_representation(self, value: KPIMeasurement) -> str:
        return value.objective.unit

    def to_internal_value(self, data: Any) -> dict[str, str]:
        return {SENT_UNIT: super().to_internal_value(data)}


SENT_UNIT = "_sent_unit"


class KPIMeasurementSerializer(TrackedSerializer):
    organization = serializers.IntegerField(source="objective.organization_id", read_only=True)
    unit = ObjectiveUnitField(
        help_text="The objective's unit. A value sent with a unit must name this one."
    )

    class Meta:
        model = KPIMeasurement
        fields = [
            "id",
            "organization",
            "objective",
            "measured_on",
            "value",
            "unit",
            "note",
            "source",
            "entered_by",
            "version",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["source", "entered_by"]

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        objective = attrs.get("objective") or getattr(self.instance, "objective", None)
        sent = (attrs.pop(SENT_UNIT, None) or "").strip()  # blank: not sent
        if objective is not None and sent and sent != objective.unit:
            raise serializers.ValidationError(
                {
                    "unit": [
                        f"This objective is measured in “{objective.unit}”: send the value "
                        "in that unit (or leave the unit out)."
                    ]
                }
            )
        return super().validate(attrs)


class CommunicationItemSerializer(TrackedSerializer):
    is_overdue = serializers.BooleanField(read_only=True)

    class Meta:
        model = CommunicationItem
        fields = [
            "id",
            "organization",
            "subject",
            "details",
            "kind",
            "audience",
            "channel",
            "frequency",
            "owner",
            "last_done",
            "next_due",
            "is_overdue",
            "version",
            "created_at",
            "updated_at",
        ]


class CommunicationDoneSerializer(CleanInputMixin, serializers.Serializer):
    on = serializers.DateField(required=False, help_text="Default: today.")


class AIObjectiveViewSet(RestrictedModelViewSet):
    queryset = (
        AIObjective.objects.with_latest()
        .select_related("organization", "owner")
        .prefetch_related("annex_c_objectives")
    )
    serializer_class = AIObjectiveSerializer
    filterset_class = AIObjectiveFilterSet


class KPIMeasurementViewSet(RestrictedModelViewSet):
    queryset = KPIMeasurement.objects.select_related("objective")
    serializer_class = KPIMeasurementSerializer
    filterset_class = KPIMeasurementFilterSet

    def create_instance(self, serializer) -> None:
        with self._one_per_day():
            serializer.save(entered_by=self.request.user, source=MeasurementSource.API)

    def perform_update(self, serializer) -> None:
        with self._one_per_day():
            super().perform_update(serializer)

    @contextmanager
    def _one_per_day(self):
        """A value for a day another request filled meanwhile: 400 on ``measured_on``."""
        try:
            with transaction.atomic():
                yield
        except IntegrityError as exc:
            if not duplicate_day(exc):
                raise
            raise exceptions.ValidationError(
                validation_error_to_dict(duplicate_day_error())
            ) from exc


class CommunicationItemViewSet(RestrictedModelViewSet):
    queryset = CommunicationItem.objects.select_related("organization", "owner")
    serializer_class = CommunicationItemSerializer
    filterset_class = CommunicationItemFilterSet

    @extend_schema(request=CommunicationDoneSerializer, responses=CommunicationItemSerializer)
    @action(detail=True, methods=["post"])
    def done(self, request, pk=None):
        """Record that the communication took place (today, or ``on``)."""
        item = self.get_object()
        data = CommunicationDoneSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            item = communication_mark_done(
                item=item, user=request.user, on=data.validated_data.get("on")
            )
        except DjangoPermissionDenied as exc:
            raise exceptions.PermissionDenied(str(exc)) from exc
        except DjangoValidationError as exc:
            raise exceptions.ValidationError(validation_error_to_dict(exc)) from exc
        return Response(self.get_serializer(item).data)


def register(router) -> None:
    router.register("objectives", AIObjectiveViewSet)
    router.register("objective-measurements", KPIMeasurementViewSet)
    router.register("communication-items", CommunicationItemViewSet)
