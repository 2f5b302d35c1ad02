from django.contrib import admin
from guardian.admin import GuardedModelAdmin

from risks.models import Risk, RiskAssessment, RiskCriteria, TreatmentAction


class TreatmentActionInline(admin.TabularInline):
    model = TreatmentAction
    extra = 0


@admin.register(Risk)
class RiskAdmin(GuardedModelAdmin):
    list_display = (
        "__str__",
        "organization",
        "kind",
        "inherent_level",
        "residual_level",
        "status",
        "owner",
    )
    list_filter = ("organization", "kind", "status", "inherent_level", "residual_level")
    search_fields = ("title", "description")
    inlines = [TreatmentActionInline]


@admin.register(RiskCriteria)
class RiskCriteriaAdmin(admin.ModelAdmin):
    """Versions are read here; a change is made as a new version on the criteria page."""

    list_display = ("__str__", "organization", "is_current", "created_at")
    list_filter = ("organization", "is_current")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(RiskAssessment)
class RiskAssessmentAdmin(GuardedModelAdmin):
    list_display = ("title", "organization", "assessed_on", "status")
    list_filter = ("organization", "status")
    search_fields = ("title",)
