"""Test data for packs: an organisation with an approved SoA, risks on two AI systems and
evidence files, and helpers to build a pack in this process and read it back."""

from __future__ import annotations

import io
import json
import zipfile
from dataclasses import dataclass
from typing import Any

import pypdf
from django.utils import timezone

from aims.core.jobs import run_job
from controls.services import soa_frozen_rows, soa_rows, soa_summary
from packs import services
from packs.models import EvidencePack
from tests import factories
from tests.evidence.factories import EvidenceFileFactory


@dataclass
class World:
    org: Any
    users: Any
    system_in: Any
    system_out: Any
    risk_in: Any
    risk_out: Any
    applicable: list[str]
    excluded: str
    shared_evidence: Any
    engagement: Any


def make_world(org, users) -> World:
    system_in = factories.AISystemFactory(organization=org, name="Credit scoring")
    system_out = factories.AISystemFactory(organization=org, name="Chat assistant")
    risk_in = factories.RiskFactory(organization=org, title="Unfair credit refusals")
    risk_in.ai_systems.add(system_in)
    risk_out = factories.RiskFactory(organization=org, title="Chatbot leaks customer data")
    risk_out.ai_systems.add(system_out)
    controls = []
    for n, applicability in enumerate(("applicable", "applicable", "not_applicable")):
        requirement = factories.AnnexAControlFactory(title=f"Control {n}")
        controls.append(
            factories.ControlImplementationFactory(
                organization=org,
                requirement=requirement,
                ref=requirement.ref,
                title=requirement.title,
                applicability=applicability,
                justification="Decided for the test.",
            )
        )
    rows = soa_rows(organization=org)
    factories.SoAVersionFactory(
        organization=org,
        author=users.officer,
        status="approved",
        approved_by=users.admin,
        approved_at=timezone.now(),
        rows=soa_frozen_rows(rows),
        summary=soa_summary(rows),
    )
    # One evidence file linked to two controls: it goes into both folders.
    shared = EvidenceFileFactory(item__organization=org, item__title="Access review record")
    controls[0].evidence.add(shared.item)
    controls[1].evidence.add(shared.item)
    risk_in.evidence.add(shared.item)
    EvidenceFileFactory(item__organization=org, item__title="Unlinked note")
    engagement = factories.engage(org, users.auditor, systems=[system_in])
    return World(
        org=org,
        users=users,
        system_in=system_in,
        system_out=system_out,
        risk_in=risk_in,
        risk_out=risk_out,
        applicable=[c.ref for c in controls[:2]],
        excluded=controls[2].ref,
        shared_evidence=shared,
        engagement=engagement,
    )


def build_here(pack: EvidencePack) -> EvidencePack:
    """Run the pack's job in this process, as a worker would."""
    run_job(pack.job_id, services.evidence_pack_run)
    pack.refresh_from_db()
    return pack


def read_zip(pack_or_bytes) -> tuple[dict, dict[str, bytes]]:
    data = pack_or_bytes
    if isinstance(pack_or_bytes, EvidencePack):
        with pack_or_bytes.file.open("rb") as handle:
            data = handle.read()
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        files = {name: archive.read(name) for name in archive.namelist()}
    return json.loads(files.pop("manifest.json")), files


def pdf_pages(content: bytes) -> list[str]:
    return [page.extract_text() for page in pypdf.PdfReader(io.BytesIO(content)).pages]


def pdf_text(content: bytes) -> str:
    return "\n".join(pdf_pages(content))


def the_pdf(files: dict[str, bytes]) -> bytes:
    (name,) = [n for n in files if n.endswith(".pdf") and "/" not in n]
    return files[name]
