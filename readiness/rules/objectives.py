"""AI objectives (6.2, A.6.1.2, A.9.3) and the communication plan (7.4)."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

from django.db.models import OuterRef
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from aims.core.permissions import Action, restrict
from aims.core.queries import subquery_count
from aims.organizations.models import Organization
from policies.kpis import kpi_status, measurement_due_from
from policies.models import AIObjective, CommunicationItem, ObjectiveGuides
from policies.models.objectives import PLAN_FIELDS, PURSUED
from readiness.findings import Finding
from readiness.rules.facts import Facts, ObjectiveFact


def _objective_names(objectives: list[ObjectiveFact]) -> str:
    return ", ".join(f"“{o.title}”" for o in objectives[:5]) + (
        _(" and %(n)s more") % {"n": len(objectives) - 5} if len(objectives) > 5 else ""
    )


def _objectives(facts: Facts) -> Finding:
    """6.2: measurable objectives exist, each pursued one with an owner and a complete plan
    (what, resources, who, when, how evaluated), and every active one measured in its
    period (``policies.kpis``). A target is always there: the model requires one."""
    url = facts.url("policies:objective_list")
    objectives = facts.objectives
    if not objectives:
        return Finding(
            False,
            _("No AI objectives on record."),
            _("Set measurable AI objectives, each with a target, an owner and a plan."),
            url,
        )
    if not any(o.active for o in objectives):
        return Finding(
            False,
            _("%(n)s AI objectives are planned; none is active yet.") % {"n": len(objectives)},
            _("Start pursuing the objectives: mark them active and measure them."),
            url,
        )
    unowned = [o for o in objectives if not o.has_owner]
    unplanned = [o for o in objectives if not o.plan_complete]
    unmeasured = [o for o in objectives if o.unmeasured]
    todo = []
    if unowned:
        todo.append(_("Name an owner for %(names)s.") % {"names": _objective_names(unowned)})
    if unplanned:
        todo.append(
            _("Complete the plan (what, resources, who, when, how evaluated) of %(names)s.")
            % {"names": _objective_names(unplanned)}
        )
    if unmeasured:
        todo.append(
            _("Record this period’s measurement of %(names)s.")
            % {"names": _objective_names(unmeasured)}
        )
    found = ngettext(
        "%(n)s AI objective: %(o)s without an owner, %(p)s with an incomplete plan, "
        "%(m)s not measured in its period.",
        "%(n)s AI objectives: %(o)s without an owner, %(p)s with an incomplete plan, "
        "%(m)s not measured in their period.",
        len(objectives),
    ) % {"n": len(objectives), "o": len(unowned), "p": len(unplanned), "m": len(unmeasured)}
    if todo:
        return Finding(False, found, " ".join(str(t) for t in todo), url)
    return Finding(
        True,
        ngettext(
            "%(n)s AI objective with a target, an owner and a plan, measured in its period.",
            "%(n)s AI objectives with targets, owners and plans, each measured in its period.",
            len(objectives),
        )
        % {"n": len(objectives)},
        url=url,
    )


def _communication(facts: Facts) -> Finding:
    """7.4: a communication plan exists, each item with an owner, none overdue."""
    url = facts.url("policies:communication_list")
    plan = facts.communication
    total, unowned, overdue = plan.get("total", 0), plan.get("unowned", 0), plan.get("overdue", 0)
    if not total:
        return Finding(
            False,
            _("No communication plan on record."),
            _("Plan what is communicated about the AIMS, when, to whom, how and by whom."),
            url,
        )
    found = ngettext(
        "%(n)s planned communication: %(u)s without an owner, %(o)s overdue.",
        "%(n)s planned communications: %(u)s without an owner, %(o)s overdue.",
        total,
    ) % {"n": total, "u": unowned, "o": overdue}
    if unowned or overdue:
        todo = []
        if unowned:
            todo.append(_("Give every communication an owner."))
        if overdue:
            todo.append(
                _("Carry out the overdue communications and mark them done, or re-plan them.")
            )
        overdue_url = f"{url}?overdue=true" if url and overdue else url
        return Finding(False, found, " ".join(str(t) for t in todo), overdue_url)
    return Finding(True, found, url=url)


def _objectives_for(guides: str, label: Any) -> Callable[[Facts], Finding]:
    """A.6.1.2 / A.9.3: pursued objectives that guide responsible development (or use) of
    AI systems, linked to the Annex C objectives they serve, with an owner."""

    def rule(facts: Facts) -> Finding:
        url = facts.url("policies:objective_list")
        relevant = [o for o in facts.objectives if o.guides in (guides, ObjectiveGuides.BOTH)]
        if not relevant:
            return Finding(
                False,
                _("No pursued AI objective guides %(what)s.") % {"what": label},
                _("Set objectives for %(what)s and link each to the Annex C objectives it serves.")
                % {"what": label},
                url,
            )
        unlinked = [o for o in relevant if not o.annex_c]
        unowned = [o for o in relevant if not o.has_owner]
        if unlinked or unowned:
            todo = []
            if unlinked:
                todo.append(
                    _("Link %(names)s to the Annex C objectives they serve.")
                    % {"names": _objective_names(unlinked)}
                )
            if unowned:
                todo.append(
                    _("Name an owner for %(names)s.") % {"names": _objective_names(unowned)}
                )
            return Finding(
                False,
                _(
                    "%(n)s objectives guide %(what)s; %(l)s not linked to Annex C, %(o)s without an owner."
                )
                % {"n": len(relevant), "what": label, "l": len(unlinked), "o": len(unowned)},
                " ".join(str(t) for t in todo),
                url,
            )
        return Finding(
            True,
            ngettext(
                "%(n)s owned objective guides %(what)s, linked to Annex C.",
                "%(n)s owned objectives guide %(what)s, each linked to Annex C.",
                len(relevant),
            )
            % {"n": len(relevant), "what": label},
            url=url,
        )

    return rule


def objective_facts(
    *, organization: Organization, user: Any, today: datetime.date
) -> list[ObjectiveFact]:
    """The pursued objectives ``user`` may see, with their KPI status (one query)."""
    rows = (
        restrict(AIObjective.objects.all(), user, Action.VIEW)
        .filter(organization=organization, status__in=PURSUED)
        .with_latest()
        .annotate(
            annex_c=subquery_count(
                AIObjective.annex_c_objectives.through.objects.filter(aiobjective_id=OuterRef("pk"))
            )
        )
        .order_by("title", "pk")
        .values(
            "pk",
            "title",
            "status",
            "guides",
            "owner_id",
            "frequency",
            "direction",
            "target_value",
            "target_upper",
            "at_risk_margin",
            "latest_value",
            "latest_on",
            "annex_c",
            "created_at",
            *PLAN_FIELDS,
        )
    )
    return [
        ObjectiveFact(
            pk=row["pk"],
            title=row["title"],
            status=row["status"],
            guides=row["guides"],
            has_owner=row["owner_id"] is not None,
            plan_complete=all(str(row[name] or "").strip() for name in PLAN_FIELDS),
            annex_c=row["annex_c"],
            kpi=kpi_status(
                latest_value=row["latest_value"],
                latest_on=row["latest_on"],
                today=today,
                frequency=row["frequency"],
                direction=row["direction"],
                target=row["target_value"],
                target_upper=row["target_upper"],
                margin=row["at_risk_margin"],
            ),
            created_on=timezone.localtime(row["created_at"]).date(),
            due_from=measurement_due_from(today, row["frequency"]),
        )
        for row in rows
    ]


def communication_counts(*, user: Any, today: datetime.date) -> dict[str, Any]:
    """7.4: the communication plan's items, unowned and overdue ones (annotations)."""
    items = restrict(CommunicationItem.objects.all(), user, Action.VIEW).filter(
        organization=OuterRef("pk")
    )
    return {
        "total": subquery_count(items),
        "unowned": subquery_count(items.filter(owner__isnull=True)),
        "overdue": subquery_count(items.filter(next_due__lt=today)),
    }
