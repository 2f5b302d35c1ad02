import django_filters

from aims.core.models import ChangeAction, ChangeLogEntry, ChangeSource, Job, JobStatus


class ChangeLogFilterSet(django_filters.FilterSet):
    source = django_filters.ChoiceFilter(choices=ChangeSource.choices)
    action = django_filters.ChoiceFilter(choices=ChangeAction.choices)
    model = django_filters.CharFilter(field_name="content_type__model", label="Record type")
    since = django_filters.IsoDateTimeFilter(field_name="timestamp", lookup_expr="gte")
    until = django_filters.IsoDateTimeFilter(field_name="timestamp", lookup_expr="lt")

    class Meta:
        model = ChangeLogEntry
        fields = ["organization", "actor", "object_id", "request_id"]


class JobFilterSet(django_filters.FilterSet):
    status = django_filters.MultipleChoiceFilter(choices=JobStatus.choices)

    class Meta:
        model = Job
        fields = ["organization", "kind"]
