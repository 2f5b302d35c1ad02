"""The open engagements of an auditor, as the plain scopes the permission layer filters by."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from django.utils import timezone

from aims.core.access import AuditorScope
from engagements.models import Engagement, InformationRequestMessage

EVIDENCE_LABEL = "evidence.evidenceitem"


def _shared_evidence(engagement_ids: list[int]) -> dict[int, frozenset[int]]:
    """Per engagement, the evidence items attached to answers of its information requests
    (one query). The permission layer still keeps each to the engagement's organisation;
    an item's file versions follow it (``EvidenceFile.access.parent_path``)."""
    if not engagement_ids:
        return {}
    through = InformationRequestMessage.evidence.through
    shared: dict[int, set[int]] = defaultdict(set)
    rows = through.objects.filter(
        informationrequestmessage__request__engagement_id__in=engagement_ids
    ).values_list("informationrequestmessage__request__engagement_id", "evidenceitem_id")
    for engagement_id, item_id in rows:
        shared[engagement_id].add(item_id)
    return {engagement_id: frozenset(items) for engagement_id, items in shared.items()}


def open_scopes_of(user: Any, *, day: Any = None) -> list[AuditorScope]:
    """One scope per engagement that has ``user`` among its auditors and is open today.

    Five queries however many engagements: the engagements, then their chosen AI systems,
    clauses and controls (prefetched), and the evidence shared through their information
    requests."""
    day = day or timezone.localdate()
    engagements = list(
        Engagement.objects.filter(
            auditors=user,
            starts_on__lte=day,
            ends_on__gte=day,
            organization__is_active=True,
        )
        .prefetch_related("ai_systems", "clauses", "controls")
        .order_by("pk")
    )
    shared = _shared_evidence([engagement.pk for engagement in engagements])
    return [_scope(engagement, shared.get(engagement.pk)) for engagement in engagements]


def _scope(engagement: Engagement, shared: frozenset[int] | None) -> AuditorScope:
    return AuditorScope(
        engagement_id=engagement.pk,
        organization_id=engagement.organization_id,
        whole_aims=engagement.whole_aims,
        name=engagement.name,
        ends_on=engagement.ends_on,
        system_ids=frozenset(s.pk for s in engagement.ai_systems.all()),
        control_ids=frozenset(c.pk for c in engagement.controls.all()),
        clause_ids=frozenset(c.pk for c in engagement.clauses.all()),
        clause_refs=frozenset(c.ref for c in engagement.clauses.all()),
        shared={EVIDENCE_LABEL: shared} if shared else {},
    )


def engagement_scope(engagement: Engagement) -> AuditorScope:
    """What ``engagement`` lets its auditors see, whatever today's date: the scope an
    evidence pack of the engagement is read through (its auditors' view while it is open)."""
    shared = _shared_evidence([engagement.pk]).get(engagement.pk)
    return _scope(engagement, shared)
