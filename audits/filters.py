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
    DecisionKind,
    FindingResult,
    Incident,
    IncidentCommunication,
    IncidentSeverity,
    IncidentStatus,
    ManagementReview,
    Nonconformity,
    NonconformitySeverity,
    NonconformitySource,
    NonconformityStatus,
    Opportunity,
    OpportunitySource,
    OpportunityStatus,
    ReviewDecision,
    ReviewInput,
    ReviewInputKind,
    ReviewMinutes,
    ReviewStatus,
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


# --- Management review (9.3) -----------------------------------------------------------------


class ManagementReviewFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label=_("Search"))
    status = django_filters.ChoiceFilter(choices=ReviewStatus.choices, label=_("Status"))
    chair = django_filters.ModelChoiceFilter(queryset=organization_members, label=_("Chair"))
    held_from = django_filters.DateFilter(
        field_name="held_on", lookup_expr="gte", label=_("Held from")
    )
    held_until = django_filters.DateFilter(
        field_name="held_on", lookup_expr="lte", label=_("Held until")
    )
    ordering = django_filters.OrderingFilter(
        fields=(("planned_for", "planned"), ("number", "number"), ("status", "status")),
        label=_("Sort by"),
    )

    class Meta:
        model = ManagementReview
        fields = ["organization"]

    def search(self, queryset, name, value):
        return queryset.filter(Q(title__icontains=value) | Q(other_attendees__icontains=value))


class ReviewInputFilterSet(django_filters.FilterSet):
    organization = django_filters.NumberFilter(field_name="review__organization")
    kind = django_filters.ChoiceFilter(choices=ReviewInputKind.choices, label=_("Input"))

    class Meta:
        model = ReviewInput
        fields = ["review"]


class ReviewDecisionFilterSet(django_filters.FilterSet):
    organization = django_filters.NumberFilter(field_name="review__organization")
    q = django_filters.CharFilter(method="search", label=_("Search"))
    status = django_filters.ChoiceFilter(
        choices=ReviewDecision._meta.get_field("status").choices, label=_("Status")
    )
    kind = django_filters.ChoiceFilter(choices=DecisionKind.choices, label=_("About"))
    owner = django_filters.ModelChoiceFilter(queryset=organization_members, label=_("Owner"))
    open = django_filters.BooleanFilter(method="filter_open", label=_("Still open"))
    overdue = django_filters.BooleanFilter(method="filter_overdue", label=_("Overdue"))
    ordering = django_filters.OrderingFilter(
        fields=(("due_date", "due"), ("review__number", "review"), ("status", "status")),
        label=_("Sort by"),
    )

    class Meta:
        model = ReviewDecision
        fields = ["review"]

    def search(self, queryset, name, value):
        return queryset.filter(Q(decision__icontains=value) | Q(outcome__icontains=value))

    def filter_open(self, queryset, name, value):
        if value is None:
            return queryset
        condition = Q(status__in=OPEN_ACTION_STATUSES)
        return queryset.filter(condition if value else ~condition)

    def filter_overdue(self, queryset, name, value):
        if value is None:
            return queryset
        condition = Q(status__in=OPEN_ACTION_STATUSES, due_date__lt=timezone.localdate())
        return queryset.filter(condition if value else ~condition)


class ReviewMinutesFilterSet(django_filters.FilterSet):
    class Meta:
        model = ReviewMinutes
        fields = ["organization", "review", "status"]
