"""Workflows of the audits app: AI incidents (more with issue 12)."""

from __future__ import annotations

from collections.abc import Iterable

from django.utils.translation import gettext as _

from aims.inventory.models import AISystem
from audits.models import REASSESS_SEVERITIES, Incident
from impact_assessments.services import mark_review_needed


def incident_calls_for_reassessment(incident: Incident) -> bool:
    """A high or critical incident, or one serious under the EU AI Act."""
    return incident.severity in REASSESS_SEVERITIES or bool(incident.serious_incident)


def incident_flag_assessments(
    *, incident: Incident, system_ids: Iterable[int] | None = None
) -> int:
    """Flag for review the approved impact assessments of the systems the incident affected
    (or of ``system_ids`` among them), when the incident calls for it. Returns how many."""
    if not incident_calls_for_reassessment(incident):
        return 0
    systems = AISystem.objects.filter(incidents=incident)
    if system_ids is not None:
        systems = systems.filter(pk__in=list(system_ids))
    reason = _("Incident %(ref)s: %(title)s.") % {
        "ref": incident.reference,
        "title": incident.title,
    }
    return sum(mark_review_needed(ai_system=system, reason=reason) for system in systems)
