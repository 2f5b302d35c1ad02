import django_filters
from django.utils.translation import gettext_lazy as _

from reminders.models import Reminder
from reminders.sources import KINDS


class ReminderFilterSet(django_filters.FilterSet):
    unread = django_filters.BooleanFilter(
        field_name="read_at", lookup_expr="isnull", label=_("Unread")
    )
    kind = django_filters.ChoiceFilter(choices=list(KINDS.items()), label=_("Kind"))

    class Meta:
        model = Reminder
        fields = ["organization", "kind", "rule"]
