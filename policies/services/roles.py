"""Workflows of the roles area: starter roles, the RACI matrix, competence gaps.

- ``role_adopt_starters``: add the starter roles (written in our own words) not yet recorded.
- ``raci_matrix`` / ``raci_save``: read and write the processes × roles matrix at once,
  refusing a process with two accountable roles and a matrix changed meanwhile.
- ``training_record_check_person``: a contributor records training for themselves only.
- ``competence_gaps``: who in each role lacks which required competence (missing or
  expired), in one query.
"""

from __future__ import annotations

import datetime
import hashlib
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F, OuterRef, Q, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _

from aims.core.permissions import Action, Role, organizations_for, restrict, role_in
from aims.core.transactions import lock_series_owner
from policies.models.roles import (
    RACI,
    AIMSProcess,
    AIMSRole,
    CompetenceRequirement,
    RACIAssignment,
    TrainingRecord,
    months_after,
)

# --- Starter roles --------------------------------------------------------------------------

STARTER_ROLES: list[dict[str, str]] = [
    {
        "name": "AIMS owner",
        "responsibilities": (
            "Keeps the AI management system running as a whole: sees that its processes are "
            "owned and followed, reports on how it performs to top management, and drives "
            "the changes that reviews and audits call for."
        ),
        "authorities": (
            "Approves AIMS procedures and the Statement of Applicability; assigns process "
            "owners; may pause an AI activity that breaks the AI policy until it is reviewed."
        ),
    },
    {
        "name": "AI risk owner",
        "responsibilities": (
            "Identifies and assesses the risks of the AI systems in their area, chooses how "
            "each is treated and follows the treatment actions to completion."
        ),
        "authorities": (
            "Accepts residual risk up to the threshold of the risk criteria; asks for "
            "resources for treatment actions."
        ),
    },
    {
        "name": "AI system owner",
        "responsibilities": (
            "Answers for one AI system through its life: keeps its inventory entry, data and "
            "documentation current, arranges its impact assessment and watches how it "
            "behaves in use."
        ),
        "authorities": (
            "Decides on releases and changes of the system within the approved assessments; "
            "may take the system out of service when it misbehaves."
        ),
    },
    {
        "name": "Data steward",
        "responsibilities": (
            "Looks after the data sets AI systems are built and run on: where they come "
            "from, their quality, who may use them and how long they are kept."
        ),
        "authorities": (
            "Approves or refuses the use of a data set for an AI system; may require a data "
            "set to be corrected or withdrawn."
        ),
    },
    {
        "name": "Internal auditor",
        "responsibilities": (
            "Plans and carries out internal audits of the AIMS, records findings with their "
            "evidence and checks that corrective actions worked."
        ),
        "authorities": (
            "Has access to every record of the processes audited; reports findings directly "
            "to the AIMS owner and top management. Does not audit their own work."
        ),
    },
]


def role_adopt_starters(*, organization: Any, actor: Any = None) -> list[AIMSRole]:
    """Add the starter roles the organisation has not recorded yet (by name); the others
    are left as they are. Returns the roles added."""
    with transaction.atomic():
        lock_series_owner(organization)
        existing = {
            name.casefold()
            for name in AIMSRole.objects.filter(organization=organization).values_list(
                "name", flat=True
            )
        }
        added = []
        for starter in STARTER_ROLES:
            if starter["name"].casefold() in existing:
                continue
            role = AIMSRole(organization=organization, **starter)
            role.full_clean()
            role.save()
            added.append(role)
        owner = next((r for r in added if r.name == "AIMS owner"), None)
        if owner is not None:
            for role in added:
                if role is not owner and role.name != "Internal auditor":
                    role.reports_to = owner
                    role.save(update_fields=["reports_to"])
    return added


# --- RACI matrix ----------------------------------------------------------------------------


@dataclass
class RACIMatrix:
    processes: list[AIMSProcess]
    roles: list[AIMSRole]
    cells: dict[tuple[int, int], RACIAssignment]
    fingerprint: str

    def letter(self, process_id: int, role_id: int) -> str:
        cell = self.cells.get((process_id, role_id))
        return cell.responsibility if cell else ""

    def rows(self) -> list[tuple[AIMSProcess, list[tuple[AIMSRole, str]], int]]:
        """Each process with its letters by role and its number of accountable roles."""
        result = []
        for process in self.processes:
            letters = [(role, self.letter(process.pk, role.pk)) for role in self.roles]
            accountable = sum(1 for _role, letter in letters if letter == RACI.ACCOUNTABLE)
            result.append((process, letters, accountable))
        return result

    @property
    def without_accountable(self) -> list[AIMSProcess]:
        return [p for p, _letters, n in self.rows() if n == 0]


def _fingerprint(cells: list[tuple[int, int, int, str]]) -> str:
    text = ";".join(f"{pk}:{version}:{p}:{r}" for pk, version, p, r in sorted(cells))
    return hashlib.sha256(text.encode()).hexdigest()[:20]


def raci_matrix(*, organization: Any, user: Any) -> RACIMatrix:
    """The processes, roles and letters ``user`` may see, in three queries."""
    processes = list(
        restrict(AIMSProcess.objects.all(), user, Action.VIEW)
        .filter(organization=organization)
        .select_related("owner")
        .order_by("name", "pk")
    )
    roles = list(
        restrict(AIMSRole.objects.all(), user, Action.VIEW)
        .filter(organization=organization)
        .order_by("name", "pk")
    )
    assignments = list(
        restrict(RACIAssignment.objects.all(), user, Action.VIEW).filter(organization=organization)
    )
    for item in (*processes, *roles, *assignments):
        item.organization = organization
    cells = {(a.process_id, a.role_id): a for a in assignments}
    fingerprint = _fingerprint([(a.pk, a.version, a.process_id, a.role_id) for a in assignments])
    return RACIMatrix(processes, roles, cells, fingerprint)


def raci_save(
    *,
    organization: Any,
    actor: Any,
    letters: dict[tuple[int, int], str],
    fingerprint: str,
) -> int:
    """Write the matrix: ``letters`` maps (process id, role id) to "R", "A", "C", "I" or ""
    (no letter). All or nothing: a process with two accountable roles, an unknown letter or
    process or role, or a matrix someone saved since ``fingerprint`` was read, is refused
    with a ``ValidationError`` and nothing changes. Returns the number of cells changed."""
    with transaction.atomic():
        lock_series_owner(organization)  # one matrix writer per organisation at a time
        matrix = raci_matrix(organization=organization, user=actor)
        if not raci_editable(user=actor, organization=organization):
            raise PermissionDenied(_("Your role does not allow changing the RACI matrix."))
        if fingerprint != matrix.fingerprint:
            raise ValidationError(
                _(
                    "Someone else changed the RACI matrix after you opened it. Nothing was "
                    "saved: reload the page to see their changes, then make yours again."
                ),
                code="stale",
            )
        processes = {p.pk: p for p in matrix.processes}
        roles = {r.pk: r for r in matrix.roles}
        errors = []
        wanted: dict[tuple[int, int], str] = {
            key: cell.responsibility for key, cell in matrix.cells.items()
        }
        for (process_id, role_id), letter in letters.items():
            letter = (letter or "").strip().upper()
            if process_id not in processes or role_id not in roles:
                errors.append(_("The matrix names a process or role that does not exist."))
                continue
            if letter and letter not in RACI.values:
                errors.append(
                    _("“%(letter)s” is not a RACI letter; use R, A, C, I or leave it empty.")
                    % {"letter": letter}
                )
                continue
            wanted[(process_id, role_id)] = letter
        accountable: dict[int, list[str]] = defaultdict(list)
        for (process_id, role_id), letter in wanted.items():
            if letter == RACI.ACCOUNTABLE:
                accountable[process_id].append(roles[role_id].name)
        for process_id, names in accountable.items():
            if len(names) > 1:
                errors.append(
                    _(
                        "“%(process)s” has %(n)s accountable roles (%(roles)s): a process has "
                        "exactly one. Make the others responsible, consulted or informed."
                    )
                    % {
                        "process": processes[process_id].name,
                        "n": len(names),
                        "roles": ", ".join(sorted(names)),
                    }
                )
        if errors:
            raise ValidationError(list(dict.fromkeys(str(e) for e in errors)))
        changed = 0
        # Clear and downgrade first, so an "A" moving between roles never meets the
        # one-accountable constraint half-way.
        ordered = sorted(wanted.items(), key=lambda item: item[1] == RACI.ACCOUNTABLE)
        for key, letter in ordered:
            cell = matrix.cells.get(key)
            if cell is None and letter:
                RACIAssignment.objects.create(
                    organization=organization,
                    process=processes[key[0]],
                    role=roles[key[1]],
                    responsibility=letter,
                )
                changed += 1
            elif cell is not None and not letter:
                cell.delete()
                changed += 1
            elif cell is not None and cell.responsibility != letter:
                cell.responsibility = letter
                cell.save(update_fields=["responsibility"])
                changed += 1
        return changed


def raci_editable(*, user: Any, organization: Any) -> bool:
    """Whether ``user`` may change the organisation's RACI matrix (officers and admins)."""
    if getattr(user, "is_superuser", False):
        return True
    return organization.pk in organizations_for(user, RACIAssignment, Action.CHANGE)


# --- Training records -----------------------------------------------------------------------


def training_record_check_person(*, actor: Any, organization_id: int, person: Any) -> None:
    """A contributor keeps their own training records: naming anyone else is refused (an
    officer or administrator records anyone's)."""
    if actor is None or getattr(actor, "is_superuser", False):
        return
    if role_in(actor, organization_id) != Role.CONTRIBUTOR:
        return  # officers record anyone's; other roles may not add at all (refused apart)
    if person is not None and getattr(person, "pk", person) != actor.pk:
        raise ValidationError(
            {"person": _("You can keep your own training records only; choose yourself.")}
        )


# --- Competence gaps ------------------------------------------------------------------------


class GapStatus:
    MET = "met"
    EXPIRED = "expired"  # records exist, none current (expired, or older than the renewal)
    MISSING = "missing"  # no record meets the requirement


@dataclass
class GapCell:
    requirement_id: int
    requirement: str
    renewal_months: int | None
    role_id: int
    role: str
    person_id: int
    person: str
    latest_current: datetime.date | None  # completion of the best unexpired record
    latest_any: datetime.date | None
    today: datetime.date

    @property
    def valid_until(self) -> datetime.date | None:
        """Until when the renewal period lets the best unexpired record count."""
        if self.latest_current is None or self.renewal_months is None:
            return None
        return months_after(self.latest_current, self.renewal_months)

    @property
    def status(self) -> str:
        if self.latest_current is not None:
            until = self.valid_until
            if until is None or until >= self.today:
                return GapStatus.MET
            return GapStatus.EXPIRED
        return GapStatus.EXPIRED if self.latest_any is not None else GapStatus.MISSING


@dataclass
class CompetenceGaps:
    cells: list[GapCell] = field(default_factory=list)

    @property
    def missing(self) -> list[GapCell]:
        return [c for c in self.cells if c.status == GapStatus.MISSING]

    @property
    def expired(self) -> list[GapCell]:
        return [c for c in self.cells if c.status == GapStatus.EXPIRED]

    @property
    def gaps(self) -> list[GapCell]:
        return [c for c in self.cells if c.status != GapStatus.MET]

    def by_role(self) -> dict[int, list[GapCell]]:
        grouped: dict[int, list[GapCell]] = defaultdict(list)
        for cell in self.cells:
            grouped[cell.role_id].append(cell)
        return grouped


def competence_gaps(
    *, organization: Any, user: Any, today: datetime.date | None = None
) -> CompetenceGaps:
    """For every requirement of every role, each active person in the role: whether a
    record they hold meets it now (not expired, and within the renewal period), in one
    query. Only the requirements and records ``user`` may see count."""
    today = today or timezone.localdate()
    records = restrict(TrainingRecord.objects.all(), user, Action.VIEW).filter(
        organization=organization, person_id=OuterRef("member_id"), meets=OuterRef("pk")
    )
    current = records.filter(Q(expires_on__isnull=True) | Q(expires_on__gte=today))
    rows = (
        restrict(CompetenceRequirement.objects.all(), user, Action.VIEW)
        .filter(organization=organization)
        .annotate(
            member_id=F("role__members"),
            member_name=F("role__members__full_name"),
            member_email=F("role__members__email"),
            member_active=F("role__members__is_active"),
        )
        .filter(member_id__isnull=False, member_active=True)
        .annotate(
            latest_current=Subquery(current.order_by("-completed_on").values("completed_on")[:1]),
            latest_any=Subquery(records.order_by("-completed_on").values("completed_on")[:1]),
        )
        .order_by("role__name", "title", "member_name", "member_email")
        .values(
            "pk",
            "title",
            "renewal_months",
            "role_id",
            "role__name",
            "member_id",
            "member_name",
            "member_email",
            "latest_current",
            "latest_any",
        )
    )
    return CompetenceGaps(
        [
            GapCell(
                requirement_id=row["pk"],
                requirement=row["title"],
                renewal_months=row["renewal_months"],
                role_id=row["role_id"],
                role=row["role__name"],
                person_id=row["member_id"],
                person=row["member_name"] or row["member_email"],
                latest_current=row["latest_current"],
                latest_any=row["latest_any"],
                today=today,
            )
            for row in rows
        ]
    )
