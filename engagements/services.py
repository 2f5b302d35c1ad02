"""Workflows on auditor engagements."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from aims.core.permissions import Action, Role, auditor_adds, can, can_add, forget_roles, restrict
from aims.evidence.models import EvidenceItem
from aims.organizations.models import Membership, User
from aims.organizations.services import send_set_password_link
from engagements.models import (
    Engagement,
    InformationRequest,
    InformationRequestMessage,
    RequestStatus,
)


@transaction.atomic
def engagement_invite_auditors(
    *,
    engagement: Engagement,
    emails: list[str],
    actor: Any,
    request: Any = None,
) -> list[User]:
    """Put the people at ``emails`` on ``engagement`` as auditors.

    Whoever may change the engagement may invite: an invitation grants the auditor role and
    nothing else, and what an auditor sees is decided by the engagement's scope and window.
    Someone without an account gets one, and an e-mail to set a password (and then 2FA, as
    every member). A member of the organisation in another role is refused: the same person
    cannot both run the AIMS and audit it. All or nothing: one refusal adds nobody."""
    if not can(actor, Action.CHANGE, engagement):
        raise PermissionDenied(_("Your role does not allow changing this engagement."))
    organization = engagement.organization
    invited: list[tuple[User, bool]] = []
    for raw in emails:
        email = User.objects.normalize_email(raw.strip()).lower()
        if not email:
            continue
        user = User.objects.filter(email__iexact=email).first()
        membership = (
            Membership.objects.select_for_update()
            .filter(organization=organization, user=user)
            .first()
            if user is not None
            else None
        )
        if membership is not None and membership.role != Role.AUDITOR:
            raise ValidationError(
                {
                    "invite": _(
                        "%(email)s is a member of this organisation as %(role)s. An auditor "
                        "needs the auditor role; nothing was saved."
                    )
                    % {"email": email, "role": membership.get_role_display().lower()}
                }
            )
        if user is not None and not user.is_active:
            raise ValidationError(
                {
                    "invite": _("The account of %(email)s is disabled; nothing was saved.")
                    % {"email": email}
                }
            )
        created = user is None
        if created:
            user = User.objects.create_user(email=email, password=None)
        if membership is None:
            membership = Membership(organization=organization, user=user, role=Role.AUDITOR)
            membership.full_clean()
            membership.save()
        invited.append((user, created))
    if invited:
        engagement.auditors.add(*(user for user, _created in invited))
        forget_roles(actor)
    if request is not None:
        for user, created in invited:
            if created:
                send_set_password_link(email=user.email, request=request)
    return [user for user, _created in invited]


# ==== Information requests =================================================================


def _window(engagement: Engagement) -> str:
    return _("from %(start)s to %(end)s") % {
        "start": date_format(engagement.starts_on, "j F Y"),
        "end": date_format(engagement.ends_on, "j F Y"),
    }


def _refuse(engagement: Engagement, user: Any, refusal: str) -> None:
    """Say why ``user`` may not write to ``engagement`` (the caller found they may not): an
    auditor of it hears about its window; anyone else gets ``refusal``."""
    if engagement.auditors.filter(pk=user.pk).exists():
        today = timezone.localdate()
        if not engagement.starts_on <= today <= engagement.ends_on:
            raise ValidationError(
                _("This engagement is open %(window)s: nothing can be asked or added outside it.")
                % {"window": _window(engagement)}
            )
    raise PermissionDenied(refusal)


def _check_links(user: Any, links: dict[str, models.Model | None]) -> None:
    """Each linked record must be one the user can see (an auditor: within their scope)."""
    errors = {}
    for name, record in links.items():
        if record is None:
            continue
        visible = restrict(type(record).objects.filter(pk=record.pk), user, Action.VIEW)
        if not visible.exists():
            errors[name] = _("Choose a record you can see.")
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def request_ask(
    *,
    engagement: Engagement,
    user: Any,
    title: str,
    details: str = "",
    due_on: datetime.date | None = None,
    asked_by: Any = None,
    clause: Any = None,
    control: Any = None,
    ai_system: Any = None,
    risk: Any = None,
) -> InformationRequest:
    """Open a request on ``engagement``. An auditor of the engagement asks while it is open
    (``asked_by`` is themselves); an officer may record one an auditor of the engagement made
    elsewhere, naming them in ``asked_by``."""
    request = InformationRequest(
        organization_id=engagement.organization_id,
        engagement=engagement,
        title=(title or "").strip(),
        details=(details or "").strip(),
        due_on=due_on,
        clause=clause,
        control=control,
        ai_system=ai_system,
        risk=risk,
    )
    as_auditor = auditor_adds(user, request)
    if not as_auditor:
        if not can_add(user, InformationRequest, engagement.organization_id):
            _refuse(
                engagement, user, _("Only the auditors of this engagement ask for information.")
            )
        if not restrict(Engagement.objects.filter(pk=engagement.pk), user, Action.VIEW).exists():
            raise PermissionDenied(_("Your role does not allow adding this record here."))
    errors: dict[str, str] = {}
    if as_auditor:
        if asked_by is not None and asked_by.pk != user.pk:
            errors["asked_by"] = _("An auditor asks in their own name.")
        asked_by = user
    elif asked_by is None:
        errors["asked_by"] = _("Name the auditor who asked.")
    elif not engagement.auditors.filter(pk=asked_by.pk).exists():
        errors["asked_by"] = _("Choose one of this engagement's auditors.")
    if not request.title:
        errors["title"] = _("Say in a few words what you need.")
    if due_on and due_on < timezone.localdate():
        errors["due_on"] = _("The due date is in the past.")
    if errors:
        raise ValidationError(errors)
    request.asked_by = asked_by
    _check_links(user, {"clause": clause, "control": control, "ai_system": ai_system, "risk": risk})
    request.full_clean(exclude=["number"])
    request.save()
    return request


def _locked(request: InformationRequest) -> InformationRequest:
    # The request's own row only (aims.core.transactions: the lock order).
    return (
        InformationRequest.objects.select_for_update(of=("self",))
        .select_related("engagement")
        .get(pk=request.pk)
    )


def _evidence_for(request: InformationRequest, user: Any, evidence: Iterable[Any]) -> list[Any]:
    """The evidence items to attach: the request's organisation's, as far as ``user`` sees."""
    pks = sorted({getattr(item, "pk", item) for item in evidence})
    if not pks:
        return []
    items = list(
        restrict(EvidenceItem.objects.all(), user, Action.VIEW).filter(
            organization_id=request.organization_id, pk__in=pks
        )
    )
    if len(items) != len(pks):
        raise ValidationError({"evidence": _("Choose evidence of this organisation.")})
    return items


@transaction.atomic
def request_reply(
    *,
    request: InformationRequest,
    user: Any,
    body: str,
    evidence: Iterable[Any] = (),
) -> InformationRequestMessage:
    """Add a message to the thread. The organisation's reply (with any evidence, which the
    engagement's auditors may then open) marks the request answered; an auditor's follow-up
    on an answered request opens it again. A closed request takes no messages."""
    request = _locked(request)
    message = InformationRequestMessage(request=request, author=user, body=(body or "").strip())
    as_officer = can(user, Action.CHANGE, request)
    if not as_officer and not can_add(
        user, InformationRequestMessage, request.organization_id, parent=request, record=message
    ):
        _refuse(request.engagement, user, _("Your role does not allow answering this request."))
    if request.status == RequestStatus.CLOSED:
        raise ValidationError(_("This request is closed: reopen it before adding a message."))
    evidence = list(evidence)
    if evidence and not as_officer:
        raise ValidationError(
            {"evidence": _("Only the organisation attaches evidence; describe what you need.")}
        )
    items = _evidence_for(request, user, evidence)
    if not message.body and not items:
        raise ValidationError({"body": _("Write a message or attach evidence.")})
    message.save()
    if items:
        message.evidence.add(*items)
    if as_officer:
        request.status = RequestStatus.ANSWERED
        request.answered_at = timezone.now()
        request.save()
    elif request.status == RequestStatus.ANSWERED:
        request.status = RequestStatus.OPEN
        request.save()
    return message


def _check_change(request: InformationRequest, user: Any) -> None:
    if not can(user, Action.CHANGE, request):
        raise PermissionDenied(_("Your role does not allow closing or reopening this request."))


@transaction.atomic
def request_close(*, request: InformationRequest, user: Any) -> InformationRequest:
    """The organisation closes a request: the thread stays readable, nothing more is added."""
    request = _locked(request)
    _check_change(request, user)
    if request.status == RequestStatus.CLOSED:
        raise ValidationError(_("This request is already closed."))
    request.status = RequestStatus.CLOSED
    request.closed_at = timezone.now()
    request.closed_by = user
    request.save()
    return request


@transaction.atomic
def request_reopen(*, request: InformationRequest, user: Any) -> InformationRequest:
    """The organisation opens a closed request again, waiting for its answer."""
    request = _locked(request)
    _check_change(request, user)
    if request.status != RequestStatus.CLOSED:
        raise ValidationError(_("Only a closed request can be reopened."))
    request.status = RequestStatus.OPEN
    request.closed_at = None
    request.closed_by = None
    request.save()
    return request
