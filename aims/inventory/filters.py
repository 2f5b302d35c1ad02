"""One filter set per model, used by the UI list and the API alike."""

import django_filters
from django.db import connection
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from aims.core.filters import organization_members
from aims.inventory.models import (
    AIStakeholderRole,
    AISystem,
    AISystemComponent,
    AISystemDataset,
    EUAIActRole,
    EUAIActTier,
    LifecycleStage,
    SystemStatus,
)


class AISystemFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label=_("Search"))
    status = django_filters.ChoiceFilter(choices=SystemStatus.choices, label=_("Status"))
    lifecycle_stage = django_filters.ChoiceFilter(choices=LifecycleStage.choices, label=_("Stage"))
    ai_role = django_filters.ChoiceFilter(
        choices=AIStakeholderRole.choices, method="filter_ai_role", label=_("Our role")
    )
    eu_ai_act_role = django_filters.ChoiceFilter(
        choices=EUAIActRole.choices, label=_("EU AI Act role")
    )
    eu_ai_act_tier = django_filters.ChoiceFilter(
        choices=EUAIActTier.choices, label=_("EU AI Act tier")
    )
    owner = django_filters.ModelChoiceFilter(queryset=organization_members, label=_("Owner"))
    review_overdue = django_filters.BooleanFilter(
        method="filter_overdue", label=_("Review overdue")
    )
    business_unit = django_filters.CharFilter(lookup_expr="icontains", label=_("Business unit"))
    ordering = django_filters.OrderingFilter(
        fields=(
            ("name", "name"),
            ("lifecycle_stage", "stage"),
            ("status", "status"),
            ("next_review_date", "next_review"),
            ("updated_at", "updated"),
            ("owner__full_name", "owner"),
        ),
        label=_("Sort by"),
    )

    class Meta:
        model = AISystem
        fields = ["organization"]

    def search(self, queryset, name, value):
        return queryset.filter(
            Q(name__icontains=value)
            | Q(description__icontains=value)
            | Q(reference__icontains=value)
            | Q(business_unit__icontains=value)
        )

    def filter_ai_role(self, queryset, name, value):
        """Systems whose set of roles contains ``value``."""
        if connection.features.supports_json_field_contains:
            return queryset.filter(ai_roles__contains=[value])
        # SQLite has no JSON containment: match the quoted value in the stored JSON text
        # (the roles are plain words and none is part of another inside its quotes).
        return queryset.filter(ai_roles__icontains=f'"{value}"')

    def filter_overdue(self, queryset, name, value):
        today = timezone.localdate()
        if value:
            return queryset.filter(next_review_date__lt=today)
        if value is False:
            return queryset.exclude(next_review_date__lt=today)
        return queryset


class AISystemDatasetFilterSet(django_filters.FilterSet):
    class Meta:
        model = AISystemDataset
        fields = ["ai_system", "purpose", "contains_personal_data"]


class AISystemComponentFilterSet(django_filters.FilterSet):
    class Meta:
        model = AISystemComponent
        fields = ["ai_system", "kind", "is_third_party"]
