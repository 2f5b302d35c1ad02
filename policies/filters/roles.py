"""Filter sets of the roles area, used by the UI lists and the API alike."""

import django_filters
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from aims.core.filters import organization_members
from aims.core.permissions import Action, restrict
from policies.models.roles import (
    RACI,
    AIMSProcess,
    AIMSRole,
    CompetenceRequirement,
    RACIAssignment,
    RecordKind,
    RecordType,
    TrainingRecord,
)


def _visible(model):
    def choices(request):
        if request is None:
            return model.objects.none()
        qs = restrict(model.objects.all(), request.user, Action.VIEW)
        org = getattr(request, "organization", None)
        return qs.filter(organization=org) if org is not None else qs

    return choices


visible_processes = _visible(AIMSProcess)
visible_roles = _visible(AIMSRole)


def visible_requirements(request):
    # Their labels name the role: read it with them.
    return _visible(CompetenceRequirement)(request).select_related("role")


class AIMSProcessFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label=_("Search"))
    owner = django_filters.ModelChoiceFilter(queryset=organization_members, label=_("Owner"))
    has_owner = django_filters.BooleanFilter(
        field_name="owner", lookup_expr="isnull", exclude=True, label=_("Has an owner")
    )
    record_type = django_filters.ChoiceFilter(
        choices=RecordType.choices, method="filter_record_type", label=_("Produces")
    )
    ordering = django_filters.OrderingFilter(
        fields=(("name", "name"), ("owner__full_name", "owner"), ("updated_at", "updated")),
        label=_("Sort by"),
    )

    class Meta:
        model = AIMSProcess
        fields = ["organization"]

    def search(self, queryset, name, value):
        return queryset.filter(Q(name__icontains=value) | Q(purpose__icontains=value))

    def filter_record_type(self, queryset, name, value):
        return queryset.filter(record_types__contains=[value])


class AIMSRoleFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label=_("Search"))
    member = django_filters.ModelChoiceFilter(
        field_name="members", queryset=organization_members, label=_("Person")
    )
    ordering = django_filters.OrderingFilter(fields=(("name", "name"),), label=_("Sort by"))

    class Meta:
        model = AIMSRole
        fields = ["organization"]

    def search(self, queryset, name, value):
        return queryset.filter(Q(name__icontains=value) | Q(responsibilities__icontains=value))


class RACIAssignmentFilterSet(django_filters.FilterSet):
    process = django_filters.ModelChoiceFilter(queryset=visible_processes, label=_("Process"))
    role = django_filters.ModelChoiceFilter(queryset=visible_roles, label=_("Role"))
    responsibility = django_filters.ChoiceFilter(choices=RACI.choices, label=_("Letter"))

    class Meta:
        model = RACIAssignment
        fields = ["organization"]


class CompetenceRequirementFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(field_name="title", lookup_expr="icontains", label=_("Search"))
    role = django_filters.ModelChoiceFilter(queryset=visible_roles, label=_("Role"))
    ordering = django_filters.OrderingFilter(
        fields=(("role__name", "role"), ("title", "title")), label=_("Sort by")
    )

    class Meta:
        model = CompetenceRequirement
        fields = ["organization"]


class TrainingRecordFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label=_("Search"))
    person = django_filters.ModelChoiceFilter(queryset=organization_members, label=_("Person"))
    kind = django_filters.ChoiceFilter(choices=RecordKind.choices, label=_("Kind"))
    meets = django_filters.ModelChoiceFilter(
        queryset=visible_requirements, label=_("Meets requirement")
    )
    expired = django_filters.BooleanFilter(method="filter_expired", label=_("Expired"))
    ordering = django_filters.OrderingFilter(
        fields=(
            ("completed_on", "completed"),
            ("expires_on", "expires"),
            ("person__full_name", "person"),
            ("title", "title"),
        ),
        label=_("Sort by"),
    )

    class Meta:
        model = TrainingRecord
        fields = ["organization"]

    def search(self, queryset, name, value):
        return queryset.filter(Q(title__icontains=value) | Q(provider__icontains=value))

    def filter_expired(self, queryset, name, value):
        condition = Q(expires_on__lt=timezone.localdate())
        return queryset.filter(condition if value else ~condition)
