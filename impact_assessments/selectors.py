"""Read-side helpers: the 42001 requirements behind each obligation, the thresholds and
each AI system's use category under them."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from django.db.models import Exists, OuterRef, Subquery

from aims.core.documents import DocumentStatus
from aims.inventory.models import AISystem, AISystemDataset
from controls.models import Requirement, RequirementMapping
from impact_assessments.models import (
    AffectedParty,
    AIActClassification,
    AssessmentKind,
    Impact,
    ImpactAssessment,
    ImpactNature,
    Reversibility,
    UseThresholds,
)
from impact_assessments.thresholds import SystemSignals, UseCategory, use_category

EU_AI_ACT_CROSSWALK = "eu-ai-act-to-iso42001"


def supporting_requirements(refs: list[str]) -> dict[str, list[Requirement]]:
    """For each article ref, the ISO/IEC 42001 requirements the catalog maps it to (one query)."""
    mappings = (
        RequirementMapping.objects.filter(
            crosswalk=EU_AI_ACT_CROSSWALK, source__ref__in=refs, withdrawn=False
        )
        .select_related("source", "target")
        .order_by("target__sort_key")
    )
    found: dict[str, list[Requirement]] = defaultdict(list)
    for mapping in mappings:
        found[mapping.source.ref].append(mapping.target)
    return dict(found)


def thresholds_for(organization: Any) -> UseThresholds:
    """The thresholds in force: the latest decision, or the defaults (unsaved) until an
    officer decides them."""
    found = UseThresholds.objects.filter(organization=organization).order_by("-pk").first()
    return found or UseThresholds(organization=organization)


def system_signals(
    *, organization: Any, system_ids: Iterable[int] | None = None
) -> dict[int, SystemSignals]:
    """What the thresholds read of each AI system of ``organization`` (or of ``system_ids``),
    in one query: tier, data-set flags, whether the latest classification profiles people,
    and the vulnerable parties and worst harms of its latest impact assessment (approved, in
    review or draft: the newest version is what is known now)."""
    system = OuterRef("pk")
    datasets = AISystemDataset.objects.filter(ai_system=system)
    # Used inside the harm and party subqueries, so the system is two levels out.
    latest_assessment = (
        ImpactAssessment.objects.filter(
            ai_system=OuterRef(OuterRef("pk")),
            kind=AssessmentKind.IMPACT,
            status__in=[DocumentStatus.DRAFT, DocumentStatus.IN_REVIEW, DocumentStatus.APPROVED],
        )
        .order_by("-number")
        .values("pk")[:1]
    )
    harms = Impact.objects.filter(
        assessment=Subquery(latest_assessment), nature=ImpactNature.HARM, severity__isnull=False
    )
    worst = harms.order_by("-severity").values("severity")[:1]
    worst_irreversible = (
        harms.filter(reversibility=Reversibility.IRREVERSIBLE)
        .order_by("-severity")
        .values("severity")[:1]
    )
    profiling = (
        AIActClassification.objects.filter(ai_system=system)
        .order_by("-classified_on", "-pk")
        .values("profiles_people")[:1]
    )
    systems = AISystem.objects.filter(organization=organization)
    if system_ids is not None:
        systems = systems.filter(pk__in=list(system_ids))
    rows = systems.annotate(
        personal_data=Exists(datasets.filter(contains_personal_data=True)),
        special_category=Exists(datasets.filter(special_category_data=True)),
        profiling=Subquery(profiling),
        vulnerable=Exists(
            AffectedParty.objects.filter(assessment=Subquery(latest_assessment), vulnerable=True)
        ),
        worst=Subquery(worst),
        worst_irreversible=Subquery(worst_irreversible),
    ).values_list(
        "pk",
        "eu_ai_act_tier",
        "personal_data",
        "special_category",
        "profiling",
        "vulnerable",
        "worst",
        "worst_irreversible",
    )
    return {
        pk: SystemSignals(
            tier=tier or "",
            personal_data=personal,
            special_category=special,
            profiling=bool(profiles),
            vulnerable_party=vulnerable,
            worst_harm=worst_harm,
            worst_irreversible_harm=worst_irr,
        )
        for pk, tier, personal, special, profiles, vulnerable, worst_harm, worst_irr in rows
    }


def use_categories(
    *, organization: Any, system_ids: Iterable[int] | None = None
) -> dict[int, UseCategory]:
    """Each AI system's use category under the organisation's thresholds (two queries)."""
    thresholds = thresholds_for(organization)
    return {
        pk: use_category(thresholds, signals)
        for pk, signals in system_signals(organization=organization, system_ids=system_ids).items()
    }
