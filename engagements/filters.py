"""One filter set per model, used by the UI list and the API alike."""

import django_filters
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from engagements.models import Engagement, Stage


class EngagementFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label=_("Search"))
    stage = django_filters.ChoiceFilter(choices=Stage.choices, label=_("Stage"))
    open = django_filters.BooleanFilter(method="filter_open", label=_("Open today"))
    ordering = django_filters.OrderingFilter(
        fields=(("starts_on", "starts"), ("ends_on", "ends"), ("name", "name")),
        label=_("Sort by"),
    )

    class Meta:
        model = Engagement
        fields = ["organization"]

    def search(self, queryset, name, value):
        return queryset.filter(Q(name__icontains=value) | Q(body_name__icontains=value))

    def filter_open(self, queryset, name, value):
        today = timezone.localdate()
        window = Q(starts_on__lte=today, ends_on__gte=today)
        return queryset.filter(window if value else ~window)
