"""Checks of the demo's policies records: ``objectives.json``, ``policies.json`` and
``roles.json``."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from aims.core.permissions import Role
from demo.loader_common import DemoDataError, _keys
from policies.starters import STARTERS_BY_KEY

if TYPE_CHECKING:
    from demo.loader import DemoData


def check_objectives(data: DemoData, *, organization, person) -> None:
    """objectives.json: the AI objectives with their KPI values, the communication plan."""
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


def check_policies(data: DemoData, *, organization, person) -> None:
    """policies.json: the policies adopted from the starter documents, in order."""
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


def check_roles(data: DemoData, *, organization, person) -> None:
    """roles.json: the processes, roles, RACI, competence and training."""
    for slug, spec in data.roles.items():
        _check_roles(spec, organization, person, slug)


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
