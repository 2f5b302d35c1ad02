"""The public reporting page behind a secret link (A.3.3): no sign-in, CSRF-protected,
throttled, a follow-up code to read the status and the reply."""

from __future__ import annotations

import re

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from aims.core.models import ChangeLogEntry
from policies.models import Concern, ConcernChannel
from policies.services.support import FAILED_CODES_PER_HOUR, REPORTS_PER_HOUR, concern_close

pytestmark = pytest.mark.django_db

REPORT = {
    "summary": "Bias in CV screening",
    "category": "fairness",
    "description": "Women rank lower.",
}


@pytest.fixture(autouse=True)
def _fresh_counters():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def channel(org):
    return ConcernChannel.objects.create(organization=org, name="Staff", anonymous_enabled=True)


def _report_url(channel):
    return reverse("concerns_public:report", kwargs={"token": channel.link_token})


def _follow_up_url(channel):
    return reverse("concerns_public:follow_up", kwargs={"token": channel.link_token})


def _code(response) -> str:
    return re.search(r'id="follow-up-code">([^<]+)<', response.content.decode()).group(1).strip()


def test_anyone_with_the_link_raises_a_concern_and_follows_it_up(channel, users):
    visitor = Client()
    assert visitor.get(_report_url(channel)).status_code == 200
    sent = visitor.post(_report_url(channel), REPORT)
    assert sent.status_code == 200
    code = _code(sent)
    concern = Concern.objects.get()
    assert concern.source == "link" and concern.reporter_id is None
    assert concern.follow_up_hash and code not in concern.follow_up_hash
    row = ChangeLogEntry.objects.get(content_type__model="concern", action="create")
    assert row.actor_id is None and "follow_up_hash" not in row.after
    concern_close(
        concern=concern,
        actor=users.officer,
        status="resolved",
        resolution="Model retrained.",
        reply="Thanks, the model was retrained.",
    )
    status = visitor.post(_follow_up_url(channel), {"code": code.lower()})
    assert status.status_code == 200
    assert "Thanks, the model was retrained." in status.content.decode()
    assert "Resolved" in status.content.decode()


def test_bad_input_is_refused_with_a_message_and_nothing_saved(channel):
    response = Client().post(
        _report_url(channel), {"summary": "", "category": "nope", "description": ""}
    )
    assert response.status_code == 400
    assert "This field is required" in response.content.decode()
    assert not Concern.objects.exists()


def test_a_wrong_code_says_so(channel):
    response = Client().post(_follow_up_url(channel), {"code": "0000-0000-0000-0000"})
    assert response.status_code == 400
    assert "No concern has this code" in response.content.decode()


def test_the_form_needs_its_csrf_token(channel):
    client = Client(enforce_csrf_checks=True)
    assert client.post(_report_url(channel), REPORT).status_code == 403
    assert not Concern.objects.exists()
    page = client.get(_report_url(channel))
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.content.decode()).group(1)
    assert (
        client.post(_report_url(channel), {**REPORT, "csrfmiddlewaretoken": token}).status_code
        == 200
    )
    assert Concern.objects.count() == 1


def test_reports_from_one_address_are_throttled(channel):
    client = Client()
    for _ in range(REPORTS_PER_HOUR):
        assert client.post(_report_url(channel), REPORT).status_code == 200
    refused = client.post(_report_url(channel), REPORT)
    assert refused.status_code == 429 and "try again" in refused.content.decode()
    assert Concern.objects.count() == REPORTS_PER_HOUR


def test_guessing_codes_is_throttled_even_for_a_right_guess(channel):
    client = Client()
    code = _code(client.post(_report_url(channel), REPORT))
    for _ in range(FAILED_CODES_PER_HOUR):
        assert client.post(_follow_up_url(channel), {"code": "WRONG"}).status_code == 400
    assert client.post(_follow_up_url(channel), {"code": code}).status_code == 429


def test_a_switched_off_or_unknown_link_is_not_found(channel, org):
    assert Client().get("/report/not-a-token/").status_code == 404
    channel.anonymous_enabled = False
    channel.save()
    assert Client().get(_report_url(channel)).status_code == 404
    assert Client().post(_report_url(channel), REPORT).status_code == 404
    assert not Concern.objects.exists()


def test_a_new_link_retires_the_old_one(channel, users, api_client_for):
    old = _report_url(channel)
    response = api_client_for(users.officer).post(
        reverse("concernchannel-new-link", args=[channel.pk])
    )
    assert response.status_code == 200
    channel.refresh_from_db()
    assert Client().get(old).status_code == 404
    assert Client().get(_report_url(channel)).status_code == 200
    assert response.json()["link_path"] == _report_url(channel)


def test_the_secret_link_is_for_officers_only(channel, users, org, api_client_for, client_for):
    from tests import factories

    factories.engage(org, users.auditor, whole_aims=True)
    for role in ("viewer", "auditor"):
        data = (
            api_client_for(users[role])
            .get(reverse("concernchannel-detail", args=[channel.pk]))
            .json()
        )
        assert data["link_path"] is None
        page = client_for(users[role]).get(
            reverse("policies:concern_channel", kwargs={"org": org.slug, "pk": channel.pk})
        )
        assert page.status_code == 200 and channel.link_token not in page.content.decode()
    assert not ChangeLogEntry.objects.filter(after__has_key="link_token").exists()
