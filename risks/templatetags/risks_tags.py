"""Template helpers for risk levels: a band is always shown with its label, never colour alone."""

from __future__ import annotations

from html import escape
from typing import Any

from django import template
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.dates import MONTHS_3
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext

from aims.core.templatetags.aims import chip, due

register = template.Library()


@register.simple_tag
def band_chip(band: dict[str, Any] | None, score: Any = None):
    """A level chip in the band's colour, with its label (and the score when given)."""
    if not band:
        return format_html('<span class="chip chip-muted">{}</span>', "—")
    suffix = format_html(' <span class="band-score">{}</span>', score) if score else ""
    return format_html(
        '<span class="chip risk-band" style="--band: {}"><span class="band-dot" '
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
    from django.utils.translation import gettext as _

    from risks.models import RiskStatus, TreatmentOption

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


@register.simple_tag(takes_context=True)
def risk_register_rows(context, risks) -> SafeString:
    """The register's table rows.

    Built here rather than in a template loop: a hundred rows through the template engine
    (a URL, two level chips, two dates and a dozen lookups each) took most of the page's
    time. The markup is the same; user text is escaped, labels are translated once per
    table, and chips and dates, which repeat, are formatted once per distinct value.
    """
    from risks.models import RiskStatus, TreatmentOption

    # One reverse() for the table: the detail URL with a marker where the id goes.
    marker = 987654321
    url_head, url_tail = reverse(
        "risks:risk_detail", kwargs={"org": context["current_org"].slug, "pk": marker}
    ).split(str(marker))
    today = timezone.localdate()
    dash = '<span class="muted">—</span>'
    rescore = format_html(
        ' <span class="chip chip-warning" title="{}">{}</span>',
        gettext("Scored with an older version of the criteria"),
        gettext("re-score offered"),
    )
    accepted = format_html(' <span class="chip chip-success">{}</span>', gettext("accepted"))
    actions_overdue = format_html(
        '<div><span class="overdue">{}</span></div>', gettext("treatment actions overdue")
    )
    # get_<field>_display() hashes every lazy label on each call; look labels up once.
    statuses = {value: chip(value, str(label)) for value, label in RiskStatus.choices}
    treatments = {value: escape(str(label)) for value, label in TreatmentOption.choices}
    # The "j M Y" date format, with the month names looked up once.
    months = {number: str(name).title() for number, name in MONTHS_3.items()}
    chips: dict[tuple, str] = {}
    reviews: dict[Any, str] = {}

    def level(risk: Any, which: str) -> str:
        key = (risk.criteria_id, getattr(risk, f"{which}_level"), getattr(risk, f"{which}_score"))
        if key not in chips:
            chips[key] = level_chip(risk, which)
        return chips[key]

    def review(day: Any) -> str:
        if day not in reviews:
            reviews[day] = format_html(
                '<time datetime="{}">{}</time> <span class="{}">{}</span>',
                day.isoformat(),
                f"{day.day} {months[day.month]} {day.year:04d}",
                "overdue" if day < today else "muted",
                due(day),
            )
        return reviews[day]

    rows = []
    for risk in risks:
        names = getattr(risk, "ai_system_names", None)
        if names is None:
            names = [system.name for system in risk.ai_systems.all()]
        owner = getattr(risk, "owner_name", None)
        if owner is None and risk.owner_id:
            owner = risk.owner.display_name
        rows.append(
            f'<tr><td class="mono nowrap">{escape(risk.reference)}</td>'
            f'<td><a href="{url_head}{int(risk.pk)}{url_tail}">{escape(risk.title)}</a>'
            f"{rescore if risk.rescore_offered else ''}</td>"
            f"<td>{escape(', '.join(names)) if names else dash}</td>"
            f"<td>{level(risk, 'inherent')}</td>"
            f"<td>{level(risk, 'residual')}{accepted if risk.is_accepted else ''}</td>"
            f"<td>{escape(owner) if owner else '—'}</td>"
            f"<td>{statuses.get(risk.status) or escape(risk.status)}</td>"
            f"<td>{treatments.get(risk.treatment_option, '—')}</td>"
            f"<td>{review(risk.next_review_date) if risk.next_review_date else '—'}"
            f"{actions_overdue if getattr(risk, 'has_overdue_actions', False) else ''}</td></tr>"
        )
    return mark_safe("\n".join(rows))  # user text is escaped above; the rest is our markup
