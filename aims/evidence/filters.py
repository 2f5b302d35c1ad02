"""One filter set per model, used by the UI list and the API alike."""

from __future__ import annotations

import datetime
from typing import Any

import django_filters
from django.conf import settings
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from aims.core.filters import DATE_INPUT, organization_members
from aims.core.links import LinkSpec
from aims.core.permissions import roles_of
from aims.evidence.links import registry
from aims.evidence.models import EvidenceFile, EvidenceItem, EvidenceKind, EvidenceStatus


def _reachable(spec: LinkSpec):
    """Choices of a registered link: the current organisation's records, as far as visible."""

    def choices(request) -> QuerySet:
        if request is None:
            return spec.model.objects.none()
        org = getattr(request, "organization", None)
        if org is not None or not spec.organization_scoped:
            return spec.reachable(request.user, getattr(org, "pk", None))
        mine = spec.reachable(request.user, None)
        return mine.filter(organization_id__in=list(roles_of(request.user)))

    return choices


def link_filter(spec: LinkSpec) -> django_filters.ModelChoiceFilter:
    """``?risk=3``: the items linked to that record (one filter per registered link)."""
    return django_filters.ModelChoiceFilter(
        field_name=spec.accessor, queryset=_reachable(spec), label=spec.label
    )


def status_q(status: str, today: datetime.date | None = None) -> Q:
    """The items whose derived ``status`` is ``status`` today, as a query on their dates."""
    today = today or timezone.localdate()
    soon = today + datetime.timedelta(days=settings.AIMS_EVIDENCE_EXPIRING_DAYS)
    started = Q(valid_from__isnull=True) | Q(valid_from__lte=today)
    if status == EvidenceStatus.NOT_YET_VALID:
        return Q(valid_from__gt=today)
    if status == EvidenceStatus.EXPIRED:
        return started & Q(valid_until__lt=today)
    if status == EvidenceStatus.EXPIRING:
        return started & Q(valid_until__gte=today, valid_until__lte=soon)
    if status == EvidenceStatus.VALID:
        return started & (Q(valid_until__isnull=True) | Q(valid_until__gt=soon))
    return Q()


class EvidenceItemFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label=_("Search"))
    kind = django_filters.ChoiceFilter(choices=EvidenceKind.choices, label=_("Kind"))
    status = django_filters.ChoiceFilter(
        choices=EvidenceStatus.choices, method="filter_status", label=_("Status")
    )
    owner = django_filters.ModelChoiceFilter(queryset=organization_members, label=_("Owner"))
    # An audit period: the items whose period covered overlaps it (an item with no period
    # covered is left out, since nothing says it speaks for that period).
    covers_from = django_filters.DateFilter(
        widget=DATE_INPUT,
        field_name="period_until",
        lookup_expr="gte",
        label=_("Covers a period from"),
    )
    covers_until = django_filters.DateFilter(
        widget=DATE_INPUT,
        field_name="period_from",
        lookup_expr="lte",
        label=_("Covers a period until"),
    )
    ordering = django_filters.OrderingFilter(
        fields=(
            ("title", "title"),
            ("kind", "kind"),
            ("valid_until", "valid_until"),
            ("owner__full_name", "owner"),
            ("updated_at", "updated"),
        ),
        label=_("Sort by"),
    )

    class Meta:
        model = EvidenceItem
        fields = ["organization"]

    def search(self, queryset: QuerySet, name: str, value: Any) -> QuerySet:
        return queryset.filter(
            Q(title__icontains=value)
            | Q(description__icontains=value)
            | Q(url__icontains=value)
            | Q(current_file__original_name__icontains=value)
            | Q(current_file__sha256=value.strip().lower())
        )

    def filter_status(self, queryset: QuerySet, name: str, value: Any) -> QuerySet:
        return queryset.filter(status_q(value)) if value else queryset


def _add_link_filter(spec: LinkSpec) -> None:
    # The link filters come from the higher apps' registrations, which may happen after this
    # class is built; the API schema reads base_filters, so they go on the class.
    known = EvidenceItemFilterSet.base_filters
    known[spec.param] = link_filter(spec)
    known["ordering"] = known.pop("ordering")  # sorting stays the last choice


registry.subscribe(_add_link_filter)


class EvidenceFileFilterSet(django_filters.FilterSet):
    sha256 = django_filters.CharFilter(method="filter_sha256", label=_("SHA-256"))

    class Meta:
        model = EvidenceFile
        fields = ["item"]

    def filter_sha256(self, queryset: QuerySet, name: str, value: Any) -> QuerySet:
        return queryset.filter(sha256=value.strip().lower())
