"""The embedded default (``make run``) runs on SQLite: the product uses no Postgres-only
query expressions (``django.contrib.postgres``), which would fail there with a 500."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = (
    "aims",
    "audits",
    "controls",
    "engagements",
    "impact_assessments",
    "policies",
    "readiness",
    "risks",
    "demo",
)


def test_no_postgres_only_expressions():
    found = [
        str(path.relative_to(ROOT))
        for package in PACKAGES
        for path in (ROOT / package).rglob("*.py")
        if "migrations" not in path.parts and "django.contrib.postgres" in path.read_text()
    ]
    assert not found, f"Postgres-only code breaks the SQLite default: {found}"
