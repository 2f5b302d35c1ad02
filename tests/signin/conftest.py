"""Sign-in: a person with a password, and a throttle that starts empty for every test."""

from __future__ import annotations

import uuid

import pytest
from django.urls import reverse

from tests import factories

PASSWORD = "Tr0ub4dor-and-3"
LOGIN_URL = reverse("account_login")


@pytest.fixture(autouse=True)
def _empty_throttle(settings):
    """The throttle lives in the default cache, which outlives a test (Redis, when the run
    has one, is also the broker: never flushed here). Each test gets a cache of its own."""
    settings.CACHES = {
        **settings.CACHES,
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": f"signin-{uuid.uuid4().hex}",
        },
    }


@pytest.fixture
def person(db):
    return factories.UserFactory(email="ada@acme.test", password=PASSWORD)


def throttled(response) -> bool:
    """Whether the sign-in page refused the attempt because of the failed-login limit."""
    form = response.context["form"] if response.context else None
    return bool(form is not None and form.has_error("__all__", code="too_many_login_attempts"))
