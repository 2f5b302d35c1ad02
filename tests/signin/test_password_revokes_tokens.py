"""A new password revokes the API tokens made with the old one: offered (ticked by default)
when changing it, always when resetting it (whoever knew the old password may have made
tokens, and the person resetting cannot tell)."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from aims.api.models import ApiToken
from tests import factories
from tests.signin.conftest import PASSWORD

NEW_PASSWORD = "Correct-horse-battery-9"
CHANGE_URL = reverse("account_change_password")
API_URL = "/api/v1/organizations/"


def _api_status(raw: str) -> int:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
    return client.get(API_URL).status_code


@pytest.fixture
def member(person, org):
    factories.MembershipFactory(organization=org, user=person, role="officer")
    return person


@pytest.fixture
def signed_in(member):
    client = Client()
    assert client.login(email=member.email, password=PASSWORD)
    return client


def _change(client, **extra):
    data = {"oldpassword": PASSWORD, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD}
    return client.post(CHANGE_URL, {**data, **extra})


def test_the_change_page_offers_revocation_ticked_and_says_what_it_does(signed_in):
    response = signed_in.get(CHANGE_URL)
    assert response.status_code == 200
    html = response.content.decode()
    box = re.search(r"<input[^>]*name=\"revoke_api_tokens\"[^>]*>", html)
    assert box and "checked" in box.group(0)
    assert "API tokens" in html


def test_changing_the_password_with_the_box_ticked_revokes_the_tokens(member, signed_in):
    _, raw = factories.api_token(member)
    other_person = factories.UserFactory(email="grace@acme.test")
    _, others = factories.api_token(other_person)
    assert _api_status(raw) == 200

    response = _change(signed_in, revoke_api_tokens="on")
    assert response.status_code == 302

    assert _api_status(raw) == 401
    assert ApiToken.objects.get(user=member).revoked_at is not None
    assert _api_status(others) == 200  # only one's own
    assert signed_in.get(reverse("api_tokens")).status_code == 200  # still signed in


def test_changing_the_password_with_the_box_unticked_keeps_the_tokens(member, signed_in):
    _, raw = factories.api_token(member)
    response = _change(signed_in)  # an unticked box is not posted
    assert response.status_code == 302
    member.refresh_from_db()
    assert member.check_password(NEW_PASSWORD)
    assert _api_status(raw) == 200


def test_a_refused_change_revokes_nothing(member, signed_in):
    _, raw = factories.api_token(member)
    response = _change(signed_in, oldpassword="not-the-password", revoke_api_tokens="on")
    assert response.status_code == 200
    assert _api_status(raw) == 200


def test_resetting_the_password_always_revokes_the_tokens(member):
    _, raw = factories.api_token(member)
    client = Client()
    client.post(reverse("account_reset_password"), {"email": member.email})
    link = re.search(r"https?://[^/\s]+(/accounts/password/reset/key/\S+)", mail.outbox[-1].body)
    response = client.get(link.group(1), follow=True)
    assert "API tokens" in response.content.decode()  # the page says so beforehand
    form_url = response.redirect_chain[-1][0] if response.redirect_chain else link.group(1)
    response = client.post(form_url, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    assert response.status_code == 302
    member.refresh_from_db()
    assert member.check_password(NEW_PASSWORD)
    assert _api_status(raw) == 401
