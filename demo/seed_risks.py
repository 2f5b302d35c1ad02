"""Demo risk register: the criteria's approver, risks with their treatment actions and
acceptances, and an approved risk assessment."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError

from aims.core.changelog import change_context
from aims.core.models import ChangeSource
from aims.inventory.models import AISystem
from aims.organizations.models import Organization
from controls.models import Applicability, ControlImplementation
from demo.seed_common import SeedRun, _days
from risks.models import ActionStatus, Risk, RiskAssessment, RiskCriteria, RiskKind, TreatmentAction
from risks.services import (
    risk_accept,
    risk_assessment_approve,
    risk_criteria_current,
    risk_criteria_revise,
    risk_initial_from_library,
)


def seed_risks(
    *,
    org: Organization,
    spec: dict[str, Any],
    role_holders: dict[str, str],
    systems: dict[str, AISystem],
    run: SeedRun,
) -> None:
    """The organisation's register, only while it has none (users' later edits stay)."""
    if Risk.objects.filter(organization=org).exists():
        return
    author = run.users[spec["author"]]
    approver = spec.get("acceptance_approver")
    not_applicable = set(
        ControlImplementation.objects.filter(
            organization=org, applicability=Applicability.NOT_APPLICABLE
        ).values_list("pk", flat=True)
    )
    with change_context(source=ChangeSource.IMPORT, actor=author, request_id=run.request_id):
        criteria = risk_criteria_current(organization=org)
        if approver is not None and criteria.acceptance_approver_id is None:
            criteria = risk_criteria_revise(
                organization=org,
                user=run.users[approver["email"]],
                acceptance_approver=run.users[approver["email"]],
                change_summary=approver["change_summary"],
            )
            run.created["risk criteria versions"] += 1
        for risk_spec in spec["risks"]:
            _seed_risk(
                org=org,
                spec=risk_spec,
                criteria=criteria,
                not_applicable=not_applicable,
                role_holders=role_holders,
                systems=systems,
                run=run,
            )


def _seed_risk(
    *,
    org: Organization,
    spec: dict[str, Any],
    criteria: RiskCriteria,
    not_applicable: set[int],
    role_holders: dict[str, str],
    systems: dict[str, AISystem],
    run: SeedRun,
) -> None:
    try:
        initial = (
            risk_initial_from_library(organization=org, code=spec["library"])
            if spec["library"]
            else {}
        )
    except ValidationError:
        initial = {}  # the library item was renamed: keep the risk, drop its links
    inherent, residual = spec["inherent"], spec["residual"]
    scores = spec.get("consequence_scores") or {}
    risk = Risk(
        organization=org,
        criteria=criteria,
        kind=spec.get("kind", RiskKind.RISK),
        impact_organization=scores.get("organization"),
        impact_individuals=scores.get("individuals"),
        impact_society=scores.get("society"),
        consequences_society=spec.get("consequences_society", ""),
        title=spec["title"],
        description=spec["description"],
        consequences_organization=initial.get("consequences_organization", ""),
        consequences_individuals=initial.get("consequences_individuals", ""),
        inherent_likelihood=inherent["likelihood"],
        inherent_impact=inherent["impact"],
        residual_likelihood=residual["likelihood"] if residual else None,
        residual_impact=residual["impact"] if residual else None,
        existing_controls=spec["existing_controls"],
        owner=run.users[spec["owner"]],
        status=spec["status"],
        treatment_option=spec["option"],
        review_interval_months=6 if inherent["impact"] >= 4 else 12,
        next_review_date=_days(60 + 10 * len(spec["title"]) % 120),
        library_code=initial.get("library_code", ""),
    )
    risk.full_clean()
    risk.save()
    risk.ai_systems.set([systems[name] for name in spec["systems"]])
    if initial.get("risk_sources"):
        risk.risk_sources.set(initial["risk_sources"])
    if initial.get("objectives"):
        risk.objectives.set(initial["objectives"])
    controls = [pk for pk in initial.get("controls", []) if pk not in not_applicable]
    if controls:
        risk.controls.set(controls)
    run.created["risks"] += 1
    for action_spec in spec["actions"]:
        due = _days(action_spec["due_in_days"])
        action = TreatmentAction(
            risk=risk,
            title=action_spec["title"],
            owner=run.users[role_holders[action_spec["owner"]]],
            due_date=due,
            status=action_spec["status"],
            completed_on=due if action_spec["status"] == ActionStatus.DONE else None,
        )
        action.full_clean()
        action.save()
        run.created["treatment actions"] += 1
    if spec.get("accept"):
        owner = run.users[spec["owner"]]
        with change_context(source=ChangeSource.IMPORT, actor=owner, request_id=run.request_id):
            risk_accept(risk=risk, user=owner, rationale=spec["accept"], expires=_days(365))
        run.created["accepted risks"] += 1


def seed_risk_assessment(
    *,
    org: Organization,
    spec: dict[str, Any],
    participants: list[str],
    systems: dict[str, AISystem],
    run: SeedRun,
) -> None:
    """An approved risk assessment, only while the organisation has none."""
    if RiskAssessment.objects.filter(organization=org).exists():
        return
    author, approver = run.users[spec["author"]], run.users[spec["approver"]]
    with change_context(source=ChangeSource.IMPORT, actor=author, request_id=run.request_id):
        assessment = RiskAssessment(
            organization=org,
            title=spec["title"],
            scope=spec["scope"],
            method=spec["method"],
            other_participants=spec["other_participants"],
            assessed_on=_days(spec["assessed_in_days"]),
            author=author,
        )
        assessment.full_clean()
        assessment.save()
        assessment.participants.set([run.users[email] for email in participants])
        assessment.ai_systems.set([systems[name] for name in spec.get("systems", ())])
    with change_context(source=ChangeSource.IMPORT, actor=approver, request_id=run.request_id):
        risk_assessment_approve(assessment=assessment, user=approver)
    run.created["approved risk assessments"] += 1
