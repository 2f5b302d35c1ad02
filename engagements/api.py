from rest_framework import serializers

from aims.core.api import (
    CleanInputMixin,
    RestrictedModelViewSet,
    RestrictedReadOnlyViewSet,
    TrackedSerializer,
)
from engagements.filters import AuditorAccessFilterSet, EngagementFilterSet
from engagements.models import AuditorAccess, Engagement


class EngagementSerializer(TrackedSerializer):
    class Meta:
        model = Engagement
        fields = [
            "id",
            "organization",
            "name",
            "body",
            "body_name",
            "stage",
            "auditors",
            "starts_on",
            "ends_on",
            "period_from",
            "period_until",
            "whole_aims",
            "ai_systems",
            "clauses",
            "controls",
            "notes",
            "version",
            "created_at",
            "updated_at",
        ]


class EngagementViewSet(RestrictedModelViewSet):
    """Auditor engagements: officers open and change them; an auditor reads their own."""

    queryset = Engagement.objects.select_related("organization").prefetch_related(
        "auditors", "ai_systems", "clauses", "controls"
    )
    serializer_class = EngagementSerializer
    filterset_class = EngagementFilterSet


# ==== The auditor access log (read-only) ==================================================


class AuditorAccessSerializer(CleanInputMixin, serializers.ModelSerializer):
    class Meta:
        model = AuditorAccess
        fields = [
            "id",
            "organization",
            "engagement",
            "engagement_name",
            "user",
            "user_label",
            "at",
            "method",
            "path",
            "kind",
            "status",
            "object_label",
            "request_id",
        ]
        read_only_fields = fields


class AuditorAccessViewSet(RestrictedReadOnlyViewSet):
    """What auditors opened, downloaded and called, newest first: the organisation's people
    read it; auditors do not. Rows are never changed or deleted."""

    queryset = AuditorAccess.objects.all()
    serializer_class = AuditorAccessSerializer
    filterset_class = AuditorAccessFilterSet


def register(router) -> None:
    """Add this app's viewsets to the API router."""
    router.register("engagements", EngagementViewSet)
    router.register("auditor-access-log", AuditorAccessViewSet)
