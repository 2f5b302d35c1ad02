"""One sign-in door: the admin signs in through the product's login (throttle, two-factor
authentication, sign-in log), and a staff member reaches the admin only after two-factor
authentication when ``ADMIN_REQUIRE_MFA`` is on (the default)."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest
from allauth.account.authentication import AUTHENTICATION_METHODS_SESSION_KEY
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import (
    TOTP,
    format_hotp_value,
    generate_totp_secret,
    hotp_value,
    yield_hotp_counters_from_time,
)
from django.test import Client
from django.urls import reverse

from tests import factories
from tests.signin.conftest import LOGIN_URL, PASSWORD, throttled

ADMIN_LOGIN = "/admin/login/"
ADMIN = "/admin/"


@pytest.fixture
def operator(db):
    return factories.UserFactory(
        email="root@platform.test", password=PASSWORD, is_staff=True, is_superuser=True
    )


def _with_totp(user) -> str:
    secret = generate_totp_secret()
    TOTP.activate(user, secret)
    return secret


def _code(secret: str) -> str:
    counter = next(iter(yield_hotp_counters_from_time()))  # the earliest still accepted
    return format_hotp_value(hotp_value(secret, counter))


def _redirect_target(response) -> tuple[str, str]:
    parts = urlsplit(response["Location"])
    return parts.path, parse_qs(parts.query).get("next", [""])[0]


def _signed_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


def test_posting_the_password_to_the_admin_login_signs_nobody_in(operator):
    _with_totp(operator)
    client = Client()
    response = client.post(
        ADMIN_LOGIN, {"username": operator.email, "password": PASSWORD, "next": ADMIN}
    )
    assert response.status_code in (302, 303)
    assert _redirect_target(response) == (LOGIN_URL, ADMIN)
    assert not _signed_in(client)
    assert client.get(ADMIN).status_code == 302  # still outside


def test_the_admin_login_page_sends_to_the_product_login(db):
    response = Client().get(ADMIN_LOGIN, {"next": "/admin/organizations/user/"})
    assert response.status_code == 302
    assert _redirect_target(response) == (LOGIN_URL, "/admin/organizations/user/")


def test_the_admin_index_sends_an_anonymous_visitor_to_the_product_login(db):
    client = Client()
    response = client.get(ADMIN, follow=True)
    assert response.redirect_chain[-1][0].startswith(LOGIN_URL)
    assert response.status_code == 200
    assert response.context["redirect_field_value"] == ADMIN


def test_a_foreign_next_is_not_followed(db):
    response = Client().get(ADMIN_LOGIN, {"next": "https://evil.example/"})
    assert _redirect_target(response) == (LOGIN_URL, ADMIN)


def test_the_admin_sign_in_is_throttled_like_any_other(operator):
    client = Client()
    for _ in range(10):
        client.post(LOGIN_URL, {"login": f"x{_}@acme.test", "password": "nope"})
    # The admin door no longer checks passwords, so it cannot be a way round the limit.
    response = client.post(ADMIN_LOGIN, {"username": operator.email, "password": PASSWORD})
    assert not _signed_in(client)
    response = client.post(LOGIN_URL, {"login": operator.email, "password": PASSWORD})
    assert throttled(response)
    assert not _signed_in(client)


def test_an_operator_with_totp_signs_in_with_the_code_and_reaches_the_admin(operator):
    secret = _with_totp(operator)
    client = Client()
    response = client.post(
        LOGIN_URL, {"login": operator.email, "password": PASSWORD, "next": ADMIN}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_authenticate")
    assert not _signed_in(client)
    assert client.get(ADMIN).status_code == 302

    response = client.post(reverse("mfa_authenticate"), {"code": _code(secret)})
    assert response.status_code == 302
    assert response["Location"] == ADMIN
    assert client.get(ADMIN).status_code == 200


def test_a_staff_member_without_two_factor_cannot_reach_the_admin(settings, operator):
    settings.ADMIN_REQUIRE_MFA = True
    client = Client()
    response = client.post(
        LOGIN_URL, {"login": operator.email, "password": PASSWORD, "next": ADMIN}
    )
    assert response.status_code == 302 and _signed_in(client)  # the product itself is open

    response = client.get(ADMIN, follow=True)
    # Sent to set up TOTP (allauth first asks for the password again before that page).
    assert reverse("mfa_activate_totp") in [url for url, _ in response.redirect_chain]
    assert response.status_code == 200
    assert client.get("/admin/organizations/user/").status_code == 302
    # Even a direct post to an admin page changes nothing.
    other = factories.UserFactory(email="someone@acme.test")
    response = client.post(f"/admin/organizations/user/{other.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert type(other).objects.filter(pk=other.pk).exists()


def test_a_session_that_skipped_the_second_factor_cannot_reach_the_admin(operator):
    """A session made without the code (an older admin login, a forced login) is sent to
    confirm with the code before the admin opens."""
    secret = _with_totp(operator)
    client = Client()
    client.force_login(operator)
    response = client.get(ADMIN)
    assert response.status_code == 302
    response = client.get(response["Location"])
    assert _redirect_target(response) == (reverse("mfa_reauthenticate"), ADMIN)

    response = client.post(reverse("mfa_reauthenticate"), {"code": _code(secret)})
    assert response.status_code == 302
    methods = [r["method"] for r in client.session[AUTHENTICATION_METHODS_SESSION_KEY]]
    assert "mfa" in methods
    assert client.get(ADMIN).status_code == 200


def test_without_the_requirement_a_staff_member_without_two_factor_reaches_the_admin(
    settings, operator
):
    settings.ADMIN_REQUIRE_MFA = False
    client = Client()
    client.post(LOGIN_URL, {"login": operator.email, "password": PASSWORD})
    assert client.get(ADMIN).status_code == 200
    assert not Authenticator.objects.filter(user=operator).exists()


def test_a_member_who_is_not_staff_is_refused_the_admin(settings, users):
    client = Client()
    client.force_login(users.admin)
    response = client.get(ADMIN, follow=True)
    assert response.status_code == 403
