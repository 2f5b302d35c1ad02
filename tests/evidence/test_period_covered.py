"""Evidence records the period it shows, apart from its upload date and validity."""

from __future__ import annotations

import datetime

from django.urls import reverse

from aims.evidence.models import EvidenceItem
from tests import factories


def _item(org, title, start, end):
    return factories.EvidenceItemFactory(
        organization=org, title=title, period_from=start, period_until=end
    )


def test_the_api_filters_evidence_by_an_audit_period(org, users, api_client_for):
    d = datetime.date
    q1 = _item(org, "Q1 access review", d(2026, 1, 1), d(2026, 3, 31))
    q3 = _item(org, "Q3 access review", d(2026, 7, 1), d(2026, 9, 30))
    factories.EvidenceItemFactory(organization=org, title="Undated policy")
    api = api_client_for(users.viewer, scope="read")
    rows = api.get(
        reverse("evidenceitem-list"), {"covers_from": "2026-03-01", "covers_until": "2026-06-30"}
    ).json()["results"]
    assert [row["id"] for row in rows] == [q1.pk]
    assert rows[0]["period_from"] == "2026-01-01"
    assert q3.pk not in [row["id"] for row in rows]


def test_a_period_that_ends_before_it_starts_is_refused(org, users, api_client_for):
    item = factories.EvidenceItemFactory(organization=org, title="Review")
    response = api_client_for(users.officer).patch(
        reverse("evidenceitem-detail", args=[item.pk]),
        {"period_from": "2026-06-30", "period_until": "2026-01-01"},
        format="json",
    )
    assert response.status_code == 400
    assert list(response.json()) == ["period_until"]
    item.refresh_from_db()
    assert item.period_from is None
    assert EvidenceItem.objects.get(pk=item.pk).version == item.version


def test_the_evidence_page_shows_the_period_covered(org, users, client_for):
    item = _item(org, "Q1 access review", datetime.date(2026, 1, 1), datetime.date(2026, 3, 31))
    page = client_for(users.viewer).get(item.get_absolute_url()).content.decode()
    assert "Period covered" in page and "1 Jan 2026 – 31 Mar 2026" in page
