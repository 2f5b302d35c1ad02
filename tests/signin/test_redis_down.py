"""Redis down: sign-in keeps working, throttled by this process's memory (fail open).

The failed-login limits live in the default cache, Redis in production. Measured with
Redis stopped, sign-in answered 500. Here the cache is a real Redis URL on a port where
nothing listens, as when Redis goes away.
"""

from __future__ import annotations

import socket
import uuid

import pytest
import redis
from django.core.cache import caches
from django.test import Client

from aims.core.cache import FailOpenRedisCache
from tests.signin.conftest import LOGIN_URL, PASSWORD, throttled

BACKEND = "aims.core.cache.FailOpenRedisCache"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def redis_down(settings):
    port = 6399
    with socket.socket() as probe:
        if probe.connect_ex(("127.0.0.1", port)) == 0:  # something listens there after all
            port = _free_port()
    settings.CACHES = {
        **settings.CACHES,
        "default": {"BACKEND": BACKEND, "LOCATION": f"redis://127.0.0.1:{port}/0"},
    }
    FailOpenRedisCache.reset_outage()
    caches["default"].clear()
    yield
    caches["default"].clear()
    FailOpenRedisCache.reset_outage()


def test_with_redis_down_the_right_password_signs_in(redis_down, person):
    client = Client()
    assert client.get(LOGIN_URL).status_code == 200
    response = client.post(LOGIN_URL, {"login": person.email, "password": PASSWORD})
    assert response.status_code == 302
    assert int(client.session["_auth_user_id"]) == person.pk


def test_with_redis_down_a_wrong_password_is_refused_not_an_error(redis_down, person):
    response = Client().post(LOGIN_URL, {"login": person.email, "password": "wrong"})
    assert response.status_code == 200
    assert response.context["form"].errors


def test_with_redis_down_failed_sign_ins_are_still_throttled_locally(redis_down, person):
    client = Client()
    for n in range(10):
        response = client.post(LOGIN_URL, {"login": f"nobody{n}@acme.test", "password": "x"})
        assert response.status_code == 200
        assert not throttled(response)
    response = client.post(LOGIN_URL, {"login": person.email, "password": PASSWORD})
    assert throttled(response)
    assert "_auth_user_id" not in client.session


def test_with_redis_up_the_limits_are_kept_in_redis(settings, person):
    live = settings.REDIS_URL
    if not live:
        pytest.skip("the run has no REDIS_URL")
    prefix = f"t-{uuid.uuid4().hex[:8]}"
    settings.CACHES = {
        **settings.CACHES,
        "default": {"BACKEND": BACKEND, "LOCATION": live, "KEY_PREFIX": prefix},
    }
    FailOpenRedisCache.reset_outage()
    Client().post(LOGIN_URL, {"login": person.email, "password": "wrong"})
    server = redis.Redis.from_url(live)
    keys = server.keys(f"{prefix}:*")
    try:
        assert any(b"allauth:rl" in key for key in keys), "the failed sign-in was not in Redis"
    finally:
        if keys:
            server.delete(*keys)  # only this test's keys: the database is also the broker
