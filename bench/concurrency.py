"""Concurrent writes against a real server: status codes per load, 5xx above all.

Usage:
    .venv/bin/python bench/concurrency.py [--risks 1500] [--threads 12] [--criteria 20]
        [--systems 30] [--server-root DIR] [--database-url URL] [--port 8765]

It drops and re-creates a dedicated Postgres database (default ``aims_bench_concurrency``;
the name must contain ``bench``), migrates it and seeds one organisation with an
administrator, a write token per client thread and ``--systems`` AI systems with three
data sets and three components each. Then it starts gunicorn (``--workers`` processes of
``--server-threads`` threads, DEBUG off) on that database and runs three loads over HTTP:

1. ``--risks`` ``POST /api/v1/risks/`` from ``--threads`` threads (the organisation has no
   risk criteria yet, so the first requests also race to create the default ones);
2. ``--criteria`` parallel ``POST /api/v1/risk-criteria/`` (new criteria versions), twice;
3. ``DELETE /api/v1/ai-systems/{id}/`` racing ``DELETE /api/v1/ai-system-components/{id}/``
   and ``PATCH /api/v1/ai-system-datasets/{id}/`` on the same systems.

It prints the count of each status code per load, checks that the numbers given out are
distinct and gap-free, and exits 1 if any request answered 5xx. ``--server-root`` runs the
server from another checkout (e.g. ``git archive main | tar -x -C /tmp/aims-main``) with
this virtualenv, to measure the code before a change on the same machine.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import platform
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != ROOT / "bench"]
sys.path.insert(0, str(ROOT))

from bench.seed_risks import configure, recreate_database  # noqa: E402

DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/aims_bench_concurrency"
CRITERIA = {
    "name": "Three by three",
    "likelihood_levels": [
        {"label": "Seldom", "description": ""},
        {"label": "Sometimes", "description": ""},
        {"label": "Often", "description": ""},
    ],
    "impact_levels": [
        {"label": "Minor", "description": ""},
        {"label": "Major", "description": ""},
        {"label": "Severe", "description": ""},
    ],
    "bands": [
        {"key": "low", "label": "Low", "colour": "#2e7d32"},
        {"key": "high", "label": "High", "colour": "#b91c1c"},
    ],
    "matrix": [["low", "low", "high"], ["low", "high", "high"], ["high", "high", "high"]],
    "acceptance_band": "low",
}


def seed(*, tokens: int, systems: int) -> dict:
    from aims.api.services import api_token_create
    from aims.core.permissions import Role
    from aims.inventory.models import AISystem, AISystemComponent, AISystemDataset
    from aims.organizations.models import Membership, Organization, User

    org = Organization.objects.create(name="Bench Concurrency", slug="bench-concurrency")
    user = User.objects.create_user(
        email="admin@bench-concurrency.example", password="bench-password-1", full_name="Admin"
    )
    Membership.objects.create(organization=org, user=user, role=Role.ADMIN)
    raw = [
        api_token_create(user=user, name=f"bench {i}", scope="write", expires_in_days=1)[1]
        for i in range(tokens)
    ]
    family = []
    for s in range(systems):
        system = AISystem.objects.create(
            organization=org,
            name=f"System {s}",
            description="Bench system.",
            purpose="Bench.",
            intended_use="Bench.",
            ai_roles=["customer"],
            eu_ai_act_role="deployer",
            lifecycle_stage="operation_monitoring",
        )
        datasets = [
            AISystemDataset.objects.create(
                ai_system=system, name=f"Data {s}-{p}", purpose="training", source="Bench"
            ).pk
            for p in range(3)
        ]
        components = [
            AISystemComponent.objects.create(
                ai_system=system, name=f"Part {s}-{p}", kind="model"
            ).pk
            for p in range(3)
        ]
        family.append({"system": system.pk, "datasets": datasets, "components": components})
    return {"org": org.pk, "tokens": raw, "family": family}


SAMPLES: dict[tuple[str, int], str] = {}  # the first body of each unusual answer
SAMPLES_LOCK = threading.Lock()


class Api:
    """One keep-alive connection per thread."""

    def __init__(self, port: int, token: str) -> None:
        self.port, self.token = port, token
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)

    def call(self, method: str, path: str, body: dict | None = None) -> int:
        headers = {"Authorization": f"Bearer {self.token}", "Accept": "application/json"}
        data = None
        if body is not None:
            data = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
        for attempt in (1, 2):
            try:
                self.conn.request(method, path, body=data, headers=headers)
                response = self.conn.getresponse()
                text = response.read()
                if response.status not in (200, 201, 204, 404):
                    with SAMPLES_LOCK:
                        SAMPLES.setdefault((method, response.status), text[:300].decode())
                return response.status
            except (http.client.HTTPException, ConnectionError):
                self.conn.close()
                self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=120)
                if attempt == 2:
                    return 0  # no answer at all: counted as such
        return 0


def in_threads(count: int, work) -> Counter:
    codes: Counter = Counter()
    lock = threading.Lock()
    start = threading.Barrier(count)

    def run(i: int) -> None:
        start.wait()
        for code in work(i):
            with lock:
                codes[code] += 1

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return codes


def load_risks(port: int, data: dict, *, total: int, threads: int) -> Counter:
    def work(i: int):
        api = Api(port, data["tokens"][i])
        for n in range(i, total, threads):
            yield api.call(
                "POST",
                "/api/v1/risks/",
                {
                    "organization": data["org"],
                    "title": f"Bench risk {n}",
                    "description": "Posted by bench/concurrency.py.",
                    "inherent_likelihood": 3,
                    "inherent_impact": 3,
                    "status": "assessed",
                    "review_interval_months": 12,
                },
            )

    return in_threads(threads, work)


def load_criteria(port: int, data: dict, *, parallel: int, rounds: int) -> Counter:
    codes: Counter = Counter()
    for r in range(rounds):

        def work(i: int, r=r):
            api = Api(port, data["tokens"][i % len(data["tokens"])])
            body = {"organization": data["org"], **CRITERIA, "change_summary": f"Round {r} #{i}"}
            yield api.call("POST", "/api/v1/risk-criteria/", body)

        codes += in_threads(parallel, work)
    return codes


def load_family(port: int, data: dict, *, threads: int, batch: int) -> Counter:
    """Systems in batches of ``batch``: for each batch, at the same moment, a third of the
    threads delete the systems, a third delete their components and a third patch their
    data sets (twice each), each thread walking the batch in its own order."""
    family = data["family"]
    codes: Counter = Counter()
    for first in range(0, len(family), batch):
        members = family[first : first + batch]

        def work(i: int, members=members):
            api = Api(port, data["tokens"][i])
            order = members[i % len(members) :] + members[: i % len(members)]
            if i % 2:
                order = order[::-1]
            for member in order:
                if i % 3 == 0:
                    yield api.call("DELETE", f"/api/v1/ai-systems/{member['system']}/")
                elif i % 3 == 1:
                    for pk in member["components"]:
                        yield api.call("DELETE", f"/api/v1/ai-system-components/{pk}/")
                else:
                    for n in range(2):
                        for pk in member["datasets"]:
                            yield api.call(
                                "PATCH",
                                f"/api/v1/ai-system-datasets/{pk}/",
                                {"notes": f"thread {i}, pass {n}"},
                            )

        codes += in_threads(threads, work)
    return codes


def start_server(args, database_url: str) -> subprocess.Popen:
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "DEBUG": "false",
        "SECRET_KEY": "bench-only-secret-key-not-for-production-use-0123456789",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "AIMS_VAR_DIR": "/tmp/aims-bench-concurrency",
        "LOG_LEVEL": "ERROR",
        "DJANGO_SETTINGS_MODULE": "aims.settings",
    }
    server_root = Path(args.server_root or ROOT).resolve()
    command = [
        str(Path(sys.executable).parent / "gunicorn"),
        "aims.wsgi",
        "--chdir",
        str(server_root),
        "--bind",
        f"127.0.0.1:{args.port}",
        "--workers",
        str(args.workers),
        "--threads",
        str(args.server_threads),
        "--worker-class",
        "gthread",
        "--timeout",
        "120",
        "--log-level",
        "warning",
        "--error-logfile",
        args.server_log,
    ]
    log = open(args.server_log, "a")  # noqa: SIM115 (the server's output, for its lifetime)
    server = subprocess.Popen(
        command, env=env, cwd=server_root, start_new_session=True, stdout=log, stderr=log
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", args.port, timeout=5)
            conn.request("GET", "/api/v1/")
            conn.getresponse().read()
            return server
        except OSError:
            time.sleep(0.3)
    server.kill()
    sys.exit("the server did not start; see " + args.server_log)


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def report(label: str, codes: Counter, seconds: float) -> int:
    errors = sum(n for code, n in codes.items() if code >= 500 or code == 0)
    shown = ", ".join(f"{code} × {n}" for code, n in sorted(codes.items()))
    print(f"{label:<58} {sum(codes.values()):>5} requests {seconds:6.1f} s   {shown}")
    print(f"{'':<58} 5xx: {errors}")
    return errors


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default=DEFAULT_DATABASE_URL)
    parser.add_argument("--risks", type=int, default=1500)
    parser.add_argument("--threads", type=int, default=12)
    parser.add_argument("--criteria", type=int, default=20)
    parser.add_argument("--systems", type=int, default=30)
    parser.add_argument("--batch", type=int, default=3, help="systems raced at once")
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--server-threads", type=int, default=4)
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--server-root", default="")
    parser.add_argument("--server-log", default="/tmp/aims-bench-concurrency-server.log")
    args = parser.parse_args()

    clients = max(args.threads, args.criteria, 6)
    print(f"machine: {os.cpu_count()} CPUs, {cpu_model()}; load average {os.getloadavg()}")
    print(
        f"server: gunicorn {args.workers} workers × {args.server_threads} threads, code at "
        f"{args.server_root or ROOT}"
    )
    recreate_database(args.database_url)
    configure(args.database_url)
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    data = seed(tokens=clients, systems=args.systems)
    from django.db import connections

    connections.close_all()
    server = start_server(args, args.database_url)
    errors = 0
    try:
        started = time.monotonic()
        codes = load_risks(args.port, data, total=args.risks, threads=args.threads)
        errors += report(
            f"POST /risks/ × {args.risks}, {args.threads} threads",
            codes,
            time.monotonic() - started,
        )
        started = time.monotonic()
        codes = load_criteria(args.port, data, parallel=args.criteria, rounds=2)
        errors += report(
            f"POST /risk-criteria/, {args.criteria} parallel, 2 rounds",
            codes,
            time.monotonic() - started,
        )
        started = time.monotonic()
        codes = load_family(args.port, data, threads=max(6, args.threads), batch=args.batch)
        errors += report(
            "DELETE system / DELETE component / PATCH data set",
            codes,
            time.monotonic() - started,
        )
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
    check_numbers(data)
    for (method, code), text in sorted(SAMPLES.items()):
        print(f"first {method} answered {code}: {text}")
    print(f"load average at the end {os.getloadavg()}")
    print("5xx in all:", errors)
    sys.exit(1 if errors else 0)


def check_numbers(data: dict) -> None:
    from risks.models import Risk, RiskCriteria

    for model in (Risk, RiskCriteria):
        numbers = sorted(
            model.objects.filter(organization_id=data["org"]).values_list("number", flat=True)
        )
        ok = numbers == list(range(1, len(numbers) + 1))
        print(f"{model.__name__} numbers: {len(numbers)} rows, distinct and 1…N: {ok}")


if __name__ == "__main__":
    main()
