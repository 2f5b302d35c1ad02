"""Roles, actions and the per-model access policy: plain declarations with no queries.

They sit apart from ``permissions`` so that models (``aims.core.models``, the tenancy models)
can declare their policy while ``permissions`` reads memberships from the tenancy models.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    ADMIN = "admin", _("Administrator")
    OFFICER = "officer", _("Compliance officer")
    CONTRIBUTOR = "contributor", _("Contributor")
    VIEWER = "viewer", _("Viewer")
    AUDITOR = "auditor", _("Auditor")


class Action(StrEnum):
    VIEW = "view"
    ADD = "add"
    CHANGE = "change"
    DELETE = "delete"
    APPROVE = "approve"


READ_ROLES = frozenset({Role.ADMIN, Role.OFFICER, Role.CONTRIBUTOR, Role.VIEWER})


class UserPurpose(StrEnum):
    """Why a person is being chosen; decides which members of an organisation qualify."""

    OWNER = "owner"  # owner, accountable person, assignee of a record
    PARTICIPANT = "participant"  # takes part in an activity (a risk assessment)
    APPROVER = "approver"  # a designated approver (the risk criteria's)
    FILTER = "filter"  # a list filter by person: every member, auditors too
    AUDITOR = "auditor"  # an auditor on an engagement: members with the auditor role only


# External auditors look at the AIMS from outside: never an owner, approver or participant.
CHOOSABLE_ROLES: dict[UserPurpose, frozenset[str]] = {
    UserPurpose.OWNER: READ_ROLES,
    UserPurpose.PARTICIPANT: READ_ROLES,
    UserPurpose.APPROVER: READ_ROLES,
    UserPurpose.FILTER: READ_ROLES | {Role.AUDITOR},
    UserPurpose.AUDITOR: frozenset({Role.AUDITOR}),
}
EDIT_ROLES = frozenset({Role.ADMIN, Role.OFFICER})

DEFAULT_ROLES: dict[Action, frozenset[str]] = {
    Action.VIEW: READ_ROLES,
    Action.ADD: frozenset({Role.ADMIN, Role.OFFICER, Role.CONTRIBUTOR}),
    Action.CHANGE: EDIT_ROLES,
    Action.DELETE: EDIT_ROLES,
    Action.APPROVE: EDIT_ROLES,
}


@dataclass(frozen=True)
class EngagementScope:
    """How a model's records fall within an auditor engagement limited to chosen AI systems,
    clauses and controls (an engagement over the whole AIMS covers every record).

    always       frame records every engagement reads (the approved scope, the risk criteria)
    systems      lookups from the record to ``inventory.AISystem``: in scope when one is chosen
    controls     lookups to ``controls.ControlImplementation`` (an SoA row) chosen
    clauses      lookups to ``controls.Requirement`` (a clause) chosen
    clause_refs  clauses the whole model serves: every record is in scope when one is chosen
    shown        lookups every record an auditor sees must match, in any engagement (only the
                 approved versions of a controlled document)
    own          lookups to the engagement itself: a record of the engagement (the
                 engagement, its information requests) is seen by that engagement's auditors
    auditor_adds with ``own``: an auditor may add such a record to an engagement of theirs
                 while it is open (an information request, a message on one); nothing
                 else an auditor ever writes
    """

    always: bool = False
    systems: tuple[str, ...] = ()
    controls: tuple[str, ...] = ()
    clauses: tuple[str, ...] = ()
    clause_refs: tuple[str, ...] = ()
    shown: dict[str, Any] = field(default_factory=dict)
    own: tuple[str, ...] = ()
    auditor_adds: bool = False


@dataclass(frozen=True)
class AuditorScope:
    """What one open engagement lets its auditor see in one organisation, as plain ids: the
    permission layer turns it into a filter with each model's ``EngagementScope``.

    ``shared`` holds records handed to the auditor outside the scope, by model label (the
    evidence an officer attached to an answer)."""

    engagement_id: int
    organization_id: int
    whole_aims: bool
    name: str = ""
    ends_on: Any = None  # the last day of access (a date)
    system_ids: frozenset[int] = frozenset()
    control_ids: frozenset[int] = frozenset()
    clause_ids: frozenset[int] = frozenset()
    clause_refs: frozenset[str] = frozenset()
    shared: dict[str, frozenset[int]] = field(default_factory=dict)


@dataclass(frozen=True)
class AccessPolicy:
    """How a model relates to organisations and who may do what with it.

    org_path     lookup from the model to its Organization ("pk" for Organization itself)
    owner_paths  user fields whose holder (a contributor) may change and delete the record
    roles        per action, the roles allowed on every record of their organisation
    read_only    no create/update/delete through the UI or API at all
    global_read  reference data readable by every signed-in user (the catalog)
    personal_path  a user field; that user may do anything the policy allows with the record
                   (their own jobs, their own API tokens)
    user_purposes  per user field, why it names a person (see ``users_choosable``)
    parent_path  for a part of another record (a data set of an AI system): adding or changing
                 the part needs the right to change the parent; an auditor who sees the
                 parent sees its parts
    engagement   how an auditor's engagement scope reaches the records (``EngagementScope``)
    """

    org_path: str = "organization"
    owner_paths: tuple[str, ...] = ()
    roles: dict[Action, frozenset[str]] = field(default_factory=lambda: dict(DEFAULT_ROLES))
    read_only: bool = False
    global_read: bool = False
    nullable_org: bool = False
    personal_path: str | None = None
    parent_path: str | None = None
    # Why each user field names a person, where the default (owner; participant for a
    # many-to-many) does not fit: {"acceptance_approver": UserPurpose.APPROVER}.
    user_purposes: dict[str, UserPurpose] = field(default_factory=dict)
    # How a record falls within an auditor's engagement; ``None``: auditors never see it
    # (unless ``parent_path`` names a record they see, or the roles name auditors).
    engagement: EngagementScope | None = None

    def organization_id_of(self, obj: models.Model) -> int | None:
        if self.org_path == "pk":
            return obj.pk
        value: Any = obj
        for part in self.org_path.split("__"):
            if value is None:
                return None
            if part == "organization" and hasattr(value, "organization_id"):
                return value.organization_id
            value = getattr(value, part, None)
        return getattr(value, "pk", None)

    def roles_for(self, action: Action) -> frozenset[str]:
        return self.roles.get(action, frozenset())


ADMIN_ONLY = frozenset({Role.ADMIN})
