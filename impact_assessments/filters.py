"""One filter set per model, used by the UI list and the API alike."""

import django_filters
from django.db.models import OuterRef, Q, Subquery
from django.utils.translation import gettext_lazy as _

from aims.inventory.models import EUAIActRole, EUAIActTier
from impact_assessments.models import AIActClassification
from risks.filters import visible_ai_systems


class ClassificationFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label=_("Search"))
    ai_system = django_filters.ModelChoiceFilter(queryset=visible_ai_systems, label=_("AI system"))
    tier = django_filters.ChoiceFilter(choices=EUAIActTier.choices, label=_("Tier"))
    role = django_filters.ChoiceFilter(choices=EUAIActRole.choices, label=_("Our role"))
    current = django_filters.BooleanFilter(method="filter_current", label=_("Latest only"))
    ordering = django_filters.OrderingFilter(
        fields=(("classified_on", "classified"), ("ai_system__name", "system"), ("tier", "tier")),
        label=_("Sort by"),
    )

    class Meta:
        model = AIActClassification
        fields = ["organization"]

    def search(self, queryset, name, value):
        return queryset.filter(Q(ai_system__name__icontains=value) | Q(notes__icontains=value))

    def filter_current(self, queryset, name, value):
        latest = (
            AIActClassification.objects.filter(ai_system=OuterRef("ai_system"))
            .order_by("-classified_on", "-pk")
            .values("pk")[:1]
        )
        condition = Q(pk=Subquery(latest))
        return queryset.filter(condition if value else ~condition)
