"""Point-in-time risk assessments (8.2): approving one freezes its scope, participants and a
copy of the register as it stood."""

from __future__ import annotations

from typing import Any, ClassVar

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from aims.core.models import OrganizationScopedModel
from aims.core.permissions import AccessPolicy, EngagementScope
from risks.models.criteria import RiskCriteria


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


__all__ = ["AssessmentStatus", "RiskAssessment"]
