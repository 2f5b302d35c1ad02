"""``readiness_facts``: every register's facts, gathered with a fixed number of queries."""

from __future__ import annotations

from typing import Any

from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from aims.core.documents import DocumentStatus
from aims.core.permissions import Action, restrict
from aims.core.queries import subquery_count, subquery_first
from aims.inventory.models import AISystem, SystemStatus
from aims.organizations.models import Organization
from aims.organizations.services import current_scope
from controls.models import SoAVersion
from impact_assessments.models import (
    AffectedParty,
    AssessmentKind,
    Impact,
    ImpactArea,
    ImpactAssessment,
    PartyKind,
    UseThresholds,
)
from policies.services.roles import competence_gaps
from readiness.review_rules import review_facts
from readiness.rules.context import context_counts, context_facts_from
from readiness.rules.facts import Assessed, Facts
from readiness.rules.improvement import IMPROVEMENT_COUNTS, _improvement_counts
from readiness.rules.internal_audit import audit_facts
from readiness.rules.objectives import communication_counts, objective_facts
from readiness.rules.policy import policy_facts
from readiness.rules.roles import roles_counts
from readiness.rules.support import support_counts, support_facts_from
from risks.models import (
    ActionStatus,
    AssessmentStatus,
    Risk,
    RiskAssessment,
    RiskCriteria,
    RiskStatus,
    TreatmentAction,
)


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
