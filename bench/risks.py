"""Server time and query counts of the risk register, the risks API, the SoA and the exports.

Usage (after ``bench/seed_risks.py`` has filled the bench database):
    .venv/bin/python bench/risks.py [--repeat 20] [--warmup 3] [--database-url URL]

Requests go through Django's test ``Client`` in this process against the seeded Postgres
database (no network, no test-database copy), so the time is the server's: URL routing,
middleware, view, queries and rendering. Each target is requested ``--warmup`` times, then
``--repeat`` times; the table shows the median and 90th percentile and the SQL queries of
one request (the largest count seen). A URL name that does not exist (yet) is reported as
"not available" rather than failing the run.

The UI and API are measured as ``officer@bench-01.example`` (2,000 risks in bench-01); the
exports as ``officer@bench-02.example`` (1,000 risks). The PDF goes through the real view
(which records a job) and then the job runner in this process instead of a Celery worker.
"""

from __future__ import annotations

import argparse
import logging
import math
import os
import platform
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# Run as a script, this file's folder comes first on sys.path and its name would shadow the
# ``risks`` app; drop the folder and import the seeder's helpers through the project root.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != ROOT / "bench"]
sys.path.insert(0, str(ROOT))

from bench.seed_risks import DEFAULT_DATABASE_URL, configure, database_name  # noqa: E402

BIG_ORG, EXPORT_ORG = "bench-01", "bench-02"


@dataclass
class Result:
    label: str
    target_ms: float | None
    median: float | None = None
    p90: float | None = None
    queries: int | None = None
    query_limit: int | None = None
    note: str = ""

    @property
    def verdict(self) -> str:
        if self.median is None:
            return "n/a"
        ok = self.target_ms is None or self.median <= self.target_ms
        if self.query_limit is not None and self.queries is not None:
            ok = ok and self.queries <= self.query_limit
        if self.target_ms is None and self.query_limit is None:
            return "info"
        return "PASS" if ok else "FAIL"


def machine() -> str:
    model = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return f"{os.cpu_count()} CPU(s) ({model}), Python {platform.python_version()}"


def load_average() -> str:
    try:
        return " ".join(f"{x:.2f}" for x in os.getloadavg())
    except OSError:
        return "unknown"


def percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    return ordered[max(0, math.ceil(pct / 100 * len(ordered)) - 1)]


def time_calls(call: Callable[[], int], *, warmup: int, repeat: int) -> tuple[list[float], int]:
    """Collect wall times in ms of ``call``, and the SQL queries of one call.

    Queries are counted on separate, untimed calls (the first and the last): capturing them
    switches Django to its debug cursor, which formats every statement and would add its own
    cost to the figures."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            call()
        return len(ctx.captured_queries)

    for _ in range(warmup):
        call()
    most_queries = count()
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        call()
        times.append((time.perf_counter() - start) * 1000)
    return times, max(most_queries, count())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument("--pdf-repeat", type=int, default=3)
    parser.add_argument(
        "--profile",
        metavar="TEXT",
        help="after measuring, profile one request of each target whose label contains TEXT",
    )
    parser.add_argument(
        "--only",
        metavar="TEXT",
        help="measure only the targets whose label contains TEXT (case-insensitive)",
    )
    parser.add_argument(
        "--database-url", default=os.environ.get("BENCH_DATABASE_URL", DEFAULT_DATABASE_URL)
    )
    args = parser.parse_args()
    configure(args.database_url)

    from unittest import mock

    from django.conf import settings
    from django.test import Client
    from django.urls import NoReverseMatch, Resolver404, resolve, reverse

    from aims.api.services import api_token_create
    from aims.organizations.models import Organization, User
    from risks.models import Risk

    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    try:
        big = Organization.objects.get(slug=BIG_ORG)
        export_org = Organization.objects.get(slug=EXPORT_ORG)
    except Organization.DoesNotExist:
        sys.exit(f"no bench data in {database_name(args.database_url)}: run bench/seed_risks.py")
    officer = User.objects.get(email=f"officer@{BIG_ORG}.example")
    export_officer = User.objects.get(email=f"officer@{EXPORT_ORG}.example")

    # WeasyPrint narrates every layout step at INFO; keep the table readable.
    for name in ("weasyprint", "fontTools", "weasyprint.progress"):
        logging.getLogger(name).setLevel(logging.WARNING)
    print(f"machine: {machine()}")
    print(f"load average at start: {load_average()} (other work on the machine inflates times)")
    print(
        f"database: {database_name(args.database_url)}: "
        f"{Organization.objects.count()} organisations, {Risk.objects.count()} risks "
        f"({Risk.objects.filter(organization=big).count()} in {BIG_ORG}, "
        f"{Risk.objects.filter(organization=export_org).count()} in {EXPORT_ORG})"
    )
    print(f"runs: {args.warmup} warm-up + {args.repeat} measured per target\n")

    ui = Client()
    ui.force_login(officer)
    export_ui = Client()
    export_ui.force_login(export_officer)
    _token, raw = api_token_create(user=officer, name="bench", scope="read", expires_in_days=1)
    api = Client(HTTP_AUTHORIZATION=f"Bearer {raw}")

    results: list[Result] = []

    def page(
        label: str,
        client: Client,
        url: str | None,
        *,
        target_ms: float | None,
        query_limit: int | None = 10,
        expect_rows: int | None = None,
        consume: bool = False,
        repeat: int | None = None,
    ) -> None:
        if args.only and args.only.lower() not in label.lower():
            return
        result = Result(label, target_ms, query_limit=query_limit)
        results.append(result)
        if url is None:
            result.note = "not available (URL not defined)"
            return
        try:
            resolve(url.split("?")[0])
        except Resolver404:
            result.note = "not available (URL not defined)"
            return
        statuses: set[int] = set()
        rows: list[int] = []

        def call() -> int:
            response = client.get(url)
            statuses.add(response.status_code)
            if consume and response.streaming:
                b"".join(response.streaming_content)
            if expect_rows is not None and response.status_code == 200:
                rows.append(len(response.json().get("results", [])))
            return response.status_code

        try:
            times, queries = time_calls(call, warmup=args.warmup, repeat=repeat or args.repeat)
        except Exception as exc:  # a view under construction must not stop the run
            result.note = f"error: {type(exc).__name__}: {str(exc)[:80]}"
            return
        if statuses != {200}:
            result.note = f"HTTP {sorted(statuses)}"
            return
        result.median, result.p90, result.queries = (
            statistics.median(times),
            percentile(times, 90),
            queries,
        )
        if expect_rows is not None and rows and rows[-1] != expect_rows:
            result.note = f"{rows[-1]} rows returned, expected {expect_rows}"
        if args.profile and args.profile.lower() in label.lower():
            profile(label, call)

    def url_for(name: str, slug: str, query: str = "") -> str | None:
        try:
            return reverse(name, kwargs={"org": slug}) + query
        except NoReverseMatch:
            return None

    register = url_for("risks:risk_list", BIG_ORG)
    page("Risk register page, 100 rows", ui, register and register + "?page_size=100", target_ms=50)
    page(
        "API /risks/ page_size=100",
        api,
        f"/api/v1/risks/?organization={big.pk}&page_size=100",
        target_ms=50,
        expect_rows=100,
    )
    page(
        "API /risks/ page_size=500",
        api,
        f"/api/v1/risks/?organization={big.pk}&page_size=500",
        target_ms=200,
        expect_rows=500,
    )
    page(
        "SoA page (38 controls)",
        ui,
        url_for("controls:soa", BIG_ORG),
        target_ms=100,
        query_limit=15,
    )
    exports = url_for("reports:risk_register_export", EXPORT_ORG)
    for fmt in ("csv", "xlsx"):
        page(
            f"Register export {fmt.upper()}, 1,000 risks",
            export_ui,
            exports and f"{exports}?format={fmt}",
            target_ms=None,
            query_limit=None,
            consume=True,
            repeat=max(3, args.repeat // 4),
        )
    if not args.only or args.only.lower() in "register export pdf":
        results.append(pdf_export(exports, export_ui, export_officer, args.pdf_repeat, mock))

    print(
        f"{'target':40} {'limit':>8} {'median ms':>10} {'p90 ms':>9} {'queries':>8} {'result':>7}"
    )
    for r in results:
        limit = f"{r.target_ms:.0f} ms" if r.target_ms is not None else "—"
        if r.median is None:
            print(f"{r.label:40} {limit:>8} {'':>10} {'':>9} {'':>8} {r.verdict:>7}  {r.note}")
            continue
        queries = f"{r.queries}" + (f"/{r.query_limit}" if r.query_limit else "")
        print(
            f"{r.label:40} {limit:>8} {r.median:10.1f} {r.p90:9.1f} {queries:>8} "
            f"{r.verdict:>7}  {r.note}"
        )
    print(f"\nload average at end: {load_average()}")


def profile(label: str, call: Callable[[], int]) -> None:
    import cProfile
    import io
    import pstats

    profiler = cProfile.Profile()
    profiler.runcall(call)
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out)
    stats.sort_stats(os.environ.get("BENCH_PROFILE_SORT", "cumulative")).print_stats(30)
    if os.environ.get("BENCH_PROFILE_CALLERS"):
        stats.print_callers(os.environ["BENCH_PROFILE_CALLERS"])
    print(f"\n--- profile: {label} ---\n{out.getvalue()}")


def pdf_export(url: str | None, client, user, repeat: int, mock) -> Result:
    """Start the PDF through the view (which records a job), then run the job here."""
    result = Result("Register export PDF, 1,000 risks (job)", 8000, query_limit=None)
    if url is None:
        result.note = "not available (URL not defined)"
        return result
    try:
        from aims.core.jobs import run_job
        from aims.core.models import Job, JobStatus
        from risks import tasks
        from risks.exports import risk_register_pdf_run
    except ImportError as exc:
        result.note = f"not available ({exc})"
        return result
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    times, most_queries, size = [], 0, 0
    try:
        for _ in range(repeat):
            before = (
                Job.objects.filter(created_by=user)
                .order_by("-pk")
                .values_list("pk", flat=True)
                .first()
            )
            with (
                mock.patch.object(tasks.risk_register_pdf, "delay"),
                CaptureQueriesContext(connection) as ctx,
            ):
                start = time.perf_counter()
                response = client.get(f"{url}?format=pdf")
                job = Job.objects.filter(created_by=user).order_by("-pk").first()
                if response.status_code not in (200, 302) or job is None or job.pk == before:
                    result.note = f"HTTP {response.status_code}, no job recorded"
                    return result
                run_job(job.pk, risk_register_pdf_run)
                times.append((time.perf_counter() - start) * 1000)
            most_queries = max(most_queries, len(ctx.captured_queries))
            job.refresh_from_db()
            if job.status != JobStatus.SUCCEEDED:
                result.note = f"job {job.status}: {job.error[:80]}"
                return result
            size = job.result_file.size if job.result_file else 0
    except Exception as exc:
        result.note = f"error: {type(exc).__name__}: {str(exc)[:80]}"
        return result
    result.median, result.p90, result.queries = (
        statistics.median(times),
        percentile(times, 90),
        most_queries,
    )
    result.note = f"{repeat} runs, {size / 1024:.0f} KiB"
    return result


if __name__ == "__main__":
    main()
