"""``manage.py verify_pack`` on a good and a tampered pack, and the delta pack."""

from __future__ import annotations

import io
import json
import zipfile

import pytest
from django.core.management import CommandError, call_command

from aims.core.models import ChangeLogEntry
from packs import services
from tests import factories
from tests.packs.helpers import build_here, make_world, pdf_pages, read_zip, the_pdf

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(org, users):
    return make_world(org, users)


@pytest.fixture
def pack_file(world, tmp_path):
    pack = build_here(
        services.evidence_pack_start(organization=world.org, user=world.users.officer)
    )
    path = tmp_path / pack.filename
    with pack.file.open("rb") as handle:
        path.write_bytes(handle.read())
    return pack, path


def _rewrite(path, change):
    """Rewrite the ZIP at ``path`` with ``change(files)`` applied to its members."""
    with zipfile.ZipFile(path) as archive:
        files = {name: archive.read(name) for name in archive.namelist()}
    change(files)
    with zipfile.ZipFile(path, "w") as archive:
        for name, content in files.items():
            archive.writestr(name, content)


def test_it_verifies_a_good_pack(pack_file, capsys):
    pack, path = pack_file
    call_command("verify_pack", str(path), "--sha256", pack.sha256)
    out = capsys.readouterr().out
    assert "OK" in out and "is signed correctly" in out


def test_it_refuses_a_pack_with_a_changed_file(pack_file, capsys):
    _pack, path = pack_file

    def tamper(files):
        name = next(n for n in files if n.startswith("evidence/"))
        files[name] = files[name] + b"tampered"

    _rewrite(path, tamper)
    with pytest.raises(CommandError, match="does not verify"):
        call_command("verify_pack", str(path))
    assert "does not match its SHA-256" in capsys.readouterr().err


def test_it_refuses_extra_and_missing_files(pack_file, capsys):
    _pack, path = pack_file

    def tamper(files):
        files.pop(next(n for n in files if n.startswith("evidence/")))
        files["evidence/A.1/planted.pdf"] = b"%PDF-1.4 planted"

    _rewrite(path, tamper)
    with pytest.raises(CommandError):
        call_command("verify_pack", str(path))
    err = capsys.readouterr().err
    assert "missing from the ZIP" in err and "not in the manifest: evidence/A.1/planted.pdf" in err


def test_it_refuses_a_manifest_rewritten_to_match_a_changed_file(pack_file, capsys):
    _pack, path = pack_file

    def tamper(files):
        import hashlib

        manifest = json.loads(files["manifest.json"])
        entry = next(e for e in manifest["files"] if e["path"].startswith("evidence/"))
        files[entry["path"]] = b"forged"
        entry["sha256"], entry["size"] = hashlib.sha256(b"forged").hexdigest(), 6
        files["manifest.json"] = json.dumps(manifest).encode()

    _rewrite(path, tamper)
    with pytest.raises(CommandError):
        call_command("verify_pack", str(path))
    assert "signature does not match" in capsys.readouterr().err


def test_it_refuses_a_forged_checkpoint_and_a_wrong_zip_hash(pack_file, capsys):
    _pack, path = pack_file
    with pytest.raises(CommandError):
        call_command("verify_pack", str(path), "--sha256", "0" * 64)
    assert "not the recorded" in capsys.readouterr().err


def test_it_refuses_what_is_not_a_zip(tmp_path):
    path = tmp_path / "pack.zip"
    path.write_bytes(b"not a zip")
    with pytest.raises(CommandError):
        call_command("verify_pack", str(path))


def test_a_delta_pack_lists_a_risk_added_between_two_packs_with_its_change_log_row(world):
    first = build_here(
        services.evidence_pack_start(organization=world.org, user=world.users.officer)
    )
    added = factories.RiskFactory(organization=world.org, title="Model drift after retraining")
    second = build_here(
        services.evidence_pack_start(organization=world.org, user=world.users.officer)
    )
    delta = build_here(
        services.delta_pack_start(
            organization=world.org, user=world.users.officer, base=first, target=second
        )
    )
    assert delta.is_ready and delta.kind == "delta"
    manifest, files = read_zip(delta)
    assert manifest["pack"]["base"] == first.reference
    row = ChangeLogEntry.objects.get(
        content_type__model="risk", object_id=str(added.pk), action="create"
    )
    # The pages of the "Added" part (its running header names it): the risk and its row.
    added_pages = "\n".join(
        page for page in pdf_pages(the_pdf(files)) if "2. Added" in page and "Contents" not in page
    )
    assert "Model drift after retraining" in added_pages
    assert f"{row.seq} " in added_pages or f"{row.seq}\n" in added_pages
    # The risks already in the first pack are not listed as added.
    assert world.risk_in.title not in added_pages


def test_a_delta_needs_the_later_pack_second(world):
    from django.core.exceptions import ValidationError

    first = build_here(
        services.evidence_pack_start(organization=world.org, user=world.users.officer)
    )
    factories.RiskFactory(organization=world.org)
    second = build_here(
        services.evidence_pack_start(organization=world.org, user=world.users.officer)
    )
    with pytest.raises(ValidationError):
        services.delta_pack_start(
            organization=world.org, user=world.users.officer, base=second, target=first
        )


def test_the_delta_pdf_is_readable_for_a_zip_of_its_own(world):
    first = build_here(
        services.evidence_pack_start(organization=world.org, user=world.users.officer)
    )
    factories.RiskFactory(organization=world.org)
    second = build_here(
        services.evidence_pack_start(organization=world.org, user=world.users.officer)
    )
    delta = build_here(
        services.delta_pack_start(
            organization=world.org, user=world.users.officer, base=first, target=second
        )
    )
    with delta.file.open("rb") as handle:
        data = handle.read()
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert sorted(archive.namelist()) == sorted([delta.filename[:-4] + ".pdf", "manifest.json"])
