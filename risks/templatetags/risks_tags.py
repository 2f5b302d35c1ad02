"""Template helpers for risk levels: a band is always shown with its label, never colour alone."""

from __future__ import annotations

from typing import Any

from django import template
from django.urls import NoReverseMatch, reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _

from risks.models import RiskStatus, TreatmentOption

register = template.Library()


@register.simple_tag
def band_chip(band: dict[str, Any] | None, score: Any = None):
    """A level chip in the band's colour, with its label (and the score when given)."""
    if not band:
        return format_html('<span class="chip chip-muted">{}</span>', "—")
    suffix = format_html(' <span class="band-score">{}</span>', score) if score else ""
    return format_html(
        '<span class="chip risk-band" data-band="{}"><span class="band-dot" '
        'aria-hidden="true"></span>{}{}</span>',
        band.get("colour", "#6b7280"),
        band.get("label", band.get("key", "")),
        suffix,
    )


@register.simple_tag
def level_chip(risk: Any, which: str):
    """The inherent or residual level of ``risk`` as a chip (criteria come from the risk)."""
    key = getattr(risk, f"{which}_level")
    if not key:
        return format_html('<span class="muted">{}</span>', "—")
    try:
        band = risk.criteria.band(key)
    except KeyError:
        band = {"key": key, "label": key, "colour": "#6b7280"}
    return band_chip(band, getattr(risk, f"{which}_score"))


@register.simple_tag
def snapshot_band(bands: dict[str, Any], key: str):
    if not key:
        return format_html('<span class="muted">{}</span>', "—")
    return band_chip(bands.get(key, {"key": key, "label": key, "colour": "#6b7280"}))


@register.simple_tag
def optional_url(name: str, *args: Any, **kwargs: Any) -> str:
    """``{% optional_url 'app:name' org=... as url %}``: the URL, or "" if it does not exist yet."""
    try:
        return reverse(name, args=args or None, kwargs=kwargs or None)
    except NoReverseMatch:
        return ""


@register.filter
def level_label(levels: list[dict[str, Any]], number: Any) -> str:
    try:
        return levels[int(number) - 1]["label"]
    except (TypeError, ValueError, IndexError, KeyError):
        return ""


@register.simple_tag
def snapshot_value(field: str, value: Any, bands: dict[str, Any] | None = None) -> str:
    """A frozen register value in words: levels as “3×4 High”, choices by their labels."""
    if field in ("inherent", "residual"):
        likelihood, impact, key = [*(value or []), None, None, ""][:3]
        if not key:
            return "—"
        label = (bands or {}).get(key, {}).get("label", key)
        return f"{label} ({likelihood}×{impact})"
    if field == "status":
        return str(dict(RiskStatus.choices).get(value, value or "—"))
    if field == "treatment_option":
        return str(dict(TreatmentOption.choices).get(value, value or "—"))
    if field == "accepted":
        return _("yes") if value else _("no")
    if isinstance(value, list):
        return ", ".join(str(v) for v in value) or "—"
    return str(value) if value not in (None, "") else "—"
