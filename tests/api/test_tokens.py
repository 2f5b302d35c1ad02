"""API tokens (no API endpoint): the /account/tokens/ page and the token services, per role.

A token belongs to its holder alone: every role, in any organisation, sees, creates and
revokes only its own tokens.
"""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from aims.api import services
from aims.api.models import ApiToken, hash_token
from aims.core.permissions import Action, can, can_add, restrict
from tests import factories
from tests.generic import ALL_ROLES, QUERY_BUDGET, last_seq, new_rows

SIGNED_IN = tuple(r for r in ALL_ROLES if r != "anonymous")
URL = reverse("api_tokens")


def _user(users, role):
    return None if role == "anonymous" else users[role]


@pytest.fixture
def others_token(users):
    token, _ = factories.api_token(users.admin, name="Admin's token")
    return token


@pytest.mark.parametrize("role", ALL_ROLES)
def test_it_lists_only_the_holders_tokens(role, users, client_for, others_token):
    user = _user(users, role)
    own = factories.api_token(user, name="Mine")[0] if user and user != users.admin else None
    response = client_for(user).get(URL)
    if user is None:
        assert response.status_code == 302
        assert "/accounts/login/" in response["Location"]
        return
    assert response.status_code == 200
    listed = {t.pk for t in response.context["tokens"]}
    if role == "admin":
        assert listed == {others_token.pk}
    else:
        assert listed == {own.pk}


@pytest.mark.parametrize("role", SIGNED_IN)
def test_it_creates_a_token_shown_once_and_stored_hashed(role, users, client_for):
    user = users[role]
    client = client_for(user)
    since = last_seq()
    response = client.post(URL, {"name": "MLflow sync", "scope": "read", "expires_in_days": 30})
    assert response.status_code == 200
    raw = response.context["new_token"]
    token = ApiToken.objects.get(user=user, name="MLflow sync")
    assert token.scope == "read"
    assert token.key_hash == hash_token(raw)
    assert raw.startswith("aims_")
    assert not ApiToken.objects.filter(key_hash=raw).exists()
    (row,) = new_rows(since)
    assert (row.action, row.source, row.actor_id) == ("create", "ui", user.pk)
    assert row.request_id == response["X-Request-ID"]
    assert "key_hash" not in row.after
    assert raw not in str(row.after)
    # Shown once: the next visit does not show it again.
    assert raw.encode() not in client.get(URL).content


@pytest.mark.parametrize("role", SIGNED_IN)
def test_it_refuses_a_bad_token_form(role, users, client_for):
    response = client_for(users[role]).post(
        URL, {"name": "", "scope": "admin", "expires_in_days": 0}
    )
    assert response.status_code == 400
    assert set(response.context["form"].errors) == {"name", "scope", "expires_in_days"}
    assert not ApiToken.objects.filter(user=users[role]).exists()


@pytest.mark.parametrize("role", SIGNED_IN)
def test_it_revokes_own_tokens_only(role, users, client_for, others_token):
    user = users[role]
    if role == "admin":
        own = others_token
        foreign, _ = factories.api_token(users.viewer, name="Viewer's token")
    else:
        own, _ = factories.api_token(user, name="Mine")
        foreign = others_token
    client = client_for(user)
    since = last_seq()
    response = client.post(URL, {"revoke": own.pk})
    assert response.status_code == 302
    own.refresh_from_db()
    assert own.revoked_at is not None
    (row,) = new_rows(since)
    assert (row.action, row.source, row.actor_id, row.object_id) == (
        "update",
        "ui",
        user.pk,
        str(own.pk),
    )
    assert row.before["revoked_at"] is None
    assert row.after["revoked_at"] is not None

    assert client.post(URL, {"revoke": foreign.pk}).status_code == 404
    foreign.refresh_from_db()
    assert foreign.revoked_at is None


@pytest.mark.parametrize("role", SIGNED_IN)
def test_it_lets_only_the_holder_reach_a_token(role, users, others_token):
    user = users[role]
    own, _ = factories.api_token(user, name="Mine")
    for action in (Action.VIEW, Action.CHANGE, Action.DELETE):
        reachable = set(restrict(ApiToken.objects.all(), user, action).values_list("pk", flat=True))
        expected = {own.pk, others_token.pk} if role == "admin" else {own.pk}
        assert reachable == expected
    assert not can_add(user, ApiToken, None)
    if role != "admin":
        assert not can(user, Action.CHANGE, others_token)
        with pytest.raises(PermissionDenied):
            services.api_token_revoke(token=others_token, user=user)
        others_token.refresh_from_db()
        assert others_token.revoked_at is None


def test_it_has_no_api_endpoint(users, api_client_for):
    client = api_client_for(users.admin)
    assert client.get("/api/v1/").status_code == 200
    assert "api-tokens" not in client.get("/api/v1/").json()
    assert client.get("/api/v1/api-tokens/").status_code == 404


def test_it_lists_tokens_with_a_constant_number_of_queries(users, client_for):
    client = client_for(users.officer)
    factories.api_token(users.officer)
    client.get(URL)

    def count():
        with CaptureQueriesContext(connection) as queries:
            assert client.get(URL).status_code == 200
        return len(queries)

    one = count()
    for n in range(24):
        factories.api_token(users.officer, name=f"Token {n}")
    many = count()
    assert one == many
    assert many <= QUERY_BUDGET
