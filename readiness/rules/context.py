"""Context of the organisation (4.1, 4.2, 4.3): issues, interested parties, the scope."""

from __future__ import annotations

import datetime
from typing import Any

from django.db.models import OuterRef
from django.utils.formats import date_format
from django.utils.timezone import localtime
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from aims.core.permissions import Action, restrict
from aims.core.queries import subquery_count, subquery_first
from aims.core.views import record_url
from aims.organizations.models import (
    ClimateDecision,
    ContextIssue,
    ContextSide,
    InterestedParty,
    IssueCategory,
    IssueStatus,
    Organization,
    PartyRequirement,
)
from readiness.findings import Finding
from readiness.rules.facts import ContextFacts, Facts, org_row


def _scope_names(facts: Facts, links: str) -> int | None:
    """How many register entries of ``links`` the approved scope names (None: no approved
    scope). Read from the links frozen at approval, so it costs no query."""
    if facts.scope is None:
        return None
    return len(facts.scope.linked(links))


def _issues(facts: Facts) -> Finding:
    """4.1: internal and external issues are on record, none is past its review date, the
    decision on climate change is recorded, and the approved scope considers the issues."""
    c = facts.context
    url = facts.url("organizations:issue_list")
    gaps, todos = [], []
    if not c.issues_internal and not c.issues_external:
        gaps.append(_("No internal or external issues are recorded."))
        todos.append(
            _("Record the issues inside and outside the organisation that bear on the AIMS.")
        )
    elif not c.issues_internal or not c.issues_external:
        gaps.append(
            _("No internal issue is recorded.")
            if not c.issues_internal
            else _("No external issue is recorded.")
        )
        todos.append(_("Record the missing side: both internal and external issues count."))
    if c.issues_overdue:
        gaps.append(
            ngettext(
                "%(n)s issue is past its review date.",
                "%(n)s issues are past their review date.",
                c.issues_overdue,
            )
            % {"n": c.issues_overdue}
        )
        todos.append(_("Review the overdue issues and set their next review date."))
        url = f"{url}?review_overdue=true" if url else url
    if c.climate_pk is None:
        gaps.append(_("Whether climate change is a relevant issue is not decided."))
        todos.append(_("Record the decision on climate change, with its reasoning."))
    named = _scope_names(facts, "issues")
    if (c.issues_internal or c.issues_external) and not named:
        gaps.append(
            _("No approved scope considers the issues yet.")
            if named is None
            else _("The approved scope (v%(n)s) names none of the issues.")
            % {"n": facts.scope.number}
        )
        todos.append(_("Name the issues the scope takes into account in its next version."))
    if gaps:
        return Finding(False, " ".join(gaps), " ".join(todos), url)
    climate = _("relevant") if c.climate_relevant else _("not relevant")
    return Finding(
        True,
        _(
            "%(internal)s internal and %(external)s external issues on record, none overdue "
            "for review; climate change decided %(climate)s on %(day)s; the approved scope "
            "(v%(v)s) considers %(named)s of them."
        )
        % {
            "internal": c.issues_internal,
            "external": c.issues_external,
            "climate": climate,
            "day": date_format(c.climate_decided_on, "j M Y"),
            "v": facts.scope.number,
            "named": named,
        },
        url=url,
    )


def _parties(facts: Facts) -> Finding:
    """4.2: interested parties are on record, each with its requirements, each requirement
    with a decision on whether the AIMS addresses it, and the approved scope considers them."""
    c = facts.context
    url = facts.url("organizations:party_list")
    if not c.parties:
        return Finding(
            False,
            _("No interested parties are recorded."),
            _("Record the interested parties and what each of them requires."),
            url,
        )
    gaps, todos = [], []
    if c.parties_without_requirements:
        gaps.append(
            ngettext(
                "%(n)s interested party has no requirement recorded.",
                "%(n)s interested parties have no requirement recorded.",
                c.parties_without_requirements,
            )
            % {"n": c.parties_without_requirements}
        )
        todos.append(_("Record what each party requires, or remove parties that do not matter."))
    if c.requirements_undecided:
        gaps.append(
            ngettext(
                "%(n)s requirement has no decision on whether the AIMS addresses it.",
                "%(n)s requirements have no decision on whether the AIMS addresses them.",
                c.requirements_undecided,
            )
            % {"n": c.requirements_undecided}
        )
        todos.append(_("Decide for each requirement whether the AIMS takes it on, and say how."))
        url = f"{url}?undecided=true" if url else url
    named = _scope_names(facts, "parties")
    if not named:
        gaps.append(
            _("No approved scope considers the interested parties yet.")
            if named is None
            else _("The approved scope (v%(n)s) names none of the interested parties.")
            % {"n": facts.scope.number}
        )
        todos.append(_("Name the parties the scope takes into account in its next version."))
    if gaps:
        return Finding(False, " ".join(gaps), " ".join(todos), url)
    return Finding(
        True,
        ngettext(
            "%(n)s interested party on record",
            "%(n)s interested parties on record",
            c.parties,
        )
        % {"n": c.parties}
        + ngettext(
            " with %(r)s requirement, decided;",
            " with %(r)s requirements, each decided;",
            c.requirements,
        )
        % {"r": c.requirements}
        + " "
        + _("the approved scope (v%(v)s) considers %(named)s of them.")
        % {"v": facts.scope.number, "named": named},
        url=url,
    )


def context_counts(*, user: Any, today: datetime.date) -> dict[str, Any]:
    """The context registers' counts and the climate decision in force, over the records
    ``user`` may see: annotations of the organisation row ``readiness_facts`` reads."""
    org = OuterRef("pk")
    issues = (
        restrict(ContextIssue.objects.all(), user, Action.VIEW)
        .filter(organization=org)
        .exclude(status=IssueStatus.CLOSED)
    )
    parties = restrict(InterestedParty.objects.all(), user, Action.VIEW).filter(organization=org)
    requirements = restrict(PartyRequirement.objects.all(), user, Action.VIEW).filter(
        party__organization=org
    )
    climate = (
        restrict(ClimateDecision.objects.all(), user, Action.VIEW)
        .filter(organization=org)
        .order_by("-decided_on", "-pk")
    )
    return dict(
        issues_internal=subquery_count(issues.filter(kind=ContextSide.INTERNAL)),
        issues_external=subquery_count(issues.filter(kind=ContextSide.EXTERNAL)),
        issues_overdue=subquery_count(issues.filter(next_review_date__lt=today)),
        issues_environmental=subquery_count(issues.filter(category=IssueCategory.ENVIRONMENTAL)),
        climate_pk=subquery_first(climate, "pk"),
        climate_relevant=subquery_first(climate, "relevant"),
        climate_decided_on=subquery_first(climate, "decided_on"),
        parties_total=subquery_count(parties),
        parties_bare=subquery_count(parties.filter(requirements__isnull=True)),
        requirements_total=subquery_count(requirements),
        requirements_undecided=subquery_count(requirements.filter(addressed="")),
    )


def context_facts(*, organization: Organization, user: Any, today: datetime.date) -> ContextFacts:
    return context_facts_from(org_row(organization, context_counts(user=user, today=today)))


def context_facts_from(row: dict[str, Any]) -> ContextFacts:
    """``ContextFacts`` from the values ``context_counts`` annotated."""
    return ContextFacts(
        issues_internal=row["issues_internal"],
        issues_external=row["issues_external"],
        issues_overdue=row["issues_overdue"],
        issues_environmental=row["issues_environmental"],
        climate_pk=row["climate_pk"],
        climate_relevant=row["climate_relevant"],
        climate_decided_on=row["climate_decided_on"],
        parties=row["parties_total"],
        parties_without_requirements=row["parties_bare"],
        requirements=row["requirements_total"],
        requirements_undecided=row["requirements_undecided"],
    )


def _scope(facts: Facts) -> Finding:
    url = facts.url("organizations:scope")
    if facts.scope is None:
        return Finding(
            False,
            _("No approved scope statement yet."),
            _("Draft the AIMS scope statement and have it approved."),
            url,
        )
    return Finding(
        True,
        _("Scope statement v%(n)s approved on %(d)s.")
        % {"n": facts.scope.number, "d": date_format(localtime(facts.scope.approved_at), "j M Y")},
        url=record_url(facts.scope) or url,
    )
