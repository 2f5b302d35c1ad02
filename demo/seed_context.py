"""Demo context of the organisation (4.1, 4.2, 4.3): issues, climate decisions, interested
parties with their requirements, and the scope statement."""

from __future__ import annotations

from typing import Any

from aims.core.changelog import change_context
from aims.core.documents import document_approve, document_start_revision, document_submit
from aims.core.models import ChangeSource
from aims.inventory.models import AISystem
from aims.organizations.models import (
    ClimateDecision,
    ContextIssue,
    InterestedParty,
    Organization,
    PartyRequirement,
    ScopeStatement,
)
from aims.organizations.services import climate_decision_record, scope_start_draft
from controls.models import ControlImplementation
from controls.services import controls_ensure_for
from demo.seed_common import SeedRun, _days


def seed_context(*, org: Organization, spec: dict[str, Any], run: SeedRun) -> None:
    """The issues, the climate decisions and the interested parties with their requirements,
    only while the organisation has none of them."""
    if (
        ContextIssue.objects.filter(organization=org).exists()
        or InterestedParty.objects.filter(organization=org).exists()
        or ClimateDecision.objects.filter(organization=org).exists()
    ):
        return
    rows = controls_ensure_for(organization=org)  # the SoA rows requirements link
    if rows:
        run.created["SoA and clause rows"] += rows
    controls = {row.ref: row for row in ControlImplementation.objects.filter(organization=org)}
    for item in spec["issues"]:
        owner = run.users[item["owner"]]
        with change_context(source=ChangeSource.IMPORT, actor=owner, request_id=run.request_id):
            issue = ContextIssue(
                organization=org,
                kind=item["kind"],
                category=item["category"],
                title=item["title"],
                description=item["description"],
                effect=item["effect"],
                owner=owner,
                status=item["status"],
                identified_on=_days(item.get("identified_in_days", 0)),
                next_review_date=_days(item["review_in_days"])
                if "review_in_days" in item
                else None,
            )
            issue.full_clean()
            issue.save()
        run.created["context issues"] += 1
    for item in spec["climate_decisions"]:
        decider = run.users[item["decided_by"]]
        with change_context(source=ChangeSource.IMPORT, actor=decider, request_id=run.request_id):
            climate_decision_record(
                organization=org,
                actor=decider,
                relevant=item["relevant"],
                reasoning=item["reasoning"],
                decided_by=decider,
                decided_on=_days(item["decided_in_days"]),
            )
        run.created["climate decisions"] += 1
    for item in spec["parties"]:
        owner = run.users[item["owner"]]
        with change_context(source=ChangeSource.IMPORT, actor=owner, request_id=run.request_id):
            party = InterestedParty(
                organization=org,
                name=item["name"],
                kind=item["kind"],
                category=item["category"],
                description=item["description"],
                owner=owner,
            )
            party.full_clean()
            party.save()
            for entry in item["requirements"]:
                requirement = PartyRequirement(
                    party=party,
                    requirement=entry["requirement"],
                    source=entry["source"],
                    addressed=entry["addressed"],
                    how=entry["how"],
                )
                requirement.full_clean()
                requirement.save()
                requirement.controls.set([controls[ref] for ref in entry.get("controls", [])])
                run.created["party requirements"] += 1
        run.created["interested parties"] += 1


def seed_scope(
    *,
    org: Organization,
    spec: dict[str, Any],
    systems: dict[str, AISystem],
    run: SeedRun,
) -> None:
    """An approved scope statement and a draft revision, only while the organisation has none."""
    if ScopeStatement.objects.filter(organization=org).exists():
        return
    author, approver = run.users[spec["author"]], run.users[spec["approver"]]
    with change_context(source=ChangeSource.IMPORT, actor=author, request_id=run.request_id):
        first = scope_start_draft(organization=org, actor=author)
        for field, value in spec["first_version"].items():
            setattr(first, field, value)
        first.full_clean()
        first.save()
        first.ai_systems.set([systems[name] for name in spec["first_version_systems"]])
        issues = {i.title: i for i in ContextIssue.objects.filter(organization=org)}
        parties = {p.name: p for p in InterestedParty.objects.filter(organization=org)}
        first.issues.set([issues[t] for t in spec.get("first_version_issues", [])])
        first.parties.set([parties[n] for n in spec.get("first_version_parties", [])])
        first = document_submit(version=first, user=author)
    with change_context(source=ChangeSource.IMPORT, actor=approver, request_id=run.request_id):
        first = document_approve(version=first, user=approver, note=spec["approval_note"])
    with change_context(source=ChangeSource.IMPORT, actor=author, request_id=run.request_id):
        revision = document_start_revision(version=first, user=author)
        for field, value in spec["revision"].items():
            setattr(revision, field, value)
        revision.full_clean()
        revision.save()
        revision.ai_systems.add(*(systems[name] for name in spec["revision_adds_systems"]))
        revision.issues.add(*(issues[t] for t in spec.get("revision_adds_issues", [])))
    run.created["scope statement versions"] += 2
