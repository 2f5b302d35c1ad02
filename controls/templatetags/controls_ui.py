"""Template helpers for the SoA and readiness pages: status chips and readiness bars (SVG)."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.html import format_html

from aims.core.views import record_url
from controls.models import Applicability, ImplementationStatus

register = template.Library()

# Tones for the SoA's own values; the shared chip colours (aims.css) carry them.
TONES = {
    "undecided": "warning",
    "applicable": "info",
    "not_applicable": "muted",
    "not_started": "neutral",
    "planned": "info",
    "partial": "warning",
    "implemented": "success",
    "in_progress": "info",
    "ready": "success",
    "valid": "success",
    "expiring": "warning",
    "expired": "danger",
    "not_yet_valid": "neutral",
    "draft": "neutral",
    "in_review": "info",
    "approved": "success",
    "superseded": "muted",
}


@register.simple_tag
def soa_chip(value: str, label: Any = None):
    tone = TONES.get(str(value), "neutral")
    return format_html('<span class="chip chip-{}">{}</span>', tone, label or value)


@register.simple_tag
def readiness_bar(percent: int, label: str, width: int = 320):
    """A labelled horizontal bar as inline SVG (the same drawing works in a PDF)."""
    percent = max(0, min(100, int(percent or 0)))
    filled = round(width * percent / 100)
    tone = "#14532d" if percent >= 80 else "#1e3a8a" if percent >= 40 else "#b45309"
    return format_html(
        '<svg class="readiness-bar" role="img" aria-label="{label}: {p}%" width="{w}" height="14" '
        'viewBox="0 0 {w} 14" xmlns="http://www.w3.org/2000/svg">'
        '<rect x="0" y="0" width="{w}" height="14" rx="3" fill="#eceef2"/>'
        '<rect x="0" y="0" width="{f}" height="14" rx="3" fill="{tone}"/>'
        "</svg>",
        label=label,
        p=percent,
        w=width,
        f=filled,
        tone=tone,
    )


@register.filter
def url_of(obj: Any) -> str:
    """A record's page, or an empty string while its page is not built yet."""
    return record_url(obj) or ""


LABELS = {**dict(Applicability.choices), **dict(ImplementationStatus.choices)}


@register.filter
def soa_label(value: str) -> str:
    """The display label of a stored applicability or status value (frozen SoA rows)."""
    return str(LABELS.get(value, value))
