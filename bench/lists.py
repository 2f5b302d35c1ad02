"""Median server time and query counts of the main list pages and endpoints.

Usage: python bench/lists.py [--systems 2000] [--repeat 15]
Runs in a throw-away test database (Django's test runner machinery), so it never touches
real data. Point DATABASE_URL at Postgres to measure there.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "aims.settings")
os.environ.setdefault("SECRET_KEY", "bench-only-not-a-secret")  # DEBUG off needs one
os.environ.setdefault("AIMS_VAR_DIR", "/tmp/aims-bench")

import django

django.setup()

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext, setup_test_environment  # noqa: E402


def seed(n: int):
    from aims.core.changelog import change_context
    from aims.inventory.models import AISystem, AISystemComponent, AISystemDataset
    from aims.organizations.models import Membership, Organization, User
    from controls.catalog import load_catalog

    with change_context(source="import"):
        load_catalog()
        user = User.objects.create_user("bench@example.com", "bench-password-1")
        org = Organization.objects.create(name="Bench Org", slug="bench")
        Membership.objects.create(organization=org, user=user, role="officer")
        for i in range(n):
            system = AISystem.objects.create(
                organization=org,
                name=f"System {i:05d}",
                description="d",
                purpose="p",
                intended_use="u",
                ai_roles=["developer"],
                lifecycle_stage="operation_monitoring",
                owner=user,
            )
            AISystemDataset.objects.create(
                ai_system=system, name="Data", purpose="training", source="s"
            )
            AISystemComponent.objects.create(ai_system=system, name="Model", kind="model")
    return user, org


def measure(client: Client, url: str, repeat: int, **headers) -> tuple[float, int, int]:
    times = []
    for _ in range(repeat):
        with CaptureQueriesContext(connection) as ctx:
            start = time.perf_counter()
            response = client.get(url, **headers)
            times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times), len(ctx.captured_queries), response.status_code


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--systems", type=int, default=2000)
    parser.add_argument("--repeat", type=int, default=15)
    args = parser.parse_args()

    from django.test.utils import get_runner

    setup_test_environment()
    runner = get_runner(django.conf.settings)(verbosity=0)
    old = runner.setup_databases()
    try:
        t0 = time.perf_counter()
        user, _org = seed(args.systems)
        print(
            f"seeded {args.systems} AI systems in {time.perf_counter() - t0:.1f} s "
            f"on {connection.vendor}"
        )
        from aims.api.services import api_token_create

        _, raw = api_token_create(user=user, name="bench", scope="read", expires_in_days=1)
        auth = {"HTTP_AUTHORIZATION": f"Bearer {raw}"}
        ui = Client()
        ui.force_login(user)
        api = Client()
        rows = [
            ("UI  AI systems list (50 rows)", ui, "/o/bench/ai-systems/", {}),
            ("UI  AI systems list (500 rows)", ui, "/o/bench/ai-systems/?page_size=500", {}),
            ("API ai-systems page_size=100", api, "/api/v1/ai-systems/?page_size=100", auth),
            ("API ai-systems page_size=500", api, "/api/v1/ai-systems/?page_size=500", auth),
            ("API changes page_size=100", api, "/api/v1/changes/?page_size=100", auth),
            ("API requirements page_size=500", api, "/api/v1/requirements/?page_size=500", auth),
            ("UI  dashboard", ui, "/o/bench/", {}),
        ]
        print(f"{'endpoint':38} {'median ms':>10} {'queries':>8} {'status':>7}")
        for label, client, url, headers in rows:
            ms, queries, status = measure(client, url, args.repeat, **headers)
            print(f"{label:38} {ms:10.1f} {queries:8d} {status:7d}")
    finally:
        runner.teardown_databases(old)


if __name__ == "__main__":
    main()
