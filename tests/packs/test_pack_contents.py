"""What a pack holds: the sections, the approved SoA's applicable controls, the evidence in
a folder per requirement, a manifest whose hashes match, and for an engagement exactly what
its auditors see."""

from __future__ import annotations

import hashlib

import pytest

from aims.core.permissions import Action, restrict
from aims.core.tenancy import User
from packs import services
from packs.gather import SECTIONS
from risks.models import Risk
from tests.packs.helpers import build_here, make_world, pdf_text, read_zip, the_pdf

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(org, users):
    return make_world(org, users)


def test_it_prints_every_section_and_every_applicable_control_of_the_approved_soa(world):
    pack = services.evidence_pack_start(organization=world.org, user=world.users.officer)
    pack = build_here(pack)
    assert pack.is_ready and pack.job.status == "succeeded"
    _manifest, files = read_zip(pack)
    text = pdf_text(the_pdf(files))
    for spec in SECTIONS:
        assert spec.title in text, spec.title
    for ref in world.applicable:
        assert ref in text
    assert world.risk_in.title in text and world.risk_out.title in text
    assert "Page 2 of" in text
    assert world.org.name in text and pack.reference in text
    assert world.users.officer.display_name in text  # prepared by


def test_its_manifest_lists_every_file_with_the_right_hash_and_size(world):
    pack = build_here(
        services.evidence_pack_start(organization=world.org, user=world.users.officer)
    )
    manifest, files = read_zip(pack)
    listed = {entry["path"]: entry for entry in manifest["files"]}
    assert set(listed) == set(files)
    for name, content in files.items():
        assert listed[name]["sha256"] == hashlib.sha256(content).hexdigest()
        assert listed[name]["size"] == len(content)
    assert manifest["pack"]["reference"] == pack.reference
    assert manifest["scope"]["kind"] == "whole"
    assert manifest["changelog_checkpoint"]["seq"] == pack.changelog_seq
    with pack.file.open("rb") as handle:
        assert hashlib.sha256(handle.read()).hexdigest() == pack.sha256


def test_an_evidence_file_linked_to_two_requirements_is_in_both_folders(world):
    pack = build_here(
        services.evidence_pack_start(organization=world.org, user=world.users.officer)
    )
    _manifest, files = read_zip(pack)
    content = world.shared_evidence.file.open("rb").read()
    holding = sorted(name.split("/")[1] for name, data in files.items() if data == content)
    assert holding == sorted(world.applicable)
    assert any(name.startswith("evidence/_no-requirement/") for name in files)


def test_an_engagement_pack_holds_only_what_its_auditors_see(world):
    pack = build_here(
        services.evidence_pack_start(
            organization=world.org,
            user=world.users.officer,
            scope_kind="engagement",
            engagement=world.engagement,
        )
    )
    _manifest, files = read_zip(pack)
    text = pdf_text(the_pdf(files))
    assert world.risk_in.title in text
    assert world.risk_out.title not in text
    assert world.system_out.name not in text
    # The same records as the auditor portal: restrict as the engagement's auditor.
    auditor = User.objects.get(pk=world.users.auditor.pk)
    seen = restrict(Risk.objects.filter(organization=world.org), auditor, Action.VIEW)
    assert pack.contents["risks.risk"] == sorted(seen.values_list("pk", flat=True))
    assert pack.contents["risks.risk"] == [world.risk_in.pk]


def test_a_system_pack_leaves_out_the_other_systems_records(world):
    pack = build_here(
        services.evidence_pack_start(
            organization=world.org,
            user=world.users.officer,
            scope_kind="system",
            ai_system=world.system_out,
        )
    )
    text = pdf_text(the_pdf(read_zip(pack)[1]))
    assert world.risk_out.title in text and world.risk_in.title not in text


def test_sections_with_no_records_say_so(org, users):
    pack = build_here(services.evidence_pack_start(organization=org, user=users.officer))
    text = pdf_text(the_pdf(read_zip(pack)[1]))
    assert "No risks in this scope." in text
    assert "No approved Statement of Applicability." in text
    assert "No evidence in this scope." in text


def test_only_officers_and_administrators_start_packs(org, users):
    from django.core.exceptions import PermissionDenied

    for role in ("contributor", "viewer", "auditor"):
        with pytest.raises(PermissionDenied):
            services.evidence_pack_start(organization=org, user=users[role])


def test_building_twice_makes_one_pack_and_one_file(world, settings):
    pack = build_here(
        services.evidence_pack_start(organization=world.org, user=world.users.officer)
    )
    first = (pack.file.name, pack.sha256)
    services.evidence_pack_build(pack=pack)  # a stale second run: nothing happens
    pack.refresh_from_db()
    assert (pack.file.name, pack.sha256) == first
    stored = list((settings.MEDIA_ROOT / "packs" / str(world.org.pk)).iterdir())
    assert [p.name for p in stored] == [pack.filename]


def test_a_failed_build_shows_a_readable_error_and_can_be_retried(world, client_for, dead_broker):
    from django.urls import reverse

    from aims.core.jobs import run_job

    world.shared_evidence.file.storage.delete(world.shared_evidence.file.name)
    pack = services.evidence_pack_start(organization=world.org, user=world.users.officer)
    with pytest.raises(FileNotFoundError):
        run_job(pack.job_id, services.evidence_pack_run)
    pack.refresh_from_db()
    pack.job.refresh_from_db()
    assert pack.status == "failed" and not pack.file
    client = client_for(world.users.officer)
    page = client.get(pack.get_absolute_url()).content.decode()
    assert "FileNotFoundError" in page and "Retry" in page
    response = client.post(
        reverse("packs:pack_retry", kwargs={"org": world.org.slug, "pk": pack.pk})
    )
    assert response.status_code == 302
    pack.job.refresh_from_db()
    assert pack.job.status == "queued" and pack.job.attempts == 1
