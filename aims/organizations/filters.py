import django_filters
from django import forms
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from aims.core.documents import DocumentStatus
from aims.core.filters import organization_members
from aims.core.permissions import Role
from aims.organizations.models import (
    Addressed,
    ClimateDecision,
    ContextIssue,
    ContextSide,
    InterestedParty,
    IssueCategory,
    IssueStatus,
    Membership,
    Organization,
    PartyCategory,
    PartyRequirement,
    RequirementSource,
    ScopeStatement,
)


class AnyYesNo(django_filters.widgets.BooleanWidget):
    """A yes/no filter whose empty choice reads "Any" (not "Unknown")."""

    def __init__(self, attrs=None):
        super().__init__(attrs)
        self.choices = (("", _("Any")), ("true", _("Yes")), ("false", _("No")))


class OrganizationFilterSet(django_filters.FilterSet):
    class Meta:
        model = Organization
        fields = ["slug", "is_active"]


class MembershipFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label=_("Search"))
    user = django_filters.ModelChoiceFilter(queryset=organization_members, label=_("Person"))
    role = django_filters.MultipleChoiceFilter(choices=Role.choices, label=_("Role"))
    ordering = django_filters.OrderingFilter(
        fields=(
            ("user__full_name", "name"),
            ("user__email", "email"),
            ("role", "role"),
            ("created_at", "added"),
        ),
    )

    class Meta:
        model = Membership
        fields = ["organization", "user"]

    def search(self, queryset, name, value):
        return queryset.filter(
            Q(user__email__icontains=value) | Q(user__full_name__icontains=value)
        )


class ScopeStatementFilterSet(django_filters.FilterSet):
    status = django_filters.MultipleChoiceFilter(choices=DocumentStatus.choices)

    class Meta:
        model = ScopeStatement
        fields = ["organization", "number"]


class ContextIssueFilterSet(django_filters.FilterSet):
    organization = django_filters.NumberFilter(field_name="organization")
    q = django_filters.CharFilter(method="search", label=_("Search"))
    kind = django_filters.ChoiceFilter(
        choices=ContextSide.choices, label=_("Internal or external"), empty_label=_("Both")
    )
    category = django_filters.MultipleChoiceFilter(
        choices=IssueCategory.choices, label=_("Category")
    )
    status = django_filters.MultipleChoiceFilter(choices=IssueStatus.choices, label=_("Status"))
    owner = django_filters.ModelChoiceFilter(queryset=organization_members, label=_("Owner"))
    review_overdue = django_filters.BooleanFilter(
        method="filter_overdue",
        label=_("Review overdue"),
        widget=AnyYesNo(),
    )
    ordering = django_filters.OrderingFilter(
        fields=(
            ("title", "title"),
            ("kind", "kind"),
            ("category", "category"),
            ("status", "status"),
            ("identified_on", "identified"),
            ("next_review_date", "review"),
        ),
    )

    class Meta:
        model = ContextIssue
        fields = ["organization"]

    def search(self, queryset, name, value):
        return queryset.filter(
            Q(title__icontains=value) | Q(description__icontains=value) | Q(effect__icontains=value)
        )

    def filter_overdue(self, queryset, name, value):
        overdue = Q(next_review_date__lt=timezone.localdate()) & ~Q(status=IssueStatus.CLOSED)
        return queryset.filter(overdue) if value else queryset.exclude(overdue)


class ClimateDecisionFilterSet(django_filters.FilterSet):
    organization = django_filters.NumberFilter(field_name="organization")
    relevant = django_filters.BooleanFilter(label=_("Relevant"), widget=AnyYesNo())
    decided_after = django_filters.DateFilter(
        field_name="decided_on",
        lookup_expr="gte",
        label=_("Decided on or after"),
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    class Meta:
        model = ClimateDecision
        fields = ["organization"]


class InterestedPartyFilterSet(django_filters.FilterSet):
    organization = django_filters.NumberFilter(field_name="organization")
    q = django_filters.CharFilter(method="search", label=_("Search"))
    kind = django_filters.ChoiceFilter(
        choices=ContextSide.choices, label=_("Internal or external"), empty_label=_("Both")
    )
    category = django_filters.MultipleChoiceFilter(
        choices=PartyCategory.choices, label=_("Category")
    )
    owner = django_filters.ModelChoiceFilter(
        queryset=organization_members, label=_("Relationship owner")
    )
    undecided = django_filters.BooleanFilter(
        method="filter_undecided",
        label=_("Has undecided requirements"),
        widget=AnyYesNo(),
    )
    ordering = django_filters.OrderingFilter(
        fields=(("name", "name"), ("kind", "kind"), ("category", "category")),
    )

    class Meta:
        model = InterestedParty
        fields = ["organization"]

    def search(self, queryset, name, value):
        return queryset.filter(
            Q(name__icontains=value)
            | Q(description__icontains=value)
            | Q(requirements__requirement__icontains=value)
        ).distinct()

    def filter_undecided(self, queryset, name, value):
        annotated = queryset.annotate(
            undecided_count=Count("requirements", filter=Q(requirements__addressed=""))
        )
        if value:
            return annotated.filter(undecided_count__gt=0)
        return annotated.filter(undecided_count=0)


class PartyRequirementFilterSet(django_filters.FilterSet):
    organization = django_filters.NumberFilter(field_name="party__organization")
    source = django_filters.MultipleChoiceFilter(
        choices=RequirementSource.choices, label=_("Source")
    )
    addressed = django_filters.ChoiceFilter(
        choices=[("undecided", _("Not decided yet")), *Addressed.choices],
        method="filter_addressed",
        label=_("Addressed"),
    )

    class Meta:
        model = PartyRequirement
        fields = ["party"]

    def filter_addressed(self, queryset, name, value):
        return queryset.filter(addressed="" if value == "undecided" else value)
