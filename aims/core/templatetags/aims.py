"""Template helpers: status chips, sortable headers, querystrings."""

from __future__ import annotations

import datetime

from django import template
from django.utils import timezone
from django.utils.html import format_html
from django.utils.timesince import timesince
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

register = template.Library()

# One tone per status value, used by the UI and the PDFs alike; a label always goes with it.
TONES = {
    "draft": "neutral",
    "in_review": "info",
    "approved": "success",
    "superseded": "muted",
    "retired": "muted",
    "proposed": "info",
    "active": "success",
    "suspended": "warning",
    "queued": "neutral",
    "running": "info",
    "succeeded": "success",
    "failed": "danger",
    "ready": "success",
    "waiting": "warning",
    "high_risk": "danger",
    "prohibited": "danger",
    "limited_transparency": "warning",
    "minimal": "success",
    "unclassified": "neutral",
    "out_of_scope": "muted",
    "standard": "neutral",
    "sensitive": "warning",
    "restricted": "danger",
    "low": "neutral",
    "medium": "info",
    "high": "warning",
    "critical": "danger",
    "contained": "info",
    "resolved": "success",
    "planned": "neutral",
    "done": "success",
    "create": "success",
    "update": "info",
    "delete": "danger",
    "admin": "info",
    "officer": "info",
    "contributor": "neutral",
    "viewer": "muted",
    "engagement_upcoming": "info",
    "engagement_open": "success",
    "engagement_ended": "muted",
    "auditor": "warning",
    "open": "warning",
    "answered": "info",
    "closed": "muted",
    "monitored": "info",
    "addressed_yes": "success",
    "addressed_partly": "warning",
    "addressed_no": "danger",
    "addressed_": "neutral",
    "climate_relevant": "warning",
    "climate_not_relevant": "neutral",
}


@register.simple_tag
def chip(value: str, label: str | None = None):
    tone = TONES.get(str(value), "neutral")
    return format_html('<span class="chip chip-{}">{}</span>', tone, label or value)


@register.simple_tag(takes_context=True)
def sort_header(context, field: str, label: str):
    """A column header that sorts by ``field`` (then reverses), keeping the other filters."""
    request = context["request"]
    current = request.GET.get("ordering", "")
    query = request.GET.copy()
    query.pop("page", None)
    if current == field:
        query["ordering"], state, arrow = f"-{field}", "ascending", "▲"
    elif current == f"-{field}":
        query["ordering"], state, arrow = field, "descending", "▼"
    else:
        query["ordering"], state, arrow = field, "none", ""
    return format_html(
        '<th scope="col" aria-sort="{}"><a href="?{}" hx-get="?{}" hx-target="#results" hx-push-url="true">{} '
        '<span aria-hidden="true">{}</span></a></th>',
        state,
        query.urlencode(),
        query.urlencode(),
        label,
        arrow,
    )


@register.simple_tag(takes_context=True)
def page_url(context, page: int) -> str:
    query = context["request"].GET.copy()
    query["page"] = page
    return "?" + query.urlencode()


@register.filter
def due(value):
    """“due in 3 days”, “overdue by 5 days”, “due today” for a date."""
    if not value:
        return ""
    days = (value - timezone.localdate()).days
    if days == 0:
        return _("due today")
    if days > 0:
        return ngettext("due in %(n)d day", "due in %(n)d days", days) % {"n": days}
    return ngettext("overdue by %(n)d day", "overdue by %(n)d days", -days) % {"n": -days}


@register.filter
def ago(value) -> str:
    """“3 hours ago”, “just now” under a minute, for a past moment (the largest unit only)."""
    if not value:
        return ""
    if not isinstance(value, datetime.datetime):
        value = datetime.datetime.combine(value, datetime.time(), tzinfo=datetime.UTC)
    if timezone.now() - value < datetime.timedelta(minutes=1):
        return _("just now")
    return _("%(time)s ago") % {"time": timesince(value, depth=1)}


@register.filter
def is_overdue(value) -> bool:
    return bool(value and value < timezone.localdate())


@register.filter
def field_label(field_name: str) -> str:
    return str(field_name).replace("_id", "").replace("_", " ")


@register.filter
def get_item(mapping, key):
    return (mapping or {}).get(key)
