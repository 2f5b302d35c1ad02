"""REST API: ``evidence-packs`` — list and retrieve packs, POST to start one (a full pack
for a scope, or a delta between two packs), and ``download`` the ZIP of a built one."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, serializers
from rest_framework.decorators import action

from aims.core.api import RestrictedModelViewSet, TrackedSerializer
from aims.core.exceptions import validation_error_to_dict
from packs import services
from packs.filters import EvidencePackFilterSet
from packs.models import EvidencePack, PackKind, PackStatus
from packs.views import pack_attachment


class EvidencePackSerializer(TrackedSerializer):
    reference = serializers.CharField(read_only=True)
    status = serializers.ChoiceField(
        choices=PackStatus.choices,
        read_only=True,
        help_text="Follows the pack's job: waiting (for the job queue), queued, running, ready, failed.",
    )
    progress = serializers.SerializerMethodField(help_text="Percent done while it builds.")
    download_url = serializers.SerializerMethodField(
        help_text="Where the ZIP is downloaded once the pack is ready (null before)."
    )

    class Meta:
        model = EvidencePack
        fields = [
            "id",
            "organization",
            "reference",
            "number",
            "kind",
            "scope_kind",
            "ai_system",
            "engagement",
            "scope_label",
            "base",
            "target",
            "status",
            "progress",
            "job",
            "sha256",
            "size",
            "changelog_seq",
            "built_at",
            "created_by",
            "download_url",
            "version",
            "created_at",
            "updated_at",
        ]
        read_only_fields = [
            "number",
            "scope_label",
            "job",
            "sha256",
            "size",
            "changelog_seq",
            "built_at",
            "created_by",
        ]

    def get_progress(self, obj: EvidencePack) -> int:
        if obj.is_ready:
            return 100
        return obj.job.progress if obj.job is not None else 0

    def get_download_url(self, obj: EvidencePack) -> str | None:
        if not obj.is_ready:
            return None
        return reverse("evidencepack-download", args=[obj.pk])


class EvidencePackViewSet(RestrictedModelViewSet):
    """Evidence packs: list, retrieve, and POST to start one. A full pack names its
    ``scope_kind`` (``whole``, ``system`` with ``ai_system``, ``engagement`` with
    ``engagement``); a delta pack (``kind`` = ``delta``) names ``base`` and ``target``, two
    built packs. The pack builds in the background; ``status`` and ``progress`` follow it."""

    http_method_names = ["get", "post", "head", "options"]
    queryset = EvidencePack.objects.select_related(
        "organization", "job", "created_by", "ai_system", "engagement"
    )
    serializer_class = EvidencePackSerializer
    filterset_class = EvidencePackFilterSet

    def create_instance(self, serializer) -> None:
        data = serializer.validated_data
        try:
            if data.get("kind") == PackKind.DELTA:
                pack = services.delta_pack_start(
                    organization=data["organization"],
                    user=self.request.user,
                    base=data.get("base"),
                    target=data.get("target"),
                )
            else:
                pack = services.evidence_pack_start(
                    organization=data["organization"],
                    user=self.request.user,
                    scope_kind=data.get("scope_kind", "whole"),
                    ai_system=data.get("ai_system"),
                    engagement=data.get("engagement"),
                )
        except DjangoValidationError as exc:
            raise exceptions.ValidationError(validation_error_to_dict(exc)) from exc
        except DjangoPermissionDenied as exc:
            raise exceptions.PermissionDenied(str(exc)) from exc
        serializer.instance = pack

    @extend_schema(responses={(200, "application/zip"): OpenApiTypes.BINARY})
    @action(detail=True, methods=["get"])
    def download(self, request, pk=None):
        """The pack's ZIP, as an attachment (404 until it is built)."""
        return pack_attachment(self.get_object())


def register(router) -> None:
    """Add this app's viewsets to the API router."""
    router.register("evidence-packs", EvidencePackViewSet)
