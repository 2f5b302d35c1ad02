"""Validity status at its boundaries, and the list filters (UI and API share them)."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from aims.evidence.filters import status_q
from aims.evidence.models import EvidenceItem, evidence_status
from tests import factories

TODAY = datetime.date(2026, 6, 15)
DAY = datetime.timedelta(days=1)


@pytest.mark.parametrize(
    ("valid_from", "valid_until", "expected"),
    [
        (None, None, "valid"),
        (TODAY - 10 * DAY, TODAY + 31 * DAY, "valid"),
        (None, TODAY + 30 * DAY, "expiring"),  # the last day of the warning window
        (None, TODAY, "expiring"),  # valid through today
        (None, TODAY - DAY, "expired"),
        (TODAY + DAY, None, "not_yet_valid"),
        (TODAY, TODAY + 90 * DAY, "valid"),
    ],
)
def test_it_derives_the_status_from_the_dates(settings, valid_from, valid_until, expected):
    settings.AIMS_EVIDENCE_EXPIRING_DAYS = 30
    assert evidence_status(valid_from, valid_until, TODAY) == expected


def test_it_filters_by_status_exactly_as_the_property_says(org, settings):
    settings.AIMS_EVIDENCE_EXPIRING_DAYS = 30
    today = timezone.localdate()
    dates = [
        (None, None),
        (None, today + 31 * DAY),
        (None, today + 30 * DAY),
        (None, today),
        (None, today - DAY),
        (today + DAY, today + 5 * DAY),
        (today - 400 * DAY, today - 300 * DAY),
    ]
    items = [
        factories.EvidenceItemFactory(organization=org, valid_from=f, valid_until=u)
        for f, u in dates
    ]
    for status in ("valid", "expiring", "expired", "not_yet_valid"):
        by_query = set(EvidenceItem.objects.filter(status_q(status)).values_list("pk", flat=True))
        by_property = {item.pk for item in items if item.status == status}
        assert by_query == by_property, status
        assert by_query  # every status is represented


def test_it_filters_the_list_by_status_link_and_owner(org, users, client_for, api_client_for):
    today = timezone.localdate()
    control = factories.ControlImplementationFactory(organization=org)
    risk = factories.RiskFactory(organization=org)
    clause = factories.ClauseFactory()
    expired = factories.EvidenceItemFactory(
        organization=org, valid_until=today - DAY, title="Old scan"
    )
    linked = factories.EvidenceItemFactory(
        organization=org, owner=users.contributor, title="Model card"
    )
    linked.controls.add(control)
    linked.risks.add(risk)
    linked.clauses.add(clause)
    url = reverse("evidence:evidence_list", kwargs={"org": org.slug})
    client = client_for(users.viewer)

    def ids(params, api=False):
        if api:
            response = api_client_for(users.viewer).get(reverse("evidenceitem-list"), params)
            return {row["id"] for row in response.json()["results"]}
        response = client.get(url, params)
        assert response.status_code == 200
        return {obj.pk for obj in response.context["page_obj"].object_list}

    for api in (False, True):
        assert ids({"status": "expired"}, api) == {expired.pk}
        assert ids({"status": "valid"}, api) == {linked.pk}
        assert ids({"control": control.pk}, api) == {linked.pk}
        assert ids({"risk": risk.pk}, api) == {linked.pk}
        assert ids({"clause": clause.pk}, api) == {linked.pk}
        assert ids({"owner": users.contributor.pk}, api) == {linked.pk}
        assert ids({"q": "scan"}, api) == {expired.pk}
        assert ids({"kind": "file"}, api) == set()
    # Sorting by the end of validity; the HTMX request gets only the results part.
    response = client.get(url, {"ordering": "valid_until"}, HTTP_HX_REQUEST="true")
    assert response.templates[0].name == "core/_list_results.html"


def test_it_shows_an_empty_state_that_says_what_to_do(org, users, client_for):
    response = client_for(users.officer).get(
        reverse("evidence:evidence_list", kwargs={"org": org.slug})
    )
    html = response.content.decode()
    assert "No evidence yet." in html
    assert reverse("evidence:evidence_add", kwargs={"org": org.slug}) in html


def test_it_offers_only_this_organisations_records_as_filters(org, other_org, users, client_for):
    mine = factories.ControlImplementationFactory(organization=org)
    theirs = factories.ControlImplementationFactory(organization=other_org)
    response = client_for(users.admin).get(
        reverse("evidence:evidence_list", kwargs={"org": org.slug})
    )
    choices = response.context["filterset"].form.fields["control"].queryset
    assert mine in choices
    assert theirs not in choices
