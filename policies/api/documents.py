"""API: ``policies`` (versions of policies and procedures, with their workflow) and
``policy-acknowledgements`` (who was asked to read a published version, and who did)."""

from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import exceptions, serializers
from rest_framework.decorators import action
from rest_framework.response import Response

from aims.core.api import (
    DOCUMENT_WORKFLOW_FIELDS,
    CleanInputMixin,
    ControlledDocumentViewSet,
    RestrictedModelViewSet,
    TrackedSerializer,
)
from aims.core.permissions import UserPurpose, users_choosable
from policies.filters.documents import PolicyAcknowledgementFilterSet, PolicyFilterSet
from policies.models import Policy, PolicyAcknowledgement
from policies.rendering import render_markdown
from policies.services import documents as services


class PolicySerializer(TrackedSerializer):
    body_html = serializers.SerializerMethodField(
        help_text="The text rendered from Markdown and sanitised (scripts, styles and event "
        "handlers removed), as the pages show it."
    )
    acknowledged = serializers.SerializerMethodField(
        help_text="People who acknowledged this version / people asked, and the percentage."
    )
    external_links = serializers.SerializerMethodField(
        help_text="The outside documents it aligns with, parsed from external_documents."
    )

    class Meta:
        model = Policy
        fields = [
            "id",
            "organization",
            "code",
            "number",
            "status",
            "kind",
            "title",
            "body",
            "body_html",
            "change_summary",
            "effective_date",
            "review_interval_months",
            "next_review_date",
            "aligned_with",
            "external_documents",
            "external_links",
            "evidence",
            "author",
            "submitted_at",
            "approved_by",
            "approved_at",
            "approval_note",
            "superseded_at",
            "published_at",
            "published_by",
            "retired_at",
            "retired_by",
            "retirement_note",
            "acknowledged",
            "version",
            "created_at",
            "updated_at",
        ]
        read_only_fields = [
            *DOCUMENT_WORKFLOW_FIELDS,
            "published_at",
            "published_by",
            "retired_at",
            "retired_by",
            "retirement_note",
        ]

    def get_body_html(self, obj) -> str:
        return str(render_markdown(obj.body))

    def get_external_links(self, obj) -> list[dict[str, str]]:
        return obj.external_links()

    def get_acknowledged(self, obj) -> dict:
        counts = self.context.get("ack_counts")
        if counts is None:
            counts = services.acknowledgement_counts([obj.pk])
        done, asked = counts.get(obj.pk, (0, 0))
        return {"acknowledged": done, "asked": asked, "percent": services.percent(done, asked)}

    def validate(self, attrs):
        if self.instance is not None:
            for name in ("organization", "code"):
                if name in attrs and attrs[name] != getattr(self.instance, name):
                    raise serializers.ValidationError(
                        {name: _("A version stays with its document; start a new document.")}
                    )
        for name in ("aligned_with", "evidence"):
            org = attrs.get("organization") or getattr(self.instance, "organization", None)
            for item in attrs.get(name, []):
                if org is not None and item.organization_id != org.pk:
                    raise serializers.ValidationError(
                        {name: _("Choose records of this organisation.")}
                    )
        code = attrs.get("code") or getattr(self.instance, "code", None)
        if any(p.code == code for p in attrs.get("aligned_with", [])):
            raise serializers.ValidationError(
                {"aligned_with": _("A policy is not aligned with a version of itself.")}
            )
        return super().validate(attrs)


class AudienceSerializer(CleanInputMixin, serializers.Serializer):
    roles = serializers.ListField(
        child=serializers.ChoiceField(choices=[r.value for r in services.ACKNOWLEDGING_ROLES]),
        required=False,
        default=list,
    )
    people = serializers.ListField(child=serializers.IntegerField(), required=False, default=list)


class PolicyViewSet(ControlledDocumentViewSet):
    """Versions of the organisation's policies, procedures and guidelines. POST starts a new
    document (its first draft); ``revise`` starts the next version of an approved one. Only a
    draft can be changed; ``publish`` asks people to acknowledge an approved version;
    ``retire`` withdraws it; ``diff`` compares two versions of one document."""

    queryset = Policy.objects.select_related(
        "organization", "author", "approved_by", "published_by", "retired_by"
    ).prefetch_related("aligned_with", "evidence")
    serializer_class = PolicySerializer
    filterset_class = PolicyFilterSet
    http_method_names = ["get", "post", "put", "patch", "delete", "head", "options"]

    def list(self, request, *args, **kwargs):
        queryset = self.filter_queryset(self.get_queryset())
        page = self.paginate_queryset(queryset)
        rows = page if page is not None else list(queryset)
        context = self.get_serializer_context()
        context["ack_counts"] = services.acknowledgement_counts([p.pk for p in rows])
        data = PolicySerializer(rows, many=True, context=context).data
        return self.get_paginated_response(data) if page is not None else Response(data)

    def create_instance(self, serializer):
        data = dict(serializer.validated_data)
        organization = data.pop("organization")
        serializer.instance = services.policy_create(
            organization=organization,
            user=self.request.user,
            code=data.pop("code"),
            aligned_with=data.pop("aligned_with", []),
            evidence=data.pop("evidence", []),
            **data,
        )

    def destroy(self, request, *args, **kwargs):
        instance = self.get_object()
        if instance.status != "draft":
            raise exceptions.ValidationError(
                {"status": [_("Only a draft can be deleted; an approved version is a record.")]}
            )
        return super().destroy(request, *args, **kwargs)

    @extend_schema(request=None)
    @action(detail=True, methods=["post"])
    def revise(self, request, pk=None):
        draft = services.policy_revise(version=self.get_object(), user=request.user)
        return Response(self.get_serializer(draft).data)

    @extend_schema(request=AudienceSerializer)
    @action(detail=True, methods=["post"])
    def publish(self, request, pk=None):
        """Publish the approved version and ask the roles and people given to acknowledge it."""
        version = self.get_object()
        roles, people = self._audience(request, version)
        published, _made = services.policy_publish(
            version=version, user=request.user, roles=roles, people=people
        )
        return Response(self.get_serializer(published).data)

    @extend_schema(request=AudienceSerializer, responses={200: dict})
    @action(detail=True, methods=["post"], url_path="request-acknowledgements")
    def request_acknowledgements(self, request, pk=None):
        """Ask more roles or people to acknowledge the published version in force."""
        version = self.get_object()
        roles, people = self._audience(request, version)
        made = services.policy_request_acknowledgements(
            version=version, user=request.user, roles=roles, people=people
        )
        return Response({"asked": made})

    def _audience(self, request, version):
        audience = AudienceSerializer(data=request.data)
        audience.is_valid(raise_exception=True)
        ids = audience.validated_data["people"]
        people = list(
            users_choosable(
                organization=version.organization, purpose=UserPurpose.PARTICIPANT
            ).filter(pk__in=ids)
        )
        if len(people) != len(set(ids)):
            raise exceptions.ValidationError(
                {"people": [_("Name current members of this organisation only.")]}
            )
        return audience.validated_data["roles"], people

    @extend_schema(
        request=inline_serializer("RetireRequest", {"note": serializers.CharField(required=False)})
    )
    @action(detail=True, methods=["post"])
    def retire(self, request, pk=None):
        """Withdraw the approved version: nothing replaces it."""
        retired = services.policy_retire(
            version=self.get_object(), user=request.user, note=str(request.data.get("note", ""))
        )
        return Response(self.get_serializer(retired).data)

    @extend_schema(
        parameters=[OpenApiParameter("with", int, required=True, description="the other version")],
        responses={200: dict},
    )
    @action(detail=True, methods=["get"])
    def diff(self, request, pk=None):
        """What changed between this version and ``?with=`` (a version of the same document)."""
        version = self.get_object()
        try:
            other_id = int(request.query_params.get("with", ""))
        except ValueError as exc:
            raise exceptions.ValidationError(
                {"with": [_("Give the id of the version to compare with.")]}
            ) from exc
        other = self.get_queryset().filter(pk=other_id).first()
        if other is None:
            raise exceptions.NotFound(_("No such version of this document."))
        try:
            comparison = services.policy_diff(first=version, second=other)
        except DjangoValidationError as exc:
            raise exceptions.ValidationError({"with": exc.messages}) from exc
        return Response(comparison.as_dict())


class PolicyAcknowledgementSerializer(TrackedSerializer):
    class Meta:
        model = PolicyAcknowledgement
        fields = [
            "id",
            "organization",
            "policy",
            "user",
            "requested_by",
            "created_at",
            "acknowledged_at",
            "version",
            "updated_at",
        ]
        read_only_fields = ["requested_by", "acknowledged_at"]


class PolicyAcknowledgementViewSet(RestrictedModelViewSet):
    """Requests to acknowledge a published policy version, one per person. An officer adds
    one (or publishes with an audience); the person asked answers with ``acknowledge``;
    ``?mine=true`` lists the caller's own."""

    queryset = PolicyAcknowledgement.objects.select_related(
        "organization", "policy", "user", "requested_by"
    )
    serializer_class = PolicyAcknowledgementSerializer
    filterset_class = PolicyAcknowledgementFilterSet
    http_method_names = ["get", "post", "delete", "head", "options"]

    def create_instance(self, serializer):
        serializer.save(requested_by=self.request.user)

    @extend_schema(request=None)
    @action(detail=True, methods=["post"])
    def acknowledge(self, request, pk=None):
        """Say that you have read this version (only the person asked can)."""
        done = services.acknowledgement_acknowledge(
            acknowledgement=self.get_object(), user=request.user
        )
        return Response(self.get_serializer(done).data)


def register(router) -> None:
    router.register("policies", PolicyViewSet)
    router.register("policy-acknowledgements", PolicyAcknowledgementViewSet)
