"""AI risk management: criteria (6.1.1), the register and treatment (6.1.2, 6.1.3, 8.3),
point-in-time assessments (8.2).

Levels are derived from the criteria a risk was scored with and stored on the risk
(score, band key, band rank), so lists filter and sort on columns instead of recomputing
every row.
"""

from __future__ import annotations

import datetime
import re
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

from aims.core.models import OrganizationScopedModel, TrackedModel
from aims.core.permissions import (
    DEFAULT_ROLES,
    EDIT_ROLES,
    AccessPolicy,
    Action,
    EngagementScope,
    UserPurpose,
)
from aims.core.tenancy import Organization
from aims.core.transactions import next_number

MIN_LEVELS, MAX_LEVELS = 3, 7
COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")


class ImpactRule(models.TextChoices):
    """How a risk's inherent impact follows from its consequence scores."""

    WORST = "worst", _("The worst of the three consequences")
    ORGANIZATION = "organization", _("The consequences for the organisation only")


class RiskCriteria(OrganizationScopedModel):
    """One version of an organisation's risk criteria. A version never changes once saved;
    changing the criteria saves a new version and makes it the current one."""

    number = models.PositiveIntegerField(_("version"), editable=False)
    is_current = models.BooleanField(_("current"), default=True, editable=False)
    name = models.CharField(_("name"), max_length=120, default="Risk criteria")
    likelihood_levels = models.JSONField(
        _("likelihood scale"),
        help_text=_("From least to most likely: each level has a label and a description."),
    )
    impact_levels = models.JSONField(
        _("impact scale"),
        help_text=_("From least to most severe: each level has a label and a description."),
    )
    bands = models.JSONField(
        _("level bands"),
        help_text=_("From lowest to highest: a key, a label and a colour for each band."),
    )
    matrix = models.JSONField(
        _("matrix"),
        help_text=_("For each likelihood (rows) and impact (columns), the band key."),
    )
    acceptance_band = models.CharField(
        _("acceptance threshold"),
        max_length=20,
        help_text=_(
            "The highest band a risk owner may accept. Risks above it are accepted only by "
            "the designated approver."
        ),
    )
    acceptance_approver = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("designated approver"),
        help_text=_("Who may accept a residual risk above the threshold (often top management)."),
    )
    impact_rule = models.CharField(
        _("impact rule"),
        max_length=12,
        choices=ImpactRule.choices,
        default=ImpactRule.WORST,
        help_text=_(
            "How a risk's inherent impact follows from its consequences for the organisation, "
            "for individuals and for society, when they are scored."
        ),
    )
    change_summary = models.CharField(_("what changed"), max_length=500, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )

    # Everyone who reads the register reads the criteria; only officers and admins set them.
    access: ClassVar[AccessPolicy] = AccessPolicy(
        roles={**DEFAULT_ROLES, Action.ADD: EDIT_ROLES},
        user_purposes={"acceptance_approver": UserPurpose.APPROVER},
        # Every engagement reads the criteria: the register's scores mean nothing without them.
        engagement=EngagementScope(always=True),
    )

    class Meta:
        ordering = ("-number",)
        verbose_name = _("risk criteria")
        verbose_name_plural = _("risk criteria")
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "number"], name="riskcriteria_number_unique"
            ),
            models.UniqueConstraint(
                fields=["organization"],
                condition=Q(is_current=True),
                name="riskcriteria_one_current",
            ),
            models.CheckConstraint(
                condition=Q(impact_rule__in=ImpactRule.values),
                name="riskcriteria_impact_rule_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} v{self.number}"

    def get_absolute_url(self) -> str:
        return reverse("risks:criteria", kwargs={"org": self.organization.slug}) + (
            f"?version={self.number}"
        )

    # --- scales and bands -----------------------------------------------------------------

    @property
    def likelihood_count(self) -> int:
        return len(self.likelihood_levels or [])

    @property
    def impact_count(self) -> int:
        return len(self.impact_levels or [])

    @property
    def band_keys(self) -> list[str]:
        return [band["key"] for band in self.bands or []]

    def band(self, key: str) -> dict[str, Any]:
        for band in self.bands:
            if band["key"] == key:
                return band
        raise KeyError(key)

    def rank_of(self, key: str) -> int:
        return self.band_keys.index(key)

    @property
    def acceptance_rank(self) -> int:
        return self.rank_of(self.acceptance_band)

    def level(self, likelihood: int, impact: int) -> tuple[int, str, int]:
        """(score, band key, band rank) for a 1-based likelihood and impact."""
        if not 1 <= likelihood <= self.likelihood_count:
            raise ValueError(f"likelihood {likelihood} outside 1..{self.likelihood_count}")
        if not 1 <= impact <= self.impact_count:
            raise ValueError(f"impact {impact} outside 1..{self.impact_count}")
        key = self.matrix[likelihood - 1][impact - 1]
        return likelihood * impact, key, self.rank_of(key)

    def impact_from(
        self, *, organization: int | None, individuals: int | None, society: int | None
    ) -> int | None:
        """The inherent impact the consequence scores give under ``impact_rule`` (None when
        the scores the rule reads are not given: the impact is then scored directly)."""
        if self.impact_rule == ImpactRule.ORGANIZATION:
            return organization
        scored = [v for v in (organization, individuals, society) if v is not None]
        return max(scored) if scored else None

    def clean(self) -> None:
        errors: dict[str, str] = {}
        if self.impact_rule not in ImpactRule.values:
            errors["impact_rule"] = _("Choose one of the impact rules.")
        for name in ("likelihood_levels", "impact_levels"):
            levels = getattr(self, name)
            if not isinstance(levels, list) or not MIN_LEVELS <= len(levels) <= MAX_LEVELS:
                errors[name] = _("A scale has between %(a)s and %(b)s levels.") % {
                    "a": MIN_LEVELS,
                    "b": MAX_LEVELS,
                }
            elif any(
                not isinstance(lv, dict) or not str(lv.get("label", "")).strip() for lv in levels
            ):
                errors[name] = _("Every level needs a label.")
        bands = self.bands
        if not isinstance(bands, list) or not 2 <= len(bands) <= 6:
            errors["bands"] = _("Use between 2 and 6 level bands.")
        elif any(
            not isinstance(b, dict)
            or not re.fullmatch(r"[a-z0-9_-]{1,20}", str(b.get("key", "")))
            or not str(b.get("label", "")).strip()
            or not COLOUR.match(str(b.get("colour", "")))
            for b in bands
        ):
            errors["bands"] = _(
                "Every band needs a short key (lower-case letters, digits, - or _), a label and "
                "a colour such as #c62828."
            )
        elif len(set(self.band_keys)) != len(bands):
            errors["bands"] = _("Band keys must be different from each other.")
        if errors:
            raise ValidationError(errors)
        keys = set(self.band_keys)
        matrix = self.matrix
        if (
            not isinstance(matrix, list)
            or len(matrix) != self.likelihood_count
            or any(not isinstance(row, list) or len(row) != self.impact_count for row in matrix)
        ):
            raise ValidationError(
                {
                    "matrix": _(
                        "The matrix needs one row per likelihood level and one column per impact level."
                    )
                }
            )
        if any(cell not in keys for row in matrix for cell in row):
            raise ValidationError({"matrix": _("Every matrix cell must name one of the bands.")})
        if self.acceptance_band not in keys:
            raise ValidationError({"acceptance_band": _("Choose one of the bands.")})


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


class ActionStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    IN_PROGRESS = "in_progress", _("In progress")
    DONE = "done", _("Done")
    CANCELLED = "cancelled", _("Cancelled")


class TreatmentAction(TrackedModel):
    """One step of a risk's treatment plan."""

    risk = models.ForeignKey(Risk, on_delete=models.CASCADE, related_name="actions")
    title = models.CharField(_("title"), max_length=250)
    description = models.TextField(_("description"), blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="treatment_actions",
        verbose_name=_("owner"),
    )
    due_date = models.DateField(_("due"), null=True, blank=True, db_index=True)
    status = models.CharField(
        _("status"), max_length=12, choices=ActionStatus.choices, default=ActionStatus.PLANNED
    )
    completed_on = models.DateField(_("completed on"), null=True, blank=True)

    access: ClassVar[AccessPolicy] = AccessPolicy(
        org_path="risk__organization",
        owner_paths=("owner", "risk__owner"),
        parent_path="risk",
    )

    class Meta:
        ordering = ("due_date", "pk")
        verbose_name = _("treatment action")
        indexes = [
            # Open actions by due date: the register's "actions overdue" flag and filter.
            models.Index(
                fields=["risk", "due_date"],
                condition=Q(status__in=("planned", "in_progress")),
                name="treatment_action_open_due",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=ActionStatus.values), name="treatment_action_status_valid"
            ),
            models.CheckConstraint(
                condition=~Q(status="done") | Q(completed_on__isnull=False),
                name="treatment_action_done_has_date",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return self.risk.get_absolute_url() + "treatment/"

    @property
    def is_overdue(self) -> bool:
        return bool(
            self.due_date
            and self.status in (ActionStatus.PLANNED, ActionStatus.IN_PROGRESS)
            and self.due_date < timezone.localdate()
        )

    def clean(self) -> None:
        # As the database check ``treatment_action_done_has_date``: a done action says when.
        if self.status == ActionStatus.DONE and not self.completed_on:
            raise ValidationError(
                {"completed_on": _("Enter the date the action was completed.")},
                code="required",
            )
        if self.status != ActionStatus.DONE:
            self.completed_on = None


class AssessmentStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    APPROVED = "approved", _("Approved")


class RiskAssessment(OrganizationScopedModel):
    """A point-in-time risk assessment (8.2): approving it freezes its scope, participants
    and a copy of the register as it stood, so later edits never change the record."""

    title = models.CharField(_("title"), max_length=250)
    scope = models.TextField(
        _("scope"), help_text=_("Which AI systems, processes or changes this assessment covers.")
    )
    method = models.TextField(
        _("method"),
        blank=True,
        help_text=_("How risks were identified and judged: workshops, data, interviews."),
    )
    ai_systems = models.ManyToManyField(
        "inventory.AISystem",
        blank=True,
        related_name="risk_assessments",
        verbose_name=_("AI systems covered"),
        help_text=_("Leave empty to cover the whole register."),
    )
    participants = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="risk_assessments",
        verbose_name=_("participants"),
    )
    other_participants = models.CharField(
        _("other participants"),
        max_length=500,
        blank=True,
        help_text=_("People without an account here, e.g. external experts."),
    )
    assessed_on = models.DateField(_("assessed on"), default=timezone.localdate)
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=AssessmentStatus.choices,
        default=AssessmentStatus.DRAFT,
        editable=False,
    )
    criteria = models.ForeignKey(
        RiskCriteria, null=True, on_delete=models.PROTECT, related_name="+", editable=False
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
    )
    approved_at = models.DateTimeField(_("approved"), null=True, blank=True, editable=False)
    snapshot = models.JSONField(_("register as assessed"), default=dict, blank=True, editable=False)
    summary = models.JSONField(_("summary"), default=dict, blank=True, editable=False)

    # Auditors read approved assessments only; a draft is work in progress.
    access: ClassVar[AccessPolicy] = AccessPolicy(
        engagement=EngagementScope(
            systems=("ai_systems",),
            clause_refs=("6.1.2", "8.2"),
            shown={"status": AssessmentStatus.APPROVED},
        )
    )
    frozen_fields: ClassVar[tuple[str, ...]] = (
        "title",
        "scope",
        "method",
        "other_participants",
        "assessed_on",
        "snapshot",
        "summary",
    )

    class Meta:
        ordering = ("-assessed_on", "-pk")
        verbose_name = _("risk assessment")
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=AssessmentStatus.values), name="riskassessment_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(status="draft")
                | (Q(approved_by__isnull=False) & Q(approved_at__isnull=False)),
                name="riskassessment_approved_has_approver",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse(
            "risks:assessment_detail", kwargs={"org": self.organization.slug, "pk": self.pk}
        )

    @property
    def is_frozen(self) -> bool:
        return self.status == AssessmentStatus.APPROVED

    def save(self, *args: Any, **kwargs: Any) -> None:
        loaded = getattr(self, "_loaded_snapshot", None)
        if (
            loaded
            and loaded.get("status") == AssessmentStatus.APPROVED
            and any(
                loaded.get(f) != getattr(self, f)
                for f in self.frozen_fields
                if f not in ("assessed_on",)
            )
        ):
            raise ValidationError(_("An approved risk assessment cannot be changed."))
        super().save(*args, **kwargs)
