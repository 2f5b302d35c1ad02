from django import forms
from django.utils.translation import gettext_lazy as _

from aims.core.forms import CleanInputFormMixin, SectionedFormMixin, TrackedModelForm
from controls.models import ClauseStatus, ControlImplementation, SoAVersion

_DECISION = (
    _("Applicability"),
    _("Whether the control belongs in your AIMS, and why. A reason is needed either way."),
    ["applicability", "justification"],
)
_IMPLEMENTATION = (
    _("Implementation"),
    _(
        "Who answers for the control, how far it has got, how it works in practice and "
        "which evidence shows it operating."
    ),
    ["status", "owner", "implementation", "evidence"],
)
_REVIEW = (
    _("Review"),
    _("When the control was last looked at and when it is due again."),
    ["last_reviewed", "review_interval_months", "next_review_date"],
)
_FIELDS = [
    "applicability",
    "justification",
    "status",
    "owner",
    "implementation",
    "evidence",
    "last_reviewed",
    "review_interval_months",
    "next_review_date",
]
_WIDGETS = {
    "last_reviewed": TrackedModelForm.date_widget(),
    "next_review_date": TrackedModelForm.date_widget(),
}


class _EvidenceFieldMixin:
    """The evidence list: the organisation's items the user can see (TrackedModelForm)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "evidence" in self.fields:
            self.fields["evidence"].widget.attrs["size"] = 6
            self.fields["evidence"].help_text = _(
                "Evidence items (files and links) that show this control operating. "
                "Hold Ctrl (⌘ on a Mac) to choose several."
            )


class ControlImplementationForm(_EvidenceFieldMixin, TrackedModelForm):
    """An Annex A row: reference and title come from the catalog."""

    sections = [_DECISION, _IMPLEMENTATION, _REVIEW]

    class Meta:
        model = ControlImplementation
        fields = _FIELDS
        widgets = _WIDGETS


class OrganizationControlForm(_EvidenceFieldMixin, TrackedModelForm):
    """A control of the organisation's own, beyond Annex A."""

    sections = [
        (
            _("The control"),
            _("Your own identifier, a short title and what the control requires."),
            ["ref", "title", "description"],
        ),
        _DECISION,
        _IMPLEMENTATION,
        _REVIEW,
    ]

    class Meta:
        model = ControlImplementation
        fields = ["ref", "title", "description", *_FIELDS]
        widgets = _WIDGETS

    def clean_ref(self) -> str:
        ref = self.cleaned_data["ref"].strip()
        organization = self.organization or self.instance.organization
        clash = ControlImplementation.objects.filter(organization=organization, ref__iexact=ref)
        if self.instance.pk:
            clash = clash.exclude(pk=self.instance.pk)
        if clash.exists():
            raise forms.ValidationError(_("Another control already uses this reference."))
        return ref


class ClauseStatusForm(TrackedModelForm):
    class Meta:
        model = ClauseStatus
        fields = ["status", "owner", "notes"]
        help_texts = {
            "notes": _(
                "How the organisation meets the clause, and what is still open. For a clause "
                "the platform does not check, this is your statement when you mark it ready."
            )
        }

    def save(self, commit: bool = True):
        self.instance.record_declaration(user=self.user, changed=self.changed_data)
        return super().save(commit=commit)


class SoAStartForm(CleanInputFormMixin, SectionedFormMixin, forms.Form):
    change_summary = forms.CharField(
        label=_("Summary of changes"),
        max_length=500,
        required=False,
        help_text=_("What changed since the last approved SoA, in a sentence or two."),
    )


class SoASummaryForm(TrackedModelForm):
    """The editable part of a draft SoA version (its rows are a frozen copy)."""

    class Meta:
        model = SoAVersion
        fields = ["change_summary", "review_interval_months"]
