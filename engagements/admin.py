from django.contrib import admin

from engagements.models import Engagement


@admin.register(Engagement)
class EngagementAdmin(admin.ModelAdmin):
    list_display = ("name", "organization", "stage", "body_name", "starts_on", "ends_on")
    list_filter = ("organization", "stage", "body")
    search_fields = ("name", "body_name")
    filter_horizontal = ("auditors", "ai_systems", "clauses", "controls")
