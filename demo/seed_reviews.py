"""Demo management review: a review held three weeks ago whose agenda the registers
assembled, with minutes on every input, decisions (one done) and approved minutes, and the
next review planned. Seeded last, so its agenda sees everything else the demo holds."""

from __future__ import annotations

from typing import Any

from aims.core.changelog import change_context
from aims.core.documents import document_approve, document_submit
from aims.core.models import ChangeSource
from aims.organizations.models import Organization
from audits import services as audit_services
from audits.models import ManagementReview, ReviewDecision, ReviewInput
from demo.seed_common import _days


def seed_management_review(*, org: Organization, spec: dict[str, Any], run: Any) -> None:
    """Only while the organisation has no review."""
    if ManagementReview.objects.filter(organization=org).exists():
        return
    users = run.users
    author, chair = users[spec["author"]], users[spec["chair"]]
    held_on = _days(spec["held_in_days"])
    with change_context(source=ChangeSource.IMPORT, actor=author, request_id=run.request_id):
        review = audit_services.review_plan(
            review=ManagementReview(
                organization=org,
                title=spec["title"],
                planned_for=held_on,
                chair=chair,
                other_attendees=spec.get("other_attendees", ""),
            ),
            user=author,
            attendees=[users[e] for e in spec["attendees"]],
        )
        review = audit_services.review_hold(review=review, user=author, held_on=held_on)
        inputs = {item.kind: item for item in ReviewInput.objects.filter(review=review)}
        for kind, text in spec["minutes"].items():
            item = inputs[kind]
            item.minutes = text
            item.full_clean()
            item.save()
        for decision_spec in spec["decisions"]:
            done = "done_in_days" in decision_spec
            decision = ReviewDecision(
                review=review,
                review_input=inputs[decision_spec["input"]],
                kind=decision_spec["kind"],
                decision=decision_spec["decision"],
                owner=users[decision_spec["owner"]],
                due_date=_days(decision_spec["due_in_days"]),
                status="done" if done else "planned",
                completed_on=_days(decision_spec["done_in_days"]) if done else None,
                outcome=decision_spec.get("outcome", ""),
            )
            decision.full_clean()
            decision.save()
        minutes = audit_services.review_minutes_start(
            review=review,
            user=author,
            summary=spec["summary"],
            conclusions=spec["conclusions"],
        )
        minutes = document_submit(version=minutes, user=author)
    approver = users[spec["approver"]]
    with change_context(source=ChangeSource.IMPORT, actor=approver, request_id=run.request_id):
        document_approve(version=minutes, user=approver)
    run.created["management reviews"] += 1
    if "next" in spec:
        with change_context(source=ChangeSource.IMPORT, actor=author, request_id=run.request_id):
            audit_services.review_plan(
                review=ManagementReview(
                    organization=org,
                    title=spec["next"]["title"],
                    planned_for=_days(spec["next"]["planned_in_days"]),
                    chair=chair,
                ),
                user=author,
                attendees=[users[e] for e in spec["attendees"]],
            )
        run.created["management reviews"] += 1
