import django_filters
from django import forms
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _

from aims.core.documents import DocumentStatus
from aims.core.filters import organization_members
from controls import links
from controls.models import (
    ANNEX_A_GROUPS,
    ORGANIZATION_GROUP,
    Applicability,
    ClauseStatus,
    ControlImplementation,
    Framework,
    ImplementationStatus,
    MappingRelationship,
    ReadinessStatus,
    Requirement,
    RequirementKind,
    RequirementMapping,
    SoAVersion,
)


class RequirementFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label=_("Search"))
    framework = django_filters.ModelChoiceFilter(
        queryset=Framework.objects.all(), to_field_name="code", label=_("Framework")
    )
    kind = django_filters.ChoiceFilter(choices=RequirementKind.choices, label=_("Kind"))
    ref = django_filters.CharFilter(field_name="ref", label=_("Reference"))
    ref_prefix = django_filters.CharFilter(
        field_name="ref", lookup_expr="startswith", label=_("Reference starts with")
    )
    assessable = django_filters.BooleanFilter(label=_("Assessable"))
    withdrawn = django_filters.BooleanFilter(label=_("Withdrawn"))

    ui_exclude = ("parent", "ordering", "withdrawn", "ref")

    class Meta:
        model = Requirement
        fields = ["parent"]

    def search(self, queryset, name, value):
        return queryset.filter(
            Q(ref__icontains=value) | Q(title__icontains=value) | Q(description__icontains=value)
        )


class RequirementMappingFilterSet(django_filters.FilterSet):
    relationship = django_filters.ChoiceFilter(choices=MappingRelationship.choices)
    source_ref = django_filters.CharFilter(field_name="source__ref")
    target_ref = django_filters.CharFilter(field_name="target__ref")

    class Meta:
        model = RequirementMapping
        fields = ["crosswalk", "source", "target"]


# --- Statement of Applicability, SoA versions, clause readiness ----------------------------

GROUP_CHOICES = [(g, g) for g in ANNEX_A_GROUPS] + [
    (ORGANIZATION_GROUP, _("Organisation controls"))
]


def _linked(through: type, column: str):
    """Whether an SoA row has at least one link in an M2M table (one subquery, no join)."""
    return Exists(through.objects.filter(**{column: OuterRef("pk")}))


def gap_condition() -> Q:
    """Rows the SoA flags (mirrors ``ControlImplementation.gaps``), as one SQL condition."""
    has_risk = Q(pk__in=[])  # no treatment link registered: no row has a linked risk
    for spec in links.registry:
        has_risk |= _linked(spec.through, spec.target_column)
    has_evidence = _linked(ControlImplementation.evidence.through, "controlimplementation_id")
    return (
        Q(applicability=Applicability.UNDECIDED)
        | Q(justification__regex=r"^\s*$")
        | (Q(applicability=Applicability.NOT_APPLICABLE) & has_risk)
        | (Q(applicability=Applicability.APPLICABLE) & ~has_evidence)
    )


class ControlImplementationFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label=_("Search"))
    group = django_filters.ChoiceFilter(choices=GROUP_CHOICES, label=_("Group"))
    applicability = django_filters.ChoiceFilter(
        choices=Applicability.choices, label=_("Applicability")
    )
    status = django_filters.ChoiceFilter(choices=ImplementationStatus.choices, label=_("Status"))
    owner = django_filters.ModelChoiceFilter(queryset=organization_members, label=_("Owner"))
    has_gaps = django_filters.BooleanFilter(
        method="filter_gaps",
        label=_("Has gaps"),
        widget=forms.Select(choices=[("", _("Any")), ("true", _("Yes")), ("false", _("No"))]),
    )
    annex_a = django_filters.BooleanFilter(
        field_name="requirement", lookup_expr="isnull", exclude=True, label=_("Annex A")
    )

    ui_exclude = ("organization", "annex_a", "ref")

    class Meta:
        model = ControlImplementation
        fields = ["organization", "ref"]

    def search(self, queryset, name, value):
        return queryset.filter(
            Q(ref__icontains=value)
            | Q(title__icontains=value)
            | Q(justification__icontains=value)
            | Q(implementation__icontains=value)
        )

    def filter_gaps(self, queryset, name, value):
        if value is None:
            return queryset
        return queryset.filter(gap_condition()) if value else queryset.exclude(gap_condition())


class SoAVersionFilterSet(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=DocumentStatus.choices, label=_("Status"))

    ui_exclude = ("organization", "number")

    class Meta:
        model = SoAVersion
        fields = ["organization", "number"]


class ClauseStatusFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label=_("Search"))
    status = django_filters.ChoiceFilter(choices=ReadinessStatus.choices, label=_("Status"))
    owner = django_filters.ModelChoiceFilter(queryset=organization_members, label=_("Owner"))
    ref = django_filters.CharFilter(field_name="requirement__ref", label=_("Clause"))

    ui_exclude = ("organization", "ref")

    class Meta:
        model = ClauseStatus
        fields = ["organization"]

    def search(self, queryset, name, value):
        return queryset.filter(
            Q(requirement__ref__icontains=value)
            | Q(requirement__title__icontains=value)
            | Q(notes__icontains=value)
        )
