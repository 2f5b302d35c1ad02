"""The client's address as this deployment can trust it.

Behind ``TRUSTED_PROXY_COUNT`` reverse proxies, each of which appends the address it saw to
``X-Forwarded-For``, the client is the entry that many places from the right: the entries
further left were written by the client itself and prove nothing. With no trusted proxy
(the default) the header is ignored, so a client cannot choose its own address by sending
one. Sign-in throttling and the sign-in log key on this address; nothing else may read
``REMOTE_ADDR`` or ``X-Forwarded-For`` directly.
"""

from __future__ import annotations

import ipaddress

from django.conf import settings
from django.http import HttpRequest
from django.utils.http import url_has_allowed_host_and_scheme


def _valid_ip(value: str) -> str | None:
    try:
        return str(ipaddress.ip_address(value.strip()))
    except ValueError:
        return None


def client_ip(request: HttpRequest) -> str:
    """The client's IP address, or ``""`` when the connection gives none (a Unix socket).

    With ``TRUSTED_PROXY_COUNT = n > 0``, the ``n``-th entry from the right of
    ``X-Forwarded-For``. A missing header, too few entries or an entry that is not an IP
    address mean the request did not come through the proxies as configured: then the
    connection's own address (``REMOTE_ADDR``) is used, never a value the client chose.
    """
    remote = _valid_ip(request.META.get("REMOTE_ADDR", "") or "") or ""
    hops = settings.TRUSTED_PROXY_COUNT
    if hops <= 0:
        return remote
    header = request.META.get("HTTP_X_FORWARDED_FOR", "")
    entries = [part.strip() for part in header.split(",")] if header else []
    if len(entries) < hops:
        return remote
    return _valid_ip(entries[-hops]) or remote


def same_site_path(request: HttpRequest, candidate: str | None) -> str | None:
    """``candidate`` when it is a path on this site (a ``next`` a form or link carried), else
    None: a redirect never takes the user to another site named by the request."""
    if (
        candidate
        and candidate.startswith("/")
        and url_has_allowed_host_and_scheme(
            candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        )
    ):
        return candidate
    return None
