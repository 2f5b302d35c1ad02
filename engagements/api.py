from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.response import Response

from aims.core.api import (
    CleanInputMixin,
    ReachableRelatedField,
    RestrictedModelViewSet,
    RestrictedReadOnlyViewSet,
    TrackedSerializer,
    etag_for,
)
from aims.core.exceptions import validation_error_to_dict
from aims.core.permissions import auditor_adds
from aims.evidence.models import EvidenceItem
from engagements import services
from engagements.filters import (
    AuditorAccessFilterSet,
    EngagementFilterSet,
    InformationRequestFilterSet,
    InformationRequestMessageFilterSet,
)
from engagements.models import (
    AuditorAccess,
    Engagement,
    InformationRequest,
    InformationRequestMessage,
)


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


# ==== Information requests =================================================================


class InformationRequestMessageSerializer(TrackedSerializer):
    class Meta:
        model = InformationRequestMessage
        fields = ["id", "request", "author", "body", "evidence", "created_at"]
        read_only_fields = fields


class AskedByField(ReachableRelatedField):
    """The people the caller may name, and the caller: an auditor names themselves."""

    def get_queryset(self):
        queryset = super().get_queryset()
        request = self.context.get("request")
        if request is None:
            return queryset
        return queryset | get_user_model().objects.filter(pk=request.user.pk, is_active=True)


class InformationRequestSerializer(TrackedSerializer):
    asked_by = AskedByField(queryset=get_user_model().objects.all(), required=False)
    reference = serializers.CharField(read_only=True)
    is_overdue = serializers.BooleanField(read_only=True)
    messages = InformationRequestMessageSerializer(many=True, read_only=True)

    class Meta:
        model = InformationRequest
        fields = [
            "id",
            "organization",
            "engagement",
            "reference",
            "title",
            "details",
            "asked_by",
            "due_on",
            "status",
            "is_overdue",
            "clause",
            "control",
            "ai_system",
            "risk",
            "answered_at",
            "closed_at",
            "closed_by",
            "messages",
            "version",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["organization", "status", "answered_at", "closed_at", "closed_by"]

    def validate(self, attrs):
        engagement = attrs.get("engagement")
        if engagement is not None:
            # The request belongs to its engagement's organisation.
            attrs["organization"] = engagement.organization
        if "asked_by" not in attrs and engagement is not None:
            user = self.context["request"].user
            candidate = InformationRequest(engagement=engagement)
            if not auditor_adds(user, candidate):
                raise serializers.ValidationError({"asked_by": ["Name the auditor who asked."]})
            attrs["asked_by"] = user  # an auditor asks in their own name
        return super().validate(attrs)


class InformationReplySerializer(CleanInputMixin, serializers.Serializer):
    body = serializers.CharField(allow_blank=True, required=False, default="")
    evidence = ReachableRelatedField(queryset=EvidenceItem.objects.all(), many=True, required=False)


class InformationRequestViewSet(RestrictedModelViewSet):
    """Information requests of auditor engagements: an auditor asks and follows up, the
    organisation answers (``reply``, with evidence) and closes; nobody edits or deletes."""

    http_method_names = ["get", "post", "head", "options"]
    queryset = InformationRequest.objects.select_related("organization").prefetch_related(
        "messages__evidence"
    )
    serializer_class = InformationRequestSerializer
    filterset_class = InformationRequestFilterSet

    def create_instance(self, serializer) -> None:
        data = serializer.validated_data
        try:
            serializer.instance = services.request_ask(
                engagement=data["engagement"],
                user=self.request.user,
                title=data.get("title", ""),
                details=data.get("details", ""),
                due_on=data.get("due_on"),
                asked_by=data.get("asked_by"),
                clause=data.get("clause"),
                control=data.get("control"),
                ai_system=data.get("ai_system"),
                risk=data.get("risk"),
            )
        except DjangoValidationError as exc:
            raise serializers.ValidationError(validation_error_to_dict(exc)) from exc

    def _respond(self, request_obj: InformationRequest, status: int = 200) -> Response:
        shown = self.get_queryset().get(pk=request_obj.pk)
        response = Response(self.get_serializer(shown).data, status=status)
        response["ETag"] = etag_for(shown)
        return response

    def _run(self, service, **kwargs) -> Response:
        try:
            result = service(request=self.get_object(), user=self.request.user, **kwargs)
        except DjangoValidationError as exc:
            raise serializers.ValidationError(validation_error_to_dict(exc)) from exc
        return self._respond(getattr(result, "request", result))

    @extend_schema(request=InformationReplySerializer, responses=InformationRequestSerializer)
    @action(detail=True, methods=["post"])
    def reply(self, request, pk=None):
        """Add a message to the thread. The organisation's reply (``evidence``: ids of its
        evidence items) marks the request answered; an auditor's follow-up on an answered
        request opens it again. 400 on a closed request."""
        data = InformationReplySerializer(data=request.data, context={"request": request})
        data.is_valid(raise_exception=True)
        return self._run(
            services.request_reply,
            body=data.validated_data.get("body", ""),
            evidence=data.validated_data.get("evidence", []),
        )

    @extend_schema(request=None, responses=InformationRequestSerializer)
    @action(detail=True, methods=["post"])
    def close(self, request, pk=None):
        """Close the request (officers): the thread stays readable, takes no more messages."""
        return self._run(services.request_close)

    @extend_schema(request=None, responses=InformationRequestSerializer)
    @action(detail=True, methods=["post"])
    def reopen(self, request, pk=None):
        """Open a closed request again (officers)."""
        return self._run(services.request_reopen)


class InformationRequestMessageViewSet(RestrictedReadOnlyViewSet):
    """The messages of the information requests the caller sees (``?request=``)."""

    queryset = InformationRequestMessage.objects.select_related("request").prefetch_related(
        "evidence"
    )
    serializer_class = InformationRequestMessageSerializer
    filterset_class = InformationRequestMessageFilterSet


def register(router) -> None:
    """Add this app's viewsets to the API router."""
    router.register("engagements", EngagementViewSet)
    router.register("auditor-access-log", AuditorAccessViewSet)
    router.register("information-requests", InformationRequestViewSet)
    router.register("information-request-messages", InformationRequestMessageViewSet)
