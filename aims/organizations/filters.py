import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from aims.core.documents import DocumentStatus
from aims.core.filters import organization_members
from aims.core.permissions import Role
from aims.organizations.models import Membership, Organization, ScopeStatement


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
