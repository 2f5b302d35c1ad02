"""The facts the rules read (``Facts`` and its parts) and the helpers every area shares."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone

from aims.core.views import safe_url
from aims.organizations.models import Organization
from audits.models import audit_reference
from controls.models import SoAVersion
from policies.kpis import KPIStatus
from policies.models import ObjectiveStatus
from policies.services.roles import CompetenceGaps
from readiness.review_rules import ReviewFacts

# How old an approved risk assessment may be and still count as current (8.2). The platform
# keeps no organisation-wide assessment interval yet, so the common yearly cycle applies.
ASSESSMENT_INTERVAL_MONTHS = 12


def months_before(day: datetime.date, months: int) -> datetime.date:
    """The same day ``months`` earlier (the month's last day when it is shorter)."""
    month_index = day.year * 12 + day.month - 1 - months
    year, month = divmod(month_index, 12)
    for candidate in range(day.day, 0, -1):
        try:
            return datetime.date(year, month + 1, candidate)
        except ValueError:
            continue
    raise AssertionError("unreachable")  # pragma: no cover


@dataclass
class Assessed:
    """An approved risk assessment as the rules read it."""

    pk: int
    title: str
    assessed_on: datetime.date
    system_ids: set[int]  # empty: the whole register

    @property
    def covers_everything(self) -> bool:
        return not self.system_ids


@dataclass
class ContextFacts:
    """The context registers (4.1, 4.2) as the rules read them: counts over the records
    the reader may see, and the climate decision in force."""

    issues_internal: int = 0  # not closed
    issues_external: int = 0  # not closed
    issues_overdue: int = 0  # not closed, next review date passed
    issues_environmental: int = 0  # not closed, environmental and climate
    climate_pk: int | None = None
    climate_relevant: bool | None = None
    climate_decided_on: datetime.date | None = None
    parties: int = 0
    parties_without_requirements: int = 0
    requirements: int = 0
    requirements_undecided: int = 0


@dataclass
class ObjectiveFact:
    """A pursued AI objective as the 6.2 rules read it (``kpi`` from ``policies.kpis``)."""

    pk: int
    title: str
    status: str
    guides: str
    has_owner: bool
    plan_complete: bool
    annex_c: int  # Annex C objectives it is linked to
    kpi: str
    created_on: datetime.date
    due_from: datetime.date  # the earliest day a measurement in its period may cover

    @property
    def active(self) -> bool:
        return self.status == ObjectiveStatus.ACTIVE

    @property
    def unmeasured(self) -> bool:
        """Active, and no measurement covers a day of its period."""
        return self.active and self.kpi in (KPIStatus.NOT_MEASURED, KPIStatus.OVERDUE)


@dataclass
class PolicyFact:
    """An approved policy version as the rules read it (5.2, 7.3, A.2)."""

    pk: int
    code: str
    title: str
    kind: str
    number: int
    published_at: datetime.datetime | None
    next_review_date: datetime.date | None
    effective_date: datetime.date | None
    aligned: int  # other policies named, plus outside documents
    asked: int
    acknowledged: int

    @property
    def label(self) -> str:
        return f"{self.code} {self.title} v{self.number}"


@dataclass
class ProgrammeFact:
    """An audit programme as the 9.2 rules read it."""

    pk: int
    title: str
    period_start: datetime.date
    period_end: datetime.date
    # Assessable clauses and Annex A controls (not marked not applicable) that no audit of
    # the programme covers.
    uncovered: list[str] = field(default_factory=list)


@dataclass
class AuditFact:
    """An internal audit as the 9.2 rules read it."""

    pk: int
    number: int
    title: str
    status: str
    planned_end: datetime.date
    held_on: datetime.date | None  # the last day it was held
    report_approved: bool

    @property
    def reference(self) -> str:
        return audit_reference(self.number)


@dataclass
class Facts:
    """Everything the rules read, gathered once per page."""

    organization: Organization
    scope: Any = None
    criteria: Any = None
    risks: dict[str, int] = field(default_factory=dict)
    actions: dict[str, int] = field(default_factory=dict)
    assessments: list[Assessed] = field(default_factory=list)  # approved, newest first
    soa: SoAVersion | None = None
    soa_summary: dict[str, Any] = field(default_factory=dict)
    today: datetime.date = field(default_factory=timezone.localdate)
    # The AI systems the approved scope names (as approved) that still exist and are not
    # retired: pk → name. For an engagement of chosen AI systems: those systems.
    systems_in_scope: dict[int, str] = field(default_factory=dict)
    systems_chosen: bool = False  # ``systems_in_scope`` are an engagement's chosen systems
    # Approved AI system impact assessments by system: (pk, next review, review reason or "").
    impact: dict[int, tuple[int, datetime.date | None, str]] = field(default_factory=dict)
    # AIMS processes, roles and the RACI (4.4, 5.3): counts by what the rules ask
    # (``processes_total``, ``processes_unowned``, ``processes_no_accountable``,
    # ``roles_total``, ``roles_unstaffed``, ``roles_staffed``, ``roles_without_requirements``,
    # ``requirements_total``).
    aims_roles: dict[str, int] = field(default_factory=dict)
    # Competence (7.2): each person in a role against each requirement of the role.
    competence: CompetenceGaps = field(default_factory=CompetenceGaps)
    context: ContextFacts = field(default_factory=ContextFacts)
    # What those assessments considered, by system: (individuals or groups named, society
    # or the environment named or harmed) — for A.5.4 and A.5.5.
    impact_reach: dict[int, tuple[bool, bool]] = field(default_factory=dict)
    thresholds_decided: bool = False  # the organisation decided its impact thresholds
    # Nonconformities and incidents (10.2, A.8.4): counts, see ``readiness_facts``.
    improvement: dict[str, int] = field(default_factory=dict)
    # Support (6.3, 7.1, 7.5.3, A.3.3, A.8.3): counts from ``support_facts``.
    support: dict[str, Any] = field(default_factory=dict)
    # AI objectives pursued (planned or active), as the 6.2 rules read them.
    objectives: list[ObjectiveFact] = field(default_factory=list)
    # The communication plan (7.4): "total", "unowned", "overdue" items.
    communication: dict[str, int] = field(default_factory=dict)
    # The approved policies, procedures and guidelines the reader may see (policies app).
    policies: list[PolicyFact] = field(default_factory=list)
    # Internal audit (9.2): the programmes and audits the reader may see.
    programmes: list[ProgrammeFact] = field(default_factory=list)
    audits: list[AuditFact] = field(default_factory=list)
    # Management review (9.3): the reviews and their decisions (``review_rules``).
    reviews: ReviewFacts = field(default_factory=ReviewFacts)

    def url(self, name: str, **kwargs: Any) -> str | None:
        return safe_url(name, org=self.organization.slug, **kwargs)

    @property
    def assessment_cutoff(self) -> datetime.date:
        return months_before(self.today, ASSESSMENT_INTERVAL_MONTHS)

    @property
    def current_assessments(self) -> list[Assessed]:
        """Approved assessments carried out within the interval."""
        cutoff = self.assessment_cutoff
        return [a for a in self.assessments if a.assessed_on >= cutoff]

    def systems_without_current_assessment(self, system_ids: set[int]) -> set[int]:
        current = self.current_assessments
        if any(a.covers_everything for a in current):
            return set()
        covered = set().union(*(a.system_ids for a in current)) if current else set()
        return set(system_ids) - covered


def org_row(organization: Organization, counts: dict[str, Any]) -> dict[str, Any]:
    """One area's counts for one organisation on their own (one query); ``readiness_facts``
    folds every area's into a single row instead."""
    return Organization.objects.filter(pk=organization.pk).annotate(**counts).values(*counts).get()
