"""One filter set per model, used by the UI list and the API alike."""

import django_filters
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from aims.core.filters import organization_members
from aims.core.permissions import Action, restrict
from audits.models import (
    OPEN_ACTION_STATUSES,
    Audit,
    AuditChecklistLine,
    AuditProgramme,
    AuditReport,
    AuditStatus,
    CorrectiveAction,
    FindingResult,
    Incident,
    IncidentCommunication,
    IncidentSeverity,
    IncidentStatus,
    Nonconformity,
    NonconformitySeverity,
    NonconformitySource,
    NonconformityStatus,
    Opportunity,
    OpportunitySource,
    OpportunityStatus,
)
from risks.filters import visible_ai_systems


def visible_programmes(request):
    if request is None:
        return AuditProgramme.objects.none()
    queryset = restrict(AuditProgramme.objects.all(), request.user, Action.VIEW)
    organization = getattr(request, "organization", None)
    return queryset.filter(organization=organization) if organization else queryset


class IncidentFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label=_("Search"))
    status = django_filters.ChoiceFilter(choices=IncidentStatus.choices, label=_("Status"))
    severity = django_filters.ChoiceFilter(choices=IncidentSeverity.choices, label=_("Severity"))
    ai_system = django_filters.ModelChoiceFilter(
        field_name="ai_systems", queryset=visible_ai_systems, label=_("AI system")
    )
    serious = django_filters.BooleanFilter(method="filter_serious", label=_("EU serious incident"))
    owner = django_filters.ModelChoiceFilter(queryset=organization_members, label=_("Owner"))
    ordering = django_filters.OrderingFilter(
        fields=(("detected_at", "detected"), ("number", "number"), ("severity", "severity")),
        label=_("Sort by"),
    )

    class Meta:
        model = Incident
        fields = ["organization"]

    def search(self, queryset, name, value):
        return queryset.filter(Q(title__icontains=value) | Q(description__icontains=value))

    def filter_serious(self, queryset, name, value):
        return (
            queryset.exclude(serious_incident="") if value else queryset.filter(serious_incident="")
        )


class IncidentCommunicationFilterSet(django_filters.FilterSet):
    organization = django_filters.NumberFilter(field_name="incident__organization")

    class Meta:
        model = IncidentCommunication
        fields = ["incident", "status"]


class NonconformityFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label=_("Search"))
    status = django_filters.ChoiceFilter(choices=NonconformityStatus.choices, label=_("Status"))
    severity = django_filters.ChoiceFilter(
        choices=NonconformitySeverity.choices, label=_("Severity")
    )
    source = django_filters.ChoiceFilter(
        choices=NonconformitySource.choices, label=_("Found through")
    )
    requirement = django_filters.CharFilter(
        field_name="requirement__ref", lookup_expr="startswith", label=_("Clause or control")
    )
    ai_system = django_filters.ModelChoiceFilter(
        field_name="ai_systems", queryset=visible_ai_systems, label=_("AI system")
    )
    owner = django_filters.ModelChoiceFilter(queryset=organization_members, label=_("Owner"))
    overdue = django_filters.BooleanFilter(method="filter_overdue", label=_("Action overdue"))
    ordering = django_filters.OrderingFilter(
        fields=(("found_on", "found"), ("number", "number"), ("severity", "severity")),
        label=_("Sort by"),
    )

    class Meta:
        model = Nonconformity
        fields = ["organization", "incident"]

    def search(self, queryset, name, value):
        return queryset.filter(Q(title__icontains=value) | Q(description__icontains=value))

    def filter_overdue(self, queryset, name, value):
        late = Exists(
            CorrectiveAction.objects.filter(
                nonconformity=OuterRef("pk"),
                status__in=OPEN_ACTION_STATUSES,
                due_date__lt=timezone.localdate(),
            )
        )
        return queryset.filter(late if value else ~late)


class CorrectiveActionFilterSet(django_filters.FilterSet):
    organization = django_filters.NumberFilter(field_name="nonconformity__organization")
    owner = django_filters.ModelChoiceFilter(queryset=organization_members, label=_("Owner"))

    class Meta:
        model = CorrectiveAction
        fields = ["nonconformity", "status"]


class OpportunityFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label=_("Search"))
    status = django_filters.ChoiceFilter(choices=OpportunityStatus.choices, label=_("Status"))
    source = django_filters.ChoiceFilter(choices=OpportunitySource.choices, label=_("Came from"))
    ai_system = django_filters.ModelChoiceFilter(
        field_name="ai_systems", queryset=visible_ai_systems, label=_("AI system")
    )
    owner = django_filters.ModelChoiceFilter(queryset=organization_members, label=_("Owner"))
    ordering = django_filters.OrderingFilter(
        fields=(("raised_on", "raised"), ("number", "number"), ("due_date", "due")),
        label=_("Sort by"),
    )

    class Meta:
        model = Opportunity
        fields = ["organization", "incident"]

    def search(self, queryset, name, value):
        return queryset.filter(Q(title__icontains=value) | Q(description__icontains=value))


class AuditProgrammeFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label=_("Search"))
    current = django_filters.BooleanFilter(method="filter_current", label=_("Covers today"))
    ordering = django_filters.OrderingFilter(
        fields=(("period_start", "start"), ("title", "title")), label=_("Sort by")
    )

    class Meta:
        model = AuditProgramme
        fields = ["organization"]

    def search(self, queryset, name, value):
        return queryset.filter(Q(title__icontains=value) | Q(objectives__icontains=value))

    def filter_current(self, queryset, name, value):
        today = timezone.localdate()
        covering = Q(period_start__lte=today, period_end__gte=today)
        return queryset.filter(covering if value else ~covering)


class AuditFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label=_("Search"))
    status = django_filters.ChoiceFilter(choices=AuditStatus.choices, label=_("Status"))
    programme = django_filters.ModelChoiceFilter(queryset=visible_programmes, label=_("Programme"))
    requirement = django_filters.CharFilter(
        method="filter_requirement", label=_("Clause or control")
    )
    ai_system = django_filters.ModelChoiceFilter(
        field_name="ai_systems", queryset=visible_ai_systems, label=_("AI system")
    )
    lead_auditor = django_filters.ModelChoiceFilter(
        queryset=organization_members, label=_("Lead auditor")
    )
    ordering = django_filters.OrderingFilter(
        fields=(("planned_start", "planned"), ("number", "number"), ("status", "status")),
        label=_("Sort by"),
    )

    class Meta:
        model = Audit
        fields = ["organization"]

    def search(self, queryset, name, value):
        return queryset.filter(Q(title__icontains=value) | Q(objectives__icontains=value))

    def filter_requirement(self, queryset, name, value):
        return queryset.filter(
            Exists(
                Audit.clauses.through.objects.filter(
                    audit=OuterRef("pk"), requirement__ref=value.strip()
                )
            )
            | Exists(
                Audit.controls.through.objects.filter(
                    audit=OuterRef("pk"), requirement__ref=value.strip()
                )
            )
        )


class AuditChecklistLineFilterSet(django_filters.FilterSet):
    organization = django_filters.NumberFilter(field_name="audit__organization")
    result = django_filters.ChoiceFilter(
        choices=[("none", _("Not yet answered")), *FindingResult.choices],
        method="filter_result",
        label=_("Result"),
    )

    class Meta:
        model = AuditChecklistLine
        fields = ["audit", "kind", "excluded"]

    def filter_result(self, queryset, name, value):
        return queryset.filter(result="" if value == "none" else value)


class AuditReportFilterSet(django_filters.FilterSet):
    class Meta:
        model = AuditReport
        fields = ["organization", "audit", "status"]
