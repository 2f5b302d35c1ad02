"""The agenda of a management review (9.3.2), assembled from the live registers.

Each input gets a ``facts`` dict stored on its agenda item::

    {"headline": "3 open, 1 overdue",
     "rows": [{"label": ..., "value": ..., "tone": "ok|warn|bad|"}],
     "items": [{"text": ..., "detail": ..., "url": ..., "tone": ...}],
     "more": 0}

so the meeting, its minutes and the approved record all read the same figures, whatever
the registers say later. Every query goes through the permission layer as the person who
assembles the agenda (an officer sees the whole organisation). "Since" means since the
review's ``covers_from`` day: the previous review's meeting, or a year back for the first.
"""

from __future__ import annotations

import datetime
import json
from collections import Counter
from collections.abc import Callable, Iterable
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from aims.core.models import ChangeAction, ChangeLogEntry
from aims.core.permissions import Action, restrict
from aims.core.views import record_url
from aims.organizations.models import (
    ClimateDecision,
    ContextIssue,
    InterestedParty,
    PartyRequirement,
)
from audits.models import (
    HELD_STATUSES,
    OPEN_ACTION_STATUSES,
    Audit,
    AuditChecklistLine,
    AuditStatus,
    CorrectiveAction,
    Effectiveness,
    FindingResult,
    Incident,
    IncidentSeverity,
    IncidentStatus,
    ManagementReview,
    Nonconformity,
    NonconformitySource,
    NonconformityStatus,
    Opportunity,
    OpportunityStatus,
    ReviewDecision,
    ReviewInputKind,
)
from engagements.models import Engagement, InformationRequest, RequestStatus
from policies.kpis import KPIStatus
from policies.models import AIObjective
from risks.models import ActionStatus, Risk, RiskKind, RiskStatus, TreatmentAction

# Items listed per input; the rest is counted in ``more``.
MAX_ITEMS = 15


def _day(value: datetime.date | datetime.datetime | None) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        value = timezone.localtime(value).date()
    return date_format(value, "j M Y")


def _row(label: str, value: Any, tone: str = "") -> dict[str, Any]:
    return {"label": label, "value": value, "tone": tone}


def _item(text: str, *, detail: str = "", url: str | None = None, tone: str = "") -> dict:
    return {"text": text, "detail": detail, "url": url or "", "tone": tone}


def _facts(headline: str, rows: list[dict], items: Iterable[dict] = ()) -> dict[str, Any]:
    listed = list(items)
    return {
        "headline": headline,
        "rows": rows,
        "items": listed[:MAX_ITEMS],
        "more": max(0, len(listed) - MAX_ITEMS),
    }


class Agenda:
    """Gathers one review's inputs for ``user`` as of ``today``."""

    def __init__(self, *, review: ManagementReview, user: Any, today: datetime.date) -> None:
        self.review = review
        self.user = user
        self.today = today
        self.since = review.covers_from
        self.org = review.organization

    def visible(self, model: type) -> Any:
        return restrict(model.objects.all(), self.user, Action.VIEW).filter(
            **{model.access.org_path: self.org}
        )

    def facts(self, kind: str) -> dict[str, Any]:
        # Kept as JSON: labels given lazily (a model's choice label) become plain text.
        return json.loads(json.dumps(BUILDERS[kind](self), cls=DjangoJSONEncoder))

    # --- inputs, in agenda order ------------------------------------------------------------

    def previous_actions(self) -> dict[str, Any]:
        decisions = list(
            self.visible(ReviewDecision)
            .filter(review__number__lt=self.review.number)
            .filter(Q(status__in=OPEN_ACTION_STATUSES) | Q(completed_on__gte=self.since))
            .select_related("review", "owner")
            .order_by("review__number", "due_date", "pk")
        )
        open_ = [d for d in decisions if d.is_open]
        overdue = [d for d in open_ if d.due_date and d.due_date < self.today]
        done = [d for d in decisions if d.status == ActionStatus.DONE]
        dropped = [d for d in decisions if d.status == ActionStatus.CANCELLED]
        if not decisions:
            headline = _("No decisions of earlier reviews were open or completed since then.")
        else:
            headline = _("%(open)s open (%(overdue)s overdue), %(done)s done since.") % {
                "open": len(open_),
                "overdue": len(overdue),
                "done": len(done),
            }
        rows = [
            _row(_("Open"), len(open_), "warn" if open_ else "ok"),
            _row(_("Overdue"), len(overdue), "bad" if overdue else "ok"),
            _row(_("Done since the last review"), len(done)),
            _row(_("Dropped since the last review"), len(dropped)),
        ]
        items = [
            _item(
                f"{d.review.reference}: {d.decision[:160]}",
                detail=", ".join(
                    part
                    for part in (
                        str(d.get_status_display()),
                        d.owner.display_name if d.owner else _("no owner"),
                        _("due %(d)s") % {"d": _day(d.due_date)} if d.due_date else "",
                    )
                    if part
                ),
                url=record_url(d),
                tone="bad" if d in overdue else ("ok" if d.status == ActionStatus.DONE else ""),
            )
            for d in decisions
        ]
        return _facts(headline, rows, items)

    def _changes(self, models: Iterable[type]) -> tuple[list[dict], list[dict], int]:
        """Change-log rows of ``models`` since the cut-off: (rows, items, count)."""
        types = ContentType.objects.get_for_models(*models).values()
        entries = list(
            ChangeLogEntry.objects.filter(
                organization=self.org,
                content_type__in=list(types),
                timestamp__date__gte=self.since,
            )
            .order_by("seq")
            .only("object_id", "object_repr", "action", "timestamp", "content_type_id")
        )
        # One line per record: what happened to it overall in the period.
        by_record: dict[tuple[int, str], list[ChangeLogEntry]] = {}
        for entry in entries:
            by_record.setdefault((entry.content_type_id, entry.object_id), []).append(entry)
        tally: Counter[str] = Counter()
        items = []
        for history in by_record.values():
            first, last = history[0], history[-1]
            if first.action == ChangeAction.CREATE and last.action == ChangeAction.DELETE:
                continue  # added and removed again in the period: nothing changed
            if first.action == ChangeAction.CREATE:
                what, tone = _("added"), "warn"
            elif last.action == ChangeAction.DELETE:
                what, tone = _("removed"), "warn"
            else:
                what, tone = _("changed"), ""
            tally[what] += 1
            items.append(
                _item(
                    last.object_repr,
                    detail=_("%(what)s, last on %(day)s")
                    % {"what": what, "day": _day(last.timestamp)},
                    tone=tone,
                )
            )
        rows = [
            _row(_("Added"), tally[_("added")]),
            _row(_("Changed"), tally[_("changed")]),
            _row(_("Removed"), tally[_("removed")]),
        ]
        return rows, items, len(items)

    def context_changes(self) -> dict[str, Any]:
        rows, items, count = self._changes((ContextIssue, ClimateDecision))
        issues = self.visible(ContextIssue)
        overdue = issues.filter(next_review_date__lt=self.today).count()
        rows.append(_row(_("Issues on record now"), issues.count()))
        rows.append(_row(_("Past their review date"), overdue, "bad" if overdue else "ok"))
        headline = (
            ngettext(
                "%(n)s issue changed since %(day)s.", "%(n)s issues changed since %(day)s.", count
            )
            if count
            else _("No change to the issues since %(day)s.")
        ) % {"n": count, "day": _day(self.since)}
        return _facts(headline, rows, items)

    def party_changes(self) -> dict[str, Any]:
        rows, items, count = self._changes((InterestedParty, PartyRequirement))
        rows.append(
            _row(_("Interested parties on record now"), self.visible(InterestedParty).count())
        )
        headline = (
            ngettext(
                "%(n)s party or requirement changed since %(day)s.",
                "%(n)s parties or requirements changed since %(day)s.",
                count,
            )
            if count
            else _("No change to the interested parties since %(day)s.")
        ) % {"n": count, "day": _day(self.since)}
        return _facts(headline, rows, items)

    def nonconformities(self) -> dict[str, Any]:
        ncs = self.visible(Nonconformity)
        raised = list(ncs.filter(found_on__gte=self.since).values_list("source", "severity"))
        by_source = Counter(source for source, _severity in raised)
        majors = sum(1 for _source, severity in raised if severity == "major")
        open_ncs = list(
            ncs.exclude(status=NonconformityStatus.CLOSED)
            .select_related("requirement")
            .order_by("found_on", "number")
        )
        closed = list(
            ncs.filter(status=NonconformityStatus.CLOSED, closed_on__gte=self.since)
            .select_related("requirement")
            .order_by("closed_on", "number")
        )
        not_effective = ncs.filter(
            verified_on__gte=self.since, effectiveness=Effectiveness.NOT_EFFECTIVE
        ).count()
        actions = self.visible(CorrectiveAction).filter(status__in=OPEN_ACTION_STATUSES)
        overdue_actions = actions.filter(due_date__lt=self.today).count()
        sources = dict(NonconformitySource.choices)
        rows = [
            _row(_("Raised since the last review"), len(raised)),
            _row(_("of which major"), majors, "bad" if majors else "ok"),
            *(
                _row(_("from: %(source)s") % {"source": sources.get(s, s)}, n)
                for s, n in by_source.most_common()
            ),
            _row(_("Open now"), len(open_ncs), "warn" if open_ncs else "ok"),
            _row(_("Closed since the last review"), len(closed)),
            _row(_("Actions found not effective"), not_effective, "bad" if not_effective else "ok"),
            _row(_("Corrective actions open"), actions.count()),
            _row(
                _("Corrective actions overdue"), overdue_actions, "bad" if overdue_actions else "ok"
            ),
        ]
        headline = _(
            "%(raised)s raised since %(day)s; %(open)s open, %(overdue)s actions overdue."
        ) % {
            "raised": len(raised),
            "day": _day(self.since),
            "open": len(open_ncs),
            "overdue": overdue_actions,
        }
        items = [
            _item(
                f"{nc.reference} {nc.title}",
                detail=", ".join(
                    p
                    for p in (
                        str(nc.get_severity_display()),
                        str(nc.get_status_display()),
                        nc.requirement.ref if nc.requirement else "",
                    )
                    if p
                ),
                url=record_url(nc),
                tone="ok"
                if nc.status == NonconformityStatus.CLOSED
                else ("bad" if nc.severity == "major" else "warn"),
            )
            # Open ones first, then those closed since the last review.
            for nc in [*open_ncs, *closed]
        ]
        return _facts(headline, rows, items)

    def objectives(self) -> dict[str, Any]:
        objectives = list(
            self.visible(AIObjective).with_kpi_status(self.today).order_by("title", "pk")
        )
        tally = Counter(o.kpi_status_db for o in objectives)
        labels = dict(KPIStatus.choices)
        tones = {
            KPIStatus.ON_TRACK: "ok",
            KPIStatus.AT_RISK: "warn",
            KPIStatus.OFF_TRACK: "bad",
            KPIStatus.OVERDUE: "bad",
            KPIStatus.NOT_MEASURED: "warn",
        }
        rows = [_row(labels[s], tally.get(s, 0), tones.get(s, "")) for s in KPIStatus.values]
        items = []
        for o in objectives:
            value, on = o.latest()
            measured = (
                _("latest %(v)s on %(d)s") % {"v": format(value.normalize(), "f"), "d": _day(on)}
                if value is not None
                else _("never measured")
            )
            items.append(
                _item(
                    o.title,
                    detail=f"{labels.get(o.kpi_status_db, '')}: {measured}; "
                    + _("target %(t)s") % {"t": o.target_label},
                    url=record_url(o),
                    tone=tones.get(o.kpi_status_db, ""),
                )
            )
        headline = (
            _("%(ok)s of %(n)s objectives on track.")
            % {"ok": tally.get(KPIStatus.ON_TRACK, 0), "n": len(objectives)}
            if objectives
            else _("No AI objectives are set.")
        )
        return _facts(headline, rows, items)

    def audits(self) -> dict[str, Any]:
        audits = self.visible(Audit)
        held = list(
            audits.filter(status__in=HELD_STATUSES)
            .filter(
                Q(actual_end__gte=self.since)
                | Q(actual_end__isnull=True, actual_start__gte=self.since)
            )
            .order_by("actual_start", "number")
        )
        results: dict[int, Counter] = {a.pk: Counter() for a in held}
        for audit_id, result, n in (
            self.visible(AuditChecklistLine)
            .filter(audit__in=held)
            .exclude(result="")
            .values_list("audit", "result")
            .annotate(n=Count("pk"))
        ):
            results[audit_id][result] += n
        labels = dict(FindingResult.choices)
        overdue = audits.filter(status=AuditStatus.PLANNED, planned_end__lt=self.today).count()
        total: Counter = Counter()
        for tally in results.values():
            total.update(tally)
        rows = [
            _row(_("Audits held since the last review"), len(held)),
            *(_row(labels[r], total.get(r, 0)) for r in FindingResult.values),
            _row(_("Planned audits past their dates"), overdue, "bad" if overdue else "ok"),
        ]
        items = [
            _item(
                str(a),
                detail="; ".join(f"{labels[r]}: {n}" for r, n in sorted(results[a.pk].items()) if n)
                or _("no results recorded"),
                url=record_url(a),
                tone="bad"
                if results[a.pk].get("major")
                else ("warn" if results[a.pk].get("minor") else "ok"),
            )
            for a in held
        ]
        headline = (
            ngettext(
                "%(n)s audit held since %(day)s.", "%(n)s audits held since %(day)s.", len(held)
            )
            if held
            else _("No internal audit was held since %(day)s.")
        ) % {"n": len(held), "day": _day(self.since)}
        return _facts(headline, rows, items)

    def engagements(self) -> dict[str, Any]:
        requests = list(
            self.visible(InformationRequest)
            .exclude(status=RequestStatus.CLOSED)
            .select_related("engagement")
            .order_by("due_on", "number")
        )
        overdue = [
            r
            for r in requests
            if r.status == RequestStatus.OPEN and r.due_on and r.due_on < self.today
        ]
        findings = list(
            self.visible(Nonconformity)
            .filter(source=NonconformitySource.EXTERNAL_AUDIT)
            .exclude(status=NonconformityStatus.CLOSED)
            .order_by("found_on", "number")
        )
        opportunities = (
            self.visible(Opportunity)
            .filter(
                source="external_audit",
                status__in=(OpportunityStatus.PROPOSED, OpportunityStatus.ACCEPTED),
            )
            .count()
        )
        engagements = self.visible(Engagement).filter(ends_on__gte=self.since).count()
        rows = [
            _row(_("Engagements active since the last review"), engagements),
            _row(_("Information requests still open"), len(requests), "warn" if requests else "ok"),
            _row(_("of which overdue"), len(overdue), "bad" if overdue else "ok"),
            _row(
                _("Certification findings still open"), len(findings), "bad" if findings else "ok"
            ),
            _row(_("Auditors' suggestions still open"), opportunities),
        ]
        items = [
            _item(
                f"{r.reference} {r.title}",
                detail=f"{r.engagement.name}: {r.get_status_display()}"
                + (", " + _("due %(d)s") % {"d": _day(r.due_on)} if r.due_on else ""),
                url=record_url(r),
                tone="bad" if r in overdue else "warn",
            )
            for r in requests
        ] + [
            _item(
                f"{nc.reference} {nc.title}",
                detail=str(nc.get_severity_display()),
                url=record_url(nc),
                tone="bad",
            )
            for nc in findings
        ]
        headline = _("%(requests)s requests and %(findings)s findings open.") % {
            "requests": len(requests),
            "findings": len(findings),
        }
        return _facts(headline, rows, items)

    def risks(self) -> dict[str, Any]:
        risks = list(
            self.visible(Risk)
            .filter(kind=RiskKind.RISK)
            .exclude(status=RiskStatus.CLOSED)
            .select_related("accepted_by")
            .order_by("-inherent_rank", "number")
        )
        levels: Counter[str] = Counter()
        rank: dict[str, int] = {}
        for risk in risks:
            level = risk.residual_level or risk.inherent_level
            levels[level] += 1
            rank[level] = max(rank.get(level, 0), risk.residual_rank or risk.inherent_rank or 0)
        overdue = list(
            self.visible(TreatmentAction)
            .filter(
                status__in=(ActionStatus.PLANNED, ActionStatus.IN_PROGRESS), due_date__lt=self.today
            )
            .select_related("risk", "owner")
            .order_by("due_date", "pk")
        )
        accepted = [r for r in risks if r.accepted_at is not None]
        expired = [
            r for r in accepted if r.acceptance_expires and r.acceptance_expires < self.today
        ]
        in_treatment = sum(1 for r in risks if r.status == RiskStatus.IN_TREATMENT)
        rows = [
            *(
                _row(_("Current level %(level)s") % {"level": level}, n)
                for level, n in sorted(levels.items(), key=lambda kv: -rank.get(kv[0], 0))
            ),
            _row(_("In treatment"), in_treatment),
            _row(_("Treatment actions overdue"), len(overdue), "bad" if overdue else "ok"),
            _row(_("Accepted risks"), len(accepted)),
            _row(_("Acceptances expired"), len(expired), "bad" if expired else "ok"),
        ]
        items = [
            _item(
                f"{a.risk}: {a.title}",
                detail=_("treatment overdue since %(d)s") % {"d": _day(a.due_date)},
                url=record_url(a.risk),
                tone="bad",
            )
            for a in overdue
        ] + [
            _item(
                str(r),
                detail=_("accepted by %(who)s on %(d)s")
                % {
                    "who": r.accepted_by.display_name if r.accepted_by else "—",
                    "d": _day(r.accepted_at),
                }
                + (
                    "; " + _("acceptance expired %(d)s") % {"d": _day(r.acceptance_expires)}
                    if r in expired
                    else ""
                ),
                url=record_url(r),
                tone="bad" if r in expired else "",
            )
            for r in accepted
        ]
        headline = _(
            "%(n)s open risks; %(overdue)s treatment actions overdue; %(accepted)s accepted."
        ) % {
            "n": len(risks),
            "overdue": len(overdue),
            "accepted": len(accepted),
        }
        return _facts(headline, rows, items)

    def incidents(self) -> dict[str, Any]:
        incidents = self.visible(Incident)
        recent = list(
            incidents.filter(
                Q(detected_at__date__gte=self.since) | ~Q(status=IncidentStatus.CLOSED)
            ).order_by("detected_at", "number")
        )
        since = [i for i in recent if timezone.localtime(i.detected_at).date() >= self.since]
        severity = Counter(i.severity for i in since)
        labels = dict(IncidentSeverity.choices)
        reportable = [i for i in since if i.serious_incident]
        late = [
            i
            for i in reportable
            if i.report_due and (i.reported_at or timezone.now()) > i.report_due
        ]
        open_ = [i for i in recent if i.status != IncidentStatus.CLOSED]
        rows = [
            _row(_("Detected since the last review"), len(since)),
            *(_row(labels[s], severity.get(s, 0)) for s in reversed(IncidentSeverity.values)),
            _row(
                _("Serious incidents under the EU AI Act"),
                len(reportable),
                "warn" if reportable else "ok",
            ),
            _row(
                _("Reported late or not yet past the deadline"), len(late), "bad" if late else "ok"
            ),
            _row(_("Not yet closed"), len(open_), "warn" if open_ else "ok"),
        ]
        items = [
            _item(
                str(i),
                detail=", ".join(
                    p
                    for p in (
                        str(i.get_severity_display()),
                        str(i.get_status_display()),
                        _("detected %(d)s") % {"d": _day(i.detected_at)},
                        _("reportable") if i.serious_incident else "",
                    )
                    if p
                ),
                url=record_url(i),
                tone="bad"
                if i in late or i.severity == "critical"
                else ("warn" if i in open_ else ""),
            )
            for i in recent
        ]
        headline = _("%(n)s detected since %(day)s; %(open)s not closed.") % {
            "n": len(since),
            "day": _day(self.since),
            "open": len(open_),
        }
        return _facts(headline, rows, items)

    def improvements(self) -> dict[str, Any]:
        opportunities = self.visible(Opportunity)
        proposed = list(
            opportunities.filter(status=OpportunityStatus.PROPOSED).order_by("raised_on", "number")
        )
        accepted = list(
            opportunities.filter(status=OpportunityStatus.ACCEPTED).order_by("due_date", "number")
        )
        implemented = opportunities.filter(implemented_on__gte=self.since).count()
        rejected = opportunities.filter(
            status=OpportunityStatus.REJECTED, decided_on__gte=self.since
        ).count()
        rows = [
            _row(_("Awaiting a decision"), len(proposed), "warn" if proposed else "ok"),
            _row(_("Accepted, not yet done"), len(accepted)),
            _row(_("Implemented since the last review"), implemented),
            _row(_("Not taken up since the last review"), rejected),
        ]
        items = [
            _item(
                f"{o.reference} {o.title}",
                detail=str(o.get_status_display()),
                url=record_url(o),
                tone="warn",
            )
            for o in proposed
        ] + [
            _item(
                f"{o.reference} {o.title}",
                detail=str(o.get_status_display())
                + (", " + _("due %(d)s") % {"d": _day(o.due_date)} if o.due_date else ""),
                url=record_url(o),
            )
            for o in accepted
        ]
        headline = _(
            "%(p)s awaiting a decision, %(a)s accepted, %(i)s implemented since %(day)s."
        ) % {
            "p": len(proposed),
            "a": len(accepted),
            "i": implemented,
            "day": _day(self.since),
        }
        return _facts(headline, rows, items)


BUILDERS: dict[str, Callable[[Agenda], dict[str, Any]]] = {
    ReviewInputKind.PREVIOUS_ACTIONS: Agenda.previous_actions,
    ReviewInputKind.CONTEXT_CHANGES: Agenda.context_changes,
    ReviewInputKind.PARTY_CHANGES: Agenda.party_changes,
    ReviewInputKind.NONCONFORMITIES: Agenda.nonconformities,
    ReviewInputKind.OBJECTIVES: Agenda.objectives,
    ReviewInputKind.AUDITS: Agenda.audits,
    ReviewInputKind.ENGAGEMENTS: Agenda.engagements,
    ReviewInputKind.RISKS: Agenda.risks,
    ReviewInputKind.INCIDENTS: Agenda.incidents,
    ReviewInputKind.IMPROVEMENTS: Agenda.improvements,
}
assert set(BUILDERS) == set(ReviewInputKind.values), "every input needs a builder"
