from django import forms
from django.utils.translation import gettext_lazy as _

from aims.core.forms import CleanInputFormMixin, SectionedFormMixin, TrackedModelForm
from aims.core.permissions import Role
from aims.organizations.models import AIRole, Membership, Organization, ScopeStatement


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
            _("The context the scope rests on (clauses 4.1 and 4.2)."),
            ["external_internal_issues", "interested_parties", "interfaces"],
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
            "external_internal_issues",
            "interested_parties",
            "interfaces",
            "change_summary",
            "review_interval_months",
        ]
        widgets = {"ai_systems": forms.CheckboxSelectMultiple}
