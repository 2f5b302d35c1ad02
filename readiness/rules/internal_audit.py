"""Internal audit (9.2.1, 9.2.2): the audit programmes and the audits held."""

from __future__ import annotations

import datetime
from typing import Any

from django.db.models import Exists, OuterRef, Q
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from aims.core.documents import DocumentStatus
from aims.core.permissions import Action, restrict
from aims.core.views import safe_url
from aims.organizations.models import Organization
from audits.models import (
    COVERAGE_YEARS,
    HELD_STATUSES,
    Audit,
    AuditProgramme,
    AuditReport,
    AuditStatus,
    years_after,
)
from controls.models import Applicability, ControlImplementation, Requirement, RequirementKind
from readiness.findings import Finding
from readiness.rules.facts import AuditFact, Facts, ProgrammeFact, months_before

# An in-progress audit whose planned end passed this long ago without an approved report is
# late in reporting.
AUDIT_REPORT_GRACE_DAYS = 30
# Internal audits are held at least this often (the common yearly cycle).
AUDIT_INTERVAL_MONTHS = 12


def _day(value: datetime.date) -> str:
    return date_format(value, "j M Y")


def _internal_audit(facts: Facts) -> Finding:
    """9.2.1: internal audits are held as planned and reported: at least one held with an
    approved report within the interval, none planned that should have started, none held
    long ago still waiting for its report."""
    url = facts.url("audits:audit_list")
    audits = facts.audits
    if not audits:
        return Finding(
            False,
            _("No internal audit on record."),
            _("Plan internal audits in an audit programme and hold the first one."),
            facts.url("audits:programme_list"),
        )
    today = facts.today
    late = [a for a in audits if a.status == AuditStatus.PLANNED and a.planned_end < today]
    if late:
        return Finding(
            False,
            ngettext(
                "%(n)s audit was planned to be held by now and has not started: %(refs)s.",
                "%(n)s audits were planned to be held by now and have not started: %(refs)s.",
                len(late),
            )
            % {
                "n": len(late),
                "refs": ", ".join(
                    f"{a.reference} ({_('planned until')} {_day(a.planned_end)})" for a in late
                ),
            },
            _("Hold these audits, or re-plan them with new dates."),
            url,
        )
    grace = today - datetime.timedelta(days=AUDIT_REPORT_GRACE_DAYS)
    unreported = [
        a
        for a in audits
        if a.status == AuditStatus.IN_PROGRESS and a.planned_end < grace and not a.report_approved
    ]
    if unreported:
        return Finding(
            False,
            ngettext(
                "%(n)s audit ended over a month ago without an approved report: %(refs)s.",
                "%(n)s audits ended over a month ago without an approved report: %(refs)s.",
                len(unreported),
            )
            % {"n": len(unreported), "refs": ", ".join(a.reference for a in unreported)},
            _("Finish the checklist, write the report and have it approved."),
            url,
        )
    held = sorted(
        (a for a in audits if a.status in HELD_STATUSES and a.report_approved and a.held_on),
        key=lambda a: a.held_on,
    )
    if not held:
        return Finding(
            False,
            ngettext(
                "%(n)s internal audit on record; none held with an approved report yet.",
                "%(n)s internal audits on record; none held with an approved report yet.",
                len(audits),
            )
            % {"n": len(audits)},
            _("Hold the first planned audit and have its report approved."),
            url,
        )
    latest = held[-1]
    if latest.held_on < months_before(today, AUDIT_INTERVAL_MONTHS):
        return Finding(
            False,
            _("The last internal audit (%(ref)s) was held on %(day)s, over a year ago.")
            % {"ref": latest.reference, "day": _day(latest.held_on)},
            _("Hold the next audit of the programme."),
            url,
        )
    return Finding(
        True,
        ngettext(
            "%(n)s internal audit held with an approved report; the latest, %(ref)s, on %(day)s.",
            "%(n)s internal audits held with approved reports; the latest, %(ref)s, on %(day)s.",
            len(held),
        )
        % {"n": len(held), "ref": latest.reference, "day": _day(latest.held_on)},
        url=url,
    )


def _audit_programme(facts: Facts) -> Finding:
    """9.2.2: a programme covers today, and its audits cover every assessable clause and
    every Annex A control not marked not applicable over its period (three years at most
    between audits of the same area)."""
    current = [p for p in facts.programmes if p.period_start <= facts.today <= p.period_end]
    if not current:
        return Finding(
            False,
            _("No audit programme covers today."),
            _("Plan an audit programme over the coming years (three is usual)."),
            facts.url("audits:programme_add"),
        )
    programme = min(current, key=lambda p: len(p.uncovered))
    url = safe_url("audits:programme_detail", org=facts.organization.slug, pk=programme.pk)
    period = {
        "title": programme.title,
        "start": _day(programme.period_start),
        "end": _day(programme.period_end),
    }
    if programme.period_end > years_after(programme.period_start, COVERAGE_YEARS):
        return Finding(
            False,
            _(
                "The programme “%(title)s” runs from %(start)s to %(end)s: longer than three "
                "years, so an area could go unaudited for longer."
            )
            % period,
            _("Shorten the programme to three years and plan the next one after it."),
            url,
        )
    if programme.uncovered:
        shown = ", ".join(programme.uncovered[:12])
        more = len(programme.uncovered) - 12
        return Finding(
            False,
            ngettext(
                "The programme “%(title)s” leaves %(n)s clause or control unaudited: %(refs)s.",
                "The programme “%(title)s” leaves %(n)s clauses and controls unaudited: %(refs)s.",
                len(programme.uncovered),
            )
            % {**period, "n": len(programme.uncovered), "refs": shown + (" …" if more > 0 else "")},
            _("Plan audits that cover them within the programme's period."),
            safe_url("audits:audit_coverage", org=facts.organization.slug),
        )
    return Finding(
        True,
        _(
            "The programme “%(title)s” (%(start)s – %(end)s) plans audits of every clause "
            "and every applicable control."
        )
        % period,
        url=url,
    )


def audit_facts(*, organization: Organization, user: Any) -> tuple[list, list]:
    """The programmes (each with what its audits leave uncovered) and the audits, as
    ``user`` may see them: two queries, and two more when a programme exists (what its
    audits cover, and the clauses and controls to cover). Portable SQL: the embedded
    default runs on SQLite."""
    found = list(
        restrict(AuditProgramme.objects.all(), user, Action.VIEW)
        .filter(organization=organization)
        .values_list("pk", "title", "period_start", "period_end")
    )
    covered: dict[int, set[str]] = {pk: set() for pk, *_rest in found}
    to_cover: list[str] = []
    if found:
        ids = list(covered)
        clauses = Audit.clauses.through.objects.filter(audit__programme__in=ids).values_list(
            "audit__programme_id", "requirement__ref"
        )
        controls = Audit.controls.through.objects.filter(audit__programme__in=ids).values_list(
            "audit__programme_id", "requirement__ref"
        )
        for programme_id, ref in clauses.union(controls, all=True):
            covered[programme_id].add(ref)
        excluded = ControlImplementation.objects.filter(
            organization=organization,
            requirement=OuterRef("pk"),
            applicability=Applicability.NOT_APPLICABLE,
        )
        to_cover = list(
            Requirement.objects.filter(framework__code="iso42001", withdrawn=False)
            .filter(
                Q(kind=RequirementKind.CLAUSE, assessable=True) | Q(kind=RequirementKind.CONTROL)
            )
            .exclude(Exists(excluded))
            .order_by("sort_key")
            .values_list("ref", flat=True)
        )
    programmes = [
        ProgrammeFact(pk, title, begins, ends, [r for r in to_cover if r not in covered[pk]])
        for pk, title, begins, ends in found
    ]
    approved = AuditReport.objects.filter(audit=OuterRef("pk"), status=DocumentStatus.APPROVED)
    audits = [
        AuditFact(
            a["pk"],
            a["number"],
            a["title"],
            a["status"],
            a["planned_end"],
            a["actual_end"] or a["actual_start"],
            a["report_approved"],
        )
        for a in restrict(Audit.objects.all(), user, Action.VIEW)
        .filter(organization=organization)
        .annotate(report_approved=Exists(approved))
        .values(
            "pk",
            "number",
            "title",
            "status",
            "planned_end",
            "actual_start",
            "actual_end",
            "report_approved",
        )
    ]
    return programmes, audits
