"""The client address behind the TLS proxy: ``TRUSTED_PROXY_COUNT`` hops of X-Forwarded-For.

Behind the proxy every request comes from the proxy's address, so a throttle keyed on
``REMOTE_ADDR`` lets one person's failed sign-ins lock everyone out. The trusted hop count
picks the client from the header; with none trusted the header is ignored, so sending one
cannot dodge the limit.
"""

from __future__ import annotations

import logging

import pytest
from django.test import Client, RequestFactory

from aims.core.http import client_ip
from tests.signin.conftest import LOGIN_URL, PASSWORD, throttled

PROXY = "10.0.0.5"
FAILED_LOGINS_PER_IP = 10  # allauth's default "login_failed" rate: 10 a minute per address


def _request(xff: str | None = None, remote: str = PROXY):
    extra = {"REMOTE_ADDR": remote}
    if xff is not None:
        extra["HTTP_X_FORWARDED_FOR"] = xff
    return RequestFactory().get("/", **extra)


@pytest.mark.parametrize(
    ("hops", "xff", "expected"),
    [
        (0, None, PROXY),
        (0, "198.51.100.7", PROXY),  # no trusted proxy: the header is the client's word
        (1, None, PROXY),  # came round the proxy: its own address
        (1, "198.51.100.7", "198.51.100.7"),
        (1, "6.6.6.6, 198.51.100.7", "198.51.100.7"),  # the left entry was forged
        (2, "6.6.6.6, 198.51.100.7, 10.0.0.9", "198.51.100.7"),
        (2, "198.51.100.7", PROXY),  # fewer entries than hops
        (1, "not-an-address", PROXY),
        (1, "198.51.100.7, ", PROXY),  # empty rightmost entry
        (1, " 2001:db8::1 ", "2001:db8::1"),
        (1, "1.2.3.4\x00", PROXY),
    ],
)
def test_the_client_ip_takes_the_trusted_hop_or_the_connection(settings, hops, xff, expected):
    settings.TRUSTED_PROXY_COUNT = hops
    assert client_ip(_request(xff)) == expected


def test_a_connection_without_an_address_gives_an_empty_ip(settings):
    settings.TRUSTED_PROXY_COUNT = 0
    assert client_ip(_request(remote="")) == ""


def _fail_sign_ins(client: Client, xff: str, count: int, start: int = 0):
    response = None
    for n in range(start, start + count):
        # A different unknown account each time: only the per-address limit applies.
        response = client.post(
            LOGIN_URL,
            {"login": f"nobody{n}@acme.test", "password": "wrong-password"},
            HTTP_X_FORWARDED_FOR=xff,
            REMOTE_ADDR=PROXY,
        )
        assert response.status_code == 200
    return response


def test_behind_one_proxy_two_clients_are_throttled_separately(settings, person):
    settings.TRUSTED_PROXY_COUNT = 1
    mallory, ada = Client(), Client()
    assert not throttled(_fail_sign_ins(mallory, "203.0.113.66", FAILED_LOGINS_PER_IP))
    assert throttled(_fail_sign_ins(mallory, "203.0.113.66", 1, start=FAILED_LOGINS_PER_IP))

    # Same proxy, another client: not locked out by Mallory's failures.
    response = ada.post(
        LOGIN_URL,
        {"login": person.email, "password": PASSWORD},
        HTTP_X_FORWARDED_FOR="203.0.113.7",
        REMOTE_ADDR=PROXY,
    )
    assert response.status_code == 302
    assert int(ada.session["_auth_user_id"]) == person.pk


def test_without_a_trusted_proxy_a_forged_header_does_not_dodge_the_limit(settings, person):
    settings.TRUSTED_PROXY_COUNT = 0
    client = Client()
    _fail_sign_ins(client, "203.0.113.66", FAILED_LOGINS_PER_IP)
    # A new X-Forwarded-For on every attempt changes nothing: the connection is the key.
    assert throttled(_fail_sign_ins(client, "203.0.113.99", 1, start=FAILED_LOGINS_PER_IP))
    response = client.post(
        LOGIN_URL,
        {"login": person.email, "password": PASSWORD},
        HTTP_X_FORWARDED_FOR="198.51.100.1",
        REMOTE_ADDR=PROXY,
    )
    assert throttled(response)
    assert "_auth_user_id" not in client.session


def test_the_sign_in_log_names_the_client_behind_the_proxy(settings, person, caplog):
    settings.TRUSTED_PROXY_COUNT = 1
    client = Client()
    with caplog.at_level(logging.INFO, logger="aims.signin"):
        client.post(
            LOGIN_URL,
            {"login": person.email, "password": "wrong-password"},
            HTTP_X_FORWARDED_FOR="203.0.113.66",
            REMOTE_ADDR=PROXY,
        )
        client.post(
            LOGIN_URL,
            {"login": person.email, "password": PASSWORD},
            HTTP_X_FORWARDED_FOR="203.0.113.7",
            REMOTE_ADDR=PROXY,
        )
    lines = [r.getMessage() for r in caplog.records if r.name == "aims.signin"]
    assert any("failed" in line and "203.0.113.66" in line for line in lines), lines
    assert any("signed in" in line and "203.0.113.7" in line for line in lines), lines
    assert not any(PROXY in line for line in lines), lines
