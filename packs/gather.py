"""What a pack holds: every register read for its scope through the one permission layer.

A pack is read as an auditor of its scope would see it: ``pack_reader`` gives a stand-in
user whose only reach is one ``AuditorScope`` — the engagement's own scope for an
engagement pack (so the pack equals the auditor portal), the whole AIMS, or one AI system.
``restrict`` then applies each model's ``EngagementScope`` as it does on every page: only
approved versions of controlled documents, a system's risks and assessments, and so on.

``gather_pack`` returns the sections in the order the PDF prints them, and the records it
read (by model label), which the delta pack compares. A fixed number of queries per
section, whatever the row count.
"""

from __future__ import annotations

import datetime
import re
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.core.files.storage import default_storage
from django.db.models import Model, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from aims.core.access import AuditorScope, Role
from aims.core.permissions import Action, restrict
from aims.core.tenancy import Organization, User
from aims.evidence.models import EvidenceFile, EvidenceItem
from aims.inventory.models import AISystem
from aims.organizations.models import ContextIssue, InterestedParty, ScopeStatement
from audits.models import (
    Audit,
    AuditChecklistLine,
    CorrectiveAction,
    Incident,
    Nonconformity,
    ReviewMinutes,
)
from controls.models import (
    Applicability,
    ControlImplementation,
    ImplementationStatus,
    Requirement,
    SoAVersion,
)
from controls.services import soa_diff, soa_frozen_rows, soa_rows, soa_summary
from engagements.models import Engagement
from engagements.scopes import engagement_scope
from impact_assessments.models import AIActClassification, ImpactAssessment
from packs.bundle import Member
from policies.charts import kpi_trend_svg
from policies.models import (
    AIMSRole,
    AIObjective,
    CompetenceRequirement,
    KPIMeasurement,
    Policy,
    PolicyKind,
    TrainingRecord,
)
from policies.rendering import render_markdown
from risks.heatmap import heatmap_counts, heatmap_svg
from risks.models import Risk as RiskModel
from risks.models import RiskCriteria, RiskKind, TreatmentAction

APPROVED = "approved"
FINDING_RESULTS = ("major", "minor", "observation", "improvement")
UNLINKED_FOLDER = "_no-requirement"


@dataclass(frozen=True)
class SectionSpec:
    key: str
    title: str
    clauses: str


# The PDF's sections, in order (titles are our own short labels; clause numbers only).
SECTIONS: tuple[SectionSpec, ...] = (
    SectionSpec("scope", "Scope and context", "4.1–4.4"),
    SectionSpec("policy", "AI policy", "5.2"),
    SectionSpec("roles", "Roles, responsibilities and authorities", "5.3"),
    SectionSpec("criteria", "Risk criteria", "6.1.2"),
    SectionSpec("risks", "Risk register and treatment plan", "6.1.2, 6.1.3, 8.2, 8.3"),
    SectionSpec("soa", "Statement of Applicability", "6.1.3"),
    SectionSpec("impact", "Impact assessments and EU AI Act classifications", "6.1.4, 8.4"),
    SectionSpec("objectives", "AI objectives and KPIs", "6.2, 9.1"),
    SectionSpec("competence", "Competence", "7.2"),
    SectionSpec("audits", "Internal audits and findings", "9.2"),
    SectionSpec("nonconformities", "Nonconformities and corrective actions", "10.2"),
    SectionSpec("reviews", "Management review minutes", "9.3"),
    SectionSpec("incidents", "AI incidents", "A.8.4"),
    SectionSpec("evidence", "Evidence index", "7.5"),
)


def whole_scope(organization: Organization) -> AuditorScope:
    return AuditorScope(engagement_id=0, organization_id=organization.pk, whole_aims=True)


def system_scope(system: AISystem) -> AuditorScope:
    return AuditorScope(
        engagement_id=0,
        organization_id=system.organization_id,
        whole_aims=False,
        system_ids=frozenset({system.pk}),
    )


def scope_for(*, organization: Organization, scope_kind: str, ai_system: Any, engagement: Any):
    if scope_kind == "engagement":
        return engagement_scope(engagement)
    if scope_kind == "system":
        return system_scope(ai_system)
    return whole_scope(organization)


def pack_reader(*, organization: Organization, scope: AuditorScope) -> User:
    """A stand-in user who sees exactly what an auditor of ``scope`` sees (an unsaved
    account with an id no row holds: it matches no owner, grant or personal record)."""
    reader = User(pk=-1, email="evidence-pack@invalid", full_name="Evidence pack", is_active=True)
    reader._aims_memberships = []
    reader._aims_roles = {organization.pk: Role.AUDITOR}
    reader._aims_auditor_scopes = [scope]
    return reader


@dataclass
class Section:
    key: str
    title: str
    clauses: str
    number: int
    data: dict[str, Any] = field(default_factory=dict)
    empty: bool = True


@dataclass
class EvidenceEntry:
    item_id: int
    title: str
    version: int | None
    sha256: str
    size: int | None
    original_name: str
    storage_name: str
    valid_from: datetime.date | None
    valid_until: datetime.date | None
    expired: bool
    requirements: list[str]
    file_id: int | None = None


@dataclass
class Gathered:
    sections: list[Section]
    contents: dict[str, list[int]]
    evidence: list[EvidenceEntry]
    applicable_controls: list[str]


class _Reader:
    def __init__(self, organization: Organization, reader: User):
        self.organization, self.reader = organization, reader
        self.contents: dict[str, set[int]] = defaultdict(set)

    def seen(self, queryset: QuerySet) -> QuerySet:
        """The rows of ``queryset`` the scope shows (``restrict``), in this organisation."""
        qs = restrict(queryset, self.reader, Action.VIEW)
        policy = queryset.model.access
        if policy.parent_path:
            return qs
        return qs.filter(organization=self.organization)

    def hold(self, rows: list[Model]) -> list[Model]:
        for row in rows:
            self.contents[row._meta.label_lower].add(row.pk)
        return rows


def _name(user: Any) -> str:
    return user.display_name if user is not None else ""


def _band_label(criteria: RiskCriteria | None, key: str) -> str:
    if criteria is None or not key:
        return ""
    try:
        return str(criteria.band(key)["label"])
    except KeyError:
        return key


def _scope_section(r: _Reader, scope_info: dict[str, Any]) -> dict[str, Any]:
    statement = (
        r.seen(ScopeStatement.objects.filter(status=APPROVED).prefetch_related("ai_systems"))
        .order_by("-number")
        .first()
    )
    if statement is not None:
        r.hold([statement])
    issues = r.hold(list(r.seen(ContextIssue.objects.order_by("kind", "title"))))
    parties = r.hold(list(r.seen(InterestedParty.objects.order_by("name"))))
    return {
        "statement": statement,
        "statement_systems": [s.name for s in statement.ai_systems.all()] if statement else [],
        "issues": issues,
        "parties": parties,
        "scope_info": scope_info,
        "empty": statement is None and not issues and not parties,
    }


def _policy_section(r: _Reader) -> dict[str, Any]:
    policies = r.hold(
        list(r.seen(Policy.objects.filter(status=APPROVED).select_related("approved_by")))
    )
    policies.sort(key=lambda p: (p.kind != PolicyKind.AI_POLICY, p.code))
    ai_policy = next((p for p in policies if p.kind == PolicyKind.AI_POLICY), None)
    return {
        "ai_policy": ai_policy,
        "ai_policy_body": render_markdown(ai_policy.body) if ai_policy else "",
        "policies": policies,
        "empty": not policies,
    }


def _roles_section(r: _Reader) -> dict[str, Any]:
    roles = r.hold(list(r.seen(AIMSRole.objects.prefetch_related("members").order_by("name"))))
    return {
        "roles": [
            {"role": role, "members": ", ".join(_name(u) for u in role.members.all())}
            for role in roles
        ],
        "empty": not roles,
    }


def _criteria_section(r: _Reader) -> dict[str, Any]:
    criteria = r.seen(RiskCriteria.objects.filter(is_current=True)).first()
    if criteria is None:
        return {"criteria": None, "empty": True}
    r.hold([criteria])
    likelihood = [level["label"] for level in criteria.likelihood_levels]
    impact = [level["label"] for level in criteria.impact_levels]
    matrix = [
        {
            "label": likelihood[li],
            "cells": [
                {
                    "label": _band_label(criteria, criteria.matrix[li][ii]),
                    "colour": criteria.band(criteria.matrix[li][ii])["colour"],
                }
                for ii in range(len(impact))
            ],
        }
        for li in reversed(range(len(likelihood)))
    ]
    return {
        "criteria": criteria,
        "impact_levels": impact,
        "matrix": matrix,
        "bands": criteria.bands,
        "acceptance": _band_label(criteria, criteria.acceptance_band),
        "empty": False,
    }


def _risks_section(r: _Reader) -> dict[str, Any]:
    risks = list(r.seen(RiskModel.objects.select_related("criteria", "owner")).order_by("number"))
    r.hold(risks)
    ids = [risk.pk for risk in risks]
    actions = r.hold(
        list(
            r.seen(TreatmentAction.objects.filter(risk_id__in=ids).select_related("owner"))
            .select_related("risk")
            .order_by("risk__number", "due_date", "pk")
        )
    )
    criteria = RiskCriteria.objects.filter(organization=r.organization, is_current=True).first()
    heatmaps = []
    if criteria is not None and risks:
        current = RiskModel.objects.filter(pk__in=ids, criteria=criteria)
        for which, title in (("inherent", _("Inherent risk")), ("residual", _("Residual risk"))):
            heatmaps.append(heatmap_svg(criteria, heatmap_counts(current, which), title=title))
    rows = [
        {
            "risk": risk,
            "opportunity": risk.kind == RiskKind.OPPORTUNITY,
            "inherent": _band_label(risk.criteria, risk.inherent_level),
            "residual": _band_label(risk.criteria, risk.residual_level),
            "owner": _name(risk.owner),
        }
        for risk in risks
    ]
    return {"rows": rows, "actions": actions, "heatmaps": heatmaps, "empty": not risks}


def _soa_section(r: _Reader) -> dict[str, Any]:
    approved = r.seen(SoAVersion.objects.filter(status=APPROVED)).order_by("-number").first()
    if approved is None:
        return {"version": None, "rows": [], "diff": None, "empty": True}
    r.hold([approved])
    live_qs = r.seen(ControlImplementation.objects.all())
    live_rows = soa_rows(organization=r.organization, queryset=live_qs)
    live = SoAVersion(rows=soa_frozen_rows(live_rows), summary=soa_summary(live_rows), number=0)
    old = approved
    scope = r.reader._aims_auditor_scopes[0]
    if not scope.whole_aims:
        # A limited scope compares only the controls it reaches.
        refs = {row["ref"] for row in live.rows}
        old = SoAVersion(rows=[row for row in approved.rows if row["ref"] in refs], summary={})
        live.summary = {}
    diff = soa_diff(old=old, new=live)
    applicability = dict(Applicability.choices)
    statuses = dict(ImplementationStatus.choices)
    rows = [
        {
            **row,
            "applicability_label": str(applicability.get(row["applicability"], "")),
            "status_label": str(statuses.get(row.get("status"), row.get("status") or "")),
        }
        for row in approved.rows
    ]
    return {
        "version": approved,
        "rows": rows,
        "diff": diff,
        "changed_count": len(diff["added"]) + len(diff["removed"]) + len(diff["changed"]),
        "empty": False,
    }


def _impact_section(r: _Reader) -> dict[str, Any]:
    assessments = r.hold(
        list(
            r.seen(ImpactAssessment.objects.select_related("ai_system", "approved_by"))
            .filter(status=APPROVED)
            .order_by("ai_system__name", "kind", "-number")
        )
    )
    classifications = list(
        r.seen(AIActClassification.objects.select_related("ai_system")).order_by(
            "ai_system__name", "-classified_on", "-pk"
        )
    )
    latest: dict[int, AIActClassification] = {}
    for c in classifications:
        latest.setdefault(c.ai_system_id, c)
    r.hold(list(latest.values()))
    return {
        "assessments": assessments,
        "classifications": list(latest.values()),
        "empty": not assessments and not latest,
    }


def _number(value: Decimal | None) -> str:
    if value is None:
        return ""
    return f"{value.normalize():f}"


def _objectives_section(r: _Reader) -> dict[str, Any]:
    objectives = r.hold(list(r.seen(AIObjective.objects.select_related("owner")).order_by("title")))
    measurements = r.hold(
        list(
            r.seen(KPIMeasurement.objects.filter(objective__in=[o.pk for o in objectives]))
            .select_related("objective")
            .order_by("measured_on", "pk")
        )
    )
    by_objective: dict[int, list[KPIMeasurement]] = defaultdict(list)
    for m in measurements:
        by_objective[m.objective_id].append(m)
    rows = []
    for objective in objectives:
        points = by_objective.get(objective.pk, [])
        chart = ""
        if points and objective.target_value is not None:
            chart = kpi_trend_svg(
                title=objective.title,
                unit=objective.unit,
                direction=objective.direction,
                target=objective.target_value,
                target_upper=objective.target_upper,
                points=[(m.measured_on, m.value) for m in points],
                margin=objective.at_risk_margin,
                chart_id=f"kpi-{objective.pk}",
            )
        rows.append(
            {
                "objective": objective,
                "latest": points[-1] if points else None,
                "latest_value": _number(points[-1].value) if points else "",
                "target": _number(objective.target_value),
                "count": len(points),
                "chart": chart,
            }
        )
    return {"rows": rows, "empty": not objectives}


def _competence_section(r: _Reader) -> dict[str, Any]:
    requirements = r.hold(
        list(r.seen(CompetenceRequirement.objects.select_related("role")).order_by("title"))
    )
    records = r.hold(
        list(
            r.seen(TrainingRecord.objects.select_related("person")).order_by("-completed_on", "pk")
        )
    )
    today = timezone.localdate()
    expired = sum(1 for t in records if t.expires_on and t.expires_on < today)
    return {
        "requirements": requirements,
        "records": records,
        "expired": expired,
        "empty": not requirements and not records,
    }


def _audits_section(r: _Reader) -> dict[str, Any]:
    audits = r.hold(list(r.seen(Audit.objects.select_related("lead_auditor")).order_by("number")))
    findings = r.hold(
        list(
            r.seen(
                AuditChecklistLine.objects.filter(
                    audit__in=[a.pk for a in audits], result__in=FINDING_RESULTS
                )
            )
            .select_related("audit")
            .order_by("audit__number", "sort_key", "pk")
        )
    )
    return {"audits": audits, "findings": findings, "empty": not audits}


def _nonconformities_section(r: _Reader) -> dict[str, Any]:
    ncs = r.hold(
        list(
            r.seen(Nonconformity.objects.select_related("owner", "requirement")).order_by("number")
        )
    )
    actions = r.hold(
        list(
            r.seen(CorrectiveAction.objects.filter(nonconformity__in=[n.pk for n in ncs]))
            .select_related("nonconformity", "owner")
            .order_by("nonconformity__number", "due_date", "pk")
        )
    )
    return {"nonconformities": ncs, "actions": actions, "empty": not ncs}


def _reviews_section(r: _Reader) -> dict[str, Any]:
    minutes = r.hold(
        list(
            r.seen(ReviewMinutes.objects.filter(status=APPROVED).select_related("review")).order_by(
                "review__number", "-number"
            )
        )
    )
    rows = []
    for m in minutes:
        record = m.record or {}
        rows.append(
            {
                "minutes": m,
                "held_on": record.get("held_on") or "",
                "chair": record.get("chair") or "",
                "attendees": ", ".join(record.get("attendees") or []),
                "inputs": record.get("inputs") or [],
                "decisions": record.get("decisions") or [],
            }
        )
    return {"rows": rows, "empty": not minutes}


def _incidents_section(r: _Reader) -> dict[str, Any]:
    incidents = r.hold(
        list(
            r.seen(
                Incident.objects.select_related("owner").prefetch_related("ai_systems")
            ).order_by("number")
        )
    )
    return {
        "rows": [
            {"incident": i, "systems": ", ".join(s.name for s in i.ai_systems.all())}
            for i in incidents
        ],
        "empty": not incidents,
    }


def _evidence_section(r: _Reader) -> tuple[dict[str, Any], list[EvidenceEntry]]:
    items = r.hold(
        list(r.seen(EvidenceItem.objects.select_related("current_file")).order_by("title", "pk"))
    )
    entries = _evidence_entries([(item, item.current_file) for item in items])
    r.hold([item.current_file for item in items if item.current_file is not None])
    return {"entries": entries, "empty": not entries}, entries


def _evidence_entries(pairs: list[tuple[EvidenceItem, Any]]) -> list[EvidenceEntry]:
    """An index line per (item, file version or None), with the requirements each item is
    linked to (two queries, whatever the count)."""
    ids = [item.pk for item, _file in pairs]
    refs: dict[int, set[str]] = defaultdict(set)
    control_links = ControlImplementation.evidence.through.objects.filter(
        evidenceitem_id__in=ids
    ).values_list("evidenceitem_id", "controlimplementation__ref")
    clause_links = Requirement.evidence.through.objects.filter(evidenceitem_id__in=ids).values_list(
        "evidenceitem_id", "requirement__ref"
    )
    for item_id, ref in [*control_links, *clause_links]:
        refs[item_id].add(ref)
    today = timezone.localdate()
    return [
        EvidenceEntry(
            item_id=item.pk,
            title=item.title,
            version=current.number if current else None,
            sha256=current.sha256 if current else "",
            size=current.size if current else None,
            original_name=current.original_name if current else "",
            storage_name=current.file.name if current else "",
            valid_from=item.valid_from,
            valid_until=item.valid_until,
            expired=bool(item.valid_until and item.valid_until < today),
            requirements=sorted(refs.get(item.pk, ()), key=_ref_key),
            file_id=current.pk if current else None,
        )
        for item, current in pairs
    ]


def held_evidence(
    *, organization: Organization, reader: User, file_ids: list[int]
) -> list[EvidenceEntry]:
    """The evidence file versions ``file_ids`` (those a pack held) that ``reader``'s scope
    shows now, as index lines: the scope is applied again, as every page applies it."""
    r = _Reader(organization, reader)
    files = list(
        r.seen(EvidenceFile.objects.filter(pk__in=file_ids, item__organization=organization))
        .select_related("item")
        .order_by("item__title", "item_id", "number")
    )
    return _evidence_entries([(f.item, f) for f in files])


def _ref_key(ref: str) -> list[tuple[int, Any]]:
    return [(0, int(p)) if p.isdigit() else (1, p) for p in ref.replace("-", ".").split(".")]


def scope_description(
    *, scope_kind: str, ai_system: AISystem | None, engagement: Engagement | None
) -> dict[str, Any]:
    """The scope as the cover and the first section state it."""
    if scope_kind == "engagement" and engagement is not None:
        return {
            "kind": _("Auditor engagement"),
            "name": engagement.name,
            "lines": [
                (_("Audited by"), engagement.body_name or engagement.get_body_display()),
                (_("Stage"), engagement.get_stage_display()),
                (_("Access"), f"{engagement.starts_on} – {engagement.ends_on}"),
                (
                    _("Covers"),
                    _("the whole AIMS")
                    if engagement.whole_aims
                    else "; ".join(
                        [s.name for s in engagement.ai_systems.all()]
                        + [c.ref for c in engagement.clauses.all()]
                        + [c.ref for c in engagement.controls.all()]
                    ),
                ),
            ],
        }
    if scope_kind == "system" and ai_system is not None:
        return {
            "kind": _("One AI system"),
            "name": ai_system.name,
            "lines": [(_("Reference"), ai_system.reference or "—")],
        }
    return {"kind": _("Whole AIMS"), "name": _("The whole AI management system"), "lines": []}


def gather_pack(
    *,
    organization: Organization,
    reader: User,
    scope_info: dict[str, Any],
    progress: Callable[[int, str], None] | None = None,
) -> Gathered:
    """Every section for ``reader``'s scope; ``progress(percent, section)`` as it goes
    (0–60 % of the job)."""
    r = _Reader(organization, reader)
    readers: dict[str, Callable[[], dict[str, Any]]] = {
        "scope": lambda: _scope_section(r, scope_info),
        "policy": lambda: _policy_section(r),
        "roles": lambda: _roles_section(r),
        "criteria": lambda: _criteria_section(r),
        "risks": lambda: _risks_section(r),
        "soa": lambda: _soa_section(r),
        "impact": lambda: _impact_section(r),
        "objectives": lambda: _objectives_section(r),
        "competence": lambda: _competence_section(r),
        "audits": lambda: _audits_section(r),
        "nonconformities": lambda: _nonconformities_section(r),
        "reviews": lambda: _reviews_section(r),
        "incidents": lambda: _incidents_section(r),
    }
    sections: list[Section] = []
    evidence: list[EvidenceEntry] = []
    for index, spec in enumerate(SECTIONS, start=1):
        if progress is not None:
            progress(5 + int(55 * (index - 1) / len(SECTIONS)), spec.title)
        if spec.key == "evidence":
            data, evidence = _evidence_section(r)
        else:
            data = readers[spec.key]()
        sections.append(
            Section(spec.key, spec.title, spec.clauses, index, data, bool(data.get("empty")))
        )
    soa = next(s for s in sections if s.key == "soa")
    applicable = [
        row["ref"]
        for row in soa.data.get("rows", [])
        if row.get("annex_a", True) and row.get("applicability") == "applicable"
    ]
    contents = {label: sorted(ids) for label, ids in sorted(r.contents.items())}
    return Gathered(sections, contents, evidence, applicable)


def evidence_folders(entry: EvidenceEntry) -> list[str]:
    """The folders an evidence file goes into: one per requirement it is linked to."""
    return entry.requirements or [UNLINKED_FOLDER]


_EVIDENCE_PATH = re.compile(r"^evidence/(?P<folder>[^/]+)/(?P<item>\d+)-v(?P<version>\d+)-")


def evidence_paths(entry: EvidenceEntry) -> list[str]:
    """Where ``entry``'s file is in a pack's ZIP: ``evidence/<requirement>/<item>-v<n>-<name>``,
    once per folder (``evidence_folders``)."""
    safe = "".join(c if c.isalnum() or c in "._-" else "_" for c in entry.original_name)
    return [
        f"evidence/{folder}/{entry.item_id}-v{entry.version}-{safe}"
        for folder in evidence_folders(entry)
    ]


def parse_evidence_path(path: str) -> tuple[str, int, int] | None:
    """The folder, evidence item id and version of a path ``evidence_paths`` made."""
    match = _EVIDENCE_PATH.match(path)
    if match is None:
        return None
    return match["folder"], int(match["item"]), int(match["version"])


def evidence_members(
    entries: list[EvidenceEntry],
    *,
    manifest: Callable[[EvidenceEntry], dict] | None = None,
    check_hashes: bool = False,
) -> list[Member]:
    """The ZIP members of ``entries``' files, read from storage in chunks when the ZIP is
    written (never all in memory); ``manifest(entry)`` adds keys to each file's line, and
    ``check_hashes`` makes the ZIP refuse a stored file whose bytes are not its SHA-256."""
    members = []
    for entry in entries:
        if not entry.storage_name:
            continue
        extra = manifest(entry) if manifest is not None else {}
        for path in evidence_paths(entry):
            members.append(
                Member(
                    path=path,
                    open=lambda name=entry.storage_name: default_storage.open(name, "rb"),
                    compress=False,
                    expect_sha256=entry.sha256 if check_hashes else "",
                    manifest=extra,
                )
            )
    return members
