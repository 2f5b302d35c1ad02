from django.contrib import admin
from guardian.admin import GuardedModelAdmin

from aims.inventory.models import AISystem, AISystemComponent, AISystemDataset


class DatasetInline(admin.TabularInline):
    model = AISystemDataset
    extra = 0


class ComponentInline(admin.TabularInline):
    model = AISystemComponent
    extra = 0


@admin.register(AISystem)
class AISystemAdmin(GuardedModelAdmin):
    list_display = ("name", "organization", "lifecycle_stage", "status", "eu_ai_act_tier", "owner")
    list_filter = ("organization", "status", "lifecycle_stage", "eu_ai_act_tier")
    search_fields = ("name", "reference")
    inlines = [DatasetInline, ComponentInline]
