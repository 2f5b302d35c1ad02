"""Demo Statement of Applicability: the requirements catalog, the SoA decisions and
organisation-defined controls, evidence links, and the approved SoA version."""

from __future__ import annotations

import datetime
from collections import Counter
from typing import Any

from django.utils import timezone

from aims.core.changelog import change_context
from aims.core.documents import document_approve, document_submit
from aims.core.models import ChangeSource
from aims.evidence.models import EvidenceItem
from aims.evidence.services import evidence_create
from aims.organizations.models import Organization
from controls.catalog import load_catalog
from controls.models import (
    Applicability,
    ControlImplementation,
    ImplementationStatus,
    Requirement,
    SoAVersion,
)
from controls.services import controls_ensure_for, soa_version_start
from demo.seed_common import SeedRun, _days
from risks.models import Risk


def seed_catalog(*, created: Counter[str]) -> None:
    if not Requirement.objects.exists():
        report = load_catalog()
        created["catalog requirements"] += report.requirements


def seed_controls(
    *,
    org: Organization,
    spec: dict[str, Any] | None,
    role_holders: dict[str, str],
    run: SeedRun,
) -> None:
    """Complete the SoA; with ``spec``, record the decisions on rows nobody has touched yet."""
    rows = controls_ensure_for(organization=org)
    if rows:
        run.created["SoA and clause rows"] += rows
    if spec is None:
        return
    decisions, not_applicable = spec["decisions"], spec["not_applicable"]
    officer = run.users[role_holders["officer"]]
    today = timezone.localdate()
    with change_context(source=ChangeSource.IMPORT, actor=officer, request_id=run.request_id):
        untouched = ControlImplementation.objects.filter(
            organization=org,
            applicability=Applicability.UNDECIDED,
            justification="",
            ref__in=[*decisions, *not_applicable],
        ).select_related("requirement")
        for control in untouched:
            if control.ref in not_applicable:
                control.applicability = Applicability.NOT_APPLICABLE
                control.justification = not_applicable[control.ref]
                control.owner = officer
            else:
                decision = decisions[control.ref]
                control.applicability = Applicability.APPLICABLE
                control.status = decision["status"]
                control.owner = run.users[role_holders[decision["owner"]]]
                control.justification = decision["justification"]
                control.implementation = decision["implementation"]
                if decision["status"] == ImplementationStatus.IMPLEMENTED:
                    control.last_reviewed = today - datetime.timedelta(days=70)
                    control.next_review_date = today + datetime.timedelta(days=295)
            control.full_clean()
            control.save()
            run.created["SoA decisions"] += 1
        for fields in spec["organisation_controls"]:
            if ControlImplementation.objects.filter(organization=org, ref=fields["ref"]).exists():
                continue
            control = ControlImplementation(
                organization=org,
                applicability=Applicability.APPLICABLE,
                status=ImplementationStatus.IMPLEMENTED,
                owner=run.users[role_holders["admin"]],
                last_reviewed=today - datetime.timedelta(days=30),
                next_review_date=today + datetime.timedelta(days=335),
                **fields,
            )
            control.full_clean()
            control.save()
            run.created["organisation-defined controls"] += 1


def seed_evidence(
    *,
    org: Organization,
    specs: list[dict[str, Any]],
    role_holders: dict[str, str],
    run: SeedRun,
) -> None:
    """Evidence links, recorded by the officer, only while the organisation has no evidence."""
    if EvidenceItem.objects.filter(organization=org).exists():
        return
    officer = run.users[role_holders["officer"]]
    controls = dict(ControlImplementation.objects.filter(organization=org).values_list("ref", "pk"))
    risks = dict(Risk.objects.filter(organization=org).values_list("title", "pk"))
    clauses = dict(
        Requirement.objects.filter(
            framework__code="iso42001", kind="clause", assessable=True
        ).values_list("ref", "pk")
    )
    with change_context(source=ChangeSource.IMPORT, actor=officer, request_id=run.request_id):
        for spec in specs:
            valid_until = spec["valid_until_in_days"]
            evidence_create(
                organization=org,
                user=officer,
                title=spec["title"],
                description=spec["description"],
                kind="link",
                url=spec["url"],
                owner=run.users[spec["owner"]],
                valid_from=_days(spec["valid_from_in_days"]),
                valid_until=_days(valid_until) if valid_until is not None else None,
                links={
                    "controls": [controls[r] for r in spec["controls"] if r in controls],
                    "risks": [risks[t] for t in spec["risks"] if t in risks],
                    "clauses": [clauses[r] for r in spec["clauses"] if r in clauses],
                },
            )
            run.created["evidence links"] += 1


def seed_soa_version(
    *,
    org: Organization,
    spec: dict[str, Any],
    run: SeedRun,
) -> None:
    """An approved Statement of Applicability version, only while the organisation has none."""
    if SoAVersion.objects.filter(organization=org).exists():
        return
    author, approver = run.users[spec["author"]], run.users[spec["approver"]]
    with change_context(source=ChangeSource.IMPORT, actor=author, request_id=run.request_id):
        version = soa_version_start(
            organization=org, user=author, change_summary=spec["change_summary"]
        )
        version = document_submit(version=version, user=author)
    with change_context(source=ChangeSource.IMPORT, actor=approver, request_id=run.request_id):
        document_approve(version=version, user=approver, note=spec["approval_note"])
    run.created["approved SoA versions"] += 1
