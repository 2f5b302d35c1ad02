"""The one permission layer: every read and write of tenant data goes through ``restrict``.

Roles come from the user's memberships. What an auditor sees comes from their open
engagements only, through each model's ``EngagementScope``: nothing is granted to an auditor
record by record. A contributor may change what they own (a model's ``owner_paths``) or hold
a django-guardian ``change_<model>`` grant on. UI base views and the API base viewset both
call ``restrict``, so a list never shows what a detail page would refuse.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from typing import TYPE_CHECKING, Any

from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.db.models import BigIntegerField, Q, QuerySet
from django.db.models.functions import Cast
from django.utils import timezone
from guardian.models import UserObjectPermission

from aims.core.access import (  # noqa: F401  (re-exported: the permission layer's vocabulary)
    ADMIN_ONLY,
    CHOOSABLE_ROLES,
    DEFAULT_ROLES,
    EDIT_ROLES,
    READ_ROLES,
    AccessPolicy,
    Action,
    AuditorScope,
    EngagementScope,
    Role,
    UserPurpose,
)
from aims.core.tenancy import Membership, Organization

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser, AnonymousUser


def policy_of(model: type[models.Model]) -> AccessPolicy:
    policy = getattr(model, "access", None)
    if not isinstance(policy, AccessPolicy):
        raise TypeError(f"{model.__name__} declares no AccessPolicy; it cannot be reached")
    return policy


def memberships_of(user: Any) -> list[Any]:
    """The user's memberships of active organisations, each with its organisation, by
    organisation name. One query per request, cached on the user object: the roles, the
    organisation in the URL and the organisation switcher all read it."""
    if not user or not user.is_authenticated:
        return []
    cached = getattr(user, "_aims_memberships", None)
    if cached is None:
        cached = user._aims_memberships = list(
            Membership.objects.filter(user=user, organization__is_active=True)
            .select_related("organization")
            .order_by("organization__name", "organization_id")
        )
    return cached


def roles_of(user: AbstractBaseUser | AnonymousUser) -> dict[int, str]:
    """The user's roles by organisation id, for memberships valid today; cached on the user."""
    if not user or not user.is_authenticated:
        return {}
    cached = getattr(user, "_aims_roles", None)
    if cached is not None:
        return cached
    today = timezone.localdate()
    roles = {
        m.organization_id: m.role
        for m in memberships_of(user)
        if (m.valid_from is None or m.valid_from <= today)
        and (m.valid_until is None or m.valid_until >= today)
    }
    user._aims_roles = roles
    return roles


# The engagements app supplies the open engagements of an auditor (it sits above this layer).
_auditor_scope_source: Callable[[Any], list[AuditorScope]] | None = None


def register_auditor_scopes(source: Callable[[Any], list[AuditorScope]]) -> None:
    global _auditor_scope_source
    _auditor_scope_source = source


def auditor_scopes_of(user: Any) -> list[AuditorScope]:
    """The user's open auditor engagements, in organisations where their role is auditor;
    cached on the user like the roles."""
    cached = getattr(user, "_aims_auditor_scopes", None)
    if cached is not None:
        return cached
    auditor_orgs = {org for org, role in roles_of(user).items() if role == Role.AUDITOR}
    scopes = []
    if auditor_orgs and _auditor_scope_source is not None:
        scopes = [s for s in _auditor_scope_source(user) if s.organization_id in auditor_orgs]
    user._aims_auditor_scopes = scopes
    return scopes


def forget_roles(user: Any) -> None:
    for name in ("_aims_roles", "_aims_memberships", "_aims_auditor_scopes"):
        if hasattr(user, name):
            delattr(user, name)


def organization_by_slug(user: Any, slug: str) -> Any:
    """The organisation ``slug`` if ``user`` may enter it, else ``None``. A member's own
    organisations come from ``memberships_of`` without a query; anyone else (a platform
    operator) goes through ``restrict``."""
    roles = roles_of(user)
    if user.is_active:
        for membership in memberships_of(user):
            if membership.organization.slug == slug and membership.organization_id in roles:
                return membership.organization
    return restrict(Organization.objects.all(), user, Action.VIEW).filter(slug=slug).first()


def _granted_pks(user: Any, model: type[models.Model], action: Action) -> QuerySet:
    """Primary keys of ``model`` on which ``user`` holds a guardian object permission (the
    contributors' change grants; auditors hold none: their engagements decide)."""
    ct = ContentType.objects.get_for_model(model)
    return (
        UserObjectPermission.objects.filter(
            user_id=user.pk,
            content_type_id=ct.pk,
            permission__codename=f"{action.value}_{model._meta.model_name}",
        )
        .annotate(object_pk_int=Cast("object_pk", BigIntegerField()))
        .values("object_pk_int")
    )


def _in_orgs(policy: AccessPolicy, org_ids: list[int]) -> Q:
    return Q(**{f"{policy.org_path}__in": org_ids})


def _paths_in(model: type[models.Model], paths: tuple[str, ...], ids: frozenset[int]) -> Q:
    """Records whose ``paths`` reach one of ``ids``. Lookups across a many-to-many go through a
    subquery, so that a record linked twice is not listed twice."""
    condition = Q(pk__in=[])
    if ids:
        for path in paths:
            if path == "pk":
                condition |= Q(pk__in=sorted(ids))
            else:
                linked = model._default_manager.filter(**{f"{path}__in": sorted(ids)})
                condition |= Q(pk__in=linked.values("pk"))
    return condition


def _engagement_condition(
    model: type[models.Model], policy: AccessPolicy, scopes: list[AuditorScope]
) -> Q:
    """The records of ``model`` that the open engagements ``scopes`` let their auditor see.

    An engagement over the whole AIMS covers every record of a model that declares an
    ``EngagementScope``; a limited one covers what the declaration ties to the chosen AI
    systems, controls and clauses. A part (``parent_path``) is seen with its parent."""
    declared = policy.engagement
    if declared is None:
        if not policy.parent_path:
            return Q(pk__in=[])
        parent = model._meta.get_field(policy.parent_path).related_model
        parent_condition = _engagement_condition(parent, policy_of(parent), scopes)
        visible = parent._default_manager.filter(parent_condition).values("pk")
        return Q(**{f"{policy.parent_path}__in": visible})
    condition = Q(pk__in=[])
    for scope in scopes:
        if declared.own:
            # The engagement's own records (its requests): its auditors only, whatever the scope.
            own = Q(pk__in=[])
            for path in declared.own:
                own |= Q(**{path: scope.engagement_id})
            condition |= own
            continue
        if scope.whole_aims or declared.always or scope.clause_refs & set(declared.clause_refs):
            reach = Q()
        else:
            reach = (
                _paths_in(model, declared.systems, scope.system_ids)
                | _paths_in(model, declared.controls, scope.control_ids)
                | _paths_in(model, declared.clauses, scope.clause_ids)
            )
        shared = scope.shared.get(model._meta.label_lower, frozenset())
        if shared:
            reach |= Q(pk__in=sorted(shared))
        condition |= _in_orgs(policy, [scope.organization_id]) & reach
    if declared.shown:
        condition &= Q(**declared.shown)
    return condition


def restrict(queryset: QuerySet, user: Any, action: Action | str) -> QuerySet:
    """Narrow ``queryset`` to the rows ``user`` may perform ``action`` on.

    The roles the policy names for ``action`` reach every record of their organisations; a
    contributor also changes and deletes what they own or hold a guardian change grant on;
    an auditor's open engagements add, for ``VIEW`` only, what their scopes cover
    (``_engagement_condition``); ``personal_path`` adds the user's own records. One filter."""
    action = Action(action)
    model = queryset.model
    policy = policy_of(model)
    if not user or not user.is_authenticated or not user.is_active:
        return queryset.none()
    if policy.read_only and action is not Action.VIEW:
        return queryset.none()
    if user.is_superuser:
        return queryset
    if policy.global_read and action is Action.VIEW:
        return queryset

    roles = roles_of(user)
    full = [org for org, role in roles.items() if role in policy.roles_for(action)]
    condition = _in_orgs(policy, full) if full else Q(pk__in=[])

    if action in (Action.CHANGE, Action.DELETE) and policy.owner_paths:
        contributor_orgs = [org for org, role in roles.items() if role == Role.CONTRIBUTOR]
        if contributor_orgs:
            owned = Q(pk__in=_granted_pks(user, model, Action.CHANGE))
            for path in policy.owner_paths:
                owned |= Q(**{path: user})
            condition |= _in_orgs(policy, contributor_orgs) & owned

    if action is Action.VIEW:
        scopes = auditor_scopes_of(user)
        if scopes:
            condition |= _engagement_condition(model, policy, scopes)

    if policy.personal_path:
        condition |= Q(**{policy.personal_path: user})
    return queryset.filter(condition)


def _pk_at(obj: models.Model, path: str) -> Any:
    """The primary key ``path`` (``engagement``, ``request__engagement``) reaches from an
    unsaved record, or ``None``."""
    *hops, last = path.split("__")
    value: Any = obj
    for hop in hops:
        value = getattr(value, hop, None)
        if value is None:
            return None
    if last == "pk":
        return value.pk
    return getattr(value, value._meta.get_field(last).attname, None)


def auditor_adds(user: Any, record: models.Model | None) -> bool:
    """Whether ``user`` may add ``record`` as an auditor: its model declares
    ``EngagementScope(auditor_adds=True)`` and its ``own`` path reaches one of the user's
    open engagements (``auditor_scopes_of``: their role is auditor, the window is open)."""
    if record is None or not user or not user.is_authenticated or not user.is_active:
        return False
    declared = policy_of(type(record)).engagement
    if declared is None or not declared.auditor_adds:
        return False
    open_ids = {scope.engagement_id for scope in auditor_scopes_of(user)}
    return any(_pk_at(record, path) in open_ids for path in declared.own)


def can_add(
    user: Any,
    model: type[models.Model],
    organization_id: int | None,
    *,
    parent: Any = None,
    record: models.Model | None = None,
) -> bool:
    """Whether ``user`` may create a ``model`` record in the organisation (or under ``parent``).
    With ``record`` (the unsaved candidate), an auditor may add it to an open engagement of
    theirs where the model allows it (``auditor_adds``)."""
    policy = policy_of(model)
    if not user or not user.is_authenticated or not user.is_active or policy.read_only:
        return False
    if record is not None and auditor_adds(user, record):
        return True
    if policy.parent_path:
        return parent is not None and can(user, Action.CHANGE, parent)
    if user.is_superuser:
        return True
    if organization_id is None:
        return False
    return roles_of(user).get(organization_id) in policy.roles_for(Action.ADD)


def organizations_for(user: Any, model: type[models.Model], action: Action) -> list[int]:
    """Organisation ids in which ``user`` may perform ``action`` on ``model`` as a whole."""
    policy = policy_of(model)
    if policy.read_only and action is not Action.VIEW:
        return []
    roles = roles_of(user)
    if getattr(user, "is_superuser", False):
        return list(roles)
    return [org for org, role in roles.items() if role in policy.roles_for(action)]


def can(user: Any, action: Action | str, obj: models.Model) -> bool:
    """Whether ``user`` may perform ``action`` on the saved object ``obj`` (one query)."""
    model = type(obj)
    return restrict(model._default_manager.filter(pk=obj.pk), user, action).exists()


def role_in(user: Any, organization_id: int) -> str | None:
    return roles_of(user).get(organization_id)


def is_member(user: Any, organization_id: int) -> bool:
    """Whether ``user`` is an active member of the organisation (any role, auditors too) or a
    platform operator: the test for organisation-wide actions such as exports, whose rows are
    then narrowed by ``restrict``."""
    return bool(
        user
        and user.is_authenticated
        and user.is_active
        and (user.is_superuser or role_in(user, organization_id) is not None)
    )


def _organization_ids(organization: Any) -> list[int]:
    if organization is None:
        return []
    if isinstance(organization, int):
        return [organization]
    if isinstance(organization, models.Model):
        return [organization.pk]
    return [getattr(o, "pk", o) for o in organization]


def users_choosable(
    *,
    organization: Any,
    purpose: UserPurpose | str,
    viewer: Any = None,
    roles: Collection[str] | None = None,
) -> QuerySet:
    """The people who may be chosen for ``purpose`` on a record of ``organization``: the one
    rule for every form, serializer and filter that offers or accepts a user.

    Active accounts with a membership of the (active) organisation valid today, in a role the
    purpose allows (external auditors are never owners, approvers or participants); ``roles``
    narrows further. ``organization`` is an organisation, its id, or ids (an API filter,
    where the request names none). With ``viewer``, only people whose membership the viewer
    may see through ``restrict``: a list filter shows nobody its user could not look up.
    """
    allowed = CHOOSABLE_ROLES[UserPurpose(purpose)]
    if roles is not None:
        allowed = allowed & frozenset(roles)
    today = timezone.localdate()
    memberships = Membership.objects.filter(
        Q(valid_from__isnull=True) | Q(valid_from__lte=today),
        Q(valid_until__isnull=True) | Q(valid_until__gte=today),
        organization_id__in=_organization_ids(organization),
        organization__is_active=True,
        role__in=allowed,
    )
    if viewer is not None:
        memberships = restrict(memberships, viewer, Action.VIEW)
    return (
        get_user_model()
        .objects.filter(is_active=True, pk__in=memberships.values("user_id"))
        .order_by("full_name", "email")
    )


def user_purpose_of(model: type[models.Model], field_name: str | None) -> UserPurpose | None:
    """Why ``model.field_name`` names a person, or ``None`` when it is no user field."""
    try:
        model_field = model._meta.get_field(field_name) if field_name else None
    except FieldDoesNotExist:  # a form's or serializer's own extra field
        return None
    if model_field is None or model_field.related_model is not get_user_model():
        return None
    policy = getattr(model, "access", None)
    purposes = policy.user_purposes if isinstance(policy, AccessPolicy) else {}
    if field_name in purposes:
        return purposes[field_name]
    return UserPurpose.PARTICIPANT if model_field.many_to_many else UserPurpose.OWNER
