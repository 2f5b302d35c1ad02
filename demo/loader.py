"""Reading the demo records from ``demo/data/*.json``.

One file per kind of record, each keyed by organisation slug where the records belong to one:

- ``organizations.json``: slug → organisation fields.
- ``people.json``: the shared password, the users and their memberships, the auditors'
  engagements (scope, access window in days from today) and, per organisation,
  the holders of the roles ("admin", "officer", "contributor") that control decisions and
  treatment actions name as their owner.
- ``systems.json``: AI systems with their data sets and components; ``owner`` is an e-mail,
  ``review_in_days`` the next review date from today (negative: overdue).
- ``scope.json``: the first approved scope statement and the draft revision after it.
- ``controls.json``: SoA decisions (ref → status, owner role, why, how), controls judged not
  applicable (ref → reason), organisation-defined controls, the approved SoA version.
- ``risks.json``: the risk register; ``library`` names the library item a risk starts from
  (its consequences, Annex C links and suggested controls are copied; ``null`` for an entry
  that starts from none), scores are likelihood and impact on the default 5 × 5;
  ``consequence_scores`` (optional) scores the consequences for the organisation, for
  individuals and for society, whose worst must be the inherent impact (the default
  criteria's rule); ``kind`` (optional) is "risk" or "opportunity"; plus Northwind's
  approved risk assessment.
- ``evidence.json``: evidence links, valid from/until in days from today.
- ``objectives.json``: per organisation, AI objectives (target, owner, plan, the Annex C
  objectives they serve) with twelve monthly KPI values, oldest first, each covering the
  last day of one of the twelve months before the current one; and the communication
  plan, ``last_done_in_days`` from today.
- ``policies.json``: policies and procedures adopted from the starter documents (``starter``
  is its key), in order (``aligned_with`` names codes seeded before), each approved when it
  has an ``approver`` (else left in review) and published when ``publish`` says by whom
  and to which roles and people, with who has acknowledged it.
- ``roles.json``: the AIMS processes (owner an e-mail, the processes each works with by
  name, record types, clause refs), the AIMS roles (people by e-mail, reports-to by name),
  the RACI matrix (process → role → letter), the competence requirements per role and the
  training records (dates in days from today; ``meets`` lists [role, requirement] pairs).
- ``context.json``: the context registers (4.1, 4.2): issues (identified and next review
  in days from today), the climate decisions in the order taken (the last is in force) and
  interested parties with their requirements (``controls``: Annex A refs). ``scope.json``
  names the issues and parties its versions consider, by title and name.

``load_demo_data`` reads every file and checks, before anything is written, that each record
has the keys the seeder reads and that every e-mail, role, organisation and system it names
exists, so a slip in the data fails with the file and record named instead of half-way
through the seeding transaction.

The checks of each area's files are in ``demo/loader_*.py``; ``_check`` runs them in order.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from aims.core.permissions import Role
from demo.loader_audits import check_audits, check_incidents, check_reviews
from demo.loader_common import DemoDataError, _keys
from demo.loader_context import check_context, check_scope
from demo.loader_controls import check_controls, check_evidence
from demo.loader_impact_assessments import (
    check_classifications,
    check_impact_assessments,
    check_impact_thresholds,
)
from demo.loader_policies import check_objectives, check_policies, check_roles
from demo.loader_risks import check_risks
from demo.loader_support import check_support

DATA_DIR = Path(__file__).resolve().parent / "data"
DATA_FILES = (
    "organizations.json",
    "people.json",
    "systems.json",
    "scope.json",
    "controls.json",
    "risks.json",
    "evidence.json",
    "classifications.json",
    "impact_assessments.json",
    "impact_thresholds.json",
    "incidents.json",
    "support.json",
    "objectives.json",
    "policies.json",
    "roles.json",
    "context.json",
    "audits.json",
    "reviews.json",
)


@dataclass(frozen=True)
class DemoUser:
    email: str
    full_name: str
    job_title: str
    memberships: tuple[tuple[str, Role], ...] = ()  # (organisation slug, role)
    superuser: bool = False


@dataclass(frozen=True)
class AuditorEngagement:
    organization: str
    auditors: tuple[str, ...]
    name: str
    body: str
    body_name: str
    stage: str
    whole_aims: bool
    systems: tuple[str, ...]  # the engagement's AI systems when it is not the whole AIMS
    valid_from_in_days: int
    valid_until_in_days: int
    information_requests: tuple[dict[str, Any], ...] = ()


@dataclass(frozen=True)
class DemoData:
    """Everything ``seed_demo`` writes; the dicts are the JSON records as read."""

    password: str
    organizations: dict[str, dict[str, Any]]
    users: tuple[DemoUser, ...]
    auditor_engagements: tuple[AuditorEngagement, ...]
    role_holders: dict[str, dict[str, str]]  # organisation slug → role → e-mail
    systems: dict[str, list[dict[str, Any]]]
    scope: dict[str, dict[str, Any]]
    controls: dict[str, dict[str, Any]]
    risks: dict[str, dict[str, Any]]
    evidence: dict[str, list[dict[str, Any]]]
    classifications: dict[str, list[dict[str, Any]]]
    impact_assessments: dict[str, list[dict[str, Any]]]
    context: dict[str, dict[str, Any]]
    impact_thresholds: dict[str, dict[str, Any]]
    incidents: dict[str, list[dict[str, Any]]]
    objectives: dict[str, dict[str, Any]]
    policies: dict[str, list[dict[str, Any]]]
    roles: dict[str, dict[str, Any]]
    # Resources, planned changes, retention, outside documents, the concern channel (policies).
    support: dict[str, dict[str, Any]]
    audits: dict[str, dict[str, Any]]
    reviews: dict[str, dict[str, Any]]  # one held management review per organisation

    def login_rows(self) -> list[tuple[str, str, str]]:
        """(e-mail, role, organisation) for every demo login, one row per membership."""
        rows: list[tuple[str, str, str]] = []
        for user in self.users:
            if user.superuser:
                rows.append((user.email, "platform operator (superuser)", "all organisations"))
            for slug, role in user.memberships:
                rows.append((user.email, str(role), self.organizations[slug]["name"]))
        return rows

    def logins_table(self) -> str:
        rows = [("E-mail", "Role", "Organisation"), *self.login_rows()]
        widths = [max(len(row[i]) for row in rows) for i in range(2)]
        lines = [f"{r[0]:<{widths[0]}}  {r[1]:<{widths[1]}}  {r[2]}".rstrip() for r in rows]
        lines.append(f"Password for every demo login: {self.password}")
        return "\n".join(lines)


def load_demo_data(directory: Path = DATA_DIR) -> DemoData:
    raw = {name: _read(directory / name) for name in DATA_FILES}
    people = raw["people.json"]
    _keys(
        "people.json", "file", people, {"password", "users", "auditor_engagements", "role_holders"}
    )
    organizations = raw["organizations.json"]
    users = tuple(_user(spec, organizations) for spec in people["users"])
    engagements = tuple(_engagement(spec) for spec in people["auditor_engagements"])
    data = DemoData(
        password=people["password"],
        organizations=organizations,
        users=users,
        auditor_engagements=engagements,
        role_holders=people["role_holders"],
        systems=raw["systems.json"],
        scope=raw["scope.json"],
        controls=raw["controls.json"],
        risks=raw["risks.json"],
        evidence=raw["evidence.json"],
        classifications=raw["classifications.json"],
        impact_assessments=raw["impact_assessments.json"],
        impact_thresholds=raw["impact_thresholds.json"],
        incidents=raw["incidents.json"],
        support=raw["support.json"],
        objectives=raw["objectives.json"],
        policies=raw["policies.json"],
        roles=raw["roles.json"],
        context=raw["context.json"],
        audits=raw["audits.json"],
        reviews=raw["reviews.json"],
    )
    _check(data)
    return data


def _engagement(spec: dict[str, Any]) -> AuditorEngagement:
    _keys(
        "people.json",
        "auditor_engagements",
        spec,
        {
            "organization",
            "auditors",
            "name",
            "body",
            "body_name",
            "stage",
            "whole_aims",
            "systems",
            "valid_from_in_days",
            "valid_until_in_days",
        },
        optional={"information_requests"},
    )
    for request in spec.get("information_requests", []):
        _keys(
            "people.json",
            f"information request {request.get('title', '?')!r}",
            request,
            {
                "title",
                "details",
                "asked_by",
                "due_in_days",
                "ai_system",
                "control",
                "clause",
                "answer",
            },
        )
        if request["answer"] is not None:
            _keys("people.json", request["title"], request["answer"], {"by", "body", "evidence"})
    return AuditorEngagement(
        organization=spec["organization"],
        auditors=tuple(spec["auditors"]),
        name=spec["name"],
        body=spec["body"],
        body_name=spec["body_name"],
        stage=spec["stage"],
        whole_aims=bool(spec["whole_aims"]),
        systems=tuple(spec["systems"]),
        valid_from_in_days=spec["valid_from_in_days"],
        valid_until_in_days=spec["valid_until_in_days"],
        information_requests=tuple(spec.get("information_requests", [])),
    )


def _read(path: Path) -> Any:
    try:
        with path.open(encoding="utf-8") as f:
            return json.load(f)
    except (OSError, json.JSONDecodeError) as exc:
        raise DemoDataError(path.name, "file", str(exc)) from exc


def _user(spec: Any, organizations: Mapping[str, Any]) -> DemoUser:
    record = spec.get("email", "?") if isinstance(spec, Mapping) else "?"
    _keys(
        "people.json",
        record,
        spec,
        {"email", "full_name", "job_title", "memberships"},
        optional={"superuser"},
    )
    memberships = []
    for membership in spec["memberships"]:
        _keys("people.json", record, membership, {"organization", "role"})
        if membership["organization"] not in organizations:
            raise DemoDataError(
                "people.json", record, f"unknown organisation {membership['organization']!r}"
            )
        if membership["role"] not in Role.values:
            raise DemoDataError("people.json", record, f"unknown role {membership['role']!r}")
        memberships.append((membership["organization"], Role(membership["role"])))
    return DemoUser(
        email=spec["email"],
        full_name=spec["full_name"],
        job_title=spec["job_title"],
        memberships=tuple(memberships),
        superuser=bool(spec.get("superuser", False)),
    )


def _check(data: DemoData) -> None:
    """Every record has its keys, and everything it names exists."""
    check_support(data)
    emails = {user.email for user in data.users}
    system_names: dict[str, set[str]] = {}

    def person(file: str, record: str, email: str) -> None:
        if email not in emails:
            raise DemoDataError(file, record, f"unknown person {email!r}")

    def organization(file: str, slug: str) -> None:
        if slug not in data.organizations:
            raise DemoDataError(file, slug, "unknown organisation")

    def systems(file: str, record: str, slug: str, names: Iterable[str]) -> None:
        for name in names:
            if name not in system_names.get(slug, set()):
                raise DemoDataError(file, record, f"unknown AI system {name!r} in {slug}")

    def role(file: str, record: str, slug: str, name: str) -> None:
        if name not in data.role_holders.get(slug, {}):
            raise DemoDataError(file, record, f"no holder of role {name!r} in {slug}")

    for slug, fields in data.organizations.items():
        _keys(
            "organizations.json",
            slug,
            fields,
            {"name", "legal_name", "sector", "country", "time_zone"},
        )
    for slug, holders in data.role_holders.items():
        organization("people.json", slug)
        for email in holders.values():
            person("people.json", f"role_holders.{slug}", email)

    for slug, specs in data.systems.items():
        organization("systems.json", slug)
        for spec in specs:
            record = spec.get("name", "?")
            # The other keys are AISystem fields, checked by the model when it is saved.
            missing = {"name", "owner", "review_in_days", "datasets", "components"} - spec.keys()
            if missing:
                raise DemoDataError("systems.json", record, f"missing {', '.join(sorted(missing))}")
            person("systems.json", record, spec["owner"])
            for dataset in spec["datasets"]:
                if "name" not in dataset:
                    raise DemoDataError("systems.json", record, "a data set without a name")
            for component in spec["components"]:
                if "name" not in component:
                    raise DemoDataError("systems.json", record, "a component without a name")
            system_names.setdefault(slug, set()).add(spec["name"])

    for engagement in data.auditor_engagements:
        organization("people.json", engagement.organization)
        for auditor in engagement.auditors:
            person("people.json", "auditor_engagements", auditor)
        for request in engagement.information_requests:
            person("people.json", request["title"], request["asked_by"])
            if request["ai_system"]:
                systems(
                    "people.json", request["title"], engagement.organization, [request["ai_system"]]
                )
            if request["answer"] is not None:
                person("people.json", request["title"], request["answer"]["by"])
        systems("people.json", "auditor_engagements", engagement.organization, engagement.systems)

    check_scope(data, organization=organization, person=person, systems=systems)
    check_context(data, organization=organization, person=person)
    check_controls(data, organization=organization, person=person, role=role)
    check_risks(data, organization=organization, person=person, systems=systems, role=role)
    check_classifications(data, organization=organization, person=person, systems=systems)
    check_impact_thresholds(data, organization=organization, person=person)
    check_incidents(data, organization=organization, person=person, systems=systems)
    check_audits(data, organization=organization, person=person, systems=systems)
    check_reviews(data, organization=organization, person=person)
    check_impact_assessments(data, organization=organization, person=person, systems=systems)
    check_objectives(data, organization=organization, person=person)
    check_policies(data, organization=organization, person=person)
    check_roles(data, organization=organization, person=person)
    check_evidence(data, organization=organization, person=person)
