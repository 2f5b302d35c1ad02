"""Risk register exports: CSV and XLSX straight away, PDF as a background job.

Every export reads the register through ``restrict`` (an auditor gets only the risks shared
with them) and through the register's own ``RiskFilterSet``, so a file holds exactly the
rows the register page shows for the same query. Rows are read with one query plus a fixed
set of prefetches per chunk of ``CHUNK_SIZE`` risks: the query count does not grow with the
rows until a register outgrows a chunk.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Prefetch, Q, QuerySet
from django.http import QueryDict
from django.utils.translation import gettext as _

from aims.core.jobs import JobContext, job_enqueue
from aims.core.models import Job
from aims.core.permissions import Action, restrict, role_in
from aims.inventory.models import AISystem
from aims.organizations.models import Organization
from aims.reports.pdf import generated_at, local_text, render_pdf
from aims.reports.tabular import Sheet, csv_lines, xlsx_bytes
from controls.models import ControlImplementation, Requirement
from risks.filters import RiskFilterSet
from risks.heatmap import heatmap_counts, heatmap_svg
from risks.models import ActionStatus, Risk, RiskCriteria

CHUNK_SIZE = 2000
# Query parameters that shape the request, not the rows.
NOT_FILTERS = ("format", "page", "page_size")

REGISTER_COLUMNS: tuple[tuple[str, int], ...] = (
    ("Reference", 10),
    ("Title", 36),
    ("Description", 50),
    ("AI systems", 28),
    ("Risk sources", 14),
    ("Objectives", 14),
    ("Consequences (organisation)", 40),
    ("Consequences (individuals and society)", 40),
    ("Inherent likelihood", 10),
    ("Inherent impact", 10),
    ("Inherent score", 10),
    ("Inherent level", 12),
    ("Existing controls", 40),
    ("Owner", 22),
    ("Status", 18),
    ("Treatment option", 16),
    ("Controls", 24),
    ("Treatment actions", 10),
    ("Open treatment actions", 10),
    ("Residual likelihood", 10),
    ("Residual impact", 10),
    ("Residual score", 10),
    ("Residual level", 12),
    ("Accepted by", 22),
    ("Accepted at", 18),
    ("Acceptance expires", 12),
    ("Next review", 12),
    ("Criteria version", 10),
)
REGISTER_WRAP = frozenset({1, 2, 3, 6, 7, 12, 16})
OPEN_ACTIONS = (ActionStatus.PLANNED, ActionStatus.IN_PROGRESS)


def _person(user: Any) -> str:
    if user is None:
        return ""
    return getattr(user, "display_name", "") or user.email


def risk_register_export_allowed(*, organization: Organization, user: Any) -> bool:
    """Every member may export what they can see (an auditor: the risks shared with them)."""
    return bool(
        user.is_authenticated
        and user.is_active
        and (user.is_superuser or role_in(user, organization.pk) is not None)
    )


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


def _with_related(queryset: QuerySet, user: Any) -> QuerySet:
    """Everything a row shows, in a fixed number of queries; linked AI systems and controls
    are themselves restricted, so a row never names a record the user could not open."""
    # No ``.only()``: tracked models snapshot every field when loaded (deferred fields recurse).
    catalog = Requirement.objects.order_by("sort_key")
    return (
        queryset.select_related("owner", "accepted_by")
        .prefetch_related(
            Prefetch(
                "ai_systems",
                queryset=restrict(AISystem.objects.all(), user, Action.VIEW).order_by("name"),
            ),
            Prefetch("risk_sources", queryset=catalog),
            Prefetch("objectives", queryset=catalog.all()),
            Prefetch(
                "controls",
                queryset=restrict(ControlImplementation.objects.all(), user, Action.VIEW).order_by(
                    "sort_key"
                ),
            ),
        )
        .annotate(
            action_count=Count("actions", distinct=True),
            open_action_count=Count(
                "actions", filter=Q(actions__status__in=OPEN_ACTIONS), distinct=True
            ),
        )
    )


@dataclass
class RegisterRow:
    """One risk, flattened to display values."""

    risk: Risk
    values: list[Any]
    inherent_band: dict[str, Any] | None
    residual_band: dict[str, Any] | None


@dataclass
class RegisterReader:
    """Iterates the register rows; collects per-criteria band lookups on the way."""

    organization: Organization
    user: Any
    queryset: QuerySet
    criteria: dict[int, RiskCriteria] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.criteria = {
            c.pk: c for c in RiskCriteria.objects.filter(organization=self.organization)
        }

    def _band(self, risk: Risk, key: str) -> dict[str, Any] | None:
        criteria = self.criteria.get(risk.criteria_id)
        if not key or criteria is None:
            return None
        try:
            return criteria.band(key)
        except KeyError:
            return {"key": key, "label": key, "colour": "#6b7280"}

    def rows(self) -> Iterator[RegisterRow]:
        org = self.organization
        for risk in _with_related(self.queryset, self.user).iterator(chunk_size=CHUNK_SIZE):
            criteria = self.criteria.get(risk.criteria_id)
            if criteria is not None:
                risk._state.fields_cache["criteria"] = criteria
            inherent = self._band(risk, risk.inherent_level)
            residual = self._band(risk, risk.residual_level)
            values = [
                risk.reference,
                risk.title,
                risk.description,
                "; ".join(
                    f"{s.name} ({s.reference})" if s.reference else s.name
                    for s in risk.ai_systems.all()
                ),
                "; ".join(r.ref for r in risk.risk_sources.all()),
                "; ".join(r.ref for r in risk.objectives.all()),
                risk.consequences_organization,
                risk.consequences_individuals,
                risk.inherent_likelihood,
                risk.inherent_impact,
                risk.inherent_score,
                inherent["label"] if inherent else "",
                risk.existing_controls,
                _person(risk.owner),
                str(risk.get_status_display()),
                str(risk.get_treatment_option_display()) if risk.treatment_option else "",
                "; ".join(c.ref for c in risk.controls.all()),
                risk.action_count,
                risk.open_action_count,
                risk.residual_likelihood,
                risk.residual_impact,
                risk.residual_score,
                residual["label"] if residual else "",
                _person(risk.accepted_by),
                local_text(risk.accepted_at, org),
                risk.acceptance_expires.isoformat() if risk.acceptance_expires else "",
                risk.next_review_date.isoformat() if risk.next_review_date else "",
                criteria.number if criteria is not None else "",
            ]
            yield RegisterRow(risk, values, inherent, residual)


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
        [label for label, _w in REGISTER_COLUMNS], (row.values for row in reader.rows())
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
                headers=[label for label, _w in REGISTER_COLUMNS],
                rows=rows,
                widths=[w for _label, w in REGISTER_COLUMNS],
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
    from aims.reports.tasks import risk_register_pdf

    return job_enqueue(
        kind="risk_register_pdf",
        title="Risk register (PDF)",
        task=risk_register_pdf,
        organization=organization,
        user=user,
        params={"filters": filter_params(params)},
    )


def _text_colour(hex_colour: str) -> str:
    try:
        r, g, b = (int(hex_colour[i : i + 2], 16) for i in (1, 3, 5))
    except (ValueError, IndexError):
        return "#ffffff"
    return "#111111" if 0.2126 * r + 0.7152 * g + 0.0722 * b > 150 else "#ffffff"


def risk_register_pdf_bytes(
    *,
    organization: Organization,
    user: Any,
    params: Mapping[str, Any] | None = None,
    progress: Any = None,
) -> tuple[bytes, int]:
    """(PDF, number of risks): a cover summary, both heatmaps, then the register table."""
    reader = _reader(organization=organization, user=user, params=params)
    rows = []
    level_counts: dict[str, dict[str, int]] = {"inherent": {}, "residual": {}}
    status_counts: dict[str, int] = {}
    for row in reader.rows():
        risk = row.risk
        for which, band in (("inherent", row.inherent_band), ("residual", row.residual_band)):
            label = band["label"] if band else _("Not assessed")
            level_counts[which][label] = level_counts[which].get(label, 0) + 1
        status = row.values[14]
        status_counts[status] = status_counts.get(status, 0) + 1
        v = row.values
        rows.append(
            {
                "ref": v[0],
                "title": v[1],
                "systems": v[3],
                "owner": v[13] or "—",
                "status": v[14] + (f" · {v[15]}" if v[15] else ""),
                "controls": v[16],
                "inherent": f"{v[10]} {v[11]}",
                "inherent_class": f"b{risk.criteria_id}-{risk.inherent_level}",
                "residual": f"{v[21]} {v[22]}" if v[21] is not None else "—",
                "residual_class": f"b{risk.criteria_id}-{risk.residual_level}"
                if risk.residual_level
                else "",
                "actions": f"{v[18]} open / {v[17]}" if v[17] else "—",
                "review": v[26] or "—",
            }
        )
    if progress:
        progress(50, f"Laying out {len(rows)} risks")
    band_css = "".join(
        f".b{c.pk}-{b['key']}{{background:{b['colour']};color:{_text_colour(b['colour'])}}}"
        for c in reader.criteria.values()
        for b in c.bands or []
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
            "inherent_counts": ordered(level_counts["inherent"], "inherent"),
            "residual_counts": ordered(level_counts["residual"], "residual"),
            "status_counts": sorted(status_counts.items()),
            "heatmaps": heatmaps,
            "criteria": current,
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
