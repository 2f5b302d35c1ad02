"""The EU AI Act reporting deadline of an incident, as lists and pages show it."""

import datetime

from django import template
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.timezone import localtime
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

register = template.Library()


@register.simple_tag
def report_deadline(incident, now):
    """ "—" without the duty; else the deadline in the organisation's time zone with the
    time left (days and hours), or how late it is, or when it was reported."""
    state = incident.report_state(now)
    if not state:
        return "—"
    due = date_format(localtime(incident.report_due), "j M Y, H:i")
    if state in ("reported", "reported_late"):
        tone = "success" if state == "reported" else "warning"
        label = _("Reported") if state == "reported" else _("Reported late")
        when = date_format(localtime(incident.reported_at), "j M Y, H:i")
        return format_html(
            '<span class="chip chip-{}">{}</span> <span class="muted">{} · {} {}</span>',
            tone,
            label,
            when,
            _("due"),
            due,
        )
    left = incident.days_left(now)
    hours = abs(left) * 24
    if hours < 48:
        amount = ngettext("%(n)d hour", "%(n)d hours", int(hours)) % {"n": int(hours)}
    else:
        amount = ngettext("%(n)d day", "%(n)d days", int(hours // 24)) % {"n": int(hours // 24)}
    if state == "overdue":
        return format_html(
            '<span class="chip chip-danger">{}</span> <span class="overdue">{} · {}</span>',
            _("Report overdue"),
            _("%(amount)s late") % {"amount": amount},
            due,
        )
    return format_html(
        '<span class="chip chip-warning">{}</span> <time datetime="{}">{}</time> <span class="muted">({})</span>',
        _("Report due"),
        incident.report_due.isoformat(),
        due,
        _("%(amount)s left") % {"amount": amount},
    )


RESULT_TONES = {
    "conformity": "success",
    "major": "danger",
    "minor": "warning",
    "observation": "info",
    "improvement": "info",
    "": "neutral",
}
AUDIT_TONES = {
    "planned": "neutral",
    "in_progress": "info",
    "reported": "success",
    "closed": "muted",
}


@register.simple_tag
def result_chip(value, label=""):
    """A checklist result as a chip with its label (never colour alone)."""
    if not value:
        return format_html('<span class="chip chip-neutral">{}</span>', _("Not answered"))
    return format_html(
        '<span class="chip chip-{}">{}</span>', RESULT_TONES.get(value, "neutral"), label or value
    )


@register.simple_tag
def audit_chip(audit):
    return format_html(
        '<span class="chip chip-{}">{}</span>',
        AUDIT_TONES.get(audit.status, "neutral"),
        audit.get_status_display(),
    )


REVIEW_TONES = {"planned": "neutral", "held": "info", "approved": "success"}
# The tone an agenda figure was assembled with (``audits.review_agenda``), as a chip class.
FACT_TONES = {"ok": "success", "warn": "warning", "bad": "danger"}


@register.simple_tag
def review_chip(review):
    return format_html(
        '<span class="chip chip-{}">{}</span>',
        REVIEW_TONES.get(review.status, "neutral"),
        review.get_status_display(),
    )


@register.filter
def fact_tone(tone):
    return FACT_TONES.get(tone, "neutral")


@register.filter
def record_day(value):
    """A day kept as ISO text in a frozen record (the approved minutes), shown as pages
    show days; "—" when empty."""
    if not value:
        return "—"
    try:
        return date_format(datetime.date.fromisoformat(str(value)), "j M Y")
    except ValueError:
        return value
