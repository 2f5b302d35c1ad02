"""Support (6.3, 7.1, 7.5.3) and the reporting of concerns (A.3.3, A.8.3)."""

from __future__ import annotations

import datetime
from typing import Any

from django.db.models import OuterRef
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from aims.core.permissions import Action, restrict
from aims.core.queries import subquery_count
from aims.organizations.models import Organization
from policies.documented import record_types
from policies.models import (
    OPEN_CONCERN_STATUSES,
    AIMSResource,
    ChangeStatus,
    ChannelAudience,
    Concern,
    ConcernChannel,
    OutsideDocument,
    OutsideDocumentStatus,
    PlannedChange,
    ResourceStatus,
    RetentionRule,
)
from readiness.findings import Finding
from readiness.rules.facts import Facts, org_row

# How long a concern may stay open (received or under review) before it counts as unhandled.
CONCERN_HANDLING_DAYS = 30


def support_counts(*, user: Any, today: datetime.date) -> dict[str, Any]:
    """The support area's counts, as far as ``user`` may see them: annotations of the
    organisation row ``readiness_facts`` reads."""
    org = OuterRef("pk")

    def seen(model):
        return restrict(model.objects.all(), user, Action.VIEW).filter(organization=org)

    changes = seen(PlannedChange)
    resources = seen(AIMSResource)
    concerns = seen(Concern)
    open_concerns = concerns.filter(status__in=OPEN_CONCERN_STATUSES)
    late = timezone.now() - datetime.timedelta(days=CONCERN_HANDLING_DAYS)
    external = seen(ConcernChannel).filter(audience=ChannelAudience.EXTERNAL)
    # Reports from outside (A.8.3): their reporter said how they relate to the organisation.
    outside = concerns.exclude(reporter_relationship="")
    outside_open = outside.filter(status__in=OPEN_CONCERN_STATUSES)
    counts = dict(
        changes_total=subquery_count(changes),
        changes_implemented=subquery_count(changes.filter(status=ChangeStatus.IMPLEMENTED)),
        changes_waiting=subquery_count(
            changes.filter(status=ChangeStatus.PROPOSED, planned_date__lt=today)
        ),
        changes_overdue=subquery_count(
            changes.filter(status=ChangeStatus.APPROVED, planned_date__lt=today)
        ),
        resources_total=subquery_count(resources),
        resources_overdue=subquery_count(resources.filter(review_date__lt=today)),
        resources_undated=subquery_count(resources.filter(review_date__isnull=True)),
        resources_committed=subquery_count(resources.filter(status=ResourceStatus.COMMITTED)),
        outside_current=subquery_count(
            seen(OutsideDocument).filter(status=OutsideDocumentStatus.CURRENT)
        ),
        channels=subquery_count(seen(ConcernChannel)),
        channels_open=subquery_count(seen(ConcernChannel).filter(anonymous_enabled=True)),
        concerns_total=subquery_count(concerns),
        concerns_open=subquery_count(open_concerns),
        concerns_late=subquery_count(open_concerns.filter(created_at__lt=late)),
        channels_external=subquery_count(external),
        channels_external_open=subquery_count(external.filter(anonymous_enabled=True)),
        outside_total=subquery_count(outside),
        outside_open=subquery_count(outside_open),
        outside_late=subquery_count(outside_open.filter(created_at__lt=late)),
    )
    return counts


def support_facts(*, organization: Organization, user: Any, today: datetime.date) -> dict:
    return support_facts_from(
        org_row(organization, support_counts(user=user, today=today)),
        organization=organization,
        user=user,
    )


def support_facts_from(
    row: dict[str, Any], *, organization: Organization, user: Any
) -> dict[str, Any]:
    """The support facts: the counts ``support_counts`` annotated, and the record types
    without a retention rule (one query)."""
    facts = dict(row)
    ruled = set(
        restrict(RetentionRule.objects.all(), user, Action.VIEW)
        .filter(organization=organization)
        .values_list("record_type", flat=True)
    )
    facts["unruled_types"] = [t.name for t in record_types() if t.label not in ruled]
    return facts


def _changes(facts: Facts) -> Finding:
    """6.3: changes to the AIMS are planned: proposed with their purpose and consequences,
    decided by someone other than the proposer, implemented only once approved (the
    database refuses anything else), and none left waiting past its planned date."""
    url = facts.url("policies:change_list")
    s = facts.support
    total = s.get("changes_total", 0)
    if not total:
        return Finding(
            False,
            _("No planned change to the AIMS is on record."),
            _(
                "Record the changes made to the AIMS (scope, processes, tools) with their "
                "purpose and consequences, and have each approved before it is carried out."
            ),
            url,
        )
    found = ngettext(
        "%(t)s planned change, %(i)s implemented after approval.",
        "%(t)s planned changes, %(i)s implemented after approval.",
        total,
    ) % {"t": total, "i": s.get("changes_implemented", 0)}
    todo = []
    if s.get("changes_waiting"):
        todo.append(
            ngettext(
                "Decide the proposed change whose planned date has passed.",
                "Decide the %(n)s proposed changes whose planned date has passed.",
                s["changes_waiting"],
            )
            % {"n": s["changes_waiting"]}
        )
    if s.get("changes_overdue"):
        todo.append(
            ngettext(
                "Implement the approved change past its planned date, or re-plan it.",
                "Implement the %(n)s approved changes past their planned date, or re-plan them.",
                s["changes_overdue"],
            )
            % {"n": s["changes_overdue"]}
        )
    if todo:
        return Finding(False, found, " ".join(str(t) for t in todo), url)
    return Finding(True, found, url=url)


def _resources(facts: Facts) -> Finding:
    """7.1: the resources the AIMS needs are determined, each with a review date, none past it."""
    url = facts.url("policies:resource_list")
    s = facts.support
    total = s.get("resources_total", 0)
    if not total:
        return Finding(
            False,
            _("No resources for the AIMS are recorded."),
            _("Record what the AIMS needs: people's time, budget, tooling, compute, expertise."),
            url,
        )
    found = ngettext(
        "%(t)s resource recorded, %(c)s committed.",
        "%(t)s resources recorded, %(c)s committed.",
        total,
    ) % {"t": total, "c": s.get("resources_committed", 0)}
    todo = []
    if s.get("resources_overdue"):
        todo.append(
            ngettext(
                "Review the resource past its review date.",
                "Review the %(n)s resources past their review date.",
                s["resources_overdue"],
            )
            % {"n": s["resources_overdue"]}
        )
    if s.get("resources_undated"):
        todo.append(
            ngettext(
                "Give a review date to the resource that has none.",
                "Give review dates to the %(n)s resources that have none.",
                s["resources_undated"],
            )
            % {"n": s["resources_undated"]}
        )
    if todo:
        return Finding(
            False,
            found,
            " ".join(str(t) for t in todo),
            f"{url}?review_overdue=true" if url and s.get("resources_overdue") else url,
        )
    return Finding(True, found, url=url)


def _documented_information(facts: Facts) -> Finding:
    """7.5.3: every kind of documented information the product keeps has a retention period
    and a disposal method, and the register of documents kept elsewhere is in use."""
    url = facts.url("policies:document_register")
    s = facts.support
    missing = s.get("unruled_types", [])
    todo = []
    if missing:
        todo.append(
            _("Set the retention period and disposal of: %(kinds)s.")
            % {"kinds": ", ".join(missing)}
        )
    if not s.get("outside_current", 0):
        todo.append(
            _(
                "List the documented information kept outside the product (contracts, "
                "technical files, HR records) in the register."
            )
        )
    if todo:
        found = (
            ngettext(
                "%(n)s kind of record has no retention rule.",
                "%(n)s kinds of record have no retention rule.",
                len(missing),
            )
            % {"n": len(missing)}
            if missing
            else _("Every kind of record the product keeps has a retention rule.")
        )
        if not s.get("outside_current", 0):
            found = f"{found} {_('No outside document is registered.')}"
        return Finding(False, found, " ".join(str(t) for t in todo), url)
    return Finding(
        True,
        ngettext(
            "Retention and disposal set for every kind of record; %(n)s outside document registered.",
            "Retention and disposal set for every kind of record; %(n)s outside documents registered.",
            s["outside_current"],
        )
        % {"n": s["outside_current"]},
        url=url,
    )


def _concerns(facts: Facts) -> Finding:
    """A.3.3: a way to report concerns is set up (a reporting link, open or not, records the
    officer's decision) and concerns are handled: none open longer than the handling time."""
    url = facts.url("policies:concern_list")
    s = facts.support
    if not s.get("channels", 0):
        return Finding(
            False,
            _("No reporting channel for concerns is set up."),
            _(
                "Set up the reporting channel: decide whether people without an account may "
                "report anonymously through a secret link, and who handles concerns."
            ),
            url,
        )
    late = s.get("concerns_late", 0)
    found = ngettext(
        "%(t)s concern received, %(o)s open.",
        "%(t)s concerns received, %(o)s open.",
        s.get("concerns_total", 0),
    ) % {"t": s.get("concerns_total", 0), "o": s.get("concerns_open", 0)}
    if late:
        return Finding(
            False,
            found,
            ngettext(
                "Handle the concern open for more than %(d)s days.",
                "Handle the %(n)s concerns open for more than %(d)s days.",
                late,
            )
            % {"n": late, "d": CONCERN_HANDLING_DAYS},
            f"{url}?open=true" if url else url,
        )
    return Finding(True, found, url=url)


def _external_reporting(facts: Facts) -> Finding:
    """A.8.3: people outside the organisation (customers, users, affected people, the
    public) can report adverse impacts: an external reporting link is switched on, and its
    reports are handled, none open longer than the handling time that A.3.3 uses."""
    url = facts.url("policies:concern_list")
    s = facts.support
    channels = s.get("channels_external", 0)
    open_channels = s.get("channels_external_open", 0)
    if not channels:
        return Finding(
            False,
            _("No reporting channel is open to people outside the organisation."),
            _(
                "Add a reporting link for people outside the organisation (customers, users "
                "of the AI systems, people affected by them, the public), switch it on and "
                "publish it where they will find it."
            ),
            facts.url("policies:concern_channel_add") or url,
        )
    if not open_channels:
        return Finding(
            False,
            ngettext(
                "%(n)s reporting channel is meant for people outside the organisation, but "
                "its link is switched off.",
                "%(n)s reporting channels are meant for people outside the organisation, but "
                "their links are switched off.",
                channels,
            )
            % {"n": channels},
            _("Switch on the link of the external channel, so that reports can come in."),
            url,
        )
    total = s.get("outside_total", 0)
    links = ngettext(
        "%(c)s external reporting link switched on;",
        "%(c)s external reporting links switched on;",
        open_channels,
    ) % {"c": open_channels}
    reports = ngettext(
        "%(t)s report from outside, %(o)s open.",
        "%(t)s reports from outside, %(o)s open.",
        total,
    ) % {"t": total, "o": s.get("outside_open", 0)}
    found = f"{links} {reports}"
    late = s.get("outside_late", 0)
    if late:
        return Finding(
            False,
            found,
            ngettext(
                "Handle the report from outside open for more than %(d)s days.",
                "Handle the %(n)s reports from outside open for more than %(d)s days.",
                late,
            )
            % {"n": late, "d": CONCERN_HANDLING_DAYS},
            f"{url}?open=true&from_outside=true" if url else url,
        )
    return Finding(True, found, url=url)
