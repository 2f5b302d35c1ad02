"""Demo EU AI Act classifications, impact thresholds and impact assessments, recorded
through the services."""

from __future__ import annotations

from typing import Any

from aims.core.changelog import change_context
from aims.core.documents import document_approve
from aims.core.models import ChangeSource
from aims.inventory.models import AISystem
from aims.organizations.models import Organization
from controls.models import ControlImplementation
from demo.seed_common import SeedRun, _days
from impact_assessments.models import AffectedParty, Impact, ImpactAssessment, UseThresholds
from impact_assessments.services import (
    assessment_start,
    assessment_submit,
    classification_record,
    impact_create_risk,
    thresholds_decide,
)
from risks.models import Risk


def seed_classifications(
    *, specs: list[dict[str, Any]], systems: dict[str, AISystem], run: SeedRun
) -> None:
    """One EU AI Act reading per AI system, recorded through the service like a user's."""
    for spec in specs:
        system = systems[spec["system"]]
        if system.ai_act_classifications.exists():
            continue
        classifier = run.users[spec["classified_by"]]
        with change_context(
            source=ChangeSource.IMPORT, actor=classifier, request_id=run.request_id
        ):
            classification_record(
                ai_system=system,
                actor=classifier,
                answers=spec["answers"],
                classified_on=_days(spec["classified_in_days"]),
                notes=spec["notes"],
            )
        run.created["EU AI Act classifications"] += 1


def seed_impact_thresholds(*, org: Organization, spec: dict[str, Any], run: SeedRun) -> None:
    """The organisation's decision on its thresholds for sensitive and restricted uses."""
    if UseThresholds.objects.filter(organization=org).exists():
        return
    officer = run.users[spec["decided_by"]]
    with change_context(source=ChangeSource.IMPORT, actor=officer, request_id=run.request_id):
        thresholds_decide(
            thresholds=UseThresholds(organization=org, **spec["thresholds"]), actor=officer
        )
    run.created["impact thresholds"] += 1


def seed_impact_assessments(
    *, org: Organization, specs: list[dict[str, Any]], systems: dict[str, AISystem], run: SeedRun
) -> None:
    """Impact assessments written, reviewed and approved through the services; a harm of one
    becomes a risk the way a user would make it one."""
    for spec in specs:
        system = systems[spec["system"]]
        if ImpactAssessment.objects.filter(ai_system=system, kind=spec["kind"]).exists():
            continue
        author = run.users[spec["author"]]
        with change_context(source=ChangeSource.IMPORT, actor=author, request_id=run.request_id):
            draft = assessment_start(ai_system=system, actor=author, kind=spec["kind"])
            for field, value in spec["sections"].items():
                setattr(draft, field, value)
            draft.full_clean()
            draft.save()
            for party in spec["parties"]:
                AffectedParty.objects.create(assessment=draft, **party)
            parties = {p.name: p for p in draft.parties.all()}
            for fields in spec["impacts"]:
                fields = dict(fields)
                controls, risks = fields.pop("controls"), fields.pop("risks")
                create_risk = fields.pop("create_risk")
                impact = Impact(assessment=draft, party=parties[fields.pop("party")], **fields)
                impact.full_clean()
                impact.save()
                impact.controls.set(
                    ControlImplementation.objects.filter(
                        organization=org, requirement__ref__in=controls
                    )
                )
                impact.risks.set(Risk.objects.filter(organization=org, title__in=risks))
                if create_risk:
                    impact_create_risk(impact=impact, actor=author)
            assessment_submit(assessment=draft, actor=author)
        run.created["impact assessments"] += 1
        if spec["approver"] is None:
            continue  # left in review
        approver = run.users[spec["approver"]]
        with change_context(source=ChangeSource.IMPORT, actor=approver, request_id=run.request_id):
            document_approve(version=draft, user=approver)
