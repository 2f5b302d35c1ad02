"""One filter set per model, used by the UI list and the API alike."""

import django_filters
from django.db.models import OuterRef, Q, Subquery
from django.utils.translation import gettext_lazy as _

from aims.core.documents import DocumentStatus
from aims.inventory.models import EUAIActRole, EUAIActTier
from impact_assessments.models import (
    AffectedParty,
    AIActClassification,
    AssessmentKind,
    Impact,
    ImpactArea,
    ImpactAssessment,
    ImpactNature,
    PartyKind,
    UseThresholds,
)
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


class ImpactAssessmentFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label=_("Search"))
    ai_system = django_filters.ModelChoiceFilter(queryset=visible_ai_systems, label=_("AI system"))
    kind = django_filters.ChoiceFilter(choices=AssessmentKind.choices, label=_("Kind"))
    status = django_filters.ChoiceFilter(choices=DocumentStatus.choices, label=_("Status"))
    review_needed = django_filters.BooleanFilter(label=_("Review needed"))
    ordering = django_filters.OrderingFilter(
        fields=(("ai_system__name", "system"), ("number", "number"), ("approved_at", "approved")),
        label=_("Sort by"),
    )

    class Meta:
        model = ImpactAssessment
        fields = ["organization"]

    def search(self, queryset, name, value):
        return queryset.filter(Q(ai_system__name__icontains=value) | Q(conclusion__icontains=value))


class AffectedPartyFilterSet(django_filters.FilterSet):
    organization = django_filters.NumberFilter(field_name="assessment__organization")
    kind = django_filters.ChoiceFilter(choices=PartyKind.choices, label=_("Kind"))
    vulnerable = django_filters.BooleanFilter(label=_("Vulnerable group"))

    class Meta:
        model = AffectedParty
        fields = ["assessment"]


class ImpactFilterSet(django_filters.FilterSet):
    organization = django_filters.NumberFilter(field_name="assessment__organization")
    nature = django_filters.ChoiceFilter(choices=ImpactNature.choices, label=_("Benefit or harm"))
    area = django_filters.ChoiceFilter(choices=ImpactArea.choices, label=_("Area"))

    class Meta:
        model = Impact
        fields = ["assessment", "party"]


class UseThresholdsFilterSet(django_filters.FilterSet):
    class Meta:
        model = UseThresholds
        fields = ["organization"]
