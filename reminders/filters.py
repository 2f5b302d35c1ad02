import django_filters
from django.utils.translation import gettext_lazy as _

from aims.core.filters import DATE_INPUT
from aims.organizations.models import Organization
from reminders.models import Reminder, ReminderSettings, Rule
from reminders.sources import KINDS

READ_CHOICES = [("unread", _("Unread")), ("read", _("Read"))]


def _my_organizations(request):
    if request is None or not request.user.is_authenticated:
        return Organization.objects.none()
    return Organization.objects.filter(memberships__user=request.user).order_by("name")


class ReminderFilterSet(django_filters.FilterSet):
    state = django_filters.ChoiceFilter(
        choices=READ_CHOICES, method="filter_state", label=_("Read or not"), empty_label=_("Any")
    )
    organization = django_filters.ModelChoiceFilter(
        queryset=_my_organizations, label=_("Organisation"), empty_label=_("Any")
    )
    kind = django_filters.ChoiceFilter(
        choices=list(KINDS.items()), label=_("Kind"), empty_label=_("Any")
    )
    rule = django_filters.ChoiceFilter(choices=Rule.choices, label=_("When"), empty_label=_("Any"))
    due_from = django_filters.DateFilter(
        widget=DATE_INPUT, field_name="due_on", lookup_expr="gte", label=_("Due from")
    )
    due_until = django_filters.DateFilter(
        widget=DATE_INPUT, field_name="due_on", lookup_expr="lte", label=_("Due until")
    )

    class Meta:
        model = Reminder
        fields = ["state", "organization", "kind", "rule", "due_from", "due_until"]

    def filter_state(self, queryset, name, value):
        if value == "unread":
            return queryset.filter(read_at__isnull=True)
        if value == "read":
            return queryset.filter(read_at__isnull=False)
        return queryset


class ReminderSettingsFilterSet(django_filters.FilterSet):
    class Meta:
        model = ReminderSettings
        fields = ["organization"]
