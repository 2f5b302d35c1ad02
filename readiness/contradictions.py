"""Contradictions across records: where one register says what another denies.

Each rule is a small function of ``ContradictionFacts`` returning the contradictions it
finds (usually none). ``RULES`` lists them, like ``readiness.rules.RULES``. A contradiction
names the clause it concerns (which then is not ready), the records where it occurs, with
links, and what to do. The facts are gathered with a fixed number of queries; the records a
contradiction lists are only those the reader may see.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from aims.core.documents import DocumentStatus
from aims.core.permissions import Action, restrict
from aims.evidence.models import EvidenceItem
from aims.inventory.models import AISystem, EUAIActTier, SystemStatus
from aims.organizations.models import AIRole, Organization
from controls.models import (
    Applicability,
    ControlImplementation,
    ImplementationStatus,
    MappingRelationship,
    RequirementMapping,
    SoAVersion,
)
from controls.services import ISO_FRAMEWORK
from impact_assessments.models import Impact, ImpactNature, PartyKind
from policies.kpis import KPIStatus
from policies.models import PolicyKind
from readiness.rules import CONCERN_HANDLING_DAYS, Facts
from risks.models import Risk, RiskStatus, risk_reference

# Clauses whose catalog pointers name controls that cannot be excluded while the clause
# applies (every clause of 4–10 applies; only Annex A controls may be excluded).
CLAUSES_REQUIRING_THEIR_CONTROLS = ("6.1.4",)
# The control a provider of AI systems cannot exclude.
PROVIDER_CONTROL = "A.10.4"
# The control for reporting concerns (the support area of the policies app).
CONCERNS_CONTROL = "A.3.3"


@dataclass
class Record:
    label: str
    url: str | None = None


@dataclass
class Contradiction:
    rule: str
    clause: str  # the clause it keeps from being ready
    message: str
    todo: str
    records: list[Record] = field(default_factory=list)
    controls: list[str] = field(default_factory=list)  # SoA refs concerned


@dataclass
class ContradictionFacts:
    organization: Organization
    facts: Facts  # the readiness facts (scope, current assessments)
    soa_rows: list[Any]  # the live SoA the reader may see (controls.services.SoARow)
    clause_refs: set[str] = field(default_factory=set)
    pointers: dict[str, list[str]] = field(default_factory=dict)  # clause → control refs
    high_risk_systems: list[AISystem] = field(default_factory=list)
    expired_acceptances: list[Risk] = field(default_factory=list)
    soa_version: SoAVersion | None = None  # the approved one, with its frozen rows
    live_risks: dict[int, dict[str, Any]] = field(default_factory=dict)  # pk → number, version
    expired_evidence: dict[int, list[EvidenceItem]] = field(default_factory=dict)  # control pk
    # Harms to people or society that approved impact assessments record (a few, for links).
    people_harms: list[Impact] = field(default_factory=list)

    @property
    def today(self) -> datetime.date:
        return self.facts.today

    def url(self, name: str, **kwargs: Any) -> str | None:
        return self.facts.url(name, **kwargs)


def _date(day: datetime.date) -> str:
    return date_format(day, "j M Y")


def _control_record(row: Any) -> Record:
    control = row.control
    return Record(f"{control.ref} {control.title}", control.get_absolute_url())


def _in_group(ref: str, target: str) -> bool:
    return ref == target or ref.startswith(f"{target}.")


def excluded_while_clause_applies(facts: ContradictionFacts) -> list[Contradiction]:
    """Controls the catalog points to from 6.1.4 (the A.5 impact assessment controls) marked
    not applicable, while the clause, like every clause, applies."""
    found = []
    for clause in CLAUSES_REQUIRING_THEIR_CONTROLS:
        targets = facts.pointers.get(clause, [])
        if clause not in facts.clause_refs or not targets:
            continue
        excluded = [
            row
            for row in facts.soa_rows
            if row.control.applicability == Applicability.NOT_APPLICABLE
            and any(_in_group(row.control.ref, t) for t in targets)
        ]
        if excluded:
            found.append(
                Contradiction(
                    rule="excluded_while_clause_applies",
                    clause=clause,
                    message=_(
                        "Clause %(clause)s applies to every organisation, yet the SoA marks "
                        "%(n)s of the controls it relies on (%(targets)s) not applicable."
                    )
                    % {"clause": clause, "n": len(excluded), "targets": ", ".join(targets)},
                    todo=_("Make these controls applicable, or justify the exclusion again."),
                    records=[_control_record(row) for row in excluded],
                    controls=[row.control.ref for row in excluded],
                )
            )
    return found


def provider_excludes_customers(facts: ContradictionFacts) -> list[Contradiction]:
    """The approved scope says the organisation is an AI provider, and the SoA excludes
    A.10.4 (customers)."""
    scope = facts.facts.scope
    if scope is None or AIRole.PROVIDER not in (scope.ai_roles or []):
        return []
    excluded = [
        row
        for row in facts.soa_rows
        if row.control.ref == PROVIDER_CONTROL
        and row.control.applicability == Applicability.NOT_APPLICABLE
    ]
    if not excluded:
        return []
    return [
        Contradiction(
            rule="provider_excludes_customers",
            clause="6.1.3",
            message=_(
                "The approved scope statement (v%(n)s) says the organisation is an AI "
                "provider, yet the SoA marks %(control)s (customers) not applicable."
            )
            % {"n": scope.number, "control": PROVIDER_CONTROL},
            todo=_("Make the control applicable, or correct the AI roles in the scope."),
            records=[
                Record(str(scope), scope.get_absolute_url()),
                *(_control_record(row) for row in excluded),
            ],
            controls=[PROVIDER_CONTROL],
        )
    ]


def high_risk_without_assessment(facts: ContradictionFacts) -> list[Contradiction]:
    """An AI system classified high-risk under the EU AI Act that no current approved risk
    assessment covers."""
    uncovered_ids = facts.facts.systems_without_current_assessment(
        {system.pk for system in facts.high_risk_systems}
    )
    uncovered = [s for s in facts.high_risk_systems if s.pk in uncovered_ids]
    if not uncovered:
        return []
    return [
        Contradiction(
            rule="high_risk_without_assessment",
            clause="8.2",
            message=ngettext(
                "%(n)s AI system classified high-risk under the EU AI Act has no current "
                "approved risk assessment.",
                "%(n)s AI systems classified high-risk under the EU AI Act have no current "
                "approved risk assessment.",
                len(uncovered),
            )
            % {"n": len(uncovered)},
            todo=_("Assess the risks of these systems and approve the assessment."),
            records=[Record(system.name, system.get_absolute_url()) for system in uncovered],
        )
    ]


def high_risk_without_impact_assessment(facts: ContradictionFacts) -> list[Contradiction]:
    """An AI system classified high-risk under the EU AI Act with no approved impact
    assessment (6.1.4 asks for one of every system that can affect people)."""
    uncovered = [s for s in facts.high_risk_systems if s.pk not in facts.facts.impact]
    if not uncovered:
        return []
    return [
        Contradiction(
            rule="high_risk_without_impact_assessment",
            clause="6.1.4",
            message=ngettext(
                "%(n)s AI system classified high-risk under the EU AI Act has no approved "
                "impact assessment.",
                "%(n)s AI systems classified high-risk under the EU AI Act have no approved "
                "impact assessment.",
                len(uncovered),
            )
            % {"n": len(uncovered)},
            todo=_("Assess the impact of these systems on people and society, and approve it."),
            records=[Record(system.name, system.get_absolute_url()) for system in uncovered],
        )
    ]


def a5_excluded_while_harms_found(facts: ContradictionFacts) -> list[Contradiction]:
    """Annex A.5 controls (assessing impacts) excluded while approved impact assessments
    record harms to individuals, groups or society."""
    if not facts.people_harms:
        return []
    excluded = [
        row
        for row in facts.soa_rows
        if row.control.applicability == Applicability.NOT_APPLICABLE
        and _in_group(row.control.ref, "A.5")
    ]
    if not excluded:
        return []
    return [
        Contradiction(
            rule="a5_excluded_while_harms_found",
            clause="8.4",
            message=_(
                "The SoA marks %(n)s A.5 controls not applicable, yet approved impact "
                "assessments record harms to people or society."
            )
            % {"n": len(excluded)},
            todo=_("Make these controls applicable, or explain how the harms are addressed."),
            records=[_control_record(row) for row in excluded]
            + [
                Record(
                    f"{harm.assessment.ai_system.name}: {harm.description[:80]}",
                    harm.get_absolute_url(),
                )
                for harm in facts.people_harms
            ],
            controls=[row.control.ref for row in excluded],
        )
    ]


def acceptance_expired(facts: ContradictionFacts) -> list[Contradiction]:
    """A risk shown as accepted and monitored whose acceptance has expired."""
    risks = facts.expired_acceptances
    if not risks:
        return []
    return [
        Contradiction(
            rule="acceptance_expired",
            clause="8.3",
            message=ngettext(
                "%(n)s risk is shown as accepted and monitored, but its acceptance has expired.",
                "%(n)s risks are shown as accepted and monitored, but their acceptance has "
                "expired.",
                len(risks),
            )
            % {"n": len(risks)},
            todo=_("Review these risks and accept them again, or treat them."),
            records=[
                Record(
                    _("%(risk)s (acceptance expired on %(d)s)")
                    % {"risk": str(risk), "d": _date(risk.acceptance_expires)},
                    risk.get_absolute_url(),
                )
                for risk in risks
            ],
        )
    ]


def soa_behind_risks(facts: ContradictionFacts) -> list[Contradiction]:
    """The approved SoA froze a risk that justifies one of its controls; the risk has been
    changed (or deleted) since, so the approval no longer covers it."""
    version = facts.soa_version
    if version is None:
        return []
    changed: dict[int, dict[str, Any]] = {}
    controls: list[str] = []
    for row in version.rows or []:
        stale = False
        for frozen in row.get("risks", []):
            live = facts.live_risks.get(frozen.get("id"))
            if live is None:
                continue  # deleted, or not the reader's to see
            if frozen.get("version") is not None and live["version"] > frozen["version"]:
                changed[frozen["id"]] = live
                stale = True
        if stale:
            controls.append(row.get("ref", ""))
    if not changed:
        return []
    org = facts.organization.slug
    return [
        Contradiction(
            rule="soa_behind_risks",
            clause="6.1.3",
            message=ngettext(
                "SoA v%(n)s was approved before the latest change to %(r)s risk that "
                "justifies its controls (%(controls)s).",
                "SoA v%(n)s was approved before the latest change to %(r)s risks that "
                "justify its controls (%(controls)s).",
                len(changed),
            )
            % {"n": version.number, "r": len(changed), "controls": ", ".join(controls)},
            todo=_("Prepare a new SoA version that reflects the changed risks, and approve it."),
            records=[
                Record(str(version), version.get_absolute_url()),
                *(
                    Record(
                        f"{risk_reference(live['number'])} {live['title']}",
                        reverse("risks:risk_detail", kwargs={"org": org, "pk": pk}),
                    )
                    for pk, live in sorted(changed.items(), key=lambda item: item[1]["number"])
                ),
            ],
            controls=controls,
        )
    ]


def expired_evidence_on_implemented(facts: ContradictionFacts) -> list[Contradiction]:
    """A control marked implemented that relies on evidence past its validity."""
    rows = [row for row in facts.soa_rows if row.control.pk in facts.expired_evidence]
    if not rows:
        return []
    records = []
    for row in rows:
        for item in facts.expired_evidence[row.control.pk]:
            records.append(
                Record(
                    _("%(control)s: “%(item)s” expired on %(d)s")
                    % {
                        "control": row.control.ref,
                        "item": item.title,
                        "d": _date(item.valid_until),
                    },
                    item.get_absolute_url(),
                )
            )
    return [
        Contradiction(
            rule="expired_evidence_on_implemented",
            clause="8.1",
            message=ngettext(
                "%(n)s control marked implemented relies on expired evidence.",
                "%(n)s controls marked implemented rely on expired evidence.",
                len(rows),
            )
            % {"n": len(rows)},
            todo=_("Replace the expired evidence with current evidence, or unlink it."),
            records=records,
            controls=[row.control.ref for row in rows],
        )
    ]


def climate_relevant_without_issue(facts: ContradictionFacts) -> list[Contradiction]:
    """The decision in force says climate change is relevant, yet no open or monitored
    environmental and climate issue is recorded: the register does not carry the decision."""
    context = facts.facts.context
    if not context.climate_relevant or context.issues_environmental:
        return []
    url = reverse(
        "organizations:climate_detail",
        kwargs={"org": facts.organization.slug, "pk": context.climate_pk},
    )
    return [
        Contradiction(
            rule="climate_relevant_without_issue",
            clause="4.1",
            message=_(
                "Climate change was decided relevant on %(day)s, yet no environmental or "
                "climate issue is recorded as open or monitored."
            )
            % {"day": _date(context.climate_decided_on)},
            todo=_(
                "Record the climate-related issue and what the AIMS does about it, or record "
                "a new decision if climate change is no longer relevant."
            ),
            records=[Record(_("Climate change decision"), url)],
        )
    ]


def concerns_unhandled_while_implemented(facts: ContradictionFacts) -> list[Contradiction]:
    """The SoA marks A.3.3 (reporting of concerns) implemented, yet no reporting channel is
    set up, or concerns have stayed open longer than the handling time."""
    rows = [
        row
        for row in facts.soa_rows
        if row.control.ref == CONCERNS_CONTROL
        and row.control.status == ImplementationStatus.IMPLEMENTED
    ]
    support = facts.facts.support
    if not rows or not support:
        return []
    late = support.get("concerns_late", 0)
    if support.get("channels", 0) and not late:
        return []
    if not support.get("channels", 0):
        message = _(
            "The SoA marks %(control)s implemented, yet no reporting channel for concerns "
            "is set up."
        ) % {"control": CONCERNS_CONTROL}
        todo = _("Set up the reporting channel, or correct the control's status in the SoA.")
    else:
        message = ngettext(
            "The SoA marks %(control)s implemented, yet %(n)s concern has been open for more "
            "than %(d)s days.",
            "The SoA marks %(control)s implemented, yet %(n)s concerns have been open for more "
            "than %(d)s days.",
            late,
        ) % {"control": CONCERNS_CONTROL, "n": late, "d": CONCERN_HANDLING_DAYS}
        todo = _("Handle the open concerns, or correct the control's status in the SoA.")
    url = facts.url("policies:concern_list")
    return [
        Contradiction(
            rule="concerns_unhandled_while_implemented",
            clause="6.1.3",
            message=message,
            todo=todo,
            records=[
                *(_control_record(row) for row in rows),
                Record(_("Concerns"), f"{url}?open=true" if url else None),
            ],
            controls=[CONCERNS_CONTROL],
        )
    ]


def objective_unmeasured(facts: ContradictionFacts) -> list[Contradiction]:
    """An active AI objective with no measurement in its period (``policies.kpis``): the
    monitoring it stands for (9.1) is not happening. An objective never measured counts once
    it has existed for a whole period; a new one is given its first period."""
    late = [
        o
        for o in facts.facts.objectives
        if o.active
        and (
            o.kpi == KPIStatus.OVERDUE
            or (o.kpi == KPIStatus.NOT_MEASURED and o.created_on < o.due_from)
        )
    ]
    if not late:
        return []
    slug = facts.organization.slug
    return [
        Contradiction(
            rule="objective_unmeasured",
            clause="9.1",
            message=ngettext(
                "%(n)s active AI objective has no measurement in its period.",
                "%(n)s active AI objectives have no measurement in their period.",
                len(late),
            )
            % {"n": len(late)},
            todo=_(
                "Record the latest measurement of each, or mark the objective no longer pursued."
            ),
            records=[
                Record(
                    _("“%(t)s”: nothing measured since %(d)s")
                    % {"t": o.title, "d": _date(o.due_from)},
                    reverse("policies:objective_detail", kwargs={"org": slug, "pk": o.pk}),
                )
                for o in late
            ],
        )
    ]


# --- 7.2 (policies: roles) ---
COMPETENCE_CONTROL = "A.4.6"


def competence_control_implemented_with_expired(
    facts: ContradictionFacts,
) -> list[Contradiction]:
    """The SoA says A.4.6 (competence of the people) is implemented, while someone holds an
    AIMS role with a required qualification that has expired."""
    rows = [
        row
        for row in facts.soa_rows
        if row.control.ref == COMPETENCE_CONTROL
        and row.control.applicability == Applicability.APPLICABLE
        and row.control.status == ImplementationStatus.IMPLEMENTED
    ]
    expired = facts.facts.competence.expired
    if not rows or not expired:
        return []
    url = facts.url("policies:competence")
    return [
        Contradiction(
            rule="competence_control_implemented_with_expired",
            clause="7.2",
            message=ngettext(
                "The SoA marks %(control)s implemented, yet %(n)s person in an AIMS role holds "
                "a required qualification that has expired.",
                "The SoA marks %(control)s implemented, yet %(n)s people in AIMS roles hold "
                "required qualifications that have expired.",
                len({cell.person_id for cell in expired}),
            )
            % {"control": COMPETENCE_CONTROL, "n": len({cell.person_id for cell in expired})},
            todo=_("Renew the expired records, or set the control's status back until they are."),
            records=[
                Record(
                    _("%(person)s (%(role)s): “%(requirement)s” expired")
                    % {"person": cell.person, "role": cell.role, "requirement": cell.requirement},
                    url,
                )
                for cell in expired
            ],
            controls=[COMPETENCE_CONTROL],
        )
    ]


def ai_policy_past_review(facts: ContradictionFacts) -> list[Contradiction]:
    """The AI policy is shown as in force (approved, published) but its review date passed."""
    stale = [
        p
        for p in facts.facts.policies
        if p.kind == PolicyKind.AI_POLICY
        and p.published_at is not None
        and p.next_review_date is not None
        and p.next_review_date < facts.today
    ]
    return [
        Contradiction(
            rule="ai_policy_past_review",
            clause="5.2",
            message=_(
                "%(p)s is published as the AI policy in force, but its review was due on %(d)s."
            )
            % {"p": p.label, "d": _date(p.next_review_date)},
            todo=_("Review the AI policy: start a new version, or approve it again unchanged."),
            records=[
                Record(
                    p.label,
                    reverse(
                        "policies:policy_detail",
                        kwargs={"org": facts.organization.slug, "pk": p.pk},
                    ),
                )
            ],
            controls=["A.2.4"],
        )
        for p in stale
    ]


RULES: dict[str, Callable[[ContradictionFacts], list[Contradiction]]] = {
    "concerns_unhandled_while_implemented": concerns_unhandled_while_implemented,
    "excluded_while_clause_applies": excluded_while_clause_applies,
    "provider_excludes_customers": provider_excludes_customers,
    "high_risk_without_assessment": high_risk_without_assessment,
    "high_risk_without_impact_assessment": high_risk_without_impact_assessment,
    "a5_excluded_while_harms_found": a5_excluded_while_harms_found,
    "acceptance_expired": acceptance_expired,
    "soa_behind_risks": soa_behind_risks,
    "expired_evidence_on_implemented": expired_evidence_on_implemented,
    "climate_relevant_without_issue": climate_relevant_without_issue,
    "objective_unmeasured": objective_unmeasured,
    "ai_policy_past_review": ai_policy_past_review,
    "competence_control_implemented_with_expired": competence_control_implemented_with_expired,
}


def contradiction_facts(
    *,
    organization: Organization,
    user: Any,
    facts: Facts,
    soa_rows: list[Any],
    clause_refs: set[str],
) -> ContradictionFacts:
    """What the rules read, in at most seven queries; records are those ``user`` may see."""
    today = facts.today
    pointers: dict[str, list[str]] = {}
    for source, target in (
        RequirementMapping.objects.filter(
            source__framework__code=ISO_FRAMEWORK,
            source__ref__in=CLAUSES_REQUIRING_THEIR_CONTROLS,
            relationship=MappingRelationship.POINTER,
            withdrawn=False,
        )
        .order_by("target__sort_key")
        .values_list("source__ref", "target__ref")
    ):
        pointers.setdefault(source, []).append(target)
    high_risk = list(
        restrict(AISystem.objects.all(), user, Action.VIEW)
        .filter(organization=organization, eu_ai_act_tier=EUAIActTier.HIGH_RISK)
        .exclude(status=SystemStatus.RETIRED)
        .only("pk", "name", "organization")
        .order_by("name")
    )
    expired_acceptances = list(
        restrict(Risk.objects.all(), user, Action.VIEW)
        .filter(
            organization=organization,
            status=RiskStatus.MONITORED,
            acceptance_expires__lt=today,
        )
        .only("pk", "number", "title", "acceptance_expires", "organization")
        .order_by("number")
    )
    for item in (*high_risk, *expired_acceptances):
        item.organization = organization  # their links need the slug: no query per row
    soa_version = None
    live_risks: dict[int, dict[str, Any]] = {}
    if facts.soa is not None:
        soa_version = (
            restrict(SoAVersion.objects.all(), user, Action.VIEW)
            .filter(pk=facts.soa.pk, status=DocumentStatus.APPROVED)
            .only("pk", "number", "rows", "organization")
            .first()
        )
    if soa_version is not None:
        soa_version.organization = organization
        ids = {r.get("id") for row in soa_version.rows or [] for r in row.get("risks", [])}
        live_risks = {
            row["pk"]: row
            for row in restrict(Risk.objects.all(), user, Action.VIEW)
            .filter(organization=organization, pk__in=ids)
            .values("pk", "number", "title", "version")
        }
    implemented = [
        row.control.pk
        for row in soa_rows
        if row.control.applicability == Applicability.APPLICABLE
        and row.control.status == ImplementationStatus.IMPLEMENTED
    ]
    expired_evidence: dict[int, list[EvidenceItem]] = {}
    if implemented:
        links = (
            ControlImplementation.evidence.through.objects.filter(
                controlimplementation_id__in=implemented,
                evidenceitem__valid_until__lt=today,
                evidenceitem__in=restrict(EvidenceItem.objects.all(), user, Action.VIEW),
            )
            .select_related("evidenceitem")
            .order_by("evidenceitem__valid_until", "evidenceitem__title")
        )
        for link in links:
            item = link.evidenceitem
            item.organization = organization
            expired_evidence.setdefault(link.controlimplementation_id, []).append(item)
    a5_excluded = any(
        row.control.applicability == Applicability.NOT_APPLICABLE
        and _in_group(row.control.ref, "A.5")
        for row in soa_rows
    )
    people_harms = (
        []
        if not a5_excluded
        else list(  # only read when the rule could fire
            restrict(Impact.objects.all(), user, Action.VIEW)
            .filter(
                assessment__organization=organization,
                assessment__status=DocumentStatus.APPROVED,
                nature=ImpactNature.HARM,
                party__kind__in=(PartyKind.INDIVIDUALS, PartyKind.GROUP, PartyKind.SOCIETY),
            )
            .select_related("assessment__ai_system", "assessment__organization")
            .order_by("-severity", "pk")[:5]
        )
    )
    return ContradictionFacts(
        organization=organization,
        facts=facts,
        people_harms=people_harms,
        soa_rows=soa_rows,
        clause_refs=clause_refs,
        pointers=pointers,
        high_risk_systems=high_risk,
        expired_acceptances=expired_acceptances,
        soa_version=soa_version,
        live_risks=live_risks,
        expired_evidence=expired_evidence,
    )


def find_contradictions(facts: ContradictionFacts) -> list[Contradiction]:
    """Every contradiction the rules find, in the registry's order."""
    return [found for rule in RULES.values() for found in rule(facts)]
