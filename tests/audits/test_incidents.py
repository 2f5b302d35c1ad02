"""AI incidents: the EU AI Act reporting deadline (calendar days, shown in the
organisation's time zone), what a severe incident does to impact assessments, and the
rules that keep an incident's record coherent."""

from __future__ import annotations

import datetime
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from audits.models import Incident, report_deadline
from impact_assessments.models import ImpactAssessment
from tests import factories
from tests.impact_assessments.test_thresholds import _in_review

UTC = datetime.UTC
# A Friday afternoon: the 2-day deadline falls on Sunday, weekends count.
FRIDAY = datetime.datetime(2026, 11, 27, 16, 30, tzinfo=UTC)


@pytest.mark.parametrize(
    ("kind", "due"),
    [
        ("general", datetime.datetime(2026, 12, 12, 16, 30, tzinfo=UTC)),
        ("widespread", datetime.datetime(2026, 11, 29, 16, 30, tzinfo=UTC)),
        ("death", datetime.datetime(2026, 12, 7, 16, 30, tzinfo=UTC)),
        ("", None),
    ],
)
def test_the_deadline_counts_calendar_days_from_awareness(kind, due):
    assert report_deadline(kind, FRIDAY) == due


def test_awareness_later_than_detection_moves_the_deadline(org):
    incident = Incident(
        organization=org,
        serious_incident="general",
        detected_at=FRIDAY,
        aware_at=FRIDAY + datetime.timedelta(days=3),
    )
    assert incident.report_due == datetime.datetime(2026, 12, 15, 16, 30, tzinfo=UTC)
    assert incident.report_state(FRIDAY + datetime.timedelta(days=10)) == "due"
    assert incident.report_state(FRIDAY + datetime.timedelta(days=19)) == "overdue"
    incident.reported_at = FRIDAY + datetime.timedelta(days=17)
    assert incident.report_state() == "reported"
    incident.reported_at = FRIDAY + datetime.timedelta(days=19)
    assert incident.report_state() == "reported_late"


def test_the_page_shows_the_deadline_in_the_organisations_time_zone(org, users, client_for):
    org.time_zone = "Pacific/Auckland"
    org.save()
    detected = datetime.datetime(2026, 12, 2, 20, 0, tzinfo=UTC)  # 3 Dec 09:00 in Auckland
    incident = Incident.objects.create(
        organization=org,
        title="Outage of triage model",
        description="Hospital triage queue stalled.",
        severity="critical",
        detected_at=detected,
        serious_incident="widespread",
    )
    page = client_for(users.viewer).get(incident.get_absolute_url()).content.decode()
    due_local = (detected + datetime.timedelta(days=2)).astimezone(ZoneInfo("Pacific/Auckland"))
    assert due_local.strftime("5 Dec 2026, 09:00") in page.replace("\u202f", " ")
    assert "Report due" in page or "Report overdue" in page


def test_a_severe_incident_calls_for_a_new_impact_assessment(org, users):
    system = factories.AISystemFactory(organization=org, users_description="Applicants.")
    from aims.core.documents import document_approve

    approved = document_approve(version=_in_review(system, users), user=users.admin)
    minor = Incident.objects.create(
        organization=org, title="Typo in a notice", description="x", severity="low"
    )
    minor.ai_systems.add(system)
    approved.refresh_from_db()
    assert approved.review_needed is False

    severe = Incident.objects.create(
        organization=org, title="Unfair refusals", description="y", severity="high"
    )
    severe.ai_systems.add(system)
    approved.refresh_from_db()
    assert approved.review_needed is True
    assert approved.review_reason == f"Incident {severe.reference}: Unfair refusals."


def test_raising_the_severity_later_flags_the_assessment_too(org, users):
    system = factories.AISystemFactory(organization=org, users_description="Applicants.")
    from aims.core.documents import document_approve

    document_approve(version=_in_review(system, users), user=users.admin)
    incident = Incident.objects.create(
        organization=org, title="Drift", description="z", severity="medium"
    )
    incident.ai_systems.add(system)
    assert not ImpactAssessment.objects.filter(ai_system=system, review_needed=True).exists()
    incident.severity = "critical"
    incident.save()
    assert ImpactAssessment.objects.filter(ai_system=system, review_needed=True).exists()


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"occurred_at": FRIDAY + datetime.timedelta(hours=1)}, "occurred_at"),
        (
            {"aware_at": FRIDAY - datetime.timedelta(hours=1), "serious_incident": "general"},
            "aware_at",
        ),
        ({"reported_at": FRIDAY + datetime.timedelta(days=1)}, "reported_at"),
        ({"status": "closed"}, "resolution"),
        ({"status": "closed", "resolution": "Fixed.", "serious_incident": "death"}, "status"),
        ({"detected_at": datetime.datetime(2030, 1, 1, tzinfo=UTC)}, "detected_at"),
    ],
)
def test_an_incoherent_incident_is_refused(org, fields, field):
    values = {"detected_at": FRIDAY, **fields}
    incident = Incident(organization=org, title="t", description="d", **values)
    with pytest.raises(ValidationError) as refused:
        incident.full_clean()
    assert field in refused.value.message_dict


def test_the_api_refuses_a_report_without_the_duty_and_saves_nothing(org, users, api_client_for):
    response = api_client_for(users.officer).post(
        "/api/v1/incidents/",
        {
            "organization": org.pk,
            "title": "t",
            "description": "d",
            "detected_at": "2026-11-27T16:30:00Z",
            "reported_at": "2026-11-28T10:00:00Z",
        },
        format="json",
    )
    assert response.status_code == 400
    assert "reported_at" in response.json()
    assert not Incident.objects.exists()


def test_the_list_filters_serious_incidents(org, users, client_for):
    Incident.objects.create(organization=org, title="Minor", description="d")
    serious = Incident.objects.create(
        organization=org, title="Serious", description="d", serious_incident="general"
    )
    response = client_for(users.viewer).get(
        reverse("audits:incident_list", kwargs={"org": org.slug}), {"serious": "true"}
    )
    assert [i.pk for i in response.context["page_obj"]] == [serious.pk]
