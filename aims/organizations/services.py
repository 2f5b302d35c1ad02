"""Workflows on organisations, memberships and the scope statement."""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from aims.core.documents import DocumentStatus, document_start_next, next_number
from aims.core.permissions import (
    Action,
    Role,
    UserPurpose,
    can,
    can_add,
    forget_roles,
    restrict,
    users_choosable,
)
from aims.core.transactions import lock_series_owner
from aims.organizations.models import (
    ClimateDecision,
    Membership,
    Organization,
    ScopeStatement,
    User,
)


def _other_admins(membership: Membership) -> bool:
    return (
        Membership.objects.select_for_update()
        .filter(organization_id=membership.organization_id, role=Role.ADMIN)
        .exclude(pk=membership.pk)
        .exists()
    )


@transaction.atomic
def membership_add(
    *,
    organization: Organization,
    email: str,
    role: str,
    full_name: str = "",
    valid_from: datetime.date | None = None,
    valid_until: datetime.date | None = None,
    actor: Any,
    request: Any = None,
) -> Membership:
    """Give ``email`` a role in ``organization``; a new person gets an e-mail to set a password."""
    if not can_add(actor, Membership, organization.pk):
        raise PermissionDenied(_("Only an administrator can add members."))
    email = User.objects.normalize_email(email).lower()
    user = User.objects.filter(email__iexact=email).first()
    created = user is None
    if created:
        user = User.objects.create_user(email=email, password=None, full_name=full_name)
    if Membership.objects.filter(organization=organization, user=user).exists():
        raise ValidationError({"email": _("%(email)s is already a member.") % {"email": email}})
    membership = Membership(
        organization=organization,
        user=user,
        role=role,
        valid_from=valid_from,
        valid_until=valid_until,
    )
    membership.full_clean()
    membership.save()
    if created and request is not None:
        send_set_password_link(email=email, request=request)
    return membership


def send_set_password_link(*, email: str, request: Any) -> None:
    """E-mail ``email`` a link to set a password, once the current transaction commits."""
    # allauth's reset form: Django's skips accounts without a usable password (every new
    # person here) and links to a URL this project does not route.
    from allauth.account.forms import ResetPasswordForm
    from allauth.core.context import request_context

    http_request = getattr(request, "_request", request)  # a DRF request wraps Django's
    form = ResetPasswordForm({"email": email})

    def send() -> None:
        with request_context(http_request):  # the link is built from the request
            form.save(http_request)

    if form.is_valid():
        transaction.on_commit(send)


@transaction.atomic
def membership_update(
    *,
    membership: Membership,
    actor: Any,
    role: str,
    valid_from: datetime.date | None,
    valid_until: datetime.date | None,
) -> Membership:
    """Change a member's role or access window. The last administrator keeps the admin role."""
    membership = Membership.objects.select_for_update().get(pk=membership.pk)
    if not can(actor, Action.CHANGE, membership):
        raise PermissionDenied(_("Only an administrator can change roles."))
    if membership.role == Role.ADMIN and role != Role.ADMIN and not _other_admins(membership):
        raise ValidationError(
            {"role": _("This is the last administrator; make someone else administrator first.")}
        )
    membership.role, membership.valid_from, membership.valid_until = role, valid_from, valid_until
    membership.full_clean()
    membership.save()
    forget_roles(actor)
    return membership


@transaction.atomic
def membership_remove(*, membership: Membership, actor: Any) -> None:
    membership = Membership.objects.select_for_update().get(pk=membership.pk)
    if not can(actor, Action.DELETE, membership):
        raise PermissionDenied(_("Only an administrator can remove members."))
    if membership.role == Role.ADMIN and not _other_admins(membership):
        raise ValidationError(
            _("This is the last administrator; make someone else administrator first.")
        )
    membership.delete()
    forget_roles(actor)


@transaction.atomic
def scope_start_draft(*, organization: Organization, actor: Any) -> ScopeStatement:
    """The next draft of the organisation's scope statement: the first one, empty; after
    that a copy of the approved version (as its ``revise``). Refused while a version is open."""
    if not can_add(actor, ScopeStatement, organization.pk):
        raise PermissionDenied(_("Your role does not allow drafting the scope."))
    lock_series_owner(organization)  # two first drafts at once: the second is refused
    revision = document_start_next(model=ScopeStatement, user=actor, organization=organization)
    if revision is not None:
        return revision
    return ScopeStatement.objects.create(
        organization=organization,
        author=actor,
        number=next_number(ScopeStatement, organization=organization),
        status=DocumentStatus.DRAFT,
        in_scope="",
    )


def current_scope(
    *, organization: Organization, user: Any
) -> tuple[ScopeStatement | None, ScopeStatement | None]:
    """The approved scope statement and the open draft that ``user`` may see (either may be missing)."""
    versions = list(
        restrict(ScopeStatement.objects.all(), user, Action.VIEW)
        .filter(
            organization=organization,
            status__in=[DocumentStatus.APPROVED, DocumentStatus.DRAFT, DocumentStatus.IN_REVIEW],
        )
        .select_related("author", "approved_by")
    )
    approved = next((v for v in versions if v.status == DocumentStatus.APPROVED), None)
    draft = next((v for v in versions if v.status != DocumentStatus.APPROVED), None)
    return approved, draft


# --- Climate decision (4.1) ---------------------------------------------------------------


def climate_current(*, organization: Organization, user: Any) -> ClimateDecision | None:
    """The decision in force: the latest one ``user`` may see (None when none is recorded)."""
    return (
        restrict(ClimateDecision.objects.all(), user, Action.VIEW)
        .filter(organization=organization)
        .select_related("decided_by")
        .order_by("-decided_on", "-pk")
        .first()
    )


@transaction.atomic
def climate_decision_record(
    *,
    organization: Organization,
    actor: Any,
    relevant: bool,
    reasoning: str,
    decided_by: Any,
    decided_on: datetime.date | None = None,
) -> ClimateDecision:
    """Record a new decision on whether climate change is relevant; it supersedes the one in
    force, which stays on record unchanged. A decision dated before the current one is
    refused: the history reads in order."""
    if not can_add(actor, ClimateDecision, organization.pk):
        raise PermissionDenied(_("Your role does not allow recording this decision."))
    if (
        not users_choosable(organization=organization, purpose=UserPurpose.OWNER)
        .filter(pk=getattr(decided_by, "pk", None))
        .exists()
    ):
        raise ValidationError(
            {"decided_by": _("Choose a member of the organisation (not an external auditor).")}
        )
    lock_series_owner(organization)  # two decisions at once: the second supersedes the first
    current = (
        ClimateDecision.objects.filter(organization=organization)
        .order_by("-decided_on", "-pk")
        .first()
    )
    decision = ClimateDecision(
        organization=organization,
        relevant=relevant,
        reasoning=reasoning,
        decided_by=decided_by,
        supersedes=current,
    )
    if decided_on is not None:
        decision.decided_on = decided_on
    if current is not None and decision.decided_on < current.decided_on:
        raise ValidationError(
            {
                "decided_on": _(
                    "The decision in force was taken on %(day)s; a new one cannot be dated earlier."
                )
                % {"day": current.decided_on.isoformat()}
            }
        )
    decision.full_clean()
    decision.save()
    return decision
