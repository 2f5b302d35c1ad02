from django.contrib import admin

from aims.core.models import ChangeLogEntry, Job


@admin.register(ChangeLogEntry)
class ChangeLogEntryAdmin(admin.ModelAdmin):
    list_display = (
        "seq",
        "timestamp",
        "actor_label",
        "source",
        "action",
        "content_type",
        "object_repr",
    )
    list_filter = ("source", "action", "content_type")
    search_fields = ("object_repr", "request_id", "actor_label")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Job)
class JobAdmin(admin.ModelAdmin):
    list_display = (
        "id",
        "title",
        "organization",
        "status",
        "progress",
        "created_at",
        "finished_at",
    )
    list_filter = ("status", "kind")
    readonly_fields = [f.name for f in Job._meta.fields]
