"""A real Celery worker for the tests that exercise background jobs end to end.

``celery_worker`` starts ``celery -A aims worker`` as a subprocess once per test session,
pointed at the test database pytest-django created (Postgres: its name after
``django_db_setup``; SQLite: the file ``var/test.sqlite3`` from the settings), at the same
broker (``REDIS_URL`` when set, else the filesystem transport under the same
``AIMS_VAR_DIR``) and at a shared media folder, so result files written by the worker can be
downloaded through the views in the test process.

Two details keep it reliable:

* The session gets a queue of its own (``-Q aims-test-…``, and the test process publishes
  to it), so a developer's ``make run`` worker on the same broker never takes the tests'
  tasks, and stale messages of earlier runs are never picked up.
* ``--max-tasks-per-child=1`` runs every task in a fresh child process. A transactional
  test ends by flushing the database, which recreates content types with new ids; a
  long-lived process would keep the old ids cached.

Every wait is bounded: a worker that does not start, or dies, fails the test with its log.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote, urlencode

import pytest
from django.conf import settings

from aims.celery import app as celery_app
from aims.core.models import Job

START_TIMEOUT = 60
STOP_TIMEOUT = 20
JOB_TIMEOUT = 60


@dataclass
class Worker:
    process: subprocess.Popen
    log_path: Path
    queue: str
    media_root: Path

    def log(self, limit: int = 6000) -> str:
        try:
            text = self.log_path.read_text(errors="replace")
        except OSError:
            return "(no worker output)"
        return text[-limit:]

    def alive(self) -> bool:
        return self.process.poll() is None

    def wait_for(self, job: Job, timeout: float = JOB_TIMEOUT) -> tuple[Job, list[str]]:
        """Poll the job until it finishes; return it and the statuses seen, in order."""
        seen: list[str] = []
        deadline = time.monotonic() + timeout
        while True:
            job.refresh_from_db()
            if not seen or seen[-1] != job.status:
                seen.append(job.status)
            if job.is_finished:
                return job, seen
            if not self.alive():
                pytest.fail(
                    f"The Celery worker exited (code {self.process.returncode}) "
                    f"while job {job.pk} was {job.status}.\n{self.log()}"
                )
            if time.monotonic() > deadline:
                pytest.fail(
                    f"Job {job.pk} still {job.status} after {timeout} s "
                    f"(progress {job.progress}, {job.message!r}).\nWorker log:\n{self.log()}"
                )
            time.sleep(0.1)


def _database_url() -> str:
    db = settings.DATABASES["default"]
    engine, name = db["ENGINE"], str(db["NAME"])
    if engine == "django.db.backends.sqlite3":
        return f"sqlite:///{Path(name).resolve()}"
    if engine != "django.db.backends.postgresql":
        raise RuntimeError(f"The worker tests do not know how to share a {engine} database")
    user = quote(db.get("USER") or "", safe="")
    password = quote(db.get("PASSWORD") or "", safe="")
    credentials = f"{user}:{password}@" if password else (f"{user}@" if user else "")
    port = f":{db['PORT']}" if db.get("PORT") else ""
    options = {k: v for k, v in (db.get("OPTIONS") or {}).items() if isinstance(v, str | int)}
    query = f"?{urlencode(options)}" if options else ""
    return f"postgres://{credentials}{db.get('HOST') or ''}{port}/{quote(name, safe='')}{query}"


def _use_queue(name: str) -> None:
    """Make this process publish tasks to ``name`` (Celery caches the routing it derives)."""
    celery_app.conf.task_default_queue = name
    for cached in ("default_queue", "queues", "router"):
        celery_app.amqp.__dict__.pop(cached, None)


def start_worker(
    queue: str, media_root: Path, log_path: Path, extra_args: tuple[str, ...] = ()
) -> Worker:
    """Start ``celery -A aims worker`` on ``queue`` and wait until it is ready."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": os.environ.get("DJANGO_SETTINGS_MODULE", "aims.settings"),
        "AIMS_VAR_DIR": str(settings.VAR_DIR),
        "DATABASE_URL": _database_url(),
        "MEDIA_ROOT": str(media_root),
        "CELERY_TASK_ALWAYS_EAGER": "false",
        "PYTHONUNBUFFERED": "1",
    }
    env.pop("DATABASE_URL_FILE", None)
    env.pop("REDIS_URL_FILE", None)
    if settings.REDIS_URL:
        env["REDIS_URL"] = settings.REDIS_URL
    else:
        env.pop("REDIS_URL", None)
    command = [
        sys.executable,
        "-m",
        "celery",
        "-A",
        "aims",
        "worker",
        "--loglevel=info",
        "--pool=prefork",
        "--concurrency=1",
        "--max-tasks-per-child=1",
        "-Q",
        queue,
        "-n",
        f"{queue}-{uuid.uuid4().hex[:6]}@%h",
        "--without-gossip",
        "--without-mingle",
        "--without-heartbeat",
        *extra_args,
    ]
    with log_path.open("wb") as log_file:
        process = subprocess.Popen(
            command,
            cwd=settings.BASE_DIR,
            env=env,
            stdout=log_file,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
        )
    worker = Worker(process=process, log_path=log_path, queue=queue, media_root=media_root)
    try:
        deadline = time.monotonic() + START_TIMEOUT
        while " ready." not in worker.log(limit=10**6):
            if not worker.alive():
                pytest.fail(
                    f"The Celery worker did not start (exit code {process.returncode}):\n{worker.log()}"
                )
            if time.monotonic() > deadline:
                pytest.fail(
                    f"The Celery worker was not ready after {START_TIMEOUT} s:\n{worker.log()}"
                )
            time.sleep(0.2)
    except BaseException:
        _stop(process)
        raise
    return worker


def forget_queue(queue: str) -> None:
    """Drop what a test queue left in Redis (nothing to do on the filesystem transport)."""
    if settings.REDIS_URL:
        import redis

        client = redis.Redis.from_url(settings.REDIS_URL, socket_timeout=5)
        client.delete(queue, f"_kombu.binding.{queue}", f"_kombu.binding_permanent.{queue}")


@pytest.fixture(scope="session")
def celery_worker(django_db_setup, tmp_path_factory):
    queue = f"aims-test-{uuid.uuid4().hex[:10]}"
    media_root = tmp_path_factory.mktemp("worker-media")
    log_path = tmp_path_factory.mktemp("worker-log") / "celery.log"
    previous_queue = celery_app.conf.task_default_queue
    _use_queue(queue)
    try:
        worker = start_worker(queue, media_root, log_path)
        try:
            yield worker
        finally:
            _stop(worker.process)
    finally:
        _use_queue(previous_queue)
        forget_queue(queue)


def _stop(process: subprocess.Popen) -> None:
    """Warm shutdown of the worker's process group, then a kill if it lingers."""
    if process.poll() is not None:
        return
    try:
        os.killpg(process.pid, signal.SIGTERM)
    except ProcessLookupError:
        return
    try:
        process.wait(timeout=STOP_TIMEOUT)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=STOP_TIMEOUT)


@pytest.fixture
def worker(celery_worker, settings):
    """The running worker, with this process set up to hand it work and read its files."""
    settings.MEDIA_ROOT = celery_worker.media_root
    eager = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = False
    yield celery_worker
    celery_app.conf.task_always_eager = eager


# A real broker URL where nothing listens: publishing goes through kombu and fails as it
# would with Redis down, and nothing published by a test can reach any worker.
DEAD_BROKER = "redis://127.0.0.1:6399/0"


def _point_broker_at(url: str) -> None:
    """Publish to ``url`` from now on (Celery caches its connection pools; kombu keeps one
    pool per URL, so the old one is left open for the next test)."""
    celery_app._pool = None
    celery_app.amqp._producer_pool = None
    celery_app.conf.broker_url = url


@pytest.fixture
def dead_broker():
    """Point publishing at a dead broker; calling the fixture's value brings the real one back."""
    previous = celery_app.conf.broker_url
    _point_broker_at(DEAD_BROKER)
    yield lambda: _point_broker_at(previous)
    _point_broker_at(previous)
