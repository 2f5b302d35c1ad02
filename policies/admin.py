"""Admin pages of the policies app. A concern's reporter and follow-up hash are left out of
every admin page (fields, lists, filters, search): the admin is no way around A.3.3."""

from django.contrib import admin

from policies.models import (
    AIMSResource,
    Concern,
    ConcernChannel,
    OutsideDocument,
    PlannedChange,
    RetentionRule,
)


@admin.register(AIMSResource)
class AIMSResourceAdmin(admin.ModelAdmin):
    list_display = ("name", "kind", "status", "review_date", "organization")
    list_filter = ("kind", "status")


@admin.register(PlannedChange)
class PlannedChangeAdmin(admin.ModelAdmin):
    list_display = ("title", "status", "planned_date", "organization")
    list_filter = ("status",)
    readonly_fields = ("status", "proposed_by", "decided_by", "decided_at", "implemented_on")


@admin.register(RetentionRule)
class RetentionRuleAdmin(admin.ModelAdmin):
    list_display = ("record_type", "retention_months", "disposal_method", "organization")


@admin.register(OutsideDocument)
class OutsideDocumentAdmin(admin.ModelAdmin):
    list_display = ("title", "kind", "status", "organization")
    list_filter = ("kind", "status")


@admin.register(ConcernChannel)
class ConcernChannelAdmin(admin.ModelAdmin):
    list_display = ("name", "audience", "anonymous_enabled", "organization")
    exclude = ("link_token",)


@admin.register(Concern)
class ConcernAdmin(admin.ModelAdmin):
    list_display = ("summary", "status", "category", "source", "organization")
    list_filter = ("status", "category")
    search_fields = ("summary",)
    fields = (
        "organization",
        "summary",
        "description",
        "category",
        "ai_system",
        "status",
        "source",
        "handler",
        "handling_notes",
        "resolution",
        "reply",
        "closed_at",
    )
    readonly_fields = ("organization", "status", "source", "closed_at")

    def has_add_permission(self, request):
        return False  # raised by members or through the link, never on someone's behalf

    def has_delete_permission(self, request, obj=None):
        return False
