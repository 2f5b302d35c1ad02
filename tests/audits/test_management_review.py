"""Management review (9.3): the agenda assembled from the registers, the meeting's guards,
decisions tracked to closure and carried to the next review, and the minutes approved as a
controlled document."""

from __future__ import annotations

import datetime
import subprocess

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from aims.core.documents import document_approve, document_submit
from audits import services
from audits.exports import minutes_export_pdf
from audits.models import (
    ManagementReview,
    Nonconformity,
    ReviewDecision,
    ReviewInput,
    ReviewInputKind,
    ReviewMinutes,
)
from controls.models import Requirement
from engagements.models import InformationRequest
from tests import factories


def _today():
    return timezone.localdate()


def _days(n):
    return _today() + datetime.timedelta(days=n)


def _plan(org, user, *, chair=None, attendees=(), planned_for=None, title="Annual review"):
    return services.review_plan(
        review=ManagementReview(
            organization=org, title=title, planned_for=planned_for or _today(), chair=chair
        ),
        user=user,
        attendees=attendees,
    )


def _facts(review, kind):
    return ReviewInput.objects.get(review=review, kind=kind).facts


def _texts(facts):
    return [item["text"] for item in facts["items"]]


def _row(facts, label):
    return next(row["value"] for row in facts["rows"] if row["label"] == label)


def _held(org, users, **kwargs):
    review = _plan(
        org, users.officer, chair=users.admin, attendees=[users.admin, users.officer], **kwargs
    )
    return services.review_hold(review=review, user=users.officer)


def _minutes_for_every_input(review, text="Discussed; nothing to add."):
    ReviewInput.objects.filter(review=review).update(minutes=text)


def _nc(org, **fields):
    return Nonconformity.objects.create(
        organization=org,
        title=fields.pop("title", "Impact assessment not repeated"),
        description="The model changed; the assessment did not.",
        source=fields.pop("source", "internal_audit"),
        **fields,
    )


# --- the agenda ---------------------------------------------------------------------------


def test_planning_assembles_one_agenda_item_per_input_in_order(org, users):
    review = _plan(org, users.officer)
    kinds = list(ReviewInput.objects.filter(review=review).values_list("kind", flat=True))
    assert kinds == ReviewInputKind.values
    assert review.covers_from == _days(-365)  # the first review looks back a year
    assert review.number == 1 and review.reference == "MR-001"


def test_the_nonconformity_input_counts_what_was_raised_and_lists_what_is_open(org, users):
    open_nc = _nc(org, severity="minor")
    _nc(org, title="Supplier not assessed", source="complaint", severity="major")
    review = _plan(org, users.officer)
    facts = _facts(review, ReviewInputKind.NONCONFORMITIES)
    assert _row(facts, "Raised since the last review") == 2
    assert _row(facts, "of which major") == 1
    assert _row(facts, "Open now") == 2
    assert f"{open_nc.reference} {open_nc.title}" in _texts(facts)
    assert "2 raised since" in facts["headline"]


def test_changes_in_context_and_parties_come_from_the_change_log(org, users):
    issue = factories.ContextIssueFactory(organization=org, title="New AI liability rules")
    factories.InterestedPartyFactory(organization=org, name="Hospital customers")
    review = _plan(org, users.officer)
    context = _facts(review, ReviewInputKind.CONTEXT_CHANGES)
    assert _row(context, "Added") == 1
    assert "New AI liability rules" in _texts(context)
    parties = _facts(review, ReviewInputKind.PARTY_CHANGES)
    assert _row(parties, "Added") == 1
    # Added and removed again within the period: no change to report.
    issue.delete()
    review = services.review_agenda_build(review=review, user=users.officer)
    assert _row(_facts(review, ReviewInputKind.CONTEXT_CHANGES), "Added") == 0


def test_the_engagement_input_shows_open_requests_and_certification_findings(org, users, catalog):
    engagement = factories.engage(org, users.auditor, whole_aims=True)
    request = InformationRequest.objects.create(
        organization=org,
        engagement=engagement,
        title="Training records of the data team",
        asked_by=users.auditor,
        due_on=_days(-2),
    )
    finding = _nc(org, title="Objectives not measured", source="external_audit")
    _nc(org, title="Internal finding")  # not a certification finding
    review = _plan(org, users.officer)
    facts = _facts(review, ReviewInputKind.ENGAGEMENTS)
    assert _row(facts, "Information requests still open") == 1
    assert _row(facts, "of which overdue") == 1
    assert _row(facts, "Certification findings still open") == 1
    texts = _texts(facts)
    assert f"{request.reference} {request.title}" in texts
    assert f"{finding.reference} {finding.title}" in texts
    assert not any("Internal finding" in t for t in texts)


def test_open_decisions_of_a_review_come_back_on_the_next_agenda(org, users):
    first = _held(org, users, planned_for=_days(-30))
    open_one = ReviewDecision.objects.create(
        review=first, decision="Hire a second data steward.", due_date=_days(-1)
    )
    ReviewDecision.objects.create(
        review=first,
        decision="Publish the AI policy on the intranet.",
        status="done",
        completed_on=_today(),
    )
    second = _plan(org, users.officer, title="Follow-up review")
    assert second.covers_from == first.held_on  # changes are counted from the last meeting
    facts = _facts(second, ReviewInputKind.PREVIOUS_ACTIONS)
    assert _row(facts, "Open") == 1 and _row(facts, "Overdue") == 1
    assert _row(facts, "Done since the last review") == 1
    assert f"MR-001: {open_one.decision}" in _texts(facts)


def test_refreshing_keeps_the_minutes_already_written(org, users):
    review = _plan(org, users.officer)
    ReviewInput.objects.filter(review=review, kind=ReviewInputKind.RISKS).update(
        minutes="Two risks above appetite."
    )
    _nc(org)
    services.review_agenda_build(review=review, user=users.officer)
    assert (
        ReviewInput.objects.get(review=review, kind="risks").minutes == "Two risks above appetite."
    )
    assert _row(_facts(review, ReviewInputKind.NONCONFORMITIES), "Open now") == 1


def test_a_viewer_cannot_plan_a_review(org, users):
    with pytest.raises(PermissionDenied):
        _plan(org, users.viewer)
    assert not ManagementReview.objects.exists()


# --- holding the meeting ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"chair": None}, "Name the chair"),
        ({"attendees": []}, "Record who attended"),
        ({"held_on": 1}, "on the day or later"),
    ],
)
def test_a_review_is_held_only_with_a_chair_attendees_and_not_ahead_of_time(
    org, users, change, message
):
    review = _plan(
        org,
        users.officer,
        chair=change.get("chair", users.admin),
        attendees=change.get("attendees", [users.admin]),
    )
    held_on = _days(change["held_on"]) if "held_on" in change else None
    with pytest.raises(ValidationError, match=message):
        services.review_hold(review=review, user=users.officer, held_on=held_on)
    review.refresh_from_db()
    assert (review.status, review.held_on) == ("planned", None)


def test_holding_twice_is_refused(org, users):
    review = _held(org, users)
    with pytest.raises(ValidationError, match="already been held"):
        services.review_hold(review=review, user=users.officer)


def test_decisions_wait_for_the_meeting(org, users):
    review = _plan(org, users.officer)
    decision = ReviewDecision(review=review, decision="Buy a bias-testing tool.")
    with pytest.raises(ValidationError, match="once the review has been held"):
        decision.full_clean()


def test_a_decision_done_needs_a_date_and_a_dropped_one_a_reason(org, users):
    review = _held(org, users)
    decision = ReviewDecision(review=review, decision="Buy a bias-testing tool.", status="done")
    with pytest.raises(ValidationError, match="Say when it was done"):
        decision.full_clean()
    decision.status = "cancelled"
    with pytest.raises(ValidationError, match="Say why"):
        decision.full_clean()


def test_a_decision_names_an_input_of_its_own_review(org, users):
    review = _held(org, users)
    other = _plan(org, users.officer, title="Another review")
    decision = ReviewDecision(
        review=review,
        decision="Buy a bias-testing tool.",
        review_input=ReviewInput.objects.filter(review=other).first(),
    )
    with pytest.raises(ValidationError, match="input of this review"):
        decision.full_clean()


def test_only_a_review_not_yet_held_is_deleted(org, users, api_client_for):
    review = _held(org, users)
    response = api_client_for(users.officer).delete(f"/api/v1/management-reviews/{review.pk}/")
    assert response.status_code == 400
    assert "not yet held" in str(response.json())
    assert ManagementReview.objects.filter(pk=review.pk).exists()


# --- the minutes --------------------------------------------------------------------------


def _submitted_minutes(review, users, *, conclusions="Still suitable and effective."):
    minutes = services.review_minutes_start(review=review, user=users.officer)
    minutes.conclusions = conclusions
    minutes.save()
    return document_submit(version=minutes, user=users.officer)


def test_minutes_wait_for_the_meeting(org, users):
    review = _plan(org, users.officer)
    with pytest.raises(ValidationError, match="held before writing its minutes"):
        services.review_minutes_start(review=review, user=users.officer)
    assert not ReviewMinutes.objects.exists()


def test_minutes_are_not_approved_while_an_input_has_no_minutes(org, users):
    review = _held(org, users)
    _minutes_for_every_input(review)
    ReviewInput.objects.filter(review=review, kind=ReviewInputKind.RISKS).update(minutes="  ")
    minutes = _submitted_minutes(review, users)
    with pytest.raises(ValidationError, match="none yet for: Risk status"):
        document_approve(version=minutes, user=users.admin)
    minutes.refresh_from_db()
    review.refresh_from_db()
    assert (minutes.status, review.status) == ("in_review", "held")


def test_minutes_need_conclusions(org, users):
    review = _held(org, users)
    _minutes_for_every_input(review)
    minutes = _submitted_minutes(review, users, conclusions="")
    with pytest.raises(ValidationError, match="conclusions"):
        document_approve(version=minutes, user=users.admin)


def test_the_chair_or_an_administrator_approves_the_minutes(org, users):
    review = _held(org, users)  # chaired by the administrator
    _minutes_for_every_input(review)
    minutes = services.review_minutes_start(review=review, user=users.admin)
    minutes.conclusions = "Still suitable and effective."
    minutes.save()
    minutes = document_submit(version=minutes, user=users.admin)
    with pytest.raises(ValidationError, match="chair or an administrator"):
        document_approve(version=minutes, user=users.officer)
    review.chair = users.officer
    review.save()
    assert document_approve(version=minutes, user=users.officer).status == "approved"


def test_approval_freezes_the_record_and_closes_the_review(org, users):
    review = _held(org, users)
    _minutes_for_every_input(review, "Agreed.")
    ReviewDecision.objects.create(review=review, decision="Add a second model reviewer.")
    minutes = document_approve(version=_submitted_minutes(review, users), user=users.admin)
    review.refresh_from_db()
    assert review.status == "approved"
    record = ReviewMinutes.objects.get(pk=minutes.pk).record
    assert [i["kind"] for i in record["inputs"]] == ReviewInputKind.values
    assert {i["minutes"] for i in record["inputs"]} == {"Agreed."}
    assert record["decisions"][0]["decision"] == "Add a second model reviewer."
    assert record["chair"] == users.admin.display_name
    # The agenda no longer changes, and neither do the minutes of an input.
    with pytest.raises(ValidationError, match="no longer changes"):
        services.review_agenda_build(review=review, user=users.officer)
    item = ReviewInput.objects.get(review=review, kind="risks")
    item.minutes = "Rewritten afterwards."
    with pytest.raises(ValidationError, match="start a new version"):
        item.full_clean()
    # Nor is a decision added: the approved minutes would not list it.
    late = ReviewDecision(review=review, decision="Decided afterwards.")
    with pytest.raises(ValidationError, match="record another decision"):
        late.full_clean()
    # A new version of the minutes opens them again.
    services.review_minutes_start(review=review, user=users.officer)
    item.full_clean()
    late.full_clean()


def test_an_input_left_without_minutes_is_refused_through_the_api(org, users, api_client_for):
    review = _held(org, users)
    minutes = _submitted_minutes(review, users)
    api = api_client_for(users.admin)
    response = api.post(f"/api/v1/management-review-minutes/{minutes.pk}/approve/", {})
    assert response.status_code == 400
    assert "Write the minutes of every input" in str(response.json())
    assert ReviewMinutes.objects.get(pk=minutes.pk).status == "in_review"


def test_input_minutes_are_written_through_the_api_until_approval(org, users, api_client_for):
    review = _held(org, users)
    api = api_client_for(users.officer)
    item = ReviewInput.objects.get(review=review, kind="audits")
    url = f"/api/v1/management-review-inputs/{item.pk}/"
    response = api.patch(url, {"minutes": "One audit held; two minor findings."}, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["facts"]["headline"]
    _minutes_for_every_input(review)
    document_approve(version=_submitted_minutes(review, users), user=users.admin)
    response = api.patch(url, {"minutes": "Changed later."}, format="json")
    assert response.status_code == 400
    assert ReviewInput.objects.get(pk=item.pk).minutes == "Discussed; nothing to add."


def test_the_minutes_pdf_holds_the_agenda_and_decisions(org, users):
    review = _held(org, users)
    _minutes_for_every_input(review, "Agreed to add a reviewer.")
    ReviewDecision.objects.create(review=review, decision="Add a second model reviewer.")
    minutes = document_approve(version=_submitted_minutes(review, users), user=users.admin)
    name, content = minutes_export_pdf(minutes=minutes)
    assert content.startswith(b"%PDF") and name.endswith(".pdf")
    text = subprocess.run(
        ["pdftotext", "-", "-"], input=content, capture_output=True, check=True
    ).stdout.decode()
    for expected in (
        "MR-001",
        "Actions from previous reviews",
        "Opportunities for improvement",
        "Add a second model reviewer.",
        "Still suitable and effective.",
    ):
        assert expected in " ".join(text.split()), expected


# --- auditors -----------------------------------------------------------------------------


def test_auditors_see_reviews_through_clause_9_3_only(org, users, api_client_for, catalog):
    review = _held(org, users)
    ReviewDecision.objects.create(review=review, decision="Add a second model reviewer.")
    api = api_client_for(users.auditor)

    def ids(path):
        response = api.get(path, {"organization": org.pk})
        assert response.status_code == 200
        return {row["id"] for row in response.json()["results"]}

    clause = Requirement.objects.get(framework__code="iso42001", ref="9.3")
    engagement = factories.engage(org, users.auditor, clauses=[clause])
    assert ids("/api/v1/management-reviews/") == {review.pk}
    assert len(ids("/api/v1/management-review-inputs/")) == len(ReviewInputKind.values)
    assert len(ids("/api/v1/management-review-decisions/")) == 1
    engagement.delete()
    factories.engage(
        org, users.auditor, clauses=[Requirement.objects.get(framework__code="iso42001", ref="5.2")]
    )
    assert ids("/api/v1/management-reviews/") == set()
    assert ids("/api/v1/management-review-decisions/") == set()
    # Nor can they write minutes, in scope or not.
    item = ReviewInput.objects.filter(review=review).first()
    response = api.patch(
        f"/api/v1/management-review-inputs/{item.pk}/", {"minutes": "x"}, format="json"
    )
    assert response.status_code in (403, 404)


# --- the pages ----------------------------------------------------------------------------


def test_the_review_page_shows_the_agenda_and_what_is_missing(org, users, client_for):
    _nc(org, title="Bias test skipped")
    review = _held(org, users)
    page = client_for(users.officer).get(
        reverse("audits:review_detail", kwargs={"org": org.slug, "pk": review.pk})
    )
    assert page.status_code == 200
    html = page.content.decode()
    assert "Bias test skipped" in html
    assert "Actions from previous reviews" in html
    assert "Certification engagements" in html


def test_the_ui_refuses_holding_without_attendees_and_says_why(org, users, client_for):
    review = _plan(org, users.officer, chair=users.admin)
    client = client_for(users.officer)
    url = reverse(
        "audits:review_action", kwargs={"org": org.slug, "pk": review.pk, "action": "hold"}
    )
    response = client.post(url, {"held_on": str(_today())}, follow=True)
    assert "Record who attended" in response.content.decode()
    review.refresh_from_db()
    assert review.status == "planned"


def test_the_objectives_input_gives_each_kpi_status_and_latest_value(org, users):
    from tests.policies.objectives_helpers import days_ago, make_measurement, make_objective

    measured = make_objective(org, title="Fairness gap under 2 points")
    make_measurement(measured, on=days_ago(1), value="1.5")
    make_objective(org, title="Explanations for every decision")
    facts = _facts(_plan(org, users.officer), ReviewInputKind.OBJECTIVES)
    details = {item["text"]: item["detail"] for item in facts["items"]}
    assert "latest 1.5 on" in details["Fairness gap under 2 points"]
    assert "target" in details["Fairness gap under 2 points"]
    assert set(details) == {"Fairness gap under 2 points", "Explanations for every decision"}
