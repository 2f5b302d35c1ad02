import datetime

import django_filters
from django import forms
from django.contrib.auth import get_user_model
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from aims.core.models import ChangeAction, ChangeLogEntry, ChangeSource, Job, JobStatus
from aims.core.permissions import UserPurpose, roles_of, users_choosable

# A date picker in the filter bar, as in the forms (a plain text box otherwise).
DATE_INPUT = forms.DateInput(attrs={"type": "date"})


def label_filter_form(filterset: django_filters.FilterSet) -> None:
    """Empty choices that say what they do in a list's filter form: a drop-down left empty
    is "Any" (``FILTERS_EMPTY_CHOICE_LABEL``), a yes/no filter is "Any", "Yes" or "No",
    and the sort order starts at "Default order"."""
    for name, field in filterset.form.fields.items():
        if isinstance(field.widget, forms.NullBooleanSelect):
            field.widget.choices = [("unknown", _("Any")), ("true", _("Yes")), ("false", _("No"))]
        if isinstance(filterset.filters.get(name), django_filters.OrderingFilter):
            field.empty_label = _("Default order")
            field.widget.choices = list(field.choices)


def organization_members(request) -> QuerySet:
    """Choices of a filter by person (``queryset=organization_members``): members of the
    current organisation (UI) or of the caller's organisations (API), as far as the caller
    may see their memberships (``users_choosable``)."""
    if request is None:
        return get_user_model().objects.none()
    current = getattr(request, "organization", None)
    return users_choosable(
        organization=current if current is not None else list(roles_of(request.user)),
        purpose=UserPurpose.FILTER,
        viewer=request.user,
    )


class UtcIsoDateTimeField(django_filters.fields.IsoDateTimeField):
    """An ISO 8601 date and time, turned into UTC before it reaches the database: an offset
    Postgres does not accept (``+23:03``) or a moment beyond year 1..9999 once in UTC is a
    400 on the parameter, not a database error."""

    def to_python(self, value):
        try:
            parsed = super().to_python(value)
            if parsed is not None and parsed.tzinfo is not None:
                parsed = parsed.astimezone(datetime.UTC)
        except OverflowError as exc:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid") from exc
        return parsed


class UtcIsoDateTimeFilter(django_filters.IsoDateTimeFilter):
    field_class = UtcIsoDateTimeField


class ChangeLogFilterSet(django_filters.FilterSet):
    actor = django_filters.ModelChoiceFilter(queryset=organization_members)
    source = django_filters.ChoiceFilter(choices=ChangeSource.choices)
    action = django_filters.ChoiceFilter(choices=ChangeAction.choices)
    model = django_filters.CharFilter(field_name="content_type__model", label="Record type")
    since = UtcIsoDateTimeFilter(field_name="timestamp", lookup_expr="gte")
    until = UtcIsoDateTimeFilter(field_name="timestamp", lookup_expr="lt")

    class Meta:
        model = ChangeLogEntry
        fields = ["organization", "actor", "object_id", "request_id"]


class JobFilterSet(django_filters.FilterSet):
    status = django_filters.MultipleChoiceFilter(choices=JobStatus.choices)

    class Meta:
        model = Job
        fields = ["organization", "kind"]
