"""Checks of the demo's risk register: ``risks.json``."""

from __future__ import annotations

from typing import TYPE_CHECKING

from demo.loader_common import DemoDataError, _keys

if TYPE_CHECKING:
    from demo.loader import DemoData


def check_risks(data: DemoData, *, organization, person, systems, role) -> None:
    """risks.json: the register, its scores, actions and the approved assessment."""
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
