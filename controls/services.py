"""Catalog workflows."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Exists, IntegerField, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils.formats import date_format
from django.utils.timezone import localtime
from django.utils.translation import gettext_lazy as _

from aims.core.documents import DocumentStatus, next_number, record_identity
from aims.core.jobs import JobContext, job_enqueue
from aims.core.models import Job
from aims.core.permissions import Action, auditor_scopes_of, can, can_add, restrict
from aims.core.queries import subquery_count
from aims.core.transactions import lock_series_owner
from aims.organizations.models import Organization

# By module: the task calls this module and this module queues the task.
from controls import tasks
from controls.catalog import load_catalog
from controls.links import registry as link_registry
from controls.links import treatment_link_count
from controls.models import (
    ANNEX_A_GROUPS,
    ORGANIZATION_GROUP,
    Applicability,
    ClauseStatus,
    ControlImplementation,
    ImplementationStatus,
    Requirement,
    RequirementKind,
    SoAVersion,
)

ISO_FRAMEWORK = "iso42001"


def catalog_reload_start(*, user: Any) -> Job:
    """Queue a reload of the reference catalog. Platform operators only: it affects every tenant."""
    if not (user.is_authenticated and user.is_superuser):
        raise PermissionDenied("Only a platform operator can reload the catalog.")
    return job_enqueue(
        kind="catalog_reload",
        title="Reload the reference catalog",
        task=tasks.catalog_reload,
        user=user,
    )


def catalog_reload_run(job: Job, context: JobContext) -> dict:
    context.progress(10, "Reading catalog files")
    report = load_catalog()
    context.progress(80, "Completing every organisation's SoA and clause list")
    for organization in Organization.objects.filter(is_active=True):
        controls_ensure_for(organization=organization)
    return report.as_dict()


# --- Statement of Applicability -------------------------------------------------------------


def controls_ensure_for(*, organization: Organization) -> int:
    """Give the organisation one implementation row per Annex A control and one status row
    per assessable clause (idempotent; two queries when nothing is missing)."""
    _objectives, created = soa_catalog(organization=organization)
    return created + clauses_ensure_for(organization=organization)


def soa_catalog(*, organization: Organization) -> tuple[dict[str, str], int]:
    """Complete the organisation's SoA and return the control-objective titles by group.

    One query when nothing is missing: the Annex A controls and the top-level objectives,
    each control marked with whether the organisation already has its row.
    """
    has_row = Exists(
        ControlImplementation.objects.filter(
            organization=organization, requirement_id=OuterRef("pk")
        )
    )
    catalog = (
        Requirement.objects.filter(framework__code=ISO_FRAMEWORK, withdrawn=False)
        .filter(
            Q(kind=RequirementKind.CONTROL)
            | Q(kind=RequirementKind.CONTROL_OBJECTIVE, parent__isnull=True)
        )
        .annotate(has_row=has_row)
        .values("pk", "ref", "title", "kind", "has_row")  # plain rows: no model instances
    )
    objectives: dict[str, str] = {}
    created = 0
    for item in catalog:
        if item["kind"] == RequirementKind.CONTROL_OBJECTIVE:
            objectives[item["ref"]] = item["title"]
        elif not item["has_row"]:
            with transaction.atomic():
                ControlImplementation.objects.get_or_create(
                    organization=organization,
                    requirement=Requirement.objects.get(pk=item["pk"]),
                    defaults={"ref": item["ref"], "title": item["title"]},
                )
            created += 1
    return objectives, created


def clauses_ensure_for(*, organization: Organization) -> int:
    """One status row per assessable clause (idempotent; one query when nothing is missing)."""
    created = 0
    missing_clauses = Requirement.objects.filter(
        framework__code=ISO_FRAMEWORK, kind=RequirementKind.CLAUSE, assessable=True, withdrawn=False
    ).exclude(clause_statuses__organization=organization)
    for requirement in missing_clauses:
        with transaction.atomic():
            ClauseStatus.objects.get_or_create(organization=organization, requirement=requirement)
        created += 1
    return created


def _link_count(through: type) -> Subquery:
    """Links of an SoA row in an M2M table, as a correlated count (no join fan-out)."""
    return Coalesce(
        Subquery(
            through.objects.filter(controlimplementation_id=OuterRef("pk"))
            .order_by()
            .values("controlimplementation_id")
            .annotate(n=Count("pk"))
            .values("n")[:1],
            output_field=IntegerField(),
        ),
        0,
    )


def soa_rows(*, organization: Organization, queryset: QuerySet | None = None) -> list[SoARow]:
    """The live SoA: every row with its linked-risk and evidence counts and gap flags."""
    if queryset is None:
        queryset = ControlImplementation.objects.filter(organization=organization)
    rows = (
        queryset.select_related("owner")
        .annotate(
            risk_count=treatment_link_count(),
            evidence_count=_link_count(ControlImplementation.evidence.through),
        )
        .order_by("sort_key")
    )
    result = []
    for row in rows:
        if row.organization_id == organization.pk:
            row.organization = organization  # already loaded: links need its slug
        result.append(
            SoARow(
                control=row,
                risk_count=row.risk_count,
                evidence_count=row.evidence_count,
                gaps=row.gaps(risk_count=row.risk_count, evidence_count=row.evidence_count),
            )
        )
    return result


@dataclass(frozen=True)
class SoARow:
    control: ControlImplementation
    risk_count: int
    evidence_count: int
    gaps: list[str]

    def as_frozen(self) -> dict[str, Any]:
        control = self.control
        return {
            "ref": control.ref,
            "title": control.title,
            "group": control.group,
            "annex_a": control.is_annex_a,
            "applicability": control.applicability,
            "justification": control.justification,
            "status": control.status,
            "owner": control.owner.display_name if control.owner else "",
            "implementation": control.implementation,
            "risk_count": self.risk_count,
            "evidence_count": self.evidence_count,
            "gaps": self.gaps,
        }


def soa_summary(rows: list[SoARow]) -> dict[str, Any]:
    counts = {"total": len(rows), "gaps": sum(1 for r in rows if r.gaps)}
    for value in Applicability.values:
        counts[value] = sum(1 for r in rows if r.control.applicability == value)
    for value in ImplementationStatus.values:
        counts[f"status_{value}"] = sum(
            1
            for r in rows
            if r.control.status == value and r.control.applicability == Applicability.APPLICABLE
        )
    return counts


@dataclass(frozen=True)
class LiveMarking:
    """How the live SoA is marked for its reader: it is not an approved document, and the
    approved version in force (if any) is the one an audit relies on."""

    approved: SoAVersion | None
    limited: bool  # an auditor whose engagements show only some controls

    @property
    def text(self) -> str:
        if self.approved is None:
            return str(_("Live SoA — not approved; no approved version yet."))
        day = self.approved.approved_at
        return str(
            _("Live SoA — not approved; the approved version is v%(n)s of %(d)s.")
            % {"n": self.approved.number, "d": date_format(localtime(day), "j M Y") if day else "—"}
        )

    @property
    def scope_text(self) -> str:
        return (
            str(
                _("Only the controls in this engagement's scope are listed; the counts are theirs.")
            )
            if self.limited
            else ""
        )


def soa_live_marking(*, organization: Organization, user: Any) -> LiveMarking:
    """The approved SoA version ``user`` may see (the one in force) and whether the live SoA
    they read is limited to an engagement's controls (two queries at most)."""
    approved = (
        restrict(SoAVersion.objects.all(), user, Action.VIEW)
        .filter(organization=organization, status=DocumentStatus.APPROVED)
        .select_related("approved_by")
        .first()
    )
    scopes = [s for s in auditor_scopes_of(user) if s.organization_id == organization.pk]
    return LiveMarking(
        approved=approved, limited=bool(scopes) and not any(s.whole_aims for s in scopes)
    )


@transaction.atomic
def soa_version_start(
    *, organization: Organization, user: Any, change_summary: str = ""
) -> SoAVersion:
    """Open a draft SoA version holding a copy of the live SoA as it stands now."""
    if not can_add(user, SoAVersion, organization.pk):
        raise PermissionDenied(_("Your role does not allow preparing the SoA for approval."))
    # The organisation's lock first: two starts at once, the second finds the first's draft.
    lock_series_owner(organization)
    if SoAVersion.objects.filter(
        organization=organization, status__in=[DocumentStatus.DRAFT, DocumentStatus.IN_REVIEW]
    ).exists():
        raise ValidationError(_("A draft of the SoA is already open; finish or refresh that one."))
    controls_ensure_for(organization=organization)
    rows = soa_rows(organization=organization)
    return SoAVersion.objects.create(
        organization=organization,
        number=next_number(SoAVersion, organization=organization),
        author=user,
        change_summary=change_summary[:500],
        rows=soa_frozen_rows(rows),
        summary=soa_summary(rows),
    )


@transaction.atomic
def soa_version_refresh(*, version: SoAVersion, user: Any) -> SoAVersion:
    """Copy the live SoA into a draft again (after editing controls)."""
    version = SoAVersion.objects.select_for_update().get(pk=version.pk)
    if not can(user, Action.CHANGE, version):
        raise PermissionDenied(_("You may not change this SoA version."))
    if version.status != DocumentStatus.DRAFT:
        raise ValidationError(_("Only a draft can be refreshed."))
    rows = soa_rows(organization=version.organization)
    version.rows = soa_frozen_rows(rows)
    version.summary = soa_summary(rows)
    version.save()
    return version


def soa_frozen_rows(rows: list[SoARow]) -> list[dict[str, Any]]:
    """Rows as an SoA version keeps them: each with the identities of the records that
    justify it — the risks (and other treatment links registered by higher apps) and the
    evidence, with the evidence file's SHA-256. One query per link table."""
    ids = [row.control.pk for row in rows]
    linked: dict[int, dict[str, list[dict[str, Any]]]] = {pk: {} for pk in ids}
    for spec in link_registry:
        through = spec.through
        target = spec.model._meta.get_field(spec.field).m2m_field_name()
        pairs = through.objects.filter(controlimplementation_id__in=ids).values_list(
            "controlimplementation_id", f"{target}_id"
        )
        pairs = list(pairs)
        records = spec.model.objects.in_bulk({other for _, other in pairs})
        for control_id, other in sorted(pairs, key=lambda pair: pair[1]):
            linked[control_id].setdefault(spec.accessor, []).append(record_identity(records[other]))
    evidence_through = ControlImplementation.evidence.through
    pairs = list(
        evidence_through.objects.filter(controlimplementation_id__in=ids).values_list(
            "controlimplementation_id", "evidenceitem_id"
        )
    )
    items = ControlImplementation.evidence.field.related_model.objects.select_related(
        "current_file"
    ).in_bulk({item for _, item in pairs})
    for control_id, item_id in sorted(pairs, key=lambda pair: pair[1]):
        item = items[item_id]
        identity = record_identity(item)
        identity["sha256"] = item.current_file.sha256 if item.current_file else ""
        linked[control_id].setdefault("evidence", []).append(identity)
    frozen = []
    for row in rows:
        values = row.as_frozen()
        links = linked[row.control.pk]
        values["risks"] = links.pop("risks", [])
        values["evidence"] = links.pop("evidence", [])
        values.update(links)  # any further treatment link, under its own name
        frozen.append(values)
    return frozen


SOA_COMPARED_FIELDS = (
    "title",
    "applicability",
    "justification",
    "status",
    "owner",
    "implementation",
    "gaps",
    "risks",
    "evidence",
)


def _shown(value: Any) -> str:
    """A frozen value as the comparison shows it: linked records by reference and title
    (with their version, so an edit since the last version shows), gap lists joined."""
    if isinstance(value, list):
        parts = []
        for item in value:
            if isinstance(item, dict):
                label = " ".join(p for p in (item.get("reference"), item.get("title")) if p)
                if item.get("version"):
                    label += f" (v{item['version']})"
                parts.append(label)
            else:
                parts.append(str(item))
        return "; ".join(parts)
    return value


def soa_diff(*, old: SoAVersion, new: SoAVersion) -> dict[str, list[dict[str, Any]]]:
    """Rows added, removed and changed between two SoA versions (by control reference)."""
    before = {row["ref"]: row for row in old.rows}
    after = {row["ref"]: row for row in new.rows}
    changed = []
    for ref, row in after.items():
        if ref in before:
            fields = [
                {
                    "field": f,
                    "before": _shown(before[ref].get(f, "")),
                    "after": _shown(row.get(f, "")),
                }
                for f in SOA_COMPARED_FIELDS
                if _shown(before[ref].get(f, "")) != _shown(row.get(f, ""))
            ]
            if fields:
                changed.append({"ref": ref, "title": row["title"], "fields": fields})
    summary = [
        {"key": key, "before": old.summary.get(key, 0), "after": new.summary.get(key, 0)}
        for key in sorted(set(old.summary) | set(new.summary))
        if old.summary.get(key, 0) != new.summary.get(key, 0)
    ]
    return {
        "added": [row for ref, row in after.items() if ref not in before],
        "removed": [row for ref, row in before.items() if ref not in after],
        "changed": changed,
        "summary": summary,
    }


def soa_objectives() -> dict[str, str]:
    """Control-objective titles by Annex A group (``A.6`` → its title), one query."""
    return dict(
        Requirement.objects.filter(
            framework__code=ISO_FRAMEWORK,
            kind=RequirementKind.CONTROL_OBJECTIVE,
            parent__isnull=True,
        ).values_list("ref", "title")
    )


@dataclass
class SoAGroup:
    key: str
    title: str
    rows: list[Any]


def soa_grouped(rows: list[Any], *, objectives: dict[str, str], key: Any = None) -> list[SoAGroup]:
    """Rows (live ``SoARow`` or frozen dicts) grouped A.2 … A.10, then organisation controls."""
    key = key or (lambda row: row.control.group)
    groups: dict[str, SoAGroup] = {}
    for group in (*ANNEX_A_GROUPS, ORGANIZATION_GROUP):
        title = (
            objectives.get(group, "")
            if group != ORGANIZATION_GROUP
            else str(_("Organisation controls"))
        )
        groups[group] = SoAGroup(key=group, title=title, rows=[])
    for row in rows:
        groups.setdefault(key(row), SoAGroup(key=key(row), title="", rows=[])).rows.append(row)
    return [g for g in groups.values() if g.rows]


def soa_implemented_percent(summary: dict[str, Any]) -> int:
    applicable = summary.get(Applicability.APPLICABLE, 0)
    if not applicable:
        return 0
    return round(100 * summary.get(f"status_{ImplementationStatus.IMPLEMENTED}", 0) / applicable)


@transaction.atomic
def control_implementation_delete(*, control: ControlImplementation, user: Any) -> None:
    """Delete an organisation's own control; Annex A rows stay in the SoA."""
    control = ControlImplementation.objects.select_for_update().get(pk=control.pk)
    if not can(user, Action.DELETE, control):
        raise PermissionDenied(_("Your role does not allow deleting this control."))
    control.delete()


def soa_version_previous(*, version: SoAVersion) -> SoAVersion | None:
    return (
        SoAVersion.objects.filter(
            organization_id=version.organization_id, number__lt=version.number
        )
        .order_by("-number")
        .first()
    )


def clause_statuses_with_counts(queryset: QuerySet) -> QuerySet:
    """Clause statuses with their requirement, owner and linked-evidence count (one query)."""
    linked = Requirement.evidence.through.objects.filter(
        requirement_id=OuterRef("requirement_id"),
        evidenceitem__organization_id=OuterRef("organization_id"),
    )
    return queryset.select_related("organization", "requirement", "owner", "declared_by").annotate(
        evidence_count=subquery_count(linked)
    )
