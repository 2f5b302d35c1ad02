"""Continual improvement (10.1): opportunities for improvement from audits, reviews,
incidents and anyone's suggestion, each with its decision and, once done, its outcome."""

from __future__ import annotations

import datetime
from typing import Any, ClassVar

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from aims.core.models import OrganizationScopedModel
from aims.core.permissions import DEFAULT_ROLES, AccessPolicy, EngagementScope, UserPurpose
from aims.core.transactions import NumberedPerOrganization


class OpportunitySource(models.TextChoices):
    SUGGESTION = "suggestion", _("Someone's suggestion")
    INTERNAL_AUDIT = "internal_audit", _("Internal audit")
    EXTERNAL_AUDIT = "external_audit", _("Certification or external audit")
    MANAGEMENT_REVIEW = "management_review", _("Management review")
    INCIDENT = "incident", _("AI incident")
    MONITORING = "monitoring", _("Monitoring and measurement")
    OTHER = "other", _("Other")


class OpportunityStatus(models.TextChoices):
    PROPOSED = "proposed", _("Proposed")
    ACCEPTED = "accepted", _("Accepted")
    REJECTED = "rejected", _("Not taken up")
    IMPLEMENTED = "implemented", _("Implemented")


def opportunity_reference(number: int | None) -> str:
    return f"OFI-{number:03d}" if number else "OFI-?"


class Opportunity(NumberedPerOrganization, OrganizationScopedModel):
    number = models.PositiveIntegerField(_("number"), editable=False)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("the idea"), help_text=_("What could be better, and how."))
    source = models.CharField(
        _("came from"), max_length=20, choices=OpportunitySource.choices, default="suggestion"
    )
    incident = models.ForeignKey(
        "audits.Incident",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="opportunities",
        verbose_name=_("incident"),
    )
    requirement = models.ForeignKey(
        "controls.Requirement",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="opportunities",
        verbose_name=_("clause or control"),
    )
    ai_systems = models.ManyToManyField(
        "inventory.AISystem", related_name="opportunities", blank=True, verbose_name=_("AI systems")
    )
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
        verbose_name=_("raised by"),
    )
    raised_on = models.DateField(_("raised on"), default=timezone.localdate)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("owner"),
    )
    due_date = models.DateField(_("due"), null=True, blank=True)
    status = models.CharField(
        _("status"),
        max_length=12,
        choices=OpportunityStatus.choices,
        default="proposed",
        editable=False,
    )
    decision_notes = models.TextField(_("decision"), blank=True, editable=False)
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
    outcome = models.TextField(
        _("outcome"), blank=True, editable=False, help_text=_("What changed, and what it brought.")
    )
    implemented_on = models.DateField(_("implemented on"), null=True, blank=True, editable=False)

    access: ClassVar[AccessPolicy] = AccessPolicy(
        owner_paths=("owner",),
        user_purposes={"owner": UserPurpose.OWNER},
        # Anyone with a role may suggest an improvement.
        roles=DEFAULT_ROLES,
        engagement=EngagementScope(
            systems=("ai_systems",),
            clauses=("requirement",),
            controls=("requirement__implementations",),
            clause_refs=("10.1",),
        ),
    )

    class Meta:
        ordering = ("-raised_on", "-number")
        verbose_name = _("opportunity for improvement")
        verbose_name_plural = _("opportunities for improvement")
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "number"], name="opportunity_number_unique"
            ),
            models.CheckConstraint(
                condition=Q(source__in=OpportunitySource.values), name="opportunity_source_valid"
            ),
            models.CheckConstraint(
                condition=Q(status__in=OpportunityStatus.values), name="opportunity_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(status="proposed") | Q(decided_on__isnull=False),
                name="opportunity_decided_has_date",
            ),
            models.CheckConstraint(
                condition=~Q(status="implemented")
                | (Q(implemented_on__isnull=False) & ~Q(outcome="")),
                name="opportunity_implemented_has_outcome",
            ),
        ]
        indexes = [models.Index(fields=["organization", "status"], name="ofi_org_status")]

    def __str__(self) -> str:
        return f"{self.reference} {self.title}"

    @property
    def reference(self) -> str:
        return opportunity_reference(self.number)

    def get_absolute_url(self) -> str:
        return reverse(
            "audits:opportunity_detail", kwargs={"org": self.organization.slug, "pk": self.pk}
        )

    def clean(self) -> None:
        errors: dict[str, Any] = {}
        if self.raised_on and self.raised_on > timezone.localdate() + datetime.timedelta(days=1):
            errors["raised_on"] = _("This lies in the future.")
        if self.incident_id and self.incident.organization_id != self.organization_id:
            errors["incident"] = _("Choose an incident of this organisation.")
        if errors:
            raise ValidationError(errors)


__all__ = ["Opportunity", "OpportunitySource", "OpportunityStatus", "opportunity_reference"]
