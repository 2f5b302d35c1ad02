from django.contrib import admin

from packs.models import EvidencePack


@admin.register(EvidencePack)
class EvidencePackAdmin(admin.ModelAdmin):
    """Read-only: packs are started from the product and built by their job."""

    list_display = ("reference", "organization", "kind", "scope_kind", "created_at", "sha256")
    list_filter = ("kind", "scope_kind")
    readonly_fields = [f.name for f in EvidencePack._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
