"""The risk register's table: one definition for its header and its cells.

Its rows are ``risks.register.RegisterRow`` values (or ``Risk`` instances with
``ai_system_names`` and ``owner_name`` set); what a cell shows beyond a column — the
reference, the re-score offer, the acceptance — is the model's own rule (the functions
next to ``Risk`` in risks/models.py). Labels are translated once per table, and chips and
dates, which repeat, are formatted once per distinct value.
"""

from __future__ import annotations

from html import escape
from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils.dates import MONTHS_3
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from aims.core.tables import Column, Table
from aims.core.templatetags.aims import chip, due
from risks.models import (
    CONSEQUENCES,
    RiskKind,
    RiskStatus,
    TreatmentOption,
    risk_review_overdue,
)
from risks.templatetags.risks_tags import level_chip

DASH = '<span class="muted">—</span>'


class RiskRegisterTable(Table):
    reference = Column(_("Ref."), ordering="reference", css_class="mono nowrap")
    title = Column(_("Title"), ordering="title")
    ai_systems = Column(_("AI systems"))
    inherent = Column(_("Inherent"), ordering="inherent_rank")
    residual = Column(_("Residual"), ordering="residual_rank")
    owner = Column(_("Owner"))
    status = Column(_("Status"), ordering="status")
    treatment = Column(_("Treatment"))
    next_review = Column(_("Next review"), ordering="next_review_date")

    def __init__(self, rows: Any, *, request: HttpRequest, organization: Any) -> None:
        super().__init__(rows, request=request)
        self.organization = organization

    def prepare(self) -> None:
        # One reverse() for the table: the detail URL with a marker where the id goes.
        marker = 987654321
        self.url_head, self.url_tail = reverse(
            "risks:risk_detail", kwargs={"org": self.organization.slug, "pk": marker}
        ).split(str(marker))
        self.rescore = format_html(
            ' <span class="chip chip-warning" title="{}">{}</span>',
            gettext("Scored with an older version of the criteria"),
            gettext("re-score offered"),
        )
        self.accepted = format_html(
            ' <span class="chip chip-success">{}</span>', gettext("accepted")
        )
        self.opportunity = format_html(
            ' <span class="chip chip-info">{}</span>', gettext("opportunity")
        )
        self.who = {
            "organization": gettext("organisation"),
            "individuals": gettext("individuals"),
            "society": gettext("society"),
        }
        self.impact_titles: dict[tuple, str] = {}
        self.actions_overdue = format_html(
            '<div><span class="overdue">{}</span></div>', gettext("treatment actions overdue")
        )
        # get_<field>_display() hashes every lazy label on each call; look labels up once.
        self.statuses = {value: chip(value, str(label)) for value, label in RiskStatus.choices}
        self.treatments = {value: escape(str(label)) for value, label in TreatmentOption.choices}
        # The "j M Y" date format, with the month names looked up once.
        self.months = {number: str(name).title() for number, name in MONTHS_3.items()}
        self.chips: dict[tuple, str] = {}
        self.reviews: dict[Any, str] = {}

    def _level(self, risk: Any, which: str) -> str:
        key = (risk.criteria_id, getattr(risk, f"{which}_level"), getattr(risk, f"{which}_score"))
        if key not in self.chips:
            self.chips[key] = level_chip(risk, which)
        return self.chips[key]

    def render_reference(self, risk: Any) -> str:
        return escape(risk.reference)

    def render_title(self, risk: Any) -> str:
        return (
            f'<a href="{self.url_head}{int(risk.pk)}{self.url_tail}">{escape(risk.title)}</a>'
            f"{self.opportunity if risk.kind == RiskKind.OPPORTUNITY else ''}"
            f"{self.rescore if risk.rescore_offered else ''}"
        )

    def render_ai_systems(self, risk: Any) -> str:
        names = risk.ai_system_names
        return escape(", ".join(names)) if names else DASH

    def render_inherent(self, risk: Any) -> str:
        """The level; with the consequence scores, when given, in a compact line below
        (``Org 4 · Ind 3 · Soc 2``) whose title names each with its impact label."""
        scores = tuple(getattr(risk, score) for score, _text, _who in CONSEQUENCES)
        chip = self._level(risk, "inherent")
        if all(value is None for value in scores):
            return chip
        key = (risk.criteria_id, scores)
        if key not in self.impact_titles:
            self.impact_titles[key] = self._impacts(risk.criteria, scores)
        return chip + self.impact_titles[key]

    def _impacts(self, criteria: Any, scores: tuple) -> str:
        levels = criteria.impact_levels if criteria is not None else []
        named, short = [], []
        for (_score, _text, who), value in zip(CONSEQUENCES, scores, strict=True):
            label = (
                levels[value - 1]["label"] if value and value <= len(levels) else str(value or "—")
            )
            named.append(f"{self.who[who]}: {value or '—'} {label if value else ''}".strip())
            short.append(f"{self.who[who][:3].title()} {value or '—'}")
        return format_html(
            '<div class="muted small consequences" title="{}">{}</div>',
            gettext("Impact by consequence — %(list)s") % {"list": "; ".join(named)},
            " · ".join(short),
        )

    def render_residual(self, risk: Any) -> str:
        return self._level(risk, "residual") + (self.accepted if risk.is_accepted else "")

    def render_owner(self, risk: Any) -> str:
        return escape(risk.owner_name) if risk.owner_name else "—"

    def render_status(self, risk: Any) -> str:
        return self.statuses.get(risk.status) or escape(risk.status)

    def render_treatment(self, risk: Any) -> str:
        return self.treatments.get(risk.treatment_option, "—")

    def render_next_review(self, risk: Any) -> str:
        day = risk.next_review_date
        cell = self._review(day) if day else "—"
        return cell + (self.actions_overdue if risk.has_overdue_actions else "")

    def _review(self, day: Any) -> str:
        if day not in self.reviews:
            self.reviews[day] = format_html(
                '<time datetime="{}">{}</time> <span class="{}">{}</span>',
                day.isoformat(),
                f"{day.day} {self.months[day.month]} {day.year:04d}",
                "overdue" if risk_review_overdue(day) else "muted",
                due(day),
            )
        return self.reviews[day]
