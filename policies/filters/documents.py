"""Filters for policies and acknowledgements, shared by the UI lists and the API."""

from __future__ import annotations

import django_filters
from django.db.models import Case, IntegerField, OuterRef, Q, Subquery, Value, When
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from aims.core.documents import DocumentStatus
from aims.core.filters import organization_members
from policies.models import Policy, PolicyAcknowledgement, PolicyKind


def representative_version():
    """Per series, the version that stands for it: the approved one, else the newest."""
    return (
        Policy.objects.filter(organization=OuterRef("organization"), code=OuterRef("code"))
        .annotate(
            approved_first=Case(
                When(status=DocumentStatus.APPROVED, then=Value(0)),
                default=Value(1),
                output_field=IntegerField(),
            )
        )
        .order_by("approved_first", "-number")
        .values("pk")[:1]
    )


class PolicyFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label=_("Search"))
    kind = django_filters.ChoiceFilter(
        choices=PolicyKind.choices, label=_("Kind"), empty_label=_("Any")
    )
    status = django_filters.ChoiceFilter(
        choices=DocumentStatus.choices, label=_("Status"), empty_label=_("Any")
    )
    current = django_filters.BooleanFilter(
        method="filter_current",
        label=_("One row per document"),
        help_text=_(
            "Yes: the approved version of each document, else its newest; no: every version."
        ),
    )
    published = django_filters.BooleanFilter(
        field_name="published_at", lookup_expr="isnull", exclude=True, label=_("Published")
    )
    review_overdue = django_filters.BooleanFilter(
        method="filter_review_overdue", label=_("Review overdue")
    )
    ordering = django_filters.OrderingFilter(
        fields=(
            ("code", "code"),
            ("title", "title"),
            ("number", "number"),
            ("next_review_date", "review"),
        ),
        label=_("Sort by"),
    )

    class Meta:
        model = Policy
        fields = ["organization", "code"]

    def search(self, queryset, name, value):
        return queryset.filter(
            Q(code__icontains=value) | Q(title__icontains=value) | Q(body__icontains=value)
        )

    def filter_current(self, queryset, name, value):
        # Yes: the version that stands for each document; no: every version.
        if value:
            return queryset.filter(pk=Subquery(representative_version()))
        return queryset

    def filter_review_overdue(self, queryset, name, value):
        overdue = Q(status=DocumentStatus.APPROVED, next_review_date__lt=timezone.localdate())
        return queryset.filter(overdue if value else ~overdue)


class PolicyAcknowledgementFilterSet(django_filters.FilterSet):
    user = django_filters.ModelChoiceFilter(
        queryset=organization_members, label=_("Person"), empty_label=_("Any")
    )
    acknowledged = django_filters.BooleanFilter(
        field_name="acknowledged_at", lookup_expr="isnull", exclude=True, label=_("Acknowledged")
    )
    mine = django_filters.BooleanFilter(method="filter_mine", label=_("Mine only"))

    class Meta:
        model = PolicyAcknowledgement
        fields = ["organization", "policy"]

    def filter_mine(self, queryset, name, value):
        user = getattr(self.request, "user", None)
        if not value or user is None:
            return queryset
        return queryset.filter(user=user)
