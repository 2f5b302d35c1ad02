"""Forms for the register, treatment actions, assessments and the risk criteria."""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from aims.core.forms import CleanInputFormMixin, SectionedFormMixin, TrackedModelForm
from aims.core.permissions import UserPurpose, users_choosable
from risks.library import LIBRARY_CODES
from risks.models import (
    IMPACT_FIELDS,
    MAX_LEVELS,
    MIN_LEVELS,
    ImpactRule,
    Risk,
    RiskAssessment,
    RiskCriteria,
    RiskKind,
    RiskStatus,
    TreatmentAction,
    risk_impact_from_consequences,
)
from risks.services import risk_prepare

SCORE_FIELDS = ("inherent_likelihood", "inherent_impact", "residual_likelihood", "residual_impact")


class CheckboxList(forms.CheckboxSelectMultiple):
    """Checkboxes for a multiple choice; the shared form template lays it out as a list
    (it treats widgets whose input type is "checkbox" as a single tick box)."""

    input_type = "checkbox-list"

    def create_option(self, *args: Any, **kwargs: Any) -> dict[str, Any]:
        option = super().create_option(*args, **kwargs)
        option["type"] = "checkbox"
        return option


def scale_choices(criteria: RiskCriteria, axis: str, *, blank: bool) -> list[tuple[Any, str]]:
    levels = criteria.likelihood_levels if axis == "likelihood" else criteria.impact_levels
    choices: list[tuple[Any, str]] = [("", _("— not scored —") if blank else _("— choose —"))]
    choices += [(i, f"{i} · {level['label']}") for i, level in enumerate(levels, start=1)]
    return choices


def score_field(criteria: RiskCriteria, axis: str, *, label: str, required: bool) -> forms.Field:
    return forms.TypedChoiceField(
        label=label,
        choices=scale_choices(criteria, axis, blank=not required),
        coerce=int,
        empty_value=None,
        required=required,
        help_text=_("Levels of the %(name)s (version %(n)s).")
        % {"name": criteria.name, "n": criteria.number},
    )


def add_score_fields(form: forms.Form, criteria: RiskCriteria) -> None:
    """Likelihood and impact as selects labelled with the criteria's own level names; the
    consequence scores on the impact scale, and the inherent impact optional when they
    decide it."""
    for name in SCORE_FIELDS:
        if name not in form.fields:
            continue
        which, axis = name.split("_")
        old = form.fields[name]
        form.fields[name] = score_field(
            criteria, axis, label=str(old.label), required=which == "inherent"
        )
    for name in IMPACT_FIELDS:
        if name in form.fields:
            old = form.fields[name]
            form.fields[name] = score_field(
                criteria, "impact", label=str(old.label), required=False
            )
    if "inherent_impact" in form.fields and any(name in form.fields for name in IMPACT_FIELDS):
        field = form.fields["inherent_impact"]
        field.required = False
        field.choices = scale_choices(criteria, "impact", blank=True)
        field.help_text = (
            _(
                "Leave it to the consequence scores: %(rule)s. Choose it here only when they are not scored."
            )
            if criteria.impact_rule == ImpactRule.WORST
            else _("Leave it to the consequences for the organisation when they are scored.")
        ) % {"rule": criteria.get_impact_rule_display().lower()}


def clean_consequence_impact(
    form: forms.Form, criteria: RiskCriteria, previous: int | None
) -> None:
    """Store the inherent impact the consequence scores give (or refuse a contradiction)."""
    data = form.cleaned_data
    scores = {name: data.get(name) for name in IMPACT_FIELDS}
    try:
        impact = risk_impact_from_consequences(
            criteria, scores, requested=data.get("inherent_impact"), previous=previous
        )
    except ValidationError as exc:
        for field, errors in exc.message_dict.items():
            form.add_error(field, errors)
        return
    if impact is None:
        if "inherent_impact" not in form.errors:
            form.add_error(
                "inherent_impact",
                _("Score the inherent impact, or the consequences it follows from."),
            )
        return
    data["inherent_impact"] = impact


class RiskForm(TrackedModelForm):
    library_code = forms.CharField(required=False, widget=forms.HiddenInput)

    sections = [
        (
            _("Identification"),
            _(
                "What could go wrong (or, for an opportunity, what could go well), in which AI "
                "systems, and what it affects."
            ),
            ["kind", "title", "description", "ai_systems", "risk_sources", "objectives"],
        ),
        (
            _("Consequences"),
            _(
                "Keep the effects on the organisation apart from those on people and on "
                "society, and score each on the impact scale: the inherent impact follows "
                "from them."
            ),
            [
                "consequences_organization",
                "impact_organization",
                "consequences_individuals",
                "impact_individuals",
                "consequences_society",
                "impact_society",
            ],
        ),
        (
            _("Inherent level"),
            _("How likely and how severe, counting only the measures already in place."),
            ["inherent_likelihood", "inherent_impact", "existing_controls"],
        ),
        (
            _("Treatment"),
            _(
                "What the organisation decides to do about it, which controls help and which "
                "evidence shows the treatment in place."
            ),
            ["treatment_option", "controls", "evidence"],
        ),
        (
            _("Residual level"),
            _("The level expected once the treatment is in place."),
            ["residual_likelihood", "residual_impact", "residual_rationale"],
        ),
        (
            _("Ownership and review"),
            _("Who answers for the risk and when it is looked at again."),
            ["owner", "status", "review_interval_months", "next_review_date"],
        ),
    ]

    class Meta:
        model = Risk
        fields = [
            "kind",
            "title",
            "description",
            "ai_systems",
            "risk_sources",
            "objectives",
            "consequences_organization",
            "impact_organization",
            "consequences_individuals",
            "impact_individuals",
            "consequences_society",
            "impact_society",
            "inherent_likelihood",
            "inherent_impact",
            "existing_controls",
            "treatment_option",
            "controls",
            "evidence",
            "residual_likelihood",
            "residual_impact",
            "residual_rationale",
            "owner",
            "status",
            "review_interval_months",
            "next_review_date",
        ]
        widgets = {
            "next_review_date": TrackedModelForm.date_widget(),
            "risk_sources": CheckboxList,
            "objectives": CheckboxList,
        }

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        if self.organization is not None and not self.instance.criteria_id:
            risk_prepare(organization=self.organization, risk=self.instance)
        if self.instance.criteria_id:
            add_score_fields(self, self.instance.criteria)
        for name in ("risk_sources", "objectives"):
            field = self.fields[name]
            field.queryset = field.queryset.filter(framework__code="iso42001").order_by("sort_key")
            field.label_from_instance = lambda r: f"{r.ref} {r.title}"
        self.fields["controls"].label_from_instance = lambda c: f"{c.ref} {c.title}"
        self.fields["controls"].widget.attrs["size"] = 8
        several = _("Hold Ctrl (⌘ on a Mac) to choose several.")
        self.fields["ai_systems"].help_text = several
        self.fields["controls"].help_text = _(
            "The organisation's controls (Annex A and its own) that treat this risk. %(s)s"
        ) % {"s": several}
        self.fields["evidence"].widget.attrs["size"] = 6
        self.fields["evidence"].help_text = _(
            "Evidence items (files and links) that show this risk's treatment. %(s)s"
        ) % {"s": several}
        self.fields["kind"].required = False  # a risk unless said otherwise
        if self.instance.pk:
            del self.fields["library_code"]
        if not self.instance.accepted_by_id:
            # "Accepted and monitored" follows from a recorded acceptance, never from a pick.
            status = self.fields["status"]
            status.choices = [c for c in status.choices if c[0] != RiskStatus.MONITORED]
            status.help_text = _(
                "To accept the residual risk, save and use Accept risk on the risk's page."
            )

    def clean_kind(self) -> str:
        return self.cleaned_data.get("kind") or RiskKind.RISK

    def clean_library_code(self) -> str:
        code = self.cleaned_data.get("library_code") or ""
        if code and code not in LIBRARY_CODES:
            raise forms.ValidationError(_("There is no such library item."))
        return code

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if self.instance.criteria_id:
            previous = self.instance.inherent_impact if self.instance.pk else None
            clean_consequence_impact(self, self.instance.criteria, previous)
        for name, label in (
            ("ai_systems", "AI systems"),
            ("controls", "controls"),
            ("evidence", "evidence"),
        ):
            for item in data.get(name) or []:
                if item.organization_id != self.organization.pk:
                    self.add_error(
                        name, _("Choose %(what)s of this organisation.") % {"what": label}
                    )
                    break
        return data

    def save(self, commit: bool = True) -> Risk:
        code = self.cleaned_data.pop("library_code", "")
        if code and not self.instance.pk:
            self.instance.library_code = code
        return super().save(commit=commit)


class RiskRescoreForm(CleanInputFormMixin, SectionedFormMixin, forms.Form):
    """Score a risk again against the current criteria."""

    inherent_likelihood = forms.IntegerField()
    impact_organization = forms.IntegerField(required=False)
    impact_individuals = forms.IntegerField(required=False)
    impact_society = forms.IntegerField(required=False)
    inherent_impact = forms.IntegerField(required=False)
    residual_likelihood = forms.IntegerField(required=False)
    residual_impact = forms.IntegerField(required=False)
    residual_rationale = forms.CharField(
        label=_("Reason for the residual level"), required=False, widget=forms.Textarea
    )

    def __init__(self, *args: Any, criteria: RiskCriteria, risk: Risk, **kwargs: Any):
        initial = kwargs.setdefault("initial", {})
        for name in (*SCORE_FIELDS, *IMPACT_FIELDS):
            value = getattr(risk, name)
            count = criteria.likelihood_count if "likelihood" in name else criteria.impact_count
            initial.setdefault(name, min(value, count) if value else None)
        initial.setdefault("residual_rationale", risk.residual_rationale)
        super().__init__(*args, **kwargs)
        labels = {
            "inherent_likelihood": _("Inherent likelihood"),
            "inherent_impact": _("Inherent impact"),
            "residual_likelihood": _("Residual likelihood"),
            "residual_impact": _("Residual impact"),
            "impact_organization": _("Impact on the organisation"),
            "impact_individuals": _("Impact on individuals"),
            "impact_society": _("Impact on society"),
        }
        for name in (*SCORE_FIELDS, *IMPACT_FIELDS):
            self.fields[name].label = labels[name]
        add_score_fields(self, criteria)
        self.fields["residual_rationale"].widget.attrs["rows"] = 3

    def grouped_fields(self):
        return [("", "", list(self.visible_fields()))]


class RiskAcceptForm(CleanInputFormMixin, SectionedFormMixin, forms.Form):
    acceptance_rationale = forms.CharField(
        label=_("Why the residual risk is acceptable"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Name the reasons and any conditions the acceptance depends on."),
    )
    acceptance_expires = forms.DateField(
        label=_("Acceptance expires"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_("After this date the acceptance must be renewed."),
    )


class TreatmentActionForm(TrackedModelForm):
    class Meta:
        model = TreatmentAction
        fields = ["title", "description", "owner", "due_date", "status", "completed_on"]
        widgets = {
            "due_date": TrackedModelForm.date_widget(),
            "completed_on": TrackedModelForm.date_widget(),
        }


class RiskAssessmentForm(TrackedModelForm):
    sections = [
        (
            _("What was assessed"),
            _("The subject and boundaries of this assessment."),
            ["title", "scope", "ai_systems", "assessed_on"],
        ),
        (
            _("How and by whom"),
            _("The approach taken and the people who took part."),
            ["method", "participants", "other_participants"],
        ),
    ]

    class Meta:
        model = RiskAssessment
        fields = [
            "title",
            "scope",
            "ai_systems",
            "assessed_on",
            "method",
            "participants",
            "other_participants",
        ]
        widgets = {
            "assessed_on": TrackedModelForm.date_widget(),
            "participants": CheckboxList,
        }

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["ai_systems"].help_text = _(
            "Leave empty to cover the whole register. Hold Ctrl (⌘ on a Mac) to choose several."
        )

    def save(self, commit: bool = True) -> RiskAssessment:
        if not self.instance.pk and self.user is not None:
            self.instance.author = self.user
        return super().save(commit=commit)


# --- Risk criteria: edited as plain text lines, saved as a new version -----------------------


def _lines(text: str) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


def parse_levels(text: str) -> list[dict[str, str]]:
    levels = []
    for number, line in enumerate(_lines(text), start=1):
        label, _sep, description = line.partition("|")
        if not label.strip():
            raise forms.ValidationError(
                _("Line %(n)s has no label before the “|”.") % {"n": number}
            )
        levels.append({"label": label.strip(), "description": description.strip()})
    if not MIN_LEVELS <= len(levels) <= MAX_LEVELS:
        raise forms.ValidationError(
            _("Give between %(a)s and %(b)s levels, one per line (you gave %(n)s).")
            % {"a": MIN_LEVELS, "b": MAX_LEVELS, "n": len(levels)}
        )
    return levels


def parse_bands(text: str) -> list[dict[str, str]]:
    bands = []
    for number, line in enumerate(_lines(text), start=1):
        parts = [p.strip() for p in line.split("|")]
        if len(parts) != 3:
            raise forms.ValidationError(
                _("Line %(n)s: write “key | label | #colour”, e.g. “high | High | #c2410c”.")
                % {"n": number}
            )
        key, label, colour = parts
        if not re.fullmatch(r"[a-z0-9_-]{1,20}", key):
            raise forms.ValidationError(
                _("Line %(n)s: the key “%(key)s” may use only lower-case letters, digits, - and _.")
                % {"n": number, "key": key}
            )
        if not re.fullmatch(r"#[0-9a-fA-F]{6}", colour):
            raise forms.ValidationError(
                _("Line %(n)s: “%(c)s” is not a colour like #c2410c.") % {"n": number, "c": colour}
            )
        bands.append({"key": key, "label": label, "colour": colour.lower()})
    return bands


def parse_matrix(text: str) -> list[list[str]]:
    return [re.split(r"[\s,;|]+", line) for line in _lines(text)]


def levels_text(levels: list[dict[str, str]]) -> str:
    return "\n".join(
        f"{lv['label']} | {lv.get('description', '')}".rstrip(" |") for lv in levels or []
    )


def bands_text(bands: list[dict[str, str]]) -> str:
    return "\n".join(f"{b['key']} | {b['label']} | {b['colour']}" for b in bands or [])


def matrix_text(matrix: list[list[str]]) -> str:
    return "\n".join(" ".join(row) for row in matrix or [])


class RiskCriteriaForm(CleanInputFormMixin, SectionedFormMixin, forms.Form):
    name = forms.CharField(label=_("Name"), max_length=120)
    likelihood_levels = forms.CharField(
        label=_("Likelihood scale"),
        widget=forms.Textarea(attrs={"rows": 6, "class": "mono"}),
        help_text=_(
            "One level per line, from least to most likely: “label | description”. "
            "Between 3 and 7 levels."
        ),
    )
    impact_levels = forms.CharField(
        label=_("Impact scale"),
        widget=forms.Textarea(attrs={"rows": 6, "class": "mono"}),
        help_text=_(
            "One level per line, from least to most severe: “label | description”. "
            "Between 3 and 7 levels."
        ),
    )
    bands = forms.CharField(
        label=_("Level bands"),
        widget=forms.Textarea(attrs={"rows": 5, "class": "mono"}),
        help_text=_(
            "One band per line, from lowest to highest: “key | label | #colour”, "
            "e.g. “high | High | #c2410c”. Between 2 and 6 bands."
        ),
    )
    matrix = forms.CharField(
        label=_("Matrix"),
        widget=forms.Textarea(attrs={"rows": 6, "class": "mono"}),
        help_text=_(
            "One row per likelihood level, the least likely first; in each row one band key "
            "per impact level, least severe first, separated by spaces."
        ),
    )
    acceptance_band = forms.CharField(
        label=_("Acceptance threshold"),
        max_length=20,
        help_text=_(
            "The key of the highest band a risk owner may accept; above it only the designated "
            "approver may accept."
        ),
    )
    acceptance_approver = forms.ModelChoiceField(
        label=_("Designated approver"),
        queryset=get_user_model().objects.none(),
        required=False,
        help_text=_("Who may accept residual risks above the threshold, often top management."),
    )
    impact_rule = forms.ChoiceField(
        label=_("Inherent impact from the consequences"),
        choices=ImpactRule.choices,
        initial=ImpactRule.WORST,
        required=False,
        help_text=_(
            "When a risk's consequences for the organisation, for individuals and for society "
            "are scored, its inherent impact is the worst of them, or the organisation's only."
        ),
    )
    change_summary = forms.CharField(
        label=_("What changed and why"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args: Any, organization: Any, current: RiskCriteria | None, **kwargs):
        if current is not None:
            kwargs.setdefault(
                "initial",
                {
                    "name": current.name,
                    "likelihood_levels": levels_text(current.likelihood_levels),
                    "impact_levels": levels_text(current.impact_levels),
                    "bands": bands_text(current.bands),
                    "matrix": matrix_text(current.matrix),
                    "acceptance_band": current.acceptance_band,
                    "acceptance_approver": current.acceptance_approver_id,
                    "impact_rule": current.impact_rule,
                },
            )
        super().__init__(*args, **kwargs)
        self.fields["acceptance_approver"].queryset = users_choosable(
            organization=organization, purpose=UserPurpose.APPROVER
        )
        for field in self.fields.values():
            if field.required:
                field.widget.attrs.setdefault("required", True)

    def grouped_fields(self):
        groups = [
            (_("Name"), "", ["name"]),
            (_("Scales"), "", ["likelihood_levels", "impact_levels", "impact_rule"]),
            (_("Bands and matrix"), "", ["bands", "matrix"]),
            (
                _("Acceptance"),
                "",
                ["acceptance_band", "acceptance_approver", "change_summary"],
            ),
        ]
        return [(t, h, [self[n] for n in names]) for t, h, names in groups]

    def clean_likelihood_levels(self):
        return parse_levels(self.cleaned_data["likelihood_levels"])

    def clean_impact_levels(self):
        return parse_levels(self.cleaned_data["impact_levels"])

    def clean_bands(self):
        return parse_bands(self.cleaned_data["bands"])

    def clean_matrix(self):
        return parse_matrix(self.cleaned_data["matrix"])

    def clean_impact_rule(self):
        return self.cleaned_data.get("impact_rule") or ImpactRule.WORST

    def clean_acceptance_band(self):
        return self.cleaned_data["acceptance_band"].strip()

    def values(self) -> dict[str, Any]:
        return dict(self.cleaned_data)
