"""Improvement (10.1, 10.2) and the communication of incidents (A.8.4)."""

from __future__ import annotations

import datetime
from typing import Any

from django.db.models import Exists, OuterRef, Q
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from aims.core.permissions import Action, restrict
from aims.core.queries import subquery_count
from audits.models import (
    OPEN_ACTION_STATUSES,
    REASSESS_SEVERITIES,
    REPORT_DAYS,
    CommunicationStatus,
    CorrectiveAction,
    Incident,
    IncidentCommunication,
    Nonconformity,
    NonconformityStatus,
    Opportunity,
    OpportunityStatus,
)
from readiness.findings import Finding
from readiness.rules.facts import Facts, months_before

# How long a nonconformity may stay open with no corrective action, and wait for its
# effectiveness check once its actions are finished, before readiness calls it stalled.
NONCONFORMITY_ACTION_DAYS = 60
NONCONFORMITY_CHECK_DAYS = 30
# How long a suggestion may wait for its decision.
OPPORTUNITY_DECISION_DAYS = 60


def _improvement(facts: Facts) -> Finding:
    """10.1: the AIMS improves: opportunities are recorded, decided in time, and at least
    one was carried out in the last twelve months."""
    counts = facts.improvement
    url = facts.url("audits:opportunity_list")
    if not counts.get("ofi_total"):
        return Finding(
            False,
            _("No opportunity for improvement on record."),
            _("Record the improvements the AIMS considers and makes, with their decisions."),
            url,
        )
    if counts.get("ofi_waiting"):
        return Finding(
            False,
            ngettext(
                "%(n)s suggestion has waited over %(days)s days for a decision.",
                "%(n)s suggestions have waited over %(days)s days for a decision.",
                counts["ofi_waiting"],
            )
            % {"n": counts["ofi_waiting"], "days": OPPORTUNITY_DECISION_DAYS},
            _("Decide on them, with the reasons."),
            url and f"{url}?status=proposed",
        )
    if not counts.get("ofi_done_year"):
        return Finding(
            False,
            _("No improvement was carried out in the last twelve months."),
            _("Carry out an accepted opportunity and record what it brought."),
            url,
        )
    return Finding(
        True,
        ngettext(
            "%(n)s improvement carried out in the last twelve months; suggestions decided in time.",
            "%(n)s improvements carried out in the last twelve months; suggestions decided in time.",
            counts["ofi_done_year"],
        )
        % {"n": counts["ofi_done_year"]},
        url=url,
    )


def _nonconformity(facts: Facts) -> Finding:
    """10.2: nonconformities are acted on: no corrective action overdue, none left without
    action or waiting for its effectiveness check too long."""
    counts = facts.improvement
    url = facts.url("audits:nonconformity_list")
    todo: list[str] = []
    found: list[str] = []
    if counts.get("corrective_overdue"):
        found.append(
            ngettext(
                "%(n)s corrective action is overdue.",
                "%(n)s corrective actions are overdue.",
                counts["corrective_overdue"],
            )
            % {"n": counts["corrective_overdue"]}
        )
        todo.append(_("Finish the overdue corrective actions or give them a new due date."))
    if counts.get("nc_stalled"):
        found.append(
            ngettext(
                "%(n)s nonconformity has been open for over %(days)s days with no corrective action.",
                "%(n)s nonconformities have been open for over %(days)s days with no corrective action.",
                counts["nc_stalled"],
            )
            % {"n": counts["nc_stalled"], "days": NONCONFORMITY_ACTION_DAYS}
        )
        todo.append(_("Analyse the root cause and plan corrective actions."))
    if counts.get("nc_unchecked"):
        found.append(
            ngettext(
                "%(n)s nonconformity has waited over %(days)s days for its effectiveness check.",
                "%(n)s nonconformities have waited over %(days)s days for their effectiveness check.",
                counts["nc_unchecked"],
            )
            % {"n": counts["nc_unchecked"], "days": NONCONFORMITY_CHECK_DAYS}
        )
        todo.append(_("Check whether the finished actions worked, and record it."))
    if found:
        return Finding(False, " ".join(found), " ".join(todo), url)
    total, open_ = counts.get("nc_total", 0), counts.get("nc_open", 0)
    if not total:
        return Finding(
            True,
            _("No nonconformity on record; the register is in place to receive them."),
            url=url,
        )
    return Finding(
        True,
        ngettext(
            "%(n)s nonconformity on record, %(open)s open, every corrective action on schedule.",
            "%(n)s nonconformities on record, %(open)s open, every corrective action on schedule.",
            total,
        )
        % {"n": total, "open": open_},
        url=url,
    )


def _incident_communication(facts: Facts) -> Finding:
    """A.8.4: severe incidents are communicated, and EU serious incidents reported in time."""
    counts = facts.improvement
    url = facts.url("audits:incident_list")
    found, todo = [], []
    if counts.get("incidents_silent"):
        found.append(
            ngettext(
                "%(n)s high, critical or EU-serious incident has no communication done.",
                "%(n)s high, critical or EU-serious incidents have no communication done.",
                counts["incidents_silent"],
            )
            % {"n": counts["incidents_silent"]}
        )
        todo.append(_("Tell the people concerned and log it on the incident."))
    if counts.get("reports_overdue"):
        found.append(
            ngettext(
                "%(n)s EU AI Act serious-incident report is overdue.",
                "%(n)s EU AI Act serious-incident reports are overdue.",
                counts["reports_overdue"],
            )
            % {"n": counts["reports_overdue"]}
        )
        todo.append(_("Report to the market surveillance authority and record it."))
    if found:
        return Finding(
            False, " ".join(found), " ".join(todo), f"{url}?serious=true" if url else url
        )
    return Finding(
        True,
        ngettext(
            "%(n)s incident on record; the severe ones were communicated and reported in time.",
            "%(n)s incidents on record; the severe ones were communicated and reported in time.",
            counts.get("incidents_total", 0),
        )
        % {"n": counts.get("incidents_total", 0)},
        url=url,
    )


IMPROVEMENT_COUNTS = (
    "nc_total",
    "nc_open",
    "nc_stalled",
    "nc_unchecked",
    "corrective_overdue",
    "incidents_total",
    "incidents_silent",
    "reports_overdue",
    "ofi_total",
    "ofi_waiting",
    "ofi_done_year",
)


def _improvement_counts(*, user: Any, org: Any, now: datetime.datetime) -> dict[str, Any]:
    """Subquery counts of nonconformities and incidents (the organisation row's annotations)."""
    today = timezone.localdate()
    ncs = restrict(Nonconformity.objects.all(), user, Action.VIEW).filter(organization=org)
    open_ncs = ncs.exclude(status=NonconformityStatus.CLOSED)
    actions = restrict(CorrectiveAction.objects.all(), user, Action.VIEW).filter(
        nonconformity__organization=org, status__in=OPEN_ACTION_STATUSES
    )
    incidents = restrict(Incident.objects.all(), user, Action.VIEW).filter(organization=org)
    ideas = restrict(Opportunity.objects.all(), user, Action.VIEW).filter(organization=org)
    severe = incidents.filter(Q(severity__in=REASSESS_SEVERITIES) | ~Q(serious_incident="")).filter(
        ~Exists(
            IncidentCommunication.objects.filter(
                incident=OuterRef("pk"), status=CommunicationStatus.DONE
            )
        )
    )
    since = Coalesce("aware_at", "detected_at")
    late = Q()
    for kind, days in REPORT_DAYS.items():
        late |= Q(serious_incident=kind, since__lt=now - datetime.timedelta(days=days))
    overdue = incidents.filter(reported_at__isnull=True).annotate(since=since).filter(late)
    return {
        "nc_total": subquery_count(ncs),
        "nc_open": subquery_count(open_ncs),
        "nc_stalled": subquery_count(
            open_ncs.filter(
                status=NonconformityStatus.OPEN,
                found_on__lt=today - datetime.timedelta(days=NONCONFORMITY_ACTION_DAYS),
            )
        ),
        "nc_unchecked": subquery_count(
            open_ncs.filter(
                status=NonconformityStatus.VERIFYING,
                updated_at__lt=now - datetime.timedelta(days=NONCONFORMITY_CHECK_DAYS),
            )
        ),
        "corrective_overdue": subquery_count(actions.filter(due_date__lt=today)),
        "incidents_total": subquery_count(incidents),
        "incidents_silent": subquery_count(severe),
        "reports_overdue": subquery_count(overdue),
        "ofi_total": subquery_count(ideas),
        "ofi_waiting": subquery_count(
            ideas.filter(
                status=OpportunityStatus.PROPOSED,
                raised_on__lt=today - datetime.timedelta(days=OPPORTUNITY_DECISION_DAYS),
            )
        ),
        "ofi_done_year": subquery_count(
            ideas.filter(
                status=OpportunityStatus.IMPLEMENTED, implemented_on__gte=months_before(today, 12)
            )
        ),
    }
