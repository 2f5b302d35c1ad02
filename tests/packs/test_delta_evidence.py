"""The evidence files a delta pack carries: exactly those added or changed between its two
packs, in a folder per requirement, with hashes ``verify_pack`` checks; the removed ones
listed, not carried; an engagement's delta only within its scope; and a readable failure,
never an incomplete ZIP, when a file it needs is gone."""

from __future__ import annotations

import hashlib
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.core.management import CommandError, call_command

from aims.core.jobs import run_job
from aims.evidence.models import EvidenceItem
from controls.models import ControlImplementation
from packs import services
from tests import factories
from tests.evidence.factories import EvidenceFileFactory
from tests.packs.helpers import build_here, make_world, pdf_text, read_zip, the_pdf

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(org, users):
    return make_world(org, users)


def _full(world, **scope):
    return build_here(
        services.evidence_pack_start(organization=world.org, user=world.users.officer, **scope)
    )


def _delta(world, base, target):
    return services.delta_pack_start(
        organization=world.org, user=world.users.officer, base=base, target=target
    )


def _control(world, ref):
    return ControlImplementation.objects.get(organization=world.org, ref=ref)


def _evidence(files):
    return {name: content for name, content in files.items() if name.startswith("evidence/")}


@pytest.fixture
def stages(world):
    """Two whole-AIMS packs; between them one file added, one replaced by a new version
    and one removed, and one left as it was."""
    kept = EvidenceFileFactory(item__organization=world.org, item__title="Kept as it was")
    _control(world, world.applicable[1]).evidence.add(kept.item)
    unlinked = EvidenceItem.objects.get(organization=world.org, title="Unlinked note")
    removed = unlinked.current_file
    removed_bytes = removed.file.open("rb").read()
    first = _full(world)
    added = EvidenceFileFactory(item__organization=world.org, item__title="Model card v1")
    _control(world, world.applicable[0]).evidence.add(added.item)
    old = world.shared_evidence
    new_version = EvidenceFileFactory(item=old.item)
    unlinked.delete()
    second = _full(world)
    return {
        "first": first,
        "second": second,
        "added": added,
        "old": old,
        "new_version": new_version,
        "removed": removed,
        "removed_bytes": removed_bytes,
        "kept": kept,
    }


def test_it_carries_exactly_the_added_and_the_new_version_files_in_their_folders(world, stages):
    delta = build_here(_delta(world, stages["first"], stages["second"]))
    assert delta.is_ready, delta.job.error
    manifest, files = read_zip(delta)
    added, new = stages["added"], stages["new_version"]
    a, b = world.applicable
    assert set(_evidence(files)) == {
        f"evidence/{a}/{added.item_id}-v1-{added.original_name}",
        f"evidence/{a}/{new.item_id}-v2-{new.original_name}",
        f"evidence/{b}/{new.item_id}-v2-{new.original_name}",
    }
    assert files[f"evidence/{a}/{added.item_id}-v1-{added.original_name}"] == (
        added.file.open("rb").read()
    )
    # The manifest: every carried file's hash matches its bytes, the new version names the
    # file it replaces, and the removed one is listed without being carried.
    listed = {entry["path"]: entry for entry in manifest["files"]}
    assert set(listed) == set(files)
    for name, content in files.items():
        assert listed[name]["sha256"] == hashlib.sha256(content).hexdigest()
    new_line = listed[f"evidence/{a}/{new.item_id}-v2-{new.original_name}"]
    assert new_line["change"] == "changed" and new_line["replaces"] == [stages["old"].sha256]
    assert listed[f"evidence/{a}/{added.item_id}-v1-{added.original_name}"]["change"] == "added"
    (removed,) = manifest["removed_files"]
    assert removed["sha256"] == stages["removed"].sha256
    assert removed["earlier_paths"] == [
        f"evidence/_no-requirement/{stages['removed'].item_id}-v1-{stages['removed'].original_name}"
    ]
    assert stages["removed_bytes"] not in files.values()
    assert stages["old"].file.open("rb").read() not in files.values()
    assert stages["kept"].sha256 not in {entry["sha256"] for entry in manifest["files"]}


def test_its_pdf_says_where_each_carried_file_is_and_lists_the_removed_one(world, stages):
    delta = build_here(_delta(world, stages["first"], stages["second"]))
    text = pdf_text(the_pdf(read_zip(delta)[1]))
    assert "5. Evidence files" in text and "In the ZIP under" in text
    added, new = stages["added"], stages["new_version"]
    flat = "".join(text.split())  # long paths and hashes wrap in table cells
    assert f"evidence/{world.applicable[0]}/{added.item_id}-v1-" in flat
    assert f"evidence/{world.applicable[1]}/{new.item_id}-v2-" in flat
    assert "Model card v1" in text and "new version" in text
    assert "Removed: listed, not in this ZIP" in text
    assert stages["removed"].sha256 in flat and stages["old"].sha256 in flat


def test_verify_pack_passes_on_the_delta_and_names_a_tampered_file(world, stages, tmp_path, capsys):
    delta = build_here(_delta(world, stages["first"], stages["second"]))
    path = tmp_path / delta.filename
    with delta.file.open("rb") as handle:
        path.write_bytes(handle.read())
    call_command("verify_pack", str(path), "--sha256", delta.sha256)
    out = capsys.readouterr().out
    assert "OK" in out and "is signed correctly" in out
    assert "3 evidence file(s) carried (1 added, 2 changed), 1 removed" in out

    with zipfile.ZipFile(path) as archive:
        contents = {name: archive.read(name) for name in archive.namelist()}
    victim = f"evidence/{world.applicable[0]}/{stages['added'].item_id}-v1-"
    victim = next(name for name in contents if name.startswith(victim))
    data = bytearray(contents[victim])
    data[len(data) // 2] ^= 0x01  # one byte
    contents[victim] = bytes(data)
    with zipfile.ZipFile(path, "w") as archive:
        for name, content in contents.items():
            archive.writestr(name, content)
    with pytest.raises(CommandError, match="does not verify"):
        call_command("verify_pack", str(path))
    err = capsys.readouterr().err
    assert f"MISMATCH: {victim} does not match its SHA-256" in err
    assert err.count("MISMATCH") == 1


def test_an_engagement_delta_carries_nothing_outside_the_engagements_scope(world):
    scope = {"scope_kind": "engagement", "engagement": world.engagement}
    first = _full(world, **scope)
    inside = EvidenceFileFactory(item__organization=world.org, item__title="Fairness test run")
    world.risk_in.evidence.add(inside.item)
    outside = EvidenceFileFactory(item__organization=world.org, item__title="Chatbot red team")
    world.risk_out.evidence.add(outside.item)
    later_inside = EvidenceFileFactory(item__organization=world.org, item__title="Bias retest")
    world.risk_in.evidence.add(later_inside.item)
    second = _full(world, **scope)
    # Unlinked after the later pack was built: the delta reads the scope as it is now.
    world.risk_in.evidence.remove(later_inside.item)
    delta = build_here(_delta(world, first, second))
    assert delta.is_ready, delta.job.error
    assert delta.engagement_id == world.engagement.pk
    manifest, files = read_zip(delta)
    carried = _evidence(files)
    assert [name.rsplit("/", 1)[1].split("-")[0] for name in carried] == [str(inside.item_id)]
    assert carried[next(iter(carried))] == inside.file.open("rb").read()
    hashes = {entry["sha256"] for entry in manifest["files"]}
    assert outside.sha256 not in hashes and later_inside.sha256 not in hashes
    assert manifest["not_carried"] == [
        {"evidence_file": later_inside.pk, "reason": "outside this delta's scope now"}
    ]
    text = pdf_text(the_pdf(files))
    assert "Chatbot red team" not in text and "Fairness test run" in text


def test_a_delta_whose_new_file_is_gone_from_storage_fails_with_a_readable_error(
    world, stages, client_for
):
    new = stages["new_version"]
    default_storage.delete(new.file.name)
    delta = _delta(world, stages["first"], stages["second"])
    with pytest.raises(RuntimeError, match="missing from storage"):
        run_job(delta.job_id, services.evidence_pack_run)
    delta.refresh_from_db()
    delta.job.refresh_from_db()
    assert delta.status == "failed" and not delta.file and not delta.sha256
    assert new.file.name in delta.job.error and stages["first"].reference in delta.job.error
    page = client_for(world.users.officer).get(delta.get_absolute_url())
    assert page.status_code == 200
    assert "missing from storage" in page.content.decode() and b"Retry" in page.content


def test_a_new_file_altered_in_storage_fails_the_delta_instead_of_being_carried(world, stages):
    added = stages["added"]
    path = default_storage.path(added.file.name)
    with open(path, "r+b") as handle:
        handle.write(b"X")
    delta = _delta(world, stages["first"], stages["second"])
    with pytest.raises(RuntimeError, match="expected"):
        run_job(delta.job_id, services.evidence_pack_run)
    delta.refresh_from_db()
    assert delta.status == "failed" and not delta.file


def test_a_delta_whose_earlier_zip_is_gone_is_refused_or_fails_readably(world, stages):
    first, second = stages["first"], stages["second"]
    queued = _delta(world, first, second)  # started while the earlier ZIP was still there
    default_storage.delete(first.file.name)
    with pytest.raises(ValidationError) as refused:
        _delta(world, first, second)
    assert "no longer in storage" in str(refused.value)
    with pytest.raises(RuntimeError, match=f"earlier pack {first.reference} is no longer"):
        run_job(queued.job_id, services.evidence_pack_run)
    queued.refresh_from_db()
    assert queued.status == "failed" and not queued.file


def test_a_delta_needs_two_packs_of_the_same_scope(world):
    whole = _full(world)
    system = _full(world, scope_kind="system", ai_system=world.system_in)
    with pytest.raises(ValidationError, match="same scope"):
        _delta(world, whole, system)


def test_a_delta_from_another_engagements_pack_counts_what_it_may_not_name(world, org, users):
    outside = EvidenceFileFactory(item__organization=world.org, item__title="Chatbot red team")
    world.risk_out.evidence.add(outside.item)
    stage_1 = factories.engage(org, users.auditor, whole_aims=True, name="Stage 1")
    first = _full(world, scope_kind="engagement", engagement=stage_1)
    second = _full(world, scope_kind="engagement", engagement=world.engagement)
    delta = build_here(_delta(world, first, second))
    assert delta.is_ready, delta.job.error
    manifest, files = read_zip(delta)
    text = " ".join(pdf_text(the_pdf(files)).split())
    # Stage 1 read the whole AIMS; the narrower engagement's auditors read this delta.
    assert "Chatbot leaks customer data" not in text and "Chatbot red team" not in text
    assert "made for another engagement" in text and "counted, not named" in text
    assert manifest["removed_files"] == [] and manifest["removed_files_withheld"] >= 1
    # Two packs of one engagement name what left, as before.
    later = _full(world, scope_kind="engagement", engagement=world.engagement)
    same = build_here(_delta(world, second, later))
    assert "made for another engagement" not in pdf_text(the_pdf(read_zip(same)[1]))


@pytest.mark.parametrize("gone", ["engagement", "ai_system"])
def test_a_pack_whose_scope_was_deleted_before_its_build_fails_with_the_reason(world, gone):
    if gone == "engagement":
        scope = {"scope_kind": "engagement", "engagement": world.engagement}
    else:
        scope = {"scope_kind": "system", "ai_system": world.system_in}
    pack = services.evidence_pack_start(organization=world.org, user=world.users.officer, **scope)
    type(pack).objects.filter(pk=pack.pk).update(**{f"{gone}_id": None})  # as SET_NULL does
    with pytest.raises(RuntimeError, match="was deleted before the pack was built"):
        run_job(pack.job_id, services.evidence_pack_run)
    pack.refresh_from_db()
    pack.job.refresh_from_db()
    assert pack.status == "failed" and not pack.file
    assert "Start a new pack" in pack.job.error and "AttributeError" not in pack.job.error
