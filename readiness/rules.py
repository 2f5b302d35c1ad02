"""Clause readiness (4–10): what the platform finds for each assessable clause.

A clause is either **checked** or **declared**. A checked clause has a rule here that reads
the records kept elsewhere in the platform and says whether they fulfil the clause, with a
link to the fulfilling record. A clause with no rule (its records live outside the platform
for now) is ready only as a person's declaration: marked ready, with their statement in the
clause's notes and at least one linked evidence item; the page names who declared it and
when. Contradictions between records (``readiness.contradictions``) keep the clauses they
concern from being ready. All facts are gathered with a fixed number of queries, whatever
the size of the registers.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.contrib.postgres.expressions import ArraySubquery
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.timezone import localtime
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from aims.core.documents import DocumentStatus
from aims.core.permissions import Action, restrict
from aims.core.queries import subquery_count, subquery_first
from aims.core.views import record_url, safe_url
from aims.inventory.models import AISystem, SystemStatus
from aims.organizations.models import Organization
from aims.organizations.services import current_scope
from audits.models import (
    COVERAGE_YEARS,
    HELD_STATUSES,
    Audit,
    AuditProgramme,
    AuditReport,
    AuditStatus,
    audit_reference,
    years_after,
)
from controls.models import (
    Applicability,
    ClauseStatus,
    ControlImplementation,
    ImplementationStatus,
    ReadinessStatus,
    Requirement,
    RequirementKind,
    SoAVersion,
)
from impact_assessments.models import (
    AffectedParty,
    AssessmentKind,
    Impact,
    ImpactArea,
    ImpactAssessment,
    PartyKind,
    UseThresholds,
)
from risks.models import (
    ActionStatus,
    AssessmentStatus,
    Risk,
    RiskAssessment,
    RiskCriteria,
    RiskStatus,
    TreatmentAction,
)


@dataclass
class Finding:
    """What the platform found for one clause. ``fulfilled`` is None when no rule applies."""

    fulfilled: bool | None
    found: str
    todo: str = ""
    url: str | None = None


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
    # What those assessments considered, by system: (individuals or groups named, society
    # or the environment named or harmed) — for A.5.4 and A.5.5.
    impact_reach: dict[int, tuple[bool, bool]] = field(default_factory=dict)
    thresholds_decided: bool = False  # the organisation decided its impact thresholds
    # Internal audit (9.2): the programmes and audits the reader may see.
    programmes: list[ProgrammeFact] = field(default_factory=list)
    audits: list[AuditFact] = field(default_factory=list)

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


# Clauses whose records belong to modules still to come: they rely on status + evidence.
LATER_MODULES: dict[str, Any] = {
    "5.2": gettext_lazy("policies"),
    "6.2": gettext_lazy("objectives"),
    "7.2": gettext_lazy("competence"),
    "7.3": gettext_lazy("awareness"),
    "9.1": gettext_lazy("monitoring and KPIs"),
    "9.3.1": gettext_lazy("management review"),
    "9.3.2": gettext_lazy("management review"),
    "9.3.3": gettext_lazy("management review"),
    "10.2": gettext_lazy("nonconformity and corrective action"),
}


def _scope_field(field_name: str, what: str) -> Callable[[Facts], Finding]:
    def rule(facts: Facts) -> Finding:
        scope = facts.scope
        url = facts.url("organizations:scope")
        if scope is None:
            return Finding(
                False,
                _("No approved scope statement yet."),
                _("Approve the scope statement and describe %(what)s in it.") % {"what": what},
                url,
            )
        if not str(getattr(scope, field_name, "") or "").strip():
            return Finding(
                False,
                _("The approved scope statement (v%(n)s) does not describe %(what)s.")
                % {"n": scope.number, "what": what},
                _("Start a new scope version and describe %(what)s.") % {"what": what},
                record_url(scope) or url,
            )
        return Finding(
            True,
            _("Described in the approved scope statement (v%(n)s).") % {"n": scope.number},
            url=record_url(scope) or url,
        )

    return rule


def _scope(facts: Facts) -> Finding:
    url = facts.url("organizations:scope")
    if facts.scope is None:
        return Finding(
            False,
            _("No approved scope statement yet."),
            _("Draft the AIMS scope statement and have it approved."),
            url,
        )
    return Finding(
        True,
        _("Scope statement v%(n)s approved on %(d)s.")
        % {"n": facts.scope.number, "d": date_format(localtime(facts.scope.approved_at), "j M Y")},
        url=record_url(facts.scope) or url,
    )


def _criteria(facts: Facts) -> Finding:
    """6.1.1: criteria in force that a person of the organisation adopted. The default 5 × 5
    the platform creates on first use is a proposal until someone saves it as theirs (saving
    records who and when, with a note of what changed and why)."""
    url = facts.url("risks:criteria")
    criteria = facts.criteria
    if criteria is None:
        return Finding(
            False,
            _("No risk criteria defined."),
            _("Define the likelihood and impact scales and the acceptance threshold."),
            url,
        )
    if criteria.created_by_id is None:
        return Finding(
            False,
            _(
                "The criteria in force (v%(n)s) are the platform's defaults: nobody in the "
                "organisation has adopted them yet."
            )
            % {"n": criteria.number},
            _(
                "Review the scales, bands and acceptance threshold, adjust them if needed and "
                "save them with a note on why they fit: that records who adopted them and when."
            ),
            url,
        )
    return Finding(
        True,
        _("Risk criteria v%(n)s adopted by %(who)s on %(d)s.")
        % {
            "n": criteria.number,
            "who": criteria.created_by.display_name,
            "d": date_format(localtime(criteria.created_at), "j M Y"),
        },
        url=url,
    )


def _risk_assessment_process(facts: Facts) -> Finding:
    url = facts.url("risks:risk_list")
    total, unassessed = facts.risks.get("total", 0), facts.risks.get("identified", 0)
    if not total:
        return Finding(
            False,
            _("The risk register is empty."),
            _("Identify the AI risks of the systems in scope and score them."),
            url,
        )
    if unassessed:
        return Finding(
            False,
            _("%(n)s of %(t)s risks are identified but not yet assessed.")
            % {"n": unassessed, "t": total},
            _("Assess the remaining risks against the criteria."),
            url,
        )
    return Finding(True, _("All %(t)s risks in the register are assessed.") % {"t": total}, url=url)


def _risk_treatment_process(facts: Facts) -> Finding:
    url = facts.url("controls:soa_version_list")
    total, untreated = facts.risks.get("total", 0), facts.risks.get("untreated", 0)
    missing = []
    if facts.soa is None:
        missing.append(_("Approve a version of the Statement of Applicability."))
    if not total:
        missing.append(_("Record risks and choose a treatment option for each."))
    elif untreated:
        missing.append(
            _("Choose a treatment option for %(n)s risk(s) that have none.") % {"n": untreated}
        )
    if missing:
        found = (
            _("SoA v%(n)s approved.") % {"n": facts.soa.number}
            if facts.soa
            else _("No approved Statement of Applicability.")
        )
        return Finding(False, found, " ".join(str(m) for m in missing), url)
    return Finding(
        True,
        _("SoA v%(n)s approved; every risk has a treatment option.") % {"n": facts.soa.number},
        url=record_url(facts.soa) or url,
    )


def _operation(facts: Facts) -> Finding:
    url = facts.url("controls:soa")
    summary = facts.soa_summary
    applicable = summary.get(Applicability.APPLICABLE, 0)
    implemented = summary.get(f"status_{ImplementationStatus.IMPLEMENTED}", 0)
    undecided = summary.get(Applicability.UNDECIDED, 0)
    if not applicable or undecided or implemented < applicable:
        todo = []
        if undecided:
            todo.append(_("Decide the applicability of %(n)s control(s).") % {"n": undecided})
        if implemented < applicable:
            todo.append(
                _("Implement %(n)s applicable control(s).") % {"n": applicable - implemented}
            )
        return Finding(
            False,
            _("%(i)s of %(a)s applicable controls implemented.")
            % {"i": implemented, "a": applicable},
            " ".join(str(t) for t in todo) or _("Decide which controls apply."),
            url,
        )
    return Finding(
        True, _("All %(a)s applicable controls are implemented.") % {"a": applicable}, url=url
    )


def _assessment_url(facts: Facts, assessed: Assessed) -> str | None:
    return facts.url("risks:assessment_detail", pk=assessed.pk)


def _assessment(facts: Facts) -> Finding:
    """8.2: an approved assessment within the interval, and every AI system named in the
    approved scope covered by a current one (an assessment naming no system covers all)."""
    url = facts.url("risks:assessment_list")
    months = ASSESSMENT_INTERVAL_MONTHS
    if not facts.assessments:
        return Finding(
            False,
            _("No approved risk assessment on record."),
            _("Run a risk assessment of the register and approve its results."),
            url,
        )
    current = facts.current_assessments
    if not current:
        latest = facts.assessments[0]
        return Finding(
            False,
            _("The latest approved risk assessment (“%(t)s”, %(d)s) is more than %(m)s months old.")
            % {"t": latest.title, "d": date_format(latest.assessed_on, "j M Y"), "m": months},
            _(
                "Assess the risks again and approve the results: assessments are repeated at least every %(m)s months."
            )
            % {"m": months},
            _assessment_url(facts, latest) or url,
        )
    in_scope = facts.systems_in_scope
    uncovered = facts.systems_without_current_assessment(set(in_scope))
    latest = current[0]
    if uncovered:
        names = ", ".join(sorted(str(in_scope[pk]) for pk in uncovered))
        return Finding(
            False,
            ngettext(
                "No current risk assessment covers %(n)s AI system in scope: %(names)s.",
                "No current risk assessment covers %(n)s AI systems in scope: %(names)s.",
                len(uncovered),
            )
            % {"n": len(uncovered), "names": names},
            _("Include these systems in a risk assessment and approve it."),
            _assessment_url(facts, latest) or url,
        )
    if facts.systems_chosen:
        covered = _("covering every AI system in this engagement")
    elif in_scope:
        covered = _("covering every AI system in the approved scope")
    else:
        covered = _("no AI system is named in an approved scope")
    return Finding(
        True,
        _("Risk assessment “%(t)s” of %(d)s approved; %(covered)s.")
        % {"t": latest.title, "d": date_format(latest.assessed_on, "j M Y"), "covered": covered},
        url=_assessment_url(facts, latest) or url,
    )


def _treatment(facts: Facts) -> Finding:
    """8.3: the plan is being carried out: actions done or on schedule (open with a due date
    still ahead), none overdue, none open without a due date."""
    url = facts.url("risks:risk_list")
    actions = facts.actions
    total, done = actions.get("total", 0), actions.get("done", 0)
    overdue, undated = actions.get("overdue", 0), actions.get("undated", 0)
    if not total:
        return Finding(
            False,
            _("No risk treatment actions recorded."),
            _("Plan treatment actions for the risks you chose to modify."),
            url,
        )
    found = ngettext(
        "%(t)s treatment action: %(d)s done, %(o)s overdue, %(u)s without a due date.",
        "%(t)s treatment actions: %(d)s done, %(o)s overdue, %(u)s without a due date.",
        total,
    ) % {
        "t": total,
        "d": done,
        "o": overdue,
        "u": undated,
    }
    if overdue or undated:
        todo = []
        if overdue:
            todo.append(
                ngettext(
                    "Complete the overdue action, or re-plan it with a new date.",
                    "Complete %(n)s overdue actions, or re-plan them with new dates.",
                    overdue,
                )
                % {"n": overdue}
            )
        if undated:
            todo.append(
                ngettext(
                    "Give a due date to the open action that has none.",
                    "Give due dates to the %(n)s open actions that have none.",
                    undated,
                )
                % {"n": undated}
            )
        return Finding(False, found, " ".join(str(t) for t in todo), url)
    return Finding(True, found, url=url)


def _impact_process(facts: Facts) -> Finding:
    """6.1.4: the impact assessment process runs: every AI system in scope has an approved
    impact assessment (an approved scope naming no system: at least one on record)."""
    url = facts.url("impact_assessments:assessment_list")
    in_scope = facts.systems_in_scope
    if not facts.impact:
        return Finding(
            False,
            _("No approved AI system impact assessment on record."),
            _("Assess the impact of each AI system in scope and approve the assessments."),
            url,
        )
    missing = sorted(str(name) for pk, name in in_scope.items() if pk not in facts.impact)
    if missing:
        return Finding(
            False,
            ngettext(
                "%(n)s AI system in scope has no approved impact assessment: %(names)s.",
                "%(n)s AI systems in scope have no approved impact assessment: %(names)s.",
                len(missing),
            )
            % {"n": len(missing), "names": ", ".join(missing)},
            _("Assess these systems and approve the assessments."),
            url,
        )
    return Finding(
        True,
        ngettext(
            "%(n)s approved impact assessment covers the AI systems in scope.",
            "%(n)s approved impact assessments cover the AI systems in scope.",
            len(facts.impact),
        )
        % {"n": len(facts.impact)},
        url=url,
    )


def _impact_current(facts: Facts) -> Finding:
    """8.4: the assessments are current: none past its review date, none flagged for review
    after a change to its system, and none missing for a system in scope."""
    process = _impact_process(facts)
    if not process.fulfilled:
        return process
    today = facts.today
    names = {pk: str(name) for pk, name in facts.systems_in_scope.items()}
    stale = []
    for system_id, (_pk, next_review, reason) in sorted(facts.impact.items()):
        name = names.get(system_id, f"#{system_id}")
        if reason:
            stale.append(_("%(name)s (%(reason)s)") % {"name": name, "reason": reason})
        elif next_review is not None and next_review < today:
            stale.append(
                _("%(name)s (review was due %(d)s)")
                % {"name": name, "d": date_format(next_review, "j M Y")}
            )
    if stale:
        return Finding(
            False,
            _("Impact assessments to repeat: %(list)s.") % {"list": "; ".join(stale)},
            _("Start a new version of each, review it and approve it."),
            process.url and f"{process.url}?review_needed=true",
        )
    return Finding(True, _("Every approved impact assessment is current."), url=process.url)


def _a5_process(facts: Facts) -> Finding:
    """A.5.2: the process is defined (the thresholds for sensitive and restricted uses are
    decided) and runs (6.1.4)."""
    process = _impact_process(facts)
    if not facts.thresholds_decided:
        return Finding(
            False,
            _("The thresholds for sensitive and restricted uses have not been decided."),
            _("Decide them on the impact assessments' thresholds page."),
            facts.url("impact_assessments:thresholds"),
        )
    return process


def _a5_reach(facts: Facts, index: int, what: str, todo: str) -> Finding:
    url = facts.url("impact_assessments:assessment_list")
    if not facts.impact:
        return Finding(False, _("No approved AI system impact assessment on record."), todo, url)
    names = {pk: str(name) for pk, name in facts.systems_in_scope.items()}
    short = sorted(
        names.get(system_id, f"#{system_id}")
        for system_id, reach in facts.impact_reach.items()
        if not reach[index]
    )
    if short:
        return Finding(
            False,
            ngettext(
                "%(n)s approved impact assessment does not consider %(what)s: %(names)s.",
                "%(n)s approved impact assessments do not consider %(what)s: %(names)s.",
                len(short),
            )
            % {"n": len(short), "what": what, "names": ", ".join(short)},
            todo,
            url,
        )
    return Finding(
        True,
        _("Every approved impact assessment considers %(what)s.") % {"what": what},
        url=url,
    )


def _a5_individuals(facts: Facts) -> Finding:
    """A.5.4: each approved assessment names the individuals or groups the system affects."""
    return _a5_reach(
        facts,
        0,
        _("individuals or groups"),
        _("In a new version, name the individuals or groups the system affects and their impacts."),
    )


def _a5_society(facts: Facts) -> Finding:
    """A.5.5: each approved assessment considers society or the environment."""
    return _a5_reach(
        facts,
        1,
        _("society or the environment"),
        _(
            "In a new version, consider the effects on society and the environment (a party "
            "of that kind, or a societal or environmental impact)."
        ),
    )


# --- Internal audit (9.2) --------------------------------------------------------------------

# An in-progress audit whose planned end passed this long ago without an approved report is
# late in reporting.
AUDIT_REPORT_GRACE_DAYS = 30
# Internal audits are held at least this often (the common yearly cycle).
AUDIT_INTERVAL_MONTHS = 12


def _day(value: datetime.date) -> str:
    return date_format(value, "j M Y")


def _internal_audit(facts: Facts) -> Finding:
    """9.2.1: internal audits are held as planned and reported: at least one held with an
    approved report within the interval, none planned that should have started, none held
    long ago still waiting for its report."""
    url = facts.url("audits:audit_list")
    audits = facts.audits
    if not audits:
        return Finding(
            False,
            _("No internal audit on record."),
            _("Plan internal audits in an audit programme and hold the first one."),
            facts.url("audits:programme_list"),
        )
    today = facts.today
    late = [a for a in audits if a.status == AuditStatus.PLANNED and a.planned_end < today]
    if late:
        return Finding(
            False,
            ngettext(
                "%(n)s audit was planned to be held by now and has not started: %(refs)s.",
                "%(n)s audits were planned to be held by now and have not started: %(refs)s.",
                len(late),
            )
            % {
                "n": len(late),
                "refs": ", ".join(
                    f"{a.reference} ({_('planned until')} {_day(a.planned_end)})" for a in late
                ),
            },
            _("Hold these audits, or re-plan them with new dates."),
            url,
        )
    grace = today - datetime.timedelta(days=AUDIT_REPORT_GRACE_DAYS)
    unreported = [
        a
        for a in audits
        if a.status == AuditStatus.IN_PROGRESS and a.planned_end < grace and not a.report_approved
    ]
    if unreported:
        return Finding(
            False,
            ngettext(
                "%(n)s audit ended over a month ago without an approved report: %(refs)s.",
                "%(n)s audits ended over a month ago without an approved report: %(refs)s.",
                len(unreported),
            )
            % {"n": len(unreported), "refs": ", ".join(a.reference for a in unreported)},
            _("Finish the checklist, write the report and have it approved."),
            url,
        )
    held = sorted(
        (a for a in audits if a.status in HELD_STATUSES and a.report_approved and a.held_on),
        key=lambda a: a.held_on,
    )
    if not held:
        return Finding(
            False,
            ngettext(
                "%(n)s internal audit on record; none held with an approved report yet.",
                "%(n)s internal audits on record; none held with an approved report yet.",
                len(audits),
            )
            % {"n": len(audits)},
            _("Hold the first planned audit and have its report approved."),
            url,
        )
    latest = held[-1]
    if latest.held_on < months_before(today, AUDIT_INTERVAL_MONTHS):
        return Finding(
            False,
            _("The last internal audit (%(ref)s) was held on %(day)s, over a year ago.")
            % {"ref": latest.reference, "day": _day(latest.held_on)},
            _("Hold the next audit of the programme."),
            url,
        )
    return Finding(
        True,
        ngettext(
            "%(n)s internal audit held with an approved report; the latest, %(ref)s, on %(day)s.",
            "%(n)s internal audits held with approved reports; the latest, %(ref)s, on %(day)s.",
            len(held),
        )
        % {"n": len(held), "ref": latest.reference, "day": _day(latest.held_on)},
        url=url,
    )


def _audit_programme(facts: Facts) -> Finding:
    """9.2.2: a programme covers today, and its audits cover every assessable clause and
    every Annex A control not marked not applicable over its period (three years at most
    between audits of the same area)."""
    current = [p for p in facts.programmes if p.period_start <= facts.today <= p.period_end]
    if not current:
        return Finding(
            False,
            _("No audit programme covers today."),
            _("Plan an audit programme over the coming years (three is usual)."),
            facts.url("audits:programme_add"),
        )
    programme = min(current, key=lambda p: len(p.uncovered))
    url = safe_url("audits:programme_detail", org=facts.organization.slug, pk=programme.pk)
    period = {
        "title": programme.title,
        "start": _day(programme.period_start),
        "end": _day(programme.period_end),
    }
    if programme.period_end > years_after(programme.period_start, COVERAGE_YEARS):
        return Finding(
            False,
            _(
                "The programme “%(title)s” runs from %(start)s to %(end)s: longer than three "
                "years, so an area could go unaudited for longer."
            )
            % period,
            _("Shorten the programme to three years and plan the next one after it."),
            url,
        )
    if programme.uncovered:
        shown = ", ".join(programme.uncovered[:12])
        more = len(programme.uncovered) - 12
        return Finding(
            False,
            ngettext(
                "The programme “%(title)s” leaves %(n)s clause or control unaudited: %(refs)s.",
                "The programme “%(title)s” leaves %(n)s clauses and controls unaudited: %(refs)s.",
                len(programme.uncovered),
            )
            % {**period, "n": len(programme.uncovered), "refs": shown + (" …" if more > 0 else "")},
            _("Plan audits that cover them within the programme's period."),
            safe_url("audits:audit_coverage", org=facts.organization.slug),
        )
    return Finding(
        True,
        _(
            "The programme “%(title)s” (%(start)s – %(end)s) plans audits of every clause "
            "and every applicable control."
        )
        % period,
        url=url,
    )


def audit_facts(*, organization: Organization, user: Any) -> tuple[list, list]:
    """The programmes (each with what its audits leave uncovered) and the audits, as
    ``user`` may see them: two queries."""
    covered_here = Q(
        Exists(
            Audit.clauses.through.objects.filter(
                audit__programme=OuterRef(OuterRef("pk")), requirement=OuterRef("pk")
            )
        )
    ) | Q(
        Exists(
            Audit.controls.through.objects.filter(
                audit__programme=OuterRef(OuterRef("pk")), requirement=OuterRef("pk")
            )
        )
    )
    excluded = Exists(
        ControlImplementation.objects.filter(
            organization=OuterRef(OuterRef("organization")),
            requirement=OuterRef("pk"),
            applicability=Applicability.NOT_APPLICABLE,
        )
    )
    uncovered = (
        Requirement.objects.filter(framework__code="iso42001", withdrawn=False)
        .filter(Q(kind=RequirementKind.CLAUSE, assessable=True) | Q(kind=RequirementKind.CONTROL))
        .exclude(covered_here)
        .exclude(excluded)
        .order_by("sort_key")
        .values("ref")
    )
    programmes = [
        ProgrammeFact(p.pk, p.title, p.period_start, p.period_end, list(p.uncovered_refs or []))
        for p in restrict(AuditProgramme.objects.all(), user, Action.VIEW)
        .filter(organization=organization)
        .annotate(uncovered_refs=ArraySubquery(uncovered))
        .only("pk", "title", "period_start", "period_end")
    ]
    approved = AuditReport.objects.filter(audit=OuterRef("pk"), status=DocumentStatus.APPROVED)
    audits = [
        AuditFact(
            a["pk"],
            a["number"],
            a["title"],
            a["status"],
            a["planned_end"],
            a["actual_end"] or a["actual_start"],
            a["report_approved"],
        )
        for a in restrict(Audit.objects.all(), user, Action.VIEW)
        .filter(organization=organization)
        .annotate(report_approved=Exists(approved))
        .values(
            "pk",
            "number",
            "title",
            "status",
            "planned_end",
            "actual_start",
            "actual_end",
            "report_approved",
        )
    ]
    return programmes, audits


RULES: dict[str, Callable[[Facts], Finding]] = {
    "4.1": _scope_field(
        "external_internal_issues", gettext_lazy("the external and internal issues")
    ),
    "4.2": _scope_field("interested_parties", gettext_lazy("the interested parties")),
    "4.3": _scope,
    "6.1.1": _criteria,
    "6.1.2": _risk_assessment_process,
    "6.1.3": _risk_treatment_process,
    "8.1": _operation,
    "8.2": _assessment,
    "8.3": _treatment,
    "6.1.4": _impact_process,
    "8.4": _impact_current,
    "9.2.1": _internal_audit,
    "9.2.2": _audit_programme,
}

# Annex A controls that a rule checks from the platform's records, by ref ("A.2.2"). The
# readiness page and report show each one's finding beside the control's SoA status; an
# applicable control whose rule is not fulfilled is not ready, whatever the SoA says.
CONTROL_RULES: dict[str, Callable[[Facts], Finding]] = {
    "A.5.2": _a5_process,
    "A.5.3": _impact_current,
    "A.5.4": _a5_individuals,
    "A.5.5": _a5_society,
}


def readiness_facts(
    *,
    organization: Organization,
    user: Any,
    soa_summary: dict[str, Any],
    system_ids: frozenset[int] | None = None,
) -> Facts:
    """Gather what the rules read: the approved scope, the criteria in force, the approved
    assessments with the systems they cover, then one query for every count. Records are
    those ``user`` may see (an auditor's engagement: the risks, actions and assessments it
    shows). ``system_ids``: an engagement of chosen AI systems, which 8.2 wants covered
    instead of the systems of the approved scope."""

    approved_scope, _draft = current_scope(organization=organization, user=user)
    today = timezone.localdate()
    criteria = (
        RiskCriteria.objects.filter(organization=organization, is_current=True)
        .select_related("created_by")
        .first()
    )
    assessed = list(
        restrict(RiskAssessment.objects.all(), user, Action.VIEW)
        .filter(organization=organization, status=AssessmentStatus.APPROVED)
        .order_by("-assessed_on", "-approved_at")
        .values("pk", "title", "assessed_on")
    )
    covers: dict[int, set[int]] = {a["pk"]: set() for a in assessed}
    if covers:
        through = RiskAssessment.ai_systems.through
        for assessment_id, system_id in through.objects.filter(
            riskassessment_id__in=list(covers)
        ).values_list("riskassessment_id", "aisystem_id"):
            covers[assessment_id].add(system_id)
    named = (
        {item["id"]: item["title"] for item in approved_scope.linked("ai_systems")}
        if (approved_scope is not None)
        else {}
    )
    systems_in_scope = {}
    if system_ids is not None:
        systems_in_scope = dict(
            restrict(AISystem.objects.all(), user, Action.VIEW)
            .filter(organization=organization, pk__in=sorted(system_ids))
            .exclude(status=SystemStatus.RETIRED)
            .values_list("pk", "name")
        )
    elif named:
        live = AISystem.objects.filter(organization=organization, pk__in=list(named)).exclude(
            status=SystemStatus.RETIRED
        )
        systems_in_scope = {pk: named[pk] for pk in live.values_list("pk", flat=True)}
    org = OuterRef("pk")
    soa = SoAVersion.objects.filter(organization=org, status=DocumentStatus.APPROVED)
    risks = restrict(Risk.objects.all(), user, Action.VIEW).filter(organization=org)
    actions = restrict(TreatmentAction.objects.all(), user, Action.VIEW).filter(
        risk__organization=org
    )
    open_actions = actions.filter(status__in=(ActionStatus.PLANNED, ActionStatus.IN_PROGRESS))
    row = (
        Organization.objects.filter(pk=organization.pk)
        .annotate(
            soa_pk=subquery_first(soa, "pk"),
            soa_number=subquery_first(soa, "number"),
            risks_total=subquery_count(risks),
            risks_identified=subquery_count(risks.filter(status=RiskStatus.IDENTIFIED)),
            risks_untreated=subquery_count(
                risks.filter(treatment_option="").exclude(status=RiskStatus.CLOSED)
            ),
            actions_total=subquery_count(actions.exclude(status=ActionStatus.CANCELLED)),
            actions_done=subquery_count(actions.filter(status=ActionStatus.DONE)),
            actions_overdue=subquery_count(open_actions.filter(due_date__lt=today)),
            actions_undated=subquery_count(open_actions.filter(Q(due_date__isnull=True))),
            thresholds_decided=Exists(
                restrict(UseThresholds.objects.all(), user, Action.VIEW).filter(organization=org)
            ),
        )
        .values()
        .get()
    )

    impact = {}
    impact_reach = {}
    assessment = OuterRef("pk")
    for pk, system_id, next_review, needed, reason, people, society in (
        restrict(ImpactAssessment.objects.all(), user, Action.VIEW)
        .filter(
            organization=organization,
            kind=AssessmentKind.IMPACT,
            status=DocumentStatus.APPROVED,
        )
        .annotate(
            people=Exists(
                AffectedParty.objects.filter(
                    assessment=assessment, kind__in=[PartyKind.INDIVIDUALS, PartyKind.GROUP]
                )
            ),
            society=Exists(
                AffectedParty.objects.filter(
                    assessment=assessment, kind__in=[PartyKind.SOCIETY, PartyKind.ENVIRONMENT]
                )
            )
            | Exists(
                Impact.objects.filter(
                    assessment=assessment,
                    area__in=[ImpactArea.SOCIETAL, ImpactArea.ENVIRONMENTAL],
                )
            ),
        )
        .values_list(
            "pk",
            "ai_system_id",
            "next_review_date",
            "review_needed",
            "review_reason",
            "people",
            "society",
        )
    ):
        impact[system_id] = (pk, next_review, (reason or _("review needed")) if needed else "")
        impact_reach[system_id] = (people, society)
    programmes, audits = audit_facts(organization=organization, user=user)
    if system_ids is not None:
        impact = {k: v for k, v in impact.items() if k in system_ids}
        impact_reach = {k: v for k, v in impact_reach.items() if k in system_ids}

    return Facts(
        organization=organization,
        scope=approved_scope,
        impact=impact,
        impact_reach=impact_reach,
        thresholds_decided=row["thresholds_decided"],
        programmes=programmes,
        audits=audits,
        criteria=criteria,
        risks={
            "total": row["risks_total"],
            "identified": row["risks_identified"],
            "untreated": row["risks_untreated"],
        },
        actions={
            "total": row["actions_total"],
            "done": row["actions_done"],
            "overdue": row["actions_overdue"],
            "undated": row["actions_undated"],
        },
        assessments=[
            Assessed(a["pk"], a["title"], a["assessed_on"], covers[a["pk"]]) for a in assessed
        ],
        soa=(
            SoAVersion(pk=row["soa_pk"], organization=organization, number=row["soa_number"])
            if row["soa_pk"] is not None
            else None
        ),
        soa_summary=soa_summary,
        today=today,
        systems_in_scope=systems_in_scope,
        systems_chosen=system_ids is not None,
    )


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
