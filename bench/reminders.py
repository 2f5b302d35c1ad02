"""One reminder scan on a large seed: its time follows what falls due, not what is stored.

Usage:
    .venv/bin/python bench/reminders.py [--due 1000] [--items 1000000] [--evidence 100000]
        [--database-url URL] [--repeat 3]

Seeds the benchmark database with ``bench/seed_risks.py`` (50 organisations, 20,000
risks; the database is dropped and created again, its name must contain "bench"), then adds
with plain SQL (``generate_series``; no change log, this is load data) evidence items up to
``--evidence`` and treatment actions until the dated items across kinds reach ``--items``.
Their dates are spread over three years on days no rule fires today; ``--due`` treatment
actions are due in exactly seven days, so the scan writes that many reminders (plus the
officers' none: they have owners). The scan state of every organisation is set to
"scanned through yesterday", as beat leaves it, and ``reminders_scan`` is timed
``--repeat`` times (the state and the reminders reset before each run). Prints the median
and the query count; the target is ≤ 2 s.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent
sys.path.insert(0, str(ROOT.parent))
sys.path.insert(0, str(ROOT))

import seed_risks  # noqa: E402  (the shared seeding of the benchmark database)

# Days from today on which no rule fires with the default rules (30, 7, 1, the day, overdue).
FIRING = {-1, 0, 1, 7, 30}


def add_load(*, items: int, evidence: int, due: int) -> dict[str, int]:
    from django.db import connection

    from reminders.sources import SOURCES

    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM evidence_evidenceitem")
        have_evidence = cursor.fetchone()[0]
        more_evidence = max(0, evidence - have_evidence)
        # Evidence link items of random organisations, valid until a non-firing day.
        cursor.execute(
            """
            INSERT INTO evidence_evidenceitem
                (organization_id, title, description, kind, url, valid_until, version,
                 created_at, updated_at)
            SELECT o.id, 'Load evidence ' || g, '', 'link', 'https://example.test/' || g,
                   CURRENT_DATE + (2 + mod(g, 1090) + CASE WHEN mod(g, 1090) + 2 IN (7, 30)
                                                         THEN 3 ELSE 0 END),
                   1, now(), now()
            FROM generate_series(1, %s) AS g
            JOIN (SELECT id, row_number() OVER (ORDER BY id) - 1 AS n
                  FROM organizations_organization) o ON o.n = mod(g, 50)
            """,
            [more_evidence],
        )
        cursor.execute("SELECT count(*) FROM risks_risk")
        risks = cursor.fetchone()[0]
        cursor.execute("SELECT count(*) FROM risks_treatmentaction")
        actions = cursor.fetchone()[0]
        dated = risks + evidence + actions
        more_actions = max(0, items - dated)
        cursor.execute(
            """
            INSERT INTO risks_treatmentaction
                (risk_id, title, description, owner_id, due_date, status, version,
                 created_at, updated_at)
            SELECT r.id, 'Load action ' || g, '', r.owner_id,
                   CURRENT_DATE + (2 + mod(g, 1090) + CASE WHEN mod(g, 1090) + 2 IN (7, 30)
                                                         THEN 3 ELSE 0 END),
                   'planned', 1, now(), now()
            FROM generate_series(1, %s) AS g
            JOIN risks_risk r ON r.id = (SELECT min(id) FROM risks_risk) + mod(g, %s)
            """,
            [more_actions, risks],
        )
        # Move every other dated item off the firing days, then make ``due`` of them due.
        cursor.execute(
            "UPDATE risks_risk SET next_review_date = CURRENT_DATE + 400 "
            "WHERE next_review_date - CURRENT_DATE IN (-1, 0, 1, 7, 30)"
        )
        cursor.execute(
            "UPDATE risks_risk SET acceptance_expires = CURRENT_DATE + 401 "
            "WHERE acceptance_expires - CURRENT_DATE IN (-1, 0, 1, 7, 30)"
        )
        cursor.execute(
            "UPDATE risks_treatmentaction SET due_date = CURRENT_DATE + 402 "
            "WHERE due_date - CURRENT_DATE IN (-1, 0, 1, 7, 30)"
        )
        cursor.execute(
            "UPDATE evidence_evidenceitem SET valid_until = CURRENT_DATE + 403 "
            "WHERE valid_until - CURRENT_DATE IN (-1, 0, 1, 7, 30)"
        )
        cursor.execute(
            """
            UPDATE risks_treatmentaction SET due_date = CURRENT_DATE + 7, status = 'planned'
            WHERE id IN (SELECT t.id FROM risks_treatmentaction t JOIN risks_risk r
                         ON r.id = t.risk_id WHERE t.owner_id IS NOT NULL
                         ORDER BY t.id LIMIT %s)
            """,
            [due],
        )
        cursor.execute("ANALYZE")
        counts = {}
        for table in ("risks_risk", "risks_treatmentaction", "evidence_evidenceitem"):
            cursor.execute(f"SELECT count(*) FROM {table}")
            counts[table] = cursor.fetchone()[0]
    counts["sources"] = len(SOURCES)
    return counts


def run_scan() -> tuple[float, int, int]:
    import datetime

    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from aims.organizations.models import Organization
    from reminders.models import Reminder, ReminderScan
    from reminders.services import reminders_scan

    Reminder.objects.all().delete()
    ReminderScan.objects.all().delete()
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    ReminderScan.objects.bulk_create(
        ReminderScan(organization=o, scanned_through=yesterday) for o in Organization.objects.all()
    )
    with CaptureQueriesContext(connection) as queries:
        started = time.perf_counter()
        reminders_scan()
        seconds = time.perf_counter() - started
    return seconds, len(queries), Reminder.objects.count()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--due", type=int, default=1000)
    parser.add_argument("--items", type=int, default=1_000_000)
    parser.add_argument("--evidence", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--skip-seed", action="store_true", help="reuse the seeded database")
    parser.add_argument(
        "--database-url",
        default=os.environ.get("BENCH_DATABASE_URL", seed_risks.DEFAULT_DATABASE_URL),
    )
    args = parser.parse_args()
    seed_risks.configure(args.database_url)
    from django.core.management import call_command
    from django.db import connection

    if not args.skip_seed:
        connection.close()
        seed_risks.recreate_database(args.database_url)
        call_command("migrate", verbosity=0)
        seed_args = argparse.Namespace(
            orgs=50,
            risks=20000,
            big_org=2000,
            export_org=1000,
            evidence_per_org=20,
            random_seed=42001,
            database_url=args.database_url,
        )
        seed_risks.seed(seed_args)
        started = time.perf_counter()
        counts = add_load(items=args.items, evidence=args.evidence, due=args.due)
        print(f"load added in {time.perf_counter() - started:.1f} s: {counts}")
    runs = [run_scan() for _ in range(args.repeat)]
    seconds = statistics.median(r[0] for r in runs)
    print(
        f"reminder scan: median {seconds:.2f} s over {args.repeat} runs "
        f"({', '.join(f'{r[0]:.2f}' for r in runs)}); {runs[0][1]} queries; "
        f"{runs[0][2]} reminders written; target ≤ 2 s: {'PASS' if seconds <= 2 else 'FAIL'}"
    )


if __name__ == "__main__":
    main()
