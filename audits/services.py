"""Workflows of the audits app: AI incidents, nonconformities and their corrective actions,
internal audits (start, checklist, report, close), management reviews (agenda, meeting,
minutes)."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from aims.core.documents import DocumentStatus, document_start_next
from aims.core.documents import next_number as document_next_number
from aims.core.permissions import Action, can_add, restrict
from aims.core.transactions import lock_record, lock_series_owner
from aims.inventory.models import AISystem
from audits.models import (
    FIRST_REVIEW_LOOKBACK_DAYS,
    REASSESS_SEVERITIES,
    Audit,
    AuditChecklistLine,
    AuditReport,
    AuditStatus,
    Effectiveness,
    Incident,
    LineKind,
    ManagementReview,
    Nonconformity,
    NonconformitySource,
    NonconformityStatus,
    Opportunity,
    OpportunityStatus,
    ReviewInput,
    ReviewInputKind,
    ReviewMinutes,
    ReviewStatus,
    independence_conflicts,
)
from controls.models import Applicability, SoAVersion
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


# --- Internal audit (9.2) --------------------------------------------------------------------


def audit_scope_conflicts(audit: Audit) -> list[str]:
    """The independence conflicts of an audit as it is saved (its auditors and lead)."""
    people = list(audit.auditors.all())
    if audit.lead_auditor is not None and audit.lead_auditor_id not in {p.pk for p in people}:
        people.append(audit.lead_auditor)
    return independence_conflicts(
        organization=audit.organization,
        auditors=people,
        clauses=audit.clauses.all(),
        controls=audit.controls.all(),
        ai_systems=audit.ai_systems.all(),
    )


def _locked_audit(audit: Audit, user: Any, action: Action = Action.CHANGE) -> Audit:
    locked = lock_record(restrict(Audit.objects.all(), user, action), audit)
    if locked is None:
        raise PermissionDenied(_("Your role does not allow changing this audit."))
    return locked


def _line_answered(line: AuditChecklistLine, evidence_ids: set[int]) -> bool:
    return bool(
        line.result
        or line.sampled.strip()
        or line.notes.strip()
        or line.nonconformity_id
        or line.pk in evidence_ids
    )


@transaction.atomic
def audit_checklist_generate(*, audit: Audit, user: Any) -> dict[str, int]:
    """(Re)build the checklist from the audit's scope: a line per clause chosen and a line
    per control chosen, the controls as the approved Statement of Applicability has them
    (a control it marks not applicable is listed as excluded, with the reason). Lines
    already answered are kept as they are, whatever the scope now says; unanswered lines
    follow the scope. Returns how many lines were added, updated, kept and removed."""
    locked = _locked_audit(audit, user)
    if locked.status not in (AuditStatus.PLANNED, AuditStatus.IN_PROGRESS):
        raise ValidationError(
            _("The audit is %(s)s: its checklist no longer changes.")
            % {"s": locked.get_status_display().lower()}
        )
    clauses = list(locked.clauses.order_by("sort_key"))
    controls = list(locked.controls.order_by("sort_key"))
    if not clauses and not controls:
        raise ValidationError(_("Choose the clauses or controls the audit covers first."))
    rows: dict[str, dict[str, Any]] = {}
    if controls:
        soa = (
            SoAVersion.objects.filter(
                organization_id=locked.organization_id, status=DocumentStatus.APPROVED
            )
            .only("rows", "number")
            .first()
        )
        if soa is None:
            raise ValidationError(
                _(
                    "The checklist's control lines come from the approved Statement of "
                    "Applicability, and there is none yet: approve the SoA first."
                )
            )
        rows = {row["ref"]: row for row in soa.rows}
    wanted: dict[tuple[str, str], dict[str, Any]] = {}
    for clause in clauses:
        wanted[(LineKind.CLAUSE, clause.ref)] = {
            "requirement": clause,
            "title": clause.title[:250],
            "sort_key": clause.sort_key,
            "excluded": False,
            "exclusion_reason": "",
        }
    for control in controls:
        row = rows.get(control.ref, {})
        not_applicable = row.get("applicability") == Applicability.NOT_APPLICABLE
        wanted[(LineKind.CONTROL, control.ref)] = {
            "requirement": control,
            "title": str(row.get("title") or control.title)[:250],
            "sort_key": control.sort_key,
            "excluded": not_applicable,
            "exclusion_reason": str(row.get("justification", "")) if not_applicable else "",
        }
    existing = {(line.kind, line.ref): line for line in locked.lines.all()}
    with_evidence = set(
        AuditChecklistLine.evidence.through.objects.filter(
            auditchecklistline__audit=locked
        ).values_list("auditchecklistline_id", flat=True)
    )
    counts = {"added": 0, "updated": 0, "kept": 0, "removed": 0}
    for key, line in existing.items():
        if _line_answered(line, with_evidence):
            counts["kept"] += 1
            continue
        spec = wanted.get(key)
        if spec is None:
            line.delete()
            counts["removed"] += 1
            continue
        changed = False
        for name, value in spec.items():
            current = line.requirement_id if name == "requirement" else getattr(line, name)
            target = value.pk if name == "requirement" else value
            if current != target:
                setattr(line, name, value)
                changed = True
        if changed:
            line.save()
            counts["updated"] += 1
    for key, spec in wanted.items():
        if key in existing:
            continue
        AuditChecklistLine.objects.create(audit=locked, kind=key[0], ref=key[1], **spec)
        counts["added"] += 1
    return counts


@transaction.atomic
def audit_start(*, audit: Audit, user: Any, started_on: Any = None) -> Audit:
    """Planned → in progress: the audit has a lead auditor, a scope and independent
    auditors; its checklist is built from the scope."""
    locked = _locked_audit(audit, user)
    if locked.status != AuditStatus.PLANNED:
        raise ValidationError(_("Only a planned audit can start."))
    if locked.lead_auditor_id is None:
        raise ValidationError(_("Name the lead auditor before the audit starts."))
    conflicts = audit_scope_conflicts(locked)
    if conflicts:
        raise ValidationError(
            [_("Nobody audits their own area; change the auditors or the scope:"), *conflicts],
            code="independence",
        )
    today = timezone.localdate()
    started_on = started_on or today
    if started_on > today:
        raise ValidationError(_("An audit starts today or earlier, not in the future."))
    locked.status = AuditStatus.IN_PROGRESS
    locked.actual_start = started_on
    locked.save()
    audit_checklist_generate(audit=locked, user=user)
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


def audit_close(*, audit: Audit, user: Any) -> Audit:
    """Reported → closed, once every nonconformity it raised has a corrective action under
    way (or is closed)."""
    locked = _locked_audit(audit, user, Action.APPROVE)
    if locked.status != AuditStatus.REPORTED:
        raise ValidationError(_("An audit closes once its report is approved."))
    waiting = [
        nc.reference
        for nc in Nonconformity.objects.filter(
            audit_line__audit=locked, status=NonconformityStatus.OPEN
        ).order_by("number")
    ]
    if waiting:
        raise ValidationError(
            _("Plan a corrective action for each nonconformity it raised first: %(refs)s.")
            % {"refs": ", ".join(waiting)}
        )
    locked.status = AuditStatus.CLOSED
    locked.save()
    return locked


def checklist_line_raise(*, line: AuditChecklistLine, user: Any) -> Nonconformity | None:
    """After a line is answered: a major or minor nonconformity result raises a
    nonconformity (once per line), recorded against the line's requirement and the audit's
    AI systems; a later change between major and minor follows on a nonconformity not yet
    closed. Call it inside the transaction that saved the line."""
    if not line.raises_nonconformity:
        return line.nonconformity
    audit = line.audit
    nc = line.nonconformity
    if nc is not None:
        if nc.severity != line.result and nc.status != NonconformityStatus.CLOSED:
            nc = Nonconformity.objects.select_for_update().get(pk=nc.pk)
            nc.severity = line.result
            nc.save()
        return nc
    nc = Nonconformity(
        organization_id=audit.organization_id,
        title=(
            _("%(audit)s: %(ref)s %(title)s")
            % {
                "audit": audit.reference,
                "ref": line.ref,
                "title": line.title,
            }
        )[:200],
        description=line.notes.strip() or line.title,
        requirement_id=line.requirement_id,
        severity=line.result,
        source=NonconformitySource.INTERNAL_AUDIT,
        found_on=min(timezone.localdate(), audit.actual_end or timezone.localdate()),
        owner=None,
    )
    nc.full_clean()
    nc.save()
    nc.ai_systems.set(audit.ai_systems.all())
    line.nonconformity = nc
    line.save()
    return nc


@transaction.atomic
def audit_report_start(
    *, audit: Audit, user: Any, summary: str = "", conclusions: str = ""
) -> AuditReport:
    """The next version of the audit's report: a copy of the approved one, or a first draft.
    An audit is reported on once it is in progress."""
    if not can_add(user, AuditReport, audit.organization_id):
        raise PermissionDenied(_("Your role does not allow writing an audit report."))
    lock_series_owner(audit.organization)
    audit = Audit.objects.select_related("organization").get(pk=audit.pk)  # as it is now
    if audit.status == AuditStatus.PLANNED:
        raise ValidationError(_("Start the audit before writing its report."))
    if audit.status == AuditStatus.CLOSED:
        raise ValidationError(_("The audit is closed: its report no longer changes."))
    draft = document_start_next(
        model=AuditReport, user=user, organization=audit.organization, audit=audit
    )
    if draft is None:
        draft = AuditReport(
            organization=audit.organization,
            audit=audit,
            number=document_next_number(AuditReport, organization=audit.organization, audit=audit),
            author=user,
            summary=summary,
            conclusions=conclusions,
        )
        draft.full_clean()
        draft.save()
    return draft


# --- Management review (9.3) -----------------------------------------------------------------


def review_covers_from(review: ManagementReview) -> datetime.date:
    """The day changes are counted from: the latest earlier review's meeting, else a year
    before this one."""
    earlier = (
        ManagementReview.objects.filter(
            organization_id=review.organization_id, held_on__isnull=False
        )
        .exclude(pk=review.pk)
        .filter(held_on__lte=review.planned_for)
        .order_by("-held_on")
        .values_list("held_on", flat=True)
        .first()
    )
    return earlier or review.planned_for - datetime.timedelta(days=FIRST_REVIEW_LOOKBACK_DAYS)


def _locked_review(review: ManagementReview, user: Any) -> ManagementReview:
    locked = lock_record(restrict(ManagementReview.objects.all(), user, Action.CHANGE), review)
    if locked is None:
        raise PermissionDenied(_("Your role does not allow changing this review."))
    return locked


def _agenda_fill(review: ManagementReview, user: Any) -> None:
    """Write the agenda items of a saved review: one per input, in order, with the figures
    the registers give now; minutes already written are kept."""
    from audits.review_agenda import Agenda  # the agenda reads every register: load it late

    agenda = Agenda(review=review, user=user, today=timezone.localdate())
    existing = {item.kind: item for item in ReviewInput.objects.filter(review=review)}
    for position, kind in enumerate(ReviewInputKind.values, start=1):
        item = existing.get(kind) or ReviewInput(review=review, kind=kind)
        item.position = position
        item.facts = agenda.facts(kind)
        item.save()


@transaction.atomic
def review_agenda_build(*, review: ManagementReview, user: Any) -> ManagementReview:
    """Reassemble the agenda from the registers as they stand now. The minutes already
    written are kept; figures are replaced. Once the minutes are approved, the agenda no
    longer changes."""
    locked = _locked_review(review, user)
    if locked.status == ReviewStatus.APPROVED:
        raise ValidationError(_("The minutes are approved: the agenda no longer changes."))
    locked.covers_from = review_covers_from(locked)
    locked.agenda_built_at = timezone.now()
    locked.save()
    _agenda_fill(locked, user)
    return locked


@transaction.atomic
def review_plan(
    *, review: ManagementReview, user: Any, attendees: Iterable[Any] = ()
) -> ManagementReview:
    """Save a new review (unsaved ``review``, its fields filled in) and assemble its agenda
    from the registers."""
    if not can_add(user, ManagementReview, review.organization_id):
        raise PermissionDenied(_("Your role does not allow planning a management review."))
    lock_series_owner(review.organization)
    review.covers_from = review_covers_from(review)
    review.agenda_built_at = timezone.now()
    review.full_clean()
    review.save()
    review.attendees.set(list(attendees))
    _agenda_fill(review, user)
    return review


@transaction.atomic
def review_hold(
    *, review: ManagementReview, user: Any, held_on: datetime.date | None = None
) -> ManagementReview:
    """Planned → held: the meeting took place on ``held_on`` (today by default), chaired
    and attended. Decisions can then be recorded and the minutes written."""
    locked = _locked_review(review, user)
    if locked.status != ReviewStatus.PLANNED:
        raise ValidationError(_("The review has already been held."))
    today = timezone.localdate()
    held_on = held_on or today
    if held_on > today:
        raise ValidationError(_("A review is recorded as held on the day or later, not before."))
    if held_on < locked.covers_from:
        raise ValidationError(
            _("It cannot be held before the previous review (%(day)s).")
            % {"day": locked.covers_from}
        )
    if locked.chair_id is None:
        raise ValidationError(_("Name the chair before recording the review as held."))
    if not locked.attendees.exists():
        raise ValidationError(_("Record who attended before recording the review as held."))
    if not ReviewInput.objects.filter(review=locked).exists():
        raise ValidationError(_("The review has no agenda; assemble it first."))
    locked.status = ReviewStatus.HELD
    locked.held_on = held_on
    locked.save()
    return locked


@transaction.atomic
def review_minutes_start(
    *, review: ManagementReview, user: Any, summary: str = "", conclusions: str = ""
) -> ReviewMinutes:
    """The next version of the review's minutes: a copy of the approved one, or a first
    draft. Minutes are written once the review has been held."""
    if not can_add(user, ReviewMinutes, review.organization_id):
        raise PermissionDenied(_("Your role does not allow writing review minutes."))
    lock_series_owner(review.organization)
    review = ManagementReview.objects.select_related("organization").get(pk=review.pk)
    if review.status == ReviewStatus.PLANNED:
        raise ValidationError(_("Record the review as held before writing its minutes."))
    draft = document_start_next(
        model=ReviewMinutes, user=user, organization=review.organization, review=review
    )
    if draft is None:
        draft = ReviewMinutes(
            organization=review.organization,
            review=review,
            number=document_next_number(
                ReviewMinutes, organization=review.organization, review=review
            ),
            author=user,
            summary=summary,
            conclusions=conclusions,
        )
        draft.full_clean()
        draft.save()
    return draft
