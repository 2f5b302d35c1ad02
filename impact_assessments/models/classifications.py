"""EU AI Act classifications (``AIActClassification``): one reading of the Act per AI system."""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from aims.core.models import OrganizationScopedModel
from aims.core.permissions import (
    EDIT_ROLES,
    READ_ROLES,
    AccessPolicy,
    Action,
    EngagementScope,
    UserPurpose,
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


__all__ = [
    "AIActClassification",
]
