from django import forms
from django.utils.translation import gettext_lazy as _

from aims.core.forms import TrackedModelForm
from audits.models import Incident, IncidentCommunication

DATETIME_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d"]


def datetime_widget() -> forms.DateTimeInput:
    """The browser's date-and-time picker; the value is read in the organisation's time zone."""
    return forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class _DateTimes:
    datetime_fields: tuple[str, ...] = ()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in self.datetime_fields:
            if name in self.fields:
                self.fields[name].widget = datetime_widget()
                self.fields[name].input_formats = DATETIME_FORMATS


class IncidentForm(_DateTimes, TrackedModelForm):
    datetime_fields = ("occurred_at", "detected_at", "aware_at", "reported_at")
    sections = [
        (
            _("What happened"),
            _("Times are in the organisation's time zone."),
            ["title", "description", "severity", "status", "owner", "occurred_at", "detected_at"],
        ),
        (
            _("Who and what it affected"),
            "",
            ["ai_systems", "affected_people", "affected_count", "risks"],
        ),
        (_("Response"), "", ["containment", "resolution"]),
        (
            _("EU AI Act reporting (Art. 73)"),
            _(
                "For a serious incident, the report to the market surveillance authority is "
                "due 15 days after you became aware of it; 2 days for a widespread "
                "infringement or a serious disruption of critical infrastructure; 10 days "
                "after a death. Calendar days: weekends count."
            ),
            ["serious_incident", "aware_at", "reported_at", "report_reference"],
        ),
    ]

    class Meta:
        model = Incident
        fields = [
            "title",
            "description",
            "severity",
            "status",
            "owner",
            "occurred_at",
            "detected_at",
            "ai_systems",
            "affected_people",
            "affected_count",
            "risks",
            "containment",
            "resolution",
            "serious_incident",
            "aware_at",
            "reported_at",
            "report_reference",
        ]


class IncidentCommunicationForm(_DateTimes, TrackedModelForm):
    datetime_fields = ("sent_at",)

    class Meta:
        model = IncidentCommunication
        fields = ["audience", "channel", "message", "status", "due_on", "sent_at", "sent_by"]
        widgets = {"due_on": TrackedModelForm.date_widget()}
