"""Writes under concurrency: per-organisation numbers, lock order, retried transactions.

Real threads, each with its own database connection, against Postgres (row locks and
deadlock detection are what is tested; SQLite runs one writing transaction at a time, so
these tests are skipped there). ``bench/concurrency.py`` runs the same loads at scale
against a real server.
"""

from __future__ import annotations

import threading
import time
from collections import Counter
from collections.abc import Callable
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import OperationalError, connection, connections, transaction
from django.test import Client
from django.utils import timezone
from rest_framework.test import APIClient

from aims.core import transactions
from aims.core.models import ChangeLogEntry
from aims.core.permissions import Role
from aims.inventory.models import AISystem, AISystemComponent, AISystemDataset
from controls.models import SoAVersion
from controls.services import soa_version_start
from risks.models import Risk, RiskCriteria
from tests import factories
from tests.risks.factories import CUSTOM_3X4

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="row locks and deadlock detection need Postgres (CI runs the suite on it)",
    ),
]


def _in_threads(count: int, work: Callable[[int], Any]) -> list[Any]:
    """Run ``work(i)`` in ``count`` threads started together; return results (or exceptions)."""
    start = threading.Barrier(count)
    results: list[Any] = [None] * count

    def run(i: int) -> None:
        try:
            start.wait()
            results[i] = work(i)
        except Exception as exc:  # reported by the test, not lost in the thread
            results[i] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


@pytest.fixture
def admin(db):
    org = factories.OrganizationFactory(name="Acme Analytics", slug="acme")
    user = factories.UserFactory(email="admin@acme.test", full_name="Acme Admin")
    factories.MembershipFactory(organization=org, user=user, role=Role.ADMIN)
    return user, org


def _api(user) -> APIClient:
    client = APIClient()
    client.raise_request_exception = False  # a server error is counted, not raised
    _, raw = factories.api_token(user, scope="write")
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
    return client


def test_parallel_risk_creates_get_distinct_numbers(admin):
    """12 threads POST risks at once (the organisation has no criteria yet, so the first
    ones also race to create the default criteria): every one is created, numbered 1…N."""
    user, org = admin
    threads, each = 12, 4

    def post(i: int) -> list[int]:
        client = _api(user)
        codes = []
        for n in range(each):
            response = client.post(
                "/api/v1/risks/",
                {
                    "organization": org.pk,
                    "title": f"Risk {i}-{n}",
                    "description": "Raised by the concurrency test.",
                    "inherent_likelihood": 3,
                    "inherent_impact": 3,
                    "status": "assessed",
                    "review_interval_months": 12,
                },
                format="json",
            )
            codes.append(response.status_code)
        return codes

    results = _in_threads(threads, post)
    codes = Counter(code for result in results for code in result)
    assert codes == {201: threads * each}, codes
    numbers = sorted(Risk.objects.filter(organization=org).values_list("number", flat=True))
    assert numbers == list(range(1, threads * each + 1))
    assert RiskCriteria.objects.filter(organization=org).count() == 1


def test_parallel_criteria_revisions_each_get_a_version(admin):
    """20 parallel POST /risk-criteria/: 20 new versions, distinct numbers, one current."""
    user, org = admin
    count = 10

    def post(i: int) -> int:
        body = {"organization": org.pk, **CUSTOM_3X4, "change_summary": f"Revision {i}"}
        return _api(user).post("/api/v1/risk-criteria/", body, format="json").status_code

    codes = Counter(_in_threads(count, post))
    assert codes == {201: count}, codes
    versions = RiskCriteria.objects.filter(organization=org)
    assert sorted(versions.values_list("number", flat=True)) == list(range(1, count + 2))
    assert versions.filter(is_current=True).count() == 1


def test_parallel_starts_of_a_document_open_one_draft(admin):
    """Parallel starts of the next SoA version (a controlled document): one draft, numbered
    after the approved version; the others are refused because a draft is open (never a
    duplicate number or a database error)."""
    user, org = admin
    factories.SoAVersionFactory(
        organization=org,
        number=1,
        status="approved",
        author=user,
        approved_by=user,
        approved_at=timezone.now(),
    )
    count = 8

    def start(i: int) -> str:
        try:
            soa_version_start(organization=org, user=user, change_summary=f"Start {i}")
        except ValidationError:
            return "refused"
        return "started"

    assert Counter(_in_threads(count, start)) == {"started": 1, "refused": count - 1}
    numbers = SoAVersion.objects.filter(organization=org).values_list("number", flat=True)
    assert sorted(numbers) == [1, 2]


def test_deleting_a_system_racing_its_parts_never_fails(admin):
    """DELETE of AI systems raced by DELETE of their components and PATCH of their data
    sets: each request succeeds or finds its record gone (404); no 500."""
    user, org = admin
    systems = []
    for s in range(6):
        system = factories.AISystemFactory(organization=org, name=f"System {s}")
        for p in range(3):
            factories.AISystemDatasetFactory(ai_system=system, name=f"Data {s}-{p}")
            factories.AISystemComponentFactory(ai_system=system, name=f"Part {s}-{p}")
        systems.append(system)
    datasets = list(AISystemDataset.objects.values_list("pk", flat=True))
    components = list(AISystemComponent.objects.values_list("pk", flat=True))

    def work(i: int) -> list[int]:
        client = _api(user)
        codes = []
        if i % 3 == 0:
            for system in systems[i // 3 :: 2]:
                codes.append(client.delete(f"/api/v1/ai-systems/{system.pk}/").status_code)
        elif i % 3 == 1:
            for pk in components[i % 2 :: 2]:
                codes.append(client.delete(f"/api/v1/ai-system-components/{pk}/").status_code)
        else:
            for pk in datasets[i % 2 :: 2]:
                codes.append(
                    client.patch(
                        f"/api/v1/ai-system-datasets/{pk}/", {"notes": f"by {i}"}, format="json"
                    ).status_code
                )
        return codes

    results = _in_threads(6, work)
    codes = Counter(code for result in results for code in result)
    assert set(codes) <= {200, 204, 404}, codes
    assert not AISystem.objects.filter(organization=org).exists()


# --- the retry wrapper, with a deadlock made on purpose -------------------------------------


def _lock(model, pk: int) -> None:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT 1 FROM {model._meta.db_table} WHERE id = %s FOR UPDATE", [pk])


def test_a_deadlocked_transaction_is_run_again_and_succeeds(admin):
    """Two transactions lock two rows in opposite order: Postgres aborts one as a deadlock,
    the wrapper rolls it back and runs it again, and both changes are saved."""
    _, org = admin
    first = factories.AISystemFactory(organization=org, name="First")
    second = factories.AISystemFactory(organization=org, name="Second")
    both_hold_one = threading.Barrier(2)
    attempts = Counter()

    def work(i: int) -> str:
        order = (first, second) if i == 0 else (second, first)

        def unit() -> str:
            attempts[i] += 1
            _lock(AISystem, order[0].pk)
            if attempts[i] == 1:
                both_hold_one.wait(timeout=10)
            _lock(AISystem, order[1].pk)
            AISystem.objects.filter(pk=order[0].pk).update(name=f"by {i}")
            return "done"

        return transactions.run_atomic(unit)

    assert _in_threads(2, work) == ["done", "done"]
    assert sorted(attempts.values()) == [1, 2]  # one of them ran twice


def test_a_request_that_stays_deadlocked_answers_503(admin, settings):
    """When every attempt is aborted as a deadlock the API answers 503 in its error format,
    with Retry-After, and saves nothing. Here the one attempt allowed meets a deadlock made
    by a second connection: it holds the data set the PATCH wants, then asks for the AI
    system the PATCH holds (the PATCH takes the parent first)."""
    settings.AIMS_DB_RETRY_ATTEMPTS = 1
    user, org = admin
    system = factories.AISystemFactory(organization=org)
    dataset = factories.AISystemDatasetFactory(ai_system=system, notes="before")
    client = _api(user)
    holding = threading.Event()
    responses = []

    def other() -> None:
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL deadlock_timeout = '10s'")  # the PATCH detects it
            _lock(AISystemDataset, dataset.pk)
            holding.set()
            _wait_for_a_lock_wait()
            _lock(AISystem, system.pk)
        connections.close_all()

    def patch() -> None:
        holding.wait(timeout=10)
        responses.append(
            client.patch(
                f"/api/v1/ai-system-datasets/{dataset.pk}/", {"notes": "after"}, format="json"
            )
        )
        connections.close_all()

    threads = [threading.Thread(target=other), threading.Thread(target=patch)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    (response,) = responses
    assert response.status_code == 503, response.content
    assert "try again" in response.json()["detail"].lower()
    assert response["Retry-After"]
    dataset.refresh_from_db()
    assert dataset.notes == "before"


def _wait_for_a_lock_wait(timeout: float = 10) -> None:
    """Until another backend waits for a lock this one holds (the PATCH behind our row
    lock). Only waits for our locks count: the server may be running other databases'
    tests, whose lock waits say nothing about ours."""
    deadline = time.monotonic() + timeout
    with connections["default"].cursor() as cursor:
        while time.monotonic() < deadline:
            # pg_locks is read live (pg_stat_activity would be a snapshot per transaction).
            cursor.execute(
                "SELECT count(*) FROM pg_locks "
                "WHERE NOT granted AND pg_backend_pid() = ANY(pg_blocking_pids(pid))"
            )
            if cursor.fetchone()[0]:
                return
            time.sleep(0.02)
    raise AssertionError("the request never waited for the lock")


def test_the_ui_shows_a_readable_page_when_the_database_stays_busy(admin, settings):
    """The browser gets a 503 page that says to try again, not a server error. The delete
    holds the AI system and wants its data set, which the other connection holds while it
    asks for the system."""
    settings.AIMS_DB_RETRY_ATTEMPTS = 1
    user, org = admin
    system = factories.AISystemFactory(organization=org)
    dataset = factories.AISystemDatasetFactory(ai_system=system, notes="before")
    browser = Client(raise_request_exception=False)
    browser.force_login(user)
    holding = threading.Event()
    responses = []

    def other() -> None:
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL deadlock_timeout = '10s'")
            _lock(AISystemDataset, dataset.pk)
            holding.set()
            _wait_for_a_lock_wait()
            _lock(AISystem, system.pk)
        connections.close_all()

    def delete() -> None:
        holding.wait(timeout=10)
        responses.append(browser.post(f"/o/{org.slug}/ai-systems/{system.pk}/delete/"))
        connections.close_all()

    threads = [threading.Thread(target=other), threading.Thread(target=delete)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert AISystem.objects.filter(pk=system.pk).exists()
    (response,) = responses
    assert response.status_code == 503
    assert b"try again" in response.content.lower()


def test_the_change_log_head_is_locked_last(admin):
    """Inside a unit of work the head row stays free until the unit ends: another
    connection can lock it while the unit has saved a record but not yet finished."""
    _, org = admin
    system = factories.AISystemFactory(organization=org)
    seen = []

    def head_is_free() -> bool:
        try:
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute("SELECT 1 FROM core_changeloghead FOR UPDATE NOWAIT")
            return True
        except OperationalError:
            return False
        finally:
            connections.close_all()

    def unit() -> None:
        system.name = "Renamed"
        system.save()
        seen.append(_in_threads(1, lambda i: head_is_free())[0])

    transactions.run_atomic(unit)
    assert seen == [True]
    entry = ChangeLogEntry.objects.order_by("-seq").first()
    assert entry.object_id == str(system.pk) and entry.after["name"] == "Renamed"


def test_rows_of_a_rolled_back_savepoint_are_not_logged(admin):
    """A change undone by a savepoint inside the unit leaves no change-log row."""
    _, org = admin
    system = factories.AISystemFactory(organization=org)
    before = ChangeLogEntry.objects.count()

    def unit() -> None:
        try:
            with transaction.atomic():
                factories.AISystemFactory(organization=org, name="Undone")
                raise RuntimeError("undo")
        except RuntimeError:
            pass
        system.name = "Kept"
        system.save()

    transactions.run_atomic(unit)
    rows = list(ChangeLogEntry.objects.order_by("seq")[before:])
    assert [(r.object_id, r.action) for r in rows] == [(str(system.pk), "update")]
    assert not AISystem.objects.filter(name="Undone").exists()
