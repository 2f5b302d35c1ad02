from django.contrib import admin

from controls.models import Framework, Requirement, RequirementMapping


class ReadOnlyAdmin(admin.ModelAdmin):
    """The catalog changes only by loading a new edition (``manage.py load_catalog``)."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Framework)
class FrameworkAdmin(ReadOnlyAdmin):
    list_display = ("code", "name", "edition")


@admin.register(Requirement)
class RequirementAdmin(ReadOnlyAdmin):
    list_display = ("ref", "title", "framework", "kind", "assessable", "withdrawn")
    list_filter = ("framework", "kind", "withdrawn")
    search_fields = ("ref", "title")


@admin.register(RequirementMapping)
class RequirementMappingAdmin(ReadOnlyAdmin):
    list_display = ("crosswalk", "source", "target", "relationship")
    list_filter = ("crosswalk", "relationship")
