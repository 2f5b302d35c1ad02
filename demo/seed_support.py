"""Demo support records (policies): resources, planned changes, retention rules, outside
documents, reporting channels and concerns."""

from __future__ import annotations

import datetime
from typing import Any

from django.utils import timezone

from aims.core.changelog import change_context
from aims.core.models import ChangeSource
from aims.inventory.models import AISystem
from aims.organizations.models import Organization
from audits.models import Incident
from demo.seed_common import SeedRun, _days
from policies.documented import record_types
from policies.models import (
    AIMSResource,
    Concern,
    ConcernChannel,
    OutsideDocument,
    PlannedChange,
    RetentionRule,
)
from policies.services.support import (
    concern_close,
    concern_raise,
    concern_review,
    planned_change_approve,
)


def seed_support(
    *, org: Organization, spec: dict[str, Any], systems: dict[str, AISystem], run: SeedRun
) -> None:
    """Resources, planned changes (one approved, one awaiting a decision), retention for
    every kind of record the product keeps, outside documents, the reporting channels (one
    for staff, one for people outside) and concerns raised anonymously and resolved, one
    from outside recorded as an AI incident (after the incidents are seeded). Each record
    only while the organisation has none like it, so a demo user's own records survive a
    second run."""
    users = run.users

    def acting(email: str | None):
        actor = users[email] if email else None
        return change_context(source=ChangeSource.IMPORT, actor=actor, request_id=run.request_id)

    if not AIMSResource.objects.filter(organization=org).exists():
        for item in spec["resources"]:
            with acting(item["owner"]):
                resource = AIMSResource(
                    organization=org,
                    name=item["name"],
                    kind=item["kind"],
                    description=item["description"],
                    quantity=item["quantity"],
                    owner=users[item["owner"]],
                    status=item["status"],
                    review_date=_days(item["review_in_days"]),
                )
                resource.full_clean()
                resource.save()
                resource.ai_systems.set([systems[name] for name in item["systems"]])
            run.created["AIMS resources"] += 1

    if not PlannedChange.objects.filter(organization=org).exists():
        for item in spec["changes"]:
            with acting(item["proposed_by"]):
                change = PlannedChange(
                    organization=org,
                    title=item["title"],
                    purpose=item["purpose"],
                    consequences=item["consequences"],
                    resources_needed=item["resources_needed"],
                    responsibilities=item["responsibilities"],
                    responsible=users[item["responsible"]],
                    planned_date=_days(item["planned_in_days"]),
                    proposed_by=users[item["proposed_by"]],
                )
                change.full_clean()
                change.save()
            if item["approved_by"]:
                approver = users[item["approved_by"]]
                with acting(item["approved_by"]):
                    planned_change_approve(
                        change=change, actor=approver, note=item["decision_note"]
                    )
            run.created["planned changes"] += 1

    if not RetentionRule.objects.filter(organization=org).exists():
        rules = spec["retention"]
        for kind in record_types():
            rule = rules.get(kind.label, rules["default"])
            with acting(rule.get("owner")):
                record = RetentionRule(
                    organization=org,
                    record_type=kind.label,
                    retention_months=rule["months"],
                    disposal_method=rule["disposal"],
                    owner=users[rule["owner"]] if rule.get("owner") else None,
                    notes=rule.get("notes", ""),
                )
                record.full_clean()
                record.save()
            run.created["retention rules"] += 1

    if not OutsideDocument.objects.filter(organization=org).exists():
        for item in spec["outside_documents"]:
            with acting(item["owner"]):
                document = OutsideDocument(
                    organization=org, **{**item, "owner": users[item["owner"]]}
                )
                document.full_clean()
                document.save()
            run.created["outside documents"] += 1

    for channel in spec["channels"]:
        if ConcernChannel.objects.filter(organization=org, name=channel["name"]).exists():
            continue
        with acting(channel["handler"]):
            ConcernChannel.objects.create(
                organization=org,
                name=channel["name"],
                audience=channel["audience"],
                anonymous_enabled=channel["anonymous_enabled"],
                intro=channel["intro"],
                handler=users[channel["handler"]],
            )
        run.created["concern channels"] += 1

    for item in spec["concerns"]:
        if Concern.objects.filter(organization=org, summary=item["summary"]).exists():
            continue
        # Raised through a link: no reporter, a follow-up code nobody keeps.
        with acting(None):
            concern, _code = concern_raise(
                organization=org,
                summary=item["summary"],
                description=item["description"],
                category=item["category"],
                ai_system=systems[item["system"]] if item["system"] else None,
                reporter_relationship=item.get("relationship", ""),
                reporter_contact=item.get("contact", ""),
                received_at=timezone.now()
                - datetime.timedelta(days=item.get("received_days_ago", 0)),
            )
        handler = users[item["handled_by"]]
        with acting(item["handled_by"]):
            concern_review(concern=concern, actor=handler, note=item["handling_notes"])
            if item.get("recorded_as_incident"):
                # What "Record as an AI incident" does: the incident names the concern.
                incident = Incident.objects.get(
                    organization=org, title=item["recorded_as_incident"]
                )
                incident.reported_through = concern
                incident.full_clean()
                incident.save()
            if item["resolution"]:
                concern_close(
                    concern=concern,
                    actor=handler,
                    status="resolved",
                    resolution=item["resolution"],
                    reply=item["reply"],
                )
        run.created["concerns"] += 1
