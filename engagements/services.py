"""Workflows on auditor engagements."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from aims.core.permissions import Action, Role, can, forget_roles
from aims.organizations.models import Membership, User
from aims.organizations.services import send_set_password_link
from engagements.models import Engagement


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
