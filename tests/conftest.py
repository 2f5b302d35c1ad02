"""Shared fixtures: two organisations, one person per role, and signed-in clients.

``users`` holds one member of ``org`` per role plus ``outsider``, the administrator of
``other_org``. ``api_client_for(user)`` signs in with a write-scoped bearer token made by
the real service; ``client_for(user)`` is a browser session (``force_login``).
"""

from __future__ import annotations

import pytest
from django.test import Client
from rest_framework.test import APIClient

from aims.core.permissions import Role
from tests import factories

ROLES = ("admin", "officer", "contributor", "viewer", "auditor")


class Users(dict):
    """``users.admin`` or ``users["admin"]``."""

    def __getattr__(self, name):
        try:
            return self[name]
        except KeyError as exc:
            raise AttributeError(name) from exc


@pytest.fixture(autouse=True)
def _fast_and_quiet(settings, tmp_path):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.CHANGELOG_CHECKPOINT_DIR = tmp_path / "changelog-checkpoints"
    settings.CELERY_TASK_ALWAYS_EAGER = False


@pytest.fixture
def org(db):
    return factories.OrganizationFactory(name="Acme Analytics", slug="acme")


@pytest.fixture
def other_org(db):
    return factories.OrganizationFactory(name="Globex", slug="globex")


@pytest.fixture
def users(org, other_org):
    people = Users()
    for role in ROLES:
        user = factories.UserFactory(email=f"{role}@acme.test", full_name=f"Acme {role.title()}")
        factories.MembershipFactory(organization=org, user=user, role=role)
        people[role] = user
    outsider = factories.UserFactory(email="admin@globex.test", full_name="Globex Admin")
    factories.MembershipFactory(organization=other_org, user=outsider, role=Role.ADMIN)
    people["outsider"] = outsider
    return people


@pytest.fixture
def api_client_for(db):
    def make(user=None, *, scope: str = "write") -> APIClient:
        client = APIClient()
        if user is not None:
            _, raw = factories.api_token(user, scope=scope)
            client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
        return client

    return make


@pytest.fixture
def client_for(db):
    def make(user=None) -> Client:
        client = Client()
        if user is not None:
            client.force_login(user)
        return client

    return make


@pytest.fixture(scope="session")
def _catalog_once(django_db_setup, django_db_blocker):
    """Load the shipped catalog into the test database once, outside any test transaction."""
    from controls.catalog import load_catalog

    with django_db_blocker.unblock():
        load_catalog()


@pytest.fixture
def catalog(_catalog_once, db):
    """The shipped catalog. Reloaded if a transactional test elsewhere flushed the tables."""
    from controls.catalog import load_catalog
    from controls.models import Framework

    if not Framework.objects.filter(code="iso42001").exists():
        load_catalog()
