"""EU AI Act classifications of AI systems (and, as the issue goes on, impact assessments)."""

from __future__ import annotations

from typing import Any, ClassVar

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from aims.core.documents import (
    FROZEN_STATUSES,
    ControlledVersion,
    ImmutableVersionError,
    controlled_version_constraints,
)
from aims.core.models import OrganizationScopedModel, TrackedModel
from aims.core.permissions import (
    EDIT_ROLES,
    READ_ROLES,
    AccessPolicy,
    Action,
    EngagementScope,
    Role,
    UserPurpose,
    roles_of,
)
from aims.inventory.models import EUAIActRole, EUAIActTier
from impact_assessments.classification import (
    Answers,
    DerogationCondition,
    Outcome,
    OutsideReason,
    Route,
    TransparencyDuty,
    annex_iii_area_choices,
    classify,
    prohibited_practice_choices,
)


def _check_subset(errors: dict, name: str, values, allowed, label: str) -> None:
    if not isinstance(values, list) or any(v not in allowed for v in values):
        errors[name] = _("Choose %(what)s from the list.") % {"what": label}


class AIActClassification(OrganizationScopedModel):
    """One reading of the EU AI Act for one AI system: the answers given and what follows.

    Never edited: a reclassification is a new record, so the history of readings is kept and
    the AI system's tier always comes from the latest one."""

    ai_system = models.ForeignKey(
        "inventory.AISystem",
        on_delete=models.PROTECT,
        related_name="ai_act_classifications",
        verbose_name=_("AI system"),
    )
    role = models.CharField(_("our role under the Act"), max_length=32, choices=EUAIActRole.choices)
    outside_scope = models.CharField(
        _("outside the Act"),
        max_length=16,
        choices=OutsideReason.choices,
        blank=True,
        help_text=_("Leave empty unless one of these is the system's only use."),
    )
    prohibited_practices = models.JSONField(
        _("prohibited practices"),
        default=list,
        blank=True,
        help_text=_("Tick any practice the system performs; one is enough to forbid it."),
    )
    annex_i_product = models.BooleanField(
        _("product or safety component under Annex I"),
        default=False,
        help_text=_(
            "The system is a product, or a safety component of one, covered by the EU product "
            "legislation of Annex I (machinery, toys, medical devices, vehicles…) and needs a "
            "third-party conformity assessment."
        ),
    )
    annex_iii_areas = models.JSONField(
        _("Annex III use areas"),
        default=list,
        blank=True,
        help_text=_("The areas of use in Annex III that the intended purpose falls into."),
    )
    credit_or_insurance = models.BooleanField(
        _("creditworthiness or life and health insurance pricing"),
        default=False,
        help_text=_("Within area 5: the system scores credit or prices life or health insurance."),
    )
    derogation_conditions = models.JSONField(
        _("exception conditions (Art. 6(3))"),
        default=list,
        blank=True,
        help_text=_(
            "An Annex III system is not high-risk when it does not materially influence "
            "decisions, as shown by at least one of these."
        ),
    )
    profiles_people = models.BooleanField(
        _("profiles people"),
        default=False,
        help_text=_(
            "The system evaluates or predicts aspects of a person: the exception never applies."
        ),
    )
    derogation_justification = models.TextField(
        _("why the exception applies"),
        blank=True,
        help_text=_(
            "Required when the exception is claimed: the Act asks the provider to document it."
        ),
    )
    transparency_duties = models.JSONField(_("transparency situations"), default=list, blank=True)
    gpai_model = models.BooleanField(
        _("general-purpose AI model"),
        default=False,
        help_text=_("The organisation places a general-purpose AI model on the market."),
    )
    gpai_systemic_risk = models.BooleanField(
        _("with systemic risk"),
        default=False,
        help_text=_(
            "The model has high-impact capabilities (for example by its training compute)."
        ),
    )
    public_service = models.BooleanField(
        _("public body or public service"),
        default=False,
        help_text=_("As deployer, the organisation is a public body or provides a public service."),
    )
    tier = models.CharField(_("tier"), max_length=32, choices=EUAIActTier.choices, editable=False)
    route = models.CharField(
        _("high-risk route"), max_length=16, choices=Route.choices, blank=True, editable=False
    )
    derogation_applies = models.BooleanField(_("exception applies"), default=False, editable=False)
    fria_required = models.BooleanField(
        _("fundamental rights impact assessment due"), default=False, editable=False
    )
    obligations = models.JSONField(_("obligations"), default=list, editable=False)
    reasons = models.JSONField(_("reasons"), default=list, editable=False)
    classified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("classified by"),
    )
    classified_on = models.DateField(_("classified on"), default=timezone.localdate)
    notes = models.TextField(_("notes"), blank=True)

    access: ClassVar[AccessPolicy] = AccessPolicy(
        roles={
            Action.VIEW: READ_ROLES,
            Action.ADD: EDIT_ROLES,
            Action.CHANGE: frozenset(),
            Action.DELETE: frozenset(),
        },
        engagement=EngagementScope(systems=("ai_system",), clause_refs=("6.1.4",)),
        user_purposes={"classified_by": UserPurpose.OWNER},
    )

    class Meta:
        ordering = ("-classified_on", "-pk")
        verbose_name = _("EU AI Act classification")
        constraints = [
            models.CheckConstraint(
                condition=Q(tier__in=EUAIActTier.values), name="aiact_classification_tier_valid"
            ),
            models.CheckConstraint(
                condition=Q(role__in=EUAIActRole.values), name="aiact_classification_role_valid"
            ),
            models.CheckConstraint(
                condition=Q(derogation_applies=False) | ~Q(derogation_justification=""),
                name="aiact_classification_exception_justified",
            ),
        ]
        indexes = [models.Index(fields=["ai_system", "-classified_on"], name="aiact_system_date")]

    def __str__(self) -> str:
        return f"{self.ai_system}: {self.get_tier_display()} ({self.classified_on:%d %b %Y})"

    def get_absolute_url(self) -> str:
        return reverse(
            "impact_assessments:classification_detail",
            kwargs={"org": self.organization.slug, "pk": self.pk},
        )

    def answers(self) -> Answers:
        return Answers(
            role=self.role,
            outside_scope=self.outside_scope,
            prohibited_practices=tuple(self.prohibited_practices or ()),
            annex_i_product=self.annex_i_product,
            annex_iii_areas=tuple(self.annex_iii_areas or ()),
            credit_or_insurance=self.credit_or_insurance,
            derogation_conditions=tuple(self.derogation_conditions or ()),
            profiles_people=self.profiles_people,
            transparency_duties=tuple(self.transparency_duties or ()),
            gpai_model=self.gpai_model,
            gpai_systemic_risk=self.gpai_systemic_risk,
            public_service=self.public_service,
        )

    def outcome(self) -> Outcome:
        return classify(self.answers())

    def clean(self) -> None:
        errors: dict = {}
        _check_subset(
            errors,
            "prohibited_practices",
            self.prohibited_practices,
            {p for p, _label in prohibited_practice_choices()},
            _("the practices"),
        )
        _check_subset(
            errors,
            "annex_iii_areas",
            self.annex_iii_areas,
            {a for a, _label in annex_iii_area_choices()},
            _("the areas"),
        )
        _check_subset(
            errors,
            "derogation_conditions",
            self.derogation_conditions,
            set(DerogationCondition.values),
            _("the conditions"),
        )
        _check_subset(
            errors,
            "transparency_duties",
            self.transparency_duties,
            set(TransparencyDuty.values),
            _("the situations"),
        )
        if errors:
            raise ValidationError(errors)
        if self.ai_system_id and self.ai_system.organization_id != self.organization_id:
            raise ValidationError({"ai_system": _("Choose an AI system of this organisation.")})
        if self.derogation_conditions and not self.annex_iii_areas:
            errors["derogation_conditions"] = _(
                "The exception concerns Annex III uses: choose the area first, or untick these."
            )
        if self.gpai_systemic_risk and not self.gpai_model:
            errors["gpai_systemic_risk"] = _(
                "Only a general-purpose AI model can carry systemic risk."
            )
        if self.credit_or_insurance and 5 not in (self.annex_iii_areas or []):
            errors["credit_or_insurance"] = _("This concerns Annex III area 5: choose it too.")
        outcome = self.apply_outcome()  # before the constraints are checked against it
        if outcome.derogation_applies and not self.derogation_justification.strip():
            errors["derogation_justification"] = _(
                "Say why the system does not materially influence decisions: the exception "
                "must be documented."
            )
        if errors:
            raise ValidationError(errors)

    def apply_outcome(self) -> Outcome:
        """Set the stored outcome to what the answers give: it is never written on its own."""
        outcome = self.outcome()
        self.tier = outcome.tier
        self.route = outcome.route
        self.derogation_applies = outcome.derogation_applies
        self.fria_required = outcome.fria_required
        self.obligations = outcome.obligation_refs
        self.reasons = list(outcome.reasons)
        return outcome

    def save(self, *args, **kwargs) -> None:
        self.apply_outcome()
        super().save(*args, **kwargs)


# --- Impact assessments (6.1.4, 8.4; the structure of ISO/IEC 42005) ------------------------


class AssessmentKind(models.TextChoices):
    IMPACT = "impact", _("AI system impact assessment")
    FUNDAMENTAL_RIGHTS = "fundamental_rights", _("Fundamental rights impact assessment (Art. 27)")


class PartyKind(models.TextChoices):
    INDIVIDUALS = "individuals", _("Individuals")
    GROUP = "group", _("A group or community")
    SOCIETY = "society", _("Society")
    ORGANISATION = "organisation", _("An organisation")
    ENVIRONMENT = "environment", _("The environment")


class ImpactNature(models.TextChoices):
    BENEFIT = "benefit", _("Benefit")
    HARM = "harm", _("Harm")


class ImpactArea(models.TextChoices):
    FUNDAMENTAL_RIGHTS = "fundamental_rights", _("Fundamental rights and fairness")
    PRIVACY = "privacy", _("Privacy and data protection")
    SAFETY = "safety", _("Health and safety")
    ECONOMIC = "economic", _("Economic situation and access to services")
    PSYCHOLOGICAL = "psychological", _("Psychological well-being and autonomy")
    SOCIETAL = "societal", _("Society, democracy and public trust")
    ENVIRONMENTAL = "environmental", _("Environment (energy, water, resources)")


class Reach(models.TextChoices):
    INDIVIDUAL = "individual", _("A few individuals")
    GROUP = "group", _("A whole group")
    SOCIETY = "society", _("Society at large")


class Reversibility(models.TextChoices):
    REVERSIBLE = "reversible", _("Easily reversed")
    DIFFICULT = "difficult", _("Reversed with difficulty")
    IRREVERSIBLE = "irreversible", _("Irreversible")


# The sections an assessment must fill before review: (key, label, fields that must not be
# empty). Parties and impacts are checked as records (see ``ImpactAssessment.missing``).
ASSESSMENT_SECTIONS: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("scope", _("Scope of the assessment"), ("scope",)),
    (
        "system",
        _("System information"),
        ("system_description", "purpose", "intended_uses", "unintended_uses"),
    ),
    ("data", _("Data information and quality"), ("data_information", "data_quality")),
    ("model", _("Algorithm and model information"), ("model_information",)),
    ("deployment", _("Deployment environment"), ("deployment_geographies", "deployment_context")),
    ("failures", _("Failures and misuse"), ("failures_and_misuse",)),
    ("oversight", _("Human oversight"), ("human_oversight",)),
    ("responsibilities", _("Responsibilities"), ("responsibilities",)),
    ("conclusion", _("Conclusion"), ("conclusion",)),
)
FRIA_SECTION = (
    "fria",
    _("Deployer's use (Art. 27)"),
    ("deployer_processes", "period_and_frequency", "complaint_mechanisms"),
)
# Optional fields shown with a section (never required for review).
OPTIONAL_SECTION_FIELDS: dict[str, tuple[str, ...]] = {
    "system": ("functionalities",),
    "deployment": ("deployment_languages",),
}


def _text(label: str, help_text: str = "") -> models.TextField:
    return models.TextField(label, blank=True, help_text=help_text)


class ImpactAssessmentQuerySet(models.QuerySet):
    def with_part_counts(self) -> models.QuerySet:
        """Annotate what ``missing()`` needs, so a list checks every row in one query."""
        unrated = Q(impacts__nature=ImpactNature.HARM) & (
            Q(impacts__severity__isnull=True) | Q(impacts__likelihood__isnull=True)
        )
        return self.annotate(
            parties_count=models.Count("parties", distinct=True),
            impacts_count=models.Count("impacts", distinct=True),
            unrated_harms_count=models.Count("impacts", filter=unrated, distinct=True),
        )


class ImpactAssessment(ControlledVersion):
    """What one AI system can do to people, groups, society and the environment: a
    controlled document per system and kind, reviewed and approved, every version kept."""

    ai_system = models.ForeignKey(
        "inventory.AISystem",
        on_delete=models.PROTECT,
        related_name="impact_assessments",
        verbose_name=_("AI system"),
    )
    kind = models.CharField(
        _("kind"), max_length=20, choices=AssessmentKind.choices, default=AssessmentKind.IMPACT
    )
    scope = _text(_("scope"), _("Which uses, versions and sites this assessment covers."))
    system_description = _text(_("description"))
    functionalities = _text(_("functionalities and capabilities"))
    purpose = _text(_("purpose"))
    intended_uses = _text(_("intended uses"))
    unintended_uses = _text(_("unintended uses and reasonably foreseeable misuse"))
    data_information = _text(_("data used"), _("Sources, kinds of data, personal data."))
    data_quality = _text(
        _("data quality"), _("Representativeness, errors, gaps and how they are handled.")
    )
    model_information = _text(_("algorithm and model"), _("Model type, training, known limits."))
    deployment_geographies = _text(_("geographies"))
    deployment_languages = _text(_("languages"))
    deployment_context = _text(
        _("complexity and constraints"), _("Where and how it runs, and what limits its use.")
    )
    failures_and_misuse = _text(
        _("failures and misuse"), _("What happens when it fails or is misused, and to whom.")
    )
    human_oversight = _text(_("human oversight"))
    responsibilities = _text(
        _("responsibilities"), _("Who answers for the system and the measures.")
    )
    conclusion = _text(
        _("conclusion"), _("Whether the system may be used, and on what conditions.")
    )
    deployer_processes = _text(_("the deployer's processes"), _("Art. 27(1)(a)."))
    period_and_frequency = _text(_("period and frequency of use"), _("Art. 27(1)(b)."))
    complaint_mechanisms = _text(
        _("governance and complaints if risks materialise"), _("Art. 27(1)(f).")
    )
    review_needed = models.BooleanField(_("review needed"), default=False, editable=False)
    objects = ImpactAssessmentQuerySet.as_manager()
    review_reason = models.CharField(
        _("why a review is needed"), max_length=300, blank=True, editable=False
    )

    content_fields: ClassVar[tuple[str, ...]] = (
        "scope",
        "system_description",
        "functionalities",
        "purpose",
        "intended_uses",
        "unintended_uses",
        "data_information",
        "data_quality",
        "model_information",
        "deployment_geographies",
        "deployment_languages",
        "deployment_context",
        "failures_and_misuse",
        "human_oversight",
        "responsibilities",
        "conclusion",
        "deployer_processes",
        "period_and_frequency",
        "complaint_mechanisms",
    )
    series_fields: ClassVar[tuple[str, ...]] = ("organization", "ai_system", "kind")

    access: ClassVar[AccessPolicy] = AccessPolicy(
        roles={
            Action.VIEW: READ_ROLES,
            Action.ADD: EDIT_ROLES,
            Action.CHANGE: EDIT_ROLES,
            Action.DELETE: EDIT_ROLES,
            Action.APPROVE: EDIT_ROLES,
        },
        engagement=EngagementScope(
            systems=("ai_system",),
            clause_refs=("6.1.4", "8.4"),
            shown={"status__in": [s.value for s in FROZEN_STATUSES]},
        ),
    )

    class Meta(ControlledVersion.Meta):
        verbose_name = _("impact assessment")
        ordering = ("ai_system", "kind", "-number")
        constraints = [
            *controlled_version_constraints(
                "impactassessment", series=("organization", "ai_system", "kind")
            ),
            models.CheckConstraint(
                condition=Q(kind__in=AssessmentKind.values), name="impactassessment_kind_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.ai_system} v{self.number}"

    def get_absolute_url(self) -> str:
        return reverse(
            "impact_assessments:assessment_detail",
            kwargs={"org": self.organization.slug, "pk": self.pk},
        )

    def clean(self) -> None:
        super().clean()
        if self.ai_system_id and self.ai_system.organization_id != self.organization_id:
            raise ValidationError({"ai_system": _("Choose an AI system of this organisation.")})

    def sections(self) -> tuple[tuple[str, str, tuple[str, ...]], ...]:
        if self.kind == AssessmentKind.FUNDAMENTAL_RIGHTS:
            return (*ASSESSMENT_SECTIONS, FRIA_SECTION)
        return ASSESSMENT_SECTIONS

    def shown_sections(self) -> list[tuple[str, str, tuple[str, ...]]]:
        """Every section with all its fields, optional ones included: what pages and PDFs show."""
        return [
            (key, label, (*fields, *OPTIONAL_SECTION_FIELDS.get(key, ())))
            for key, label, fields in self.sections()
        ]

    def missing(self) -> list[str]:
        """Each section still incomplete, as a sentence naming it (empty: ready for review)."""
        gaps = [
            str(
                _("%(section)s: %(fields)s.")
                % {
                    "section": label,
                    "fields": ", ".join(
                        str(self._meta.get_field(f).verbose_name)
                        for f in fields
                        if not getattr(self, f).strip()
                    ),
                }
            )
            for _key, label, fields in self.sections()
            if any(not getattr(self, f).strip() for f in fields)
        ]
        counts = self.part_counts()
        if not counts["parties"]:
            gaps.append(str(_("Interested parties: name at least one party the system affects.")))
        if not counts["impacts"]:
            gaps.append(str(_("Impacts: record at least one benefit or harm.")))
        elif counts["unrated_harms"]:
            gaps.append(str(_("Impacts: every harm needs its severity and likelihood.")))
        return gaps

    def use_category(self) -> Any:
        """The system's use category under the organisation's thresholds (``thresholds``)."""
        # selectors reads this module's models, so it is imported when first needed.
        from impact_assessments.selectors import use_categories

        return use_categories(organization=self.organization, system_ids=[self.ai_system_id])[
            self.ai_system_id
        ]

    def approval_blockers(self) -> list[str]:
        blockers = self.missing()
        if self.kind != AssessmentKind.IMPACT:
            return blockers
        category = self.use_category()
        months = (
            UseThresholds.objects.filter(organization=self.organization)
            .values_list("sensitive_review_months", flat=True)
            .first()
            or UseThresholds._meta.get_field("sensitive_review_months").default
        )
        if category.sensitive and self.review_interval_months > months:
            blockers.append(
                str(
                    _(
                        "This is a %(category)s: the thresholds want it reassessed at least "
                        "every %(months)s months, not every %(n)s."
                    )
                    % {
                        "category": category.label.lower(),
                        "months": months,
                        "n": self.review_interval_months,
                    }
                )
            )
        return blockers

    def approver_blockers(self, user: Any) -> list[str]:
        if self.kind != AssessmentKind.IMPACT or not self.use_category().restricted:
            return []
        if roles_of(user).get(self.organization_id) == Role.ADMIN:
            return []
        return [
            str(
                _(
                    "This is a restricted use under the organisation's impact thresholds: "
                    "top management (an administrator) must approve its assessment."
                )
            )
        ]

    def part_counts(self) -> dict[str, int]:
        """Parties, impacts and unrated harms: from ``with_part_counts()`` when annotated."""
        if hasattr(self, "parties_count"):
            return {
                "parties": self.parties_count,
                "impacts": self.impacts_count,
                "unrated_harms": self.unrated_harms_count,
            }
        if self.pk is None:
            return {"parties": 0, "impacts": 0, "unrated_harms": 0}
        return type(self).objects.with_part_counts().filter(pk=self.pk).get().part_counts()


class AssessmentPartMixin(models.Model):
    """A part of an impact assessment: changed only while the assessment is a draft."""

    class Meta:
        abstract = True

    def save(self, *args, **kwargs) -> None:
        if not self.assessment.is_editable:
            raise ImmutableVersionError(_("Only a draft assessment can be changed."))
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        if not self.assessment.is_editable:
            raise ImmutableVersionError(_("Only a draft assessment can be changed."))
        return super().delete(*args, **kwargs)

    def clean(self) -> None:
        super().clean()
        assessment = getattr(self, "assessment", None)
        if assessment is not None and not assessment.is_editable:
            raise ValidationError(
                _("Version %(n)s is no longer a draft: start a new version to change it.")
                % {"n": assessment.number}
            )


class AffectedParty(AssessmentPartMixin, TrackedModel):
    """Someone or something the AI system can affect (42005: relevant interested parties)."""

    assessment = models.ForeignKey(
        ImpactAssessment,
        on_delete=models.CASCADE,
        related_name="parties",
        verbose_name=_("assessment"),
    )
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=16, choices=PartyKind.choices)
    vulnerable = models.BooleanField(
        _("vulnerable group"), default=False, help_text=_("Children, older people, people in need…")
    )
    notes = models.TextField(_("notes"), blank=True)

    access: ClassVar[AccessPolicy] = AccessPolicy(
        org_path="assessment__organization", parent_path="assessment"
    )

    class Meta:
        ordering = ("assessment", "pk")
        verbose_name = _("affected party")
        verbose_name_plural = _("affected parties")
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=PartyKind.values), name="affectedparty_kind_valid"
            )
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return self.assessment.get_absolute_url()


class Impact(AssessmentPartMixin, TrackedModel):
    """A benefit or harm for one party, rated so that harms can be compared and treated."""

    assessment = models.ForeignKey(
        ImpactAssessment,
        on_delete=models.CASCADE,
        related_name="impacts",
        verbose_name=_("assessment"),
    )
    party = models.ForeignKey(
        AffectedParty,
        on_delete=models.CASCADE,
        related_name="impacts",
        verbose_name=_("affected party"),
    )
    nature = models.CharField(_("benefit or harm"), max_length=8, choices=ImpactNature.choices)
    area = models.CharField(_("area"), max_length=20, choices=ImpactArea.choices)
    description = models.TextField(_("description"))
    severity = models.PositiveSmallIntegerField(
        _("severity"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(5)],
    )
    likelihood = models.PositiveSmallIntegerField(
        _("likelihood"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(5)],
    )
    reach = models.CharField(_("scale and reach"), max_length=12, choices=Reach.choices, blank=True)
    reversibility = models.CharField(
        _("reversibility"), max_length=12, choices=Reversibility.choices, blank=True
    )
    measures = models.TextField(_("measures"), blank=True, help_text=_("What addresses this harm."))
    controls = models.ManyToManyField(
        "controls.ControlImplementation",
        blank=True,
        related_name="impacts",
        verbose_name=_("controls"),
    )
    risks = models.ManyToManyField(
        "risks.Risk", blank=True, related_name="impacts", verbose_name=_("risks")
    )

    access: ClassVar[AccessPolicy] = AccessPolicy(
        org_path="assessment__organization", parent_path="assessment"
    )

    class Meta:
        ordering = ("assessment", "pk")
        verbose_name = _("impact")
        constraints = [
            models.CheckConstraint(
                condition=Q(nature__in=ImpactNature.values), name="impact_nature_valid"
            ),
            models.CheckConstraint(
                condition=Q(area__in=ImpactArea.values), name="impact_area_valid"
            ),
            models.CheckConstraint(
                condition=Q(severity__isnull=True) | Q(severity__gte=1, severity__lte=5),
                name="impact_severity_range",
            ),
            models.CheckConstraint(
                condition=Q(likelihood__isnull=True) | Q(likelihood__gte=1, likelihood__lte=5),
                name="impact_likelihood_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_nature_display()}: {self.description[:60]}"

    def get_absolute_url(self) -> str:
        return self.assessment.get_absolute_url()

    def clean(self) -> None:
        super().clean()
        if self.party_id and self.assessment_id and self.party.assessment_id != self.assessment_id:
            raise ValidationError({"party": _("Choose a party of this assessment.")})


# --- Thresholds for sensitive and restricted uses (the process of ISO/IEC 42005) ------------


def _default_sensitive_tiers() -> list[str]:
    return [EUAIActTier.HIGH_RISK]


def _default_restricted_tiers() -> list[str]:
    return [EUAIActTier.PROHIBITED]


def _severity(label: str, help_text: str) -> models.PositiveSmallIntegerField:
    return models.PositiveSmallIntegerField(
        label,
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(5)],
        help_text=help_text,
    )


class UseThresholds(OrganizationScopedModel):
    """The organisation's thresholds that make an AI system's use sensitive or restricted
    (``impact_assessments.thresholds``). Each decision is a new row, never edited, so the
    thresholds in force on any day stay on record; the latest is in force. Until an officer
    decides them, the defaults apply and readiness says they have not been decided."""

    sensitive_tiers = models.JSONField(
        _("sensitive at these EU AI Act tiers"), default=_default_sensitive_tiers, blank=True
    )
    sensitive_personal_data = models.BooleanField(
        _("sensitive when a data set holds personal data"), default=False
    )
    sensitive_special_category = models.BooleanField(
        _("sensitive when a data set holds special-category data"), default=True
    )
    sensitive_profiling = models.BooleanField(
        _("sensitive when the system profiles people"), default=True
    )
    sensitive_vulnerable = models.BooleanField(
        _("sensitive when an assessment names a vulnerable group"), default=True
    )
    sensitive_harm_severity = _severity(
        _("sensitive from harm severity"),
        _("A recorded harm of this severity or worse (1–5) makes the use sensitive. Empty: never."),
    )
    sensitive_review_months = models.PositiveSmallIntegerField(
        _("reassess sensitive uses at least every (months)"),
        default=12,
        validators=[MinValueValidator(1), MaxValueValidator(60)],
    )
    restricted_tiers = models.JSONField(
        _("restricted at these EU AI Act tiers"), default=_default_restricted_tiers, blank=True
    )
    restricted_harm_severity = _severity(
        _("restricted from harm severity"),
        _("A recorded harm of this severity or worse makes the use restricted. Empty: never."),
    )
    restricted_irreversible_only = models.BooleanField(
        _("only irreversible harms make a use restricted"), default=True
    )
    notes = models.TextField(_("notes"), blank=True, help_text=_("Why these thresholds."))
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
        verbose_name=_("decided by"),
    )
    decided_on = models.DateField(_("decided on"), null=True, blank=True, editable=False)

    access: ClassVar[AccessPolicy] = AccessPolicy(
        roles={
            Action.VIEW: READ_ROLES,
            Action.ADD: EDIT_ROLES,
            Action.CHANGE: frozenset(),
            Action.DELETE: frozenset(),
        },
        # The frame every assessment is read against, like the risk criteria.
        engagement=EngagementScope(always=True),
    )

    class Meta:
        verbose_name = _("impact thresholds")
        verbose_name_plural = _("impact thresholds")
        ordering = ("-pk",)
        constraints = [
            models.CheckConstraint(
                condition=Q(sensitive_review_months__gte=1) & Q(sensitive_review_months__lte=60),
                name="use_thresholds_review_months_range",
            ),
        ]

    def __str__(self) -> str:
        if self.decided_on:
            return str(
                _("Impact thresholds of %(d)s") % {"d": self.decided_on.strftime("%d %b %Y")}
            )
        return str(_("Impact thresholds"))

    def get_absolute_url(self) -> str:
        return reverse("impact_assessments:thresholds", kwargs={"org": self.organization.slug})

    @staticmethod
    def _labelled(tiers: list[str]) -> list[tuple[str, str]]:
        labels = dict(EUAIActTier.choices)
        return [(t, str(labels.get(t, t))) for t in tiers or []]

    @property
    def sensitive_tier_labels(self) -> list[tuple[str, str]]:
        return self._labelled(self.sensitive_tiers)

    @property
    def restricted_tier_labels(self) -> list[tuple[str, str]]:
        return self._labelled(self.restricted_tiers)

    def clean(self) -> None:
        errors: dict = {}
        tiers = set(EUAIActTier.values)
        _check_subset(errors, "sensitive_tiers", self.sensitive_tiers, tiers, _("the tiers"))
        _check_subset(errors, "restricted_tiers", self.restricted_tiers, tiers, _("the tiers"))
        if not errors and set(self.sensitive_tiers) & set(self.restricted_tiers):
            errors["restricted_tiers"] = _(
                "A tier is either sensitive or restricted: untick it on one side."
            )
        if (
            self.sensitive_harm_severity
            and self.restricted_harm_severity
            and not self.restricted_irreversible_only
            and self.restricted_harm_severity < self.sensitive_harm_severity
        ):
            errors["restricted_harm_severity"] = _(
                "A restricted use is the graver case: its harm severity cannot be lower than "
                "the sensitive one."
            )
        if errors:
            raise ValidationError(errors)
