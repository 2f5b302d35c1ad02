"""AIMS processes (4.4), AIMS roles with their RACI (5.3, A.3.2) and competence (7.2, A.4.6).

- ``AIMSProcess``: a register of the processes the AIMS runs, who owns each, what goes in
  and out, which other processes it works with and which kinds of record it produces.
- ``AIMSRole``: a role of the AIMS, its responsibilities and authorities, whom it reports
  to and the people who hold it.
- ``RACIAssignment``: one cell of the processes × roles matrix (R, A, C or I); a process
  has at most one Accountable role (a database constraint), and the readiness rules flag a
  process with none.
- ``CompetenceRequirement``: what the holders of a role must know or be able to do, and
  how often it must be renewed.
- ``TrainingRecord``: one person's training, qualification or experience, with its dates,
  evidence and the requirements it meets. A contributor keeps their own.
"""

from __future__ import annotations

import datetime
from typing import ClassVar

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
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

# --- Record types a process produces --------------------------------------------------------
# A small declared list (no import of the apps that keep them): the key is stored, the label
# is shown and the URL name, when the page exists, links to the register.


class RecordType(models.TextChoices):
    SCOPE = "scope", _("AIMS scope statement")
    POLICIES = "policies", _("Policies and procedures")
    OBJECTIVES = "objectives", _("AI objectives and KPI measurements")
    ROLES = "roles", _("Roles and responsibilities")
    TRAINING = "training", _("Training and qualification records")
    AI_SYSTEMS = "ai_systems", _("AI system inventory")
    RISK_CRITERIA = "risk_criteria", _("Risk criteria")
    RISK_REGISTER = "risk_register", _("Risk register and treatment plans")
    RISK_ASSESSMENTS = "risk_assessments", _("Risk assessments")
    IMPACT_ASSESSMENTS = "impact_assessments", _("AI system impact assessments")
    AI_ACT = "ai_act", _("EU AI Act classifications")
    SOA = "soa", _("Statement of Applicability")
    EVIDENCE = "evidence", _("Evidence")
    AUDITS = "audits", _("Internal audit reports and findings")
    MANAGEMENT_REVIEWS = "management_reviews", _("Management review minutes")
    NONCONFORMITIES = "nonconformities", _("Nonconformities and corrective actions")
    INCIDENTS = "incidents", _("AI incidents")
    ENGAGEMENTS = "engagements", _("Auditor engagements")


# The page of each record type (URL names only: a name is not an import). A page not built
# yet resolves to no link.
RECORD_TYPE_URLS: dict[str, str] = {
    RecordType.SCOPE: "organizations:scope",
    RecordType.POLICIES: "policies:document_list",
    RecordType.OBJECTIVES: "policies:objective_list",
    RecordType.ROLES: "policies:role_list",
    RecordType.TRAINING: "policies:training_list",
    RecordType.AI_SYSTEMS: "inventory:aisystem_list",
    RecordType.RISK_CRITERIA: "risks:criteria",
    RecordType.RISK_REGISTER: "risks:risk_list",
    RecordType.RISK_ASSESSMENTS: "risks:assessment_list",
    RecordType.IMPACT_ASSESSMENTS: "impact_assessments:assessment_list",
    RecordType.AI_ACT: "impact_assessments:classification_list",
    RecordType.SOA: "controls:soa",
    RecordType.EVIDENCE: "evidence:evidence_list",
    RecordType.AUDITS: "audits:audit_list",
    RecordType.MANAGEMENT_REVIEWS: "audits:review_list",
    RecordType.NONCONFORMITIES: "audits:nonconformity_list",
    RecordType.INCIDENTS: "audits:incident_list",
    RecordType.ENGAGEMENTS: "engagements:engagement_list",
}


class AIMSProcess(OrganizationScopedModel):
    """One process of the AIMS (4.4): what it is for, who owns it, what it takes and gives,
    the processes it works with and the records it leaves behind."""

    name = models.CharField(_("name"), max_length=200)
    purpose = models.TextField(
        _("purpose"), help_text=_("What the process is for and what it achieves, in a few lines.")
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("owner"),
        help_text=_("The person who answers for the process running as described."),
    )
    inputs = models.TextField(
        _("inputs"), blank=True, help_text=_("What the process starts from or needs.")
    )
    outputs = models.TextField(
        _("outputs"), blank=True, help_text=_("What the process delivers, and to whom.")
    )
    interacts_with = models.ManyToManyField(
        "self",
        symmetrical=False,
        blank=True,
        related_name="interacting_processes",
        verbose_name=_("works with"),
        help_text=_("The other processes it hands work to or takes work from."),
    )
    record_types = models.JSONField(
        _("records it produces"),
        default=list,
        blank=True,
        help_text=_("The kinds of record the platform keeps that this process writes."),
    )
    clauses = models.ManyToManyField(
        "controls.Requirement",
        blank=True,
        related_name="aims_processes",
        limit_choices_to={"kind": "clause"},
        verbose_name=_("related clauses"),
    )

    access: ClassVar[AccessPolicy] = AccessPolicy(
        owner_paths=("owner",),
        roles={
            Action.VIEW: READ_ROLES,
            Action.ADD: EDIT_ROLES,
            Action.CHANGE: EDIT_ROLES,
            Action.DELETE: EDIT_ROLES,
        },
        # The process register frames every audit: each engagement reads it.
        engagement=EngagementScope(always=True),
    )

    class Meta:
        ordering = ("name", "pk")
        verbose_name = _("AIMS process")
        verbose_name_plural = _("AIMS processes")
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "name"],
                name="aims_process_name_unique",
                violation_error_message=_("A process of this name is already recorded."),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse(
            "policies:process_detail", kwargs={"org": self.organization.slug, "pk": self.pk}
        )

    def clean(self) -> None:
        super().clean()
        values = self.record_types
        if not isinstance(values, list) or any(v not in RecordType.values for v in values):
            raise ValidationError({"record_types": _("Choose the kinds of record from the list.")})
        self.record_types = sorted(set(values), key=RecordType.values.index)

    def get_record_types_display(self) -> list[str]:
        labels = dict(RecordType.choices)
        return [str(labels[v]) for v in self.record_types or [] if v in labels]


class AIMSRole(OrganizationScopedModel):
    """A role of the AIMS (5.3, A.3.2) with what its holders answer for and may decide."""

    name = models.CharField(_("name"), max_length=200)
    responsibilities = models.TextField(
        _("responsibilities"), help_text=_("What the holders of the role are expected to do.")
    )
    authorities = models.TextField(
        _("authorities"),
        blank=True,
        help_text=_("What they may decide or approve on their own, and what they may stop."),
    )
    reports_to = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="reporting_roles",
        verbose_name=_("reports to"),
    )
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="aims_roles",
        verbose_name=_("people in the role"),
    )

    access: ClassVar[AccessPolicy] = AccessPolicy(
        roles={
            Action.VIEW: READ_ROLES,
            Action.ADD: EDIT_ROLES,
            Action.CHANGE: EDIT_ROLES,
            Action.DELETE: EDIT_ROLES,
        },
        user_purposes={"members": UserPurpose.OWNER},
        engagement=EngagementScope(always=True),
    )

    class Meta:
        ordering = ("name", "pk")
        verbose_name = _("AIMS role")
        verbose_name_plural = _("AIMS roles")
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "name"],
                name="aims_role_name_unique",
                violation_error_message=_("A role of this name is already recorded."),
            ),
            models.CheckConstraint(
                condition=~Q(reports_to=models.F("pk")),
                name="aims_role_not_reporting_to_itself",
                violation_error_message=_("A role cannot report to itself."),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse(
            "policies:role_detail", kwargs={"org": self.organization.slug, "pk": self.pk}
        )

    def clean(self) -> None:
        super().clean()
        if self.reports_to_id is None:
            return
        if self.reports_to.organization_id != self.organization_id:
            raise ValidationError({"reports_to": _("Choose a role of the same organisation.")})
        # Walk up the chain: a role may not end up reporting to itself.
        seen: set[int] = set()
        current = self.reports_to
        while current is not None:
            if self.pk is not None and current.pk == self.pk:
                raise ValidationError(
                    {"reports_to": _("This would make the role report to itself in a circle.")}
                )
            if current.pk in seen:
                break
            seen.add(current.pk)
            current = current.reports_to


class RACI(models.TextChoices):
    RESPONSIBLE = "R", _("Responsible")
    ACCOUNTABLE = "A", _("Accountable")
    CONSULTED = "C", _("Consulted")
    INFORMED = "I", _("Informed")


class RACIAssignment(OrganizationScopedModel):
    """One cell of the RACI matrix: what a role does in a process."""

    process = models.ForeignKey(
        AIMSProcess,
        on_delete=models.CASCADE,
        related_name="raci",
        verbose_name=_("process"),
    )
    role = models.ForeignKey(
        AIMSRole, on_delete=models.CASCADE, related_name="raci", verbose_name=_("role")
    )
    responsibility = models.CharField(_("responsibility"), max_length=1, choices=RACI.choices)

    access: ClassVar[AccessPolicy] = AccessPolicy(
        roles={
            Action.VIEW: READ_ROLES,
            Action.ADD: EDIT_ROLES,
            Action.CHANGE: EDIT_ROLES,
            Action.DELETE: EDIT_ROLES,
        },
        engagement=EngagementScope(always=True),
    )

    class Meta:
        ordering = ("process__name", "role__name", "pk")
        verbose_name = _("RACI assignment")
        verbose_name_plural = _("RACI assignments")
        constraints = [
            models.UniqueConstraint(
                fields=["process", "role"],
                name="raci_one_cell_per_process_and_role",
                violation_error_message=_("This role already has a letter in this process."),
            ),
            models.UniqueConstraint(
                fields=["process"],
                condition=Q(responsibility="A"),
                name="raci_one_accountable_per_process",
                violation_error_message=_(
                    "This process already has an accountable role; a process has exactly one."
                ),
            ),
            models.CheckConstraint(
                condition=Q(responsibility__in=["R", "A", "C", "I"]),
                name="raci_responsibility_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.process}: {self.role} ({self.responsibility})"

    def get_absolute_url(self) -> str:
        return reverse("policies:raci", kwargs={"org": self.organization.slug})

    def clean(self) -> None:
        super().clean()
        errors = {}
        if self.process_id and self.process.organization_id != self.organization_id:
            errors["process"] = _("Choose a process of the same organisation.")
        if self.role_id and self.role.organization_id != self.organization_id:
            errors["role"] = _("Choose a role of the same organisation.")
        if errors:
            raise ValidationError(errors)


class CompetenceRequirement(OrganizationScopedModel):
    """What the holders of a role must know or be able to do (7.2, A.4.6)."""

    role = models.ForeignKey(
        AIMSRole,
        on_delete=models.CASCADE,
        related_name="competence_requirements",
        verbose_name=_("role"),
    )
    title = models.CharField(
        _("competence"), max_length=200, help_text=_("What is needed, in a few words.")
    )
    rationale = models.TextField(
        _("why it is needed"),
        blank=True,
        help_text=_("What the role could not do safely without it."),
    )
    renewal_months = models.PositiveSmallIntegerField(
        _("renew every (months)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(120)],
        help_text=_(
            "Leave empty when it never needs renewing. A record older than this no longer counts."
        ),
    )

    access: ClassVar[AccessPolicy] = AccessPolicy(
        roles={
            Action.VIEW: READ_ROLES,
            Action.ADD: EDIT_ROLES,
            Action.CHANGE: EDIT_ROLES,
            Action.DELETE: EDIT_ROLES,
        },
        engagement=EngagementScope(clause_refs=("7.2",)),
    )

    class Meta:
        ordering = ("role__name", "title", "pk")
        verbose_name = _("competence requirement")
        verbose_name_plural = _("competence requirements")
        constraints = [
            models.UniqueConstraint(
                fields=["role", "title"],
                name="competence_requirement_unique_per_role",
                violation_error_message=_("This role already has a requirement of this name."),
            ),
            models.CheckConstraint(
                condition=Q(renewal_months__isnull=True)
                | Q(renewal_months__gte=1, renewal_months__lte=120),
                name="competence_requirement_renewal_range",
                violation_error_message=_("Renewal is between 1 and 120 months."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.role}: {self.title}"

    def get_absolute_url(self) -> str:
        return reverse(
            "policies:requirement_detail", kwargs={"org": self.organization.slug, "pk": self.pk}
        )

    def clean(self) -> None:
        super().clean()
        if self.role_id and self.role.organization_id != self.organization_id:
            raise ValidationError({"role": _("Choose a role of the same organisation.")})


class RecordKind(models.TextChoices):
    TRAINING = "training", _("Training")
    QUALIFICATION = "qualification", _("Qualification")
    EXPERIENCE = "experience", _("Experience")


def months_after(day: datetime.date, months: int) -> datetime.date:
    """The same day ``months`` later (the month's last day when it is shorter)."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    for candidate in range(day.day, 0, -1):
        try:
            return datetime.date(year, month + 1, candidate)
        except ValueError:
            continue
    raise AssertionError("unreachable")  # pragma: no cover


class TrainingRecord(OrganizationScopedModel):
    """One person's training, qualification or experience (7.2): the evidence of competence."""

    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="training_records",
        verbose_name=_("person"),
    )
    title = models.CharField(_("title"), max_length=250)
    kind = models.CharField(
        _("kind"), max_length=16, choices=RecordKind.choices, default=RecordKind.TRAINING
    )
    provider = models.CharField(
        _("provider"), max_length=200, blank=True, help_text=_("Who gave it or attests it.")
    )
    completed_on = models.DateField(_("completed on"))
    expires_on = models.DateField(
        _("expires on"),
        null=True,
        blank=True,
        help_text=_("Leave empty when it does not expire."),
        db_index=True,
    )
    evidence = models.ForeignKey(
        "evidence.EvidenceItem",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("evidence"),
        help_text=_("A certificate, attendance list or appraisal kept under Evidence."),
    )
    meets = models.ManyToManyField(
        CompetenceRequirement,
        blank=True,
        related_name="training_records",
        verbose_name=_("requirements it meets"),
    )
    notes = models.TextField(_("notes"), blank=True)

    access: ClassVar[AccessPolicy] = AccessPolicy(
        # A contributor keeps their own records (adding one for someone else is refused by
        # ``training_record_check_person``).
        owner_paths=("person",),
        engagement=EngagementScope(clause_refs=("7.2",)),
    )

    class Meta:
        ordering = ("-completed_on", "pk")
        verbose_name = _("training record")
        verbose_name_plural = _("training records")
        constraints = [
            models.CheckConstraint(
                condition=Q(expires_on__isnull=True) | Q(expires_on__gte=models.F("completed_on")),
                name="training_record_expires_after_completion",
                violation_error_message=_("It cannot expire before it was completed."),
            ),
            models.CheckConstraint(
                condition=Q(kind__in=["training", "qualification", "experience"]),
                name="training_record_kind_valid",
            ),
        ]
        indexes = [models.Index(fields=["organization", "person"], name="training_org_person")]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse(
            "policies:training_detail", kwargs={"org": self.organization.slug, "pk": self.pk}
        )

    def clean(self) -> None:
        super().clean()
        errors = {}
        if self.completed_on and self.completed_on > timezone.localdate():
            errors["completed_on"] = _("A completion date cannot be in the future.")
        if self.expires_on and self.completed_on and self.expires_on < self.completed_on:
            errors["expires_on"] = _("It cannot expire before it was completed.")
        if self.evidence_id and self.evidence.organization_id != self.organization_id:
            errors["evidence"] = _("Choose evidence of the same organisation.")
        if errors:
            raise ValidationError(errors)

    @property
    def is_expired(self) -> bool:
        return self.expires_on is not None and self.expires_on < timezone.localdate()
