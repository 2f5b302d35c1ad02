"""Forms of the engagements app. Each validates input only; the workflow is in services."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext_lazy as _

from aims.core.forms import CleanInputFormMixin, SectionedFormMixin, TrackedModelForm
from aims.core.permissions import Action, auditor_scopes_of, restrict
from aims.evidence.models import EvidenceItem
from controls.models import Requirement
from engagements.models import Engagement, InformationRequest

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


# ==== Information requests =================================================================


def is_asking_auditor(user: Any, organization: Any) -> bool:
    """Whether ``user`` asks as an auditor here: they have an open engagement in it."""
    return any(s.organization_id == organization.pk for s in auditor_scopes_of(user))


class InformationRequestForm(TrackedModelForm):
    """Ask for information (an auditor), or record a request an auditor made (an officer,
    who names the auditor). Links are offered within what the person may see."""

    sections = [
        (
            _("What is needed"),
            _("One request per thing you need, so each can be answered and closed."),
            ["engagement", "asked_by", "title", "details", "due_on"],
        ),
        (
            _("What it is about"),
            _("Optional: the clause, control, AI system or risk the request concerns."),
            ["clause", "control", "ai_system", "risk"],
        ),
    ]

    class Meta:
        model = InformationRequest
        fields = [
            "engagement",
            "asked_by",
            "title",
            "details",
            "due_on",
            "clause",
            "control",
            "ai_system",
            "risk",
        ]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["due_on"].widget = self.date_widget()
        self.fields["details"].widget.attrs["rows"] = 5
        self.fields["clause"].queryset = (
            Requirement.objects.filter(kind="clause", framework__code="iso42001")
            .select_related("framework")
            .order_by("sort_key")
        )
        if self.user is not None and self.organization is not None:
            if is_asking_auditor(self.user, self.organization):
                del self.fields["asked_by"]  # an auditor asks in their own name
            else:
                self.fields["asked_by"].help_text = _(
                    "The auditor who made the request, e.g. in the opening meeting."
                )
        engagements = list(self.fields["engagement"].queryset[:2])
        if len(engagements) == 1 and not self.initial.get("engagement"):
            self.initial["engagement"] = engagements[0].pk  # the only choice, chosen


class InformationReplyForm(CleanInputFormMixin, SectionedFormMixin, forms.Form):
    """A message in a request's thread; the organisation may attach its evidence."""

    body = forms.CharField(
        label=_("Message"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    evidence = forms.ModelMultipleChoiceField(
        label=_("Attach evidence"),
        queryset=EvidenceItem.objects.none(),
        required=False,
        help_text=_("The engagement's auditors can open the evidence attached, and its files."),
    )

    def __init__(self, *args: Any, organization: Any, user: Any, officer: bool, **kwargs: Any):
        super().__init__(*args, **kwargs)
        if officer:
            field = self.fields["evidence"]
            field.queryset = restrict(EvidenceItem.objects.all(), user, Action.VIEW).filter(
                organization=organization
            )
            field.widget.attrs["size"] = 6
        else:
            del self.fields["evidence"]
            self.fields["body"].required = True
            self.fields["body"].widget.attrs["required"] = True
