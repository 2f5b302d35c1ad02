"""Wall time and peak memory of a whole-AIMS evidence pack, against WeasyPrint's own time.

Usage:
    DATABASE_URL=postgres://… .venv/bin/python bench/evidence_pack.py [--org northwind]
        [--risks 200] [--assessments 20] [--evidence 500] [--tracemalloc]

Uses the database of ``DATABASE_URL`` as it is (nothing is dropped): seeds the demo data
when the organisation ``--org`` does not exist (``seed_demo``), then tops the organisation
up — idempotently, so a second run adds nothing — to ``--risks`` risks (each linked to an AI
system, a control and a treatment action), ``--assessments`` approved impact assessments
(one per AI system, more systems made as needed) and ``--evidence`` evidence files (small
random files, each linked to one or two SoA rows, so some appear in two folders).

Then it builds one whole-AIMS pack the way the worker does (``evidence_pack_build``, in
this process) and renders the same HTML again with WeasyPrint alone. It prints the pack's
wall time, the peak resident memory of the process (``ru_maxrss``; with ``--tracemalloc``
also Python's own peak, which slows the run), the PDF render time, and the overhead of
gathering and assembly: (pack time − render time) / render time. Targets: ≤ 30 s, ≤ 600 MB,
overhead ≤ 25 %.
"""

from __future__ import annotations

import argparse
import datetime
import os
import platform
import random
import resource
import sys
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != ROOT / "bench"]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "aims.settings")
if os.environ.get("DEBUG", "").lower() not in ("1", "true", "yes", "on"):
    # DEBUG off needs a key; with DEBUG on keep the one the database's change log was signed
    # with (the development default), or the pack's chain verification fails.
    os.environ.setdefault("SECRET_KEY", "bench-only-not-a-secret")

import django  # noqa: E402

django.setup()


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def top_up(slug: str, *, risks: int, assessments: int, evidence: int):
    import hashlib

    from django.core.files.base import ContentFile
    from django.core.management import call_command
    from django.utils import timezone

    from aims.core.changelog import change_context
    from aims.evidence.models import EvidenceFile, EvidenceItem
    from aims.inventory.models import AISystem, LifecycleStage
    from aims.organizations.models import Membership, Organization
    from controls.models import ControlImplementation
    from impact_assessments.models import ImpactAssessment
    from risks.models import Risk, TreatmentAction
    from risks.services import risk_criteria_current

    if not Organization.objects.filter(slug=slug).exists():
        call_command("seed_demo")
    org = Organization.objects.get(slug=slug)
    officer = Membership.objects.filter(organization=org, role__in=["officer", "admin"]).first()
    user = officer.user
    rng = random.Random(42)
    with change_context(source="import", actor=user):
        systems = list(AISystem.objects.filter(organization=org))
        while len(systems) < assessments:
            systems.append(
                AISystem.objects.create(
                    organization=org,
                    name=f"Bench system {len(systems) + 1}",
                    owner=user,
                    lifecycle_stage=LifecycleStage.values[0],
                )
            )
        controls = list(ControlImplementation.objects.filter(organization=org))
        criteria = risk_criteria_current(organization=org)
        for n in range(Risk.objects.filter(organization=org).count(), risks):
            risk = Risk.objects.create(
                organization=org,
                title=f"Bench risk {n + 1}: model behaves unexpectedly on new data",
                description="Seeded by bench/evidence_pack.py.",
                criteria=criteria,
                inherent_likelihood=rng.randint(1, 5),
                inherent_impact=rng.randint(1, 5),
                owner=user,
            )
            risk.ai_systems.add(rng.choice(systems))
            if controls:
                risk.controls.add(rng.choice(controls))
            TreatmentAction.objects.create(
                risk=risk,
                title="Add a monitoring check",
                due_date=timezone.localdate() + datetime.timedelta(days=rng.randint(5, 90)),
            )
        approved = ImpactAssessment.objects.filter(organization=org, status="approved")
        have = {a.ai_system_id for a in approved.filter(kind="impact")}
        for system in systems:
            if approved.count() >= assessments:
                break
            if system.pk in have:
                continue
            number = ImpactAssessment.objects.filter(ai_system=system, kind="impact").count() + 1
            ImpactAssessment.objects.create(
                organization=org,
                ai_system=system,
                kind="impact",
                number=number,
                author=user,
                status="approved",
                approved_by=user,
                approved_at=timezone.now(),
                purpose="Seeded by bench/evidence_pack.py.",
                conclusion="Acceptable with the planned monitoring in place.",
            )
        have_files = EvidenceFile.objects.filter(item__organization=org).count()
        for n in range(have_files, evidence):
            content = rng.randbytes(rng.randint(2_000, 40_000))
            digest = hashlib.sha256(content).hexdigest()
            item = EvidenceItem.objects.create(
                organization=org,
                title=f"Bench evidence {n + 1}",
                kind="file",
                owner=user,
                valid_from=timezone.localdate() - datetime.timedelta(days=30),
                valid_until=timezone.localdate() + datetime.timedelta(days=rng.randint(-10, 300)),
            )
            version = EvidenceFile(
                item=item,
                number=1,
                original_name=f"bench-{n + 1}.bin",
                extension=".pdf",
                sha256=digest,
                size=len(content),
                content_type="application/pdf",
                uploaded_by=user,
            )
            version.file.save(
                f"evidence/{org.pk}/{digest[:2]}/{digest}.pdf", ContentFile(content), save=False
            )
            version.save()
            item.current_file = version
            item.save(update_fields=["current_file"])
            if controls:
                for control in rng.sample(controls, k=rng.choice((1, 2))):
                    control.evidence.add(item)
    return org, user


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--org", default="northwind")
    parser.add_argument("--risks", type=int, default=200)
    parser.add_argument("--assessments", type=int, default=20)
    parser.add_argument("--evidence", type=int, default=500)
    parser.add_argument("--tracemalloc", action="store_true")
    args = parser.parse_args()

    from aims.core.changelog import change_context
    from aims.core.models import ChangeSource
    from aims.core.pdf import html_to_pdf
    from packs import services
    from packs.models import EvidencePack

    started = time.perf_counter()
    org, user = top_up(
        args.org, risks=args.risks, assessments=args.assessments, evidence=args.evidence
    )
    print(f"seeding/top-up: {time.perf_counter() - started:.1f} s")
    pack = services.evidence_pack_start(organization=org, user=user)
    pack = EvidencePack.objects.select_related(
        "organization", "ai_system", "engagement", "created_by", "base", "target"
    ).get(pk=pack.pk)
    if args.tracemalloc:
        tracemalloc.start()
    before = _peak_mb()
    t0 = time.perf_counter()
    with change_context(source=ChangeSource.TASK, actor=user):
        result = services.evidence_pack_build(pack=pack)
    wall = time.perf_counter() - t0
    traced = tracemalloc.get_traced_memory()[1] / 2**20 if args.tracemalloc else None
    tracemalloc.stop()
    peak = _peak_mb()

    # The same HTML through WeasyPrint alone.
    pack.refresh_from_db()
    prepared = services.pack_html_and_members(pack)
    html, members = prepared.html, prepared.members
    t1 = time.perf_counter()
    pdf = html_to_pdf(html, stylesheets=services.PACK_CSS)
    render = time.perf_counter() - t1

    overhead = (wall - render) / render if render else 0.0
    print(f"machine: {platform.platform()}, {os.cpu_count()} CPUs")
    print(
        f"pack {result['pack']}: {result.get('files')} files, {pack.size / 2**20:.1f} MB ZIP, "
        f"PDF {len(pdf) / 2**20:.1f} MB, {len(members)} evidence entries"
    )
    print(f"wall time (gather + render + ZIP + store): {wall:.1f} s   (target ≤ 30 s)")
    print(f"WeasyPrint alone on the same HTML:          {render:.1f} s")
    print(f"overhead of gathering and assembly:         {overhead * 100:.0f} %   (target ≤ 25 %)")
    print(f"peak RSS: {peak:.0f} MB (before the build {before:.0f} MB)   (target ≤ 600 MB)")
    if traced is not None:
        print(f"Python peak (tracemalloc): {traced:.0f} MB")


if __name__ == "__main__":
    main()
