from django import forms
from django.utils.translation import gettext_lazy as _

from aims.core.forms import CleanInputFormMixin, SectionedFormMixin, TrackedModelForm
from aims.core.permissions import Role
from aims.organizations.models import (
    Addressed,
    AIRole,
    ClimateDecision,
    ContextIssue,
    InterestedParty,
    Membership,
    Organization,
    PartyRequirement,
    ScopeStatement,
)


class OrganizationForm(TrackedModelForm):
    class Meta:
        model = Organization
        fields = ["name", "legal_name", "sector", "country", "time_zone", "allow_self_approval"]


class MemberAddForm(CleanInputFormMixin, SectionedFormMixin, forms.Form):
    email = forms.EmailField(label=_("E-mail address"))
    full_name = forms.CharField(
        label=_("Full name"),
        max_length=150,
        required=False,
        help_text=_("Used only when this person has no account yet."),
    )
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)
    valid_from = forms.DateField(
        label=_("Access from"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    valid_until = forms.DateField(
        label=_("Access until"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("For auditors: the last day of the engagement."),
    )

    def clean(self):
        data = super().clean()
        if (
            data.get("valid_from")
            and data.get("valid_until")
            and data["valid_until"] < data["valid_from"]
        ):
            self.add_error("valid_until", _("Access cannot end before it starts."))
        return data


class MembershipForm(TrackedModelForm):
    class Meta:
        model = Membership
        fields = ["role", "valid_from", "valid_until"]
        widgets = {
            "valid_from": TrackedModelForm.date_widget(),
            "valid_until": TrackedModelForm.date_widget(),
        }


class ScopeStatementForm(TrackedModelForm):
    ai_roles = forms.MultipleChoiceField(
        label=_("Our AI roles"),
        choices=AIRole.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("The roles the organisation plays for the AI systems in scope."),
    )
    sections = [
        (
            _("Boundaries"),
            _("Say plainly what the management system covers and what it leaves out."),
            ["in_scope", "exclusions", "ai_systems", "ai_roles"],
        ),
        (
            _("Context"),
            _(
                "The context the scope rests on: tick the issues (4.1) and interested parties "
                "(4.2) from the registers that this scope takes into account."
            ),
            ["issues", "parties", "external_internal_issues", "interested_parties", "interfaces"],
        ),
        (
            _("This version"),
            _("Explain the change for reviewers, and when to look at the scope again."),
            ["change_summary", "review_interval_months"],
        ),
    ]

    class Meta:
        model = ScopeStatement
        fields = [
            "in_scope",
            "exclusions",
            "ai_systems",
            "ai_roles",
            "issues",
            "parties",
            "external_internal_issues",
            "interested_parties",
            "interfaces",
            "change_summary",
            "review_interval_months",
        ]
        widgets = {
            "ai_systems": forms.CheckboxSelectMultiple,
            "issues": forms.CheckboxSelectMultiple,
            "parties": forms.CheckboxSelectMultiple,
        }


class ContextIssueForm(TrackedModelForm):
    sections = [
        (
            _("The issue"),
            _("What it is, whether it arises inside or outside the organisation, and its kind."),
            ["title", "kind", "category", "description"],
        ),
        (
            _("What it means for the AIMS"),
            _("How it bears on what the management system must achieve, and the response."),
            ["effect"],
        ),
        (
            _("Follow-up"),
            _("Who watches it, where it stands and when to look at it again."),
            ["owner", "status", "identified_on", "next_review_date"],
        ),
    ]

    class Meta:
        model = ContextIssue
        fields = [
            "title",
            "kind",
            "category",
            "description",
            "effect",
            "owner",
            "status",
            "identified_on",
            "next_review_date",
        ]
        widgets = {
            "identified_on": TrackedModelForm.date_widget(),
            "next_review_date": TrackedModelForm.date_widget(),
        }


class ClimateDecisionForm(TrackedModelForm):
    relevant = forms.TypedChoiceField(
        label=_("Is climate change a relevant issue for the AIMS?"),
        choices=[("true", _("Yes, it is relevant")), ("false", _("No, it is not relevant"))],
        coerce=lambda value: value == "true",
        widget=forms.RadioSelect,
    )
    sections = [
        (
            _("The decision"),
            _(
                "A new decision replaces the one in force; earlier decisions stay on record "
                "with their reasoning."
            ),
            ["relevant", "reasoning", "decided_by", "decided_on"],
        ),
    ]

    class Meta:
        model = ClimateDecision
        fields = ["relevant", "reasoning", "decided_by", "decided_on"]
        widgets = {"decided_on": TrackedModelForm.date_widget()}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["decided_on"].required = False
        self.fields["decided_on"].widget.attrs.pop("required", None)
        self.fields["decided_on"].widget.attrs.pop("aria-required", None)
        self.fields["decided_on"].help_text = _("Leave empty for today.")
        if self.instance.relevant is not None and "relevant" not in self.initial:
            self.initial["relevant"] = "true" if self.instance.relevant else "false"
        elif isinstance(self.initial.get("relevant"), bool):
            self.initial["relevant"] = "true" if self.initial["relevant"] else "false"


class InterestedPartyForm(TrackedModelForm):
    sections = [
        (
            _("The party"),
            _("Who they are and why they matter to the AIMS; add their requirements next."),
            ["name", "kind", "category", "description", "owner"],
        ),
    ]

    class Meta:
        model = InterestedParty
        fields = ["name", "kind", "category", "description", "owner"]


class PartyRequirementForm(TrackedModelForm):
    sections = [
        (
            _("The requirement"),
            _("What the party needs or expects, and where the requirement comes from."),
            ["requirement", "source"],
        ),
        (
            _("Our answer"),
            _(
                "Whether the AIMS takes the requirement on, and how; or why only partly or not "
                "at all."
            ),
            ["addressed", "how", "controls"],
        ),
    ]

    class Meta:
        model = PartyRequirement
        fields = ["requirement", "source", "addressed", "how", "controls"]
        widgets = {"controls": forms.SelectMultiple(attrs={"size": 8})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["addressed"].choices = [("", _("Not decided yet")), *Addressed.choices]
        self.fields["addressed"].help_text = _(
            "Keep “Not decided yet” until the decision is taken; then say how, or why not."
        )
        self.fields["controls"].queryset = (
            self.fields["controls"]
            .queryset.select_related("requirement")
            .order_by("requirement__sort_key")
        )
