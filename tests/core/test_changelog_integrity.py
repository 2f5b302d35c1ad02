"""The change log cannot be forged by someone with database access alone.

Rows are chained by HMAC under a key the database does not hold, and signed checkpoints of
the chain's end are exported to files; ``verify_changelog`` checks both. The forger in
these tests can do anything SQL allows — edit rows, recompute every later hash with plain
SHA-256, move the head, delete rows — but holds neither the key nor the checkpoint files.
"""

from __future__ import annotations

import base64
import copy
import io
import json
import os

import pytest
from django.core.checks import Tags, run_checks
from django.core.exceptions import ImproperlyConfigured
from django.core.management import CommandError, call_command
from django.db import connection

from aims import settings as aims_settings
from aims.core import integrity
from aims.core.changelog import ChangeLogTampered, verify_chain, write_checkpoint
from aims.core.models import ChangeLogEntry, ChangeLogHead
from tests import factories

TABLE = ChangeLogEntry._meta.db_table
HEAD = ChangeLogHead._meta.db_table
KEY_1 = os.urandom(32)
KEY_2 = os.urandom(32)


@pytest.fixture
def keyed(settings):
    settings.CHANGELOG_KEYS = [("k1", KEY_1)]
    return settings


def _add_rows(org, count: int) -> None:
    system = factories.AISystemFactory(organization=org)
    for n in range(count - 1):
        system.description = f"Revision {n}"
        system.save()


@pytest.fixture
def chain(keyed, org, users):
    _add_rows(org, 12)
    rows = list(ChangeLogEntry.objects.order_by("seq"))
    assert len(rows) > 20
    return rows


def _sql(statement: str, params: list) -> None:
    with connection.cursor() as cursor:
        cursor.execute(statement, params)


def _rewrite(from_seq: int, *, edit=None, drop_key: bool = False) -> None:
    """What a DBA can do unaided: change row ``from_seq`` (``edit``), then recompute every
    later ``prev_hash``/``hash`` with plain SHA-256 and move the head to the new end."""
    rows = list(ChangeLogEntry.objects.filter(seq__gte=from_seq).order_by("seq"))
    prev = (
        ChangeLogEntry.objects.get(seq=from_seq - 1).hash
        if from_seq > 1
        else ChangeLogEntry.GENESIS_HASH
    )
    for row in rows:
        if edit and row.seq == from_seq:
            edit(row)
        if drop_key:
            row.key_id = None
        row.prev_hash = prev
        unkeyed = copy.copy(row)
        unkeyed.key_id = None
        row.hash = unkeyed.compute_hash()  # the forger has no key: plain SHA-256
        prev = row.hash
        _sql(
            f"UPDATE {TABLE} SET actor_label = %s, key_id = %s, prev_hash = %s, hash = %s "
            "WHERE seq = %s",
            [row.actor_label, row.key_id, row.prev_hash, row.hash, row.seq],
        )
    _sql(f"UPDATE {HEAD} SET seq = %s, hash = %s WHERE id = 1", [rows[-1].seq, prev])


def _relabel(row: ChangeLogEntry) -> None:
    row.actor_label = "someone-else@acme.test"


def _verify(*args: str) -> tuple[str, str]:
    """(stdout, error) of ``verify_changelog``."""
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("verify_changelog", *args, stdout=out, stderr=err)
    except CommandError as exc:
        return out.getvalue(), str(exc)
    return out.getvalue() + err.getvalue(), ""


def _checkpoint(settings) -> integrity.Checkpoint:
    checkpoint, written = write_checkpoint()
    assert written
    assert checkpoint.path.parent == settings.CHANGELOG_CHECKPOINT_DIR
    return checkpoint


# --- Forgery -------------------------------------------------------------------------------


def test_rows_are_keyed_and_name_their_key(chain, org):
    _add_rows(org, 3)
    rows = list(ChangeLogEntry.objects.filter(seq__gt=chain[-1].seq))
    assert len(rows) == 3 and {row.key_id for row in rows} == {"k1"}
    legacy = copy.copy(rows[-1])
    legacy.key_id = None
    assert rows[-1].hash != legacy.compute_hash()  # not the plain SHA-256 of the row
    assert rows[-1].hash == rows[-1].compute_hash(KEY_1)


def test_a_rewritten_row_with_every_later_hash_recomputed_is_detected(chain):
    """The reported forge: row #N's actor changed by SQL, every later link and the head
    recomputed; a plain SHA-256 chain said "intact"."""
    target = chain[len(chain) // 2].seq
    _rewrite(target, edit=_relabel)
    out, error = _verify()
    assert (
        error
        == f"Change log broken at row #{target}: row #{target} was altered after it was written"
    )
    assert "intact" not in out


def test_a_forger_who_also_drops_the_key_ids_is_detected(chain):
    target = chain[len(chain) // 2].seq
    _rewrite(target, edit=_relabel, drop_key=True)
    assert verify_chain().first_broken_seq == target
    assert "carries no key but follows keyed rows" in _verify()[1]


def test_rewriting_the_whole_chain_as_unkeyed_is_caught_by_a_checkpoint(chain, settings):
    _checkpoint(settings)
    _rewrite(1, edit=_relabel, drop_key=True)
    out, error = _verify()
    assert "does not match checkpoint checkpoint-" in error
    assert "intact" not in out


def test_without_a_checkpoint_an_unkeyed_chain_verifies_only_with_a_warning(chain):
    _rewrite(1, edit=_relabel, drop_key=True)
    out, error = _verify()
    assert not error
    assert "no checkpoint covers them" in out


# --- Checkpoints --------------------------------------------------------------------------


def test_a_checkpoint_is_a_signed_file_outside_the_database(chain, settings):
    checkpoint = _checkpoint(settings)
    data = json.loads(checkpoint.path.read_text())
    assert data["seq"] == chain[-1].seq and data["hash"] == chain[-1].hash
    assert data["key_id"] == "k1" and len(data["signature"]) == 64
    assert data["time"]
    out, error = _verify()
    assert not error
    assert f"1 checkpoint(s) match, the latest at row #{chain[-1].seq}" in out


def test_an_unchanged_chain_writes_no_second_checkpoint(chain, settings):
    first = _checkpoint(settings)
    again, written = write_checkpoint()
    assert not written and again.path == first.path
    assert len(list(settings.CHANGELOG_CHECKPOINT_DIR.iterdir())) == 1


def test_truncating_the_tail_after_a_checkpoint_is_detected(chain, org, settings):
    _add_rows(org, 5)
    checkpoint = _checkpoint(settings)
    keep = checkpoint.seq - 3
    # The DBA deletes the newest rows and moves the head back: the chain itself is consistent.
    _sql(f"DELETE FROM {TABLE} WHERE seq > %s", [keep])
    kept = ChangeLogEntry.objects.get(seq=keep)
    _sql(f"UPDATE {HEAD} SET seq = %s, hash = %s WHERE id = 1", [keep, kept.hash])
    assert verify_chain().ok  # without the checkpoint nothing shows
    _, error = _verify()
    assert error == (
        f"Change log broken at row #{keep + 1}: checkpoint {checkpoint.path.name} recorded "
        f"row #{checkpoint.seq} but the change log ends at row #{keep}: rows were removed "
        "from its end"
    )


def test_a_checkpoint_the_database_no_longer_matches_is_reported(chain, org, settings):
    checkpoint = _checkpoint(settings)
    _add_rows(org, 3)
    _rewrite(checkpoint.seq - 2, edit=_relabel)
    assert f"row #{checkpoint.seq - 2}" in _verify()[1]


def test_a_forged_checkpoint_file_is_refused(chain, settings):
    checkpoint = _checkpoint(settings)
    data = json.loads(checkpoint.path.read_text())
    data["seq"] -= 1
    data["hash"] = chain[-2].hash
    checkpoint.path.write_text(json.dumps(data))
    assert "has a bad signature" in _verify()[1]


def test_a_checkpoint_given_on_the_command_line_is_checked(chain, org, settings, tmp_path):
    elsewhere = tmp_path / "offsite"
    checkpoint, _ = write_checkpoint(directory=elsewhere)
    assert not settings.CHANGELOG_CHECKPOINT_DIR.exists()
    assert "no checkpoint given" in _verify()[0]
    out, error = _verify("--checkpoints", str(checkpoint.path))
    assert not error and "1 checkpoint(s) match" in out
    _sql(f"DELETE FROM {TABLE} WHERE seq = %s", [checkpoint.seq])
    _sql(f"UPDATE {HEAD} SET seq = %s, hash = %s WHERE id = 1", [chain[-2].seq, chain[-2].hash])
    assert "rows were removed from its end" in _verify("--checkpoints", str(elsewhere))[1]


def test_no_checkpoint_is_written_for_a_tampered_chain(chain, settings):
    _rewrite(chain[5].seq, edit=_relabel)
    with pytest.raises(ChangeLogTampered):
        write_checkpoint()
    with pytest.raises(CommandError, match="No checkpoint written"):
        call_command("changelog_checkpoint", stdout=io.StringIO())
    assert not settings.CHANGELOG_CHECKPOINT_DIR.exists()


def test_the_checkpoint_command_says_what_it_wrote(chain, settings):
    out = io.StringIO()
    call_command("changelog_checkpoint", stdout=out)
    assert f"(row #{chain[-1].seq}, key k1)" in out.getvalue()
    call_command("changelog_checkpoint", stdout=out)
    assert "has not moved since checkpoint" in out.getvalue()


# --- Keys: rotation, legacy rows, the embedded default ---------------------------------------


def test_rotation_signs_new_rows_with_the_new_key_and_keeps_old_rows_verifying(
    chain, org, settings
):
    old_checkpoint = _checkpoint(settings)
    settings.CHANGELOG_KEYS = [("k2", KEY_2), ("k1", KEY_1)]
    _add_rows(org, 3)
    new_rows = ChangeLogEntry.objects.filter(seq__gt=chain[-1].seq)
    assert set(new_rows.values_list("key_id", flat=True)) == {"k2"}
    assert ChangeLogEntry.objects.get(seq=chain[-1].seq).key_id == "k1"
    new_checkpoint = _checkpoint(settings)
    assert new_checkpoint.key_id == "k2" and old_checkpoint.key_id == "k1"
    out, error = _verify()
    assert not error and "2 checkpoint(s) match" in out
    # Dropping a key that still signs rows (and a checkpoint) leaves them unverifiable.
    settings.CHANGELOG_KEYS = [("k2", KEY_2)]
    assert "signed with key 'k1', which is not configured" in _verify()[1]


def test_legacy_rows_written_before_keys_existed_still_verify(chain, org, settings):
    _rewrite(1, drop_key=True)  # the chain as an installation before this change left it
    assert set(ChangeLogEntry.objects.values_list("key_id", flat=True)) == {None}
    legacy_end = chain[-1].seq
    _add_rows(org, 3)  # the upgraded code goes on with keyed rows
    report = verify_chain()
    assert report.ok and report.legacy_rows == legacy_end
    out, error = _verify()
    assert not error
    assert f"({legacy_end} legacy unkeyed)" in out and "no checkpoint covers them" in out
    _checkpoint(settings)  # the operator's step: anchor the legacy rows
    out, error = _verify()
    assert not error and "no checkpoint covers them" not in out
    # From then on, rewriting a legacy row is detected.
    _rewrite(3, edit=_relabel, drop_key=True)
    assert "does not match checkpoint" in _verify()[1]


def test_with_no_key_configured_rows_are_keyed_from_the_secret_key(settings, db):
    settings.CHANGELOG_KEYS = []
    factories.UserFactory()
    row = ChangeLogEntry.objects.latest("seq")
    key_id, key = integrity.derived_key(settings.SECRET_KEY)
    assert row.key_id == key_id and key_id.startswith("sk-")
    assert row.hash == row.compute_hash(key)
    # A rotated SECRET_KEY kept in SECRET_KEY_FALLBACKS still verifies the old rows.
    settings.SECRET_KEY_FALLBACKS = [settings.SECRET_KEY]
    settings.SECRET_KEY = "a-new-secret-key-" + "x" * 40
    factories.UserFactory()
    assert ChangeLogEntry.objects.latest("seq").key_id != key_id
    assert verify_chain().ok
    settings.SECRET_KEY_FALLBACKS = []
    assert f"signed with key {key_id!r}" in verify_chain().problem


def test_deploy_check_warns_without_a_change_log_key(settings):
    settings.CHANGELOG_KEYS = []
    ids = [m.id for m in run_checks(tags=[Tags.security], include_deployment_checks=True)]
    assert "changelog.W001" in ids
    settings.CHANGELOG_KEYS = [("k1", KEY_1)]
    ids = [m.id for m in run_checks(tags=[Tags.security], include_deployment_checks=True)]
    assert "changelog.W001" not in ids


# --- The setting -----------------------------------------------------------------------------


def _b64(key: bytes) -> str:
    return base64.b64encode(key).decode()


def test_change_log_keys_are_read_from_the_environment_or_a_file(monkeypatch, tmp_path):
    monkeypatch.setenv("CHANGELOG_KEYS", f"new:{_b64(KEY_2)}, old:{_b64(KEY_1)}")
    assert aims_settings._changelog_keys() == [("new", KEY_2), ("old", KEY_1)]
    secret = tmp_path / "changelog_keys"
    secret.write_text(f"fromfile:{base64.urlsafe_b64encode(KEY_1).decode()}\n")
    monkeypatch.setenv("CHANGELOG_KEYS_FILE", str(secret))
    assert aims_settings._changelog_keys() == [("fromfile", KEY_1)]
    monkeypatch.delenv("CHANGELOG_KEYS_FILE")
    monkeypatch.delenv("CHANGELOG_KEYS")
    assert aims_settings._changelog_keys() == []


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("no-colon", "each item is id:base64key"),
        (f"bad id:{_b64(KEY_1)}", "each item is id:base64key"),
        ("k1:not*base64", "not valid base64"),
        (f"k1:{_b64(b'short')}", "has 5 bytes; use at least 32"),
        (f"k1:{_b64(KEY_1)},k1:{_b64(KEY_2)}", "appears twice"),
        (f"sk-1:{_b64(KEY_1)}", "reserved"),
    ],
)
def test_a_malformed_change_log_key_stops_start_up(monkeypatch, value, message):
    monkeypatch.setenv("CHANGELOG_KEYS", value)
    with pytest.raises(ImproperlyConfigured, match=message) as raised:
        aims_settings._changelog_keys()
    assert "CHANGELOG_KEYS" in str(raised.value)
    assert _b64(KEY_1) not in str(raised.value)  # never echo a key
