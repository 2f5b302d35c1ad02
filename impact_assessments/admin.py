from django.contrib import admin

from impact_assessments.models import AIActClassification


@admin.register(AIActClassification)
class AIActClassificationAdmin(admin.ModelAdmin):
    list_display = ("ai_system", "tier", "role", "classified_on", "organization")
    list_filter = ("tier", "role")
    readonly_fields = (
        "tier",
        "route",
        "derogation_applies",
        "fria_required",
        "obligations",
        "reasons",
    )
