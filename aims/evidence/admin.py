from django.contrib import admin
from guardian.admin import GuardedModelAdmin

from aims.evidence.models import EvidenceFile, EvidenceItem


class EvidenceFileInline(admin.TabularInline):
    """Versions are read-only here: uploads go through the checked upload service."""

    model = EvidenceFile
    extra = 0
    can_delete = False
    fields = ("number", "original_name", "sha256", "size", "content_type", "uploaded_by", "note")
    readonly_fields = fields

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(EvidenceItem)
class EvidenceItemAdmin(GuardedModelAdmin):
    list_display = ("title", "organization", "kind", "owner", "valid_until")
    list_filter = ("organization", "kind")
    search_fields = ("title", "url", "files__sha256")
    inlines = [EvidenceFileInline]


@admin.register(EvidenceFile)
class EvidenceFileAdmin(GuardedModelAdmin):
    """Read-only: a version never changes (auditors reach it through an engagement)."""

    list_display = ("item", "number", "original_name", "size", "content_type", "uploaded_by")
    search_fields = ("original_name", "sha256", "item__title")
    readonly_fields = (
        "item",
        "number",
        "original_name",
        "extension",
        "sha256",
        "size",
        "content_type",
        "uploaded_by",
        "note",
    )

    def has_add_permission(self, request) -> bool:
        return False
