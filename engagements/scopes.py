"""The open engagements of an auditor, as the plain scopes the permission layer filters by."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from aims.core.access import AuditorScope
from engagements.models import Engagement


def open_scopes_of(user: Any, *, day: Any = None) -> list[AuditorScope]:
    """One scope per engagement that has ``user`` among its auditors and is open today.

    Four queries however many engagements: the engagements, then their chosen AI systems,
    clauses and controls (prefetched)."""
    day = day or timezone.localdate()
    engagements = (
        Engagement.objects.filter(
            auditors=user,
            starts_on__lte=day,
            ends_on__gte=day,
            organization__is_active=True,
        )
        .prefetch_related("ai_systems", "clauses", "controls")
        .order_by("pk")
    )
    return [
        AuditorScope(
            engagement_id=engagement.pk,
            organization_id=engagement.organization_id,
            whole_aims=engagement.whole_aims,
            name=engagement.name,
            ends_on=engagement.ends_on,
            system_ids=frozenset(s.pk for s in engagement.ai_systems.all()),
            control_ids=frozenset(c.pk for c in engagement.controls.all()),
            clause_ids=frozenset(c.pk for c in engagement.clauses.all()),
            clause_refs=frozenset(c.ref for c in engagement.clauses.all()),
        )
        for engagement in engagements
    ]
