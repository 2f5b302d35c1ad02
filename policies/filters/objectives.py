"""Filter sets of the objectives area, shared by the list pages and the API."""

from __future__ import annotations

import django_filters
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from aims.core.filters import DATE_INPUT, organization_members
from policies.kpis import Frequency, KPIStatus
from policies.models import (
    AIObjective,
    Channel,
    CommunicationFrequency,
    CommunicationItem,
    CommunicationKind,
    KPIMeasurement,
    MeasurementSource,
    ObjectiveStatus,
)


class AIObjectiveFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(method="filter_q", label=_("Search"))
    status = django_filters.ChoiceFilter(choices=ObjectiveStatus.choices)
    owner = django_filters.ModelChoiceFilter(queryset=organization_members, label=_("Owner"))
    frequency = django_filters.ChoiceFilter(choices=Frequency.choices, label=_("Measured"))
    kpi_status = django_filters.ChoiceFilter(
        choices=KPIStatus.choices, method="filter_kpi_status", label=_("KPI status")
    )
    ordering = django_filters.OrderingFilter(
        fields=(("title", "title"), ("due_date", "due_date"), ("status", "status"))
    )

    class Meta:
        model = AIObjective
        fields = ["organization"]

    def filter_kpi_status(self, queryset, name, value):
        return queryset.with_kpi_status().filter(kpi_status_db=value) if value else queryset

    def filter_q(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(title__icontains=value) | Q(metric__icontains=value) | Q(description__icontains=value)
        )


class KPIMeasurementFilterSet(django_filters.FilterSet):
    organization = django_filters.NumberFilter(field_name="objective__organization")
    source = django_filters.ChoiceFilter(choices=MeasurementSource.choices)
    since = django_filters.DateFilter(
        field_name="measured_on", lookup_expr="gte", label=_("Covers from"), widget=DATE_INPUT
    )
    until = django_filters.DateFilter(
        field_name="measured_on", lookup_expr="lte", label=_("Covers until"), widget=DATE_INPUT
    )

    class Meta:
        model = KPIMeasurement
        fields = ["objective"]


class CommunicationItemFilterSet(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(choices=CommunicationKind.choices)
    channel = django_filters.ChoiceFilter(choices=Channel.choices, label=_("How"))
    frequency = django_filters.ChoiceFilter(choices=CommunicationFrequency.choices, label=_("When"))
    owner = django_filters.ModelChoiceFilter(queryset=organization_members, label=_("Owner"))
    overdue = django_filters.BooleanFilter(method="filter_overdue", label=_("Overdue"))
    ordering = django_filters.OrderingFilter(
        fields=(("subject", "subject"), ("next_due", "next_due"), ("last_done", "last_done"))
    )

    class Meta:
        model = CommunicationItem
        fields = ["organization"]

    def filter_overdue(self, queryset, name, value):
        condition = Q(next_due__lt=timezone.localdate())
        if value:
            return queryset.filter(condition)
        if value is False:
            return queryset.exclude(condition)
        return queryset
