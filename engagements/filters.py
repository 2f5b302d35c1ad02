"""One filter set per model, used by the UI list and the API alike."""

import django_filters
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from aims.core.permissions import Action, restrict
from engagements.models import (
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
