"""Risk heatmaps as server-rendered SVG: the same markup appears in the page and in PDFs.

Heatmaps count risks only: an opportunity (``Risk.kind``) is scored on the same scales but
never adds to a risk level (``heatmap_counts``, ``risks.views.register_heatmap_counts``).

Each cell shows its count and, in the browser, links to the register filtered to that
likelihood and impact. Colour is never the only signal: every cell carries its count and
an accessible label naming the band.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from html import escape

from django.db.models import Count, QuerySet
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from risks.models import RiskCriteria, RiskKind

CELL, GAP, LEFT, TOP, BOTTOM = 56, 3, 118, 30, 44


@dataclass(frozen=True)
class HeatmapCell:
    likelihood: int
    impact: int
    band_key: str
    count: int


def heatmap_counts(risks: QuerySet, which: str) -> dict[tuple[int, int], int]:
    """Risk counts per (likelihood, impact) for ``which`` = "inherent" or "residual" (one
    query). Opportunities are not risks: they are never counted in a heatmap."""
    rows = (
        risks.filter(kind=RiskKind.RISK, **{f"{which}_likelihood__isnull": False})
        .order_by()
        .values_list(f"{which}_likelihood", f"{which}_impact")
        .annotate(n=Count("pk"))
    )
    return {(likelihood, impact): n for likelihood, impact, n in rows}


def heatmap_cells(
    criteria: RiskCriteria, counts: dict[tuple[int, int], int]
) -> Iterable[HeatmapCell]:
    for likelihood in range(1, criteria.likelihood_count + 1):
        for impact in range(1, criteria.impact_count + 1):
            yield HeatmapCell(
                likelihood,
                impact,
                criteria.matrix[likelihood - 1][impact - 1],
                counts.get((likelihood, impact), 0),
            )


def _relative_luminance(hex_colour: str) -> float:
    def channel(value: int) -> float:
        c = value / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (int(hex_colour[i : i + 2], 16) for i in (1, 3, 5))
    return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)


@functools.lru_cache(maxsize=256)
def _text_colour(hex_colour: str) -> str:
    """Near-black or white, whichever contrasts more with the band colour (WCAG ratio)."""
    lum = _relative_luminance(hex_colour)
    dark = (lum + 0.05) / (_relative_luminance("#111111") + 0.05)
    light = 1.05 / (lum + 0.05)
    return "#111111" if dark >= light else "#ffffff"


def heatmap_svg(
    criteria: RiskCriteria,
    counts: dict[tuple[int, int], int],
    *,
    title: str,
    link: Callable[[int, int], str] | None = None,
) -> SafeString:
    """An SVG heatmap: likelihood rows (highest at the top) × impact columns."""
    rows, cols = criteria.likelihood_count, criteria.impact_count
    width = LEFT + cols * (CELL + GAP) + 8
    height = TOP + rows * (CELL + GAP) + BOTTOM
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="heatmap" role="img" '
        f'viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
        f'aria-labelledby="hm-{escape(title)}-t">',
        f'<title id="hm-{escape(title)}-t">{escape(title)}</title>',
        f'<text x="{LEFT}" y="18" font-size="13" font-weight="600" fill="#1f2937">{escape(title)}</text>',
    ]
    cell_label = _("Likelihood %(l)s, impact %(i)s: %(band)s, %(n)s risks")
    for cell in heatmap_cells(criteria, counts):
        band = criteria.band(cell.band_key)
        x = LEFT + (cell.impact - 1) * (CELL + GAP)
        y = TOP + (rows - cell.likelihood) * (CELL + GAP)
        label = cell_label % {
            "l": criteria.likelihood_levels[cell.likelihood - 1]["label"],
            "i": criteria.impact_levels[cell.impact - 1]["label"],
            "band": band["label"],
            "n": cell.count,
        }
        fill = band["colour"]
        opacity = "1" if cell.count else "0.35"
        rect = (
            f'<rect x="{x}" y="{y}" width="{CELL}" height="{CELL}" rx="4" fill="{fill}" '
            f'fill-opacity="{opacity}"/>'
            f'<text x="{x + CELL / 2}" y="{y + CELL / 2 + 6}" text-anchor="middle" font-size="17" '
            f'font-weight="600" fill="{_text_colour(fill) if cell.count else "#1f2937"}">'
            f"{cell.count or '·'}</text>"
        )
        if link and cell.count:
            parts.append(
                f'<a href="{escape(link(cell.likelihood, cell.impact))}" aria-label="{escape(label)}">'
                f"<title>{escape(label)}</title>{rect}</a>"
            )
        else:
            parts.append(f"<g><title>{escape(label)}</title>{rect}</g>")
    for likelihood in range(1, rows + 1):
        y = TOP + (rows - likelihood) * (CELL + GAP) + CELL / 2 + 4
        parts.append(
            f'<text x="{LEFT - 8}" y="{y}" text-anchor="end" font-size="11" fill="#374151">'
            f"{escape(criteria.likelihood_levels[likelihood - 1]['label'][:16])}</text>"
        )
    for impact in range(1, cols + 1):
        x = LEFT + (impact - 1) * (CELL + GAP) + CELL / 2
        parts.append(
            f'<text x="{x}" y="{TOP + rows * (CELL + GAP) + 12}" text-anchor="middle" '
            f'font-size="10" fill="#374151">{escape(criteria.impact_levels[impact - 1]["label"][:12])}</text>'
        )
    parts.append(
        f'<text x="{LEFT + cols * (CELL + GAP) / 2}" y="{height - 6}" text-anchor="middle" '
        f'font-size="11" fill="#6b7280">{escape(_("Impact →"))}</text>'
        f'<text x="12" y="{TOP + rows * (CELL + GAP) / 2}" font-size="11" fill="#6b7280" '
        f'transform="rotate(-90 12 {TOP + rows * (CELL + GAP) / 2})" text-anchor="middle">'
        f"{escape(_('Likelihood →'))}</text>"
    )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # every interpolated value above is escaped
