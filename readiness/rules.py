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

from django.db.models import Exists, OuterRef, Q
from django.db.models.functions import Coalesce
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
from aims.organizations.models import (
    ClimateDecision,
    ContextIssue,
    ContextSide,
    InterestedParty,
    IssueCategory,
    IssueStatus,
    Organization,
    PartyRequirement,
)
from aims.organizations.services import current_scope
from audits.models import (
    COVERAGE_YEARS,
    HELD_STATUSES,
    OPEN_ACTION_STATUSES,
    REASSESS_SEVERITIES,
    REPORT_DAYS,
    Audit,
    AuditProgramme,
    AuditReport,
    AuditStatus,
    CommunicationStatus,
    CorrectiveAction,
    Incident,
    IncidentCommunication,
    Nonconformity,
    NonconformityStatus,
    Opportunity,
    OpportunityStatus,
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
from policies.documented import record_types
from policies.kpis import KPIStatus, kpi_status, measurement_due_from
from policies.models import (
    OPEN_CONCERN_STATUSES,
    AIMSProcess,
    AIMSResource,
    AIMSRole,
    AIObjective,
    ChangeStatus,
    ChannelAudience,
    CommunicationItem,
    CompetenceRequirement,
    Concern,
    ConcernChannel,
    ObjectiveGuides,
    ObjectiveStatus,
    OutsideDocument,
    OutsideDocumentStatus,
    PlannedChange,
    Policy,
    PolicyAcknowledgement,
    PolicyKind,
    RACIAssignment,
    ResourceStatus,
    RetentionRule,
)
from policies.models.objectives import PLAN_FIELDS, PURSUED
from policies.services.roles import CompetenceGaps, competence_gaps
from readiness.findings import Finding
from readiness.review_rules import REVIEW_RULES, ReviewFacts, review_facts
from risks.models import (
    ActionStatus,
    AssessmentStatus,
    Risk,
    RiskAssessment,
    RiskCriteria,
    RiskStatus,
    TreatmentAction,
)

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


# Clauses whose records belong to modules still to come: they rely on status + evidence.
# Every module has arrived: none is left (the mechanism stays for modules still to come).
LATER_MODULES: dict[str, Any] = {}


# --- Context of the organisation (4.1, 4.2) -----------------------------------------------


def _scope_names(facts: Facts, links: str) -> int | None:
    """How many register entries of ``links`` the approved scope names (None: no approved
    scope). Read from the links frozen at approval, so it costs no query."""
    if facts.scope is None:
        return None
    return len(facts.scope.linked(links))


def _issues(facts: Facts) -> Finding:
    """4.1: internal and external issues are on record, none is past its review date, the
    decision on climate change is recorded, and the approved scope considers the issues."""
    c = facts.context
    url = facts.url("organizations:issue_list")
    gaps, todos = [], []
    if not c.issues_internal and not c.issues_external:
        gaps.append(_("No internal or external issues are recorded."))
        todos.append(
            _("Record the issues inside and outside the organisation that bear on the AIMS.")
        )
    elif not c.issues_internal or not c.issues_external:
        gaps.append(
            _("No internal issue is recorded.")
            if not c.issues_internal
            else _("No external issue is recorded.")
        )
        todos.append(_("Record the missing side: both internal and external issues count."))
    if c.issues_overdue:
        gaps.append(
            ngettext(
                "%(n)s issue is past its review date.",
                "%(n)s issues are past their review date.",
                c.issues_overdue,
            )
            % {"n": c.issues_overdue}
        )
        todos.append(_("Review the overdue issues and set their next review date."))
        url = f"{url}?review_overdue=true" if url else url
    if c.climate_pk is None:
        gaps.append(_("Whether climate change is a relevant issue is not decided."))
        todos.append(_("Record the decision on climate change, with its reasoning."))
    named = _scope_names(facts, "issues")
    if (c.issues_internal or c.issues_external) and not named:
        gaps.append(
            _("No approved scope considers the issues yet.")
            if named is None
            else _("The approved scope (v%(n)s) names none of the issues.")
            % {"n": facts.scope.number}
        )
        todos.append(_("Name the issues the scope takes into account in its next version."))
    if gaps:
        return Finding(False, " ".join(gaps), " ".join(todos), url)
    climate = _("relevant") if c.climate_relevant else _("not relevant")
    return Finding(
        True,
        _(
            "%(internal)s internal and %(external)s external issues on record, none overdue "
            "for review; climate change decided %(climate)s on %(day)s; the approved scope "
            "(v%(v)s) considers %(named)s of them."
        )
        % {
            "internal": c.issues_internal,
            "external": c.issues_external,
            "climate": climate,
            "day": date_format(c.climate_decided_on, "j M Y"),
            "v": facts.scope.number,
            "named": named,
        },
        url=url,
    )


def _parties(facts: Facts) -> Finding:
    """4.2: interested parties are on record, each with its requirements, each requirement
    with a decision on whether the AIMS addresses it, and the approved scope considers them."""
    c = facts.context
    url = facts.url("organizations:party_list")
    if not c.parties:
        return Finding(
            False,
            _("No interested parties are recorded."),
            _("Record the interested parties and what each of them requires."),
            url,
        )
    gaps, todos = [], []
    if c.parties_without_requirements:
        gaps.append(
            ngettext(
                "%(n)s interested party has no requirement recorded.",
                "%(n)s interested parties have no requirement recorded.",
                c.parties_without_requirements,
            )
            % {"n": c.parties_without_requirements}
        )
        todos.append(_("Record what each party requires, or remove parties that do not matter."))
    if c.requirements_undecided:
        gaps.append(
            ngettext(
                "%(n)s requirement has no decision on whether the AIMS addresses it.",
                "%(n)s requirements have no decision on whether the AIMS addresses them.",
                c.requirements_undecided,
            )
            % {"n": c.requirements_undecided}
        )
        todos.append(_("Decide for each requirement whether the AIMS takes it on, and say how."))
        url = f"{url}?undecided=true" if url else url
    named = _scope_names(facts, "parties")
    if not named:
        gaps.append(
            _("No approved scope considers the interested parties yet.")
            if named is None
            else _("The approved scope (v%(n)s) names none of the interested parties.")
            % {"n": facts.scope.number}
        )
        todos.append(_("Name the parties the scope takes into account in its next version."))
    if gaps:
        return Finding(False, " ".join(gaps), " ".join(todos), url)
    return Finding(
        True,
        ngettext(
            "%(n)s interested party on record",
            "%(n)s interested parties on record",
            c.parties,
        )
        % {"n": c.parties}
        + ngettext(
            " with %(r)s requirement, decided;",
            " with %(r)s requirements, each decided;",
            c.requirements,
        )
        % {"r": c.requirements}
        + " "
        + _("the approved scope (v%(v)s) considers %(named)s of them.")
        % {"v": facts.scope.number, "named": named},
        url=url,
    )


def context_counts(*, user: Any, today: datetime.date) -> dict[str, Any]:
    """The context registers' counts and the climate decision in force, over the records
    ``user`` may see: annotations of the organisation row ``readiness_facts`` reads."""
    org = OuterRef("pk")
    issues = (
        restrict(ContextIssue.objects.all(), user, Action.VIEW)
        .filter(organization=org)
        .exclude(status=IssueStatus.CLOSED)
    )
    parties = restrict(InterestedParty.objects.all(), user, Action.VIEW).filter(organization=org)
    requirements = restrict(PartyRequirement.objects.all(), user, Action.VIEW).filter(
        party__organization=org
    )
    climate = (
        restrict(ClimateDecision.objects.all(), user, Action.VIEW)
        .filter(organization=org)
        .order_by("-decided_on", "-pk")
    )
    return dict(
        issues_internal=subquery_count(issues.filter(kind=ContextSide.INTERNAL)),
        issues_external=subquery_count(issues.filter(kind=ContextSide.EXTERNAL)),
        issues_overdue=subquery_count(issues.filter(next_review_date__lt=today)),
        issues_environmental=subquery_count(issues.filter(category=IssueCategory.ENVIRONMENTAL)),
        climate_pk=subquery_first(climate, "pk"),
        climate_relevant=subquery_first(climate, "relevant"),
        climate_decided_on=subquery_first(climate, "decided_on"),
        parties_total=subquery_count(parties),
        parties_bare=subquery_count(parties.filter(requirements__isnull=True)),
        requirements_total=subquery_count(requirements),
        requirements_undecided=subquery_count(requirements.filter(addressed="")),
    )


def org_row(organization: Organization, counts: dict[str, Any]) -> dict[str, Any]:
    """One area's counts for one organisation on their own (one query); ``readiness_facts``
    folds every area's into a single row instead."""
    return Organization.objects.filter(pk=organization.pk).annotate(**counts).values(*counts).get()


def context_facts(*, organization: Organization, user: Any, today: datetime.date) -> ContextFacts:
    return context_facts_from(org_row(organization, context_counts(user=user, today=today)))


def context_facts_from(row: dict[str, Any]) -> ContextFacts:
    """``ContextFacts`` from the values ``context_counts`` annotated."""
    return ContextFacts(
        issues_internal=row["issues_internal"],
        issues_external=row["issues_external"],
        issues_overdue=row["issues_overdue"],
        issues_environmental=row["issues_environmental"],
        climate_pk=row["climate_pk"],
        climate_relevant=row["climate_relevant"],
        climate_decided_on=row["climate_decided_on"],
        parties=row["parties_total"],
        parties_without_requirements=row["parties_bare"],
        requirements=row["requirements_total"],
        requirements_undecided=row["requirements_undecided"],
    )


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


# --- Improvement: nonconformities (10.2) and incidents (A.8.4) --------------------------------

# How long a nonconformity may stay open with no corrective action, and wait for its
# effectiveness check once its actions are finished, before readiness calls it stalled.
NONCONFORMITY_ACTION_DAYS = 60
NONCONFORMITY_CHECK_DAYS = 30
# How long a suggestion may wait for its decision.
OPPORTUNITY_DECISION_DAYS = 60


def _improvement(facts: Facts) -> Finding:
    """10.1: the AIMS improves: opportunities are recorded, decided in time, and at least
    one was carried out in the last twelve months."""
    counts = facts.improvement
    url = facts.url("audits:opportunity_list")
    if not counts.get("ofi_total"):
        return Finding(
            False,
            _("No opportunity for improvement on record."),
            _("Record the improvements the AIMS considers and makes, with their decisions."),
            url,
        )
    if counts.get("ofi_waiting"):
        return Finding(
            False,
            ngettext(
                "%(n)s suggestion has waited over %(days)s days for a decision.",
                "%(n)s suggestions have waited over %(days)s days for a decision.",
                counts["ofi_waiting"],
            )
            % {"n": counts["ofi_waiting"], "days": OPPORTUNITY_DECISION_DAYS},
            _("Decide on them, with the reasons."),
            url and f"{url}?status=proposed",
        )
    if not counts.get("ofi_done_year"):
        return Finding(
            False,
            _("No improvement was carried out in the last twelve months."),
            _("Carry out an accepted opportunity and record what it brought."),
            url,
        )
    return Finding(
        True,
        ngettext(
            "%(n)s improvement carried out in the last twelve months; suggestions decided in time.",
            "%(n)s improvements carried out in the last twelve months; suggestions decided in time.",
            counts["ofi_done_year"],
        )
        % {"n": counts["ofi_done_year"]},
        url=url,
    )


def _nonconformity(facts: Facts) -> Finding:
    """10.2: nonconformities are acted on: no corrective action overdue, none left without
    action or waiting for its effectiveness check too long."""
    counts = facts.improvement
    url = facts.url("audits:nonconformity_list")
    todo: list[str] = []
    found: list[str] = []
    if counts.get("corrective_overdue"):
        found.append(
            ngettext(
                "%(n)s corrective action is overdue.",
                "%(n)s corrective actions are overdue.",
                counts["corrective_overdue"],
            )
            % {"n": counts["corrective_overdue"]}
        )
        todo.append(_("Finish the overdue corrective actions or give them a new due date."))
    if counts.get("nc_stalled"):
        found.append(
            ngettext(
                "%(n)s nonconformity has been open for over %(days)s days with no corrective action.",
                "%(n)s nonconformities have been open for over %(days)s days with no corrective action.",
                counts["nc_stalled"],
            )
            % {"n": counts["nc_stalled"], "days": NONCONFORMITY_ACTION_DAYS}
        )
        todo.append(_("Analyse the root cause and plan corrective actions."))
    if counts.get("nc_unchecked"):
        found.append(
            ngettext(
                "%(n)s nonconformity has waited over %(days)s days for its effectiveness check.",
                "%(n)s nonconformities have waited over %(days)s days for their effectiveness check.",
                counts["nc_unchecked"],
            )
            % {"n": counts["nc_unchecked"], "days": NONCONFORMITY_CHECK_DAYS}
        )
        todo.append(_("Check whether the finished actions worked, and record it."))
    if found:
        return Finding(False, " ".join(found), " ".join(todo), url)
    total, open_ = counts.get("nc_total", 0), counts.get("nc_open", 0)
    if not total:
        return Finding(
            True,
            _("No nonconformity on record; the register is in place to receive them."),
            url=url,
        )
    return Finding(
        True,
        ngettext(
            "%(n)s nonconformity on record, %(open)s open, every corrective action on schedule.",
            "%(n)s nonconformities on record, %(open)s open, every corrective action on schedule.",
            total,
        )
        % {"n": total, "open": open_},
        url=url,
    )


def _incident_communication(facts: Facts) -> Finding:
    """A.8.4: severe incidents are communicated, and EU serious incidents reported in time."""
    counts = facts.improvement
    url = facts.url("audits:incident_list")
    found, todo = [], []
    if counts.get("incidents_silent"):
        found.append(
            ngettext(
                "%(n)s high, critical or EU-serious incident has no communication done.",
                "%(n)s high, critical or EU-serious incidents have no communication done.",
                counts["incidents_silent"],
            )
            % {"n": counts["incidents_silent"]}
        )
        todo.append(_("Tell the people concerned and log it on the incident."))
    if counts.get("reports_overdue"):
        found.append(
            ngettext(
                "%(n)s EU AI Act serious-incident report is overdue.",
                "%(n)s EU AI Act serious-incident reports are overdue.",
                counts["reports_overdue"],
            )
            % {"n": counts["reports_overdue"]}
        )
        todo.append(_("Report to the market surveillance authority and record it."))
    if found:
        return Finding(
            False, " ".join(found), " ".join(todo), f"{url}?serious=true" if url else url
        )
    return Finding(
        True,
        ngettext(
            "%(n)s incident on record; the severe ones were communicated and reported in time.",
            "%(n)s incidents on record; the severe ones were communicated and reported in time.",
            counts.get("incidents_total", 0),
        )
        % {"n": counts.get("incidents_total", 0)},
        url=url,
    )


# --- 6.2 AI objectives, 7.4 communication ----------------------------------------------------


def _objective_names(objectives: list[ObjectiveFact]) -> str:
    return ", ".join(f"“{o.title}”" for o in objectives[:5]) + (
        _(" and %(n)s more") % {"n": len(objectives) - 5} if len(objectives) > 5 else ""
    )


def _objectives(facts: Facts) -> Finding:
    """6.2: measurable objectives exist, each pursued one with an owner and a complete plan
    (what, resources, who, when, how evaluated), and every active one measured in its
    period (``policies.kpis``). A target is always there: the model requires one."""
    url = facts.url("policies:objective_list")
    objectives = facts.objectives
    if not objectives:
        return Finding(
            False,
            _("No AI objectives on record."),
            _("Set measurable AI objectives, each with a target, an owner and a plan."),
            url,
        )
    if not any(o.active for o in objectives):
        return Finding(
            False,
            _("%(n)s AI objectives are planned; none is active yet.") % {"n": len(objectives)},
            _("Start pursuing the objectives: mark them active and measure them."),
            url,
        )
    unowned = [o for o in objectives if not o.has_owner]
    unplanned = [o for o in objectives if not o.plan_complete]
    unmeasured = [o for o in objectives if o.unmeasured]
    todo = []
    if unowned:
        todo.append(_("Name an owner for %(names)s.") % {"names": _objective_names(unowned)})
    if unplanned:
        todo.append(
            _("Complete the plan (what, resources, who, when, how evaluated) of %(names)s.")
            % {"names": _objective_names(unplanned)}
        )
    if unmeasured:
        todo.append(
            _("Record this period’s measurement of %(names)s.")
            % {"names": _objective_names(unmeasured)}
        )
    found = ngettext(
        "%(n)s AI objective: %(o)s without an owner, %(p)s with an incomplete plan, "
        "%(m)s not measured in its period.",
        "%(n)s AI objectives: %(o)s without an owner, %(p)s with an incomplete plan, "
        "%(m)s not measured in their period.",
        len(objectives),
    ) % {"n": len(objectives), "o": len(unowned), "p": len(unplanned), "m": len(unmeasured)}
    if todo:
        return Finding(False, found, " ".join(str(t) for t in todo), url)
    return Finding(
        True,
        ngettext(
            "%(n)s AI objective with a target, an owner and a plan, measured in its period.",
            "%(n)s AI objectives with targets, owners and plans, each measured in its period.",
            len(objectives),
        )
        % {"n": len(objectives)},
        url=url,
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


def _communication(facts: Facts) -> Finding:
    """7.4: a communication plan exists, each item with an owner, none overdue."""
    url = facts.url("policies:communication_list")
    plan = facts.communication
    total, unowned, overdue = plan.get("total", 0), plan.get("unowned", 0), plan.get("overdue", 0)
    if not total:
        return Finding(
            False,
            _("No communication plan on record."),
            _("Plan what is communicated about the AIMS, when, to whom, how and by whom."),
            url,
        )
    found = ngettext(
        "%(n)s planned communication: %(u)s without an owner, %(o)s overdue.",
        "%(n)s planned communications: %(u)s without an owner, %(o)s overdue.",
        total,
    ) % {"n": total, "u": unowned, "o": overdue}
    if unowned or overdue:
        todo = []
        if unowned:
            todo.append(_("Give every communication an owner."))
        if overdue:
            todo.append(
                _("Carry out the overdue communications and mark them done, or re-plan them.")
            )
        overdue_url = f"{url}?overdue=true" if url and overdue else url
        return Finding(False, found, " ".join(str(t) for t in todo), overdue_url)
    return Finding(True, found, url=url)


def _objectives_for(guides: str, label: Any) -> Callable[[Facts], Finding]:
    """A.6.1.2 / A.9.3: pursued objectives that guide responsible development (or use) of
    AI systems, linked to the Annex C objectives they serve, with an owner."""

    def rule(facts: Facts) -> Finding:
        url = facts.url("policies:objective_list")
        relevant = [o for o in facts.objectives if o.guides in (guides, ObjectiveGuides.BOTH)]
        if not relevant:
            return Finding(
                False,
                _("No pursued AI objective guides %(what)s.") % {"what": label},
                _("Set objectives for %(what)s and link each to the Annex C objectives it serves.")
                % {"what": label},
                url,
            )
        unlinked = [o for o in relevant if not o.annex_c]
        unowned = [o for o in relevant if not o.has_owner]
        if unlinked or unowned:
            todo = []
            if unlinked:
                todo.append(
                    _("Link %(names)s to the Annex C objectives they serve.")
                    % {"names": _objective_names(unlinked)}
                )
            if unowned:
                todo.append(
                    _("Name an owner for %(names)s.") % {"names": _objective_names(unowned)}
                )
            return Finding(
                False,
                _(
                    "%(n)s objectives guide %(what)s; %(l)s not linked to Annex C, %(o)s without an owner."
                )
                % {"n": len(relevant), "what": label, "l": len(unlinked), "o": len(unowned)},
                " ".join(str(t) for t in todo),
                url,
            )
        return Finding(
            True,
            ngettext(
                "%(n)s owned objective guides %(what)s, linked to Annex C.",
                "%(n)s owned objectives guide %(what)s, each linked to Annex C.",
                len(relevant),
            )
            % {"n": len(relevant), "what": label},
            url=url,
        )

    return rule


# --- 4.4, 5.3, 7.2: AIMS processes, roles and competence (policies: roles) ------------------


def _processes(facts: Facts) -> Finding:
    """4.4: the AIMS processes are recorded, each with an owner."""
    url = facts.url("policies:process_list")
    counts = facts.aims_roles
    total, unowned = counts.get("processes_total", 0), counts.get("processes_unowned", 0)
    if not total:
        return Finding(
            False,
            _("No AIMS processes recorded."),
            _("Record the processes the AIMS runs, how they work together and who owns each."),
            url,
        )
    if unowned:
        return Finding(
            False,
            ngettext(
                "%(n)s of %(t)s AIMS processes has no owner.",
                "%(n)s of %(t)s AIMS processes have no owner.",
                unowned,
            )
            % {"n": unowned, "t": total},
            _("Give each process an owner who answers for it."),
            url and f"{url}?has_owner=false",
        )
    return Finding(
        True,
        ngettext(
            "%(t)s AIMS process recorded, with its owner.",
            "%(t)s AIMS processes recorded, each with an owner.",
            total,
        )
        % {"t": total},
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


def _roles(facts: Facts) -> Finding:
    """5.3 (and A.3.2): roles with their responsibilities (required on every role) and the
    people in them; each process with exactly one accountable role in the RACI."""
    url = facts.url("policies:role_list")
    counts = facts.aims_roles
    total, unstaffed = counts.get("roles_total", 0), counts.get("roles_unstaffed", 0)
    processes = counts.get("processes_total", 0)
    no_accountable = counts.get("processes_no_accountable", 0)
    if not total:
        return Finding(
            False,
            _("No AIMS roles recorded."),
            _("Record the AIMS roles with their responsibilities and authorities."),
            url,
        )
    todo = []
    if unstaffed:
        todo.append(
            ngettext(
                "Assign people to the role that has nobody.",
                "Assign people to the %(n)s roles that have nobody.",
                unstaffed,
            )
            % {"n": unstaffed}
        )
    if not processes:
        todo.append(_("Record the AIMS processes so the RACI matrix can say who answers for each."))
    elif no_accountable:
        todo.append(
            ngettext(
                "Name the accountable role of the process that has none in the RACI matrix.",
                "Name the accountable role of the %(n)s processes that have none in the RACI matrix.",
                no_accountable,
            )
            % {"n": no_accountable}
        )
    found = ngettext(
        "%(t)s AIMS role, %(u)s without people; %(a)s of %(p)s processes without an accountable role.",
        "%(t)s AIMS roles, %(u)s without people; %(a)s of %(p)s processes without an accountable role.",
        total,
    ) % {"t": total, "u": unstaffed, "a": no_accountable, "p": processes}
    if todo:
        raci = facts.url("policies:raci")
        return Finding(False, found, " ".join(str(t) for t in todo), raci if processes else url)
    return Finding(
        True,
        ngettext(
            "%(t)s AIMS role with people assigned; each of %(p)s processes has one accountable role.",
            "%(t)s AIMS roles with people assigned; each of %(p)s processes has one accountable role.",
            total,
        )
        % {"t": total, "p": processes},
        url=facts.url("policies:raci") or url,
    )


def _competence(facts: Facts) -> Finding:
    """7.2 (and A.4.6): requirements set for every role that has people, and every person
    in a role holding a current record for each of them (none missing, none expired)."""
    url = facts.url("policies:competence")
    counts = facts.aims_roles
    staffed = counts.get("roles_staffed", 0)
    without = counts.get("roles_without_requirements", 0)
    if not staffed:
        return Finding(
            False,
            _("No AIMS role has people in it yet, so no competence can be checked."),
            _("Assign people to the AIMS roles, then say what each role requires."),
            facts.url("policies:role_list") or url,
        )
    gaps = facts.competence
    missing, expired = len(gaps.missing), len(gaps.expired)
    todo = []
    if without:
        todo.append(
            ngettext(
                "Define the competence the role with people but no requirements needs.",
                "Define the competence the %(n)s roles with people but no requirements need.",
                without,
            )
            % {"n": without}
        )
    if missing:
        todo.append(
            ngettext(
                "Record the training or qualification that is missing (%(n)s gap).",
                "Record the training or qualifications that are missing (%(n)s gaps).",
                missing,
            )
            % {"n": missing}
        )
    if expired:
        todo.append(
            ngettext(
                "Renew the expired record (%(n)s).",
                "Renew the %(n)s expired records.",
                expired,
            )
            % {"n": expired}
        )
    checks = len(gaps.cells)
    if todo:
        found = _(
            "%(checks)s person × requirement checks: %(m)s missing, %(e)s expired; "
            "%(w)s role(s) with people but no requirements."
        ) % {"checks": checks, "m": missing, "e": expired, "w": without}
        return Finding(False, found, " ".join(str(t) for t in todo), url)
    return Finding(
        True,
        ngettext(
            "Every person in a role holds a current record for its requirements (%(n)s check).",
            "Every person in a role holds a current record for its requirements (%(n)s checks).",
            checks,
        )
        % {"n": checks},
        url=url,
    )


def audit_facts(*, organization: Organization, user: Any) -> tuple[list, list]:
    """The programmes (each with what its audits leave uncovered) and the audits, as
    ``user`` may see them: two queries, and two more when a programme exists (what its
    audits cover, and the clauses and controls to cover). Portable SQL: the embedded
    default runs on SQLite."""
    found = list(
        restrict(AuditProgramme.objects.all(), user, Action.VIEW)
        .filter(organization=organization)
        .values_list("pk", "title", "period_start", "period_end")
    )
    covered: dict[int, set[str]] = {pk: set() for pk, *_rest in found}
    to_cover: list[str] = []
    if found:
        ids = list(covered)
        clauses = Audit.clauses.through.objects.filter(audit__programme__in=ids).values_list(
            "audit__programme_id", "requirement__ref"
        )
        controls = Audit.controls.through.objects.filter(audit__programme__in=ids).values_list(
            "audit__programme_id", "requirement__ref"
        )
        for programme_id, ref in clauses.union(controls, all=True):
            covered[programme_id].add(ref)
        excluded = ControlImplementation.objects.filter(
            organization=organization,
            requirement=OuterRef("pk"),
            applicability=Applicability.NOT_APPLICABLE,
        )
        to_cover = list(
            Requirement.objects.filter(framework__code="iso42001", withdrawn=False)
            .filter(
                Q(kind=RequirementKind.CLAUSE, assessable=True) | Q(kind=RequirementKind.CONTROL)
            )
            .exclude(Exists(excluded))
            .order_by("sort_key")
            .values_list("ref", flat=True)
        )
    programmes = [
        ProgrammeFact(pk, title, begins, ends, [r for r in to_cover if r not in covered[pk]])
        for pk, title, begins, ends in found
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
}


IMPROVEMENT_COUNTS = (
    "nc_total",
    "nc_open",
    "nc_stalled",
    "nc_unchecked",
    "corrective_overdue",
    "incidents_total",
    "incidents_silent",
    "reports_overdue",
    "ofi_total",
    "ofi_waiting",
    "ofi_done_year",
)


def _improvement_counts(*, user: Any, org: Any, now: datetime.datetime) -> dict[str, Any]:
    """Subquery counts of nonconformities and incidents (the organisation row's annotations)."""
    today = timezone.localdate()
    ncs = restrict(Nonconformity.objects.all(), user, Action.VIEW).filter(organization=org)
    open_ncs = ncs.exclude(status=NonconformityStatus.CLOSED)
    actions = restrict(CorrectiveAction.objects.all(), user, Action.VIEW).filter(
        nonconformity__organization=org, status__in=OPEN_ACTION_STATUSES
    )
    incidents = restrict(Incident.objects.all(), user, Action.VIEW).filter(organization=org)
    ideas = restrict(Opportunity.objects.all(), user, Action.VIEW).filter(organization=org)
    severe = incidents.filter(Q(severity__in=REASSESS_SEVERITIES) | ~Q(serious_incident="")).filter(
        ~Exists(
            IncidentCommunication.objects.filter(
                incident=OuterRef("pk"), status=CommunicationStatus.DONE
            )
        )
    )
    since = Coalesce("aware_at", "detected_at")
    late = Q()
    for kind, days in REPORT_DAYS.items():
        late |= Q(serious_incident=kind, since__lt=now - datetime.timedelta(days=days))
    overdue = incidents.filter(reported_at__isnull=True).annotate(since=since).filter(late)
    return {
        "nc_total": subquery_count(ncs),
        "nc_open": subquery_count(open_ncs),
        "nc_stalled": subquery_count(
            open_ncs.filter(
                status=NonconformityStatus.OPEN,
                found_on__lt=today - datetime.timedelta(days=NONCONFORMITY_ACTION_DAYS),
            )
        ),
        "nc_unchecked": subquery_count(
            open_ncs.filter(
                status=NonconformityStatus.VERIFYING,
                updated_at__lt=now - datetime.timedelta(days=NONCONFORMITY_CHECK_DAYS),
            )
        ),
        "corrective_overdue": subquery_count(actions.filter(due_date__lt=today)),
        "incidents_total": subquery_count(incidents),
        "incidents_silent": subquery_count(severe),
        "reports_overdue": subquery_count(overdue),
        "ofi_total": subquery_count(ideas),
        "ofi_waiting": subquery_count(
            ideas.filter(
                status=OpportunityStatus.PROPOSED,
                raised_on__lt=today - datetime.timedelta(days=OPPORTUNITY_DECISION_DAYS),
            )
        ),
        "ofi_done_year": subquery_count(
            ideas.filter(
                status=OpportunityStatus.IMPLEMENTED, implemented_on__gte=months_before(today, 12)
            )
        ),
    }


# --- Support: planned changes (6.3), resources (7.1), documented information (7.5.3) and
# the reporting of concerns (A.3.3) and of adverse impacts from outside (A.8.3), from the
# policies app's support area -------------------------------------------------------------

# How long a concern may stay open (received or under review) before it counts as unhandled.
CONCERN_HANDLING_DAYS = 30


def support_counts(*, user: Any, today: datetime.date) -> dict[str, Any]:
    """The support area's counts, as far as ``user`` may see them: annotations of the
    organisation row ``readiness_facts`` reads."""
    org = OuterRef("pk")

    def seen(model):
        return restrict(model.objects.all(), user, Action.VIEW).filter(organization=org)

    changes = seen(PlannedChange)
    resources = seen(AIMSResource)
    concerns = seen(Concern)
    open_concerns = concerns.filter(status__in=OPEN_CONCERN_STATUSES)
    late = timezone.now() - datetime.timedelta(days=CONCERN_HANDLING_DAYS)
    external = seen(ConcernChannel).filter(audience=ChannelAudience.EXTERNAL)
    # Reports from outside (A.8.3): their reporter said how they relate to the organisation.
    outside = concerns.exclude(reporter_relationship="")
    outside_open = outside.filter(status__in=OPEN_CONCERN_STATUSES)
    counts = dict(
        changes_total=subquery_count(changes),
        changes_implemented=subquery_count(changes.filter(status=ChangeStatus.IMPLEMENTED)),
        changes_waiting=subquery_count(
            changes.filter(status=ChangeStatus.PROPOSED, planned_date__lt=today)
        ),
        changes_overdue=subquery_count(
            changes.filter(status=ChangeStatus.APPROVED, planned_date__lt=today)
        ),
        resources_total=subquery_count(resources),
        resources_overdue=subquery_count(resources.filter(review_date__lt=today)),
        resources_undated=subquery_count(resources.filter(review_date__isnull=True)),
        resources_committed=subquery_count(resources.filter(status=ResourceStatus.COMMITTED)),
        outside_current=subquery_count(
            seen(OutsideDocument).filter(status=OutsideDocumentStatus.CURRENT)
        ),
        channels=subquery_count(seen(ConcernChannel)),
        channels_open=subquery_count(seen(ConcernChannel).filter(anonymous_enabled=True)),
        concerns_total=subquery_count(concerns),
        concerns_open=subquery_count(open_concerns),
        concerns_late=subquery_count(open_concerns.filter(created_at__lt=late)),
        channels_external=subquery_count(external),
        channels_external_open=subquery_count(external.filter(anonymous_enabled=True)),
        outside_total=subquery_count(outside),
        outside_open=subquery_count(outside_open),
        outside_late=subquery_count(outside_open.filter(created_at__lt=late)),
    )
    return counts


def support_facts(*, organization: Organization, user: Any, today: datetime.date) -> dict:
    return support_facts_from(
        org_row(organization, support_counts(user=user, today=today)),
        organization=organization,
        user=user,
    )


def support_facts_from(
    row: dict[str, Any], *, organization: Organization, user: Any
) -> dict[str, Any]:
    """The support facts: the counts ``support_counts`` annotated, and the record types
    without a retention rule (one query)."""
    facts = dict(row)
    ruled = set(
        restrict(RetentionRule.objects.all(), user, Action.VIEW)
        .filter(organization=organization)
        .values_list("record_type", flat=True)
    )
    facts["unruled_types"] = [t.name for t in record_types() if t.label not in ruled]
    return facts


def _changes(facts: Facts) -> Finding:
    """6.3: changes to the AIMS are planned: proposed with their purpose and consequences,
    decided by someone other than the proposer, implemented only once approved (the
    database refuses anything else), and none left waiting past its planned date."""
    url = facts.url("policies:change_list")
    s = facts.support
    total = s.get("changes_total", 0)
    if not total:
        return Finding(
            False,
            _("No planned change to the AIMS is on record."),
            _(
                "Record the changes made to the AIMS (scope, processes, tools) with their "
                "purpose and consequences, and have each approved before it is carried out."
            ),
            url,
        )
    found = ngettext(
        "%(t)s planned change, %(i)s implemented after approval.",
        "%(t)s planned changes, %(i)s implemented after approval.",
        total,
    ) % {"t": total, "i": s.get("changes_implemented", 0)}
    todo = []
    if s.get("changes_waiting"):
        todo.append(
            ngettext(
                "Decide the proposed change whose planned date has passed.",
                "Decide the %(n)s proposed changes whose planned date has passed.",
                s["changes_waiting"],
            )
            % {"n": s["changes_waiting"]}
        )
    if s.get("changes_overdue"):
        todo.append(
            ngettext(
                "Implement the approved change past its planned date, or re-plan it.",
                "Implement the %(n)s approved changes past their planned date, or re-plan them.",
                s["changes_overdue"],
            )
            % {"n": s["changes_overdue"]}
        )
    if todo:
        return Finding(False, found, " ".join(str(t) for t in todo), url)
    return Finding(True, found, url=url)


def _resources(facts: Facts) -> Finding:
    """7.1: the resources the AIMS needs are determined, each with a review date, none past it."""
    url = facts.url("policies:resource_list")
    s = facts.support
    total = s.get("resources_total", 0)
    if not total:
        return Finding(
            False,
            _("No resources for the AIMS are recorded."),
            _("Record what the AIMS needs: people's time, budget, tooling, compute, expertise."),
            url,
        )
    found = ngettext(
        "%(t)s resource recorded, %(c)s committed.",
        "%(t)s resources recorded, %(c)s committed.",
        total,
    ) % {"t": total, "c": s.get("resources_committed", 0)}
    todo = []
    if s.get("resources_overdue"):
        todo.append(
            ngettext(
                "Review the resource past its review date.",
                "Review the %(n)s resources past their review date.",
                s["resources_overdue"],
            )
            % {"n": s["resources_overdue"]}
        )
    if s.get("resources_undated"):
        todo.append(
            ngettext(
                "Give a review date to the resource that has none.",
                "Give review dates to the %(n)s resources that have none.",
                s["resources_undated"],
            )
            % {"n": s["resources_undated"]}
        )
    if todo:
        return Finding(
            False,
            found,
            " ".join(str(t) for t in todo),
            f"{url}?review_overdue=true" if url and s.get("resources_overdue") else url,
        )
    return Finding(True, found, url=url)


def _documented_information(facts: Facts) -> Finding:
    """7.5.3: every kind of documented information the product keeps has a retention period
    and a disposal method, and the register of documents kept elsewhere is in use."""
    url = facts.url("policies:document_register")
    s = facts.support
    missing = s.get("unruled_types", [])
    todo = []
    if missing:
        todo.append(
            _("Set the retention period and disposal of: %(kinds)s.")
            % {"kinds": ", ".join(missing)}
        )
    if not s.get("outside_current", 0):
        todo.append(
            _(
                "List the documented information kept outside the product (contracts, "
                "technical files, HR records) in the register."
            )
        )
    if todo:
        found = (
            ngettext(
                "%(n)s kind of record has no retention rule.",
                "%(n)s kinds of record have no retention rule.",
                len(missing),
            )
            % {"n": len(missing)}
            if missing
            else _("Every kind of record the product keeps has a retention rule.")
        )
        if not s.get("outside_current", 0):
            found = f"{found} {_('No outside document is registered.')}"
        return Finding(False, found, " ".join(str(t) for t in todo), url)
    return Finding(
        True,
        ngettext(
            "Retention and disposal set for every kind of record; %(n)s outside document registered.",
            "Retention and disposal set for every kind of record; %(n)s outside documents registered.",
            s["outside_current"],
        )
        % {"n": s["outside_current"]},
        url=url,
    )


def _concerns(facts: Facts) -> Finding:
    """A.3.3: a way to report concerns is set up (a reporting link, open or not, records the
    officer's decision) and concerns are handled: none open longer than the handling time."""
    url = facts.url("policies:concern_list")
    s = facts.support
    if not s.get("channels", 0):
        return Finding(
            False,
            _("No reporting channel for concerns is set up."),
            _(
                "Set up the reporting channel: decide whether people without an account may "
                "report anonymously through a secret link, and who handles concerns."
            ),
            url,
        )
    late = s.get("concerns_late", 0)
    found = ngettext(
        "%(t)s concern received, %(o)s open.",
        "%(t)s concerns received, %(o)s open.",
        s.get("concerns_total", 0),
    ) % {"t": s.get("concerns_total", 0), "o": s.get("concerns_open", 0)}
    if late:
        return Finding(
            False,
            found,
            ngettext(
                "Handle the concern open for more than %(d)s days.",
                "Handle the %(n)s concerns open for more than %(d)s days.",
                late,
            )
            % {"n": late, "d": CONCERN_HANDLING_DAYS},
            f"{url}?open=true" if url else url,
        )
    return Finding(True, found, url=url)


def _external_reporting(facts: Facts) -> Finding:
    """A.8.3: people outside the organisation (customers, users, affected people, the
    public) can report adverse impacts: an external reporting link is switched on, and its
    reports are handled, none open longer than the handling time that A.3.3 uses."""
    url = facts.url("policies:concern_list")
    s = facts.support
    channels = s.get("channels_external", 0)
    open_channels = s.get("channels_external_open", 0)
    if not channels:
        return Finding(
            False,
            _("No reporting channel is open to people outside the organisation."),
            _(
                "Add a reporting link for people outside the organisation (customers, users "
                "of the AI systems, people affected by them, the public), switch it on and "
                "publish it where they will find it."
            ),
            facts.url("policies:concern_channel_add") or url,
        )
    if not open_channels:
        return Finding(
            False,
            ngettext(
                "%(n)s reporting channel is meant for people outside the organisation, but "
                "its link is switched off.",
                "%(n)s reporting channels are meant for people outside the organisation, but "
                "their links are switched off.",
                channels,
            )
            % {"n": channels},
            _("Switch on the link of the external channel, so that reports can come in."),
            url,
        )
    total = s.get("outside_total", 0)
    links = ngettext(
        "%(c)s external reporting link switched on;",
        "%(c)s external reporting links switched on;",
        open_channels,
    ) % {"c": open_channels}
    reports = ngettext(
        "%(t)s report from outside, %(o)s open.",
        "%(t)s reports from outside, %(o)s open.",
        total,
    ) % {"t": total, "o": s.get("outside_open", 0)}
    found = f"{links} {reports}"
    late = s.get("outside_late", 0)
    if late:
        return Finding(
            False,
            found,
            ngettext(
                "Handle the report from outside open for more than %(d)s days.",
                "Handle the %(n)s reports from outside open for more than %(d)s days.",
                late,
            )
            % {"n": late, "d": CONCERN_HANDLING_DAYS},
            f"{url}?open=true&from_outside=true" if url else url,
        )
    return Finding(True, found, url=url)


RULES.update(REVIEW_RULES)
RULES["6.3"] = _changes
RULES["7.1"] = _resources
RULES["7.5.3"] = _documented_information
CONTROL_RULES["A.3.3"] = _concerns
CONTROL_RULES["A.8.3"] = _external_reporting

# --- 4.4, 5.3, 7.2, A.3.2, A.4.6 (policies: roles) ---
RULES["4.4"] = _processes
RULES["5.3"] = _roles
RULES["7.2"] = _competence
CONTROL_RULES["A.3.2"] = _roles
CONTROL_RULES["A.4.6"] = _competence


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
    # The areas' counts ride on the one organisation row, each key prefixed by its area.
    areas = {
        "context": context_counts(user=user, today=today),
        "support": support_counts(user=user, today=today),
        "roles": roles_counts(user=user),
        "communication": communication_counts(user=user, today=today),
    }
    area_annotations = {
        f"{area}_{key}": value for area, counts in areas.items() for key, value in counts.items()
    }
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
            **_improvement_counts(user=user, org=org, now=timezone.now()),
            **area_annotations,
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

    objectives = objective_facts(organization=organization, user=user, today=today)
    area_rows = {
        area: {key: row[f"{area}_{key}"] for key in counts} for area, counts in areas.items()
    }

    return Facts(
        organization=organization,
        aims_roles=area_rows["roles"],
        competence=competence_gaps(organization=organization, user=user, today=today),
        support=support_facts_from(area_rows["support"], organization=organization, user=user),
        objectives=objectives,
        communication=area_rows["communication"],
        scope=approved_scope,
        context=context_facts_from(area_rows["context"]),
        impact=impact,
        impact_reach=impact_reach,
        thresholds_decided=row["thresholds_decided"],
        improvement={key: row[key] for key in IMPROVEMENT_COUNTS},
        policies=policy_facts(organization=organization, user=user),
        programmes=programmes,
        audits=audits,
        reviews=review_facts(organization=organization, user=user, today=today),
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


def objective_facts(
    *, organization: Organization, user: Any, today: datetime.date
) -> list[ObjectiveFact]:
    """The pursued objectives ``user`` may see, with their KPI status (one query)."""
    rows = (
        restrict(AIObjective.objects.all(), user, Action.VIEW)
        .filter(organization=organization, status__in=PURSUED)
        .with_latest()
        .annotate(
            annex_c=subquery_count(
                AIObjective.annex_c_objectives.through.objects.filter(aiobjective_id=OuterRef("pk"))
            )
        )
        .order_by("title", "pk")
        .values(
            "pk",
            "title",
            "status",
            "guides",
            "owner_id",
            "frequency",
            "direction",
            "target_value",
            "target_upper",
            "at_risk_margin",
            "latest_value",
            "latest_on",
            "annex_c",
            "created_at",
            *PLAN_FIELDS,
        )
    )
    return [
        ObjectiveFact(
            pk=row["pk"],
            title=row["title"],
            status=row["status"],
            guides=row["guides"],
            has_owner=row["owner_id"] is not None,
            plan_complete=all(str(row[name] or "").strip() for name in PLAN_FIELDS),
            annex_c=row["annex_c"],
            kpi=kpi_status(
                latest_value=row["latest_value"],
                latest_on=row["latest_on"],
                today=today,
                frequency=row["frequency"],
                direction=row["direction"],
                target=row["target_value"],
                target_upper=row["target_upper"],
                margin=row["at_risk_margin"],
            ),
            created_on=timezone.localtime(row["created_at"]).date(),
            due_from=measurement_due_from(today, row["frequency"]),
        )
        for row in rows
    ]


def roles_counts(*, user: Any) -> dict[str, Any]:
    """4.4, 5.3: the counts of processes, roles and the RACI, as ``user`` may see them:
    annotations of the organisation row ``readiness_facts`` reads."""
    org = OuterRef("pk")
    processes = restrict(AIMSProcess.objects.all(), user, Action.VIEW).filter(organization=org)
    accountable = RACIAssignment.objects.filter(process=OuterRef("pk"), responsibility="A")
    roles = restrict(AIMSRole.objects.all(), user, Action.VIEW).filter(organization=org)
    people = AIMSRole.members.through.objects.filter(
        aimsrole_id=OuterRef("pk"), user__is_active=True
    )
    requirements = restrict(CompetenceRequirement.objects.all(), user, Action.VIEW)
    staffed = roles.filter(Exists(people))
    return {
        "processes_total": subquery_count(processes),
        "processes_unowned": subquery_count(processes.filter(owner__isnull=True)),
        "processes_no_accountable": subquery_count(processes.filter(~Exists(accountable))),
        "roles_total": subquery_count(roles),
        "roles_unstaffed": subquery_count(roles.filter(~Exists(people))),
        "roles_staffed": subquery_count(staffed),
        "roles_without_requirements": subquery_count(
            staffed.filter(~Exists(requirements.filter(role=OuterRef("pk"))))
        ),
        "requirements_total": subquery_count(requirements.filter(organization=org)),
    }


def _roles_facts(
    *, organization: Organization, user: Any, today: datetime.date
) -> tuple[dict[str, int], CompetenceGaps]:
    """4.4, 5.3, 7.2 on their own: the counts and the competence checks."""
    return (
        org_row(organization, roles_counts(user=user)),
        competence_gaps(organization=organization, user=user, today=today),
    )


def communication_counts(*, user: Any, today: datetime.date) -> dict[str, Any]:
    """7.4: the communication plan's items, unowned and overdue ones (annotations)."""
    items = restrict(CommunicationItem.objects.all(), user, Action.VIEW).filter(
        organization=OuterRef("pk")
    )
    return {
        "total": subquery_count(items),
        "unowned": subquery_count(items.filter(owner__isnull=True)),
        "overdue": subquery_count(items.filter(next_due__lt=today)),
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


# --- Policies (5.2, A.2) and awareness (7.3) ---------------------------------------------


def policy_facts(*, organization: Organization, user: Any) -> list[PolicyFact]:
    """The approved policies the reader may see, with their alignment and acknowledgement
    counts: one query."""
    through = Policy.aligned_with.through
    acks = PolicyAcknowledgement.objects.filter(policy=OuterRef("pk"))
    rows = (
        restrict(Policy.objects.all(), user, Action.VIEW)
        .filter(organization=organization, status=DocumentStatus.APPROVED)
        .annotate(
            aligned_count=subquery_count(through.objects.filter(from_policy=OuterRef("pk"))),
            asked_count=subquery_count(acks),
            acknowledged_count=subquery_count(acks.filter(acknowledged_at__isnull=False)),
        )
        .order_by("code")
        .values(
            "pk",
            "code",
            "title",
            "kind",
            "number",
            "published_at",
            "next_review_date",
            "effective_date",
            "external_documents",
            "aligned_count",
            "asked_count",
            "acknowledged_count",
        )
    )
    return [
        PolicyFact(
            pk=r["pk"],
            code=r["code"],
            title=r["title"],
            kind=r["kind"],
            number=r["number"],
            published_at=r["published_at"],
            next_review_date=r["next_review_date"],
            effective_date=r["effective_date"],
            aligned=r["aligned_count"]
            + sum(1 for line in (r["external_documents"] or "").splitlines() if line.strip()),
            asked=r["asked_count"],
            acknowledged=r["acknowledged_count"],
        )
        for r in rows
    ]


def ai_policy(facts: Facts) -> PolicyFact | None:
    """The approved AI policy (the published one first, should there be several series)."""
    candidates = [p for p in facts.policies if p.kind == PolicyKind.AI_POLICY]
    candidates.sort(key=lambda p: p.published_at is None)
    return candidates[0] if candidates else None


def _policy_url(facts: Facts, policy: PolicyFact | None) -> str | None:
    if policy is None:
        return facts.url("policies:policy_list")
    return facts.url("policies:policy_detail", pk=policy.pk)


def _ai_policy_in_force(facts: Facts) -> Finding:
    """5.2 / A.2.2: an approved AI policy, published, in effect and not past its review."""
    policy = ai_policy(facts)
    url = _policy_url(facts, policy)
    if policy is None:
        return Finding(
            False,
            _("No approved AI policy."),
            _("Adopt the starter AI policy or write one, have it approved and publish it."),
            url,
        )
    if policy.published_at is None:
        return Finding(
            False,
            _("%(p)s is approved but not published.") % {"p": policy.label},
            _("Publish it and ask the people it concerns to acknowledge it."),
            url,
        )
    if policy.effective_date and policy.effective_date > facts.today:
        return Finding(
            False,
            _("%(p)s takes effect only on %(d)s.")
            % {"p": policy.label, "d": date_format(policy.effective_date, "j M Y")},
            _("It counts from its effective date."),
            url,
        )
    if policy.next_review_date and policy.next_review_date < facts.today:
        return Finding(
            False,
            _("%(p)s was due for review on %(d)s.")
            % {"p": policy.label, "d": date_format(policy.next_review_date, "j M Y")},
            _("Review it: start a new version, or approve it again unchanged."),
            url,
        )
    return Finding(
        True,
        _("%(p)s is approved and published; next review %(d)s.")
        % {
            "p": policy.label,
            "d": date_format(policy.next_review_date, "j M Y") if policy.next_review_date else "—",
        },
        url=url,
    )


def _ai_policy_acknowledged(facts: Facts) -> Finding:
    """7.3: the people asked have acknowledged the current AI policy."""
    policy = ai_policy(facts)
    url = _policy_url(facts, policy)
    if policy is None or policy.published_at is None:
        return Finding(
            False,
            _("No published AI policy for people to acknowledge."),
            _("Publish the approved AI policy and choose who must acknowledge it."),
            url,
        )
    ack_url = facts.url("policies:policy_acknowledgements", pk=policy.pk)
    if not policy.asked:
        return Finding(
            False,
            _("Nobody was asked to acknowledge %(p)s.") % {"p": policy.label},
            _("Ask the roles and people it concerns to acknowledge it."),
            ack_url,
        )
    pending = policy.asked - policy.acknowledged
    if pending:
        return Finding(
            False,
            ngettext(
                "%(done)s of %(asked)s people acknowledged %(p)s; %(n)s has not yet.",
                "%(done)s of %(asked)s people acknowledged %(p)s; %(n)s have not yet.",
                pending,
            )
            % {"done": policy.acknowledged, "asked": policy.asked, "p": policy.label, "n": pending},
            _("Follow up with those who have not acknowledged it."),
            ack_url,
        )
    return Finding(
        True,
        ngettext(
            "The %(n)s person asked acknowledged %(p)s.",
            "All %(n)s people asked acknowledged %(p)s.",
            policy.asked,
        )
        % {"n": policy.asked, "p": policy.label},
        url=ack_url,
    )


def _ai_policy_aligned(facts: Facts) -> Finding:
    """A.2.3: the AI policy names the other policies it must agree with."""
    policy = ai_policy(facts)
    url = _policy_url(facts, policy)
    if policy is None:
        return Finding(False, _("No approved AI policy."), _("Approve the AI policy first."), url)
    if not policy.aligned:
        return Finding(
            False,
            _("%(p)s names no other policy it aligns with.") % {"p": policy.label},
            _("In its next version, name the organisational policies it must agree with."),
            url,
        )
    return Finding(
        True,
        ngettext(
            "%(p)s names %(n)s policy it aligns with.",
            "%(p)s names %(n)s policies it aligns with.",
            policy.aligned,
        )
        % {"p": policy.label, "n": policy.aligned},
        url=url,
    )


def _ai_policy_reviewed(facts: Facts) -> Finding:
    """A.2.4: the AI policy carries a review interval and is within it."""
    policy = ai_policy(facts)
    url = _policy_url(facts, policy)
    if policy is None:
        return Finding(False, _("No approved AI policy."), _("Approve the AI policy first."), url)
    if policy.next_review_date and policy.next_review_date < facts.today:
        return Finding(
            False,
            _("%(p)s was due for review on %(d)s.")
            % {"p": policy.label, "d": date_format(policy.next_review_date, "j M Y")},
            _("Review it: start a new version, or approve it again unchanged."),
            url,
        )
    return Finding(
        True,
        _("%(p)s is reviewed on a planned interval; next review %(d)s.")
        % {
            "p": policy.label,
            "d": date_format(policy.next_review_date, "j M Y") if policy.next_review_date else "—",
        },
        url=url,
    )


RULES["5.2"] = _ai_policy_in_force
RULES["7.3"] = _ai_policy_acknowledged
CONTROL_RULES["A.2.2"] = _ai_policy_in_force
CONTROL_RULES["A.2.3"] = _ai_policy_aligned
CONTROL_RULES["A.2.4"] = _ai_policy_reviewed
