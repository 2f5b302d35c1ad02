"""Nonconformities and corrective actions (10.2).

A nonconformity says which requirement was not met, how badly, where it was found, what was
done at once (the correction), why it happened (the root cause) and what is done so it does
not happen again (the corrective actions). It closes only once the actions are finished and
someone has checked that they worked.
"""

from __future__ import annotations

import datetime
from typing import Any, ClassVar

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from aims.core.models import OrganizationScopedModel, TrackedModel
from aims.core.permissions import AccessPolicy, EngagementScope, UserPurpose
from aims.core.text import shorten
from aims.core.transactions import NumberedPerOrganization


class NonconformitySeverity(models.TextChoices):
    MAJOR = "major", _("Major")
    MINOR = "minor", _("Minor")


class NonconformitySource(models.TextChoices):
    INTERNAL_AUDIT = "internal_audit", _("Internal audit")
    EXTERNAL_AUDIT = "external_audit", _("Certification or external audit")
    INCIDENT = "incident", _("AI incident")
    MONITORING = "monitoring", _("Monitoring and measurement")
    COMPLAINT = "complaint", _("Complaint or concern")
    MANAGEMENT_REVIEW = "management_review", _("Management review")
    OTHER = "other", _("Other")


class NonconformityStatus(models.TextChoices):
    OPEN = "open", _("Open")
    ACTION = "action", _("Actions under way")
    VERIFYING = "verifying", _("Checking effectiveness")
    CLOSED = "closed", _("Closed")


class Effectiveness(models.TextChoices):
    EFFECTIVE = "effective", _("Effective")
    NOT_EFFECTIVE = "not_effective", _("Not effective")


def nonconformity_reference(number: int | None) -> str:
    return f"NC-{number:03d}" if number else "NC-?"


class Nonconformity(NumberedPerOrganization, OrganizationScopedModel):
    number = models.PositiveIntegerField(_("number"), editable=False)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("what was found"))
    requirement = models.ForeignKey(
        "controls.Requirement",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="nonconformities",
        verbose_name=_("requirement not met"),
        help_text=_("The clause or Annex A control, if one applies."),
    )
    severity = models.CharField(
        _("severity"), max_length=8, choices=NonconformitySeverity.choices, default="minor"
    )
    source = models.CharField(
        _("found through"), max_length=20, choices=NonconformitySource.choices
    )
    incident = models.ForeignKey(
        "audits.Incident",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="nonconformities",
        verbose_name=_("incident"),
    )
    ai_systems = models.ManyToManyField(
        "inventory.AISystem",
        related_name="nonconformities",
        blank=True,
        verbose_name=_("AI systems"),
    )
    found_on = models.DateField(_("found on"), default=timezone.localdate)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("owner"),
    )
    correction = models.TextField(
        _("correction"), blank=True, help_text=_("What was done at once to contain it.")
    )
    root_cause = models.TextField(
        _("root cause"), blank=True, help_text=_("Why it happened, found by analysis.")
    )
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=NonconformityStatus.choices,
        default="open",
        editable=False,
    )
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
        verbose_name=_("effectiveness checked by"),
    )
    verified_on = models.DateField(
        _("effectiveness checked on"), null=True, blank=True, editable=False
    )
    effectiveness = models.CharField(
        _("effectiveness"), max_length=14, choices=Effectiveness.choices, blank=True, editable=False
    )
    verification_notes = models.TextField(_("what the check found"), blank=True, editable=False)
    closed_on = models.DateField(_("closed on"), null=True, blank=True, editable=False)

    access: ClassVar[AccessPolicy] = AccessPolicy(
        owner_paths=("owner",),
        user_purposes={"owner": UserPurpose.OWNER},
        engagement=EngagementScope(
            systems=("ai_systems",),
            clauses=("requirement",),
            controls=("requirement__implementations",),
            clause_refs=("10.2",),
        ),
    )

    class Meta:
        ordering = ("-found_on", "-number")
        verbose_name = _("nonconformity")
        verbose_name_plural = _("nonconformities")
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "number"], name="nonconformity_number_unique"
            ),
            models.CheckConstraint(
                condition=Q(severity__in=NonconformitySeverity.values),
                name="nonconformity_severity_valid",
            ),
            models.CheckConstraint(
                condition=Q(source__in=NonconformitySource.values),
                name="nonconformity_source_valid",
            ),
            models.CheckConstraint(
                condition=Q(status__in=NonconformityStatus.values),
                name="nonconformity_status_valid",
            ),
            # Closed means checked and found effective.
            models.CheckConstraint(
                condition=~Q(status="closed")
                | (Q(effectiveness="effective") & Q(closed_on__isnull=False) & ~Q(root_cause="")),
                name="nonconformity_closed_when_effective",
            ),
        ]
        indexes = [models.Index(fields=["organization", "status"], name="nc_org_status")]

    def __str__(self) -> str:
        return f"{self.reference} {self.title}"

    @property
    def reference(self) -> str:
        return nonconformity_reference(self.number)

    def get_absolute_url(self) -> str:
        return reverse(
            "audits:nonconformity_detail", kwargs={"org": self.organization.slug, "pk": self.pk}
        )

    def clean(self) -> None:
        errors: dict[str, Any] = {}
        if self.found_on and self.found_on > timezone.localdate() + datetime.timedelta(days=1):
            errors["found_on"] = _("This lies in the future.")
        if self.incident_id and self.incident.organization_id != self.organization_id:
            errors["incident"] = _("Choose an incident of this organisation.")
        if self.source == NonconformitySource.INCIDENT and not self.incident_id:
            errors["incident"] = _("Name the incident it was found through.")
        if self.status == NonconformityStatus.CLOSED and not self.root_cause.strip():
            errors["root_cause"] = _("A closed nonconformity keeps its root cause.")
        if errors:
            raise ValidationError(errors)

    def stage_from_actions(self) -> str:
        """Where a nonconformity that is not closed stands, from its corrective actions:
        none yet (open), some still open (actions under way), all finished with at least
        one done (checking effectiveness)."""
        statuses = list(self.actions.values_list("status", flat=True))
        if not statuses or all(s == CorrectiveActionStatus.CANCELLED for s in statuses):
            return NonconformityStatus.OPEN
        if any(s in OPEN_ACTION_STATUSES for s in statuses):
            return NonconformityStatus.ACTION
        return NonconformityStatus.VERIFYING

    def refresh_status(self) -> None:
        """Keep the status in step with the actions (a closed one stays closed)."""
        if self.status == NonconformityStatus.CLOSED:
            return
        stage = self.stage_from_actions()
        if stage != self.status:
            self.status = stage
            self.save(update_fields=["status"])


class CorrectiveActionStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    IN_PROGRESS = "in_progress", _("In progress")
    DONE = "done", _("Done")
    CANCELLED = "cancelled", _("Cancelled")


OPEN_ACTION_STATUSES = (CorrectiveActionStatus.PLANNED, CorrectiveActionStatus.IN_PROGRESS)


class CorrectiveAction(TrackedModel):
    """What is done so a nonconformity does not happen again, with its owner and due date."""

    nonconformity = models.ForeignKey(
        Nonconformity, on_delete=models.CASCADE, related_name="actions"
    )
    description = models.TextField(_("action"))
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
        _("status"), max_length=12, choices=CorrectiveActionStatus.choices, default="planned"
    )
    completed_on = models.DateField(_("completed on"), null=True, blank=True)
    notes = models.TextField(_("notes"), blank=True)

    access: ClassVar[AccessPolicy] = AccessPolicy(
        org_path="nonconformity__organization",
        owner_paths=("owner", "nonconformity__owner"),
        parent_path="nonconformity",
        user_purposes={"owner": UserPurpose.OWNER},
        engagement=EngagementScope(
            systems=("nonconformity__ai_systems",),
            clauses=("nonconformity__requirement",),
            controls=("nonconformity__requirement__implementations",),
            clause_refs=("10.2",),
        ),
    )

    class Meta:
        ordering = ("nonconformity", "due_date", "pk")
        verbose_name = _("corrective action")
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=CorrectiveActionStatus.values),
                name="corrective_action_status_valid",
            ),
            models.CheckConstraint(
                condition=~Q(status="done") | Q(completed_on__isnull=False),
                name="corrective_action_done_has_date",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "due_date"], name="corrective_action_due"),
        ]

    def __str__(self) -> str:
        return f"{self.nonconformity.reference}: {shorten(self.description, 60)}"

    def get_absolute_url(self) -> str:
        return self.nonconformity.get_absolute_url()

    @property
    def is_overdue(self) -> bool:
        return bool(
            self.status in OPEN_ACTION_STATUSES
            and self.due_date
            and self.due_date < timezone.localdate()
        )

    def save(self, *args: Any, **kwargs: Any) -> None:
        # The nonconformity's status follows its actions (an invariant, not a workflow).
        with transaction.atomic(using=kwargs.get("using")):
            super().save(*args, **kwargs)
            Nonconformity.objects.select_for_update().get(pk=self.nonconformity_id).refresh_status()

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        with transaction.atomic(using=kwargs.get("using")):
            result = super().delete(*args, **kwargs)
            parent = (
                Nonconformity.objects.select_for_update().filter(pk=self.nonconformity_id).first()
            )
            if parent is not None:
                parent.refresh_status()
            return result

    def clean(self) -> None:
        if self.nonconformity_id and self.nonconformity.status == NonconformityStatus.CLOSED:
            raise ValidationError(
                _("The nonconformity is closed: its actions no longer change. Reopen it first.")
            )
        if self.status == CorrectiveActionStatus.DONE and self.completed_on is None:
            raise ValidationError({"completed_on": _("Say when it was done.")})
        if self.completed_on and self.completed_on > timezone.localdate() + datetime.timedelta(
            days=1
        ):
            raise ValidationError({"completed_on": _("This lies in the future.")})


__all__ = [
    "OPEN_ACTION_STATUSES",
    "CorrectiveAction",
    "CorrectiveActionStatus",
    "Effectiveness",
    "Nonconformity",
    "NonconformitySeverity",
    "NonconformitySource",
    "NonconformityStatus",
    "nonconformity_reference",
]
