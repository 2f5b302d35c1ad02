"""The change log: append-only, hash-chained, verified by ``manage.py verify_changelog``."""

from __future__ import annotations

import itertools

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from aims.core.changelog import change_context, verify_chain
from aims.core.models import ChangeLogEntry, ChangeLogHead, ChangeSource
from tests import factories

TABLE = ChangeLogEntry._meta.db_table


@pytest.fixture
def chain(org, users):
    """A few more rows on top of the fixtures' own: create, update, delete."""
    system = factories.AISystemFactory(organization=org, name="Chat assistant")
    system.name = "Support assistant"
    system.save()
    factories.AISystemFactory(organization=org).delete()
    return list(ChangeLogEntry.objects.order_by("seq"))


def _verify() -> str:
    try:
        call_command("verify_changelog", stdout=open("/dev/null", "w"))  # noqa: SIM115
    except CommandError as exc:
        return str(exc)
    return ""


def test_it_passes_on_an_intact_chain(chain, capsys):
    call_command("verify_changelog")
    assert f"{len(chain)} rows verified" in capsys.readouterr().out
    assert verify_chain().ok


def test_it_links_every_row_to_the_one_before(chain):
    assert chain[0].prev_hash == ChangeLogEntry.GENESIS_HASH
    for before, row in itertools.pairwise(chain):
        assert row.seq == before.seq + 1
        assert row.prev_hash == before.hash
        assert row.hash == row.compute_hash()
    head = ChangeLogHead.objects.get()
    assert (head.seq, head.hash) == (chain[-1].seq, chain[-1].hash)


def test_it_names_a_row_whose_content_was_altered(chain):
    target = chain[len(chain) // 2]
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {TABLE} SET after = %s WHERE seq = %s", ['{"name": "Tampered"}', target.seq]
        )
    message = _verify()
    assert f"row #{target.seq}" in message
    assert "altered" in message
    assert verify_chain().first_broken_seq == target.seq


def test_it_names_a_row_whose_actor_was_altered(chain, users):
    target = chain[-2]
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {TABLE} SET actor_label = %s WHERE seq = %s", ["someone@else.test", target.seq]
        )
    assert f"#{target.seq}" in _verify()


def test_it_names_the_gap_when_a_middle_row_was_deleted(chain):
    gone = chain[len(chain) // 2]
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {TABLE} WHERE seq = %s", [gone.seq])
    message = _verify()
    assert message
    assert f"#{gone.seq}" in message
    assert verify_chain().first_broken_seq == gone.seq + 1


def test_it_notices_when_the_last_row_was_deleted(chain):
    last = chain[-1]
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {TABLE} WHERE seq = %s", [last.seq])
    message = _verify()
    assert f"#{last.seq}" in message
    assert verify_chain().first_broken_seq == last.seq


def test_it_notices_a_rewritten_and_rehashed_row(chain):
    """Recomputing a row's own hash does not help: the next row links to the old one."""
    target = chain[-3]
    target.after = {"name": "Tampered"}
    new_hash = target.compute_hash()
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {TABLE} SET after = %s, hash = %s WHERE seq = %s",
            ['{"name": "Tampered"}', new_hash, target.seq],
        )
    assert f"#{target.seq + 1}" in _verify()


def test_it_refuses_to_change_or_delete_a_row_through_the_orm(chain):
    row = chain[-1]
    row.object_repr = "rewritten"
    with pytest.raises(PermissionError):
        row.save()
    with pytest.raises(PermissionError):
        row.delete()
    with pytest.raises(PermissionError):
        ChangeLogEntry.objects.filter(pk=row.pk).update(object_repr="rewritten")
    with pytest.raises(PermissionError):
        ChangeLogEntry.objects.filter(pk=row.pk).delete()
    assert ChangeLogEntry.objects.get(pk=row.pk).object_repr != "rewritten"
    assert verify_chain().ok


def test_it_records_create_update_and_delete_with_before_and_after(org, users):
    with change_context(source=ChangeSource.IMPORT, actor=users.officer, request_id="import-42"):
        system = factories.AISystemFactory(organization=org, name="Fraud scoring")
        system.lifecycle_stage = "retirement"
        system.status = "retired"
        system.save()
        pk = system.pk
        system.delete()
    rows = list(
        ChangeLogEntry.objects.filter(content_type__model="aisystem", object_id=str(pk)).order_by(
            "seq"
        )
    )
    assert [r.action for r in rows] == ["create", "update", "delete"]
    for row in rows:
        assert (row.source, row.actor_id, row.request_id, row.organization_id) == (
            "import",
            users.officer.pk,
            "import-42",
            org.pk,
        )
        assert row.actor_label == users.officer.email
    create, update, delete = rows
    assert create.before is None and create.after["name"] == "Fraud scoring"
    assert update.before["status"] == "active" and update.after["status"] == "retired"
    assert update.changed_fields == ["lifecycle_stage", "status", "version"]
    assert delete.after is None and delete.before["status"] == "retired"


def test_it_skips_a_save_that_changes_nothing(db):
    user = factories.UserFactory()
    count = ChangeLogEntry.objects.count()
    type(user).objects.get(pk=user.pk).save()
    assert ChangeLogEntry.objects.count() == count


def test_it_logs_many_to_many_changes(org, users):
    scope = factories.ScopeStatementFactory(organization=org, author=users.officer)
    first, second = (
        factories.AISystemFactory(organization=org),
        factories.AISystemFactory(organization=org),
    )
    with change_context(source=ChangeSource.UI, actor=users.officer, request_id="req-1"):
        scope.ai_systems.add(first, second)
        scope.ai_systems.remove(first)
        scope.ai_systems.clear()
    rows = list(
        ChangeLogEntry.objects.filter(
            content_type__model="scopestatement", object_id=str(scope.pk), action="update"
        ).order_by("seq")
    )
    assert [(r.before, r.after) for r in rows] == [
        ({"ai_systems": []}, {"ai_systems": sorted([first.pk, second.pk])}),
        ({"ai_systems": sorted([first.pk, second.pk])}, {"ai_systems": [second.pk]}),
        ({"ai_systems": [second.pk]}, {"ai_systems": []}),
    ]
    assert all(
        r.source == "ui" and r.actor_id == users.officer.pk and r.organization_id == org.pk
        for r in rows
    )
    assert verify_chain().ok


def test_it_keeps_secrets_out_of_user_rows(db):
    user = factories.UserFactory(email="secret@example.test")
    user.set_password("a long passphrase")
    user.full_name = "Renamed Person"
    user.save()
    rows = list(
        ChangeLogEntry.objects.filter(content_type__model="user", object_id=str(user.pk)).order_by(
            "seq"
        )
    )
    assert [r.action for r in rows] == ["create", "update"]
    assert rows[1].changed_fields == ["full_name"]
    for row in rows:
        assert "password" not in row.after
        assert "last_login" not in row.after
