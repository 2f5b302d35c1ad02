from django.utils.translation import gettext as _
from rest_framework import serializers

from aims.core.api import (
    CleanInputMixin,
    RestrictedModelViewSet,
    RestrictedReadOnlyViewSet,
    TrackedSerializer,
)
from engagements import services
from engagements.filters import AuditorAccessFilterSet, EngagementFilterSet
from engagements.models import AuditorAccess, Engagement


class EngagementSerializer(TrackedSerializer):
    invite = serializers.ListField(
        child=serializers.EmailField(),
        write_only=True,
        required=False,
        max_length=20,
        help_text="E-mail addresses to put on the engagement as auditors; people without an "
        "account get one with the auditor role and an e-mail to set a password.",
    )
    state = serializers.CharField(read_only=True, help_text="upcoming, open or ended, today.")

    def validate(self, attrs):
        invite = attrs.pop("invite", [])
        attrs = super().validate(attrs)
        whole = attrs.get("whole_aims", getattr(self.instance, "whole_aims", True))

        def chosen(name: str) -> bool:
            if name in attrs:
                return bool(attrs[name])
            return self.instance is not None and getattr(self.instance, name).exists()

        if not whole and not any(chosen(n) for n in ("ai_systems", "clauses", "controls")):
            raise serializers.ValidationError(
                {
                    "whole_aims": _(
                        "Choose the AI systems, clauses or controls the auditors may see, or "
                        "the whole AIMS."
                    )
                }
            )
        attrs["invite"] = list(dict.fromkeys(email.lower() for email in invite))
        return attrs

    def save(self, **kwargs):
        invite = self.validated_data.pop("invite", [])
        engagement = super().save(**kwargs)
        request = self.context["request"]
        services.engagement_invite_auditors(
            engagement=engagement, emails=invite, actor=request.user, request=request
        )
        return engagement

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
            "invite",
            "state",
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
