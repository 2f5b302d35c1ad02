"""A channel for people outside the organisation (A.8.3): its public page asks how the
reporter relates to the organisation and offers optional contact details, which only the
people who handle the report read (not the change log, auditors, the API for others)."""

from __future__ import annotations

import json

import pytest
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from aims.core.changelog import history_for
from aims.core.models import ChangeLogEntry
from policies.models import Concern, ConcernChannel
from policies.services.support import concern_raise
from tests import factories

pytestmark = pytest.mark.django_db

CONTACT = "jo.reporter@example.net"
REPORT = {
    "summary": "Loan refused by the scoring model",
    "category": "fairness",
    "description": "I was refused in seconds and nobody could tell me why.",
}


@pytest.fixture(autouse=True)
def _fresh_counters():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def external(org):
    return ConcernChannel.objects.create(
        organization=org,
        name="Customers and the public",
        audience="external",
        anonymous_enabled=True,
    )


@pytest.fixture
def internal(org):
    return ConcernChannel.objects.create(organization=org, name="Staff", anonymous_enabled=True)


def _url(channel):
    return reverse("concerns_public:report", kwargs={"token": channel.link_token})


@pytest.fixture
def reported(external):
    response = Client().post(
        _url(external), {**REPORT, "reporter_relationship": "affected", "reporter_contact": CONTACT}
    )
    assert response.status_code == 200
    return Concern.objects.get()


def test_the_external_page_asks_the_relationship_and_says_contact_is_optional(external):
    page = Client().get(_url(external)).content.decode()
    assert 'name="reporter_relationship"' in page and 'name="reporter_contact"' in page
    assert "Person affected by a decision" in page
    assert "Leaving contact details is optional" in page and "stay anonymous" in page


def test_an_external_report_keeps_the_relationship_and_the_contact(reported):
    assert reported.reporter_relationship == "affected" and reported.from_outside
    assert reported.reporter_contact == CONTACT
    assert reported.source == "link" and reported.reporter_id is None


def test_contact_may_be_left_out(external):
    response = Client().post(_url(external), {**REPORT, "reporter_relationship": "public"})
    assert response.status_code == 200
    concern = Concern.objects.get()
    assert concern.reporter_relationship == "public" and concern.reporter_contact == ""


def test_the_internal_page_does_not_ask(internal):
    page = Client().get(_url(internal)).content.decode()
    assert "reporter_relationship" not in page and "reporter_contact" not in page
    # Whatever is posted, a staff channel stores neither.
    response = Client().post(
        _url(internal), {**REPORT, "reporter_relationship": "customer", "reporter_contact": CONTACT}
    )
    assert response.status_code == 200
    concern = Concern.objects.get()
    assert concern.reporter_relationship == "" and concern.reporter_contact == ""


@pytest.mark.parametrize("relationship", ["boss", ""])
def test_a_bad_relationship_is_refused_with_a_message_and_nothing_saved(external, relationship):
    response = Client().post(
        _url(external),
        {**REPORT, "reporter_relationship": relationship, "reporter_contact": CONTACT},
    )
    assert response.status_code == 400
    text = response.content.decode()
    assert "Select a valid choice" in text or "This field is required" in text
    assert 'id="id_reporter_relationship_error"' in text
    assert not Concern.objects.exists()


def test_the_contact_stays_out_of_the_change_log(reported):
    rows = list(history_for(reported))
    assert rows
    for row in rows:
        assert CONTACT not in json.dumps([row.before, row.after])
    assert not ChangeLogEntry.objects.filter(after__has_key="reporter_contact").exists()


def test_the_officer_reads_the_contact_on_the_page_and_in_the_api(
    reported, users, org, client_for, api_client_for
):
    page = client_for(users.officer).get(reported.get_absolute_url()).content.decode()
    assert CONTACT in page and "person affected by a decision" in page
    detail = api_client_for(users.officer).get(reverse("concern-detail", args=[reported.pk]))
    assert detail.json()["reporter_contact"] == CONTACT
    assert detail.json()["reporter_relationship"] == "affected"


def test_who_does_not_handle_the_concern_never_reads_the_contact(
    reported, users, org, client_for, api_client_for
):
    factories.engage(org, users.auditor, whole_aims=True)
    page = client_for(users.auditor).get(reported.get_absolute_url())
    assert page.status_code == 200 and CONTACT not in page.content.decode()
    api = api_client_for(users.auditor)
    detail = api.get(reverse("concern-detail", args=[reported.pk]))
    assert detail.status_code == 200 and detail.json()["reporter_contact"] is None
    assert CONTACT not in api.get(reverse("concern-list")).content.decode()
    for role in ("contributor", "viewer"):  # members without rights on concerns
        assert client_for(users[role]).get(reported.get_absolute_url()).status_code == 404
        listed = api_client_for(users[role]).get(reverse("concern-list"))
        assert listed.status_code == 200 and CONTACT not in listed.content.decode()
    history = client_for(users.officer).get(
        reverse("policies:concern_history", kwargs={"org": org.slug, "pk": reported.pk})
    )
    assert history.status_code == 200 and CONTACT not in history.content.decode()


def test_the_contact_is_no_filter_and_the_api_does_not_write_it(reported, users, api_client_for):
    api = api_client_for(users.officer)
    listed = api.get(reverse("concern-list"), {"reporter_contact": "nobody@example.net"})
    assert [c["id"] for c in listed.json()["results"]] == [reported.pk]  # ignored: no filter
    outside = api.get(reverse("concern-list"), {"from_outside": "true"}).json()["results"]
    assert [c["id"] for c in outside] == [reported.pk]
    assert api.get(reverse("concern-list"), {"from_outside": "false"}).json()["results"] == []
    patched = api.patch(
        reverse("concern-detail", args=[reported.pk]),
        {"reporter_contact": "changed@example.net", "reporter_relationship": "other"},
        format="json",
    )
    assert patched.status_code == 200
    reported.refresh_from_db()
    assert reported.reporter_contact == CONTACT and reported.reporter_relationship == "affected"


def test_a_member_concern_carries_no_outside_details(org, users):
    with pytest.raises(ValidationError):
        concern_raise(
            organization=org,
            reporter=users.viewer,
            summary="S",
            description="D",
            category="other",
            reporter_relationship="customer",
        )
    assert not Concern.objects.exists()


def test_the_channel_audience_is_set_shown_and_filtered(org, users, api_client_for, client_for):
    api = api_client_for(users.officer)
    made = api.post(
        reverse("concernchannel-list"),
        {"organization": org.pk, "name": "Customers", "audience": "external"},
        format="json",
    )
    assert made.status_code == 201 and made.json()["audience"] == "external"
    ConcernChannel.objects.create(organization=org, name="Staff")
    listed = api.get(reverse("concernchannel-list"), {"audience": "external"}).json()["results"]
    assert [c["name"] for c in listed] == ["Customers"]
    refused = api.post(
        reverse("concernchannel-list"),
        {"organization": org.pk, "name": "Odd", "audience": "everyone"},
        format="json",
    )
    assert refused.status_code == 400 and "audience" in refused.json()
    page = client_for(users.officer).get(reverse("policies:concern_list", kwargs={"org": org.slug}))
    assert "People outside the organisation" in page.content.decode()
    form = client_for(users.officer).get(
        reverse("policies:concern_channel_edit", kwargs={"org": org.slug, "pk": made.json()["id"]})
    )
    assert 'name="audience"' in form.content.decode()
