"""Internal audit (9.2): the audit programme, its audits, their checklists and reports.

A programme spans a period (typically three years) and plans audits across it. Each audit
names its scope (clauses, Annex A controls, AI systems), its criteria and objectives, its
auditors (who must not audit their own area) and its dates, and moves planned → in
progress → reported → closed. Its checklist has one line per clause in scope and one per
control of the approved Statement of Applicability in scope; a line found to be a major or
minor nonconformity raises a ``Nonconformity``. The report is a controlled document that
freezes the results when it is approved.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import Any, ClassVar

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from aims.core.documents import (
    FROZEN_STATUSES,
    ControlledVersion,
    DocumentStatus,
    controlled_version_constraints,
    record_identity,
)
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
from aims.inventory.models import AISystem
from controls.models import ClauseStatus, ControlImplementation

AUDIT_CLAUSE_REFS = ("9.2.1", "9.2.2")
# Everything in scope of the AIMS is audited at least once in this many years.
COVERAGE_YEARS = 3
MAX_PROGRAMME_YEARS = 5
# Officers and administrators plan audits; a contributor changes what they own or lead.
PLANNER_ROLES = {
    Action.VIEW: READ_ROLES,
    Action.ADD: EDIT_ROLES,
    Action.CHANGE: EDIT_ROLES,
    Action.DELETE: EDIT_ROLES,
    Action.APPROVE: EDIT_ROLES,
}


def years_after(day: datetime.date, years: int) -> datetime.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


class AuditProgramme(OrganizationScopedModel):
    """The plan of internal audits over a period (9.2.2)."""

    title = models.CharField(_("title"), max_length=200)
    period_start = models.DateField(_("period from"))
    period_end = models.DateField(_("period until"))
    objectives = models.TextField(
        _("objectives"),
        blank=True,
        help_text=_("What the programme sets out to achieve over its period."),
    )
    approach = models.TextField(
        _("frequency, methods and reporting"),
        blank=True,
        help_text=_(
            "How often areas are audited and why, how audits are carried out and to whom "
            "their results are reported."
        ),
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("owner"),
        help_text=_("Who manages the programme."),
    )

    access: ClassVar[AccessPolicy] = AccessPolicy(
        owner_paths=("owner",),
        roles=PLANNER_ROLES,
        user_purposes={"owner": UserPurpose.OWNER},
        engagement=EngagementScope(clause_refs=AUDIT_CLAUSE_REFS),
    )

    class Meta:
        ordering = ("-period_start", "pk")
        verbose_name = _("audit programme")
        verbose_name_plural = _("audit programmes")
        constraints = [
            models.CheckConstraint(
                condition=Q(period_end__gt=models.F("period_start")),
                name="auditprogramme_period_ordered",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse(
            "audits:programme_detail", kwargs={"org": self.organization.slug, "pk": self.pk}
        )

    def clean(self) -> None:
        super().clean()
        if self.period_start and self.period_end:
            if self.period_end <= self.period_start:
                raise ValidationError({"period_end": _("The period ends after it starts.")})
            if self.period_end > years_after(self.period_start, MAX_PROGRAMME_YEARS):
                raise ValidationError(
                    {
                        "period_end": _("A programme spans at most %(n)s years.")
                        % {"n": MAX_PROGRAMME_YEARS}
                    }
                )

    def covers(self, day: datetime.date) -> bool:
        return self.period_start <= day <= self.period_end


class AuditStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    IN_PROGRESS = "in_progress", _("In progress")
    REPORTED = "reported", _("Reported")
    CLOSED = "closed", _("Closed")


HELD_STATUSES = (AuditStatus.REPORTED, AuditStatus.CLOSED)
# Once reported, what the audit covered and who audited it stay as they were.
SCOPE_FIELDS = ("clauses", "controls", "ai_systems", "auditors", "lead_auditor")


def audit_reference(number: int | None) -> str:
    return f"AUD-{number:03d}" if number else "AUD-?"


class Audit(NumberedPerOrganization, OrganizationScopedModel):
    """One internal audit of the programme: its scope, criteria, auditors, dates and plan."""

    programme = models.ForeignKey(
        AuditProgramme,
        on_delete=models.PROTECT,
        related_name="audits",
        verbose_name=_("programme"),
    )
    number = models.PositiveIntegerField(_("number"), editable=False)
    title = models.CharField(_("title"), max_length=200)
    clauses = models.ManyToManyField(
        "controls.Requirement",
        related_name="audits_as_clause",
        blank=True,
        limit_choices_to={"kind": "clause", "assessable": True},
        verbose_name=_("clauses"),
        help_text=_("The clauses of the standard this audit examines."),
    )
    controls = models.ManyToManyField(
        "controls.Requirement",
        related_name="audits_as_control",
        blank=True,
        limit_choices_to={"kind": "control"},
        verbose_name=_("Annex A controls"),
        help_text=_(
            "The controls it examines; the checklist takes them from the approved Statement "
            "of Applicability."
        ),
    )
    ai_systems = models.ManyToManyField(
        "inventory.AISystem",
        related_name="internal_audits",
        blank=True,
        verbose_name=_("AI systems"),
    )
    criteria = models.TextField(
        _("criteria"),
        blank=True,
        help_text=_("What the findings are measured against: the standard, policies, procedures."),
    )
    objectives = models.TextField(_("objectives"), blank=True)
    auditors = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        related_name="+",
        blank=True,
        verbose_name=_("auditors"),
        help_text=_("Nobody audits their own area: an auditor owns nothing in the scope."),
    )
    lead_auditor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("lead auditor"),
    )
    planned_start = models.DateField(_("planned from"), db_index=True)
    planned_end = models.DateField(_("planned until"))
    actual_start = models.DateField(_("held from"), null=True, blank=True)
    actual_end = models.DateField(_("held until"), null=True, blank=True)
    status = models.CharField(
        _("status"),
        max_length=12,
        choices=AuditStatus.choices,
        default=AuditStatus.PLANNED,
        editable=False,
    )
    plan = models.TextField(
        _("audit plan"),
        blank=True,
        help_text=_("Who is interviewed when, which records are sampled, the closing meeting."),
    )

    access: ClassVar[AccessPolicy] = AccessPolicy(
        owner_paths=("lead_auditor",),
        roles=PLANNER_ROLES,
        user_purposes={"lead_auditor": UserPurpose.OWNER, "auditors": UserPurpose.PARTICIPANT},
        engagement=EngagementScope(
            systems=("ai_systems",),
            clauses=("clauses",),
            controls=("controls__implementations",),
            clause_refs=AUDIT_CLAUSE_REFS,
        ),
    )

    class Meta:
        ordering = ("planned_start", "number")
        verbose_name = _("internal audit")
        verbose_name_plural = _("internal audits")
        constraints = [
            models.UniqueConstraint(fields=["organization", "number"], name="audit_number_unique"),
            models.CheckConstraint(
                condition=Q(status__in=AuditStatus.values), name="audit_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(planned_end__gte=models.F("planned_start")),
                name="audit_planned_dates_ordered",
            ),
            models.CheckConstraint(
                condition=Q(actual_end__isnull=True)
                | Q(actual_start__isnull=True)
                | Q(actual_end__gte=models.F("actual_start")),
                name="audit_actual_dates_ordered",
            ),
            models.CheckConstraint(
                condition=Q(status="planned") | Q(actual_start__isnull=False),
                name="audit_started_has_start",
            ),
        ]
        indexes = [models.Index(fields=["organization", "status"], name="audit_org_status")]

    def __str__(self) -> str:
        return f"{self.reference} {self.title}"

    @property
    def reference(self) -> str:
        return audit_reference(self.number)

    def get_absolute_url(self) -> str:
        return reverse("audits:audit_detail", kwargs={"org": self.organization.slug, "pk": self.pk})

    @property
    def held_on(self) -> datetime.date:
        """The day the audit counts as held (or is planned to be)."""
        return self.actual_end or self.actual_start or self.planned_end

    def clean(self) -> None:
        super().clean()
        errors: dict[str, Any] = {}
        if self.programme_id and self.programme.organization_id != self.organization_id:
            errors["programme"] = _("Choose a programme of this organisation.")
        if self.planned_start and self.planned_end and self.planned_end < self.planned_start:
            errors["planned_end"] = _("The audit ends after it starts.")
        if (
            self.programme_id
            and self.planned_start
            and self.programme.organization_id == self.organization_id
            and not (self.programme.period_start <= self.planned_start <= self.programme.period_end)
        ):
            errors["planned_start"] = _(
                "Plan it within the programme's period (%(start)s to %(end)s)."
            ) % {"start": self.programme.period_start, "end": self.programme.period_end}
        if self.actual_start and self.actual_end and self.actual_end < self.actual_start:
            errors["actual_end"] = _("The audit ends after it starts.")
        tomorrow = timezone.localdate() + datetime.timedelta(days=1)
        for name in ("actual_start", "actual_end"):
            value = getattr(self, name)
            if value and value > tomorrow:
                errors[name] = _("This lies in the future: it says when the audit was held.")
        if self.status == AuditStatus.PLANNED and (self.actual_start or self.actual_end):
            errors["actual_start"] = _("Start the audit first; the dates held come with it.")
        if errors:
            raise ValidationError(errors)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        # An audit that was held is part of the record: its checklist and findings stay.
        if self.status != AuditStatus.PLANNED:
            raise ValidationError(_("Only a planned audit can be deleted."))
        return super().delete(*args, **kwargs)


def independence_conflicts(
    *,
    organization: Any,
    auditors: Iterable[Any],
    clauses: Iterable[Any],
    controls: Iterable[Any],
    ai_systems: Iterable[Any],
) -> list[str]:
    """Why each auditor would audit their own area, as sentences naming the conflict: they
    own an AI system, an SoA row (a control's implementation) or a clause in the scope.
    Three queries at most; none when there is no auditor."""
    people = {u.pk: u for u in auditors if u is not None}
    if not people:
        return []
    conflicts: list[str] = []
    system_ids = [s.pk for s in ai_systems]
    if system_ids:
        for system in AISystem.objects.filter(
            pk__in=system_ids, owner_id__in=list(people)
        ).order_by("name"):
            conflicts.append(
                gettext("%(person)s owns the AI system “%(what)s”, which this audit covers.")
                % {"person": people[system.owner_id].display_name, "what": system.name}
            )
    control_ids = [c.pk for c in controls]
    if control_ids:
        for row in ControlImplementation.objects.filter(
            organization=organization, requirement_id__in=control_ids, owner_id__in=list(people)
        ).order_by("sort_key"):
            conflicts.append(
                gettext(
                    "%(person)s owns control %(ref)s in the Statement of Applicability, which "
                    "this audit covers."
                )
                % {"person": people[row.owner_id].display_name, "ref": row.ref}
            )
    clause_ids = [c.pk for c in clauses]
    if clause_ids:
        for status in (
            ClauseStatus.objects.filter(
                organization=organization,
                requirement_id__in=clause_ids,
                owner_id__in=list(people),
            )
            .select_related("requirement")
            .order_by("requirement__sort_key")
        ):
            conflicts.append(
                gettext("%(person)s owns clause %(ref)s, which this audit covers.")
                % {"person": people[status.owner_id].display_name, "ref": status.requirement.ref}
            )
    return conflicts


class LineKind(models.TextChoices):
    CLAUSE = "clause", _("Clause")
    CONTROL = "control", _("Control")


class FindingResult(models.TextChoices):
    CONFORMITY = "conformity", _("Conformity")
    MAJOR = "major", _("Major nonconformity")
    MINOR = "minor", _("Minor nonconformity")
    OBSERVATION = "observation", _("Observation")
    IMPROVEMENT = "improvement", _("Opportunity for improvement")


NONCONFORMITY_RESULTS = (FindingResult.MAJOR, FindingResult.MINOR)
# A checklist is answered while the audit is held.
ANSWERABLE_STATUSES = (AuditStatus.IN_PROGRESS,)


class AuditChecklistLine(TrackedModel):
    """One clause or control the audit examines, with what was found."""

    audit = models.ForeignKey(
        Audit, on_delete=models.CASCADE, related_name="lines", verbose_name=_("audit")
    )
    kind = models.CharField(_("kind"), max_length=8, choices=LineKind.choices, editable=False)
    requirement = models.ForeignKey(
        "controls.Requirement",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="audit_lines",
        verbose_name=_("requirement"),
        editable=False,
    )
    ref = models.CharField(_("reference"), max_length=40, editable=False)
    title = models.CharField(_("title"), max_length=250, editable=False)
    sort_key = models.CharField(max_length=80, editable=False)
    excluded = models.BooleanField(
        _("excluded"),
        default=False,
        editable=False,
        help_text=_("Not applicable in the approved Statement of Applicability: not audited."),
    )
    exclusion_reason = models.TextField(_("why excluded"), blank=True, editable=False)
    result = models.CharField(_("result"), max_length=12, choices=FindingResult.choices, blank=True)
    evidence = models.ManyToManyField(
        "evidence.EvidenceItem",
        related_name="audit_lines",
        blank=True,
        verbose_name=_("evidence sampled"),
    )
    sampled = models.TextField(
        _("what was sampled"),
        blank=True,
        help_text=_("The records, interviews and observations examined."),
    )
    notes = models.TextField(_("finding"), blank=True, help_text=_("What was found and why."))
    nonconformity = models.OneToOneField(
        "audits.Nonconformity",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="audit_line",
        verbose_name=_("nonconformity raised"),
        editable=False,
    )

    access: ClassVar[AccessPolicy] = AccessPolicy(
        org_path="audit__organization",
        owner_paths=("audit__lead_auditor",),
        parent_path="audit",
        engagement=EngagementScope(
            systems=("audit__ai_systems",),
            clauses=("requirement",),
            controls=("requirement__implementations",),
            clause_refs=AUDIT_CLAUSE_REFS,
        ),
    )

    class Meta:
        ordering = ("audit", "kind", "sort_key")
        verbose_name = _("checklist line")
        verbose_name_plural = _("checklist lines")
        constraints = [
            models.UniqueConstraint(fields=["audit", "kind", "ref"], name="auditline_unique_ref"),
            models.CheckConstraint(
                condition=Q(kind__in=LineKind.values), name="auditline_kind_valid"
            ),
            models.CheckConstraint(
                condition=Q(result="") | Q(result__in=FindingResult.values),
                name="auditline_result_valid",
            ),
            models.CheckConstraint(
                condition=Q(excluded=False) | Q(result=""), name="auditline_excluded_unanswered"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.audit.reference} · {self.ref} {self.title}"

    def get_absolute_url(self) -> str:
        return self.audit.get_absolute_url() + f"#line-{self.pk}"

    @property
    def raises_nonconformity(self) -> bool:
        return self.result in NONCONFORMITY_RESULTS

    def clean(self) -> None:
        super().clean()
        audit = getattr(self, "audit", None)
        if audit is not None and audit.status not in ANSWERABLE_STATUSES:
            raise ValidationError(
                _("The checklist is answered while the audit is in progress (it is %(s)s).")
                % {"s": audit.get_status_display().lower()}
            )
        if self.excluded and self.result:
            raise ValidationError(
                {"result": _("This control is not applicable in the approved SoA: not audited.")}
            )
        if self.result and self.result != FindingResult.CONFORMITY and not self.notes.strip():
            raise ValidationError({"notes": _("Say what was found.")})
        if self.nonconformity_id and not self.raises_nonconformity:
            raise ValidationError(
                {
                    "result": _(
                        "This line raised %(ref)s, which stays: a nonconformity is dealt with "
                        "on its own page (delete it there if it was raised in error), then "
                        "the result can change."
                    )
                    % {"ref": self.nonconformity.reference}
                }
            )


class AuditReport(ControlledVersion):
    """The audit report: summary, conclusions and the results as frozen at approval."""

    audit = models.ForeignKey(
        Audit, on_delete=models.PROTECT, related_name="reports", verbose_name=_("audit")
    )
    summary = models.TextField(_("summary"), blank=True)
    conclusions = models.TextField(
        _("conclusions"),
        blank=True,
        help_text=_("Whether the audited areas conform and the management system is effective."),
    )
    # The checklist at approval: [{"kind", "ref", "title", "excluded", "exclusion_reason",
    # "result", "sampled", "notes", "evidence": [identity…], "nonconformity": identity|None}]
    results = models.JSONField(_("results"), default=list, blank=True, editable=False)

    content_fields: ClassVar[tuple[str, ...]] = ("summary", "conclusions", "results")
    series_fields: ClassVar[tuple[str, ...]] = ("organization", "audit")

    access: ClassVar[AccessPolicy] = AccessPolicy(
        roles=PLANNER_ROLES,
        engagement=EngagementScope(
            systems=("audit__ai_systems",),
            clauses=("audit__clauses",),
            controls=("audit__controls__implementations",),
            clause_refs=AUDIT_CLAUSE_REFS,
            shown={"status__in": [s.value for s in FROZEN_STATUSES]},
        ),
    )

    class Meta(ControlledVersion.Meta):
        verbose_name = _("audit report")
        verbose_name_plural = _("audit reports")
        ordering = ("audit", "-number")
        constraints = controlled_version_constraints(
            "auditreport", series=("organization", "audit")
        )

    def __str__(self) -> str:
        return f"{self.audit.reference} report v{self.number}"

    def get_absolute_url(self) -> str:
        return reverse(
            "audits:report_detail", kwargs={"org": self.organization.slug, "pk": self.pk}
        )

    def clean(self) -> None:
        super().clean()
        if self.audit_id and self.audit.organization_id != self.organization_id:
            raise ValidationError({"audit": _("Choose an audit of this organisation.")})

    def approval_blockers(self) -> list[str]:
        blockers = []
        if self.audit.status not in (AuditStatus.IN_PROGRESS, AuditStatus.REPORTED):
            blockers.append(
                gettext("The audit is %(s)s: a report is approved once it has been held.")
                % {"s": self.audit.get_status_display().lower()}
            )
        open_lines = self.audit.lines.filter(excluded=False, result="").count()
        if open_lines:
            blockers.append(
                gettext("%(n)s checklist line(s) still have no result.") % {"n": open_lines}
            )
        if not self.audit.lines.exists():
            blockers.append(gettext("The audit has no checklist."))
        if not self.summary.strip() or not self.conclusions.strip():
            blockers.append(gettext("Write the summary and the conclusions."))
        return blockers

    def result_rows(self) -> list[dict[str, Any]]:
        """The results: as frozen at approval, else as the checklist stands now."""
        if self.is_frozen:
            return list(self.results)
        return checklist_snapshot(self.audit)

    def save(self, *args: Any, **kwargs: Any) -> None:
        loaded = getattr(self, "_loaded_snapshot", None) or {}
        approving = (
            self.status == DocumentStatus.APPROVED
            and loaded.get("status") not in FROZEN_STATUSES
            and self.pk is not None
        )
        with transaction.atomic(using=kwargs.get("using")):
            if approving:
                self.results = checklist_snapshot(self.audit)
            super().save(*args, **kwargs)
            if approving:
                # The audit counts as reported once its report is approved (an invariant).
                audit = Audit.objects.select_for_update().get(pk=self.audit_id)
                if audit.status == AuditStatus.IN_PROGRESS:
                    audit.status = AuditStatus.REPORTED
                    audit.actual_end = audit.actual_end or timezone.localdate()
                    audit.save()


def checklist_prefetch(prefix: str = "audit__") -> models.Prefetch:
    """Read the checklists of many reports at once (for ``checklist_snapshot``)."""
    return models.Prefetch(
        f"{prefix}lines",
        queryset=AuditChecklistLine.objects.select_related("nonconformity").prefetch_related(
            "evidence"
        ),
    )


def checklist_snapshot(audit: Audit) -> list[dict[str, Any]]:
    """The checklist as a report keeps it (two queries, none when prefetched)."""
    if "lines" in getattr(audit, "_prefetched_objects_cache", {}):
        lines = audit.lines.all()  # a list read them with its rows (``checklist_prefetch``)
    else:
        lines = audit.lines.select_related("nonconformity").prefetch_related("evidence")
    return [
        {
            "kind": line.kind,
            "ref": line.ref,
            "title": line.title,
            "excluded": line.excluded,
            "exclusion_reason": line.exclusion_reason,
            "result": line.result,
            "result_label": str(line.get_result_display()) if line.result else "",
            "sampled": line.sampled,
            "notes": line.notes,
            "evidence": [record_identity(e) for e in line.evidence.all()],
            "nonconformity": record_identity(line.nonconformity) if line.nonconformity else None,
        }
        for line in lines
    ]


__all__ = [
    "ANSWERABLE_STATUSES",
    "AUDIT_CLAUSE_REFS",
    "COVERAGE_YEARS",
    "HELD_STATUSES",
    "NONCONFORMITY_RESULTS",
    "SCOPE_FIELDS",
    "Audit",
    "AuditChecklistLine",
    "AuditProgramme",
    "AuditReport",
    "AuditStatus",
    "FindingResult",
    "LineKind",
    "audit_reference",
    "checklist_prefetch",
    "checklist_snapshot",
    "independence_conflicts",
    "years_after",
]
