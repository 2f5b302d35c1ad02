"""``verify_changelog`` on a running system: rows keep arriving while it walks the chain.

Postgres only: the race needs real concurrent transactions (SQLite serialises writers).
"""

from __future__ import annotations

import threading
import time

import pytest
from django.core.management import call_command
from django.db import connection, connections

from aims.core.changelog import change_context, verify_chain
from aims.core.models import ChangeLogEntry, ChangeSource
from aims.inventory.models import AISystem
from tests import factories

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="needs concurrent transactions (Postgres)"
)

TABLE = ChangeLogEntry._meta.db_table


class Writer(threading.Thread):
    """Saves one record over and over (a client sending PATCHes) until told to stop."""

    def __init__(self, system_pk: int):
        super().__init__(daemon=True)
        self.system_pk = system_pk
        self.stop = threading.Event()
        self.writes = 0
        self.error: BaseException | None = None

    def run(self) -> None:
        try:
            with change_context(source=ChangeSource.API):
                while not self.stop.is_set():
                    system = AISystem.objects.get(pk=self.system_pk)
                    system.description = f"Revision {self.writes}"
                    system.save()
                    self.writes += 1
        except BaseException as exc:  # reported by the test, not lost in the thread
            self.error = exc
        finally:
            connections.close_all()


@pytest.fixture
def live_writer(transactional_db):
    org = factories.OrganizationFactory()
    system = factories.AISystemFactory(organization=org)
    # Enough history that a walk takes a while, so writes land while it runs.
    for n in range(300):
        system.description = f"History {n}"
        system.save()
    writer = Writer(system.pk)
    writer.start()
    yield writer
    writer.stop.set()
    writer.join(timeout=30)
    assert writer.error is None, writer.error


def _wait_for_writes(writer: Writer, count: int) -> None:
    start = writer.writes
    while writer.writes < start + count:
        assert writer.is_alive(), writer.error
        time.sleep(0.005)


def test_verify_reports_intact_while_changes_are_being_written(live_writer):
    _wait_for_writes(live_writer, 5)
    reports = []
    for _ in range(8):
        reports.append(verify_chain(batch_size=50))
        _wait_for_writes(live_writer, 2)
    assert [r.problem for r in reports] == [""] * len(reports)
    assert all(r.ok for r in reports)
    # Each run verified up to a point that was the end of the chain when it started.
    assert reports[-1].rows > reports[0].rows
    call_command("verify_changelog", stdout=open("/dev/null", "w"))  # noqa: SIM115


def test_verify_still_detects_a_tampered_row_while_changes_are_being_written(live_writer):
    _wait_for_writes(live_writer, 5)
    target = ChangeLogEntry.objects.order_by("seq")[100]
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {TABLE} SET actor_label = %s WHERE seq = %s", ["forged@x.test", target.seq]
        )
    report = verify_chain(batch_size=50)
    assert not report.ok
    assert report.first_broken_seq == target.seq
