"""In the browser, with a real worker: an officer starts an evidence pack, watches its
progress on the page and downloads the ZIP, which verifies."""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

import pytest
from playwright.sync_api import expect

from packs.models import EvidencePack
from tests.e2e.helpers import PASSWORD, sign_in
from tests.packs.conftest import celery_worker, worker, worker_checkpoints  # noqa: F401
from tests.packs.helpers import make_world

pytestmark = [pytest.mark.browser, pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def test_an_officer_starts_a_pack_watches_it_build_and_downloads_it(
    live_server,
    page,
    shoot,
    worker,  # noqa: F811  (the packs tests' worker, imported above)
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
