"""Workflows of the audits app: AI incidents, nonconformities and their corrective actions."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from aims.core.permissions import Action, can_add, restrict
from aims.core.transactions import lock_record
from aims.inventory.models import AISystem
from audits.models import (
    REASSESS_SEVERITIES,
    Effectiveness,
    Incident,
    Nonconformity,
    NonconformityStatus,
    Opportunity,
    OpportunityStatus,
)
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


@transaction.atomic
def nonconformity_verify(
    *, nonconformity: Nonconformity, user: Any, effective: bool, notes: str
) -> Nonconformity:
    """Record the check of whether the corrective actions worked. Effective: the
    nonconformity closes. Not effective: it goes back to open for further action, the
    finding kept. The check is made by an officer or administrator who owns none of its
    actions (unless the organisation allows self-approval), once every action is finished
    and the root cause is recorded."""
    locked = lock_record(restrict(Nonconformity.objects.all(), user, Action.APPROVE), nonconformity)
    if locked is None:
        raise PermissionDenied(_("Your role does not allow checking corrective actions."))
    if locked.status == NonconformityStatus.CLOSED:
        raise ValidationError(_("This nonconformity is already closed."))
    if locked.status != NonconformityStatus.VERIFYING:
        raise ValidationError(
            _(
                "Finish or cancel every corrective action first; at least one must be done "
                "(after a failed check, a new one)."
            )
        )
    if not locked.root_cause.strip():
        raise ValidationError(_("Record the root cause before checking effectiveness."))
    if not notes.strip():
        raise ValidationError(_("Say what the check looked at and found."))
    owners = set(locked.actions.values_list("owner_id", flat=True)) - {None}
    if user.pk in owners and not locked.organization.allow_self_approval:
        raise ValidationError(
            _(
                "You own one of its corrective actions, so someone else must check whether "
                "they worked. (An administrator can allow self-approval in the organisation "
                "settings.)"
            )
        )
    today = timezone.localdate()
    locked.verified_by = user
    locked.verified_on = today
    locked.verification_notes = notes.strip()[:4000]
    if effective:
        locked.effectiveness = Effectiveness.EFFECTIVE
        locked.status = NonconformityStatus.CLOSED
        locked.closed_on = today
    else:
        locked.effectiveness = Effectiveness.NOT_EFFECTIVE
        locked.status = NonconformityStatus.OPEN
    locked.save()
    return locked


@transaction.atomic
def nonconformity_reopen(*, nonconformity: Nonconformity, user: Any, reason: str) -> Nonconformity:
    """Reopen a closed nonconformity (it came back): the earlier check stays in the history."""
    locked = lock_record(restrict(Nonconformity.objects.all(), user, Action.APPROVE), nonconformity)
    if locked is None:
        raise PermissionDenied(_("Your role does not allow reopening a nonconformity."))
    if locked.status != NonconformityStatus.CLOSED:
        raise ValidationError(_("Only a closed nonconformity can be reopened."))
    if not reason.strip():
        raise ValidationError(_("Say why it is reopened."))
    locked.status = NonconformityStatus.OPEN
    locked.closed_on = None
    locked.effectiveness = ""
    locked.verification_notes = _("Reopened: %(reason)s") % {"reason": reason.strip()[:3900]}
    locked.save()  # open until a new corrective action is planned
    return locked


@transaction.atomic
def opportunity_raise(*, opportunity: Opportunity, actor: Any) -> Opportunity:
    """Record a suggestion (validated by the caller's form or serializer) as ``actor``'s."""
    if not can_add(actor, Opportunity, opportunity.organization_id):
        raise PermissionDenied(_("Your role does not allow suggesting improvements here."))
    opportunity.raised_by = actor
    opportunity.full_clean()
    opportunity.save()
    return opportunity


@transaction.atomic
def opportunity_decide(
    *, opportunity: Opportunity, user: Any, accept: bool, notes: str
) -> Opportunity:
    """Take up an opportunity or not, with the reasons (an officer or administrator)."""
    locked = lock_record(restrict(Opportunity.objects.all(), user, Action.APPROVE), opportunity)
    if locked is None:
        raise PermissionDenied(_("Your role does not allow deciding on improvements."))
    if locked.status not in (OpportunityStatus.PROPOSED, OpportunityStatus.ACCEPTED):
        raise ValidationError(_("This opportunity was already decided and closed."))
    if not notes.strip():
        raise ValidationError(_("Give the reasons for the decision."))
    locked.status = OpportunityStatus.ACCEPTED if accept else OpportunityStatus.REJECTED
    locked.decision_notes = notes.strip()[:4000]
    locked.decided_by = user
    locked.decided_on = timezone.localdate()
    locked.save()
    return locked


@transaction.atomic
def opportunity_implement(
    *, opportunity: Opportunity, user: Any, outcome: str, implemented_on: Any = None
) -> Opportunity:
    """Record that an accepted opportunity was carried out, and what it brought."""
    locked = lock_record(restrict(Opportunity.objects.all(), user, Action.CHANGE), opportunity)
    if locked is None:
        raise PermissionDenied(_("Your role does not allow changing this record."))
    if locked.status != OpportunityStatus.ACCEPTED:
        raise ValidationError(_("Only an accepted opportunity can be marked implemented."))
    if not outcome.strip():
        raise ValidationError(_("Say what changed and what it brought."))
    day = implemented_on or timezone.localdate()
    if day > timezone.localdate() or (locked.decided_on and day < locked.decided_on):
        raise ValidationError(_("It is implemented between its decision and today."))
    locked.status = OpportunityStatus.IMPLEMENTED
    locked.outcome = outcome.strip()[:4000]
    locked.implemented_on = day
    locked.save()
    return locked
