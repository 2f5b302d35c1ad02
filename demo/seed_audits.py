"""Demo AI incidents with their communication and nonconformities, and the internal audit
programme with a held audit."""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone

from aims.core.changelog import change_context
from aims.core.documents import document_approve, document_submit
from aims.core.models import ChangeSource
from aims.evidence.models import EvidenceItem
from aims.inventory.models import AISystem
from aims.organizations.models import Organization
from audits import services as audit_services
from audits.models import (
    Audit,
    AuditChecklistLine,
    AuditProgramme,
    CorrectiveAction,
    Incident,
    IncidentCommunication,
    Nonconformity,
    years_after,
)
from controls.models import Requirement
from demo.seed_common import SeedRun, _days


def seed_incidents(
    *, org: Organization, specs: list[dict[str, Any]], systems: dict[str, AISystem], run: SeedRun
) -> None:
    """AI incidents with their communication, and a nonconformity raised from one (after the
    impact assessments: a severe incident flags its system's assessment for review)."""
    now = timezone.now()
    for spec in specs:
        if Incident.objects.filter(organization=org, title=spec["title"]).exists():
            continue
        owner = run.users[spec["owner"]]
        with change_context(source=ChangeSource.IMPORT, actor=owner, request_id=run.request_id):
            detected = now - datetime.timedelta(days=spec["detected_days_ago"])
            incident = Incident(
                organization=org,
                owner=owner,
                occurred_at=now - datetime.timedelta(days=spec["occurred_days_ago"]),
                detected_at=detected,
                **{
                    k: spec[k]
                    for k in (
                        "title",
                        "description",
                        "severity",
                        "status",
                        "affected_people",
                        "affected_count",
                        "containment",
                        "resolution",
                        "serious_incident",
                    )
                },
            )
            incident.full_clean()
            incident.save()
            incident.ai_systems.set([systems[name] for name in spec["systems"]])
            for message in spec["communications"]:
                done = message["status"] == "done"
                IncidentCommunication.objects.create(
                    incident=incident,
                    audience=message["audience"],
                    channel=message["channel"],
                    message=message["message"],
                    status=message["status"],
                    sent_at=now - datetime.timedelta(days=message["days_ago"]) if done else None,
                    due_on=None if done else _days(-message["days_ago"]),
                    sent_by=run.users[message["by"]] if message["by"] else None,
                )
            found = spec["nonconformity"]
            if found is not None:
                nonconformity = Nonconformity.objects.create(
                    organization=org,
                    title=found["title"],
                    description=found["description"],
                    requirement=Requirement.objects.get(
                        framework__code="iso42001", ref=found["requirement"]
                    ),
                    severity=found["severity"],
                    source="incident",
                    incident=incident,
                    found_on=detected.date(),
                    owner=owner,
                    correction=incident.containment,
                    root_cause=found["root_cause"],
                )
                nonconformity.ai_systems.set(incident.ai_systems.all())
                for step in found["actions"]:
                    CorrectiveAction.objects.create(
                        nonconformity=nonconformity,
                        description=step["description"],
                        owner=run.users[step["owner"]],
                        due_date=_days(step["due_in_days"]),
                        status=step["status"],
                    )
        run.created["incidents"] += 1


def seed_audit_programme(
    *, org: Organization, spec: dict[str, Any], systems: dict[str, AISystem], run: SeedRun
) -> None:
    """The three-year audit programme with its audits; the first one held: its checklist
    answered, its nonconformities raised (one closed after a verified corrective action),
    its report approved and the audit closed. Only while the organisation has none."""
    if AuditProgramme.objects.filter(organization=org).exists():
        return
    users = run.users
    clauses = {
        r.ref: r for r in Requirement.objects.filter(framework__code="iso42001", withdrawn=False)
    }
    owner = users[spec["programme"]["owner"]]
    start = _days(spec["programme"]["starts_in_days"])
    with change_context(source=ChangeSource.IMPORT, actor=owner, request_id=run.request_id):
        programme = AuditProgramme(
            organization=org,
            title=spec["programme"]["title"],
            period_start=start,
            period_end=years_after(start, 3) - datetime.timedelta(days=1),
            owner=owner,
            objectives=spec["programme"]["objectives"],
            approach=spec["programme"]["approach"],
        )
        programme.full_clean()
        programme.save()
        run.created["audit programmes"] += 1
        for audit_spec in spec["audits"]:
            planned = audit_spec["planned_in_days"]
            audit = Audit(
                organization=org,
                programme=programme,
                title=audit_spec["title"],
                planned_start=_days(planned[0]),
                planned_end=_days(planned[1]),
                lead_auditor=users[audit_spec["lead_auditor"]],
                criteria=audit_spec["criteria"],
                objectives=audit_spec["objectives"],
                plan=audit_spec["plan"],
            )
            audit.full_clean()
            audit.save()
            audit.clauses.set([clauses[r] for r in audit_spec["clauses"]])
            audit.controls.set([clauses[r] for r in audit_spec["controls"]])
            audit.ai_systems.set([systems[name] for name in audit_spec["systems"]])
            audit.auditors.set([users[e] for e in audit_spec["auditors"]])
            conflicts = audit_services.audit_scope_conflicts(audit)
            if conflicts:
                raise ValidationError(conflicts)
            run.created["internal audits"] += 1
            if "held_in_days" in audit_spec:
                _seed_held_audit(audit=audit, spec=audit_spec, run=run)


def _seed_held_audit(*, audit: Audit, spec: dict[str, Any], run: SeedRun) -> None:
    users = run.users
    lead = users[spec["lead_auditor"]]
    held = spec["held_in_days"]
    evidence = {e.title: e for e in EvidenceItem.objects.filter(organization=audit.organization)}
    with change_context(source=ChangeSource.IMPORT, actor=lead, request_id=run.request_id):
        audit = audit_services.audit_start(audit=audit, user=lead, started_on=_days(held[0]))
        audit.actual_end = _days(held[1])
        audit.save()
        for ref, answer in spec["lines"].items():
            line = AuditChecklistLine.objects.get(audit=audit, ref=ref)
            line.result, line.sampled, line.notes = (
                answer["result"],
                answer["sampled"],
                answer["notes"],
            )
            line.full_clean()
            line.save()
            line.evidence.set([evidence[t] for t in answer.get("evidence", ())])
            audit_services.checklist_line_raise(line=line, user=lead)
    for ref, action_spec in spec.get("corrective_actions", {}).items():
        nc = AuditChecklistLine.objects.get(audit=audit, ref=ref).nonconformity
        action_owner = users[action_spec["owner"]]
        with change_context(
            source=ChangeSource.IMPORT, actor=action_owner, request_id=run.request_id
        ):
            nc.root_cause = spec["root_causes"][ref]
            nc.owner = action_owner
            nc.save()
            done = "done_in_days" in action_spec
            action = CorrectiveAction(
                nonconformity=nc,
                description=action_spec["description"],
                owner=action_owner,
                status="done" if done else "planned",
                completed_on=_days(action_spec["done_in_days"]) if done else None,
                due_date=_days(action_spec["done_in_days"] if done else action_spec["due_in_days"]),
            )
            action.full_clean()
            action.save()
        if "verified_by" in action_spec:
            verifier = users[action_spec["verified_by"]]
            with change_context(
                source=ChangeSource.IMPORT, actor=verifier, request_id=run.request_id
            ):
                audit_services.nonconformity_verify(
                    nonconformity=nc,
                    user=verifier,
                    effective=True,
                    notes=action_spec["verification"],
                )
    report_spec = spec["report"]
    author, approver = users[report_spec["author"]], users[report_spec["approver"]]
    with change_context(source=ChangeSource.IMPORT, actor=author, request_id=run.request_id):
        report = audit_services.audit_report_start(
            audit=audit,
            user=author,
            summary=report_spec["summary"],
            conclusions=report_spec["conclusions"],
        )
        report = document_submit(version=report, user=author)
    with change_context(source=ChangeSource.IMPORT, actor=approver, request_id=run.request_id):
        document_approve(version=report, user=approver, note=report_spec["approval_note"])
    run.created["approved audit reports"] += 1
    if spec.get("close"):
        with change_context(source=ChangeSource.IMPORT, actor=author, request_id=run.request_id):
            audit_services.audit_close(audit=audit, user=author)
