"""Risk register exports: CSV and XLSX straight away, PDF as a background job.

Every export reads the register through ``restrict`` (an auditor gets only the risks shared
with them) and through the register's own ``RiskFilterSet``, so a file holds exactly the
rows the register page shows for the same query. Rows are read as plain values with one
query plus a fixed set of lookups per chunk of ``CHUNK_SIZE`` risks: the query count does
not grow with the rows until a register outgrows a chunk.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, F, Q, QuerySet
from django.http import QueryDict
from django.utils.translation import gettext as _

from aims.core.jobs import JobContext, job_enqueue
from aims.core.models import Job
from aims.core.pdf import generated_at, local_text, render_pdf
from aims.core.permissions import Action, is_member, restrict
from aims.core.tabular import Sheet, csv_lines, xlsx_bytes
from aims.inventory.models import AISystem
from aims.organizations.models import Organization
from controls.models import ControlImplementation

# By module: the task calls this module and this module queues the task.
from risks import tasks
from risks.filters import RiskFilterSet
from risks.heatmap import heatmap_counts, heatmap_svg
from risks.models import (
    COLOUR,
    ActionStatus,
    Risk,
    RiskCriteria,
    RiskKind,
    RiskStatus,
    TreatmentAction,
    TreatmentOption,
)

CHUNK_SIZE = 2000
BAND_KEY = re.compile(r"[a-z0-9_-]{1,20}")
# Query parameters that shape the request, not the rows.
NOT_FILTERS = ("format", "page", "page_size")

# (key, column heading, XLSX width in characters)
REGISTER_COLUMNS: tuple[tuple[str, str, int], ...] = (
    ("reference", "Reference", 10),
    ("kind", "Kind", 12),
    ("title", "Title", 36),
    ("description", "Description", 50),
    ("ai_systems", "AI systems", 28),
    ("risk_sources", "Risk sources", 14),
    ("objectives", "Objectives", 14),
    ("consequences_organization", "Consequences (organisation)", 40),
    ("consequences_individuals", "Consequences (individuals)", 40),
    ("consequences_society", "Consequences (society)", 40),
    ("impact_organization", "Impact on the organisation", 10),
    ("impact_individuals", "Impact on individuals", 10),
    ("impact_society", "Impact on society", 10),
    ("inherent_likelihood", "Inherent likelihood", 10),
    ("inherent_impact", "Inherent impact", 10),
    ("inherent_score", "Inherent score", 10),
    ("inherent_level", "Inherent level", 12),
    ("existing_controls", "Existing controls", 40),
    ("owner", "Owner", 22),
    ("status", "Status", 18),
    ("treatment_option", "Treatment option", 16),
    ("controls", "Controls", 24),
    ("actions", "Treatment actions", 10),
    ("open_actions", "Open treatment actions", 10),
    ("residual_likelihood", "Residual likelihood", 10),
    ("residual_impact", "Residual impact", 10),
    ("residual_score", "Residual score", 10),
    ("residual_level", "Residual level", 12),
    ("accepted_by", "Accepted by", 22),
    ("accepted_at", "Accepted at", 18),
    ("acceptance_expires", "Acceptance expires", 12),
    ("next_review", "Next review", 12),
    ("criteria_version", "Criteria version", 10),
)
REGISTER_WRAP = frozenset({1, 2, 3, 6, 7, 12, 16})
OPEN_ACTIONS = (ActionStatus.PLANNED, ActionStatus.IN_PROGRESS)


def risk_register_export_allowed(*, organization: Organization, user: Any) -> bool:
    """Every member may export what they can see (an auditor: the risks shared with them)."""
    return is_member(user, organization.pk)


def filter_params(params: Mapping[str, Any] | QueryDict | None) -> dict[str, list[str]]:
    """The register filters in ``params`` as plain lists (JSON-safe, for a job's params)."""
    if params is None:
        return {}
    if isinstance(params, QueryDict):
        items = params.lists()
    else:
        items = ((k, v if isinstance(v, list) else [v]) for k, v in params.items())
    return {
        key: [str(v) for v in values if v not in (None, "")]
        for key, values in items
        if key not in NOT_FILTERS and any(v not in (None, "") for v in values)
    }


def risk_register_queryset(
    *, organization: Organization, user: Any, params: Mapping[str, Any] | None = None
) -> QuerySet:
    """The risks ``user`` may see in ``organization``, filtered like the register page.

    Raises ``ValidationError`` with the filter form's messages for a bad filter value.
    """
    query = QueryDict(mutable=True)
    for key, values in filter_params(params).items():
        query.setlist(key, values)
    visible = restrict(Risk.objects.filter(organization=organization), user, Action.VIEW)
    # The filter set reads the user and organisation from a request (choices, bands).
    request = SimpleNamespace(user=user, organization=organization, GET=query)
    filterset = RiskFilterSet(query, queryset=visible, request=request)
    if not filterset.is_valid():
        raise ValidationError(
            {name: [str(m) for m in messages] for name, messages in filterset.errors.items()}
        )
    queryset = filterset.qs
    if "ordering" not in query:
        queryset = queryset.order_by("number")
    return queryset


RISK_FIELDS = (
    "id",
    "number",
    "title",
    "description",
    "kind",
    "consequences_organization",
    "consequences_individuals",
    "consequences_society",
    "impact_organization",
    "impact_individuals",
    "impact_society",
    "criteria_id",
    "inherent_likelihood",
    "inherent_impact",
    "inherent_score",
    "inherent_level",
    "existing_controls",
    "owner__full_name",
    "owner__email",
    "status",
    "treatment_option",
    "residual_likelihood",
    "residual_impact",
    "residual_score",
    "residual_level",
    "accepted_by__full_name",
    "accepted_by__email",
    "accepted_at",
    "acceptance_expires",
    "next_review_date",
)


def _batches(items: Iterator[dict[str, Any]], size: int) -> Iterator[list[dict[str, Any]]]:
    batch: list[dict[str, Any]] = []
    for item in items:
        batch.append(item)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


def _grouped(pairs: Any) -> dict[int, list[str]]:
    found: dict[int, list[str]] = {}
    for risk_id, text in pairs:
        found.setdefault(risk_id, []).append(text)
    return found


def _name(full_name: str | None, email: str | None) -> str:
    return full_name or email or ""


@dataclass
class RegisterRow:
    """One risk: ``risk`` holds the raw database values, ``record`` the display value of
    every export column by key."""

    risk: dict[str, Any]
    record: dict[str, Any]
    inherent_band: dict[str, Any] | None
    residual_band: dict[str, Any] | None

    @property
    def values(self) -> list[Any]:
        return [self.record[key] for key, _label, _w in REGISTER_COLUMNS]


@dataclass
class RegisterReader:
    """Reads the register as plain values, a chunk of risks at a time.

    Per chunk: the risks (one query, owners joined), then one query each for their AI
    systems, risk sources, objectives, controls and action counts. No model instances are
    built, which keeps 1,000+ rows fast. Linked AI systems and controls are themselves
    restricted, so a row never names a record the user could not open.
    """

    organization: Organization
    user: Any
    queryset: QuerySet
    criteria: dict[int, RiskCriteria] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.criteria = {
            c.pk: c for c in RiskCriteria.objects.filter(organization=self.organization)
        }

    def _band(self, criteria_id: int, key: str) -> dict[str, Any] | None:
        criteria = self.criteria.get(criteria_id)
        if not key or criteria is None:
            return None
        try:
            return criteria.band(key)
        except KeyError:
            return {"key": key, "label": key, "colour": "#6b7280"}

    def _related(self, ids: list[int]) -> dict[str, Any]:
        user = self.user
        systems = (
            Risk.ai_systems.through.objects.filter(
                risk_id__in=ids,
                aisystem__in=restrict(AISystem.objects.all(), user, Action.VIEW),
            )
            .order_by("aisystem__name")
            .values_list("risk_id", "aisystem__name", "aisystem__reference")
        )
        controls = (
            Risk.controls.through.objects.filter(
                risk_id__in=ids,
                controlimplementation__in=restrict(
                    ControlImplementation.objects.all(), user, Action.VIEW
                ),
            )
            .order_by("controlimplementation__sort_key")
            .values_list("risk_id", "controlimplementation__ref")
        )
        actions = (
            TreatmentAction.objects.filter(risk_id__in=ids)
            .order_by()
            .values("risk_id")
            .annotate(
                total=Count("pk"),
                open=Count("pk", filter=Q(status__in=OPEN_ACTIONS)),
            )
            .values_list("risk_id", "total", "open")
        )
        return {
            "systems": _grouped(
                (risk_id, f"{name} ({ref})" if ref else name) for risk_id, name, ref in systems
            ),
            "sources": _grouped(
                Risk.risk_sources.through.objects.filter(risk_id__in=ids)
                .order_by("requirement__sort_key")
                .values_list("risk_id", "requirement__ref")
            ),
            "objectives": _grouped(
                Risk.objectives.through.objects.filter(risk_id__in=ids)
                .order_by("requirement__sort_key")
                .values_list("risk_id", "requirement__ref")
            ),
            "controls": _grouped(controls),
            "actions": {risk_id: (total, open_) for risk_id, total, open_ in actions},
        }

    def rows(self) -> Iterator[RegisterRow]:
        org = self.organization
        statuses = {value: str(label) for value, label in RiskStatus.choices}
        options = {value: str(label) for value, label in TreatmentOption.choices}
        kinds = {value: str(label) for value, label in RiskKind.choices}
        values = self.queryset.values(*RISK_FIELDS).iterator(chunk_size=CHUNK_SIZE)
        for batch in _batches(values, CHUNK_SIZE):
            related = self._related([r["id"] for r in batch])
            for r in batch:
                pk = r["id"]
                criteria = self.criteria.get(r["criteria_id"])
                inherent = self._band(r["criteria_id"], r["inherent_level"])
                residual = self._band(r["criteria_id"], r["residual_level"])
                total, open_ = related["actions"].get(pk, (0, 0))
                yield RegisterRow(
                    r,
                    {
                        "reference": f"R-{r['number']:04d}",
                        "kind": kinds.get(r["kind"], r["kind"]),
                        "title": r["title"],
                        "description": r["description"],
                        "ai_systems": "; ".join(related["systems"].get(pk, ())),
                        "risk_sources": "; ".join(related["sources"].get(pk, ())),
                        "objectives": "; ".join(related["objectives"].get(pk, ())),
                        "consequences_organization": r["consequences_organization"],
                        "consequences_individuals": r["consequences_individuals"],
                        "consequences_society": r["consequences_society"],
                        "impact_organization": r["impact_organization"],
                        "impact_individuals": r["impact_individuals"],
                        "impact_society": r["impact_society"],
                        "inherent_likelihood": r["inherent_likelihood"],
                        "inherent_impact": r["inherent_impact"],
                        "inherent_score": r["inherent_score"],
                        "inherent_level": inherent["label"] if inherent else "",
                        "existing_controls": r["existing_controls"],
                        "owner": _name(r["owner__full_name"], r["owner__email"]),
                        "status": statuses.get(r["status"], r["status"]),
                        "treatment_option": options.get(
                            r["treatment_option"], r["treatment_option"]
                        ),
                        "controls": "; ".join(related["controls"].get(pk, ())),
                        "actions": total,
                        "open_actions": open_,
                        "residual_likelihood": r["residual_likelihood"],
                        "residual_impact": r["residual_impact"],
                        "residual_score": r["residual_score"],
                        "residual_level": residual["label"] if residual else "",
                        "accepted_by": _name(r["accepted_by__full_name"], r["accepted_by__email"]),
                        "accepted_at": local_text(r["accepted_at"], org),
                        "acceptance_expires": r["acceptance_expires"].isoformat()
                        if r["acceptance_expires"]
                        else "",
                        "next_review": r["next_review_date"].isoformat()
                        if r["next_review_date"]
                        else "",
                        "criteria_version": criteria.number if criteria is not None else "",
                    },
                    inherent,
                    residual,
                )


def _filename(organization: Organization, extension: str) -> str:
    day = generated_at(organization).date().isoformat()
    return f"risk-register-{organization.slug}-{day}.{extension}"


def _reader(
    *, organization: Organization, user: Any, params: Mapping[str, Any] | None
) -> RegisterReader:
    if not risk_register_export_allowed(organization=organization, user=user):
        raise PermissionDenied(_("Your role does not allow exporting the risk register."))
    queryset = risk_register_queryset(organization=organization, user=user, params=params)
    return RegisterReader(organization=organization, user=user, queryset=queryset)


def risk_register_export_csv(
    *, organization: Organization, user: Any, params: Mapping[str, Any] | None = None
) -> tuple[str, Iterator[bytes]]:
    """(filename, CSV lines to stream). Filters are checked before the first line is sent."""
    reader = _reader(organization=organization, user=user, params=params)
    lines = csv_lines(
        [label for _k, label, _w in REGISTER_COLUMNS], (row.values for row in reader.rows())
    )
    return _filename(organization, "csv"), lines


def risk_register_export_xlsx(
    *, organization: Organization, user: Any, params: Mapping[str, Any] | None = None
) -> tuple[str, bytes]:
    """(filename, workbook): sheet "Risk register" plus a "Summary" sheet."""
    reader = _reader(organization=organization, user=user, params=params)
    rows = [row.values for row in reader.rows()]
    summary = [
        [_("Organisation"), organization.name],
        [_("Generated"), local_text(generated_at(organization), organization)],
        [_("Risks"), len(rows)],
        [
            _("Filters"),
            "; ".join(f"{k}={','.join(v)}" for k, v in filter_params(params).items()) or _("none"),
        ],
    ]
    content = xlsx_bytes(
        [
            Sheet(
                title="Risk register",
                headers=[label for _k, label, _w in REGISTER_COLUMNS],
                rows=rows,
                widths=[w for _k, _label, w in REGISTER_COLUMNS],
                wrap=REGISTER_WRAP,
            ),
            Sheet(
                title="Summary",
                headers=[_("Item"), _("Value")],
                rows=summary,
                widths=[20, 60],
                table=False,
            ),
        ]
    )
    return _filename(organization, "xlsx"), content


# --- PDF (background job) ---------------------------------------------------------------------


def risk_register_export_start(
    *, organization: Organization, user: Any, params: Mapping[str, Any] | None = None
) -> Job:
    """Queue the PDF of the register (as ``user`` may see it, with the given filters).

    Bad filters are refused now, with the filter form's messages, rather than in the job.
    """
    if not risk_register_export_allowed(organization=organization, user=user):
        raise PermissionDenied(_("Your role does not allow exporting the risk register."))
    risk_register_queryset(organization=organization, user=user, params=params)
    return job_enqueue(
        kind="risk_register_pdf",
        title="Risk register (PDF)",
        task=tasks.risk_register_pdf,
        organization=organization,
        user=user,
        params={"filters": filter_params(params)},
    )


def _band_label(criteria: RiskCriteria, key: str) -> str:
    try:
        return str(criteria.band(key)["label"])
    except KeyError:
        return key


def _text_colour(hex_colour: str) -> str:
    try:
        r, g, b = (int(hex_colour[i : i + 2], 16) for i in (1, 3, 5))
    except (ValueError, IndexError):
        return "#ffffff"
    return "#111111" if 0.2126 * r + 0.7152 * g + 0.0722 * b > 150 else "#ffffff"


def _actions_by_risk(risk_ids: list[int]) -> dict[int, list[dict[str, str]]]:
    """Every treatment action of the risks, per risk in due-date order: the PDF lists them
    (the spreadsheets count them). One query per thousand risks."""
    statuses = {value: str(label) for value, label in ActionStatus.choices}
    found: dict[int, list[dict[str, str]]] = {}
    for start in range(0, len(risk_ids), CHUNK_SIZE):
        rows = (
            TreatmentAction.objects.filter(risk_id__in=risk_ids[start : start + CHUNK_SIZE])
            .order_by("risk_id", F("due_date").asc(nulls_last=True), "pk")
            .values_list(
                "risk_id", "title", "status", "due_date", "owner__full_name", "owner__email"
            )
        )
        for risk_id, title, status, due, owner_name, owner_email in rows:
            found.setdefault(risk_id, []).append(
                {
                    "title": title,
                    "status": statuses.get(status, status),
                    "open": status in OPEN_ACTIONS,
                    "due": due.isoformat() if due else "",
                    "owner": _name(owner_name, owner_email),
                }
            )
    return found


def risk_register_pdf_bytes(
    *,
    organization: Organization,
    user: Any,
    params: Mapping[str, Any] | None = None,
    progress: Callable[[int, str], None] | None = None,
) -> tuple[bytes, int]:
    """(PDF, number of risks): a cover summary, both heatmaps, then one entry per risk."""
    reader = _reader(organization=organization, user=user, params=params)
    rows = []
    level_counts: dict[str, dict[str, int]] = {"inherent": {}, "residual": {}}
    status_counts: dict[str, int] = {}
    opportunities = 0
    for row in reader.rows():
        risk = row.risk
        if risk["kind"] != RiskKind.RISK:
            opportunities += 1
        for which, band in (("inherent", row.inherent_band), ("residual", row.residual_band)):
            if risk["kind"] != RiskKind.RISK:
                break  # an opportunity is listed, never counted at a risk level
            label = band["label"] if band else _("Not assessed")
            level_counts[which][label] = level_counts[which].get(label, 0) + 1
        status = row.record["status"]
        status_counts[status] = status_counts.get(status, 0) + 1
        v = row.record
        rows.append(
            {
                "id": risk["id"],
                "ref": v["reference"],
                "title": v["title"],
                "description": v["description"],
                "treatment": v["treatment_option"],
                "status_only": v["status"],
                "existing_controls": v["existing_controls"],
                "systems": v["ai_systems"],
                "owner": v["owner"] or "—",
                "status": v["status"]
                + (f" · {v['treatment_option']}" if v["treatment_option"] else ""),
                "controls": v["controls"],
                "inherent": f"{v['inherent_score']} {v['inherent_level']}",
                "inherent_class": f"b{risk['criteria_id']}-{risk['inherent_level']}",
                "residual": f"{v['residual_score']} {v['residual_level']}"
                if v["residual_score"] is not None
                else "",
                "residual_class": f"b{risk['criteria_id']}-{risk['residual_level']}"
                if risk["residual_level"]
                else "",
                "actions": f"{v['open_actions']}/{v['actions']} open" if v["actions"] else "0/0",
                "review": v["next_review"] or "—",
            }
        )
    actions = _actions_by_risk([row["id"] for row in rows])
    for row in rows:
        row["action_list"] = actions.get(row["id"], [])
    if progress:
        progress(50, f"Laying out {len(rows)} risks")
    # Band colours go into a <style> block: only well-formed keys and #rrggbb colours.
    band_css = "".join(
        f".b{c.pk}-{b['key']}{{background:{b['colour']};color:{_text_colour(b['colour'])}}}"
        for c in reader.criteria.values()
        for b in c.bands or []
        if isinstance(b, dict)
        and BAND_KEY.fullmatch(str(b.get("key", "")))
        and COLOUR.fullmatch(str(b.get("colour", "")))
    )
    current = next((c for c in reader.criteria.values() if c.is_current), None)
    heatmaps = []
    if current is not None:
        scored_now = reader.queryset.filter(criteria=current)
        heatmaps = [
            heatmap_svg(current, heatmap_counts(scored_now, which), title=title)
            for which, title in (("inherent", _("Inherent risk")), ("residual", _("Residual risk")))
        ]

    def ordered(counts: dict[str, int], which: str) -> list[tuple[str, int]]:
        labels = [b["label"] for b in (current.bands if current else [])]
        known = [(label, counts[label]) for label in reversed(labels) if label in counts]
        return known + [(k, n) for k, n in counts.items() if k not in labels]

    content = render_pdf(
        template_name="reports/risk_register.html",
        context={
            "rows": rows,
            "total": len(rows),
            "opportunities": opportunities,
            "inherent_counts": ordered(level_counts["inherent"], "inherent"),
            "residual_counts": ordered(level_counts["residual"], "residual"),
            "status_counts": sorted(status_counts.items()),
            "heatmaps": heatmaps,
            "criteria": current,
            "acceptance_label": _band_label(current, current.acceptance_band) if current else "",
            "band_css": band_css,
            "filters": filter_params(params),
        },
        organization=organization,
        title=_("Risk register"),
    )
    return content, len(rows)


def risk_register_pdf_run(job: Job, context: JobContext) -> dict:
    """The job's work: visibility is decided now, for the job's creator."""
    organization = job.organization
    if organization is None or job.created_by is None:
        raise ValueError("A risk register export belongs to an organisation and a person.")
    context.progress(5, "Collecting risks")
    content, count = risk_register_pdf_bytes(
        organization=organization,
        user=job.created_by,
        params=(job.params or {}).get("filters") or {},
        progress=context.progress,
    )
    context.progress(95, "Saving the file")
    context.attach(_filename(organization, "pdf"), content)
    return {"rows": count}
