import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from controls.models import (
    Framework,
    MappingRelationship,
    Requirement,
    RequirementKind,
    RequirementMapping,
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
