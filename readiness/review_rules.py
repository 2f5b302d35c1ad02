"""Readiness of monitoring and management review (9.1, 9.3.1–9.3.3), read from the
management reviews, their agenda, minutes and decisions, and the objectives' measurements.

Kept apart from ``readiness.rules``, which gathers the facts of every register: this module
gathers its own (``review_facts``, one query) and adds its rules to ``rules.RULES``.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from aims.core.documents import DocumentStatus
from aims.core.permissions import Action, restrict
from aims.core.queries import subquery_count
from aims.core.views import safe_url
from aims.organizations.models import Organization
from audits.models import (
    OPEN_ACTION_STATUSES,
    ManagementReview,
    ReviewDecision,
    ReviewInput,
    ReviewInputKind,
    ReviewMinutes,
    ReviewStatus,
    review_reference,
)
from readiness.findings import Finding, day_label

if TYPE_CHECKING:
    from readiness.rules import Facts

# Top management reviews the AIMS at least this often (the common yearly cycle).
REVIEW_INTERVAL_MONTHS = 12
# A review held this long ago should have approved minutes by now.
MINUTES_GRACE_DAYS = 30


@dataclass
class ReviewFact:
    pk: int
    number: int
    title: str
    status: str
    planned_for: datetime.date
    held_on: datetime.date | None
    minutes_approved: bool
    inputs: int
    inputs_unminuted: int
    objectives_minuted: bool
    decisions: int

    @property
    def reference(self) -> str:
        return review_reference(self.number)


@dataclass
class ReviewFacts:
    reviews: list[ReviewFact] = field(default_factory=list)  # newest meeting first
    decisions_open: int = 0
    decisions_overdue: int = 0
    decisions_unassigned: int = 0  # open, with no owner or no due date

    @property
    def held(self) -> list[ReviewFact]:
        return [r for r in self.reviews if r.held_on is not None]

    @property
    def latest_held(self) -> ReviewFact | None:
        held = self.held
        return max(held, key=lambda r: (r.held_on, r.number)) if held else None

    @property
    def next_planned(self) -> ReviewFact | None:
        planned = [r for r in self.reviews if r.status == ReviewStatus.PLANNED]
        return min(planned, key=lambda r: r.planned_for) if planned else None


def review_facts(*, organization: Organization, user: Any, today: datetime.date) -> ReviewFacts:
    """The reviews ``user`` may see and their decisions' follow-up (one query)."""
    review = OuterRef("pk")
    inputs = ReviewInput.objects.filter(review=review)
    decisions = ReviewDecision.objects.filter(review=review)
    # A decision is visible with its review: its counts ride on the review's row.
    open_decisions = decisions.filter(status__in=OPEN_ACTION_STATUSES)
    rows = list(
        restrict(ManagementReview.objects.all(), user, Action.VIEW)
        .filter(organization=organization)
        .annotate(
            minutes_approved=Exists(
                ReviewMinutes.objects.filter(review=review, status=DocumentStatus.APPROVED)
            ),
            inputs_total=subquery_count(inputs),
            inputs_unminuted=subquery_count(inputs.filter(minutes="")),
            objectives_minuted=Exists(
                inputs.filter(kind=ReviewInputKind.OBJECTIVES).exclude(minutes="")
            ),
            decisions_total=subquery_count(decisions),
            decisions_open=subquery_count(open_decisions),
            decisions_overdue=subquery_count(open_decisions.filter(due_date__lt=today)),
            decisions_unassigned=subquery_count(
                open_decisions.filter(Q(owner__isnull=True) | Q(due_date__isnull=True))
            ),
        )
        .values_list(
            "pk",
            "number",
            "title",
            "status",
            "planned_for",
            "held_on",
            "minutes_approved",
            "inputs_total",
            "inputs_unminuted",
            "objectives_minuted",
            "decisions_total",
            "decisions_open",
            "decisions_overdue",
            "decisions_unassigned",
        )
        .order_by("-planned_for", "-number")
    )
    reviews = [ReviewFact(*row[:11]) for row in rows]
    return ReviewFacts(
        reviews=reviews,
        decisions_open=sum(row[11] for row in rows),
        decisions_overdue=sum(row[12] for row in rows),
        decisions_unassigned=sum(row[13] for row in rows),
    )


def _interval_start(today: datetime.date) -> datetime.date:
    from readiness.rules import months_before  # the shared date arithmetic

    return months_before(today, REVIEW_INTERVAL_MONTHS)


def _no_review(facts: Facts) -> Finding:
    planned = facts.reviews.next_planned
    if planned is not None:
        return Finding(
            False,
            _("No management review held yet; %(ref)s is planned for %(day)s.")
            % {"ref": planned.reference, "day": day_label(planned.planned_for)},
            _("Hold the review, record its minutes and have them approved."),
            _review_url(facts, planned),
        )
    return Finding(
        False,
        _("No management review on record."),
        _("Plan a management review: its agenda is assembled from the registers."),
        facts.url("audits:review_add"),
    )


def _review_url(facts: Facts, review: ReviewFact) -> str | None:
    return safe_url("audits:review_detail", org=facts.organization.slug, pk=review.pk)


def _review_held(facts: Facts) -> Finding:
    """9.3.1: top management reviewed the AIMS within the interval, and the minutes of the
    review are approved (a month's grace after the meeting)."""
    latest = facts.reviews.latest_held
    if latest is None:
        return _no_review(facts)
    url = _review_url(facts, latest)
    held = {"ref": latest.reference, "day": day_label(latest.held_on)}
    if latest.held_on < _interval_start(facts.today):
        return Finding(
            False,
            _("The last management review, %(ref)s, was held on %(day)s: over a year ago.") % held,
            _("Plan and hold the next management review."),
            facts.url("audits:review_add"),
        )
    if not latest.minutes_approved:
        found = _("%(ref)s was held on %(day)s; its minutes are not approved yet.") % held
        todo = _("Write the minutes and have the chair or an administrator approve them.")
        earlier = _latest_approved(facts)
        recent = latest.held_on >= facts.today - datetime.timedelta(days=MINUTES_GRACE_DAYS)
        if not recent or earlier is None or earlier.held_on < _interval_start(facts.today):
            return Finding(False, found, todo, url)
        return Finding(
            True,
            found
            + " "
            + _("The minutes of %(ref)s, held on %(day)s, are approved.")
            % {"ref": earlier.reference, "day": day_label(earlier.held_on)},
            todo,
            url,
        )
    planned = facts.reviews.next_planned
    found = _("%(ref)s was held on %(day)s and its minutes approved.") % held
    if planned is None:
        return Finding(
            True,
            found,
            _("Plan the next review, within a year of this one."),
            facts.url("audits:review_add"),
        )
    return Finding(
        True,
        found
        + " "
        + _("The next, %(ref)s, is planned for %(day)s.")
        % {"ref": planned.reference, "day": day_label(planned.planned_for)},
        url=url,
    )


def _latest_approved(facts: Facts) -> ReviewFact | None:
    approved = [r for r in facts.reviews.held if r.minutes_approved]
    return max(approved, key=lambda r: (r.held_on, r.number)) if approved else None


def _review_inputs(facts: Facts) -> Finding:
    """9.3.2: the latest review considered every input: its agenda holds each one, and each
    has minutes."""
    latest = facts.reviews.latest_held
    if latest is None:
        return _no_review(facts)
    url = _review_url(facts, latest)
    expected = len(ReviewInputKind.values)
    if latest.inputs < expected or latest.inputs_unminuted:
        missing = max(expected - latest.inputs, 0) + latest.inputs_unminuted
        approved = _latest_approved(facts)
        if approved is not None and approved.held_on >= _interval_start(facts.today):
            return Finding(
                True,
                _(
                    "%(ref)s considered every input; the minutes of %(latest)s still lack "
                    "%(n)s of them."
                )
                % {"ref": approved.reference, "latest": latest.reference, "n": missing},
                _("Write the minutes of each input of %(ref)s.") % {"ref": latest.reference},
                url,
            )
        return Finding(
            False,
            ngettext(
                "%(ref)s has %(n)s input without minutes.",
                "%(ref)s has %(n)s inputs without minutes.",
                missing,
            )
            % {"ref": latest.reference, "n": missing},
            _("Record what the review concluded on each input of its agenda."),
            url,
        )
    return Finding(
        True,
        _("%(ref)s considered all %(n)s inputs, each with minutes.")
        % {"ref": latest.reference, "n": latest.inputs},
        url=url,
    )


def _review_results(facts: Facts) -> Finding:
    """9.3.3: the review's results are recorded (approved minutes) and its decisions are
    followed up: each open one has an owner and a due date, and none is overdue."""
    approved = _latest_approved(facts)
    if approved is None:
        latest = facts.reviews.latest_held
        if latest is None:
            return _no_review(facts)
        return Finding(
            False,
            _("%(ref)s was held; its results are not recorded in approved minutes yet.")
            % {"ref": latest.reference},
            _("Record the decisions and have the minutes approved."),
            _review_url(facts, latest),
        )
    decisions_url = facts.url("audits:decision_list")
    r = facts.reviews
    gaps = []
    if r.decisions_unassigned:
        gaps.append(
            ngettext(
                "%(n)s open decision has no owner or no due date.",
                "%(n)s open decisions have no owner or no due date.",
                r.decisions_unassigned,
            )
            % {"n": r.decisions_unassigned}
        )
    if r.decisions_overdue:
        gaps.append(
            ngettext(
                "%(n)s decision is overdue.", "%(n)s decisions are overdue.", r.decisions_overdue
            )
            % {"n": r.decisions_overdue}
        )
    if gaps:
        return Finding(
            False,
            " ".join(gaps),
            _("Give each decision an owner and a due date, and follow the late ones up."),
            decisions_url,
        )
    return Finding(
        True,
        ngettext(
            "%(ref)s recorded %(d)s decision; %(open)s open, each with an owner and a date.",
            "%(ref)s recorded %(d)s decisions; %(open)s open, each with an owner and a date.",
            approved.decisions,
        )
        % {"ref": approved.reference, "d": approved.decisions, "open": r.decisions_open},
        url=decisions_url,
    )


def _monitoring(facts: Facts) -> Finding:
    """9.1: what is monitored is measured (each active objective's KPI in its period) and
    the results are evaluated (the latest review minuted its objectives input)."""
    url = facts.url("policies:objective_list")
    active = [o for o in facts.objectives if o.active]
    if not active:
        return Finding(
            False,
            _("No active AI objective with a KPI to monitor."),
            _("Set measurable AI objectives and start measuring them."),
            url,
        )
    unmeasured = [o for o in active if o.unmeasured]
    if unmeasured:
        return Finding(
            False,
            ngettext(
                "%(n)s of %(total)s active objective is not measured in its period.",
                "%(n)s of %(total)s active objectives are not measured in their period.",
                len(active),
            )
            % {"n": len(unmeasured), "total": len(active)},
            _("Record this period’s measurements: %(names)s.")
            % {"names": ", ".join(o.title for o in unmeasured[:5])},
            url,
        )
    latest = facts.reviews.latest_held
    if (
        latest is None
        or not latest.objectives_minuted
        or latest.held_on < _interval_start(facts.today)
    ):
        return Finding(
            False,
            ngettext(
                "%(n)s active objective measured in its period; no management review within "
                "the year has evaluated the results.",
                "%(n)s active objectives measured in their period; no management review "
                "within the year has evaluated the results.",
                len(active),
            )
            % {"n": len(active)},
            _("Evaluate the KPI results in a management review and minute it."),
            facts.url("audits:review_list"),
        )
    return Finding(
        True,
        ngettext(
            "%(n)s active objective measured in its period; %(ref)s evaluated the results.",
            "%(n)s active objectives measured in their period; %(ref)s evaluated the results.",
            len(active),
        )
        % {"n": len(active), "ref": latest.reference},
        url=url,
    )


REVIEW_RULES: dict[str, Callable[[Facts], Finding]] = {
    "9.1": _monitoring,
    "9.3.1": _review_held,
    "9.3.2": _review_inputs,
    "9.3.3": _review_results,
}
