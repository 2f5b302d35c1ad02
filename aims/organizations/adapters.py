"""The sign-in adapter: closed sign-up, the trusted client address, the sign-in log."""

from __future__ import annotations

import logging
from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from django.core.exceptions import PermissionDenied, ValidationError

from aims.core.http import client_ip

logger = logging.getLogger("aims.signin")


def _login_of(credentials: dict[str, Any]) -> str:
    return str(credentials.get("email") or credentials.get("username") or "")[:254]


class AccountAdapter(DefaultAccountAdapter):
    """People join an organisation by invitation from its administrator, not by signing up.

    The rate limits (failed sign-ins per address and per account) and the sign-in log key on
    :func:`aims.core.http.client_ip`, which honours ``TRUSTED_PROXY_COUNT``.
    """

    def is_open_for_signup(self, request) -> bool:
        return False

    def get_client_ip(self, request) -> str:
        ip = client_ip(request)
        if not ip:
            raise PermissionDenied("Unable to determine client IP address")
        return ip

    def pre_authenticate(self, request, **credentials: Any) -> None:
        try:
            super().pre_authenticate(request, **credentials)
        except ValidationError:
            logger.warning(
                "sign-in throttled for %r from %s", _login_of(credentials), client_ip(request)
            )
            raise

    def authentication_failed(self, request, **credentials: Any) -> None:
        logger.warning("sign-in failed for %r from %s", _login_of(credentials), client_ip(request))
        super().authentication_failed(request, **credentials)

    def login(self, request, user) -> None:
        super().login(request, user)
        logger.info("signed in %r (user %s) from %s", user.email, user.pk, client_ip(request))
