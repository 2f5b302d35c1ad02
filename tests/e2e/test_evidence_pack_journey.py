"""In the browser, with a real worker: an officer starts an evidence pack, watches its
progress on the page and downloads the ZIP, which verifies."""

from __future__ import annotations

import io
import re
import uuid
import zipfile
from pathlib import Path

import pytest
from playwright.sync_api import expect

from aims.celery import app as celery_app
from packs.models import EvidencePack
from tests.e2e.helpers import PASSWORD, sign_in
from tests.packs.helpers import make_world
from tests.worker.conftest import _stop, _use_queue, forget_queue, start_worker

pytestmark = [pytest.mark.browser, pytest.mark.worker, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def pack_worker(django_db_setup, tmp_path, monkeypatch, settings):
    """A worker for this test alone, on a queue of its own, stopped when the test ends (a
    session worker would go on taking the jobs later tests expect to stay queued)."""
    queue = f"aims-e2e-packs-{uuid.uuid4().hex[:10]}"
    checkpoints = tmp_path / "checkpoints"
    checkpoints.mkdir()
    monkeypatch.setenv("CHANGELOG_CHECKPOINT_DIR", str(checkpoints))
    settings.CHANGELOG_CHECKPOINT_DIR = checkpoints
    settings.MEDIA_ROOT = tmp_path / "media"
    previous = celery_app.conf.task_default_queue
    eager = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = False
    _use_queue(queue)
    worker = start_worker(queue, tmp_path / "media", tmp_path / "worker.log")
    try:
        yield worker
    finally:
        _stop(worker.process)
        _use_queue(previous)
        celery_app.conf.task_always_eager = eager
        forget_queue(queue)


def test_an_officer_starts_a_pack_watches_it_build_and_downloads_it(
    live_server,
    page,
    shoot,
    pack_worker,
    org,
    users,
):
    make_world(org, users)
    officer = users.officer
    officer.set_password(PASSWORD)
    officer.save()
    sign_in(page, live_server.url, officer)
    page.goto(f"{live_server.url}/o/{org.slug}/evidence-packs/")
    page.get_by_role("link", name=re.compile("Add evidence pack")).first.click()
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("heading", name=re.compile("PACK-001"))).to_be_visible()
    shoot("01-started")
    # The status card polls while the worker builds the pack, then offers the download.
    download_link = page.get_by_role("link", name="Download the pack (ZIP)")
    expect(download_link).to_be_visible(timeout=120_000)
    shoot("02-ready")
    with page.expect_download() as info:
        download_link.click()
    content = Path(info.value.path()).read_bytes()
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        names = set(archive.namelist())
    assert "manifest.json" in names and any(n.endswith(".pdf") for n in names)
    pack = EvidencePack.objects.get(organization=org)
    assert pack.status == "ready" and pack.sha256
