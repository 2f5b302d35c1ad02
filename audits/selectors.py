"""Read-side helpers of the audits app: nonconformity trends, audit programme coverage."""

from __future__ import annotations

import datetime
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Q
from django.db.models.functions import TruncQuarter
from django.utils import timezone

from aims.core.documents import DocumentStatus
from aims.core.permissions import Action, restrict
from audits.models import (
    COVERAGE_YEARS,
    HELD_STATUSES,
    Audit,
    AuditProgramme,
    Nonconformity,
    NonconformitySource,
    NonconformityStatus,
    years_after,
)
from controls.models import Applicability, Requirement, RequirementKind, SoAVersion

TREND_QUARTERS = 8


def _group(ref: str | None) -> str:
    """``A.6.2.4`` → ``A.6``; ``9.2.2`` → ``9``; none → ""."""
    if not ref:
        return ""
    parts = ref.split(".")
    return f"A.{parts[1]}" if parts[0] == "A" and len(parts) > 1 else parts[0]


def nonconformity_trends(*, organization: Any, user: Any) -> dict[str, Any]:
    """Where nonconformities arise, among those ``user`` may see (three queries): by
    source and status, by clause or Annex A group, and by quarter over two years."""
    visible = restrict(Nonconformity.objects.all(), user, Action.VIEW).filter(
        organization=organization
    )
    by_source: dict[str, Counter] = {}
    for source, status, n in (
        visible.order_by().values_list("source", "status").annotate(n=Count("pk"))
    ):
        by_source.setdefault(source, Counter())[status] += n
    labels = dict(NonconformitySource.choices)
    sources = [
        {
            "source": source,
            "label": labels.get(source, source),
            "open": sum(n for s, n in counts.items() if s != NonconformityStatus.CLOSED),
            "closed": counts[NonconformityStatus.CLOSED],
            "total": sum(counts.values()),
        }
        for source, counts in sorted(by_source.items(), key=lambda kv: -sum(kv[1].values()))
    ]
    groups: Counter = Counter()
    majors: Counter = Counter()
    for ref, severity, n in (
        visible.order_by().values_list("requirement__ref", "severity").annotate(n=Count("pk"))
    ):
        groups[_group(ref)] += n
        if severity == "major":
            majors[_group(ref)] += n
    requirements = [
        {"group": group or "—", "total": n, "major": majors[group]}
        for group, n in groups.most_common()
    ]
    today = timezone.localdate()
    start = datetime.date(today.year - 2, ((today.month - 1) // 3) * 3 + 1, 1)
    per_quarter = dict(
        visible.filter(found_on__gte=start)
        .order_by()
        .annotate(quarter=TruncQuarter("found_on"))
        .values_list("quarter")
        .annotate(n=Count("pk"))
        .values_list("quarter", "n")
    )
    quarters = []
    day = start
    while day <= today:
        quarters.append(
            {"label": f"{day.year} Q{(day.month - 1) // 3 + 1}", "n": per_quarter.get(day, 0)}
        )
        month = day.month + 3
        day = datetime.date(day.year + (month - 1) // 12, (month - 1) % 12 + 1, 1)
    return {
        "by_source": sources,
        "by_requirement": requirements,
        "by_quarter": quarters,
        "quarter_max": max((q["n"] for q in quarters), default=0),
        "total": sum(s["total"] for s in sources),
    }


# --- Audit programme coverage (9.2.2) --------------------------------------------------------


@dataclass
class CoverageRow:
    """One clause or Annex A control: the last audit that covered it and the next one."""

    requirement: Requirement
    kind: str  # "clause" or "control"
    last: Audit | None = None
    next: Audit | None = None
    in_programme: int = 0  # audits of the chosen programme that cover it
    not_applicable: bool = False  # a control the approved SoA excludes

    @property
    def gap(self) -> bool:
        """Left unaudited: no audit of the programme covers it (applicable ones only)."""
        return not self.not_applicable and self.in_programme == 0

    @property
    def stale(self) -> bool:
        """Last audited more than three years ago (or never), with nothing planned."""
        if self.not_applicable or self.next is not None:
            return False
        if self.last is None:
            return True
        return self.last.held_on < years_after(timezone.localdate(), -COVERAGE_YEARS)


@dataclass
class Coverage:
    programme: AuditProgramme | None
    window: tuple[datetime.date, datetime.date]
    clauses: list[CoverageRow] = field(default_factory=list)
    controls: list[CoverageRow] = field(default_factory=list)

    @property
    def gaps(self) -> list[CoverageRow]:
        return [row for row in (*self.clauses, *self.controls) if row.gap]

    @property
    def counts(self) -> dict[str, int]:
        rows = [*self.clauses, *self.controls]
        applicable = [r for r in rows if not r.not_applicable]
        return {
            "total": len(applicable),
            "covered": sum(1 for r in applicable if not r.gap),
            "gaps": sum(1 for r in applicable if r.gap),
            "excluded": len(rows) - len(applicable),
        }


def coverage_window(programme: AuditProgramme | None) -> tuple[datetime.date, datetime.date]:
    """The programme's period, or the three years from today without one."""
    if programme is not None:
        return programme.period_start, programme.period_end
    today = timezone.localdate()
    return today, years_after(today, COVERAGE_YEARS)


def audit_coverage(*, organization: Any, user: Any, programme: AuditProgramme | None) -> Coverage:
    """For each assessable clause and each Annex A control, the last audit held that covered
    it and the next one planned (among the audits ``user`` may see), and whether the chosen
    programme's audits cover it. Five queries."""
    window = coverage_window(programme)
    requirements = list(
        Requirement.objects.filter(framework__code="iso42001", withdrawn=False)
        .filter(Q(kind=RequirementKind.CLAUSE, assessable=True) | Q(kind=RequirementKind.CONTROL))
        .order_by("sort_key")
    )
    audits = {
        a.pk: a
        for a in restrict(Audit.objects.all(), user, Action.VIEW)
        .filter(organization=organization)
        .select_related("programme", "organization")
    }
    covered: dict[int, list[Audit]] = {}
    for through in (Audit.clauses.through, Audit.controls.through):
        for audit_id, requirement_id in through.objects.filter(
            audit_id__in=list(audits)
        ).values_list("audit_id", "requirement_id"):
            covered.setdefault(requirement_id, []).append(audits[audit_id])
    soa = (
        SoAVersion.objects.filter(organization=organization, status=DocumentStatus.APPROVED)
        .only("rows")
        .first()
    )
    excluded = {
        row["ref"]
        for row in (soa.rows if soa else [])
        if row.get("applicability") == Applicability.NOT_APPLICABLE
    }
    today = timezone.localdate()
    result = Coverage(programme=programme, window=window)
    for requirement in requirements:
        kind = "clause" if requirement.kind == RequirementKind.CLAUSE else "control"
        mine = covered.get(requirement.pk, [])
        held = [a for a in mine if a.status in HELD_STATUSES or a.status == "in_progress"]
        planned = [a for a in mine if a.status == "planned" and a.planned_end >= today]
        row = CoverageRow(
            requirement=requirement,
            kind=kind,
            last=max(held, key=lambda a: a.held_on, default=None),
            next=min(planned, key=lambda a: a.planned_start, default=None),
            in_programme=sum(1 for a in mine if programme and a.programme_id == programme.pk),
            not_applicable=kind == "control" and requirement.ref in excluded,
        )
        (result.clauses if kind == "clause" else result.controls).append(row)
    return result
