"""AI incidents (A.8.4).

An incident records what went wrong with one or more AI systems, whom it touched, how it
was contained and who was told. Where the EU AI Act's serious-incident duty applies
(Art. 73), the reporting deadline follows from when the organisation became aware of it.
"""

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

from aims.core.models import OrganizationScopedModel, TrackedModel
from aims.core.permissions import (
    EDIT_ROLES,
    READ_ROLES,
    AccessPolicy,
    Action,
    EngagementScope,
    UserPurpose,
)
from aims.core.transactions import NumberedPerOrganization


class IncidentSeverity(models.TextChoices):
    LOW = "low", _("Low")
    MEDIUM = "medium", _("Medium")
    HIGH = "high", _("High")
    CRITICAL = "critical", _("Critical")


class IncidentStatus(models.TextChoices):
    OPEN = "open", _("Open")
    CONTAINED = "contained", _("Contained")
    RESOLVED = "resolved", _("Resolved")
    CLOSED = "closed", _("Closed")


class SeriousIncident(models.TextChoices):
    """The EU AI Act's serious-incident cases (Art. 73), each with its reporting period."""

    GENERAL = "general", _("Serious incident (report within 15 days)")
    WIDESPREAD = (
        "widespread",
        _("Widespread infringement or serious disruption of critical infrastructure (2 days)"),
    )
    DEATH = "death", _("Death of a person (10 days)")


# Calendar days from awareness to the report: weekends and holidays count.
REPORT_DAYS: dict[str, int] = {
    SeriousIncident.GENERAL: 15,
    SeriousIncident.WIDESPREAD: 2,
    SeriousIncident.DEATH: 10,
}
# Severities that call the affected systems' impact assessments into question.
REASSESS_SEVERITIES = (IncidentSeverity.HIGH, IncidentSeverity.CRITICAL)


def incident_reference(number: int | None) -> str:
    return f"INC-{number:03d}" if number else "INC-?"


def report_deadline(kind: str, aware_at: datetime.datetime | None) -> datetime.datetime | None:
    """When the report to the market surveillance authority is due: ``aware_at`` plus the
    case's calendar days (the same moment of the day, whatever the time zone shows)."""
    if not kind or aware_at is None:
        return None
    return aware_at + datetime.timedelta(days=REPORT_DAYS[kind])


class Incident(NumberedPerOrganization, OrganizationScopedModel):
    number = models.PositiveIntegerField(_("number"), editable=False)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("what happened"))
    severity = models.CharField(
        _("severity"), max_length=10, choices=IncidentSeverity.choices, default="medium"
    )
    status = models.CharField(
        _("status"), max_length=10, choices=IncidentStatus.choices, default="open"
    )
    ai_systems = models.ManyToManyField(
        "inventory.AISystem",
        related_name="incidents",
        blank=True,
        verbose_name=_("AI systems affected"),
    )
    affected_people = models.TextField(
        _("people affected"), blank=True, help_text=_("Who was affected, and how.")
    )
    affected_count = models.PositiveIntegerField(
        _("number of people affected"), null=True, blank=True, help_text=_("An estimate will do.")
    )
    occurred_at = models.DateTimeField(_("occurred"), null=True, blank=True)
    detected_at = models.DateTimeField(_("detected"), default=timezone.now)
    containment = models.TextField(
        _("containment"), blank=True, help_text=_("What was done to stop or limit the harm.")
    )
    resolution = models.TextField(
        _("resolution and lessons"), blank=True, help_text=_("How it was resolved; what changes.")
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("owner"),
    )
    risks = models.ManyToManyField(
        "risks.Risk", related_name="incidents", blank=True, verbose_name=_("risks")
    )
    serious_incident = models.CharField(
        _("EU AI Act serious incident"),
        max_length=12,
        choices=SeriousIncident.choices,
        blank=True,
        help_text=_("Leave empty when the Art. 73 reporting duty does not apply."),
    )
    aware_at = models.DateTimeField(
        _("became aware it is serious"),
        null=True,
        blank=True,
        help_text=_("The reporting period runs from this moment. Empty: from detection."),
    )
    reported_at = models.DateTimeField(_("reported to the authority"), null=True, blank=True)
    report_reference = models.CharField(_("report reference"), max_length=120, blank=True)
    # The concern (A.3.3, A.8.3) through which the incident came to light, if one did: the
    # link is declared here, on the higher app; a concern learns of it through
    # ``policies.follow_ons``.
    reported_through = models.ForeignKey(
        "policies.Concern",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="incidents",
        verbose_name=_("reported through concern"),
        help_text=_("The concern through which the organisation learnt of the incident."),
    )

    access: ClassVar[AccessPolicy] = AccessPolicy(
        owner_paths=("owner",),
        user_purposes={"owner": UserPurpose.OWNER},
        engagement=EngagementScope(systems=("ai_systems",), clause_refs=("10.2",)),
    )

    class Meta:
        ordering = ("-detected_at", "-number")
        verbose_name = _("AI incident")
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "number"], name="incident_number_unique"
            ),
            models.CheckConstraint(
                condition=Q(severity__in=IncidentSeverity.values), name="incident_severity_valid"
            ),
            models.CheckConstraint(
                condition=Q(status__in=IncidentStatus.values), name="incident_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(serious_incident="") | Q(serious_incident__in=SeriousIncident.values),
                name="incident_serious_kind_valid",
            ),
            models.CheckConstraint(
                condition=Q(occurred_at__isnull=True) | Q(occurred_at__lte=models.F("detected_at")),
                name="incident_occurred_before_detected",
            ),
            models.CheckConstraint(
                condition=Q(reported_at__isnull=True) | ~Q(serious_incident=""),
                name="incident_report_only_when_serious",
            ),
        ]
        indexes = [
            models.Index(fields=["organization", "status"], name="incident_org_status"),
        ]

    def __str__(self) -> str:
        return f"{self.reference} {self.title}"

    @property
    def reference(self) -> str:
        return incident_reference(self.number)

    def get_absolute_url(self) -> str:
        return reverse(
            "audits:incident_detail", kwargs={"org": self.organization.slug, "pk": self.pk}
        )

    @property
    def report_due(self) -> datetime.datetime | None:
        return report_deadline(self.serious_incident, self.aware_at or self.detected_at)

    def report_state(self, now: datetime.datetime | None = None) -> str:
        """ "" (no duty), "reported", "overdue" or "due"."""
        if not self.serious_incident:
            return ""
        if self.reported_at is not None:
            return "reported" if self.reported_at <= self.report_due else "reported_late"
        return "overdue" if (now or timezone.now()) > self.report_due else "due"

    def days_left(self, now: datetime.datetime | None = None) -> float | None:
        """Days (with a fraction) until the report is due; negative once overdue."""
        due = self.report_due
        if due is None or self.reported_at is not None:
            return None
        return (due - (now or timezone.now())).total_seconds() / 86400

    def clean(self) -> None:
        errors: dict[str, Any] = {}
        now = timezone.now() + datetime.timedelta(minutes=5)  # clock skew
        for name in ("occurred_at", "detected_at", "aware_at", "reported_at"):
            value = getattr(self, name)
            if value is not None and value > now:
                errors[name] = _("This lies in the future.")
        if self.occurred_at and self.detected_at and self.occurred_at > self.detected_at:
            errors["occurred_at"] = _("An incident cannot occur after it was detected.")
        if self.aware_at and self.detected_at and self.aware_at < self.detected_at:
            errors["aware_at"] = _("Awareness that it is serious cannot precede its detection.")
        if self.reported_at and not self.serious_incident:
            errors["reported_at"] = _(
                "Only a serious incident under the EU AI Act is reported to the authority: "
                "choose the case first."
            )
        if self.reported_at and self.detected_at and self.reported_at < self.detected_at:
            errors["reported_at"] = _("It cannot be reported before it was detected.")
        if (
            self.reported_through_id is not None
            and self.reported_through.organization_id != self.organization_id
        ):
            errors["reported_through"] = _("Choose a concern of this organisation.")
        if self.status == IncidentStatus.CLOSED and not self.resolution.strip():
            errors["resolution"] = _("Say how it was resolved before closing it.")
        if (
            self.status == IncidentStatus.CLOSED
            and self.serious_incident
            and self.reported_at is None
        ):
            errors["status"] = _("A serious incident is closed only once it has been reported.")
        if errors:
            raise ValidationError(errors)


class CommunicationStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    DONE = "done", _("Done")


class IncidentCommunication(TrackedModel):
    """Who is told what about an incident: planned, then logged when done (A.8.4)."""

    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="communications")
    audience = models.CharField(
        _("to whom"), max_length=200, help_text=_("Affected people, customers, the authority…")
    )
    channel = models.CharField(_("how"), max_length=120, blank=True)
    message = models.TextField(_("what"))
    status = models.CharField(
        _("status"), max_length=8, choices=CommunicationStatus.choices, default="planned"
    )
    due_on = models.DateField(_("planned for"), null=True, blank=True)
    sent_at = models.DateTimeField(_("done"), null=True, blank=True)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("done by"),
    )

    access: ClassVar[AccessPolicy] = AccessPolicy(
        org_path="incident__organization",
        owner_paths=("incident__owner",),
        parent_path="incident",
        user_purposes={"sent_by": UserPurpose.PARTICIPANT},
        roles={
            Action.VIEW: READ_ROLES,
            Action.ADD: EDIT_ROLES,
            Action.CHANGE: EDIT_ROLES,
            Action.DELETE: EDIT_ROLES,
        },
        engagement=EngagementScope(systems=("incident__ai_systems",), clause_refs=("10.2",)),
    )

    class Meta:
        ordering = ("incident", "status", "due_on", "pk")
        verbose_name = _("incident communication")
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=CommunicationStatus.values),
                name="incident_communication_status_valid",
            ),
            models.CheckConstraint(
                condition=~Q(status="done") | Q(sent_at__isnull=False),
                name="incident_communication_done_has_time",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.incident.reference}: {self.audience}"

    def get_absolute_url(self) -> str:
        return self.incident.get_absolute_url()

    def clean(self) -> None:
        if self.status == CommunicationStatus.DONE and self.sent_at is None:
            raise ValidationError({"sent_at": _("Say when it was done.")})
        if self.sent_at and self.sent_at > timezone.now() + datetime.timedelta(minutes=5):
            raise ValidationError({"sent_at": _("This lies in the future.")})


__all__ = [
    "REASSESS_SEVERITIES",
    "REPORT_DAYS",
    "CommunicationStatus",
    "Incident",
    "IncidentCommunication",
    "IncidentSeverity",
    "IncidentStatus",
    "SeriousIncident",
    "incident_reference",
    "report_deadline",
]
