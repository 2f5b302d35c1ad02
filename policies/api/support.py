"""API of the support area: ``aims-resources``, ``planned-changes`` (with ``approve``,
``reject`` and ``implement``), ``retention-rules``, ``documented-information`` (the register,
read-only), ``outside-documents``, ``concern-channels`` and ``concerns`` (with ``review``,
``close`` and ``reopen``). No concern ever carries who raised it: ``raised_by_me`` tells the
caller only about themselves."""

from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import exceptions, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from aims.core.api import CleanInputMixin, RestrictedModelViewSet, TrackedSerializer
from aims.core.exceptions import validation_error_to_dict
from aims.core.permissions import Action, can, organization_by_slug, role_in
from aims.core.tenancy import Organization
from policies.documented import record_type_choices
from policies.filters.support import (
    AIMSResourceFilterSet,
    ConcernChannelFilterSet,
    ConcernFilterSet,
    OutsideDocumentFilterSet,
    PlannedChangeFilterSet,
    RetentionRuleFilterSet,
)
from policies.models.support import (
    AIMSResource,
    Concern,
    ConcernChannel,
    ConcernStatus,
    OutsideDocument,
    PlannedChange,
    ReporterRelationship,
    RetentionRule,
)
from policies.services import support as services


def _refused(exc: DjangoValidationError) -> exceptions.ValidationError:
    return exceptions.ValidationError(validation_error_to_dict(exc))


class AIMSResourceSerializer(TrackedSerializer):
    review_overdue = serializers.BooleanField(read_only=True)

    class Meta:
        model = AIMSResource
        fields = [
            "id",
            "organization",
            "name",
            "kind",
            "description",
            "quantity",
            "owner",
            "status",
            "review_date",
            "review_overdue",
            "ai_systems",
            "notes",
            "version",
            "created_at",
            "updated_at",
        ]


class AIMSResourceViewSet(RestrictedModelViewSet):
    queryset = AIMSResource.objects.select_related("organization", "owner").prefetch_related(
        "ai_systems"
    )
    serializer_class = AIMSResourceSerializer
    filterset_class = AIMSResourceFilterSet


class PlannedChangeSerializer(TrackedSerializer):
    class Meta:
        model = PlannedChange
        fields = [
            "id",
            "organization",
            "title",
            "purpose",
            "consequences",
            "resources_needed",
            "responsibilities",
            "responsible",
            "planned_date",
            "status",
            "proposed_by",
            "decided_by",
            "decided_at",
            "decision_note",
            "implemented_on",
            "implementation_note",
            "version",
            "created_at",
            "updated_at",
        ]
        read_only_fields = [
            "status",
            "proposed_by",
            "decided_by",
            "decided_at",
            "decision_note",
            "implemented_on",
            "implementation_note",
        ]


DECISION = inline_serializer(
    "PlannedChangeDecision", {"note": serializers.CharField(required=False)}
)
IMPLEMENTATION = inline_serializer(
    "PlannedChangeImplementation",
    {
        "implemented_on": serializers.DateField(required=False),
        "note": serializers.CharField(required=False),
    },
)


class PlannedChangeViewSet(RestrictedModelViewSet):
    queryset = PlannedChange.objects.select_related("organization")
    serializer_class = PlannedChangeSerializer
    filterset_class = PlannedChangeFilterSet

    def create_instance(self, serializer) -> None:
        serializer.save(proposed_by=self.request.user)

    def perform_update(self, serializer) -> None:
        if not serializer.instance.is_editable:
            raise exceptions.ValidationError(
                {
                    "non_field_errors": [
                        "Only a proposed change can be edited; this one was already decided."
                    ]
                }
            )
        super().perform_update(serializer)

    def _act(self, request, service, **extra):
        change = self.get_object()
        if not can(request.user, Action.APPROVE, change):
            raise exceptions.PermissionDenied("Your role does not allow deciding on changes.")
        try:
            result = service(change=change, actor=request.user, **extra)
        except DjangoValidationError as exc:
            raise _refused(exc) from exc
        return Response(self.get_serializer(result).data)

    @extend_schema(request=DECISION)
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        return self._act(
            request, services.planned_change_approve, note=str(request.data.get("note", ""))
        )

    @extend_schema(request=DECISION)
    @action(detail=True, methods=["post"])
    def reject(self, request, pk=None):
        return self._act(
            request, services.planned_change_reject, note=str(request.data.get("note", ""))
        )

    @extend_schema(request=IMPLEMENTATION)
    @action(detail=True, methods=["post"])
    def implement(self, request, pk=None):
        field = serializers.DateField(required=False, allow_null=True)
        raw = request.data.get("implemented_on")
        try:
            day = field.run_validation(raw) if raw not in (None, "") else None
        except exceptions.ValidationError as exc:
            raise exceptions.ValidationError({"implemented_on": exc.detail}) from exc
        return self._act(
            request,
            services.planned_change_implement,
            implemented_on=day,
            note=str(request.data.get("note", "")),
        )


class RetentionRuleSerializer(TrackedSerializer):
    record_type = serializers.ChoiceField(choices=())
    record_type_label = serializers.CharField(read_only=True)

    class Meta:
        model = RetentionRule
        fields = [
            "id",
            "organization",
            "record_type",
            "record_type_label",
            "retention_months",
            "disposal_method",
            "owner",
            "notes",
            "version",
            "created_at",
            "updated_at",
        ]

    def get_fields(self):
        fields = super().get_fields()
        fields["record_type"].choices = record_type_choices()
        return fields


class RetentionRuleViewSet(RestrictedModelViewSet):
    queryset = RetentionRule.objects.select_related("organization", "owner")
    serializer_class = RetentionRuleSerializer
    filterset_class = RetentionRuleFilterSet


class OutsideDocumentSerializer(TrackedSerializer):
    class Meta:
        model = OutsideDocument
        fields = [
            "id",
            "organization",
            "title",
            "kind",
            "location",
            "owner",
            "retention_months",
            "disposal_method",
            "access_notes",
            "status",
            "version",
            "created_at",
            "updated_at",
        ]


class OutsideDocumentViewSet(RestrictedModelViewSet):
    queryset = OutsideDocument.objects.select_related("organization", "owner")
    serializer_class = OutsideDocumentSerializer
    filterset_class = OutsideDocumentFilterSet


class DocumentedInformationSerializer(CleanInputMixin, serializers.Serializer):
    record_type = serializers.CharField()
    name = serializers.CharField()
    controlled = serializers.BooleanField(help_text="Versioned and approved (else: evidence).")
    count = serializers.IntegerField(help_text="Records of this kind the caller may see.")
    retention_rule = serializers.IntegerField(allow_null=True)
    retention_months = serializers.IntegerField(allow_null=True)
    disposal_method = serializers.CharField(allow_null=True)


class DocumentedInformationViewSet(viewsets.ViewSet):
    """The kinds of documented information the product keeps for one organisation
    (``?organization=<id>``, required), with counts and retention. Outside documents are
    under ``outside-documents``."""

    serializer_class = DocumentedInformationSerializer

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "organization", int, required=True, description="The organisation's id."
            )
        ],
        responses=DocumentedInformationSerializer(many=True),
    )
    def list(self, request):
        raw = request.query_params.get("organization")
        if not raw or not str(raw).isdigit():
            raise exceptions.ValidationError(
                {"organization": ["Give the organisation's id: ?organization=<id>."]}
            )
        org = Organization.objects.filter(pk=int(raw)).first()
        if org is None or organization_by_slug(request.user, org.slug) is None:
            raise exceptions.NotFound()
        if role_in(request.user, org.pk) is None and not request.user.is_superuser:
            raise exceptions.NotFound()
        rows = services.documented_information(organization=org, user=request.user)
        data = [
            {
                "record_type": row.record_type.label,
                "name": row.record_type.name,
                "controlled": row.record_type.controlled,
                "count": row.count,
                "retention_rule": row.rule.pk if row.rule else None,
                "retention_months": row.rule.retention_months if row.rule else None,
                "disposal_method": row.rule.disposal_method if row.rule else None,
            }
            for row in rows
        ]
        return Response(DocumentedInformationSerializer(data, many=True).data)


class ConcernChannelSerializer(TrackedSerializer):
    link_path = serializers.SerializerMethodField(
        help_text="The public reporting page (secret): only for those who may change the channel."
    )

    class Meta:
        model = ConcernChannel
        fields = [
            "id",
            "organization",
            "name",
            "audience",
            "anonymous_enabled",
            "intro",
            "handler",
            "link_path",
            "version",
            "created_at",
            "updated_at",
        ]

    def get_link_path(self, obj) -> str | None:
        request = self.context.get("request")
        if request is None or not obj.pk:
            return None
        if role_in(request.user, obj.organization_id) not in ("admin", "officer"):
            return None
        return obj.public_path()


class ConcernChannelViewSet(RestrictedModelViewSet):
    queryset = ConcernChannel.objects.select_related("organization")
    serializer_class = ConcernChannelSerializer
    filterset_class = ConcernChannelFilterSet

    @extend_schema(request=None)
    @action(detail=True, methods=["post"], url_path="new-link")
    def new_link(self, request, pk=None):
        channel = self.get_object()
        if not can(request.user, Action.CHANGE, channel):
            raise exceptions.PermissionDenied("Your role does not allow changing the channel.")
        return Response(
            self.get_serializer(
                services.concern_channel_rotate(channel=channel, actor=request.user)
            ).data
        )


class ConcernSerializer(TrackedSerializer):
    """A concern without anything that names who raised it."""

    raised_by_me = serializers.SerializerMethodField(
        help_text="True when the caller raised this concern (told to no one else)."
    )
    # Empty for a concern raised inside the product or through an internal channel.
    reporter_relationship = serializers.ChoiceField(
        choices=ReporterRelationship.choices, allow_blank=True, read_only=True
    )
    reporter_contact = serializers.CharField(
        read_only=True,
        allow_null=True,
        help_text=(
            "How the reporter of an external report may be reached, if they said: personal "
            "data, null unless the caller handles concerns in the organisation."
        ),
    )

    class Meta:
        model = Concern
        fields = [
            "id",
            "organization",
            "summary",
            "description",
            "category",
            "ai_system",
            "source",
            "reporter_relationship",
            "reporter_contact",
            "status",
            "handler",
            "handling_notes",
            "resolution",
            "reply",
            "closed_at",
            "raised_by_me",
            "version",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["source", "reporter_relationship", "status", "closed_at"]

    def get_raised_by_me(self, obj) -> bool:
        request = self.context.get("request")
        return bool(request is not None and obj.raised_by(request.user))

    def to_representation(self, instance):
        data = super().to_representation(instance)
        request = self.context.get("request")
        # A reporter who does not handle concerns reads the outcome, not the handling notes.
        if (
            request is not None
            and role_in(request.user, instance.organization_id)
            not in (
                "admin",
                "officer",
                "auditor",
            )
            and not request.user.is_superuser
        ):
            data["handling_notes"] = None
            data["handler"] = None
        # The reporter's contact is personal data: for those who handle the concern only.
        if request is None or not instance.contact_shown_to(request.user):
            data["reporter_contact"] = None
        return data


CLOSING = inline_serializer(
    "ConcernClosing",
    {
        "status": serializers.ChoiceField(
            choices=[ConcernStatus.RESOLVED.value, ConcernStatus.DISMISSED.value]
        ),
        "resolution": serializers.CharField(),
        "reply": serializers.CharField(required=False),
    },
)


class ConcernViewSet(RestrictedModelViewSet):
    """Members raise concerns (``POST``; the caller is recorded as the reporter and nowhere
    else), officers handle them. Reporters read their own concerns; nobody reads who raised
    one."""

    queryset = Concern.objects.select_related("organization")
    serializer_class = ConcernSerializer
    filterset_class = ConcernFilterSet
    http_method_names = ["get", "post", "put", "patch", "head", "options"]

    def get_queryset(self):
        # The permission layer's rows plus the caller's own concerns (``visible_to``).
        return Concern.objects.visible_to(self.request.user).select_related("organization")

    def create_instance(self, serializer) -> None:
        data = serializer.validated_data
        if "handling_notes" in data or "resolution" in data or "reply" in data or "handler" in data:
            pass  # handling fields are the officer's: ignored on a new concern
        try:
            concern, _code = services.concern_raise(
                organization=data["organization"],
                reporter=self.request.user,
                summary=data.get("summary", ""),
                description=data.get("description", ""),
                category=data.get("category", ""),
                ai_system=data.get("ai_system"),
            )
        except DjangoValidationError as exc:
            raise _refused(exc) from exc
        serializer.instance = concern

    def _act(self, request, service, **extra):
        concern = self.get_object()
        if not can(request.user, Action.CHANGE, concern):
            raise exceptions.PermissionDenied("Your role does not allow handling concerns.")
        try:
            result = service(concern=concern, actor=request.user, **extra)
        except DjangoValidationError as exc:
            raise _refused(exc) from exc
        return Response(self.get_serializer(result).data)

    @extend_schema(request=DECISION)
    @action(detail=True, methods=["post"])
    def review(self, request, pk=None):
        return self._act(request, services.concern_review, note=str(request.data.get("note", "")))

    @extend_schema(request=CLOSING)
    @action(detail=True, methods=["post"])
    def close(self, request, pk=None):
        return self._act(
            request,
            services.concern_close,
            status=str(request.data.get("status", "")),
            resolution=str(request.data.get("resolution", "")),
            reply=str(request.data.get("reply", "")),
        )

    @extend_schema(request=None)
    @action(detail=True, methods=["post"])
    def reopen(self, request, pk=None):
        return self._act(request, services.concern_reopen)


def register(router) -> None:
    router.register("aims-resources", AIMSResourceViewSet)
    router.register("planned-changes", PlannedChangeViewSet)
    router.register("retention-rules", RetentionRuleViewSet)
    router.register(
        "documented-information", DocumentedInformationViewSet, basename="documentedinformation"
    )
    router.register("outside-documents", OutsideDocumentViewSet)
    router.register("concern-channels", ConcernChannelViewSet)
    router.register("concerns", ConcernViewSet)
