"""The officer's dashboard covers the AIMS: readiness, the SoA, risks above the appetite,
overdue treatment and reviews, expiring evidence — listed, and only what the reader sees."""

from __future__ import annotations

import datetime

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from engagements.models import InformationRequest
from tests import factories


def _dashboard(client, org):
    return client.get(reverse("dashboard", kwargs={"org": org.slug}))


def _populate(org, users, n: int):
    today = timezone.localdate()
    made = []
    for i in range(n):
        above = factories.RiskFactory(
            organization=org,
            title=f"Severe leak {i}",
            status="assessed",
            inherent_likelihood=5,
            inherent_impact=5,
            next_review_date=today - datetime.timedelta(days=3),
        )
        factories.TreatmentActionFactory(
            risk=above,
            title=f"Patch the leak {i}",
            owner=users.officer,
            due_date=today - datetime.timedelta(days=2),
        )
        factories.EvidenceItemFactory(
            organization=org,
            title=f"Pen test report {i}",
            valid_until=today + datetime.timedelta(days=10),
        )
        # Another auditor's request: ``users.auditor`` stays without an engagement.
        asker = factories.UserFactory()
        factories.MembershipFactory(organization=org, user=asker, role="auditor")
        engagement = factories.engage(org, asker, whole_aims=True, name=f"Audit {i}")
        InformationRequest.objects.create(
            organization=org,
            engagement=engagement,
            title=f"Send the pen test scope {i}",
            asked_by=asker,
            due_on=today - datetime.timedelta(days=1),
        )
        made.append(above)
    return made


def test_it_lists_what_needs_attention_across_the_aims(catalog, org, users, client_for):
    (above,) = _populate(org, users, 1)
    factories.RiskFactory(
        organization=org,
        title="Minor typo",
        inherent_likelihood=1,
        inherent_impact=1,
        status="assessed",
    )
    factories.EvidenceItemFactory(
        organization=org,
        title="Old policy scan",
        valid_until=timezone.localdate() - datetime.timedelta(days=1),
    )
    page = _dashboard(client_for(users.officer), org)
    assert page.status_code == 200
    html = page.content.decode()
    assert [r.pk for r in page.context["above_appetite"]] == [above.pk]
    assert "Severe leak 0" in html and "Minor typo" not in html
    assert "Patch the leak 0" in html and "1 treatment action overdue" in html
    assert "1 risk review overdue" in html
    assert "Pen test report 0" in html and "1 evidence item has expired" in html
    assert "of clauses ready" in html
    assert "No version of the SoA has been approved." in html
    assert "1 request waits for an answer" in html and "Send the pen test scope 0" in html


def test_answered_requests_leave_the_dashboard(catalog, org, users, client_for):
    _populate(org, users, 1)
    InformationRequest.objects.update(status="answered")
    page = _dashboard(client_for(users.officer), org)
    assert page.context["open_requests"] == []
    assert "No auditor is waiting for an answer." in page.content.decode()


def test_an_auditor_sees_only_what_was_shared(catalog, org, users, client_for):
    _populate(org, users, 1)
    page = _dashboard(client_for(users.auditor), org)
    assert page.status_code == 200
    assert page.context["above_appetite"] == []
    assert page.context["overdue_actions"] == []
    assert page.context["expiring_evidence"] == []
    assert "Severe leak" not in page.content.decode()


def test_its_queries_do_not_grow_with_the_records(catalog, org, users, client_for):
    client = client_for(users.officer)
    _populate(org, users, 1)
    _dashboard(client, org)  # first visit creates the clause and SoA rows
    with CaptureQueriesContext(connection) as few:
        _dashboard(client, org)
    _populate(org, users, 6)
    with CaptureQueriesContext(connection) as many:
        _dashboard(client, org)
    assert len(many) == len(few), [q["sql"][:120] for q in many.captured_queries]
