from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from aims.core.forms import TrackedModelForm
from aims.inventory.models import EUAIActTier
from impact_assessments.classification import (
    DerogationCondition,
    TransparencyDuty,
    annex_iii_area_choices,
    prohibited_practice_choices,
)
from impact_assessments.models import (
    ASSESSMENT_SECTIONS,
    FRIA_SECTION,
    AffectedParty,
    AIActClassification,
    AssessmentKind,
    Impact,
    ImpactAssessment,
    UseThresholds,
)


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


class ImpactAssessmentForm(TrackedModelForm):
    """The assessment's text, one step per section of its structure."""

    class Meta:
        model = ImpactAssessment
        fields = [
            *[f for _key, _label, fields in ASSESSMENT_SECTIONS for f in fields],
            "functionalities",
            "deployment_languages",
            *FRIA_SECTION[2],
            "change_summary",
            "review_interval_months",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            if isinstance(field.widget, forms.Textarea):
                field.widget.attrs["rows"] = 3
        self.sections = self._sections()

    def _sections(self) -> list[tuple[str, str, list[str]]]:
        # The completeness sections, plus the optional fields that belong with them.
        sections = [
            (label, SECTION_HELP.get(key, ""), list(fields))
            for key, label, fields in self.instance.shown_sections()
        ]
        sections.append(
            (
                _("This version"),
                _("What changed, and when to look at it again."),
                ["change_summary", "review_interval_months"],
            )
        )
        if self.instance.kind != AssessmentKind.FUNDAMENTAL_RIGHTS:
            for name in FRIA_SECTION[2]:
                self.fields.pop(name, None)
        return sections


SECTION_HELP = {
    "scope": _("Which uses, versions and sites of the system this assessment covers."),
    "system": _("What the system is and does, why, and how it should and should not be used."),
    "data": _("The data behind the system, and how good it is for this use."),
    "model": _("How the system reaches its outputs, and its known limits."),
    "deployment": _("Where it runs, in which languages, and under which constraints."),
    "failures": _("What happens when it fails or is misused, and who is hurt."),
    "oversight": _("How people watch over the system and can stop or correct it."),
    "responsibilities": _("Who answers for the system and for each measure."),
    "conclusion": _("Whether the system may be used, and on what conditions."),
    "fria": _("The deployer's use of the system, as Art. 27 asks for it."),
}


class AffectedPartyForm(TrackedModelForm):
    class Meta:
        model = AffectedParty
        fields = ["name", "kind", "vulnerable", "notes"]


class ImpactForm(TrackedModelForm):
    sections = [
        (
            _("The impact"),
            _("Who is affected, and how."),
            ["party", "nature", "area", "description"],
        ),
        (
            _("Rating"),
            _("For a harm: how bad, how likely, how far it reaches and whether it can be undone."),
            ["severity", "likelihood", "reach", "reversibility"],
        ),
        (
            _("Measures"),
            _("What addresses the harm: the measures, the Annex A controls and the risks."),
            ["measures", "controls", "risks"],
        ),
    ]

    class Meta:
        model = Impact
        fields = [
            "party",
            "nature",
            "area",
            "description",
            "severity",
            "likelihood",
            "reach",
            "reversibility",
            "measures",
            "controls",
            "risks",
        ]
        widgets = {
            "severity": forms.Select(choices=[("", "—"), *[(n, str(n)) for n in range(1, 6)]]),
            "likelihood": forms.Select(choices=[("", "—"), *[(n, str(n)) for n in range(1, 6)]]),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["party"].queryset = self.fields["party"].queryset.filter(
            assessment=self.instance.assessment_id
        )
        self.fields["controls"].queryset = self.fields["controls"].queryset.select_related(
            "requirement"
        )


class ThresholdsForm(TrackedModelForm):
    """The organisation's thresholds for sensitive and restricted uses."""

    sensitive_tiers = forms.MultipleChoiceField(
        label=_("Sensitive at these EU AI Act tiers"),
        choices=EUAIActTier.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    restricted_tiers = forms.MultipleChoiceField(
        label=_("Restricted at these EU AI Act tiers"),
        choices=EUAIActTier.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    # Which decision the form started from (empty: the defaults), for the stale check.
    based_on = forms.IntegerField(required=False, widget=forms.HiddenInput)
    sections = [
        (
            _("Sensitive uses"),
            _(
                "A sensitive use needs a careful, current impact assessment: it is "
                "reassessed at least as often as set here."
            ),
            [
                "sensitive_tiers",
                "sensitive_personal_data",
                "sensitive_special_category",
                "sensitive_profiling",
                "sensitive_vulnerable",
                "sensitive_harm_severity",
                "sensitive_review_months",
            ],
        ),
        (
            _("Restricted uses"),
            _(
                "A restricted use needs top management's sign-off: only an administrator "
                "may approve its impact assessment."
            ),
            ["restricted_tiers", "restricted_harm_severity", "restricted_irreversible_only"],
        ),
        (_("Reasons"), "", ["notes"]),
    ]

    class Meta:
        model = UseThresholds
        fields = [
            "sensitive_tiers",
            "sensitive_personal_data",
            "sensitive_special_category",
            "sensitive_profiling",
            "sensitive_vulnerable",
            "sensitive_harm_severity",
            "sensitive_review_months",
            "restricted_tiers",
            "restricted_harm_severity",
            "restricted_irreversible_only",
            "notes",
        ]
