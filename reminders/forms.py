from django import forms
from django.utils.translation import gettext_lazy as _

from aims.core.forms import CleanInputFormMixin, SectionedFormMixin, TrackedModelForm
from reminders.models import Delivery, ReminderSettings, validate_lead_days
from reminders.sources import DATE_KINDS, KINDS

KIND_PREFIX = "days_"


def _days(text: str) -> list[int]:
    try:
        days = [int(part) for part in text.replace(";", ",").split(",") if part.strip()]
    except ValueError as exc:
        raise forms.ValidationError(_("Give whole numbers of days, separated by commas.")) from exc
    validate_lead_days(days)
    return sorted(days, reverse=True)


def _listed(days: list[int]) -> str:
    return ", ".join(str(d) for d in days)


class ReminderSettingsForm(TrackedModelForm):
    """The organisation's days before a date, with optional exceptions per kind of date."""

    lead_days = forms.CharField(
        label=_("Remind this many days before"),
        help_text=_("Numbers of days separated by commas, e.g. 30, 7, 1."),
    )

    class Meta:
        model = ReminderSettings
        fields = ["lead_days", "on_the_day", "escalate_overdue"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if isinstance(self.initial.get("lead_days"), list):
            self.initial["lead_days"] = _listed(self.initial["lead_days"])
        by_kind = self.instance.lead_days_by_kind or {}
        for kind, label in DATE_KINDS.items():
            self.fields[KIND_PREFIX + kind] = forms.CharField(
                label=label,
                required=False,
                initial=_listed(by_kind.get(kind) or []),
                widget=forms.TextInput(attrs={"placeholder": _("As above")}),
            )
        self.sections = [
            (_("Every kind of date"), "", ["lead_days", "on_the_day", "escalate_overdue"]),
            (
                _("Days before, by kind of date"),
                _(
                    "Only where a kind needs other days than those above, e.g. 90, 30 for "
                    "training that expires. Leave a kind empty to use the days above."
                ),
                [KIND_PREFIX + kind for kind in DATE_KINDS],
            ),
        ]

    def clean_lead_days(self):
        return _days(self.cleaned_data["lead_days"])

    def clean(self):
        cleaned = super().clean()
        by_kind = {}
        for kind in DATE_KINDS:
            text = (cleaned.get(KIND_PREFIX + kind) or "").strip()
            if not text:
                continue
            try:
                by_kind[kind] = _days(text)
            except forms.ValidationError as exc:
                self.add_error(KIND_PREFIX + kind, exc)
        self.instance.lead_days_by_kind = by_kind
        return cleaned


class PreferencesForm(CleanInputFormMixin, SectionedFormMixin, forms.Form):
    """One choice per kind of reminder: at once, daily or weekly digest, or off."""

    def __init__(self, *args, current: dict[str, str] | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        current = current or {}
        for kind, label in KINDS.items():
            self.fields[kind] = forms.ChoiceField(
                label=label,
                choices=Delivery.choices,
                initial=current.get(kind, Delivery.IMMEDIATE),
            )
