"""Property-based fuzzing of the whole REST API against its own OpenAPI schema (Schemathesis).

Every operation of ``/api/schema/`` gets generated requests (valid and invalid bodies, query
strings and path ids) sent through the WSGI app as the demo organisation's officer (a real
write-scoped bearer token). Each response must be:

- ``not_a_server_error``: no 5xx, whatever the input;
- ``status_code_conformance``: a status the schema documents for that operation;
- ``response_schema_conformance``: a body that matches the documented schema for that status
  (nullable fields declared nullable, error bodies in the format of aims.core.exceptions).

``content_type_conformance`` is left out: DRF answers an unsupported ``Accept`` with 406 in
JSON, which is correct, and the schema lists only ``application/json``. The data-acceptance
checks (``positive_data_acceptance``/``negative_data_rejection``) are left out because the
model rules (dates in order, one open draft, ...) are not expressible in the schema.

Slow (a few minutes), so it runs only when asked: ``make fuzz`` (``scripts/api_fuzz.py``) sets
``AIMS_FUZZ=1``; ``AIMS_FUZZ_EXAMPLES`` sets the examples per operation (default 25). The run
is derandomised, so the same code and schema give the same cases.
"""

from __future__ import annotations

import os

import pytest
import schemathesis
from django.core import signals
from django.core.management import call_command
from django.db import close_old_connections
from drf_spectacular.generators import SchemaGenerator
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    response_schema_conformance,
    status_code_conformance,
)

from aims.core.tenancy import User
from aims.wsgi import application
from tests import factories

pytestmark = pytest.mark.skipif(
    os.environ.get("AIMS_FUZZ") != "1", reason="API fuzzing runs with `make fuzz` (AIMS_FUZZ=1)"
)

EXAMPLES = int(os.environ.get("AIMS_FUZZ_EXAMPLES", "25"))
CHECKS = [not_a_server_error, status_code_conformance, response_schema_conformance]
OFFICER = "officer@northwind.example"


def _schema_dict() -> dict:
    return SchemaGenerator().get_schema(request=None, public=True)


# The coverage phase (boundary values of every field, several hundred cases per write) takes
# 10 to 30 minutes for the whole API; CI runs the examples and the fuzzing phase (a fixed
# number of generated cases per operation). AIMS_FUZZ_COVERAGE=1 adds it for a thorough run.
CONFIG = schemathesis.Config.from_dict(
    {
        "seed": 42001,
        "phases": {"coverage": {"enabled": os.environ.get("AIMS_FUZZ_COVERAGE") == "1"}},
    }
)
schema = schemathesis.openapi.from_dict(_schema_dict(), config=CONFIG)
schema.app = application


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """The demo data (catalog, organisations, risks, evidence) once for the whole run."""
    with django_db_blocker.unblock():
        call_command("seed_demo", verbosity=0)


@pytest.fixture(autouse=True)
def _keep_the_test_connection():
    """The WSGI handler closes the database connection after each request (outside a
    transaction it would be reopened); a test runs in one transaction, so keep it open, as
    Django's own test client does."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture
def officer_token(db, settings) -> str:
    settings.ALLOWED_HOSTS = ["*"]
    _, raw = factories.api_token(User.objects.get(email=OFFICER), scope="write")
    return raw


@schema.parametrize()
@hypothesis_settings(
    max_examples=EXAMPLES,
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=list(HealthCheck),
    print_blob=True,
)
def test_api_conforms_to_its_schema(case, officer_token):
    case.call_and_validate(
        headers={"Authorization": f"Bearer {officer_token}"},
        checks=CHECKS,
    )
