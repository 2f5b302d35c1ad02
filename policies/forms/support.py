"""Forms of the support area (resources, planned changes, documented information, concerns)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from aims.core.forms import CleanInputFormMixin, SectionedFormMixin, TrackedModelForm
from policies.documented import record_type_choices
from policies.models.support import (
    AIMSResource,
    Concern,
    ConcernCategory,
    ConcernChannel,
    ConcernStatus,
    OutsideDocument,
    PlannedChange,
    ReporterRelationship,
    RetentionRule,
)


class AIMSResourceForm(TrackedModelForm):
    class Meta:
        model = AIMSResource
        fields = [
            "name",
            "kind",
            "description",
            "quantity",
            "owner",
            "status",
            "review_date",
            "ai_systems",
            "notes",
        ]
        widgets = {
            "review_date": TrackedModelForm.date_widget(),
            "ai_systems": forms.CheckboxSelectMultiple,
        }


class PlannedChangeForm(TrackedModelForm):
    class Meta:
        model = PlannedChange
        fields = [
            "title",
            "purpose",
            "consequences",
            "resources_needed",
            "responsibilities",
            "responsible",
            "planned_date",
        ]
        widgets = {"planned_date": TrackedModelForm.date_widget()}


class ChangeDecisionForm(CleanInputFormMixin, SectionedFormMixin, forms.Form):
    note = forms.CharField(
        label=_("Note"), max_length=500, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    implemented_on = forms.DateField(
        label=_("Implemented on"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )


class RetentionRuleForm(TrackedModelForm):
    record_type = forms.ChoiceField(label=_("Record type"), choices=())

    class Meta:
        model = RetentionRule
        fields = ["record_type", "retention_months", "disposal_method", "owner", "notes"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["record_type"].choices = [("", _("Choose…")), *record_type_choices()]


class OutsideDocumentForm(TrackedModelForm):
    class Meta:
        model = OutsideDocument
        fields = [
            "title",
            "kind",
            "location",
            "owner",
            "retention_months",
            "disposal_method",
            "access_notes",
            "status",
        ]


class ConcernChannelForm(TrackedModelForm):
    class Meta:
        model = ConcernChannel
        fields = ["name", "audience", "anonymous_enabled", "intro", "handler"]


class ConcernRaiseForm(TrackedModelForm):
    """What a member fills in to raise a concern (the reporter is set by the service)."""

    class Meta:
        model = Concern
        fields = ["summary", "category", "ai_system", "description"]


class ConcernHandleForm(TrackedModelForm):
    """What the officer keeps up to date while handling a concern."""

    class Meta:
        model = Concern
        fields = ["category", "ai_system", "handler", "handling_notes", "reply"]


class ConcernCloseForm(CleanInputFormMixin, SectionedFormMixin, forms.Form):
    status = forms.ChoiceField(
        label=_("Outcome"),
        choices=[
            (ConcernStatus.RESOLVED, ConcernStatus.RESOLVED.label),
            (ConcernStatus.DISMISSED, ConcernStatus.DISMISSED.label),
        ],
        widget=forms.RadioSelect,
    )
    resolution = forms.CharField(label=_("Resolution"), widget=forms.Textarea(attrs={"rows": 3}))
    reply = forms.CharField(
        label=_("Reply to the reporter"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("What the reporter reads when they follow the concern up."),
    )


class AnonymousConcernForm(CleanInputFormMixin, SectionedFormMixin, forms.Form):
    """The public form behind the secret link: no account, nothing that names the sender."""

    summary = forms.CharField(label=_("Summary"), max_length=200)
    category = forms.ChoiceField(
        label=_("Category"), choices=[("", _("Choose…")), *ConcernCategory.choices]
    )
    description = forms.CharField(
        label=_("What happened"),
        widget=forms.Textarea(attrs={"rows": 8}),
        max_length=20000,
        help_text=_(
            "What you saw, where and when, and why it worries you. Leave out your name and "
            "anything else that identifies you unless you want to be contacted."
        ),
    )


class ExternalConcernForm(AnonymousConcernForm):
    """The public form of a channel for people outside the organisation (A.8.3): it also
    asks how the reporter relates to the organisation, and offers a field for contact
    details that they may leave empty to stay anonymous."""

    reporter_relationship = forms.ChoiceField(
        label=_("You are"),
        choices=[("", _("Choose…")), *ReporterRelationship.choices],
        help_text=_("How you relate to the organisation, so we know where the report comes from."),
    )
    reporter_contact = forms.CharField(
        label=_("How to reach you (optional)"),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_(
            "Only if you want a reply or may be asked a question: an e-mail address or a phone "
            "number. Leave it empty to stay anonymous; you can still follow the report with "
            "your code. Only the people who handle the report see it."
        ),
    )
    field_order = ["reporter_relationship", "summary", "category", "description"]


class FollowUpForm(CleanInputFormMixin, SectionedFormMixin, forms.Form):
    code = forms.CharField(
        label=_("Follow-up code"),
        max_length=40,
        help_text=_("The code you were given when you sent the concern."),
    )
