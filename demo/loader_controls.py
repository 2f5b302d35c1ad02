"""Checks of the demo's SoA and evidence records: ``controls.json`` and ``evidence.json``."""

from __future__ import annotations

from typing import TYPE_CHECKING

from demo.loader_common import DemoDataError, _keys

if TYPE_CHECKING:
    from demo.loader import DemoData


SOA_STATUSES = ("implemented", "partial", "planned")


def check_controls(data: DemoData, *, organization, person, role) -> None:
    """controls.json: the SoA decisions, organisation-defined controls and the SoA version."""
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


def check_evidence(data: DemoData, *, organization, person) -> None:
    """evidence.json: the evidence links and their owners."""
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
