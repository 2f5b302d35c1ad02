"""Start-up settings, imported in a fresh interpreter as a server process would.

Without ``SECRET_KEY`` a production process (``DEBUG`` off) refuses to start, instead of
signing sessions with a key it made up on its own disk (different in every container).
Only development (``DEBUG=1``, which ``make run`` sets) keeps a generated key in the
var folder.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PROBE = (
    "import django; django.setup(); from django.conf import settings; "
    "print(settings.SECRET_KEY); print(settings.CACHES['default']['BACKEND'])"
)


def _start(tmp_path: Path, **env: str) -> subprocess.CompletedProcess:
    base = {
        k: v
        for k, v in os.environ.items()
        if k not in {"SECRET_KEY", "SECRET_KEY_FILE", "DEBUG", "REDIS_URL", "REDIS_URL_FILE"}
    }
    base |= {"DJANGO_SETTINGS_MODULE": "aims.settings", "AIMS_VAR_DIR": str(tmp_path / "var")}
    return subprocess.run(
        [sys.executable, "-c", PROBE],
        cwd=ROOT,
        env=base | env,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_production_without_a_secret_key_refuses_to_start(tmp_path):
    result = _start(tmp_path, DEBUG="0")
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "SECRET_KEY" in result.stderr.splitlines()[-1]
    assert not (tmp_path / "var" / "secret_key").exists()  # nothing made up on disk


def test_debug_unset_counts_as_production(tmp_path):
    result = _start(tmp_path)
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_an_empty_secret_key_is_no_key(tmp_path):
    result = _start(tmp_path, DEBUG="0", SECRET_KEY="")
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_production_with_a_secret_key_starts(tmp_path):
    result = _start(tmp_path, DEBUG="0", SECRET_KEY="k" * 50)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[0] == "k" * 50


def test_production_reads_the_key_from_a_file(tmp_path):
    key_file = tmp_path / "key"
    key_file.write_text("f" * 50 + "\n")
    result = _start(tmp_path, DEBUG="0", SECRET_KEY_FILE=str(key_file))
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[0] == "f" * 50


def test_development_keeps_a_generated_key_across_restarts(tmp_path):
    first = _start(tmp_path, DEBUG="1")
    assert first.returncode == 0, first.stderr
    second = _start(tmp_path, DEBUG="1")
    assert first.stdout.splitlines()[0] == second.stdout.splitlines()[0]
    assert (tmp_path / "var" / "secret_key").read_text().strip() == first.stdout.splitlines()[0]


def test_with_redis_the_default_cache_fails_open(tmp_path):
    result = _start(tmp_path, DEBUG="0", SECRET_KEY="k" * 50, REDIS_URL="redis://127.0.0.1:6399/0")
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[1] == "aims.core.cache.FailOpenRedisCache"


def test_a_malformed_proxy_count_stops_start_up_naming_it(tmp_path):
    for value in ("one", "-1", "11"):
        result = _start(tmp_path, DEBUG="0", SECRET_KEY="k" * 50, TRUSTED_PROXY_COUNT=value)
        assert result.returncode != 0, value
        assert "TRUSTED_PROXY_COUNT" in result.stderr.splitlines()[-1], value
