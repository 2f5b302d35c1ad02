"""Packs tests: the real Celery worker of ``tests/worker`` (its fixtures are imported here),
started with a change-log checkpoint folder of its own.

A pack signs a change-log checkpoint, and ``write_checkpoint`` first checks the chain
against the checkpoints already in the folder; every transactional test starts from a
flushed database, so the folder is emptied before each test that hands work to the worker.
"""

from __future__ import annotations

import os
import uuid

import pytest

from aims.celery import app as celery_app
from tests.worker.conftest import (  # noqa: F401  (fixtures shared with tests/worker)
    _stop,
    _use_queue,
    dead_broker,
    forget_queue,
    start_worker,
)


@pytest.fixture(scope="session")
def worker_checkpoints(tmp_path_factory):
    return tmp_path_factory.mktemp("worker-checkpoints")


@pytest.fixture(scope="session")
def celery_worker(django_db_setup, tmp_path_factory, worker_checkpoints):
    """The session worker of tests/worker/conftest.py, writing checkpoints to a folder of
    its own (the test process points there too, so both see the same checkpoints)."""
    queue = f"aims-packs-{uuid.uuid4().hex[:10]}"
    media_root = tmp_path_factory.mktemp("worker-media")
    log_path = tmp_path_factory.mktemp("worker-log") / "celery.log"
    previous_queue = celery_app.conf.task_default_queue
    previous_dir = os.environ.get("CHANGELOG_CHECKPOINT_DIR")
    os.environ["CHANGELOG_CHECKPOINT_DIR"] = str(worker_checkpoints)
    _use_queue(queue)
    try:
        worker = start_worker(queue, media_root, log_path)
        try:
            yield worker
        finally:
            _stop(worker.process)
    finally:
        if previous_dir is None:
            os.environ.pop("CHANGELOG_CHECKPOINT_DIR", None)
        else:
            os.environ["CHANGELOG_CHECKPOINT_DIR"] = previous_dir
        _use_queue(previous_queue)
        forget_queue(queue)


@pytest.fixture
def worker(celery_worker, settings, worker_checkpoints):
    """The running worker, this process set up to hand it work and read its files."""
    for stale in worker_checkpoints.glob("checkpoint-*.json"):
        stale.unlink()
    settings.MEDIA_ROOT = celery_worker.media_root
    settings.CHANGELOG_CHECKPOINT_DIR = worker_checkpoints
    eager = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = False
    yield celery_worker
    celery_app.conf.task_always_eager = eager
