"""The organisation's thresholds for sensitive and restricted uses (the process of ISO/IEC
42005), one row per decision."""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from aims.core.models import OrganizationScopedModel
from aims.core.permissions import EDIT_ROLES, READ_ROLES, AccessPolicy, Action, EngagementScope
from aims.inventory.models import EUAIActTier
from impact_assessments.models.classifications import _check_subset


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


__all__ = [
    "UseThresholds",
]
