"""The KPI trend chart as server-rendered SVG: the same markup in the page and in PDFs.

No script and no chart library: a plain ``<svg role="img">`` with a ``<title>`` and a
``<desc>`` that say what it shows in words, the target drawn as a line (a band for a range),
each measurement a point with its own ``<title>`` (date and value), and a legend. The values
are also listed in a table beside the chart on every page that shows it, so nothing depends
on seeing the picture. Colour is never the only signal: the points carry their values and
the target line its label.
"""

from __future__ import annotations

import datetime
import math
from collections.abc import Sequence
from decimal import Decimal
from html import escape

from django.utils.formats import date_format
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from policies.kpis import Direction

WIDTH, HEIGHT = 640, 260
LEFT, RIGHT, TOP, BOTTOM = 64, 32, 20, 44


def _fmt(value: Decimal | None) -> str:
    if value is None:
        return "—"
    return format(Decimal(value).normalize(), "f")


def _nice_axis(low: float, high: float, count: int = 5) -> list[float]:
    """Round tick values (steps of 1, 2 or 5 times a power of ten) covering low..high."""
    span = high - low
    raw = span / max(count - 1, 1)
    power = 10 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 5, 10) if m * power >= raw)
    first = math.floor(low / step) * step
    ticks = [first]
    while ticks[-1] < high - 1e-9:
        ticks.append(ticks[-1] + step)
    return ticks


def _tick_label(value: float) -> str:
    text = f"{round(value, 6):g}"
    return "0" if text == "-0" else text


def kpi_trend_svg(
    *,
    title: str,
    unit: str,
    direction: str,
    target: Decimal,
    target_upper: Decimal | None,
    points: Sequence[tuple[datetime.date, Decimal]],
    margin: Decimal | None = None,
    chart_id: str = "kpi-chart",
) -> SafeString:
    """The trend of ``points`` (day, value), in any order, against the target; the at-risk
    zone (within ``margin`` of the target, on the wrong side) is shaded."""
    unit_text = f" {unit}" if unit else ""
    title_id, desc_id = f"{chart_id}-title", f"{chart_id}-desc"
    if direction == Direction.AT_LEAST:
        target_text = _("target at least %(v)s%(u)s") % {"v": _fmt(target), "u": unit_text}
    elif direction == Direction.AT_MOST:
        target_text = _("target at most %(v)s%(u)s") % {"v": _fmt(target), "u": unit_text}
    else:
        target_text = _("target between %(a)s and %(b)s%(u)s") % {
            "a": _fmt(target),
            "b": _fmt(target_upper),
            "u": unit_text,
        }
    points = sorted(points, key=lambda p: p[0])
    head = (
        f'<svg class="kpi-chart" xmlns="http://www.w3.org/2000/svg" role="img" '
        f'viewBox="0 0 {WIDTH} {HEIGHT}" width="100%" preserveAspectRatio="xMidYMid meet" '
        f'aria-labelledby="{title_id} {desc_id}">'
        f'<title id="{title_id}">{escape(title)}</title>'
    )
    if not points:
        desc = _("No measurements yet; %(target)s.") % {"target": target_text}
        return mark_safe(  # every text is escaped above and below
            head
            + f'<desc id="{desc_id}">{escape(desc)}</desc>'
            + f'<rect x="0.5" y="0.5" width="{WIDTH - 1}" height="{HEIGHT - 1}" fill="#fafbfc" '
            f'stroke="#d5d9e0"/>'
            + f'<text class="kpi-empty" x="{WIDTH / 2}" y="{HEIGHT / 2}" text-anchor="middle" '
            f'font-size="14" fill="#4b5563">{escape(_("No measurements yet"))}</text>' + "</svg>"
        )
    values = [float(v) for _d, v in points]
    references = [float(target)] + ([float(target_upper)] if target_upper is not None else [])
    margin_f = float(margin or 0)
    zones: list[tuple[float, float]] = []  # the at-risk zones, (low, high)
    if margin_f > 0:
        if direction in (Direction.AT_LEAST, Direction.RANGE):
            zones.append((float(target) - margin_f, float(target)))
        if direction == Direction.AT_MOST:
            zones.append((float(target), float(target) + margin_f))
        if direction == Direction.RANGE and target_upper is not None:
            zones.append((float(target_upper), float(target_upper) + margin_f))
    edges = [edge for zone in zones for edge in zone]
    low, high = min(values + references + edges), max(values + references + edges)
    pad = (high - low) * 0.05 or max(abs(high) * 0.1, 1.0)
    ticks = _nice_axis(low - pad, high + pad)
    low, high = ticks[0], ticks[-1]
    first, last = points[0][0], points[-1][0]
    span_days = max((last - first).days, 1)
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM

    def x_of(day: datetime.date) -> float:
        if len(points) == 1:
            return LEFT + plot_w / 2
        return LEFT + plot_w * (day - first).days / span_days

    def y_of(value: float) -> float:
        return TOP + plot_h * (1 - (value - low) / (high - low))

    latest_day, latest_value = points[-1]
    desc = _(
        "%(n)s measurements from %(first)s to %(last)s; latest %(value)s%(u)s on %(day)s; "
        "%(target)s."
    ) % {
        "n": len(points),
        "first": date_format(first, "j M Y"),
        "last": date_format(last, "j M Y"),
        "value": _fmt(latest_value),
        "u": unit_text,
        "day": date_format(latest_day, "j M Y"),
        "target": target_text,
    }
    parts = [head, f'<desc id="{desc_id}">{escape(desc)}</desc>']
    # Axes and grid lines.
    parts.append('<g class="kpi-axes" font-size="11" fill="#4b5563">')
    for tick in ticks:
        y = y_of(tick)
        parts.append(
            f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y:.1f}" y2="{y:.1f}" stroke="#e5e7eb"/>'
            f'<text x="{LEFT - 6}" y="{y + 4:.1f}" text-anchor="end">{escape(_tick_label(tick))}</text>'
        )
    parts.append(
        f'<line x1="{LEFT}" x2="{LEFT}" y1="{TOP}" y2="{TOP + plot_h}" stroke="#9ca3af"/>'
        f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{TOP + plot_h}" y2="{TOP + plot_h}" '
        f'stroke="#9ca3af"/>'
    )
    labelled = points if len(points) <= 12 else points[:: max(1, len(points) // 6)]
    for day, _value in labelled:
        parts.append(
            f'<text x="{x_of(day):.1f}" y="{HEIGHT - BOTTOM + 16}" text-anchor="middle">'
            f"{escape(date_format(day, 'M y'))}</text>"
        )
    if unit:
        parts.append(
            f'<text x="12" y="{TOP + plot_h / 2:.1f}" text-anchor="middle" '
            f'transform="rotate(-90 12 {TOP + plot_h / 2:.1f})">{escape(unit)}</text>'
        )
    parts.append("</g>")
    # The target: a dashed line, or a shaded band for a range.
    parts.append('<g class="kpi-target">')
    if direction == Direction.RANGE and target_upper is not None:
        y_top, y_bottom = y_of(float(target_upper)), y_of(float(target))
        parts.append(
            f'<rect x="{LEFT}" y="{y_top:.1f}" width="{plot_w}" height="{y_bottom - y_top:.1f}" '
            f'fill="#dcfce7" opacity="0.7"/>'
        )
    for zone_low, zone_high in zones:
        y_top, y_bottom = y_of(zone_high), y_of(zone_low)
        parts.append(
            f'<rect class="kpi-at-risk" x="{LEFT}" y="{y_top:.1f}" width="{plot_w}" '
            f'height="{y_bottom - y_top:.1f}" fill="#fef3c7" opacity="0.8">'
            f"<title>{escape(_('At risk'))}</title></rect>"
        )
    for ref in references:
        y = y_of(ref)
        parts.append(
            f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y:.1f}" y2="{y:.1f}" stroke="#15803d" '
            f'stroke-width="1.5" stroke-dasharray="6 4"/>'
        )
    parts.append(
        f'<text x="{WIDTH - RIGHT - 4}" y="{y_of(references[-1]) - 6:.1f}" text-anchor="end" '
        f'font-size="11" fill="#15803d">{escape(target_text)}</text></g>'
    )
    # The series: a line through the points, each point with its date and value.
    coords = " ".join(f"{x_of(d):.1f},{y_of(float(v)):.1f}" for d, v in points)
    parts.append(
        f'<polyline class="kpi-line" points="{coords}" fill="none" stroke="#1d4ed8" '
        f'stroke-width="2"/>'
    )
    parts.append('<g class="kpi-points">')
    for day, value in points:
        label = f"{date_format(day, 'j M Y')}: {_fmt(value)}{unit_text}"
        parts.append(
            f'<circle cx="{x_of(day):.1f}" cy="{y_of(float(value)):.1f}" r="4" fill="#1d4ed8" '
            f'data-value="{escape(_fmt(value))}" data-date="{day.isoformat()}">'
            f"<title>{escape(label)}</title></circle>"
        )
    parts.append("</g></svg>")
    return mark_safe("".join(parts))  # every text is escaped above
