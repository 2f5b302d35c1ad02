"""One filter set per model, used by the UI list and the API alike."""

import django_filters
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from aims.core.filters import DATE_INPUT, organization_members
from aims.core.permissions import Action, restrict
from engagements.models import (
    AccessKind,
    AuditorAccess,
    Engagement,
    InformationRequest,
    InformationRequestMessage,
    RequestStatus,
    Stage,
)


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


def reachable_engagements(request) -> QuerySet:
    """Choices of a filter by engagement: the ones the caller sees, in the current
    organisation (UI) or in any of theirs (API)."""
    if request is None:
        return Engagement.objects.none()
    visible = restrict(Engagement.objects.all(), request.user, Action.VIEW)
    org = getattr(request, "organization", None)
    return visible.filter(organization=org) if org is not None else visible


class AuditorAccessFilterSet(django_filters.FilterSet):
    engagement = django_filters.ModelChoiceFilter(
        queryset=reachable_engagements, label=_("Engagement")
    )
    user = django_filters.ModelChoiceFilter(queryset=organization_members, label=_("Auditor"))
    kind = django_filters.ChoiceFilter(choices=AccessKind.choices, label=_("Kind"))
    since = django_filters.DateFilter(
        widget=DATE_INPUT, field_name="at__date", lookup_expr="gte", label=_("From")
    )
    until = django_filters.DateFilter(
        widget=DATE_INPUT, field_name="at__date", lookup_expr="lte", label=_("Until")
    )
    q = django_filters.CharFilter(field_name="path", lookup_expr="icontains", label=_("Address"))

    class Meta:
        model = AuditorAccess
        fields = ["organization"]


# ==== Information requests =================================================================


def _engagements(request):
    """Choices of the engagement filter: those the caller sees (an auditor: their own), of
    the current organisation in the UI."""
    if request is None:
        return Engagement.objects.none()
    engagements = restrict(Engagement.objects.all(), request.user, Action.VIEW)
    org = getattr(request, "organization", None)
    return engagements.filter(organization=org) if org is not None else engagements


class InformationRequestFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label=_("Search"))
    engagement = django_filters.ModelChoiceFilter(queryset=_engagements, label=_("Engagement"))
    status = django_filters.ChoiceFilter(choices=RequestStatus.choices, label=_("Status"))
    overdue = django_filters.BooleanFilter(method="filter_overdue", label=_("Overdue"))
    ordering = django_filters.OrderingFilter(
        fields=(("number", "number"), ("due_on", "due"), ("updated_at", "updated")),
        label=_("Sort by"),
    )

    class Meta:
        model = InformationRequest
        fields = ["organization"]

    def search(self, queryset, name, value):
        condition = Q(title__icontains=value) | Q(details__icontains=value)
        digits = value.upper().removeprefix("IR-").lstrip("0")
        if digits.isdigit():
            condition |= Q(number=int(digits))
        return queryset.filter(condition)

    def filter_overdue(self, queryset, name, value):
        overdue = Q(status=RequestStatus.OPEN, due_on__lt=timezone.localdate())
        return queryset.filter(overdue if value else ~overdue)


class InformationRequestMessageFilterSet(django_filters.FilterSet):
    class Meta:
        model = InformationRequestMessage
        fields = ["request"]
