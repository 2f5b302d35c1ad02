"""The registry of rules (``RULES``, ``CONTROL_RULES``) and each clause's readiness."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.utils.formats import date_format
from django.utils.timezone import localtime
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from aims.core.views import record_url
from controls.models import Applicability, ClauseStatus, ImplementationStatus, ReadinessStatus
from policies.models import ObjectiveGuides
from readiness.findings import Finding
from readiness.review_rules import REVIEW_RULES
from readiness.rules.context import _issues, _parties, _scope
from readiness.rules.facts import Facts
from readiness.rules.improvement import _improvement, _incident_communication, _nonconformity
from readiness.rules.internal_audit import _audit_programme, _internal_audit
from readiness.rules.objectives import _communication, _objectives, _objectives_for
from readiness.rules.policy import (
    _ai_policy_acknowledged,
    _ai_policy_aligned,
    _ai_policy_in_force,
    _ai_policy_reviewed,
)
from readiness.rules.risk_impact import (
    _a5_individuals,
    _a5_process,
    _a5_society,
    _assessment,
    _criteria,
    _impact_current,
    _impact_process,
    _operation,
    _risk_assessment_process,
    _risk_treatment_process,
    _treatment,
)
from readiness.rules.roles import _competence, _processes, _roles
from readiness.rules.support import (
    _changes,
    _concerns,
    _documented_information,
    _external_reporting,
    _resources,
)

# Clauses whose records belong to modules still to come: they rely on status + evidence.
# Every module has arrived: none is left (the mechanism stays for modules still to come).
LATER_MODULES: dict[str, Any] = {}


# The clauses a rule checks, by ref; 9.1 and 9.3 come from ``readiness.review_rules``.
RULES: dict[str, Callable[[Facts], Finding]] = {
    "4.1": _issues,
    "4.2": _parties,
    "4.3": _scope,
    "6.1.1": _criteria,
    "6.1.2": _risk_assessment_process,
    "6.1.3": _risk_treatment_process,
    "8.1": _operation,
    "8.2": _assessment,
    "8.3": _treatment,
    "6.1.4": _impact_process,
    "8.4": _impact_current,
    "10.1": _improvement,
    "10.2": _nonconformity,
    "6.2": _objectives,
    "7.4": _communication,
    "9.2.1": _internal_audit,
    "9.2.2": _audit_programme,
    **REVIEW_RULES,
    "6.3": _changes,
    "7.1": _resources,
    "7.5.3": _documented_information,
    "4.4": _processes,
    "5.3": _roles,
    "7.2": _competence,
    "5.2": _ai_policy_in_force,
    "7.3": _ai_policy_acknowledged,
}

# Checked clauses whose records belong to the organisation as a whole and never to an AI
# system (objectives, the communication plan): an engagement of AI systems only reaches none
# of them, so its report leaves these clauses out (``readiness.report``) rather than find
# them unmet.
NOT_REACHED_BY_SYSTEMS: set[str] = {"6.2", "7.4"}

# Annex A controls that a rule checks from the platform's records, by ref ("A.2.2"). The
# readiness page and report show each one's finding beside the control's SoA status; an
# applicable control whose rule is not fulfilled is not ready, whatever the SoA says.
CONTROL_RULES: dict[str, Callable[[Facts], Finding]] = {
    "A.5.2": _a5_process,
    "A.5.3": _impact_current,
    "A.5.4": _a5_individuals,
    "A.5.5": _a5_society,
    "A.8.4": _incident_communication,
    "A.6.1.2": _objectives_for(
        ObjectiveGuides.DEVELOPMENT, gettext_lazy("the responsible development of AI systems")
    ),
    "A.9.3": _objectives_for(
        ObjectiveGuides.USE, gettext_lazy("the responsible use of AI systems")
    ),
    "A.3.3": _concerns,
    "A.8.3": _external_reporting,
    "A.3.2": _roles,
    "A.4.6": _competence,
    "A.2.2": _ai_policy_in_force,
    "A.2.3": _ai_policy_aligned,
    "A.2.4": _ai_policy_reviewed,
}


class Basis:
    """How a clause's readiness is established."""

    CHECKED = "checked"  # a rule reads the platform's records
    DECLARED = "declared"  # a person's statement and evidence


@dataclass
class ClauseReadiness:
    status: ClauseStatus
    finding: Finding
    evidence_count: int
    later_module: str | None
    contradictions: list[Any] = field(default_factory=list)
    # False for an engagement of AI systems only: the organisation's own status of the
    # clause is not shown, and the clause is ready when its check passes (``coverage``).
    status_shown: bool = True

    @property
    def requirement(self) -> Any:
        return self.status.requirement

    @property
    def basis(self) -> str:
        return Basis.CHECKED if self.finding.fulfilled is not None else Basis.DECLARED

    @property
    def checked(self) -> bool:
        return self.basis == Basis.CHECKED

    @property
    def statement(self) -> str:
        return (self.status.notes or "").strip()

    @property
    def declared(self) -> bool:
        """Marked ready by a person, whose name and date the platform recorded."""
        return self.status.status == ReadinessStatus.READY and self.status.declared_at is not None

    @property
    def declared_by(self) -> Any:
        return self.status.declared_by if self.declared else None

    @property
    def declared_at(self) -> Any:
        return self.status.declared_at if self.declared else None

    @property
    def ready(self) -> bool:
        """Ready when the organisation says so, nothing the platform checks contradicts it,
        and — for a clause no rule checks — a person declared it with a statement and
        evidence. Without the status (``status_shown``), when its check passes."""
        if not self.status_shown:
            return self.checked and bool(self.finding.fulfilled) and not self.contradictions
        if self.status.status != ReadinessStatus.READY or self.contradictions:
            return False
        if self.checked:
            return bool(self.finding.fulfilled)
        return self.declared and bool(self.statement) and self.evidence_count > 0

    @property
    def missing(self) -> list[str]:
        """What to do before an auditor would accept the clause."""
        todo = []
        if self.finding.fulfilled is False and self.finding.todo:
            todo.append(self.finding.todo)
        todo.extend(c.todo for c in self.contradictions)
        if not self.status_shown:
            return todo
        if not self.checked:
            if not self.evidence_count:
                todo.append(_("Link evidence that shows how the clause is met."))
            if not self.statement:
                todo.append(
                    _("Write your statement in the clause's notes: how the organisation meets it.")
                )
        if self.status.status != ReadinessStatus.READY:
            todo.append(
                _("Mark the clause ready once it is met.")
                if self.checked
                else _("Mark the clause ready to declare it met; your name and the date are kept.")
            )
        elif not self.checked and not self.declared:
            todo.append(
                _(
                    "Save the clause as ready again: it was marked ready before the platform "
                    "recorded who declared it."
                )
            )
        return todo


def _not_checked(later: Any) -> Finding:
    if later:
        found = _(
            "No %(module)s records in the platform. Ready when a person declares it, with a "
            "statement and evidence."
        ) % {"module": later}
    else:
        found = _(
            "No rule reads records for this clause. Ready when a person declares it, with a "
            "statement and evidence."
        )
    return Finding(None, found)


def _declared(status: ClauseStatus) -> Finding:
    who = status.declared_by.display_name if status.declared_by else _("a former member")
    return Finding(
        None,
        _("Declared ready by %(who)s on %(d)s.")
        % {"who": who, "d": date_format(localtime(status.declared_at), "j M Y")},
    )


def clause_readiness(
    *,
    statuses: list[ClauseStatus],
    facts: Facts,
    contradictions: list[Any] = (),
    statuses_shown: bool = True,
) -> list[ClauseReadiness]:
    """Findings per clause; ``statuses`` come from ``clause_statuses_with_counts`` (or are
    unsaved rows when ``statuses_shown`` is false)."""
    by_clause: dict[str, list[Any]] = {}
    for found in contradictions:
        by_clause.setdefault(found.clause, []).append(found)
    rows = []
    for status in statuses:
        ref = status.requirement.ref
        later = LATER_MODULES.get(ref)
        rule = RULES.get(ref)
        if rule is not None:
            finding = rule(facts)
        elif status.status == ReadinessStatus.READY and status.declared_at is not None:
            finding = _declared(status)
        else:
            finding = _not_checked(later)
        rows.append(
            ClauseReadiness(
                status=status,
                finding=finding,
                evidence_count=getattr(status, "evidence_count", 0),
                later_module=later,
                contradictions=by_clause.get(ref, []),
                status_shown=statuses_shown,
            )
        )
    return rows


@dataclass
class ReadinessSummary:
    clauses_total: int
    clauses_ready: int
    controls_applicable: int
    controls_implemented: int
    missing: list[tuple[str, str, str, str | None]]  # (ref, title, what to do, url)

    @staticmethod
    def percent(part: int, whole: int) -> int:
        return round(100 * part / whole) if whole else 0

    @property
    def clauses_percent(self) -> int:
        return self.percent(self.clauses_ready, self.clauses_total)

    @property
    def controls_percent(self) -> int:
        return self.percent(self.controls_implemented, self.controls_applicable)


def readiness_summary(
    *, clauses: list[ClauseReadiness], soa_rows: list[Any], checked_controls: list[Any] = ()
) -> ReadinessSummary:
    """The readiness headline: clauses ready, applicable controls implemented, what is
    missing. ``checked_controls`` (``readiness.control_checks``): an applicable control
    whose rule is not fulfilled is not counted implemented, and its finding says why."""
    missing: list[tuple[str, str, str, str | None]] = []
    for row in clauses:
        if not row.ready:
            missing.append(
                (
                    row.requirement.ref,
                    row.requirement.title,
                    " ".join(map(str, row.missing)),
                    row.finding.url,
                )
            )
    applicable = [r for r in soa_rows if r.control.applicability == Applicability.APPLICABLE]
    unfulfilled = {
        c.control.pk: c.finding
        for c in checked_controls
        if c.applicable and not c.finding.fulfilled
    }
    for row in soa_rows:
        todo = list(row.gaps)
        finding = unfulfilled.get(row.control.pk)
        if finding is not None:
            todo.append(" ".join(str(t) for t in (finding.found, finding.todo) if t))
        if todo:
            missing.append(
                (
                    row.control.ref,
                    row.control.title,
                    "; ".join(todo),
                    (finding.url if finding is not None and not row.gaps else None)
                    or record_url(row.control),
                )
            )
    return ReadinessSummary(
        clauses_total=len(clauses),
        clauses_ready=sum(1 for r in clauses if r.ready),
        controls_applicable=len(applicable),
        controls_implemented=sum(
            1
            for r in applicable
            if r.control.status == ImplementationStatus.IMPLEMENTED
            and r.control.pk not in unfulfilled
        ),
        missing=missing,
    )
