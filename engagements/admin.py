from django.contrib import admin

from engagements.models import (
    AuditorAccess,
    Engagement,
    InformationRequest,
    InformationRequestMessage,
)


@admin.register(Engagement)
class EngagementAdmin(admin.ModelAdmin):
    list_display = ("name", "organization", "stage", "body_name", "starts_on", "ends_on")
    list_filter = ("organization", "stage", "body")
    search_fields = ("name", "body_name")
    filter_horizontal = ("auditors", "ai_systems", "clauses", "controls")


@admin.register(AuditorAccess)
class AuditorAccessAdmin(admin.ModelAdmin):
    """Read-only: the access log is append-only."""

    list_display = ("at", "user_label", "engagement_name", "kind", "method", "path", "status")
    list_filter = ("organization", "kind")
    search_fields = ("user_label", "path", "engagement_name")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


# ==== Information requests =================================================================


class InformationRequestMessageInline(admin.TabularInline):
    model = InformationRequestMessage
    extra = 0
    fields = ("author", "body", "created_at")
    readonly_fields = fields
    can_delete = False


@admin.register(InformationRequest)
class InformationRequestAdmin(admin.ModelAdmin):
    """Read in the admin; asked, answered and closed in the product (engagements.services)."""

    list_display = ("reference", "title", "organization", "engagement", "status", "due_on")
    list_filter = ("organization", "status")
    search_fields = ("title", "details")
    readonly_fields = ("number", "status", "answered_at", "closed_at", "closed_by")
    inlines = [InformationRequestMessageInline]

    def has_add_permission(self, request) -> bool:
        return False
