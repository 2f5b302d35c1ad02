"""Filter sets of the support area, shared by the list pages and the API. The concerns'
set offers nothing about who raised a concern except "raised by me"."""

from __future__ import annotations

import django_filters
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from aims.core.filters import organization_members
from policies.models.support import (
    OPEN_CONCERN_STATUSES,
    AIMSResource,
    ChangeStatus,
    ChannelAudience,
    Concern,
    ConcernCategory,
    ConcernChannel,
    ConcernStatus,
    DisposalMethod,
    OutsideDocument,
    OutsideDocumentKind,
    OutsideDocumentStatus,
    PlannedChange,
    ResourceKind,
    ResourceStatus,
    RetentionRule,
)
from risks.filters import visible_ai_systems


class AIMSResourceFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label=_("Search"))
    kind = django_filters.ChoiceFilter(choices=ResourceKind.choices, label=_("Kind"))
    status = django_filters.ChoiceFilter(choices=ResourceStatus.choices, label=_("Status"))
    owner = django_filters.ModelChoiceFilter(queryset=organization_members, label=_("Owner"))
    review_overdue = django_filters.BooleanFilter(
        method="filter_overdue", label=_("Review overdue")
    )
    ordering = django_filters.OrderingFilter(
        fields=(
            ("name", "name"),
            ("kind", "kind"),
            ("status", "status"),
            ("review_date", "review"),
        ),
        label=_("Sort by"),
    )

    class Meta:
        model = AIMSResource
        fields = ["organization"]

    def search(self, queryset, name, value):
        return queryset.filter(Q(name__icontains=value) | Q(description__icontains=value))

    def filter_overdue(self, queryset, name, value):
        overdue = Q(review_date__lt=timezone.localdate())
        return queryset.filter(overdue) if value else queryset.exclude(overdue)


class PlannedChangeFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label=_("Search"))
    status = django_filters.ChoiceFilter(choices=ChangeStatus.choices, label=_("Status"))
    responsible = django_filters.ModelChoiceFilter(
        queryset=organization_members, label=_("Responsible")
    )
    ordering = django_filters.OrderingFilter(
        fields=(("title", "title"), ("planned_date", "planned"), ("status", "status")),
        label=_("Sort by"),
    )

    class Meta:
        model = PlannedChange
        fields = ["organization"]

    def search(self, queryset, name, value):
        return queryset.filter(Q(title__icontains=value) | Q(purpose__icontains=value))


class RetentionRuleFilterSet(django_filters.FilterSet):
    disposal_method = django_filters.ChoiceFilter(
        choices=DisposalMethod.choices, label=_("Disposal")
    )

    class Meta:
        model = RetentionRule
        fields = ["organization", "record_type"]


class OutsideDocumentFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label=_("Search"))
    kind = django_filters.ChoiceFilter(choices=OutsideDocumentKind.choices, label=_("Kind"))
    status = django_filters.ChoiceFilter(choices=OutsideDocumentStatus.choices, label=_("Status"))
    owner = django_filters.ModelChoiceFilter(queryset=organization_members, label=_("Owner"))
    ordering = django_filters.OrderingFilter(
        fields=(("title", "title"), ("kind", "kind"), ("status", "status")), label=_("Sort by")
    )

    class Meta:
        model = OutsideDocument
        fields = ["organization"]

    def search(self, queryset, name, value):
        return queryset.filter(Q(title__icontains=value) | Q(location__icontains=value))


class ConcernChannelFilterSet(django_filters.FilterSet):
    audience = django_filters.ChoiceFilter(
        choices=ChannelAudience.choices, label=_("Who reports here")
    )

    class Meta:
        model = ConcernChannel
        fields = ["organization", "audience", "anonymous_enabled"]


class ConcernFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label=_("Search"))
    status = django_filters.ChoiceFilter(choices=ConcernStatus.choices, label=_("Status"))
    open = django_filters.BooleanFilter(method="filter_open", label=_("Open"))
    category = django_filters.ChoiceFilter(choices=ConcernCategory.choices, label=_("Category"))
    ai_system = django_filters.ModelChoiceFilter(queryset=visible_ai_systems, label=_("AI system"))
    mine = django_filters.BooleanFilter(method="filter_mine", label=_("Raised by me"))
    # From an external channel (A.8.3). The reporter's contact details are no filter.
    from_outside = django_filters.BooleanFilter(
        method="filter_from_outside", label=_("From outside the organisation")
    )
    ordering = django_filters.OrderingFilter(
        fields=(("created_at", "received"), ("status", "status"), ("summary", "summary")),
        label=_("Sort by"),
    )

    class Meta:
        model = Concern
        fields = ["organization"]

    def search(self, queryset, name, value):
        return queryset.filter(Q(summary__icontains=value) | Q(description__icontains=value))

    def filter_open(self, queryset, name, value):
        condition = Q(status__in=OPEN_CONCERN_STATUSES)
        return queryset.filter(condition) if value else queryset.exclude(condition)

    def filter_from_outside(self, queryset, name, value):
        condition = Q(reporter_relationship="")
        return queryset.exclude(condition) if value else queryset.filter(condition)

    def filter_mine(self, queryset, name, value):
        user = getattr(self.request, "user", None)
        if user is None or not user.is_authenticated:
            return queryset.none() if value else queryset
        return (
            queryset.filter(reporter_id=user.pk) if value else queryset.exclude(reporter_id=user.pk)
        )
