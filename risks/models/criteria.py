"""Risk criteria (6.1.1): the likelihood and impact scales, the level bands, the matrix and the
acceptance threshold, one saved version after another."""

from __future__ import annotations

import re
from typing import Any, ClassVar

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from aims.core.models import OrganizationScopedModel
from aims.core.permissions import (
    DEFAULT_ROLES,
    EDIT_ROLES,
    AccessPolicy,
    Action,
    EngagementScope,
    UserPurpose,
)

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


__all__ = ["COLOUR", "MAX_LEVELS", "MIN_LEVELS", "ImpactRule", "RiskCriteria"]
