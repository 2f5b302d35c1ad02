"""The risk register (6.1.2, 6.1.3): risks and opportunities, their consequences and levels
as scored with the criteria, their acceptance, and the rules their values share."""

from __future__ import annotations

import datetime
from typing import Any, ClassVar

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from aims.core.models import OrganizationScopedModel
from aims.core.permissions import AccessPolicy, EngagementScope
from aims.core.tenancy import Organization
from aims.core.transactions import next_number
from risks.models.criteria import MAX_LEVELS, RiskCriteria


class RiskKind(models.TextChoices):
    """A register entry is a risk or an opportunity (an effect that would help)."""

    RISK = "risk", _("Risk")
    OPPORTUNITY = "opportunity", _("Opportunity")


class RiskStatus(models.TextChoices):
    IDENTIFIED = "identified", _("Identified")
    ASSESSED = "assessed", _("Assessed")
    IN_TREATMENT = "in_treatment", _("In treatment")
    MONITORED = "monitored", _("Accepted and monitored")
    CLOSED = "closed", _("Closed")


class TreatmentOption(models.TextChoices):
    MODIFY = "modify", _("Modify (reduce)")
    AVOID = "avoid", _("Avoid")
    SHARE = "share", _("Share (transfer)")
    RETAIN = "retain", _("Retain (accept)")


LEVEL_FIELDS = ("inherent", "residual")
# The consequences a risk is scored on, each on the criteria's impact scale: (score field,
# description field, who is affected).
CONSEQUENCES = (
    ("impact_organization", "consequences_organization", "organization"),
    ("impact_individuals", "consequences_individuals", "individuals"),
    ("impact_society", "consequences_society", "society"),
)
IMPACT_FIELDS = tuple(score for score, _text, _who in CONSEQUENCES)


def risk_impact_from_consequences(
    criteria: RiskCriteria,
    scores: dict[str, int | None],
    *,
    requested: int | None,
    previous: int | None,
) -> int | None:
    """The inherent impact a write should store: derived from the consequence ``scores``
    (by ``IMPACT_FIELDS``) under the criteria's rule, else ``requested``. A requested
    impact that differs from the derived one is refused unless it is the stored value
    sent back unchanged (a client that reads a risk and writes it back with new scores)."""
    derived = criteria.impact_from(
        organization=scores.get("impact_organization"),
        individuals=scores.get("impact_individuals"),
        society=scores.get("impact_society"),
    )
    if derived is None:
        return requested
    if requested is not None and requested != derived and requested != previous:
        raise ValidationError(
            {
                "inherent_impact": _(
                    "The inherent impact follows from the consequence scores (%(rule)s: "
                    "%(n)s). Change those scores, or clear them to score the impact directly."
                )
                % {"rule": criteria.get_impact_rule_display().lower(), "n": derived}
            }
        )
    return derived


def risk_reference(number: int | None) -> str:
    """A risk's reference as people quote it: R-0042."""
    return f"R-{number:04d}" if number else "R-new"


# What a risk shows that is worked out from its columns, as functions of those columns, so
# the model's properties and the rows read as values (risks.register, risks.selectors)
# share one rule.


def risk_rescore_offered(*, criteria_id: int | None, criteria_is_current: bool | None) -> bool:
    """Whether newer criteria exist than the ones the risk was scored with."""
    return bool(criteria_id and criteria_is_current is False)


def risk_review_overdue(next_review_date: datetime.date | None) -> bool:
    return bool(next_review_date and next_review_date < timezone.localdate())


def risk_is_accepted(accepted_by_id: int | None) -> bool:
    return accepted_by_id is not None


class Risk(OrganizationScopedModel):
    number = models.PositiveIntegerField(_("number"), editable=False)
    kind = models.CharField(
        _("kind"),
        max_length=12,
        choices=RiskKind.choices,
        default=RiskKind.RISK,
        help_text=_(
            "An opportunity is an effect that would help the organisation or the people its "
            "AI systems touch; it is recorded and treated here but not counted among the risks."
        ),
    )
    title = models.CharField(_("title"), max_length=250)
    description = models.TextField(
        _("description"), help_text=_("What could happen, how, and to whom.")
    )
    ai_systems = models.ManyToManyField(
        "inventory.AISystem", blank=True, related_name="risks", verbose_name=_("AI systems")
    )
    risk_sources = models.ManyToManyField(
        "controls.Requirement",
        blank=True,
        related_name="risks_as_source",
        limit_choices_to={"kind": "annex_c_risk_source"},
        verbose_name=_("risk sources (Annex C)"),
    )
    objectives = models.ManyToManyField(
        "controls.Requirement",
        blank=True,
        related_name="risks_as_objective",
        limit_choices_to={"kind": "annex_c_objective"},
        verbose_name=_("objectives affected (Annex C)"),
    )
    consequences_organization = models.TextField(
        _("consequences for the organisation"),
        blank=True,
        help_text=_("Financial, legal, operational and reputational effects on us."),
    )
    consequences_individuals = models.TextField(
        _("consequences for individuals"),
        blank=True,
        help_text=_("Effects on the people the system touches."),
    )
    consequences_society = models.TextField(
        _("consequences for society"),
        blank=True,
        help_text=_("Effects on groups of people, communities and society at large."),
    )
    impact_organization = models.PositiveSmallIntegerField(
        _("impact on the organisation"), null=True, blank=True
    )
    impact_individuals = models.PositiveSmallIntegerField(
        _("impact on individuals"), null=True, blank=True
    )
    impact_society = models.PositiveSmallIntegerField(_("impact on society"), null=True, blank=True)
    criteria = models.ForeignKey(
        RiskCriteria,
        on_delete=models.PROTECT,
        related_name="risks",
        verbose_name=_("scored with criteria"),
        editable=False,
    )
    inherent_likelihood = models.PositiveSmallIntegerField(_("inherent likelihood"))
    inherent_impact = models.PositiveSmallIntegerField(_("inherent impact"))
    inherent_score = models.PositiveSmallIntegerField(_("inherent score"), editable=False)
    inherent_level = models.CharField(_("inherent level"), max_length=20, editable=False)
    inherent_rank = models.PositiveSmallIntegerField(editable=False, db_index=True)
    existing_controls = models.TextField(
        _("existing controls"),
        blank=True,
        help_text=_("Measures already in place when the inherent level was judged."),
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="owned_risks",
        verbose_name=_("owner"),
    )
    status = models.CharField(
        _("status"), max_length=14, choices=RiskStatus.choices, default=RiskStatus.IDENTIFIED
    )
    treatment_option = models.CharField(
        _("treatment option"), max_length=8, choices=TreatmentOption.choices, blank=True
    )
    controls = models.ManyToManyField(
        "controls.ControlImplementation",
        blank=True,
        related_name="risks",
        verbose_name=_("controls"),
    )
    evidence = models.ManyToManyField(
        "evidence.EvidenceItem",
        blank=True,
        related_name="risks",
        verbose_name=_("evidence"),
        # The link table evidence created when it declared the link (no data moved).
        db_table="evidence_evidenceitem_risks",
    )
    residual_likelihood = models.PositiveSmallIntegerField(
        _("residual likelihood"), null=True, blank=True
    )
    residual_impact = models.PositiveSmallIntegerField(_("residual impact"), null=True, blank=True)
    residual_score = models.PositiveSmallIntegerField(
        _("residual score"), null=True, editable=False
    )
    residual_level = models.CharField(
        _("residual level"), max_length=20, blank=True, editable=False
    )
    residual_rank = models.PositiveSmallIntegerField(null=True, editable=False, db_index=True)
    residual_rationale = models.TextField(
        _("reason for the residual level"),
        blank=True,
        help_text=_("Required when the residual level is above the inherent one."),
    )
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("accepted by"),
        editable=False,
    )
    accepted_at = models.DateTimeField(_("accepted"), null=True, blank=True, editable=False)
    acceptance_rationale = models.TextField(_("acceptance rationale"), blank=True, editable=False)
    acceptance_expires = models.DateField(
        _("acceptance expires"),
        null=True,
        blank=True,
        editable=False,
        db_index=True,
    )
    review_interval_months = models.PositiveSmallIntegerField(
        _("review every (months)"),
        default=12,
        validators=[MinValueValidator(1), MaxValueValidator(60)],
    )
    next_review_date = models.DateField(_("next review"), null=True, blank=True, db_index=True)
    library_code = models.CharField(
        _("started from library item"), max_length=40, blank=True, editable=False
    )

    access: ClassVar[AccessPolicy] = AccessPolicy(
        owner_paths=("owner",),
        engagement=EngagementScope(
            systems=("ai_systems",),
            controls=("controls",),
            clause_refs=("6.1.2", "6.1.3", "8.2", "8.3"),
        ),
    )
    # Derived from likelihood and impact by the criteria; the history shows the levels.
    history_hidden: ClassVar[tuple[str, ...]] = (
        "inherent_score",
        "inherent_rank",
        "residual_score",
        "residual_rank",
    )

    class Meta:
        ordering = ("number",)
        verbose_name = _("risk")
        constraints = [
            models.UniqueConstraint(fields=["organization", "number"], name="risk_number_unique"),
            models.CheckConstraint(
                condition=Q(status__in=RiskStatus.values), name="risk_status_valid"
            ),
            models.CheckConstraint(condition=Q(kind__in=RiskKind.values), name="risk_kind_valid"),
            *(
                models.CheckConstraint(
                    condition=Q(**{f"{name}__isnull": True})
                    | (Q(**{f"{name}__gte": 1}) & Q(**{f"{name}__lte": MAX_LEVELS})),
                    name=f"risk_{name}_in_range",
                )
                for name in IMPACT_FIELDS
            ),
            models.CheckConstraint(
                condition=Q(treatment_option__in=[*TreatmentOption.values, ""]),
                name="risk_treatment_option_valid",
            ),
            models.CheckConstraint(
                condition=Q(inherent_likelihood__gte=1)
                & Q(inherent_likelihood__lte=MAX_LEVELS)
                & Q(inherent_impact__gte=1)
                & Q(inherent_impact__lte=MAX_LEVELS),
                name="risk_inherent_in_range",
            ),
            models.CheckConstraint(
                condition=(Q(residual_likelihood__isnull=True) & Q(residual_impact__isnull=True))
                | (
                    Q(residual_likelihood__gte=1)
                    & Q(residual_likelihood__lte=MAX_LEVELS)
                    & Q(residual_impact__gte=1)
                    & Q(residual_impact__lte=MAX_LEVELS)
                ),
                name="risk_residual_both_or_neither",
            ),
            models.CheckConstraint(
                condition=Q(accepted_by__isnull=True) | Q(accepted_at__isnull=False),
                name="risk_acceptance_has_date",
            ),
            models.CheckConstraint(
                condition=~Q(status="monitored") | Q(accepted_by__isnull=False),
                name="risk_monitored_is_accepted",
            ),
            models.CheckConstraint(
                condition=Q(review_interval_months__gte=1) & Q(review_interval_months__lte=60),
                name="risk_review_interval_range",
            ),
        ]
        indexes = [
            models.Index(fields=["organization", "inherent_rank"], name="risk_org_inherent"),
            models.Index(fields=["organization", "residual_rank"], name="risk_org_residual"),
            models.Index(fields=["organization", "status"], name="risk_org_status"),
            models.Index(fields=["organization", "kind"], name="risk_org_kind"),
            models.Index(fields=["organization", "next_review_date"], name="risk_org_review"),
        ]

    def __str__(self) -> str:
        return f"{self.reference} {self.title}"

    @property
    def reference(self) -> str:
        return risk_reference(self.number)

    def get_absolute_url(self) -> str:
        return reverse("risks:risk_detail", kwargs={"org": self.organization.slug, "pk": self.pk})

    @property
    def is_review_overdue(self) -> bool:
        return risk_review_overdue(self.next_review_date)

    @property
    def is_acceptance_expired(self) -> bool:
        return bool(self.acceptance_expires and self.acceptance_expires < timezone.localdate())

    @property
    def is_accepted(self) -> bool:
        return risk_is_accepted(self.accepted_by_id)

    @property
    def is_opportunity(self) -> bool:
        return self.kind == RiskKind.OPPORTUNITY

    def consequence_scores(self) -> dict[str, int | None]:
        return {name: getattr(self, name) for name in IMPACT_FIELDS}

    @property
    def effective_rank(self) -> int:
        return self.residual_rank if self.residual_rank is not None else self.inherent_rank

    @property
    def rescore_offered(self) -> bool:
        """Whether newer criteria exist than the ones this risk was scored with."""
        return risk_rescore_offered(
            criteria_id=self.criteria_id,
            criteria_is_current=self.criteria.is_current if self.criteria_id else None,
        )

    def band(self, which: str) -> dict[str, Any] | None:
        key = getattr(self, f"{which}_level")
        return self.criteria.band(key) if key else None

    def clean(self) -> None:
        """Score against the criteria and enforce the register's rules; stores the levels."""
        if not self.criteria_id:
            return
        criteria = self.criteria
        errors: dict[str, Any] = {}
        for which in LEVEL_FIELDS:
            for axis, count in (
                ("likelihood", criteria.likelihood_count),
                ("impact", criteria.impact_count),
            ):
                value = getattr(self, f"{which}_{axis}")
                if value is not None and not 1 <= value <= count:
                    errors[f"{which}_{axis}"] = _(
                        "Choose a level between 1 and %(n)s on the %(axis)s scale."
                    ) % {"n": count, "axis": axis}
        for name in IMPACT_FIELDS:
            value = getattr(self, name)
            if value is not None and not 1 <= value <= criteria.impact_count:
                errors[name] = _("Choose a level between 1 and %(n)s on the %(axis)s scale.") % {
                    "n": criteria.impact_count,
                    "axis": "impact",
                }
        if self.is_opportunity and self.accepted_by_id:
            errors["kind"] = _(
                "This risk's acceptance is recorded; withdraw it before recording the entry as "
                "an opportunity (opportunities are pursued, not accepted)."
            )
        if (self.residual_likelihood is None) != (self.residual_impact is None):
            field = "residual_impact" if self.residual_impact is None else "residual_likelihood"
            errors.setdefault(field, _("Give both residual likelihood and impact, or neither."))
        status_error = self.status_problem()
        if status_error:
            errors["status"] = status_error
        if errors:
            raise ValidationError(errors)
        derived = criteria.impact_from(
            organization=self.impact_organization,
            individuals=self.impact_individuals,
            society=self.impact_society,
        )
        if derived is not None:
            self.inherent_impact = derived
        if self.inherent_likelihood is None or self.inherent_impact is None:
            return  # the field errors already say what is missing
        self.apply_levels()
        if (
            self.residual_rank is not None
            and self.residual_rank > self.inherent_rank
            and not self.residual_rationale.strip()
        ):
            raise ValidationError(
                {
                    "residual_rationale": _(
                        "The residual level is above the inherent one; explain why."
                    )
                }
            )
        if (
            self.accepted_by_id
            and self.residual_rank is not None
            and self.residual_rank > criteria.acceptance_rank
            and self.accepted_by_id != criteria.acceptance_approver_id
        ):
            raise ValidationError(
                {
                    "residual_likelihood": _(
                        "This residual level is above the acceptance threshold, and the risk was "
                        "accepted by someone other than the designated approver. Withdraw the "
                        "acceptance first, or have the designated approver accept it."
                    )
                }
            )

    def status_problem(self) -> str | None:
        """Why the status cannot be what it is, or None. The acceptance decides "accepted
        and monitored": it is reached only by recording an acceptance (risks.services.
        risk_accept), and an accepted risk stays there until it is withdrawn or closed. A
        risk is closed only when its treatment actions are done or cancelled."""
        if self.status == RiskStatus.MONITORED and not self.accepted_by_id:
            return _(
                "A risk becomes “accepted and monitored” only when its acceptance is recorded: "
                "use Accept risk on the risk's page."
            )
        if self.accepted_by_id and self.status not in (RiskStatus.MONITORED, RiskStatus.CLOSED):
            return _(
                "This risk's acceptance is recorded, so it stays accepted and monitored; "
                "withdraw the acceptance first to change its status."
            )
        if self.status == RiskStatus.CLOSED and self.pk:
            # The treatment module imports this one (an action's risk): read it here.
            from risks.models.treatment import ActionStatus

            open_actions = self.actions.filter(
                status__in=[ActionStatus.PLANNED, ActionStatus.IN_PROGRESS]
            ).count()
            if open_actions:
                return ngettext(
                    "%(n)s treatment action is still open; finish or cancel it before closing "
                    "the risk.",
                    "%(n)s treatment actions are still open; finish or cancel them before "
                    "closing the risk.",
                    open_actions,
                ) % {"n": open_actions}
        return None

    def apply_levels(self) -> None:
        """Store the inherent impact the consequence scores give, and score, band and rank
        derived from the criteria (no validation)."""
        criteria = self.criteria
        derived = criteria.impact_from(
            organization=self.impact_organization,
            individuals=self.impact_individuals,
            society=self.impact_society,
        )
        if derived is not None:
            self.inherent_impact = derived
        if self.inherent_impact is None:
            return  # nothing to score (the database refuses the row)
        self.inherent_score, self.inherent_level, self.inherent_rank = criteria.level(
            self.inherent_likelihood, self.inherent_impact
        )
        if self.residual_likelihood is not None and self.residual_impact is not None:
            self.residual_score, self.residual_level, self.residual_rank = criteria.level(
                self.residual_likelihood, self.residual_impact
            )
        else:
            self.residual_score, self.residual_level, self.residual_rank = None, "", None

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.criteria_id and self.inherent_likelihood:
            try:
                self.apply_levels()
            except ValueError as exc:
                raise ValidationError(str(exc)) from exc
        if self.number:
            super().save(*args, **kwargs)
            return
        with transaction.atomic(using=kwargs.get("using")):
            # The organisation's next number, under its lock (aims.core.transactions).
            self.number = next_number(
                Risk.objects.filter(organization_id=self.organization_id),
                owner=Organization(pk=self.organization_id),
            )
            super().save(*args, **kwargs)


__all__ = [
    "CONSEQUENCES",
    "IMPACT_FIELDS",
    "LEVEL_FIELDS",
    "Risk",
    "RiskKind",
    "RiskStatus",
    "TreatmentOption",
    "risk_impact_from_consequences",
    "risk_is_accepted",
    "risk_reference",
    "risk_rescore_offered",
    "risk_review_overdue",
]
