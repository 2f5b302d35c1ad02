"""Forms for policies: the draft's content, publication and more acknowledgement requests."""

from __future__ import annotations

from django import forms
from django.core.validators import MinValueValidator
from django.utils.translation import gettext_lazy as _

from aims.core.forms import CleanInputFormMixin, SectionedFormMixin, TrackedModelForm
from aims.core.permissions import UserPurpose, users_choosable
from aims.core.tenancy import Role
from policies.models import Policy
from policies.services.documents import ACKNOWLEDGING_ROLES


class PolicyForm(TrackedModelForm):
    """A draft version: its identity (set once), its text, and what it aligns with."""

    sections = [
        (
            _("The document"),
            _("What it is and what it is called. The code names the document across versions."),
            ["code", "kind", "title"],
        ),
        (
            _("Text"),
            _("Write in Markdown; the page shows it formatted. Say what changed in this version."),
            ["body", "change_summary"],
        ),
        (
            _("Validity and review"),
            _("When it takes effect and how often it is looked at again."),
            ["effective_date", "review_interval_months"],
        ),
        (
            _("Alignment and attachments"),
            _("The other policies it must agree with, and the evidence kept with it."),
            ["aligned_with", "external_documents", "evidence"],
        ),
    ]

    class Meta:
        model = Policy
        fields = [
            "code",
            "kind",
            "title",
            "body",
            "change_summary",
            "effective_date",
            "review_interval_months",
            "aligned_with",
            "external_documents",
            "evidence",
        ]
        widgets = {
            "body": forms.Textarea(attrs={"rows": 24, "class": "mono"}),
            "effective_date": TrackedModelForm.date_widget(),
            "external_documents": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["body"].widget.attrs["rows"] = 24
        interval = self.fields["review_interval_months"]
        interval.min_value = 1
        interval.widget.attrs["min"] = 1
        interval.validators.append(MinValueValidator(1))
        interval.error_messages["min_value"] = _(
            "A review interval of zero would never bring the document back for review: give "
            "at least 1 month."
        )
        aligned = self.fields["aligned_with"].queryset
        if self.instance.code:
            aligned = aligned.exclude(code=self.instance.code)
        self.fields["aligned_with"].queryset = aligned.order_by("code", "-number")
        self.fields["aligned_with"].label_from_instance = lambda p: (
            f"{p.code} {p.title} (v{p.number}, {p.get_status_display().lower()})"
        )
        if self.instance.pk:
            # The code names the series: a version never moves to another document.
            self.fields["code"].disabled = True


class AudienceForm(CleanInputFormMixin, SectionedFormMixin, forms.Form):
    """Who is asked to acknowledge a published version: roles, people, or both."""

    roles = forms.MultipleChoiceField(
        label=_("Everyone with these roles"),
        choices=[(r, Role(r).label) for r in ACKNOWLEDGING_ROLES],
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Members whose access is valid today; external auditors are never asked."),
    )
    people = forms.ModelMultipleChoiceField(
        label=_("And these people"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, organization=None, require_someone: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.require_someone = require_someone
        self.fields["people"].queryset = users_choosable(
            organization=organization, purpose=UserPurpose.PARTICIPANT
        )
        self.fields["people"].label_from_instance = lambda u: u.display_name

    def clean(self):
        data = super().clean()
        if self.require_someone and not data.get("roles") and not data.get("people"):
            raise forms.ValidationError(_("Choose at least one role or person to ask."))
        return data
