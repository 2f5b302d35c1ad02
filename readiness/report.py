"""The readiness report as the page and the API show it: clause findings, contradictions
and the summary, gathered once with a fixed number of queries."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from aims.organizations.models import Organization
from controls import services
from controls.models import ClauseStatus
from readiness import contradictions as contradiction_rules
from readiness import rules


@dataclass
class ReadinessReport:
    clauses: list[rules.ClauseReadiness]
    contradictions: list[contradiction_rules.Contradiction]
    summary: rules.ReadinessSummary


def readiness_report(
    *, organization: Organization, user: Any, statuses: list[ClauseStatus], soa_rows: list[Any]
) -> ReadinessReport:
    """``statuses`` from ``clause_statuses_with_counts``, ``soa_rows`` from ``soa_rows``, both
    limited to what ``user`` may see."""
    facts = rules.readiness_facts(
        organization=organization, user=user, soa_summary=services.soa_summary(soa_rows)
    )
    found = contradiction_rules.find_contradictions(
        contradiction_rules.contradiction_facts(
            organization=organization,
            user=user,
            facts=facts,
            soa_rows=soa_rows,
            clause_refs={status.requirement.ref for status in statuses},
        )
    )
    clauses = rules.clause_readiness(statuses=statuses, facts=facts, contradictions=found)
    return ReadinessReport(
        clauses=clauses,
        contradictions=found,
        summary=rules.readiness_summary(clauses=clauses, soa_rows=soa_rows),
    )
