"""Clause readiness (4–10): what the platform finds for each assessable clause.

Each rule looks at records kept elsewhere in the platform and says whether they fulfil the
clause, with a link to the fulfilling record. Clauses with no rule (or whose records belong
to a module that is not built yet) rely on the organisation's own status and the evidence
linked to the clause. All facts are gathered with a fixed number of queries, whatever the
size of the registers.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import OuterRef
from django.utils.formats import date_format
from django.utils.timezone import localtime
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from aims.core.documents import DocumentStatus
from aims.core.queries import subquery_count, subquery_first
from aims.core.views import record_url, safe_url
from aims.organizations.models import Organization
from aims.organizations.services import current_scope
from controls.models import (
    Applicability,
    ClauseStatus,
    ImplementationStatus,
    ReadinessStatus,
    SoAVersion,
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


@dataclass
class Facts:
    """Everything the rules read, gathered once per page."""

    organization: Organization
    scope: Any = None
    criteria: Any = None
    risks: dict[str, int] = field(default_factory=dict)
    actions: dict[str, int] = field(default_factory=dict)
    assessment: Any = None
    soa: SoAVersion | None = None
    soa_summary: dict[str, Any] = field(default_factory=dict)

    def url(self, name: str, **kwargs: Any) -> str | None:
        return safe_url(name, org=self.organization.slug, **kwargs)


# Clauses whose records belong to modules still to come: they rely on status + evidence.
LATER_MODULES: dict[str, Any] = {
    "5.2": gettext_lazy("policies"),
    "6.1.4": gettext_lazy("impact assessment"),
    "8.4": gettext_lazy("impact assessment"),
    "6.2": gettext_lazy("objectives"),
    "7.2": gettext_lazy("competence"),
    "7.3": gettext_lazy("awareness"),
    "9.1": gettext_lazy("monitoring and KPIs"),
    "9.2.1": gettext_lazy("internal audit"),
    "9.2.2": gettext_lazy("internal audit"),
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
    url = facts.url("risks:criteria")
    if facts.criteria is None:
        return Finding(
            False,
            _("No risk criteria defined."),
            _("Define the likelihood and impact scales and the acceptance threshold."),
            url,
        )
    return Finding(
        True,
        _("Risk criteria v%(n)s are in force.") % {"n": facts.criteria.number},
        url=record_url(facts.criteria) or url,
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


def _assessment(facts: Facts) -> Finding:
    url = facts.url("risks:assessment_list")
    if facts.assessment is None:
        return Finding(
            False,
            _("No approved risk assessment on record."),
            _("Run a risk assessment of the register and approve its results."),
            url,
        )
    return Finding(
        True,
        _("Risk assessment “%(t)s” approved.") % {"t": facts.assessment.title},
        url=record_url(facts.assessment) or url,
    )


def _treatment(facts: Facts) -> Finding:
    url = facts.url("risks:risk_list")
    total, done = facts.actions.get("total", 0), facts.actions.get("done", 0)
    if not total:
        return Finding(
            False,
            _("No risk treatment actions recorded."),
            _("Plan treatment actions for the risks you chose to modify."),
            url,
        )
    return Finding(
        True,
        _("%(t)s treatment actions recorded, %(d)s done.") % {"t": total, "d": done},
        url=url,
    )


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
}


def readiness_facts(*, organization: Organization, user: Any, soa_summary: dict[str, Any]) -> Facts:
    """Gather what the rules read: the approved scope, then one query for everything else."""

    approved_scope, _draft = current_scope(organization=organization, user=user)
    org = OuterRef("pk")
    criteria = RiskCriteria.objects.filter(organization=org, is_current=True).order_by("-number")
    assessment = RiskAssessment.objects.filter(
        organization=org, status=AssessmentStatus.APPROVED
    ).order_by("-approved_at")
    soa = SoAVersion.objects.filter(organization=org, status=DocumentStatus.APPROVED)
    risks = Risk.objects.filter(organization=org)
    actions = TreatmentAction.objects.filter(risk__organization=org)
    row = (
        Organization.objects.filter(pk=organization.pk)
        .annotate(
            criteria_pk=subquery_first(criteria, "pk"),
            criteria_number=subquery_first(criteria, "number"),
            assessment_pk=subquery_first(assessment, "pk"),
            assessment_title=subquery_first(assessment, "title"),
            soa_pk=subquery_first(soa, "pk"),
            soa_number=subquery_first(soa, "number"),
            risks_total=subquery_count(risks),
            risks_identified=subquery_count(risks.filter(status=RiskStatus.IDENTIFIED)),
            risks_untreated=subquery_count(
                risks.filter(treatment_option="").exclude(status=RiskStatus.CLOSED)
            ),
            actions_total=subquery_count(actions),
            actions_done=subquery_count(actions.filter(status=ActionStatus.DONE)),
        )
        .values()
        .get()
    )

    def unsaved(model: type, prefix: str, **values: Any) -> Any:
        if row[f"{prefix}_pk"] is None:
            return None
        return model(pk=row[f"{prefix}_pk"], organization=organization, **values)

    return Facts(
        organization=organization,
        scope=approved_scope,
        criteria=unsaved(RiskCriteria, "criteria", number=row["criteria_number"]),
        risks={
            "total": row["risks_total"],
            "identified": row["risks_identified"],
            "untreated": row["risks_untreated"],
        },
        actions={"total": row["actions_total"], "done": row["actions_done"]},
        assessment=unsaved(RiskAssessment, "assessment", title=row["assessment_title"]),
        soa=unsaved(SoAVersion, "soa", number=row["soa_number"]),
        soa_summary=soa_summary,
    )


@dataclass
class ClauseReadiness:
    status: ClauseStatus
    finding: Finding
    evidence_count: int
    later_module: str | None

    @property
    def requirement(self) -> Any:
        return self.status.requirement

    @property
    def ready(self) -> bool:
        """Ready when the organisation says so and nothing the platform checks contradicts it."""
        if self.status.status != ReadinessStatus.READY:
            return False
        if self.finding.fulfilled is None:
            return self.evidence_count > 0
        return self.finding.fulfilled

    @property
    def missing(self) -> list[str]:
        """What to do before an auditor would accept the clause."""
        todo = []
        if self.finding.fulfilled is False and self.finding.todo:
            todo.append(self.finding.todo)
        if self.finding.fulfilled is None and not self.evidence_count:
            todo.append(_("Link evidence that shows how the clause is met."))
        if self.status.status != ReadinessStatus.READY:
            todo.append(_("Mark the clause ready once it is met."))
        return todo


def clause_readiness(*, statuses: list[ClauseStatus], facts: Facts) -> list[ClauseReadiness]:
    """Findings per clause; ``statuses`` come from ``clause_statuses_with_counts``."""
    rows = []
    for status in statuses:
        ref = status.requirement.ref
        later = LATER_MODULES.get(ref)
        rule = RULES.get(ref)
        if rule is not None:
            finding = rule(facts)
        elif later:
            finding = Finding(
                None,
                _("Recorded with evidence until the %(module)s module arrives.")
                % {"module": later},
            )
        else:
            finding = Finding(None, _("No automatic check; relies on your status and evidence."))
        rows.append(
            ClauseReadiness(
                status=status,
                finding=finding,
                evidence_count=getattr(status, "evidence_count", 0),
                later_module=later,
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


def readiness_summary(*, clauses: list[ClauseReadiness], soa_rows: list[Any]) -> ReadinessSummary:
    """The readiness headline: clauses ready, applicable controls implemented, what is missing."""
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
    for row in soa_rows:
        if row.gaps:
            missing.append(
                (row.control.ref, row.control.title, "; ".join(row.gaps), record_url(row.control))
            )
    return ReadinessSummary(
        clauses_total=len(clauses),
        clauses_ready=sum(1 for r in clauses if r.ready),
        controls_applicable=len(applicable),
        controls_implemented=sum(
            1 for r in applicable if r.control.status == ImplementationStatus.IMPLEMENTED
        ),
        missing=missing,
    )
