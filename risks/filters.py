"""One filter set per model, used by the register page and the API alike."""

from __future__ import annotations

import django_filters
from django.db.models import BooleanField, Exists, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from aims.core.filters import organization_members
from aims.core.permissions import Action, restrict
from aims.core.widgets import FastSelect
from aims.inventory.models import AISystem
from risks.models import (
    ActionStatus,
    AssessmentStatus,
    Risk,
    RiskAssessment,
    RiskCriteria,
    RiskKind,
    RiskStatus,
    TreatmentAction,
    TreatmentOption,
)
from risks.services import criteria_versions

# Cell filters come from heatmap links; the filter bar carries them as hidden inputs.
CELL_FILTERS = ("inherent_likelihood", "inherent_impact", "residual_likelihood", "residual_impact")


def visible_ai_systems(request):
    """AI system choices: the current organisation's (UI) or every reachable one (API)."""
    if request is None:
        return AISystem.objects.none()
    qs = restrict(AISystem.objects.all(), request.user, Action.VIEW)
    org = getattr(request, "organization", None)
    return qs.filter(organization=org) if org is not None else qs


def band_choices(request) -> list[tuple[str, str]] | None:
    """Band keys and labels of the organisation's current criteria (UI only)."""
    org = getattr(request, "organization", None) if request is not None else None
    if org is None:
        return None
    versions = criteria_versions(request)
    return [(b["key"], b["label"]) for b in versions.current.bands]


def _open_overdue_actions():
    return TreatmentAction.objects.filter(
        risk=OuterRef("pk"),
        status__in=(ActionStatus.PLANNED, ActionStatus.IN_PROGRESS),
        due_date__lt=timezone.localdate(),
    )


def actions_overdue() -> Exists:
    """Whether a risk has open treatment actions past their due date (to filter on)."""
    return Exists(_open_overdue_actions())


def actions_overdue_flag() -> Coalesce:
    """The same as a column of a page of rows. Postgres runs an EXISTS once over every open
    overdue action of every organisation (a hashed plan); this scalar subquery is one
    index probe per row shown, about ten times less work for a page of 100."""
    first = _open_overdue_actions().annotate(flag=Value(True)).values("flag")[:1]
    return Coalesce(Subquery(first, output_field=BooleanField()), Value(False))


class RiskFilterSet(django_filters.FilterSet):
    organization = django_filters.NumberFilter(field_name="organization")
    q = django_filters.CharFilter(method="search", label=_("Search"))
    # The register's filter bar draws its selects in Python (aims.core.widgets): through
    # the templates they cost more than the table's hundred rows.
    ai_system = django_filters.ModelChoiceFilter(
        field_name="ai_systems",
        queryset=visible_ai_systems,
        label=_("AI system"),
        widget=FastSelect,
    )
    kind = django_filters.ChoiceFilter(
        choices=RiskKind.choices,
        label=_("Risks or opportunities"),
        empty_label=_("Both"),
        widget=FastSelect,
    )
    inherent_level = django_filters.CharFilter(label=_("Inherent level"))
    residual_level = django_filters.CharFilter(label=_("Residual level"))
    owner = django_filters.ModelChoiceFilter(
        queryset=organization_members, label=_("Owner"), widget=FastSelect
    )
    status = django_filters.ChoiceFilter(
        choices=RiskStatus.choices, label=_("Status"), widget=FastSelect
    )
    treatment_option = django_filters.ChoiceFilter(
        choices=TreatmentOption.choices, label=_("Treatment"), widget=FastSelect
    )
    overdue = django_filters.BooleanFilter(
        method="filter_overdue",
        label=_("Overdue"),
        widget=FastSelect(choices=[("", _("Any")), ("true", _("Yes")), ("false", _("No"))]),
    )
    inherent_likelihood = django_filters.NumberFilter(label=_("Inherent likelihood"))
    inherent_impact = django_filters.NumberFilter(label=_("Inherent impact"))
    residual_likelihood = django_filters.NumberFilter(label=_("Residual likelihood"))
    residual_impact = django_filters.NumberFilter(label=_("Residual impact"))
    ordering = django_filters.OrderingFilter(
        fields=(
            ("number", "reference"),
            ("title", "title"),
            ("inherent_rank", "inherent_rank"),
            ("residual_rank", "residual_rank"),
            ("next_review_date", "next_review_date"),
            ("status", "status"),
        ),
        label=_("Sort by"),
    )

    ui_exclude = ("organization", "ordering", "library_code", *CELL_FILTERS)

    class Meta:
        model = Risk
        fields = ["library_code"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        choices = band_choices(self.request)
        if choices is not None:
            for name, label in (
                ("inherent_level", _("Inherent level")),
                ("residual_level", _("Residual level")),
            ):
                self.filters[name] = django_filters.ChoiceFilter(
                    field_name=name, choices=choices, label=label, widget=FastSelect
                )
                self.filters[name].model = Risk
                self.filters[name].parent = self

    def search(self, queryset, name, value):
        value = value.strip()
        condition = Q(title__icontains=value) | Q(description__icontains=value)
        ref = value.upper().removeprefix("R-")
        if ref.isdigit():
            condition |= Q(number=int(ref))
        return queryset.filter(condition)

    def filter_overdue(self, queryset, name, value):
        condition = Q(next_review_date__lt=timezone.localdate()) | Q(actions_overdue())
        if value:
            return queryset.filter(condition)
        if value is False:
            return queryset.exclude(condition)
        return queryset


class TreatmentActionFilterSet(django_filters.FilterSet):
    organization = django_filters.NumberFilter(field_name="risk__organization")
    status = django_filters.ChoiceFilter(choices=ActionStatus.choices)
    overdue = django_filters.BooleanFilter(method="filter_overdue", label=_("Overdue"))

    class Meta:
        model = TreatmentAction
        fields = ["risk", "owner"]

    def filter_overdue(self, queryset, name, value):
        condition = Q(
            status__in=(ActionStatus.PLANNED, ActionStatus.IN_PROGRESS),
            due_date__lt=timezone.localdate(),
        )
        if value:
            return queryset.filter(condition)
        if value is False:
            return queryset.exclude(condition)
        return queryset


class RiskAssessmentFilterSet(django_filters.FilterSet):
    organization = django_filters.NumberFilter(field_name="organization")
    q = django_filters.CharFilter(field_name="title", lookup_expr="icontains", label=_("Search"))
    status = django_filters.ChoiceFilter(choices=AssessmentStatus.choices, label=_("Status"))
    ordering = django_filters.OrderingFilter(
        fields=(("assessed_on", "assessed_on"), ("title", "title"), ("status", "status")),
        label=_("Sort by"),
    )

    class Meta:
        model = RiskAssessment
        fields: list[str] = []


class RiskCriteriaFilterSet(django_filters.FilterSet):
    class Meta:
        model = RiskCriteria
        fields = ["organization", "is_current", "number"]
