"""The register PDF is built by a Celery worker, which only knows the tasks it autodiscovers
(``tasks`` modules of INSTALLED_APPS). Checked in a fresh interpreter, as a worker starts:
in this test process the web side has already imported the task module."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PROBE = (
    "import django; django.setup(); from aims.celery import app; "
    "app.loader.import_default_modules(); "
    "print('risks.tasks.risk_register_pdf' in app.tasks)"
)


def test_a_fresh_worker_process_knows_the_register_pdf_task():
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "aims.settings"}
    result = subprocess.run(
        [sys.executable, "-c", PROBE], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "True"
