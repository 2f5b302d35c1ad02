"""Packs built by a real Celery worker: progress while it runs, the download, a pack that
waits while the job queue is down, and a worker killed mid-build that still yields exactly
one pack and one file."""

from __future__ import annotations

import os
import signal
import time
import uuid
from datetime import timedelta

import pytest
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from aims.celery import app as celery_app
from aims.core.jobs import jobs_recover
from aims.core.models import JobStatus
from packs import services
from packs.models import EvidencePack
from tests import factories
from tests.packs.conftest import _stop, _use_queue, forget_queue, start_worker
from tests.packs.helpers import make_world, read_zip

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def _start(world) -> EvidencePack:
    with transaction.atomic():  # queued on commit, as a request does
        return services.evidence_pack_start(organization=world.org, user=world.users.officer)


def test_a_worker_builds_the_pack_and_reports_its_sections(org, users, worker, client_for):
    world = make_world(org, users)
    pack = _start(world)
    job, seen = worker.wait_for(pack.job, timeout=120)
    assert job.status == JobStatus.SUCCEEDED, (job.error, worker.log())
    assert seen[-1] == JobStatus.SUCCEEDED
    pack.refresh_from_db()
    assert pack.is_ready and pack.status == "ready"
    manifest, files = read_zip(pack)
    assert {entry["path"] for entry in manifest["files"]} == set(files)
    # The page the officer watches, and the download the auditor of the engagement gets.
    page = client_for(users.officer).get(pack.get_absolute_url())
    assert b"Download the pack (ZIP)" in page.content
    response = client_for(users.officer).get(
        reverse("packs:pack_download", kwargs={"org": org.slug, "pk": pack.pk})
    )
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")


def test_the_page_shows_progress_while_it_builds(org, users, worker, client_for):
    world = make_world(org, users)
    pack = _start(world)
    client = client_for(users.officer)
    messages, deadline = set(), time.monotonic() + 120
    while time.monotonic() < deadline:
        fragment = client.get(pack.get_absolute_url(), HTTP_HX_REQUEST="true").content.decode()
        pack.job.refresh_from_db()
        if pack.job.status == JobStatus.RUNNING and pack.job.message:
            messages.add(pack.job.message)
            assert f"{pack.job.progress}%" in fragment or "hx-get" in fragment
        if pack.job.is_finished:
            break
        time.sleep(0.05)
    assert pack.job.status == JobStatus.SUCCEEDED, pack.job.error
    assert messages, "no progress was seen while the pack was built"
    final = client.get(pack.get_absolute_url(), HTTP_HX_REQUEST="true").content.decode()
    assert "hx-get" not in final  # the page stops polling once the pack is ready


def test_with_the_job_queue_down_the_pack_waits_for_a_worker(org, users, dead_broker, client_for):
    world = make_world(org, users)
    response = client_for(users.officer).post(
        reverse("packs:pack_add", kwargs={"org": org.slug}), {"kind": "full", "scope_kind": "whole"}
    )
    assert response.status_code == 302
    pack = EvidencePack.objects.get(organization=world.org)
    assert pack.status == "waiting"
    page = client_for(users.officer).get(pack.get_absolute_url())
    assert page.status_code == 200
    assert b"Waiting for a worker" in page.content
    assert b"Try sending it now" in page.content


@pytest.fixture
def own_queue(django_db_setup):
    queue = f"aims-packkill-{uuid.uuid4().hex[:10]}"
    previous = celery_app.conf.task_default_queue
    _use_queue(queue)
    yield queue
    _use_queue(previous)
    forget_queue(queue)


def test_a_pack_whose_worker_was_killed_is_built_once_by_the_next(
    org, users, own_queue, tmp_path, settings, monkeypatch
):
    checkpoints = tmp_path / "checkpoints"
    monkeypatch.setenv("CHANGELOG_CHECKPOINT_DIR", str(checkpoints))
    settings.CHANGELOG_CHECKPOINT_DIR = checkpoints
    settings.MEDIA_ROOT = tmp_path
    eager = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = False
    try:
        _kill_and_retry(org, users, own_queue, tmp_path, settings)
    finally:
        celery_app.conf.task_always_eager = eager


def _kill_and_retry(org, users, own_queue, tmp_path, settings):
    world = make_world(org, users)
    for n in range(150):  # enough rows that the PDF takes a moment to render
        factories.RiskFactory(organization=org, title=f"Scaled risk {n}")
    first = start_worker(own_queue, tmp_path, tmp_path / "first.log")
    try:
        pack = _start(world)
        job = pack.job
        deadline = time.monotonic() + 120
        while True:
            job.refresh_from_db()
            if job.status == JobStatus.RUNNING and job.progress >= 5:
                break
            if time.monotonic() > deadline or not first.alive():
                pytest.fail(f"the pack never started ({job.status}):\n{first.log()}")
            time.sleep(0.02)
        os.killpg(first.process.pid, signal.SIGKILL)
        first.process.wait(timeout=20)
    finally:
        if first.alive():
            os.killpg(first.process.pid, signal.SIGKILL)
    job.refresh_from_db()
    assert job.status == JobStatus.RUNNING, "the pack finished before the worker was killed"

    later = timezone.now() + timedelta(seconds=settings.AIMS_JOB_STALE_SECONDS + 30)
    recovery = jobs_recover(now=later)
    assert (recovery.requeued, recovery.resent) == (1, 1)
    second = start_worker(own_queue, tmp_path, tmp_path / "second.log")
    try:
        job, _seen = second.wait_for(job, timeout=180)
    finally:
        _stop(second.process)
    assert job.status == JobStatus.SUCCEEDED, (job.error, second.log())
    assert job.attempts == 2
    assert EvidencePack.objects.filter(organization=org).count() == 1
    pack.refresh_from_db()
    assert pack.is_ready
    stored = sorted(p.name for p in (tmp_path / "packs" / str(org.pk)).iterdir())
    assert stored == [pack.filename]
    with pack.file.open("rb") as handle:
        import hashlib

        assert hashlib.sha256(handle.read()).hexdigest() == pack.sha256


def test_the_poll_that_sees_the_build_end_reloads_the_page(org, users, worker, client_for):
    world = make_world(org, users)
    pack = _start(world)
    job, _seen = worker.wait_for(pack.job, timeout=120)
    assert job.status == JobStatus.SUCCEEDED, (job.error, worker.log())
    fragment = client_for(users.officer).get(pack.get_absolute_url(), HTTP_HX_REQUEST="true")
    assert fragment["HX-Refresh"] == "true"  # the heading's status chip then reads "Ready"
    page = client_for(users.officer).get(pack.get_absolute_url())
    assert not page.has_header("HX-Refresh")
