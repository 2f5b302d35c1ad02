"""Wall-clock time of the SoA and risk register exports (XLSX, CSV, PDF).

Usage: .venv/bin/python bench/exports.py [--risks 1000] [--repeat 3]

Runs in a throw-away test database (SQLite by default; set DATABASE_URL for Postgres) with
one organisation holding ``--risks`` risks, each linked to an AI system, two Annex A
controls, an Annex C risk source and two treatment actions. Downloads go through the real
views with Django's test ``Client`` in this process; the register PDF goes through the real
view (which records a job) and then the job runner in this process instead of a Celery
worker, so the figure is the worker's time for the job. Prints the median of ``--repeat``
runs, the file size and the SQL query count.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != ROOT / "bench"]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "aims.settings")
os.environ.setdefault("SECRET_KEY", "bench-only-not-a-secret")  # DEBUG off needs one
os.environ.setdefault("AIMS_VAR_DIR", "/tmp/aims-bench-exports")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext, setup_test_environment  # noqa: E402


def seed(count: int):
    import datetime
    import random

    from aims.core.changelog import change_context
    from aims.inventory.models import AISystem
    from aims.organizations.models import Membership, Organization, User
    from controls.catalog import load_catalog
    from controls.models import ControlImplementation, Requirement
    from controls.services import controls_ensure_for
    from risks.models import Risk, TreatmentAction
    from risks.services import risk_criteria_current

    rng = random.Random(42)
    with change_context(source="import"):
        load_catalog()
        user = User.objects.create_user("bench@example.com", full_name="Bench Officer")
        org = Organization.objects.create(name="Bench Exports Ltd", slug="bench-exports")
        Membership.objects.create(organization=org, user=user, role="officer")
        controls_ensure_for(organization=org)
        criteria = risk_criteria_current(organization=org)
        systems = [
            AISystem.objects.create(
                organization=org,
                name=f"AI system {i}",
                description="d",
                purpose="p",
                intended_use="u",
                ai_roles=["developer"],
                lifecycle_stage="operation_monitoring",
            )
            for i in range(8)
        ]
        controls = list(ControlImplementation.objects.filter(organization=org))
        sources = list(Requirement.objects.filter(kind="annex_c_risk_source"))
        accepted_at = datetime.datetime(2026, 6, 1, tzinfo=datetime.UTC)
        risks = []
        for number in range(1, count + 1):
            risk = Risk(
                organization=org,
                number=number,
                title=f"Risk {number}: the model drifts after a data change in region {number % 9}",
                description="What could happen, how, and to whom. " * 3,
                consequences_organization="Complaints, rework and a possible fine.",
                consequences_individuals="Some customers are treated unfairly.",
                criteria=criteria,
                inherent_likelihood=rng.randint(1, 5),
                inherent_impact=rng.randint(1, 5),
                existing_controls="Monthly review.",
                owner=user,
                status=rng.choice(["identified", "assessed", "in_treatment", "monitored"]),
                treatment_option=rng.choice(["modify", "avoid", "share", "retain", ""]),
                next_review_date=datetime.date(2027, 1, 1) + datetime.timedelta(days=number % 300),
            )
            if number % 3:
                risk.residual_likelihood = rng.randint(1, 3)
                risk.residual_impact = rng.randint(1, 3)
            if risk.status == "monitored":  # only an accepted risk is monitored (a constraint)
                risk.accepted_by, risk.accepted_at = user, accepted_at
            risk.apply_levels()
            risks.append(risk)
        Risk.objects.bulk_create(risks, batch_size=500)
        risks = list(Risk.objects.filter(organization=org))
        Through = Risk.ai_systems.through
        Through.objects.bulk_create(
            [Through(risk_id=r.pk, aisystem_id=systems[r.number % 8].pk) for r in risks]
        )
        Controls = Risk.controls.through
        Controls.objects.bulk_create(
            [
                Controls(risk_id=r.pk, controlimplementation_id=controls[(r.number + k) % 38].pk)
                for r in risks
                for k in (0, 7)
            ]
        )
        if sources:
            Sources = Risk.risk_sources.through
            Sources.objects.bulk_create(
                [
                    Sources(risk_id=r.pk, requirement_id=sources[r.number % len(sources)].pk)
                    for r in risks
                ]
            )
        TreatmentAction.objects.bulk_create(
            [
                TreatmentAction(
                    risk=r,
                    title=f"Step {k}",
                    status="done" if k else "planned",
                    completed_on=datetime.date(2026, 1, 1) if k else None,
                )
                for r in risks
                for k in (0, 1)
            ],
            batch_size=1000,
        )
    return user, org


def timed(repeat: int, run) -> tuple[float, int, int]:
    times, queries, size = [], 0, 0
    for _ in range(repeat):
        with CaptureQueriesContext(connection) as ctx:
            start = time.perf_counter()
            size = run()
            times.append(time.perf_counter() - start)
        queries = len(ctx.captured_queries)
    return statistics.median(times), queries, size


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--risks", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    from django.test.utils import get_runner

    setup_test_environment()
    runner = get_runner(django.conf.settings)(verbosity=0)
    old = runner.setup_databases()
    import tempfile

    from django.conf import settings

    settings.MEDIA_ROOT = Path(tempfile.mkdtemp(prefix="aims-bench-media-"))
    try:
        t0 = time.perf_counter()
        user, org = seed(args.risks)
        print(
            f"seeded {args.risks} risks in {time.perf_counter() - t0:.1f} s on "
            f"{connection.vendor}; {os.cpu_count()} CPU(s), {platform.processor() or platform.machine()}"
        )
        from aims.core.jobs import run_job
        from aims.core.models import Job
        from risks import tasks
        from risks.exports import risk_register_pdf_run

        # The job runs in this process below; nothing is sent to a broker.
        tasks.risk_register_pdf.delay = lambda *args, **kwargs: None

        client = Client()
        client.force_login(user)
        base = f"/o/{org.slug}/reports"

        def download(url: str):
            def run() -> int:
                response = client.get(url)
                assert response.status_code == 200, (url, response.status_code)
                content = (
                    b"".join(response.streaming_content) if response.streaming else response.content
                )
                return len(content)

            return run

        def register_pdf() -> int:
            response = client.get(f"{base}/risks/?format=pdf")
            assert response.status_code == 302, response.status_code
            job = Job.objects.latest("pk")
            run_job(job.pk, risk_register_pdf_run)
            job.refresh_from_db()
            assert job.status == "succeeded", job.error
            return job.result_file.size

        targets = [
            ("SoA XLSX (38 controls)", download(f"{base}/soa/?format=xlsx"), None),
            ("SoA CSV", download(f"{base}/soa/?format=csv"), None),
            ("SoA PDF", download(f"{base}/soa/?format=pdf"), None),
            (f"Risk register XLSX ({args.risks})", download(f"{base}/risks/?format=xlsx"), None),
            (f"Risk register CSV ({args.risks})", download(f"{base}/risks/?format=csv"), None),
            (f"Risk register PDF job ({args.risks})", register_pdf, 8.0),
        ]
        print(f"{'export':34} {'median s':>9} {'queries':>8} {'size KB':>9}  target")
        for label, run, target in targets:
            seconds, queries, size = timed(args.repeat, run)
            verdict = (
                "" if target is None else ("ok" if seconds <= target else "OVER") + f" ≤{target:g}s"
            )
            print(f"{label:34} {seconds:9.2f} {queries:8d} {size / 1024:9.0f}  {verdict}")
    finally:
        runner.teardown_databases(old)


if __name__ == "__main__":
    main()
