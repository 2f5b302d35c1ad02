"""Seed a dedicated benchmark database with many organisations, risks and SoA rows.

Usage:
    .venv/bin/python bench/seed_risks.py [--orgs 50] [--risks 20000] [--database-url URL]

The database is dropped and created again on every run (its name must contain "bench",
default ``postgres://postgres@127.0.0.1:5432/aims_bench``), migrated, then seeded with:

- ``--orgs`` organisations, each with an admin, officer, contributor and viewer and about
  ten AI systems;
- the reference catalog, and per organisation the 38 Annex A rows and the clause rows
  (``controls_ensure_for``, the real code path) and the default 5×5 criteria;
- ``--risks`` risks: the first organisation ("bench-01") gets ``--big-org`` of them (for the
  register at page size 500), the second ``--export-org`` (the 1,000-risk export), the rest
  share what is left. Scores, owners, statuses and treatment options vary; each risk links
  to AI systems, Annex C risk sources and objectives, and SoA rows; about one treatment
  action per risk; evidence link items linked to controls and risks.

Risks, actions, evidence and all many-to-many links are written with ``bulk_create``
(levels computed with ``Risk.apply_levels`` first, numbers set explicitly), so **the change
log is deliberately not written for them**: this is load data for timing, not a history.
Organisations, users, memberships and AI systems are bulk-created too; only the SoA rows and
criteria go through the normal services (and so are logged).

Every login's password is ``bench-password-1``; ``officer@bench-01.example`` is the user
``bench/risks.py`` measures with.
"""

from __future__ import annotations

import argparse
import datetime
import os
import random
import sys
import time
from pathlib import Path
from types import SimpleNamespace
from typing import Any
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/aims_bench"
PASSWORD = "bench-password-1"
ROLES = ("admin", "officer", "contributor", "viewer")
SECTORS = (
    "Consumer credit",
    "Insurance",
    "Healthcare analytics",
    "Retail",
    "Logistics",
    "Public services",
    "Telecommunications",
    "Recruitment",
)
SYSTEM_KINDS = (
    ("Credit scoring model", "provider"),
    ("Customer support assistant", "deployer"),
    ("CV screening service", "deployer"),
    ("Fraud detection model", "developer"),
    ("Document summariser", "deployer"),
    ("Demand forecasting model", "developer"),
    ("Claims triage classifier", "provider"),
    ("Internal code assistant", "deployer"),
    ("Churn prediction model", "developer"),
    ("Image quality inspector", "provider"),
    ("Speech transcription service", "deployer"),
    ("Pricing optimiser", "developer"),
)


def database_name(url: str) -> str:
    return urlsplit(url).path.lstrip("/")


def configure(database_url: str) -> None:
    """Point Django at the bench database and set it up (call before importing models)."""
    name = database_name(database_url)
    if not database_url.startswith(("postgres://", "postgresql://")) or "bench" not in name:
        sys.exit(f"refusing {database_url!r}: use a Postgres database whose name contains 'bench'")
    sys.path.insert(0, str(ROOT))
    os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "aims.settings")
    os.environ.setdefault("SECRET_KEY", "bench-only-not-a-secret")  # DEBUG off needs one
    os.environ.setdefault("AIMS_VAR_DIR", "/tmp/aims-bench")
    os.environ.setdefault("DEBUG", "false")
    import django

    django.setup()


def recreate_database(database_url: str) -> None:
    """Drop and create the bench database (only that one) through the server's postgres DB."""
    import psycopg2
    from psycopg2 import sql

    parts = urlsplit(database_url)
    name = database_name(database_url)
    conn = psycopg2.connect(
        host=parts.hostname or "127.0.0.1",
        port=parts.port or 5432,
        user=parts.username or "postgres",
        password=parts.password or None,
        dbname="postgres",
    )
    conn.autocommit = True
    with conn.cursor() as cur:
        cur.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
        cur.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    conn.close()


class Timer:
    def __init__(self) -> None:
        self.start = self.last = time.perf_counter()
        self.steps: list[tuple[str, float]] = []

    def step(self, label: str) -> None:
        now = time.perf_counter()
        self.steps.append((label, now - self.last))
        print(f"  {label:<52} {now - self.last:7.1f} s", flush=True)
        self.last = now

    @property
    def total(self) -> float:
        return time.perf_counter() - self.start


def split_risks(total: int, orgs: int, big: int, export: int) -> list[int]:
    """How many risks each organisation gets: a big one, an export-sized one, the rest even."""
    counts = [0] * orgs
    counts[0] = min(big, total)
    if orgs > 1:
        counts[1] = min(export, total - counts[0])
    rest = total - sum(counts)
    others = max(orgs - 2, 0)
    for i in range(others):
        counts[2 + i] = rest // others + (1 if i < rest % others else 0)
    if others == 0 and orgs > 1:
        counts[1] += rest
    return counts


def seed(args: argparse.Namespace) -> dict[str, float]:
    from django.contrib.auth.hashers import make_password
    from django.db import connection, transaction
    from django.utils import timezone

    from aims.core.changelog import change_context
    from aims.core.models import ChangeSource
    from aims.evidence.models import EvidenceItem
    from aims.inventory.models import AISystem
    from aims.organizations.models import Membership, Organization, User
    from controls.catalog import load_catalog
    from controls.models import (
        Applicability,
        ControlImplementation,
        ImplementationStatus,
        Requirement,
        RequirementKind,
    )
    from controls.services import controls_ensure_for
    from risks.library import LIBRARY
    from risks.models import ActionStatus, Risk, RiskStatus, TreatmentAction, TreatmentOption
    from risks.services import risk_criteria_current

    rng = random.Random(args.random_seed)
    today = timezone.localdate()
    now = timezone.now()
    timer = Timer()
    counts = split_risks(args.risks, args.orgs, args.big_org, args.export_org)

    with change_context(source=ChangeSource.IMPORT, request_id="bench-seed"):
        # --- catalog ----------------------------------------------------------------------
        if not Requirement.objects.filter(framework__code="iso42001").exists():
            load_catalog()
        timer.step("catalog loaded")
        sources = list(
            Requirement.objects.filter(kind=RequirementKind.ANNEX_C_RISK_SOURCE).values_list(
                "pk", flat=True
            )
        )
        objectives = list(
            Requirement.objects.filter(kind=RequirementKind.ANNEX_C_OBJECTIVE).values_list(
                "pk", flat=True
            )
        )
        clauses = list(
            Requirement.objects.filter(kind=RequirementKind.CLAUSE, assessable=True).values_list(
                "pk", flat=True
            )
        )
        ref_to_pk = dict(
            Requirement.objects.filter(framework__code="iso42001").values_list("ref", "pk")
        )

        # --- organisations, people, AI systems (bulk; not logged) -------------------------
        with transaction.atomic():
            orgs = Organization.objects.bulk_create(
                [
                    Organization(
                        name=f"Bench Organisation {i:02d}",
                        slug=f"bench-{i:02d}",
                        legal_name=f"Bench Organisation {i:02d} Ltd",
                        sector=SECTORS[i % len(SECTORS)],
                        country="United Kingdom",
                    )
                    for i in range(1, args.orgs + 1)
                ]
            )
            hashed = make_password(PASSWORD)
            users = User.objects.bulk_create(
                [
                    User(
                        email=f"{role}@{org.slug}.example",
                        password=hashed,
                        full_name=f"{role.title()} of {org.slug}",
                        job_title=role.title(),
                    )
                    for org in orgs
                    for role in ROLES
                ]
            )
            members: dict[int, dict[str, User]] = {}
            memberships = []
            for index, org in enumerate(orgs):
                members[org.pk] = {}
                for offset, role in enumerate(ROLES):
                    user = users[index * len(ROLES) + offset]
                    members[org.pk][role] = user
                    memberships.append(Membership(organization=org, user=user, role=role))
            Membership.objects.bulk_create(memberships)
            systems_by_org: dict[int, list[int]] = {}
            systems = []
            for org in orgs:
                kinds = rng.sample(SYSTEM_KINDS, rng.randint(8, 12))
                for n, (name, role) in enumerate(kinds, start=1):
                    systems.append(
                        AISystem(
                            organization=org,
                            name=name,
                            reference=f"{org.slug.upper()}-AI-{n:03d}",
                            description=f"The {name.lower()} used by {org.name}.",
                            purpose="Bench data.",
                            intended_use="Bench data.",
                            # The EU AI Act's "deployer" uses a system it did not build.
                            ai_roles=["customer"] if role == "deployer" else [role],
                            eu_ai_act_role="deployer" if role == "deployer" else "",
                            lifecycle_stage="operation_monitoring",
                            owner=members[org.pk][rng.choice(("officer", "contributor"))],
                            next_review_date=today + datetime.timedelta(days=rng.randint(-30, 300)),
                        )
                    )
            for system in AISystem.objects.bulk_create(systems):
                systems_by_org.setdefault(system.organization_id, []).append(system.pk)
        timer.step(f"{len(orgs)} organisations, {len(users)} users, {len(systems)} AI systems")

        # --- SoA rows, clause rows and criteria through the services (logged) -------------
        with transaction.atomic():
            for org in orgs:
                controls_ensure_for(organization=org)
        timer.step("controls_ensure_for per organisation")
        with transaction.atomic():
            criteria = {org.pk: risk_criteria_current(organization=org) for org in orgs}
            # values_list, not .only(): a deferred field on a tracked model makes its
            # change-log snapshot reload the row, recursively.
            controls_by_org: dict[int, list[SimpleNamespace]] = {}
            for pk, org_pk, ref in ControlImplementation.objects.filter(
                organization__in=orgs
            ).values_list("pk", "organization_id", "ref"):
                controls_by_org.setdefault(org_pk, []).append(SimpleNamespace(pk=pk, ref=ref))
            # Give the SoA realistic variety without a save per row: one UPDATE per bucket.
            all_controls = [c.pk for cs in controls_by_org.values() for c in cs]
            rng.shuffle(all_controls)
            n = len(all_controls)
            buckets = {
                (Applicability.APPLICABLE, ImplementationStatus.IMPLEMENTED): all_controls[
                    : n * 45 // 100
                ],
                (Applicability.APPLICABLE, ImplementationStatus.PARTIAL): all_controls[
                    n * 45 // 100 : n * 65 // 100
                ],
                (Applicability.APPLICABLE, ImplementationStatus.PLANNED): all_controls[
                    n * 65 // 100 : n * 80 // 100
                ],
                (Applicability.NOT_APPLICABLE, ImplementationStatus.NOT_STARTED): all_controls[
                    n * 80 // 100 : n * 85 // 100
                ],
            }
            for (applicability, status), pks in buckets.items():
                ControlImplementation.objects.filter(pk__in=pks).update(
                    applicability=applicability,
                    status=status,
                    justification="Bench justification.",
                )
            for org in orgs:
                owners = [members[org.pk][r] for r in ("officer", "contributor", "admin")]
                for i, owner in enumerate(owners):
                    ControlImplementation.objects.filter(
                        pk__in=[c.pk for c in controls_by_org[org.pk][i :: len(owners)]]
                    ).update(owner=owner)
        timer.step("criteria and SoA variety")

        # --- risks (bulk; levels computed first; not logged) ------------------------------
        library = list(LIBRARY)
        statuses = [
            (RiskStatus.IDENTIFIED, 15),
            (RiskStatus.ASSESSED, 20),
            (RiskStatus.IN_TREATMENT, 35),
            (RiskStatus.MONITORED, 20),
            (RiskStatus.CLOSED, 10),
        ]
        status_values = [s for s, _ in statuses]
        status_weights = [w for _, w in statuses]
        options = [
            TreatmentOption.MODIFY,
            TreatmentOption.MODIFY,
            TreatmentOption.MODIFY,
            TreatmentOption.AVOID,
            TreatmentOption.SHARE,
        ]
        risks: list[Risk] = []
        plan: list[tuple[int, Any]] = []  # (organisation id, library item) per risk
        for org, count in zip(orgs, counts, strict=True):
            crit = criteria[org.pk]
            owners = [
                members[org.pk][r] for r in ("officer", "contributor", "contributor", "admin")
            ]
            for number in range(1, count + 1):
                item = library[(number - 1) % len(library)]
                status = rng.choices(status_values, status_weights)[0]
                il, ii = rng.randint(1, 5), rng.randint(1, 5)
                risk = Risk(
                    organization=org,
                    number=number,
                    title=f"{item.title} ({number})",
                    description=item.description,
                    consequences_organization=item.consequences_organization,
                    consequences_individuals=item.consequences_individuals,
                    criteria=crit,
                    inherent_likelihood=il,
                    inherent_impact=ii,
                    owner=rng.choice(owners) if rng.random() > 0.05 else None,
                    status=status,
                    review_interval_months=rng.choice((6, 12, 12, 24)),
                    next_review_date=today + datetime.timedelta(days=rng.randint(-60, 365)),
                    library_code=item.code,
                    created_at=now - datetime.timedelta(days=rng.randint(0, 700)),
                )
                if status != RiskStatus.IDENTIFIED:
                    risk.residual_likelihood = max(1, il - rng.randint(0, 2))
                    risk.residual_impact = max(1, ii - rng.randint(0, 1))
                    risk.treatment_option = (
                        TreatmentOption.RETAIN
                        if status == RiskStatus.MONITORED
                        else rng.choice(options)
                    )
                risk.apply_levels()
                if status == RiskStatus.MONITORED:
                    if risk.residual_rank > crit.acceptance_rank:
                        risk.residual_likelihood, risk.residual_impact = 1, 2
                        risk.apply_levels()
                    risk.accepted_by = risk.owner or members[org.pk]["admin"]
                    risk.accepted_at = now - datetime.timedelta(days=rng.randint(1, 200))
                    risk.acceptance_rationale = "Residual level within the acceptance threshold."
                    risk.acceptance_expires = today + datetime.timedelta(days=rng.randint(-20, 365))
                risks.append(risk)
                plan.append((org.pk, item))
        with transaction.atomic():
            Risk.objects.bulk_create(risks, batch_size=2000)
        timer.step(f"{len(risks)} risks (bulk_create)")

        # --- many-to-many links (bulk through-table inserts; not logged) ------------------
        Through = Risk.ai_systems.through
        SourceThrough = Risk.risk_sources.through
        ObjectiveThrough = Risk.objectives.through
        ControlThrough = Risk.controls.through
        control_pk_by_ref = {
            org_pk: {c.ref: c.pk for c in cs} for org_pk, cs in controls_by_org.items()
        }
        links_systems, links_sources, links_objectives, links_controls = [], [], [], []
        for risk, (org_pk, item) in zip(risks, plan, strict=True):
            for system_pk in rng.sample(systems_by_org[org_pk], rng.randint(1, 2)):
                links_systems.append(Through(risk_id=risk.pk, aisystem_id=system_pk))
            item_sources = {ref_to_pk[r] for r in item.risk_sources if r in ref_to_pk}
            item_sources.add(rng.choice(sources))
            for pk in item_sources:
                links_sources.append(SourceThrough(risk_id=risk.pk, requirement_id=pk))
            item_objectives = {ref_to_pk[r] for r in item.objectives if r in ref_to_pk}
            item_objectives.add(rng.choice(objectives))
            for pk in item_objectives:
                links_objectives.append(ObjectiveThrough(risk_id=risk.pk, requirement_id=pk))
            refs = control_pk_by_ref[org_pk]
            item_controls = {refs[r] for r in item.controls if r in refs}
            item_controls.update(rng.sample(list(refs.values()), rng.randint(0, 2)))
            for pk in item_controls:
                links_controls.append(ControlThrough(risk_id=risk.pk, controlimplementation_id=pk))
        with transaction.atomic():
            for model, rows in (
                (Through, links_systems),
                (SourceThrough, links_sources),
                (ObjectiveThrough, links_objectives),
                (ControlThrough, links_controls),
            ):
                model.objects.bulk_create(rows, batch_size=5000)
        timer.step(
            f"links: {len(links_systems)} systems, {len(links_sources)} sources, "
            f"{len(links_objectives)} objectives, {len(links_controls)} controls"
        )

        # --- treatment actions (about one per risk) ---------------------------------------
        action_titles = (
            "Add a fairness test to the release checklist",
            "Document the data provenance and consent basis",
            "Run a red-team exercise on the prompts",
            "Agree a supplier monitoring report",
            "Train underwriters on override reasons",
            "Set a drift alert threshold and owner",
            "Review the human-oversight procedure",
        )
        actions = []
        for risk in risks:
            if risk.status == RiskStatus.IDENTIFIED and rng.random() < 0.7:
                continue
            for _ in range(rng.choice((1, 1, 1, 2))):
                status = rng.choice(
                    (
                        ActionStatus.PLANNED,
                        ActionStatus.IN_PROGRESS,
                        ActionStatus.DONE,
                        ActionStatus.DONE,
                        ActionStatus.CANCELLED,
                    )
                )
                due = today + datetime.timedelta(days=rng.randint(-90, 240))
                actions.append(
                    TreatmentAction(
                        risk_id=risk.pk,
                        title=rng.choice(action_titles),
                        owner=risk.owner,
                        due_date=due,
                        status=status,
                        completed_on=min(due, today) if status == ActionStatus.DONE else None,
                    )
                )
        with transaction.atomic():
            TreatmentAction.objects.bulk_create(actions, batch_size=5000)
        timer.step(f"{len(actions)} treatment actions")

        # --- evidence links, linked to controls, risks and clauses ------------------------
        evidence = []
        for org in orgs:
            for n in range(args.evidence_per_org):
                valid_from = today - datetime.timedelta(days=rng.randint(30, 400))
                evidence.append(
                    EvidenceItem(
                        organization=org,
                        title=f"Evidence {n + 1:03d}: review record",
                        kind="link",
                        url=f"https://wiki.{org.slug}.example/aims/evidence/{n + 1}",
                        owner=members[org.pk][rng.choice(("officer", "contributor"))],
                        valid_from=valid_from,
                        valid_until=(
                            None
                            if rng.random() < 0.3
                            else today + datetime.timedelta(days=rng.randint(-30, 365))
                        ),
                    )
                )
        EvidenceItem.objects.bulk_create(evidence, batch_size=2000)
        risks_by_org: dict[int, list[int]] = {}
        for risk in risks:
            risks_by_org.setdefault(risk.organization_id, []).append(risk.pk)
        EC = EvidenceItem.controls.through
        ER = EvidenceItem.risks.through
        EQ = EvidenceItem.clauses.through
        ec, er, eq = [], [], []
        for item in evidence:
            org_controls = controls_by_org[item.organization_id]
            for control in rng.sample(org_controls, rng.randint(1, 3)):
                ec.append(EC(evidenceitem_id=item.pk, controlimplementation_id=control.pk))
            org_risks = risks_by_org.get(item.organization_id, [])
            for risk_pk in rng.sample(org_risks, min(len(org_risks), rng.randint(0, 2))):
                er.append(ER(evidenceitem_id=item.pk, risk_id=risk_pk))
            if rng.random() < 0.3:
                eq.append(EQ(evidenceitem_id=item.pk, requirement_id=rng.choice(clauses)))
        with transaction.atomic():
            EC.objects.bulk_create(ec, batch_size=5000)
            ER.objects.bulk_create(er, batch_size=5000)
            EQ.objects.bulk_create(eq, batch_size=5000)
        timer.step(f"{len(evidence)} evidence links ({len(ec)} control links)")

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    timer.step("ANALYZE")
    return {"seconds": timer.total, "risks": len(risks)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--orgs", type=int, default=50)
    parser.add_argument("--risks", type=int, default=20000)
    parser.add_argument(
        "--big-org", type=int, default=2000, help="risks in bench-01 (register benchmark)"
    )
    parser.add_argument(
        "--export-org", type=int, default=1000, help="risks in bench-02 (export benchmark)"
    )
    parser.add_argument("--evidence-per-org", type=int, default=20)
    parser.add_argument("--random-seed", type=int, default=42001)
    parser.add_argument(
        "--database-url", default=os.environ.get("BENCH_DATABASE_URL", DEFAULT_DATABASE_URL)
    )
    args = parser.parse_args()
    if args.orgs < 2:
        parser.error("--orgs must be at least 2")

    configure(args.database_url)
    from django.core.management import call_command
    from django.db import connection

    print(f"bench database: {database_name(args.database_url)} (dropped and created again)")
    started = time.perf_counter()
    connection.close()
    recreate_database(args.database_url)
    call_command("migrate", verbosity=0)
    migrated = time.perf_counter() - started
    print(f"migrated in {migrated:.1f} s; seeding {args.orgs} organisations, {args.risks} risks")
    result = seed(args)
    print(
        f"seed finished in {result['seconds']:.1f} s (plus {migrated:.1f} s to create and "
        f"migrate the database); target ≤ 180 s: "
        f"{'PASS' if result['seconds'] <= 180 else 'FAIL'}"
    )
    print(
        "note: risks, actions, evidence and their links were bulk-inserted, so the change "
        "log has no rows for them (deliberate for load data)."
    )


if __name__ == "__main__":
    main()
