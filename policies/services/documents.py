"""Workflows on policies (5.2, A.2) and their acknowledgements (7.3).

The life cycle itself (submit, return, approve, revise, retire) is the controlled-document
one of ``aims.core.documents``; what is added here: starting a series (typed or adopted
from a starter), publication with its acknowledgement requests, acknowledging, and the
comparison of two versions.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from aims.core.documents import (
    DocumentStatus,
    document_open_draft_error,
    document_retire,
    document_start_revision,
    next_number,
)
from aims.core.permissions import Action, UserPurpose, can, can_add, restrict, users_choosable
from aims.core.tenancy import Role
from aims.core.transactions import lock_series_owner
from policies.models import Policy, PolicyAcknowledgement, PolicyKind
from policies.rendering import FieldChange, PolicyDiff, diff_rows, unified_diff
from policies.starters import STARTERS_BY_KEY

# Membership roles a publication may ask to acknowledge (auditors are never asked).
ACKNOWLEDGING_ROLES = (Role.ADMIN, Role.OFFICER, Role.CONTRIBUTOR, Role.VIEWER)

CREATE_FIELDS = (
    "kind",
    "title",
    "body",
    "change_summary",
    "effective_date",
    "external_documents",
    "review_interval_months",
)


@transaction.atomic
def policy_create(
    *,
    organization: Any,
    user: Any,
    code: str,
    aligned_with: Iterable[Policy] = (),
    evidence: Iterable[Any] = (),
    **content: Any,
) -> Policy:
    """The first version (a draft) of a new document series ``code``. A code already in use
    is refused: a new version of an existing document starts from it (``revise``)."""
    if not can_add(user, Policy, organization.pk):
        raise PermissionDenied(_("Your role does not allow writing policies."))
    lock_series_owner(organization)
    code = (code or "").strip()
    existing = Policy.objects.filter(organization=organization, code__iexact=code).first()
    if existing is not None:
        raise ValidationError(
            {
                "code": _(
                    "%(code)s is already the code of “%(title)s”: open it and start a new "
                    "version there, or choose another code."
                )
                % {"code": existing.code, "title": existing.title}
            }
        )
    unknown = set(content) - set(CREATE_FIELDS)
    if unknown:
        raise ValueError(f"not policy content: {sorted(unknown)}")
    policy = Policy(
        organization=organization,
        code=code,
        number=next_number(Policy, organization=organization, code=code),
        author=user,
        **content,
    )
    policy.full_clean()
    policy.save()
    policy_set_links(policy=policy, user=user, aligned_with=aligned_with, evidence=evidence)
    return policy


def policy_set_links(
    *, policy: Policy, user: Any, aligned_with: Iterable[Policy], evidence: Iterable[Any]
) -> None:
    """Set a draft's links, refusing what the user cannot see or another organisation's."""
    aligned = list(aligned_with)
    attachments = list(evidence)
    for other in aligned:
        if other.organization_id != policy.organization_id:
            raise ValidationError({"aligned_with": _("Choose policies of this organisation.")})
        if other.code == policy.code:
            raise ValidationError(
                {"aligned_with": _("A policy is not aligned with a version of itself.")}
            )
    for item in attachments:
        if item.organization_id != policy.organization_id:
            raise ValidationError({"evidence": _("Choose evidence of this organisation.")})
    policy.aligned_with.set(aligned)
    policy.evidence.set(attachments)


@transaction.atomic
def policy_adopt_starter(*, organization: Any, user: Any, key: str) -> Policy:
    """A draft made from one of the starter documents, for the officer to edit."""
    starter = STARTERS_BY_KEY.get(key)
    if starter is None:
        raise ValidationError(_("There is no starter document “%(key)s”.") % {"key": key[:40]})
    code = starter.code
    taken = set(
        Policy.objects.filter(organization=organization, code__istartswith=starter.code)
        .values_list("code", flat=True)
        .distinct()
    )
    taken_lower = {c.lower() for c in taken}
    suffix = 2
    while code.lower() in taken_lower:
        code = f"{starter.code}-{suffix}"
        suffix += 1
    return policy_create(
        organization=organization,
        user=user,
        code=code,
        kind=starter.kind,
        title=str(starter.title),
        body=starter.body.replace("{organization}", organization.name),
        change_summary=_("Adopted from the starter document “%(title)s”.")
        % {"title": starter.title},
        review_interval_months=starter.review_interval_months,
    )


@transaction.atomic
def policy_revise(*, version: Policy, user: Any) -> Policy:
    """A new draft of the series: a copy of the approved version, links included. Refused
    while a version is open, with the way forward."""
    lock_series_owner(version.organization)
    open_version = (
        version.series().filter(status__in=[DocumentStatus.DRAFT, DocumentStatus.IN_REVIEW]).first()
    )
    if open_version is not None:
        raise document_open_draft_error(open_version)
    return document_start_revision(version=version, user=user)


def _people_for(*, organization: Any, roles: Iterable[str], people: Iterable[Any]) -> list[Any]:
    chosen_roles = [r for r in roles if r in ACKNOWLEDGING_ROLES]
    bad = set(roles) - set(ACKNOWLEDGING_ROLES)
    if bad:
        raise ValidationError(
            {"roles": _("These roles cannot be asked: %(r)s.") % {"r": ", ".join(sorted(bad))}}
        )
    choosable = users_choosable(organization=organization, purpose=UserPurpose.PARTICIPANT)
    people = list(people)
    allowed_ids = set(choosable.filter(pk__in=[p.pk for p in people]).values_list("pk", flat=True))
    refused = [p for p in people if p.pk not in allowed_ids]
    if refused:
        raise ValidationError(
            {
                "people": _("Not a current member of this organisation: %(who)s.")
                % {"who": ", ".join(getattr(p, "email", str(p)) for p in refused)}
            }
        )
    by_role = (
        list(
            users_choosable(
                organization=organization, purpose=UserPurpose.PARTICIPANT, roles=chosen_roles
            )
        )
        if chosen_roles
        else []
    )
    seen: dict[Any, Any] = {}
    for person in [*by_role, *people]:
        seen.setdefault(person.pk, person)
    return list(seen.values())


def _request(*, policy: Policy, people: Iterable[Any], requested_by: Any) -> int:
    already = set(policy.acknowledgements.values_list("user_id", flat=True))
    made = 0
    for person in people:
        if person.pk in already:
            continue
        PolicyAcknowledgement.objects.create(
            organization=policy.organization, policy=policy, user=person, requested_by=requested_by
        )
        made += 1
    return made


@transaction.atomic
def policy_publish(
    *,
    version: Policy,
    user: Any,
    roles: Iterable[str] = (),
    people: Iterable[Any] = (),
) -> tuple[Policy, int]:
    """Publish the approved version and ask the chosen roles and people to acknowledge it.
    Returns the version and how many people were asked."""
    locked = Policy.objects.select_for_update(of=("self",)).get(pk=version.pk)
    if not can(user, Action.APPROVE, locked):
        raise PermissionDenied(_("Your role does not allow publishing policies."))
    if locked.status != DocumentStatus.APPROVED:
        raise ValidationError(_("Only the approved version can be published; approve it first."))
    if locked.published_at is not None:
        raise ValidationError(
            _("This version was already published on %(d)s; ask more people from its page.")
            % {"d": date_format(timezone.localtime(locked.published_at), "j M Y")}
        )
    asked = _people_for(organization=locked.organization, roles=list(roles), people=people)
    locked.published_at = timezone.now()
    locked.published_by = user
    locked.save()
    made = _request(policy=locked, people=asked, requested_by=user)
    return locked, made


@transaction.atomic
def policy_request_acknowledgements(
    *, version: Policy, user: Any, roles: Iterable[str] = (), people: Iterable[Any] = ()
) -> int:
    """Ask more people to acknowledge the published version in force."""
    locked = Policy.objects.select_for_update(of=("self",)).get(pk=version.pk)
    if not can(user, Action.APPROVE, locked):
        raise PermissionDenied(_("Your role does not allow asking for acknowledgements."))
    if not locked.in_force:
        raise ValidationError(_("Only the published version in force can be acknowledged."))
    asked = _people_for(organization=locked.organization, roles=list(roles), people=people)
    if not asked:
        raise ValidationError(_("Choose at least one role or person to ask."))
    return _request(policy=locked, people=asked, requested_by=user)


@transaction.atomic
def policy_retire(*, version: Policy, user: Any, note: str = "") -> Policy:
    """Withdraw the approved version: the document is no longer in force, and requests to
    acknowledge it that nobody answered are withdrawn with it."""
    retired = document_retire(version=version, user=user, note=note)
    for pending in retired.acknowledgements.filter(acknowledged_at__isnull=True):
        pending.delete()
    return retired


@transaction.atomic
def acknowledgement_acknowledge(
    *, acknowledgement: PolicyAcknowledgement, user: Any
) -> PolicyAcknowledgement:
    """The person asked says they have read the version. Only they can."""
    locked = (
        PolicyAcknowledgement.objects.select_for_update(of=("self",))
        .select_related("policy")
        .get(pk=acknowledgement.pk)
    )
    if locked.user_id != user.pk:
        raise PermissionDenied(_("Only the person asked can acknowledge this policy."))
    if locked.acknowledged_at is not None:
        raise ValidationError(
            _("You acknowledged this version on %(d)s.")
            % {"d": date_format(timezone.localtime(locked.acknowledged_at), "j M Y")}
        )
    if not locked.policy.in_force:
        raise ValidationError(
            _("This version is no longer in force; the current one will be sent to you.")
        )
    locked.acknowledged_at = timezone.now()
    locked.save()
    return locked


def acknowledgement_counts(policy_ids: Iterable[int]) -> dict[int, tuple[int, int]]:
    """{policy version id: (acknowledged, asked)} in one query."""
    rows = (
        PolicyAcknowledgement.objects.filter(policy_id__in=list(policy_ids))
        .values("policy_id")
        .annotate(asked=Count("pk"), done=Count("pk", filter=Q(acknowledged_at__isnull=False)))
    )
    return {r["policy_id"]: (r["done"], r["asked"]) for r in rows}


def percent(done: int, asked: int) -> int | None:
    return round(100 * done / asked) if asked else None


def pending_for(*, user: Any, organization: Any):
    """What ``user`` still has to acknowledge in ``organization`` (versions in force)."""
    return (
        PolicyAcknowledgement.objects.filter(
            organization=organization,
            user=user,
            acknowledged_at__isnull=True,
            policy__status=DocumentStatus.APPROVED,
            policy__published_at__isnull=False,
        )
        .select_related("policy", "policy__organization", "requested_by")
        .order_by("policy__code")
    )


def _links_text(version: Policy, name: str) -> str:
    items = version.linked(name)
    return "; ".join(
        f"{i['reference']} {i['title']}".strip() if i.get("reference") else i["title"]
        for i in items
    )


def policy_diff(*, first: Policy, second: Policy) -> PolicyDiff:
    """What changed between two versions of one document, the older one first."""
    if first.organization_id != second.organization_id or first.code != second.code:
        raise ValidationError(_("Only two versions of the same document can be compared."))
    if first.pk == second.pk:
        raise ValidationError(_("Choose another version to compare with."))
    older, newer = sorted((first, second), key=lambda v: v.number)
    changes = []
    for name in ("kind", "title", "effective_date", "external_documents", "review_interval_months"):
        label = str(Policy._meta.get_field(name).verbose_name).capitalize()
        old, new = getattr(older, name), getattr(newer, name)
        if old != new:
            if name == "kind":
                old, new = PolicyKind(old).label, PolicyKind(new).label
            changes.append(
                FieldChange(label, "" if old is None else str(old), "" if new is None else str(new))
            )
    for name in Policy.content_m2m:
        old, new = _links_text(older, name), _links_text(newer, name)
        if old != new:
            label = str(Policy._meta.get_field(name).verbose_name).capitalize()
            changes.append(FieldChange(label, old, new))
    return PolicyDiff(
        first=older,
        second=newer,
        fields=changes,
        rows=diff_rows(older.body, newer.body),
        unified=unified_diff(
            older.body, newer.body, old_label=f"v{older.number}", new_label=f"v{newer.number}"
        ),
    )


def versions_of(version: Policy, user: Any):
    """Every version of ``version``'s series the user may see, newest first."""
    return (
        restrict(Policy.objects.all(), user, Action.VIEW)
        .filter(organization_id=version.organization_id, code=version.code)
        .select_related("author", "approved_by", "published_by", "organization")
        .order_by("-number")
    )
