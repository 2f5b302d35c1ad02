"""Readiness of 9.1 and 9.3.1–9.3.3, read from management reviews, their minutes and
decisions, and the objectives' measurements."""

from __future__ import annotations

import datetime

from django.utils import timezone

from aims.core.documents import document_approve, document_submit
from audits import services
from audits.models import ManagementReview, ReviewDecision, ReviewInput
from tests.policies.objectives_helpers import days_ago, make_measurement, make_objective
from tests.readiness.conftest import readiness_rows


def _today():
    return timezone.localdate()


def _review(org, users, *, held_days_ago=None, planned_in=0, approve=False, title="Review"):
    review = services.review_plan(
        review=ManagementReview(
            organization=org,
            title=title,
            planned_for=_today() + datetime.timedelta(days=planned_in),
            chair=users.admin,
        ),
        user=users.officer,
        attendees=[users.admin, users.officer],
    )
    if held_days_ago is None:
        return review
    held_on = _today() - datetime.timedelta(days=held_days_ago)
    ManagementReview.objects.filter(pk=review.pk).update(planned_for=held_on, covers_from=held_on)
    review.refresh_from_db()
    review = services.review_hold(review=review, user=users.officer, held_on=held_on)
    if approve:
        ReviewInput.objects.filter(review=review).update(minutes="Considered.")
        minutes = services.review_minutes_start(review=review, user=users.officer)
        minutes.conclusions = "Suitable, adequate and effective."
        minutes.save()
        document_approve(
            version=document_submit(version=minutes, user=users.officer), user=users.admin
        )
        review.refresh_from_db()
    return review


def _found(client_for, users, org, ref):
    row = readiness_rows(client_for(users.officer), org)[ref]
    assert row.basis == "checked"
    return row.finding


def test_no_review_is_not_ready_and_says_what_to_do(ready_org, users, client_for):
    finding = _found(client_for, users, ready_org, "9.3.1")
    assert finding.fulfilled is False and "No management review on record" in finding.found
    _review(ready_org, users, planned_in=20)
    finding = _found(client_for, users, ready_org, "9.3.1")
    assert finding.fulfilled is False and "MR-001 is planned for" in finding.found


def test_a_held_review_counts_once_its_minutes_are_approved(ready_org, users, client_for):
    review = _review(ready_org, users, held_days_ago=3)
    finding = _found(client_for, users, ready_org, "9.3.1")
    assert finding.fulfilled is False and "not approved yet" in finding.found
    assert _found(client_for, users, ready_org, "9.3.2").fulfilled is False
    assert _found(client_for, users, ready_org, "9.3.3").fulfilled is False
    ReviewInput.objects.filter(review=review).update(minutes="Considered.")
    assert _found(client_for, users, ready_org, "9.3.2").fulfilled is True
    minutes = services.review_minutes_start(review=review, user=users.officer)
    minutes.conclusions = "Effective."
    minutes.save()
    document_approve(version=document_submit(version=minutes, user=users.officer), user=users.admin)
    finding = _found(client_for, users, ready_org, "9.3.1")
    assert finding.fulfilled is True and "minutes approved" in finding.found
    assert "Plan the next review" in finding.todo
    assert _found(client_for, users, ready_org, "9.3.3").fulfilled is True


def test_a_review_over_a_year_ago_no_longer_counts(ready_org, users, client_for):
    _review(ready_org, users, held_days_ago=400, approve=True)
    finding = _found(client_for, users, ready_org, "9.3.1")
    assert finding.fulfilled is False and "over a year ago" in finding.found


def test_the_minutes_of_a_new_review_are_waited_for_a_month(ready_org, users, client_for):
    _review(ready_org, users, held_days_ago=200, approve=True, title="Spring")
    _review(ready_org, users, held_days_ago=5, title="Autumn")
    assert _found(client_for, users, ready_org, "9.3.1").fulfilled is True
    assert _found(client_for, users, ready_org, "9.3.2").fulfilled is True  # MR-001's inputs


def test_decisions_without_owner_or_late_hold_9_3_3_back(ready_org, users, client_for):
    review = _review(ready_org, users, held_days_ago=10, approve=True)
    decision = ReviewDecision.objects.create(review=review, decision="Add a reviewer.")
    finding = _found(client_for, users, ready_org, "9.3.3")
    assert finding.fulfilled is False and "no owner or no due date" in finding.found
    decision.owner, decision.due_date = users.officer, _today() - datetime.timedelta(days=1)
    decision.save()
    finding = _found(client_for, users, ready_org, "9.3.3")
    assert finding.fulfilled is False and "1 decision is overdue" in finding.found
    decision.status, decision.completed_on = "done", _today()
    decision.save()
    assert _found(client_for, users, ready_org, "9.3.3").fulfilled is True


def test_monitoring_needs_measured_objectives_evaluated_in_a_review(ready_org, users, client_for):
    finding = _found(client_for, users, ready_org, "9.1")
    assert finding.fulfilled is False and "No active AI objective" in finding.found
    objective = make_objective(ready_org, title="Fairness gap")
    make_measurement(objective, on=days_ago(120), value="3")
    finding = _found(client_for, users, ready_org, "9.1")
    assert finding.fulfilled is False and "not measured in its period" in finding.found
    make_measurement(objective, on=days_ago(1), value="2")
    finding = _found(client_for, users, ready_org, "9.1")
    assert finding.fulfilled is False and "evaluated the results" in finding.found
    _review(ready_org, users, held_days_ago=2, approve=True)
    finding = _found(client_for, users, ready_org, "9.1")
    assert finding.fulfilled is True and "MR-001 evaluated the results" in finding.found
