from rest_framework import serializers

from aims.core.api import RestrictedModelViewSet, TrackedSerializer
from audits.filters import IncidentCommunicationFilterSet, IncidentFilterSet
from audits.models import Incident, IncidentCommunication


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


def register(router) -> None:
    """Add this app's viewsets to the API router."""
    router.register("incidents", IncidentViewSet)
    router.register("incident-communications", IncidentCommunicationViewSet)
