"""Checks of the demo's EU AI Act and impact records: ``classifications.json``,
``impact_thresholds.json`` and ``impact_assessments.json``."""

from __future__ import annotations

from typing import TYPE_CHECKING

from demo.loader_common import _keys

if TYPE_CHECKING:
    from demo.loader import DemoData


def check_classifications(data: DemoData, *, organization, person, systems) -> None:
    """classifications.json: one reading per AI system."""
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


def check_impact_thresholds(data: DemoData, *, organization, person) -> None:
    """impact_thresholds.json: who decided the thresholds."""
    for slug, spec in data.impact_thresholds.items():
        organization("impact_thresholds.json", slug)
        _keys("impact_thresholds.json", slug, spec, {"decided_by", "thresholds"})
        person("impact_thresholds.json", slug, spec["decided_by"])


def check_impact_assessments(data: DemoData, *, organization, person, systems) -> None:
    """impact_assessments.json: the assessments, their parties and impacts."""
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
