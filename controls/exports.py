"""Statement of Applicability exports: the live SoA or an approved version, as CSV, XLSX, PDF.

Both sources become the same list of frozen row dicts (``SoARow.as_frozen()`` for the live
SoA, ``SoAVersion.rows`` for a version), so a version's export never reads the live
controls: editing a control after approval leaves the version's files unchanged.

The live SoA is read through ``restrict``: an auditor exports only the controls shared with
them. A version is one approved document; whoever may see the version sees all its rows.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

from aims.core.documents import DocumentStatus
from aims.core.pdf import generated_at, local_text, render_pdf
from aims.core.permissions import Action, restrict
from aims.core.tabular import Sheet, csv_bytes, xlsx_bytes
from aims.evidence.models import EvidenceItem
from aims.organizations.models import Organization
from controls.links import registry as link_registry
from controls.models import (
    ANNEX_A_GROUPS,
    ORGANIZATION_GROUP,
    Applicability,
    ControlImplementation,
    ImplementationStatus,
    Requirement,
    RequirementKind,
    SoAVersion,
)
from controls.services import (
    ISO_FRAMEWORK,
    LiveMarking,
    soa_frozen_rows,
    soa_live_marking,
    soa_rows,
)

SOA_COLUMNS: tuple[tuple[str, int], ...] = (
    ("Group", 8),
    ("Reference", 11),
    ("Title", 38),
    ("Applicability", 16),
    ("Justification", 50),
    ("Implementation status", 22),
    ("Owner", 22),
    ("How implemented", 50),
    ("Linked risks", 12),
    ("Evidence items", 12),
    ("Gaps", 40),
)
SOA_WRAP = frozenset({2, 4, 7, 10})
GROUP_ORDER = (*ANNEX_A_GROUPS, ORGANIZATION_GROUP)


@dataclass(frozen=True)
class SoADocument:
    """What every SoA export renders: the rows, their counts, and where they came from."""

    organization: Organization
    rows: list[dict[str, Any]]
    summary: dict[str, int]
    version: SoAVersion | None
    group_titles: dict[str, str]
    # The live SoA only: the approved version in force, and whether the reader (an auditor)
    # sees only an engagement's controls. Every file of the live SoA says both.
    marking: LiveMarking | None = None

    @property
    def title(self) -> str:
        if self.version is None:
            return _("Statement of Applicability (live, not approved)")
        return _("Statement of Applicability v%(n)s") % {"n": self.version.number}

    @property
    def is_approved(self) -> bool:
        return self.version is not None and self.version.status in (
            DocumentStatus.APPROVED,
            DocumentStatus.SUPERSEDED,
        )

    def filename(self, extension: str) -> str:
        slug = self.organization.slug
        day = generated_at(self.organization).date().isoformat()
        if self.version is None:
            return f"soa-{slug}-live-{day}.{extension}"
        return f"soa-{slug}-v{self.version.number}.{extension}"


def applicability_label(value: str) -> str:
    try:
        return str(Applicability(value).label)
    except ValueError:
        return value


def status_label(row: dict[str, Any]) -> str:
    """The implementation status; none for a control that is not applicable."""
    if row.get("applicability") == Applicability.NOT_APPLICABLE:
        return ""
    try:
        return str(ImplementationStatus(row.get("status", "")).label)
    except ValueError:
        return str(row.get("status", ""))


def soa_summary_of(rows: list[dict[str, Any]]) -> dict[str, int]:
    """Counts from frozen rows (same keys as ``controls.services.soa_summary``)."""
    counts = {"total": len(rows), "gaps": sum(1 for r in rows if r.get("gaps"))}
    for value in Applicability.values:
        counts[value] = sum(1 for r in rows if r.get("applicability") == value)
    for value in ImplementationStatus.values:
        counts[f"status_{value}"] = sum(
            1
            for r in rows
            if r.get("status") == value and r.get("applicability") == Applicability.APPLICABLE
        )
    return counts


def _group_titles() -> dict[str, str]:
    titles = dict(
        Requirement.objects.filter(
            framework__code=ISO_FRAMEWORK,
            kind=RequirementKind.CONTROL_OBJECTIVE,
            ref__in=ANNEX_A_GROUPS,
        ).values_list("ref", "title")
    )
    titles[ORGANIZATION_GROUP] = _("The organisation's own controls")
    return titles


def soa_document(
    *, organization: Organization, user: Any, version: SoAVersion | None = None
) -> SoADocument:
    """The live SoA as ``user`` may see it, or the frozen rows of ``version``."""
    if version is not None:
        if version.organization_id != organization.pk:
            raise ValueError("The version belongs to another organisation.")
        rows = [dict(row) for row in version.rows]
    else:
        visible = restrict(
            ControlImplementation.objects.filter(organization=organization), user, Action.VIEW
        )
        live = soa_rows(organization=organization, queryset=visible)
        rows = []
        for row, frozen in zip(live, soa_frozen_rows(live), strict=True):
            owner = row.control.owner
            if owner is not None:  # the name people know, as the rest of the UI shows it
                frozen["owner"] = getattr(owner, "display_name", "") or frozen["owner"]
            rows.append(frozen)
        _keep_visible_links(rows, user=user, organization=organization)
    return SoADocument(
        organization=organization,
        rows=rows,
        summary=soa_summary_of(rows),
        version=version,
        group_titles=_group_titles(),
        marking=soa_live_marking(organization=organization, user=user) if version is None else None,
    )


def _keep_visible_links(rows: list[dict[str, Any]], *, user: Any, organization: Any) -> None:
    """The live SoA names only the risks and evidence ``user`` may open (an approved
    version is a document and keeps what it was approved with)."""
    visible = {
        "evidence": set(
            restrict(
                EvidenceItem.objects.filter(organization=organization), user, Action.VIEW
            ).values_list("pk", flat=True)
        )
    }
    for spec in link_registry:
        visible[spec.accessor] = set(
            spec.reachable(user, organization.pk).values_list("pk", flat=True)
        )
    for row in rows:
        for name, ids in visible.items():
            if name in row:
                row[name] = [item for item in row[name] if item["id"] in ids]


def _table_rows(document: SoADocument) -> list[list[Any]]:
    return [
        [
            row.get("group", ""),
            row.get("ref", ""),
            row.get("title", ""),
            applicability_label(row.get("applicability", "")),
            row.get("justification", ""),
            status_label(row),
            row.get("owner", ""),
            row.get("implementation", ""),
            row.get("risk_count", 0),
            row.get("evidence_count", 0),
            "; ".join(row.get("gaps") or []),
        ]
        for row in document.rows
    ]


def soa_export_csv(
    *, organization: Organization, user: Any, version: SoAVersion | None = None
) -> tuple[str, bytes]:
    """(filename, UTF-8 CSV with a byte-order mark)."""
    document = soa_document(organization=organization, user=user, version=version)
    return document.filename("csv"), csv_bytes(
        [label for label, _w in SOA_COLUMNS], _table_rows(document)
    )


def _summary_rows(document: SoADocument) -> list[list[Any]]:
    s = document.summary
    rows: list[list[Any]] = [
        [_("Organisation"), document.organization.name],
        [_("Document"), document.title],
        [_("Generated"), local_text(generated_at(document.organization), document.organization)],
    ]
    version = document.version
    if version is None:
        rows.append([_("Status"), _("Live working copy — not an approved version")])
        if document.marking is not None:
            rows.append([_("Approved version"), document.marking.text])
            if document.marking.limited:
                rows.append([_("Coverage"), document.marking.scope_text])
    else:
        approver = version.approved_by
        rows += [
            [_("Version"), version.number],
            [_("Status"), str(version.get_status_display())],
            [
                _("Approved by"),
                (getattr(approver, "display_name", "") or approver.email) if approver else "",
            ],
            [_("Approved at"), local_text(version.approved_at, document.organization)],
            [_("Summary of changes"), version.change_summary],
        ]
    rows += [
        [_("Controls"), s["total"]],
        [_("Applicable"), s[Applicability.APPLICABLE]],
        [_("Not applicable"), s[Applicability.NOT_APPLICABLE]],
        [_("Not yet decided"), s[Applicability.UNDECIDED]],
        [_("Applicable and implemented"), s[f"status_{ImplementationStatus.IMPLEMENTED}"]],
        [_("Applicable, partially implemented"), s[f"status_{ImplementationStatus.PARTIAL}"]],
        [_("Applicable, planned"), s[f"status_{ImplementationStatus.PLANNED}"]],
        [_("Applicable, not started"), s[f"status_{ImplementationStatus.NOT_STARTED}"]],
        [_("Controls with gaps"), s["gaps"]],
    ]
    return rows


def soa_export_xlsx(
    *, organization: Organization, user: Any, version: SoAVersion | None = None
) -> tuple[str, bytes]:
    """(filename, workbook): sheet "SoA" with every row, sheet "Summary" with the counts."""
    document = soa_document(organization=organization, user=user, version=version)
    content = xlsx_bytes(
        [
            Sheet(
                title="SoA",
                headers=[label for label, _w in SOA_COLUMNS],
                rows=_table_rows(document),
                widths=[w for _label, w in SOA_COLUMNS],
                wrap=SOA_WRAP,
            ),
            Sheet(
                title="Summary",
                headers=[_("Item"), _("Value")],
                rows=_summary_rows(document),
                widths=[34, 60],
                wrap=frozenset({1}),
                table=False,
            ),
        ]
    )
    return document.filename("xlsx"), content


def _grouped(document: SoADocument) -> list[dict[str, Any]]:
    groups: dict[str, list[dict[str, Any]]] = {}
    for row in document.rows:
        display = {
            **row,
            "applicability_label": applicability_label(row.get("applicability", "")),
            "status_label": status_label(row),
        }
        groups.setdefault(row.get("group") or ORGANIZATION_GROUP, []).append(display)
    order = [g for g in GROUP_ORDER if g in groups] + sorted(
        g for g in groups if g not in GROUP_ORDER
    )
    return [{"key": g, "title": document.group_titles.get(g, ""), "rows": groups[g]} for g in order]


def soa_export_pdf(
    *, organization: Organization, user: Any, version: SoAVersion | None = None
) -> tuple[str, bytes]:
    """(filename, PDF): rows grouped A.2–A.10 then the organisation's own controls."""
    document = soa_document(organization=organization, user=user, version=version)
    content = render_pdf(
        template_name="reports/soa.html",
        context={
            "document": document,
            "groups": _grouped(document),
            "summary_rows": _summary_rows(document),
            "version": version,
        },
        organization=organization,
        title=document.title,
    )
    return document.filename("pdf"), content
