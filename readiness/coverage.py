"""Which part of the AIMS a readiness report covers for the person reading it.

Members read the whole AIMS. An auditor reads what their open engagements in the
organisation show, and the report's clauses, controls, findings and totals are those of
that part only, so that "every clause is ready" never speaks of records they cannot see:

- an engagement over the whole AIMS (any one of them) covers everything, as for a member;
- limited engagements cover the clauses chosen in them (their clause statuses, through the
  permission layer) and the controls their SoA shows (the controls chosen, those treating
  risks of the chosen AI systems, all of them once clause 6.1.3 is chosen);
- engagements limited to AI systems only (no clause chosen in any of them) keep the clauses
  the platform checks against records, each found from the records those systems reach;
  the organisation's own status and statement of a clause are not part of such an
  engagement, so such a clause counts as ready when its check passes and nothing
  contradicts it, and clauses ready only by a person's declaration are left out.

An auditor with no open engagement in the organisation has no readiness to read (404),
unless records were shared with them one by one before engagements existed (the older
grants the permission layer still honours): then the report covers those records.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from aims.core.permissions import Action, Role, auditor_scopes_of, restrict, role_in
from controls.models import ClauseStatus, ControlImplementation


class Extent:
    WHOLE = "whole"  # every clause and control: a member, or a whole-AIMS engagement
    CLAUSES = "clauses"  # the chosen clauses and the controls the engagements show
    SYSTEMS = "systems"  # chosen AI systems only: the checked clauses, from their records
    SHARED = "shared"  # no open engagement: the records shared one by one (older grants)


@dataclass(frozen=True)
class Coverage:
    extent: str
    auditor: bool = False
    clause_ids: frozenset[int] = frozenset()  # CLAUSES: the clauses chosen
    system_ids: frozenset[int] = frozenset()  # SYSTEMS: the AI systems chosen
    engagement_names: tuple[str, ...] = ()

    @property
    def limited(self) -> bool:
        """Only part of the AIMS is shown: totals and messages speak of that part."""
        return self.extent != Extent.WHOLE

    @property
    def statuses_shown(self) -> bool:
        """Whether the organisation's own clause statuses are part of what is shown."""
        return self.extent != Extent.SYSTEMS


WHOLE = Coverage(extent=Extent.WHOLE)


def readiness_coverage(*, organization: Any, user: Any) -> Coverage | None:
    """What ``user`` reads of the organisation's readiness; ``None``: nothing (an auditor
    with no engagement open today)."""
    if user.is_superuser or role_in(user, organization.pk) != Role.AUDITOR:
        return WHOLE
    scopes = [s for s in auditor_scopes_of(user) if s.organization_id == organization.pk]
    if not scopes:
        shared = any(
            restrict(model.objects.all(), user, Action.VIEW)
            .filter(organization=organization)
            .exists()
            for model in (ClauseStatus, ControlImplementation)
        )
        return Coverage(extent=Extent.SHARED, auditor=True) if shared else None
    names = tuple(s.name for s in scopes)
    if any(s.whole_aims for s in scopes):
        return Coverage(extent=Extent.WHOLE, auditor=True, engagement_names=names)
    clause_ids = frozenset().union(*(s.clause_ids for s in scopes))
    system_ids = frozenset().union(*(s.system_ids for s in scopes))
    if not clause_ids and system_ids:
        return Coverage(
            extent=Extent.SYSTEMS, auditor=True, system_ids=system_ids, engagement_names=names
        )
    return Coverage(
        extent=Extent.CLAUSES, auditor=True, clause_ids=clause_ids, engagement_names=names
    )
