from django.contrib import admin

from engagements.models import AuditorAccess, Engagement


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
