"""Checks of the demo's audit records: ``incidents.json``, ``audits.json`` and
``reviews.json``."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from demo.loader_common import DemoDataError, _keys

if TYPE_CHECKING:
    from demo.loader import DemoData


def check_incidents(data: DemoData, *, organization, person, systems) -> None:
    """incidents.json: the incidents, their communication and nonconformities."""
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


def check_audits(data: DemoData, *, organization, person, systems) -> None:
    """audits.json: the audit programme, its audits, their lines, actions and reports."""
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


def check_reviews(data: DemoData, *, organization, person) -> None:
    """reviews.json: one held management review per organisation."""
    for slug, spec in data.reviews.items():
        organization("reviews.json", slug)
        _check_review(spec, person)


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
