"""The readiness report as the page, the dashboard and the API show it: clause findings,
contradictions and the summary, gathered once with a fixed number of queries, of the part
of the AIMS the reader's ``Coverage`` covers (``readiness.coverage``)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Exists, OuterRef

from aims.core.permissions import Action, restrict
from aims.organizations.models import Organization
from controls import services
from controls.models import ClauseStatus, ControlImplementation, Requirement, RequirementKind
from readiness import contradictions as contradiction_rules
from readiness import rules
from readiness.control_checks import ControlReadiness, control_readiness
from readiness.coverage import Coverage, Extent


@dataclass
class ReadinessReport:
    clauses: list[rules.ClauseReadiness]
    controls: list[ControlReadiness]  # the Annex A controls a rule checks
    contradictions: list[contradiction_rules.Contradiction]
    summary: rules.ReadinessSummary
    coverage: Coverage


def _clause_statuses(
    *, organization: Organization, user: Any, coverage: Coverage, editable: bool
) -> list[ClauseStatus]:
    """The clause rows of the report: the statuses ``user`` may see (the chosen clauses of a
    limited engagement), or, for an engagement of AI systems only, the checked clauses as
    unsaved rows (the organisation's own status is not part of it)."""
    if coverage.extent == Extent.SYSTEMS:
        checked = (
            restrict(Requirement.objects.all(), user, Action.VIEW)
            .filter(
                framework__code=services.ISO_FRAMEWORK,
                kind=RequirementKind.CLAUSE,
                assessable=True,
                withdrawn=False,
                ref__in=sorted(set(rules.RULES) - rules.NOT_REACHED_BY_SYSTEMS),
            )
            .order_by("sort_key")
        )
        return [ClauseStatus(organization=organization, requirement=r) for r in checked]
    statuses = restrict(ClauseStatus.objects.all(), user, Action.VIEW).filter(
        organization=organization
    )
    if coverage.extent == Extent.CLAUSES:
        statuses = statuses.filter(requirement_id__in=sorted(coverage.clause_ids))
    statuses = services.clause_statuses_with_counts(statuses)
    if editable:
        statuses = statuses.annotate(
            can_edit=Exists(
                restrict(ClauseStatus.objects.all(), user, Action.CHANGE).filter(pk=OuterRef("pk"))
            )
        )
    return list(statuses)


def readiness_of(
    *, organization: Organization, user: Any, coverage: Coverage, editable: bool = False
) -> ReadinessReport:
    """The readiness report of what ``user`` may see, limited to ``coverage``; ``editable``
    marks the clause rows ``user`` may change (``status.can_edit``)."""
    services.controls_ensure_for(organization=organization)
    statuses = _clause_statuses(
        organization=organization, user=user, coverage=coverage, editable=editable
    )
    controls = restrict(ControlImplementation.objects.all(), user, Action.VIEW).filter(
        organization=organization
    )
    soa_rows = services.soa_rows(organization=organization, queryset=controls)
    facts = rules.readiness_facts(
        organization=organization,
        user=user,
        soa_summary=services.soa_summary(soa_rows),
        system_ids=coverage.system_ids if coverage.extent == Extent.SYSTEMS else None,
    )
    refs = {status.requirement.ref for status in statuses}
    found = contradiction_rules.find_contradictions(
        contradiction_rules.contradiction_facts(
            organization=organization, user=user, facts=facts, soa_rows=soa_rows, clause_refs=refs
        )
    )
    if coverage.limited:  # a part is shown: only what concerns its clauses
        found = [c for c in found if c.clause in refs]
    clauses = rules.clause_readiness(
        statuses=statuses,
        facts=facts,
        contradictions=found,
        statuses_shown=coverage.statuses_shown,
    )
    checked_controls = control_readiness(soa_rows=soa_rows, facts=facts)
    return ReadinessReport(
        clauses=clauses,
        controls=checked_controls,
        contradictions=found,
        summary=rules.readiness_summary(
            clauses=clauses, soa_rows=soa_rows, checked_controls=checked_controls
        ),
        coverage=coverage,
    )
