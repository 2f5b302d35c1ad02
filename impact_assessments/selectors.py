"""Read-side helpers for classifications: the 42001 requirements behind each obligation."""

from __future__ import annotations

from collections import defaultdict

from controls.models import Requirement, RequirementMapping

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
