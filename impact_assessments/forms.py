from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from aims.core.forms import TrackedModelForm
from impact_assessments.classification import (
    DerogationCondition,
    TransparencyDuty,
    annex_iii_area_choices,
    prohibited_practice_choices,
)
from impact_assessments.models import AIActClassification


class ClassificationForm(TrackedModelForm):
    """The questionnaire: each section asks one question of the Act, in the order it decides."""

    prohibited_practices = forms.MultipleChoiceField(
        label=_("Does the system perform any of these practices?"),
        choices=prohibited_practice_choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("One is enough to forbid the system in the EU."),
    )
    annex_iii_areas = forms.TypedMultipleChoiceField(
        label=_("Does its intended purpose fall into one of these areas?"),
        choices=annex_iii_area_choices,
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    derogation_conditions = forms.MultipleChoiceField(
        label=_("Does one of these describe what it does?"),
        choices=DerogationCondition.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Only for an Annex III use: the system then need not be high-risk."),
    )
    transparency_duties = forms.MultipleChoiceField(
        label=_("Which of these situations apply?"),
        choices=TransparencyDuty.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    sections = [
        (
            _("Our role"),
            _("The Act's duties depend on the organisation's role for this system."),
            ["role", "outside_scope"],
        ),
        (
            _("Prohibited practices (Art. 5)"),
            _("Practices the Act bans outright."),
            ["prohibited_practices"],
        ),
        (
            _("High risk (Art. 6)"),
            _(
                "A system is high-risk as a regulated product or safety component, or by its "
                "area of use, unless the Art. 6(3) exception applies."
            ),
            [
                "annex_i_product",
                "annex_iii_areas",
                "credit_or_insurance",
                "derogation_conditions",
                "profiles_people",
                "derogation_justification",
            ],
        ),
        (
            _("Transparency (Art. 50)"),
            _("Situations where people must be told they deal with AI or AI-made content."),
            ["transparency_duties"],
        ),
        (
            _("General-purpose AI and public services"),
            _("The model track, and the deployer situations that call for an Art. 27 assessment."),
            ["gpai_model", "gpai_systemic_risk", "public_service"],
        ),
        (
            _("This reading"),
            _("When the system was classified, and anything a reviewer should know."),
            ["classified_on", "notes"],
        ),
    ]

    class Meta:
        model = AIActClassification
        fields = [
            "role",
            "outside_scope",
            "prohibited_practices",
            "annex_i_product",
            "annex_iii_areas",
            "credit_or_insurance",
            "derogation_conditions",
            "profiles_people",
            "derogation_justification",
            "transparency_duties",
            "gpai_model",
            "gpai_systemic_risk",
            "public_service",
            "classified_on",
            "notes",
        ]
        widgets = {"classified_on": TrackedModelForm.date_widget()}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["outside_scope"].choices = [
            ("", _("None of these: the Act may apply")),
            *list(self.fields["outside_scope"].choices)[1:],
        ]
        self.fields["classified_on"].required = False
        self.fields["classified_on"].help_text = _("Empty: today.")

    def clean_classified_on(self):
        return self.cleaned_data.get("classified_on") or timezone.localdate()
