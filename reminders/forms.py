from django import forms
from django.utils.translation import gettext_lazy as _

from aims.core.forms import CleanInputFormMixin, SectionedFormMixin, TrackedModelForm
from reminders.models import Delivery, ReminderSettings, validate_lead_days
from reminders.sources import KINDS


class ReminderSettingsForm(TrackedModelForm):
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
            self.initial["lead_days"] = ", ".join(str(d) for d in self.initial["lead_days"])

    def clean_lead_days(self):
        text = self.cleaned_data["lead_days"]
        try:
            days = [int(part) for part in text.replace(";", ",").split(",") if part.strip()]
        except ValueError as exc:
            raise forms.ValidationError(
                _("Give whole numbers of days, separated by commas.")
            ) from exc
        validate_lead_days(days)
        return sorted(days, reverse=True)


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
