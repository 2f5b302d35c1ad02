"""Clause readiness (4–10): what the platform finds for each assessable clause.

A clause is either **checked** or **declared**. A checked clause has a rule here that reads
the records kept elsewhere in the platform and says whether they fulfil the clause, with a
link to the fulfilling record. A clause with no rule (its records live outside the platform
for now) is ready only as a person's declaration: marked ready, with their statement in the
clause's notes and at least one linked evidence item; the page names who declared it and
when. Contradictions between records (``readiness.contradictions``) keep the clauses they
concern from being ready. All facts are gathered with a fixed number of queries, whatever
the size of the registers.

The package holds one module per area of records: ``facts`` (what the rules read and the
helpers they share), ``context``, ``roles``, ``risk_impact``, ``policy``, ``objectives``,
``support``, ``internal_audit`` and ``improvement`` (each area's rules and the counts they
read), ``gather`` (``readiness_facts``, every area's facts at once) and ``clauses`` (the
``RULES`` and ``CONTROL_RULES`` registries, each clause's readiness and the summary). The
names other modules and the tests use are re-exported here: import them from
``readiness.rules``.
"""

from __future__ import annotations

from readiness.findings import Finding
from readiness.rules.clauses import (
    CONTROL_RULES,
    LATER_MODULES,
    NOT_REACHED_BY_SYSTEMS,
    RULES,
    Basis,
    ClauseReadiness,
    ReadinessSummary,
    clause_readiness,
    readiness_summary,
)
from readiness.rules.context import (
    _issues,
    _parties,
    _scope,
    context_counts,
    context_facts,
    context_facts_from,
)
from readiness.rules.facts import (
    ASSESSMENT_INTERVAL_MONTHS,
    Assessed,
    AuditFact,
    ContextFacts,
    Facts,
    ObjectiveFact,
    PolicyFact,
    ProgrammeFact,
    months_before,
    org_row,
)
from readiness.rules.gather import readiness_facts
from readiness.rules.improvement import (
    IMPROVEMENT_COUNTS,
    NONCONFORMITY_ACTION_DAYS,
    NONCONFORMITY_CHECK_DAYS,
    OPPORTUNITY_DECISION_DAYS,
    _improvement,
    _incident_communication,
    _nonconformity,
)
from readiness.rules.internal_audit import (
    AUDIT_INTERVAL_MONTHS,
    AUDIT_REPORT_GRACE_DAYS,
    _audit_programme,
    _internal_audit,
    audit_facts,
)
from readiness.rules.objectives import (
    _communication,
    _objectives,
    communication_counts,
    objective_facts,
)
from readiness.rules.policy import (
    _ai_policy_acknowledged,
    _ai_policy_aligned,
    _ai_policy_in_force,
    _ai_policy_reviewed,
    ai_policy,
    policy_facts,
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
from readiness.rules.roles import _competence, _processes, _roles, _roles_facts, roles_counts
from readiness.rules.support import (
    CONCERN_HANDLING_DAYS,
    _changes,
    _concerns,
    _documented_information,
    _external_reporting,
    _resources,
    support_counts,
    support_facts,
    support_facts_from,
)

__all__ = [
    "ASSESSMENT_INTERVAL_MONTHS",
    "AUDIT_INTERVAL_MONTHS",
    "AUDIT_REPORT_GRACE_DAYS",
    "CONCERN_HANDLING_DAYS",
    "CONTROL_RULES",
    "IMPROVEMENT_COUNTS",
    "LATER_MODULES",
    "NONCONFORMITY_ACTION_DAYS",
    "NONCONFORMITY_CHECK_DAYS",
    "NOT_REACHED_BY_SYSTEMS",
    "OPPORTUNITY_DECISION_DAYS",
    "RULES",
    "Assessed",
    "AuditFact",
    "Basis",
    "ClauseReadiness",
    "ContextFacts",
    "Facts",
    "Finding",
    "ObjectiveFact",
    "PolicyFact",
    "ProgrammeFact",
    "ReadinessSummary",
    "_a5_individuals",
    "_a5_process",
    "_a5_society",
    "_ai_policy_acknowledged",
    "_ai_policy_aligned",
    "_ai_policy_in_force",
    "_ai_policy_reviewed",
    "_assessment",
    "_audit_programme",
    "_changes",
    "_communication",
    "_competence",
    "_concerns",
    "_criteria",
    "_documented_information",
    "_external_reporting",
    "_impact_current",
    "_impact_process",
    "_improvement",
    "_incident_communication",
    "_internal_audit",
    "_issues",
    "_nonconformity",
    "_objectives",
    "_operation",
    "_parties",
    "_processes",
    "_resources",
    "_risk_assessment_process",
    "_risk_treatment_process",
    "_roles",
    "_roles_facts",
    "_scope",
    "_treatment",
    "ai_policy",
    "audit_facts",
    "clause_readiness",
    "communication_counts",
    "context_counts",
    "context_facts",
    "context_facts_from",
    "months_before",
    "objective_facts",
    "org_row",
    "policy_facts",
    "readiness_facts",
    "readiness_summary",
    "roles_counts",
    "support_counts",
    "support_facts",
    "support_facts_from",
]
