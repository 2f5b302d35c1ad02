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
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from aims.core.permissions import Role
from policies.starters import STARTERS_BY_KEY

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
SOA_STATUSES = ("implemented", "partial", "planned")


class DemoDataError(Exception):
    """A demo data file is malformed; names the file and the record."""

    def __init__(self, file: str, record: str, message: str):
        self.file, self.record, self.message = file, record, message
        super().__init__(f"{file}: {record}: {message}")


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


def _keys(
    file: str,
    record: str,
    value: Any,
    required: set[str],
    optional: Iterable[str] = (),
) -> None:
    if not isinstance(value, Mapping):
        raise DemoDataError(file, record, f"expected an object, got {type(value).__name__}")
    missing = required - value.keys()
    unknown = value.keys() - required - set(optional)
    if missing:
        raise DemoDataError(file, record, f"missing {', '.join(sorted(missing))}")
    if unknown:
        raise DemoDataError(file, record, f"unknown {', '.join(sorted(unknown))}")


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
    _check_support(data)
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

    for slug, scope in data.scope.items():
        organization("scope.json", slug)
        _keys(
            "scope.json",
            slug,
            scope,
            {
                "author",
                "approver",
                "first_version",
                "first_version_systems",
                "approval_note",
                "revision",
                "revision_adds_systems",
            },
            {"first_version_issues", "first_version_parties", "revision_adds_issues"},
        )
        context = data.context.get(slug, {})
        issue_titles = {issue["title"] for issue in context.get("issues", [])}
        party_names = {party["name"] for party in context.get("parties", [])}
        for title in (
            *scope.get("first_version_issues", []),
            *scope.get("revision_adds_issues", []),
        ):
            if title not in issue_titles:
                raise DemoDataError("scope.json", slug, f"unknown issue {title!r}")
        for name in scope.get("first_version_parties", []):
            if name not in party_names:
                raise DemoDataError("scope.json", slug, f"unknown interested party {name!r}")
        person("scope.json", slug, scope["author"])
        person("scope.json", slug, scope["approver"])
        systems("scope.json", slug, slug, scope["first_version_systems"])
        systems("scope.json", slug, slug, scope["revision_adds_systems"])

    for slug, context in data.context.items():
        organization("context.json", slug)
        _keys("context.json", slug, context, {"issues", "climate_decisions", "parties"})
        for issue in context["issues"]:
            _keys(
                "context.json",
                issue.get("title", slug),
                issue,
                {"kind", "category", "title", "description", "effect", "owner", "status"},
                {"identified_in_days", "review_in_days"},
            )
            person("context.json", issue["title"], issue["owner"])
        for decision in context["climate_decisions"]:
            _keys(
                "context.json",
                "climate_decisions",
                decision,
                {"relevant", "reasoning", "decided_by", "decided_in_days"},
            )
            person("context.json", "climate_decisions", decision["decided_by"])
        for party in context["parties"]:
            _keys(
                "context.json",
                party.get("name", slug),
                party,
                {"name", "kind", "category", "description", "owner", "requirements"},
            )
            person("context.json", party["name"], party["owner"])
            for requirement in party["requirements"]:
                _keys(
                    "context.json",
                    party["name"],
                    requirement,
                    {"requirement", "source", "addressed", "how"},
                    {"controls"},
                )

    for slug, controls in data.controls.items():
        organization("controls.json", slug)
        _keys(
            "controls.json",
            slug,
            controls,
            {"decisions", "not_applicable", "organisation_controls", "soa_version"},
        )
        for ref, decision in controls["decisions"].items():
            _keys(
                "controls.json",
                ref,
                decision,
                {"status", "owner", "justification", "implementation"},
            )
            if decision["status"] not in SOA_STATUSES:
                raise DemoDataError("controls.json", ref, f"unknown status {decision['status']!r}")
            role("controls.json", ref, slug, decision["owner"])
        for control in controls["organisation_controls"]:
            _keys(
                "controls.json",
                control.get("ref", "?"),
                control,
                {"ref", "title", "description", "justification", "implementation"},
            )
        role("controls.json", slug, slug, "officer")  # owns the not-applicable rows
        role("controls.json", slug, slug, "admin")  # owns the organisation-defined controls
        version = controls["soa_version"]
        _keys(
            "controls.json",
            "soa_version",
            version,
            {"author", "approver", "change_summary", "approval_note"},
        )
        person("controls.json", "soa_version", version["author"])
        person("controls.json", "soa_version", version["approver"])

    for slug, register in data.risks.items():
        organization("risks.json", slug)
        _keys(
            "risks.json",
            slug,
            register,
            {"author", "risks"},
            optional={"acceptance_approver", "assessment"},
        )
        person("risks.json", slug, register["author"])
        if "acceptance_approver" in register:
            approver = register["acceptance_approver"]
            _keys("risks.json", "acceptance_approver", approver, {"email", "change_summary"})
            person("risks.json", "acceptance_approver", approver["email"])
        for spec in register["risks"]:
            record = spec.get("title", "?")
            _keys(
                "risks.json",
                record,
                spec,
                {
                    "library",
                    "title",
                    "description",
                    "systems",
                    "owner",
                    "inherent",
                    "residual",
                    "option",
                    "status",
                    "existing_controls",
                    "actions",
                },
                optional={"accept", "kind", "consequence_scores", "consequences_society"},
            )
            if spec.get("kind", "risk") not in ("risk", "opportunity"):
                raise DemoDataError("risks.json", record, f"unknown kind {spec['kind']!r}")
            if "consequence_scores" in spec:
                scores = spec["consequence_scores"]
                _keys(
                    "risks.json",
                    record,
                    scores,
                    set(),
                    optional={"organization", "individuals", "society"},
                )
                given = [v for v in scores.values() if v is not None]
                if any(not isinstance(v, int) or not 1 <= v <= 5 for v in given):
                    raise DemoDataError("risks.json", record, "consequence scores are 1 to 5")
                if given and max(given) != spec["inherent"]["impact"]:
                    raise DemoDataError(
                        "risks.json",
                        record,
                        f"the worst consequence score ({max(given)}) is not the inherent "
                        f"impact ({spec['inherent']['impact']})",
                    )
            if spec.get("kind") == "opportunity" and spec.get("accept"):
                raise DemoDataError("risks.json", record, "an opportunity is not accepted")
            person("risks.json", record, spec["owner"])
            systems("risks.json", record, slug, spec["systems"])
            for score in (spec["inherent"], spec["residual"]):
                if score is not None:
                    _keys("risks.json", record, score, {"likelihood", "impact"})
            for action in spec["actions"]:
                _keys("risks.json", record, action, {"title", "owner", "due_in_days", "status"})
                role("risks.json", record, slug, action["owner"])
        if "assessment" in register:
            assessment = register["assessment"]
            _keys(
                "risks.json",
                "assessment",
                assessment,
                {
                    "author",
                    "approver",
                    "title",
                    "scope",
                    "method",
                    "other_participants",
                    "assessed_in_days",
                },
                optional={"systems"},
            )
            systems("risks.json", "assessment", slug, assessment.get("systems", ()))
            person("risks.json", "assessment", assessment["author"])
            person("risks.json", "assessment", assessment["approver"])

    for slug, specs in data.classifications.items():
        organization("classifications.json", slug)
        for spec in specs:
            record = spec.get("system", "?")
            _keys(
                "classifications.json",
                record,
                spec,
                {"system", "classified_by", "classified_in_days", "answers", "notes"},
            )
            systems("classifications.json", record, slug, [spec["system"]])
            person("classifications.json", record, spec["classified_by"])

    for slug, spec in data.impact_thresholds.items():
        organization("impact_thresholds.json", slug)
        _keys("impact_thresholds.json", slug, spec, {"decided_by", "thresholds"})
        person("impact_thresholds.json", slug, spec["decided_by"])

    for slug, specs in data.incidents.items():
        organization("incidents.json", slug)
        for spec in specs:
            record = spec.get("title", "?")
            _keys(
                "incidents.json",
                record,
                spec,
                {
                    "title",
                    "description",
                    "severity",
                    "status",
                    "systems",
                    "owner",
                    "occurred_days_ago",
                    "detected_days_ago",
                    "affected_people",
                    "affected_count",
                    "containment",
                    "resolution",
                    "serious_incident",
                    "communications",
                    "nonconformity",
                },
            )
            systems("incidents.json", record, slug, spec["systems"])
            person("incidents.json", record, spec["owner"])
            for message in spec["communications"]:
                _keys(
                    "incidents.json",
                    record,
                    message,
                    {"audience", "channel", "message", "status", "days_ago", "by"},
                )
                if message["by"] is not None:
                    person("incidents.json", record, message["by"])
            found = spec["nonconformity"]
            if found is not None:
                _keys(
                    "incidents.json",
                    record,
                    found,
                    {"title", "description", "requirement", "severity", "root_cause", "actions"},
                )
                for step in found["actions"]:
                    _keys(
                        "incidents.json",
                        record,
                        step,
                        {"description", "owner", "due_in_days", "status"},
                    )
                    person("incidents.json", record, step["owner"])
    for slug, spec in data.audits.items():
        organization("audits.json", slug)
        _keys("audits.json", slug, spec, {"programme", "audits"})
        programme = spec["programme"]
        _keys(
            "audits.json",
            "programme",
            programme,
            {"title", "owner", "starts_in_days", "objectives", "approach"},
        )
        person("audits.json", "programme", programme["owner"])
        for audit in spec["audits"]:
            record = audit.get("title", "?")
            _keys(
                "audits.json",
                record,
                audit,
                {
                    "title",
                    "planned_in_days",
                    "lead_auditor",
                    "auditors",
                    "clauses",
                    "controls",
                    "systems",
                    "criteria",
                    "objectives",
                    "plan",
                },
                optional={
                    "held_in_days",
                    "lines",
                    "corrective_actions",
                    "root_causes",
                    "report",
                    "close",
                },
            )
            systems("audits.json", record, slug, audit["systems"])
            for email in (audit["lead_auditor"], *audit["auditors"]):
                person("audits.json", record, email)
            for ref, line in audit.get("lines", {}).items():
                _keys("audits.json", ref, line, {"result", "sampled", "notes"}, {"evidence"})
            for ref, action in audit.get("corrective_actions", {}).items():
                _keys(
                    "audits.json",
                    ref,
                    action,
                    {"owner", "description"},
                    {"done_in_days", "due_in_days", "verified_by", "verification"},
                )
                person("audits.json", ref, action["owner"])
                if "verified_by" in action:
                    person("audits.json", ref, action["verified_by"])
            if "report" in audit:
                report = audit["report"]
                _keys(
                    "audits.json",
                    record,
                    report,
                    {"author", "approver", "summary", "conclusions", "approval_note"},
                )
                person("audits.json", record, report["author"])
                person("audits.json", record, report["approver"])

    for slug, spec in data.reviews.items():
        organization("reviews.json", slug)
        _check_review(spec, person)
    for slug, specs in data.impact_assessments.items():
        organization("impact_assessments.json", slug)
        for spec in specs:
            record = spec.get("system", "?")
            _keys(
                "impact_assessments.json",
                record,
                spec,
                {"system", "kind", "author", "approver", "sections", "parties", "impacts"},
            )
            systems("impact_assessments.json", record, slug, [spec["system"]])
            person("impact_assessments.json", record, spec["author"])
            if spec["approver"] is not None:
                person("impact_assessments.json", record, spec["approver"])
            for party in spec["parties"]:
                _keys(
                    "impact_assessments.json",
                    record,
                    party,
                    {"name", "kind", "vulnerable", "notes"},
                )
            for impact in spec["impacts"]:
                _keys(
                    "impact_assessments.json",
                    record,
                    impact,
                    {
                        "party",
                        "nature",
                        "area",
                        "description",
                        "severity",
                        "likelihood",
                        "reach",
                        "reversibility",
                        "measures",
                        "controls",
                        "risks",
                        "create_risk",
                    },
                )

    objective_keys = {
        "title",
        "description",
        "guides",
        "annex_c",
        "metric",
        "unit",
        "direction",
        "target",
        "target_upper",
        "margin",
        "frequency",
        "owner",
        "due_in_days",
        "status",
        "plan",
        "source",
        "entered_by",
        "monthly_values",
    }
    plan_keys = {"actions", "resources", "responsible", "timeline", "evaluation"}
    communication_keys = {
        "subject",
        "details",
        "kind",
        "audience",
        "channel",
        "frequency",
        "owner",
        "last_done_in_days",
    }
    for slug, spec in data.objectives.items():
        organization("objectives.json", slug)
        _keys("objectives.json", slug, spec, {"objectives", "communication"})
        for objective in spec["objectives"]:
            record = objective.get("title", "?")
            _keys("objectives.json", record, objective, objective_keys)
            _keys("objectives.json", record, objective["plan"], plan_keys)
            person("objectives.json", record, objective["owner"])
            person("objectives.json", record, objective["entered_by"])
            if len(objective["monthly_values"]) != 12:
                raise DemoDataError("objectives.json", record, "expected 12 monthly values")
        for item in spec["communication"]:
            record = item.get("subject", "?")
            _keys("objectives.json", record, item, communication_keys)
            person("objectives.json", record, item["owner"])
    for slug, specs in data.policies.items():
        organization("policies.json", slug)
        codes: set[str] = set()
        for spec in specs:
            record = spec.get("starter", "?")
            _keys(
                "policies.json",
                record,
                spec,
                {"starter", "author", "approver", "external_documents", "aligned_with", "publish"},
            )
            if spec["starter"] not in STARTERS_BY_KEY:
                raise DemoDataError("policies.json", record, "unknown starter document")
            person("policies.json", record, spec["author"])
            if spec["approver"] is not None:
                person("policies.json", record, spec["approver"])
            for code in spec["aligned_with"]:
                if code not in codes:
                    raise DemoDataError("policies.json", record, f"{code!r} is not seeded before")
            codes.add(STARTERS_BY_KEY[spec["starter"]].code)
            publish = spec["publish"]
            if publish is not None:
                if spec["approver"] is None:
                    raise DemoDataError("policies.json", record, "only an approved one publishes")
                _keys("policies.json", record, publish, {"by", "roles", "people", "acknowledged"})
                for email in (publish["by"], *publish["people"], *publish["acknowledged"]):
                    person("policies.json", record, email)
                for name in publish["roles"]:
                    if name not in Role.values or name == Role.AUDITOR:
                        raise DemoDataError("policies.json", record, f"cannot ask role {name!r}")
    for slug, spec in data.roles.items():
        _check_roles(spec, organization, person, slug)

    for slug, specs in data.evidence.items():
        organization("evidence.json", slug)
        for spec in specs:
            record = spec.get("title", "?")
            _keys(
                "evidence.json",
                record,
                spec,
                {
                    "title",
                    "description",
                    "url",
                    "owner",
                    "valid_from_in_days",
                    "valid_until_in_days",
                    "controls",
                    "risks",
                    "clauses",
                },
            )
            person("evidence.json", record, spec["owner"])


SUPPORT_KEYS = {"resources", "changes", "retention", "outside_documents", "channels", "concerns"}
CHANNEL_KEYS = {"name", "audience", "anonymous_enabled", "intro", "handler"}
# A report through an external channel says how its reporter relates to the organisation;
# one that was recorded as an AI incident names the incident (incidents.json) by title.
CONCERN_OPTIONAL = {
    "channel",
    "relationship",
    "contact",
    "received_days_ago",
    "recorded_as_incident",
}


def _check_support(data: DemoData) -> None:
    """support.json: every section is there and names known people and AI systems."""
    emails = {user.email for user in data.users}
    names = {slug: {spec.get("name") for spec in specs} for slug, specs in data.systems.items()}
    file = "support.json"

    def known(record: str, email: Any) -> None:
        if email is not None and email not in emails:
            raise DemoDataError(file, record, f"unknown person {email!r}")

    def system(record: str, slug: str, name: Any) -> None:
        if name is not None and name not in names.get(slug, set()):
            raise DemoDataError(file, record, f"unknown AI system {name!r} in {slug}")

    for slug, spec in data.support.items():
        if slug not in data.organizations:
            raise DemoDataError(file, slug, "unknown organisation")
        _keys(file, slug, spec, SUPPORT_KEYS)
        for item in spec["resources"]:
            record = item.get("name", "?")
            _keys(
                file,
                record,
                item,
                {
                    "name",
                    "kind",
                    "description",
                    "quantity",
                    "owner",
                    "status",
                    "review_in_days",
                    "systems",
                },
            )
            known(record, item["owner"])
            for name in item["systems"]:
                system(record, slug, name)
        for item in spec["changes"]:
            record = item.get("title", "?")
            _keys(
                file,
                record,
                item,
                {
                    "title",
                    "purpose",
                    "consequences",
                    "resources_needed",
                    "responsibilities",
                    "responsible",
                    "planned_in_days",
                    "proposed_by",
                    "approved_by",
                    "decision_note",
                },
            )
            for who in ("responsible", "proposed_by", "approved_by"):
                known(record, item[who])
            if item["approved_by"] is not None and item["approved_by"] == item["proposed_by"]:
                raise DemoDataError(file, record, "approved by the person who proposed it")
        for key, rule in spec["retention"].items():
            known(f"retention.{key}", rule.get("owner"))
        for item in spec["outside_documents"]:
            record = item.get("title", "?")
            _keys(
                file,
                record,
                item,
                {
                    "title",
                    "kind",
                    "location",
                    "owner",
                    "retention_months",
                    "disposal_method",
                    "access_notes",
                },
            )
            known(record, item["owner"])
        channels = {}
        for channel in spec["channels"]:
            record = channel.get("name", "?")
            _keys(file, record, channel, CHANNEL_KEYS)
            known(record, channel["handler"])
            channels[record] = channel
        incidents = {i.get("title") for i in data.incidents.get(slug, [])}
        for item in spec["concerns"]:
            record = item.get("summary", "?")
            _keys(
                file,
                record,
                item,
                {
                    "summary",
                    "description",
                    "category",
                    "system",
                    "anonymous",
                    "handled_by",
                    "handling_notes",
                    "resolution",
                    "reply",
                },
                CONCERN_OPTIONAL,
            )
            system(record, slug, item["system"])
            known(record, item["handled_by"])
            if "channel" in item and item["channel"] not in channels:
                raise DemoDataError(file, record, f"unknown channel {item['channel']!r}")
            outside = "channel" in item and channels[item["channel"]]["audience"] == "external"
            if outside != ("relationship" in item):
                raise DemoDataError(
                    file, record, "a relationship goes with a report through an external channel"
                )
            if item.get("recorded_as_incident", None) not in incidents | {None}:
                raise DemoDataError(
                    file, record, f"unknown incident {item['recorded_as_incident']!r}"
                )


def _check_roles(spec: dict[str, Any], organization, person, slug: str) -> None:
    """roles.json: every name it refers to is declared in the same organisation's section,
    every process has at most one accountable role, every person exists."""
    file = "roles.json"
    organization(file, slug)
    _keys(file, slug, spec, {"processes", "roles", "raci", "requirements", "training"})
    processes = {p.get("name") for p in spec["processes"]}
    roles = {r.get("name") for r in spec["roles"]}
    for process in spec["processes"]:
        record = process.get("name", "?")
        _keys(
            file,
            record,
            process,
            {
                "name",
                "purpose",
                "owner",
                "inputs",
                "outputs",
                "interacts_with",
                "record_types",
                "clauses",
            },
        )
        if process["owner"] is not None:
            person(file, record, process["owner"])
        for other in process["interacts_with"]:
            if other not in processes:
                raise DemoDataError(file, record, f"works with an unknown process {other!r}")
    for role in spec["roles"]:
        record = role.get("name", "?")
        _keys(
            file, record, role, {"name", "responsibilities", "authorities", "reports_to", "members"}
        )
        for email in role["members"]:
            person(file, record, email)
        if role["reports_to"] is not None and role["reports_to"] not in roles:
            raise DemoDataError(file, record, f"reports to an unknown role {role['reports_to']!r}")
    for process, letters in spec["raci"].items():
        if process not in processes:
            raise DemoDataError(file, "raci", f"unknown process {process!r}")
        unknown = set(letters) - roles
        if unknown:
            raise DemoDataError(file, process, f"unknown roles {sorted(unknown)}")
        if list(letters.values()).count("A") > 1:
            raise DemoDataError(file, process, "more than one accountable role")
    requirements = set()
    for requirement in spec["requirements"]:
        record = requirement.get("title", "?")
        _keys(file, record, requirement, {"role", "title", "rationale", "renewal_months"})
        if requirement["role"] not in roles:
            raise DemoDataError(file, record, f"unknown role {requirement['role']!r}")
        requirements.add((requirement["role"], requirement["title"]))
    for training in spec["training"]:
        record = training.get("title", "?")
        _keys(
            file,
            record,
            training,
            {
                "person",
                "title",
                "kind",
                "provider",
                "completed_in_days",
                "expires_in_days",
                "meets",
            },
        )
        person(file, record, training["person"])
        for pair in training["meets"]:
            if tuple(pair) not in requirements:
                raise DemoDataError(file, record, f"meets an unknown requirement {pair!r}")


def _check_review(spec: Any, person) -> None:
    from audits.models import DecisionKind, ReviewInputKind

    record = spec.get("title", "?") if isinstance(spec, Mapping) else "?"
    _keys(
        "reviews.json",
        record,
        spec,
        {
            "title",
            "held_in_days",
            "chair",
            "attendees",
            "author",
            "approver",
            "summary",
            "conclusions",
            "minutes",
            "decisions",
        },
        optional={"other_attendees", "next"},
    )
    for email in (spec["chair"], spec["author"], spec["approver"], *spec["attendees"]):
        person("reviews.json", record, email)
    _keys("reviews.json", record, spec["minutes"], set(ReviewInputKind.values))
    for decision in spec["decisions"]:
        _keys(
            "reviews.json",
            record,
            decision,
            {"input", "kind", "decision", "owner", "due_in_days"},
            optional={"done_in_days", "outcome"},
        )
        person("reviews.json", record, decision["owner"])
        if decision["input"] not in ReviewInputKind.values:
            raise DemoDataError("reviews.json", record, f"unknown input {decision['input']!r}")
        if decision["kind"] not in DecisionKind.values:
            raise DemoDataError("reviews.json", record, f"unknown kind {decision['kind']!r}")
    if "next" in spec:
        _keys("reviews.json", record, spec["next"], {"title", "planned_in_days"})
