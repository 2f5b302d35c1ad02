from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, serializers
from rest_framework.decorators import action
from rest_framework.fields import get_error_detail
from rest_framework.response import Response

from aims.core.api import CleanInputMixin, RestrictedModelViewSet, TrackedSerializer
from audits import services
from audits.filters import (
    CorrectiveActionFilterSet,
    IncidentCommunicationFilterSet,
    IncidentFilterSet,
    NonconformityFilterSet,
    OpportunityFilterSet,
)
from audits.models import (
    CorrectiveAction,
    Incident,
    IncidentCommunication,
    Nonconformity,
    Opportunity,
)


class IncidentSerializer(TrackedSerializer):
    reference = serializers.CharField(read_only=True)
    report_due = serializers.DateTimeField(
        read_only=True,
        allow_null=True,
        help_text="When the EU AI Act report is due (null when the duty does not apply).",
    )
    report_state = serializers.SerializerMethodField(
        help_text='"", "due", "overdue", "reported" or "reported_late".'
    )

    class Meta:
        model = Incident
        fields = [
            "id",
            "organization",
            "reference",
            "title",
            "description",
            "severity",
            "status",
            "owner",
            "occurred_at",
            "detected_at",
            "ai_systems",
            "affected_people",
            "affected_count",
            "risks",
            "containment",
            "resolution",
            "serious_incident",
            "aware_at",
            "reported_at",
            "report_reference",
            "report_due",
            "report_state",
            "version",
            "created_at",
            "updated_at",
        ]

    def get_report_state(self, obj: Incident) -> str:
        return obj.report_state()


class IncidentViewSet(RestrictedModelViewSet):
    """AI incidents (A.8.4): severity, the AI systems and people affected, containment,
    links to risks, and the EU AI Act reporting deadline of a serious incident."""

    queryset = Incident.objects.select_related("organization", "owner").prefetch_related(
        "ai_systems", "risks"
    )
    serializer_class = IncidentSerializer
    filterset_class = IncidentFilterSet


class IncidentCommunicationSerializer(TrackedSerializer):
    class Meta:
        model = IncidentCommunication
        fields = [
            "id",
            "incident",
            "audience",
            "channel",
            "message",
            "status",
            "due_on",
            "sent_at",
            "sent_by",
            "version",
            "created_at",
            "updated_at",
        ]


class IncidentCommunicationViewSet(RestrictedModelViewSet):
    """Who is told what about an incident: planned, then logged when done."""

    queryset = IncidentCommunication.objects.select_related("incident", "sent_by")
    serializer_class = IncidentCommunicationSerializer
    filterset_class = IncidentCommunicationFilterSet


class NonconformitySerializer(TrackedSerializer):
    reference = serializers.CharField(read_only=True)

    class Meta:
        model = Nonconformity
        fields = [
            "id",
            "organization",
            "reference",
            "title",
            "description",
            "requirement",
            "severity",
            "source",
            "incident",
            "found_on",
            "ai_systems",
            "owner",
            "correction",
            "root_cause",
            "status",
            "effectiveness",
            "verified_by",
            "verified_on",
            "verification_notes",
            "closed_on",
            "version",
            "created_at",
            "updated_at",
        ]
        read_only_fields = [
            "status",
            "effectiveness",
            "verified_by",
            "verified_on",
            "verification_notes",
            "closed_on",
        ]


class VerifySerializer(CleanInputMixin, serializers.Serializer):
    effective = serializers.BooleanField()
    notes = serializers.CharField(max_length=4000)


class ReopenSerializer(CleanInputMixin, serializers.Serializer):
    reason = serializers.CharField(max_length=2000)


def _decide(viewset, request, serializer_class, call):
    """Run a workflow step on the record the URL names, with the body ``serializer_class``
    validates; a refused step answers 400 (or 403) with its message."""
    record = viewset.get_object()
    payload = serializer_class(data=request.data)
    payload.is_valid(raise_exception=True)
    try:
        result = call(record, payload.validated_data)
    except DjangoValidationError as exc:
        raise exceptions.ValidationError(get_error_detail(exc)) from exc
    except DjangoPermissionDenied as exc:
        raise exceptions.PermissionDenied(str(exc)) from exc
    return Response(viewset.get_serializer(result).data)


class NonconformityViewSet(RestrictedModelViewSet):
    """Nonconformities (10.2). The status follows the corrective actions; ``verify`` records
    the effectiveness check (effective closes it), ``reopen`` brings a closed one back."""

    queryset = Nonconformity.objects.select_related(
        "organization", "owner", "requirement", "verified_by"
    ).prefetch_related("ai_systems")
    serializer_class = NonconformitySerializer
    filterset_class = NonconformityFilterSet

    @extend_schema(request=VerifySerializer)
    @action(detail=True, methods=["post"])
    def verify(self, request, pk=None):
        return _decide(
            self,
            request,
            VerifySerializer,
            lambda nc, data: services.nonconformity_verify(
                nonconformity=nc,
                user=request.user,
                effective=data["effective"],
                notes=data["notes"],
            ),
        )

    @extend_schema(request=ReopenSerializer)
    @action(detail=True, methods=["post"])
    def reopen(self, request, pk=None):
        return _decide(
            self,
            request,
            ReopenSerializer,
            lambda nc, data: services.nonconformity_reopen(
                nonconformity=nc, user=request.user, reason=data["reason"]
            ),
        )


class CorrectiveActionSerializer(TrackedSerializer):
    class Meta:
        model = CorrectiveAction
        fields = [
            "id",
            "nonconformity",
            "description",
            "owner",
            "due_date",
            "status",
            "completed_on",
            "notes",
            "version",
            "created_at",
            "updated_at",
        ]


class CorrectiveActionViewSet(RestrictedModelViewSet):
    """Corrective actions of nonconformities: owner, due date, status."""

    queryset = CorrectiveAction.objects.select_related("nonconformity", "owner")
    serializer_class = CorrectiveActionSerializer
    filterset_class = CorrectiveActionFilterSet


class OpportunitySerializer(TrackedSerializer):
    reference = serializers.CharField(read_only=True)

    class Meta:
        model = Opportunity
        fields = [
            "id",
            "organization",
            "reference",
            "title",
            "description",
            "source",
            "incident",
            "requirement",
            "ai_systems",
            "raised_by",
            "raised_on",
            "owner",
            "due_date",
            "status",
            "decision_notes",
            "decided_by",
            "decided_on",
            "outcome",
            "implemented_on",
            "version",
            "created_at",
            "updated_at",
        ]
        read_only_fields = [
            "raised_by",
            "status",
            "decision_notes",
            "decided_by",
            "decided_on",
            "outcome",
            "implemented_on",
        ]


class DecideSerializer(CleanInputMixin, serializers.Serializer):
    accept = serializers.BooleanField()
    notes = serializers.CharField(max_length=4000)


class ImplementSerializer(CleanInputMixin, serializers.Serializer):
    outcome = serializers.CharField(max_length=4000)
    implemented_on = serializers.DateField(required=False, allow_null=True)


class OpportunityViewSet(RestrictedModelViewSet):
    """Opportunities for improvement (10.1): anyone with a role suggests; ``decide`` takes
    one up or not (officer, administrator); ``implement`` records what it brought."""

    queryset = Opportunity.objects.select_related(
        "organization", "owner", "raised_by", "decided_by"
    ).prefetch_related("ai_systems")
    serializer_class = OpportunitySerializer
    filterset_class = OpportunityFilterSet

    def create_instance(self, serializer) -> None:
        data = dict(serializer.validated_data)
        systems = data.pop("ai_systems", [])
        try:
            serializer.instance = services.opportunity_raise(
                opportunity=Opportunity(**data), actor=self.request.user
            )
        except DjangoValidationError as exc:
            raise exceptions.ValidationError(get_error_detail(exc)) from exc
        serializer.instance.ai_systems.set(systems)

    @extend_schema(request=DecideSerializer)
    @action(detail=True, methods=["post"])
    def decide(self, request, pk=None):
        return _decide(
            self,
            request,
            DecideSerializer,
            lambda item, data: services.opportunity_decide(
                opportunity=item, user=request.user, accept=data["accept"], notes=data["notes"]
            ),
        )

    @extend_schema(request=ImplementSerializer)
    @action(detail=True, methods=["post"])
    def implement(self, request, pk=None):
        return _decide(
            self,
            request,
            ImplementSerializer,
            lambda item, data: services.opportunity_implement(
                opportunity=item,
                user=request.user,
                outcome=data["outcome"],
                implemented_on=data.get("implemented_on"),
            ),
        )


def register(router) -> None:
    """Add this app's viewsets to the API router."""
    router.register("incidents", IncidentViewSet)
    router.register("incident-communications", IncidentCommunicationViewSet)
    router.register("nonconformities", NonconformityViewSet)
    router.register("corrective-actions", CorrectiveActionViewSet)
    router.register("improvements", OpportunityViewSet)
