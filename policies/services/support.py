"""Workflows of the support area: planned changes (6.3), the documented-information
register (7.5.3) and concerns (A.3.3). Typed keyword-only functions; each re-checks what
the caller may do inside its transaction."""

from __future__ import annotations

import datetime
import secrets
from dataclasses import dataclass
from typing import Any

from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from aims.core import transactions
from aims.core.changelog import change_context, current_context
from aims.core.permissions import Action, can, can_add, restrict
from aims.core.queries import subquery_count
from aims.core.tenancy import Organization
from policies.documented import RecordType, record_types
from policies.models.support import (
    ChangeStatus,
    Concern,
    ConcernChannel,
    ConcernSource,
    ConcernStatus,
    PlannedChange,
    RetentionRule,
    follow_up_digest,
)

# --- Planned changes ---------------------------------------------------------------------------


def _locked_change(change: PlannedChange, actor: Any, action: Action) -> PlannedChange:
    locked = transactions.lock_record(restrict(PlannedChange.objects.all(), actor, action), change)
    if locked is None:
        raise PermissionDenied(_("Your role does not allow deciding on planned changes."))
    return locked


def _decide(*, change: PlannedChange, actor: Any, note: str, status: ChangeStatus) -> PlannedChange:
    with transaction.atomic():
        locked = _locked_change(change, actor, Action.APPROVE)
        if locked.status != ChangeStatus.PROPOSED:
            raise ValidationError(
                _("This change was already %(status)s; only a proposed change can be decided.")
                % {"status": locked.get_status_display().lower()}
            )
        if locked.proposed_by_id == actor.pk:
            raise ValidationError(
                _(
                    "You proposed this change, so another officer or administrator must "
                    "approve or reject it."
                )
            )
        locked.status = status
        locked.decided_by = actor
        locked.decided_at = timezone.now()
        locked.decision_note = (note or "").strip()[:500]
        locked.full_clean()
        locked.save()
        return locked


def planned_change_approve(*, change: PlannedChange, actor: Any, note: str = "") -> PlannedChange:
    return _decide(change=change, actor=actor, note=note, status=ChangeStatus.APPROVED)


def planned_change_reject(*, change: PlannedChange, actor: Any, note: str = "") -> PlannedChange:
    if not (note or "").strip():
        raise ValidationError(_("Say why the change is rejected: the proposer reads it."))
    return _decide(change=change, actor=actor, note=note, status=ChangeStatus.REJECTED)


def planned_change_implement(
    *,
    change: PlannedChange,
    actor: Any,
    implemented_on: datetime.date | None = None,
    note: str = "",
) -> PlannedChange:
    """Record that an approved change was carried out (never one that was not approved)."""
    with transaction.atomic():
        locked = _locked_change(change, actor, Action.CHANGE)
        if locked.status != ChangeStatus.APPROVED:
            raise ValidationError(
                _("Only an approved change can be marked implemented; this one is %(status)s.")
                % {"status": locked.get_status_display().lower()}
            )
        day = implemented_on or timezone.localdate()
        if day > timezone.localdate():
            raise ValidationError(_("The implementation date cannot be in the future."))
        if locked.decided_at and day < timezone.localtime(locked.decided_at).date():
            raise ValidationError(
                _("A change cannot be implemented before it was approved (%(d)s).")
                % {"d": timezone.localtime(locked.decided_at).date().isoformat()}
            )
        locked.status = ChangeStatus.IMPLEMENTED
        locked.implemented_on = day
        locked.implementation_note = (note or "").strip()[:500]
        locked.full_clean()
        locked.save()
        return locked


# --- Documented information ----------------------------------------------------------------------


@dataclass
class RegisterRow:
    """One kind of record the product keeps, with how many there are and its retention."""

    record_type: RecordType
    count: int
    rule: RetentionRule | None

    @property
    def complete(self) -> bool:
        return self.rule is not None


def documented_information(*, organization: Organization, user: Any) -> list[RegisterRow]:
    """Every kind of record the product keeps, counted as far as ``user`` may see them, with
    the organisation's retention rule for it. Two queries, whatever the number of kinds."""
    types = record_types()
    counts = (
        Organization.objects.filter(pk=organization.pk)
        .annotate(
            **{
                f"n{index}": subquery_count(
                    restrict(t.model.objects.all(), user, Action.VIEW).filter(
                        organization=organization
                    )
                )
                for index, t in enumerate(types)
            }
        )
        .values(*[f"n{index}" for index in range(len(types))])
        .get()
    )
    rules = {
        r.record_type: r
        for r in restrict(RetentionRule.objects.all(), user, Action.VIEW)
        .filter(organization=organization)
        .select_related("owner", "organization")
    }
    return [
        RegisterRow(t, counts[f"n{index}"], rules.get(t.label)) for index, t in enumerate(types)
    ]


# --- Concerns ------------------------------------------------------------------------------------


def _follow_up_code() -> str:
    raw = secrets.token_hex(8).upper()
    return "-".join(raw[i : i + 4] for i in range(0, 16, 4))


def concern_raise(
    *,
    organization: Organization,
    reporter: Any = None,
    summary: str,
    description: str,
    category: str,
    ai_system: Any = None,
    reporter_relationship: str = "",
    reporter_contact: str = "",
    received_at: datetime.datetime | None = None,
) -> tuple[Concern, str]:
    """Record a concern. A member (``reporter``) follows it in the product; without one (the
    anonymous link) a follow-up code is made, returned once and kept only as a hash.

    A report through an external channel also says how the reporter relates to the
    organisation (``reporter_relationship``) and may leave ``reporter_contact`` for a reply;
    a member's concern carries neither (the database refuses it). ``received_at`` is for a
    report that came in earlier than it is recorded (the demo data); it defaults to now.

    The change-log row of the creation names no actor, whoever is signed in: the reporter's
    identity and contact stay on the record alone (``Concern.changelog_exclude``). Returns
    the concern and the follow-up code ("" for a member)."""
    if reporter is not None and not can_add(reporter, Concern, organization.pk):
        raise PermissionDenied(_("Only members of the organisation can raise a concern here."))
    if received_at is not None and received_at > timezone.now():
        raise ValidationError(_("A concern cannot be received in the future."))
    code = "" if reporter is not None else _follow_up_code()
    concern = Concern(
        organization=organization,
        summary=summary,
        description=description,
        category=category,
        ai_system=ai_system,
        source=ConcernSource.MEMBER if reporter is not None else ConcernSource.LINK,
        reporter=reporter,
        follow_up_hash=follow_up_digest(code) if code else "",
        reporter_relationship=reporter_relationship,
        reporter_contact=reporter_contact.strip(),
        created_at=received_at or timezone.now(),
    )
    concern.full_clean()
    outer = current_context()
    with (
        change_context(source=outer.source, actor=None, request_id=outer.request_id),
        transaction.atomic(),
    ):
        concern.save()
    return concern, code


def _locked_concern(concern: Concern, actor: Any) -> Concern:
    locked = transactions.lock_record(
        restrict(Concern.objects.all(), actor, Action.CHANGE), concern
    )
    if locked is None:
        raise PermissionDenied(_("Your role does not allow handling concerns."))
    return locked


def concern_review(*, concern: Concern, actor: Any, note: str = "") -> Concern:
    """Received → under review: someone is looking into it."""
    with transaction.atomic():
        locked = _locked_concern(concern, actor)
        if locked.status != ConcernStatus.RECEIVED:
            raise ValidationError(
                _("Only a concern just received can be taken under review; this one is %(s)s.")
                % {"s": locked.get_status_display().lower()}
            )
        locked.status = ConcernStatus.UNDER_REVIEW
        if locked.handler_id is None:
            locked.handler = actor
        if note.strip():
            locked.handling_notes = "\n\n".join(
                x for x in (locked.handling_notes, note.strip()) if x
            )
        locked.save()
        return locked


def concern_close(
    *, concern: Concern, actor: Any, status: str, resolution: str, reply: str = ""
) -> Concern:
    """Resolve or dismiss an open concern, with what was decided and, for the reporter, a
    reply."""
    if status not in (ConcernStatus.RESOLVED, ConcernStatus.DISMISSED):
        raise ValidationError(_("Choose whether the concern is resolved or dismissed."))
    if not (resolution or "").strip():
        raise ValidationError(
            {"resolution": _("Say what was decided and done: a closed concern needs it.")}
        )
    with transaction.atomic():
        locked = _locked_concern(concern, actor)
        if not locked.is_open:
            raise ValidationError(
                _("This concern is already %(s)s.") % {"s": locked.get_status_display().lower()}
            )
        locked.status = status
        locked.resolution = resolution.strip()
        if (reply or "").strip():
            locked.reply = reply.strip()
        if locked.handler_id is None:
            locked.handler = actor
        locked.closed_at = timezone.now()
        locked.full_clean()
        locked.save()
        return locked


def concern_reopen(*, concern: Concern, actor: Any) -> Concern:
    with transaction.atomic():
        locked = _locked_concern(concern, actor)
        if locked.is_open:
            raise ValidationError(_("This concern is still open."))
        locked.status = ConcernStatus.UNDER_REVIEW
        locked.closed_at = None
        locked.save()
        return locked


def concern_follow_up(*, channel: ConcernChannel, code: str) -> Concern | None:
    """The concern an anonymous reporter's follow-up code opens in this channel's
    organisation, or ``None``."""
    code = (code or "").strip().upper()
    if not code:
        return None
    return (
        Concern.objects.filter(
            organization_id=channel.organization_id, follow_up_hash=follow_up_digest(code)
        )
        .select_related("organization")
        .first()
    )


def concern_channel_rotate(*, channel: ConcernChannel, actor: Any) -> ConcernChannel:
    """A new secret link: the old one stops working (follow-up codes keep working)."""
    from policies.models.support import new_link_token

    with transaction.atomic():
        locked = transactions.lock_record(
            restrict(ConcernChannel.objects.all(), actor, Action.CHANGE), channel
        )
        if locked is None:
            raise PermissionDenied(_("Your role does not allow changing the concern channel."))
        locked.link_token = new_link_token()
        locked.save()
        return locked


# How many anonymous reports, and failed follow-up codes, one address may send per hour.
REPORTS_PER_HOUR = 5
FAILED_CODES_PER_HOUR = 10


def attempts(*, key: str) -> int:
    """How many attempts were counted under ``key`` in the current window (shared cache,
    so every web process counts the same)."""
    return int(cache.get(f"concerns:{key}", 0) or 0)


def count_attempt(*, key: str, window: int = 3600) -> None:
    full = f"concerns:{key}"
    if cache.add(full, 1, timeout=window):
        return
    try:
        cache.incr(full)
    except ValueError:  # expired in between
        cache.set(full, 1, timeout=window)


def may_raise(user: Any, organization: Organization) -> bool:
    return can_add(user, Concern, organization.pk)


def may_handle(user: Any, concern: Concern) -> bool:
    return can(user, Action.CHANGE, concern)
