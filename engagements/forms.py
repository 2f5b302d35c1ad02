from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext_lazy as _

from aims.core.forms import TrackedModelForm
from engagements.models import Engagement

MAX_INVITES = 20


class EngagementForm(TrackedModelForm):
    invite = forms.CharField(
        label=_("Invite auditors by e-mail"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "One address per line, for auditors who are not members yet. Each gets the auditor "
            "role and an e-mail to set a password."
        ),
    )
    sections = [
        (
            _("Who audits"),
            _("The audit, the body that carries it out and the stage it is at."),
            ["name", "body", "body_name", "stage"],
        ),
        (
            _("Auditors and access"),
            _(
                "The auditors read the engagement's scope, read-only, from the first day to the last."
            ),
            ["auditors", "invite", "starts_on", "ends_on"],
        ),
        (
            _("Scope"),
            _(
                "The whole AIMS, or only the AI systems, clauses and controls chosen: the "
                "auditors see the records linked to them and nothing else."
            ),
            ["whole_aims", "ai_systems", "clauses", "controls"],
        ),
        (
            _("Audit period"),
            _("The period the audit looks at. Evidence can be filtered by the period it covers."),
            ["period_from", "period_until", "notes"],
        ),
    ]

    class Meta:
        model = Engagement
        fields = [
            "name",
            "body",
            "body_name",
            "stage",
            "auditors",
            "starts_on",
            "ends_on",
            "whole_aims",
            "ai_systems",
            "clauses",
            "controls",
            "period_from",
            "period_until",
            "notes",
        ]
        widgets = {
            "starts_on": TrackedModelForm.date_widget(),
            "ends_on": TrackedModelForm.date_widget(),
            "period_from": TrackedModelForm.date_widget(),
            "period_until": TrackedModelForm.date_widget(),
            "auditors": forms.CheckboxSelectMultiple,
            "ai_systems": forms.CheckboxSelectMultiple,
            "clauses": forms.CheckboxSelectMultiple,
            "controls": forms.CheckboxSelectMultiple,
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["clauses"].queryset = self.fields["clauses"].queryset.filter(
            kind="clause", framework__code="iso42001"
        )
        self.fields["controls"].queryset = self.fields["controls"].queryset.select_related(
            "requirement"
        )
        self.fields["auditors"].help_text = _("Members of the organisation with the auditor role.")

    def clean_invite(self) -> list[str]:
        lines = [line.strip() for line in self.cleaned_data["invite"].splitlines()]
        emails = list(dict.fromkeys(line.lower() for line in lines if line))
        if len(emails) > MAX_INVITES:
            raise ValidationError(_("Invite at most %(n)d people at a time.") % {"n": MAX_INVITES})
        bad = []
        for email in emails:
            try:
                validate_email(email)
            except ValidationError:
                bad.append(email)
        if bad:
            raise ValidationError(_("Not an e-mail address: %(list)s.") % {"list": ", ".join(bad)})
        return emails

    def clean(self):
        data = super().clean()
        if data.get("whole_aims") is False and not (
            data.get("ai_systems") or data.get("clauses") or data.get("controls")
        ):
            self.add_error(
                "whole_aims",
                _(
                    "Choose the AI systems, clauses or controls the auditors may see, or the whole AIMS."
                ),
            )
        return data
