"""REST API: ``evidence`` (items: links, or files with a multipart upload) and
``evidence-files`` (versions: list, retrieve, upload a new one, download)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, serializers, status
from rest_framework.decorators import action
from rest_framework.exceptions import ErrorDetail
from rest_framework.parsers import FormParser, MultiPartParser

from aims.core.api import RestrictedModelViewSet, TrackedSerializer
from aims.core.exceptions import validation_error_to_dict
from aims.core.parsers import SafeJSONParser
from aims.evidence import services
from aims.evidence.filters import EvidenceFileFilterSet, EvidenceItemFilterSet
from aims.evidence.links import registry
from aims.evidence.models import EvidenceFile, EvidenceItem
from aims.evidence.views import attachment_response


class DuplicateConflict(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_code = "duplicate"

    def __init__(self, dup: services.DuplicateEvidence):
        super().__init__()
        # Ids stay numbers (the default would turn every value into an error string).
        self.detail = {
            "file": [ErrorDetail(f"{dup.message} Link that item instead.", code="duplicate")],
            "existing_item": dup.item.pk,
            "existing_file": dup.existing.pk,
        }


def _as_api_error(exc: Exception) -> Exception:
    if isinstance(exc, services.DuplicateEvidence):
        return DuplicateConflict(exc)
    if isinstance(exc, DjangoValidationError):
        return serializers.ValidationError(validation_error_to_dict(exc))
    if isinstance(exc, DjangoPermissionDenied):
        return exceptions.PermissionDenied(str(exc) or None)
    return exc


class EvidenceFileSerializer(TrackedSerializer):
    file = serializers.FileField(
        write_only=True, help_text="The file (multipart). Becomes the item's current version."
    )
    download_url = serializers.SerializerMethodField()

    class Meta:
        model = EvidenceFile
        fields = [
            "id",
            "item",
            "number",
            "file",
            "original_name",
            "extension",
            "sha256",
            "size",
            "content_type",
            "uploaded_by",
            "note",
            "download_url",
            "version",
            "created_at",
        ]
        read_only_fields = [
            "number",
            "original_name",
            "extension",
            "sha256",
            "size",
            "content_type",
            "uploaded_by",
        ]

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        # A version is made by the upload service; nothing else on it is written directly.
        return attrs

    def get_download_url(self, obj: EvidenceFile) -> str:
        from django.urls import reverse

        return reverse("evidencefile-download", args=[obj.pk])


class EvidenceItemSerializer(TrackedSerializer):
    file = serializers.FileField(
        write_only=True,
        required=False,
        help_text="For kind=file, on create only: the first version (multipart).",
    )
    status = serializers.CharField(read_only=True)
    current_file = serializers.PrimaryKeyRelatedField(read_only=True, allow_null=True)
    sha256 = serializers.CharField(
        source="current_file.sha256", read_only=True, default=None, allow_null=True
    )
    size = serializers.IntegerField(
        source="current_file.size", read_only=True, default=None, allow_null=True
    )
    content_type = serializers.CharField(
        source="current_file.content_type", read_only=True, default=None, allow_null=True
    )
    original_name = serializers.CharField(
        source="current_file.original_name", read_only=True, default=None, allow_null=True
    )

    class Meta:
        model = EvidenceItem
        fields = [
            "id",
            "organization",
            "title",
            "description",
            "kind",
            "url",
            "owner",
            "valid_from",
            "valid_until",
            "period_from",
            "period_until",
            "status",
            "file",
            "current_file",
            "original_name",
            "sha256",
            "size",
            "content_type",
            "version",
            "created_at",
            "updated_at",
        ]

    def get_fields(self) -> dict[str, serializers.Field]:
        fields = super().get_fields()
        # One list of ids per link the higher apps registered ("controls", "risks", "clauses").
        for spec in registry:
            # Only records the caller can see, like every relation of a tracked serializer.
            fields[spec.accessor] = self.serializer_related_field(
                many=True,
                required=False,
                queryset=spec.model.objects.filter(spec.choices),
                help_text=str(spec.help_text),
            )
        if isinstance(self.instance, EvidenceItem):
            # The kind and organisation of an item are fixed; files come as new versions.
            for name in ("kind", "organization"):
                fields[name].read_only = True
            fields.pop("file", None)
        return fields

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        upload = attrs.pop("file", None)
        attrs = super().validate(attrs)
        org = attrs.get("organization") or getattr(self.instance, "organization", None)
        org_id = getattr(org, "pk", None)
        errors = {}
        for spec in registry:
            records = attrs.get(spec.accessor) or []
            if spec.organization_scoped and any(r.organization_id != org_id for r in records):
                errors[spec.accessor] = ["Link only records of the evidence item's organisation."]
        if errors:
            raise serializers.ValidationError(errors)
        if upload is not None:
            attrs["file"] = upload
        return attrs


class EvidenceItemViewSet(RestrictedModelViewSet):
    queryset = EvidenceItem.objects.select_related("organization", "owner", "current_file")
    serializer_class = EvidenceItemSerializer
    filterset_class = EvidenceItemFilterSet
    parser_classes = [SafeJSONParser, MultiPartParser, FormParser]

    def get_queryset(self):
        return super().get_queryset().prefetch_related(*registry.accessors)

    def create_instance(self, serializer) -> None:
        data = dict(serializer.validated_data)
        try:
            item = services.evidence_create(
                organization=data["organization"],
                user=self.request.user,
                title=data["title"],
                kind=data["kind"],
                url=data.get("url", ""),
                description=data.get("description", ""),
                owner=data.get("owner"),
                valid_from=data.get("valid_from"),
                valid_until=data.get("valid_until"),
                period_from=data.get("period_from"),
                period_until=data.get("period_until"),
                links={spec.accessor: data.get(spec.accessor) for spec in registry},
                upload=data.get("file"),
            )
        except (services.DuplicateEvidence, DjangoValidationError, DjangoPermissionDenied) as exc:
            raise _as_api_error(exc) from exc
        serializer.instance = item

    def destroy(self, request, *args, **kwargs):
        instance = self.get_object()
        names = list(instance.files.values_list("file", flat=True))
        response = super().destroy(request, *args, **kwargs)
        if not EvidenceItem.objects.filter(pk=instance.pk).exists():
            services.evidence_purge_files(names=names)
        return response


class EvidenceFileViewSet(RestrictedModelViewSet):
    queryset = EvidenceFile.objects.select_related("item", "uploaded_by")
    serializer_class = EvidenceFileSerializer
    filterset_class = EvidenceFileFilterSet
    parser_classes = [MultiPartParser, FormParser]
    # Versions are immutable: upload a new one instead of changing or deleting it.
    http_method_names = ["get", "post", "head", "options"]

    def create_instance(self, serializer) -> None:
        data = serializer.validated_data
        try:
            version = services.evidence_upload(
                item=data["item"],
                user=self.request.user,
                upload=data["file"],
                note=data.get("note", ""),
            )
        except (services.DuplicateEvidence, DjangoValidationError, DjangoPermissionDenied) as exc:
            raise _as_api_error(exc) from exc
        serializer.instance = version

    @extend_schema(responses={(200, "application/octet-stream"): OpenApiTypes.BINARY})
    @action(detail=True, methods=["get"])
    def download(self, request, pk=None):
        """The version's file, as an attachment (``nosniff``)."""
        return attachment_response(self.get_object())


def register(router) -> None:
    """Add this app's viewsets to the API router."""
    router.register("evidence", EvidenceItemViewSet)
    router.register("evidence-files", EvidenceFileViewSet)
