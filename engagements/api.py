from aims.core.api import RestrictedModelViewSet, TrackedSerializer
from engagements.filters import EngagementFilterSet
from engagements.models import Engagement


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


def register(router) -> None:
    """Add this app's viewsets to the API router."""
    router.register("engagements", EngagementViewSet)
