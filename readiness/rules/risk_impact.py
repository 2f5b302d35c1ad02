"""Risks and impacts: criteria, assessment and treatment (6.1.1–6.1.4, 8.1–8.4, A.5.2–A.5.5)."""

from __future__ import annotations

from django.utils.formats import date_format
from django.utils.timezone import localtime
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from aims.core.views import record_url
from controls.models import Applicability, ImplementationStatus
from readiness.findings import Finding
from readiness.rules.facts import ASSESSMENT_INTERVAL_MONTHS, Assessed, Facts


def _criteria(facts: Facts) -> Finding:
    """6.1.1: criteria in force that a person of the organisation adopted. The default 5 × 5
    the platform creates on first use is a proposal until someone saves it as theirs (saving
    records who and when, with a note of what changed and why)."""
    url = facts.url("risks:criteria")
    criteria = facts.criteria
    if criteria is None:
        return Finding(
            False,
            _("No risk criteria defined."),
            _("Define the likelihood and impact scales and the acceptance threshold."),
            url,
        )
    if criteria.created_by_id is None:
        return Finding(
            False,
            _(
                "The criteria in force (v%(n)s) are the platform's defaults: nobody in the "
                "organisation has adopted them yet."
            )
            % {"n": criteria.number},
            _(
                "Review the scales, bands and acceptance threshold, adjust them if needed and "
                "save them with a note on why they fit: that records who adopted them and when."
            ),
            url,
        )
    return Finding(
        True,
        _("Risk criteria v%(n)s adopted by %(who)s on %(d)s.")
        % {
            "n": criteria.number,
            "who": criteria.created_by.display_name,
            "d": date_format(localtime(criteria.created_at), "j M Y"),
        },
        url=url,
    )


def _risk_assessment_process(facts: Facts) -> Finding:
    url = facts.url("risks:risk_list")
    total, unassessed = facts.risks.get("total", 0), facts.risks.get("identified", 0)
    if not total:
        return Finding(
            False,
            _("The risk register is empty."),
            _("Identify the AI risks of the systems in scope and score them."),
            url,
        )
    if unassessed:
        return Finding(
            False,
            _("%(n)s of %(t)s risks are identified but not yet assessed.")
            % {"n": unassessed, "t": total},
            _("Assess the remaining risks against the criteria."),
            url,
        )
    return Finding(True, _("All %(t)s risks in the register are assessed.") % {"t": total}, url=url)


def _risk_treatment_process(facts: Facts) -> Finding:
    url = facts.url("controls:soa_version_list")
    total, untreated = facts.risks.get("total", 0), facts.risks.get("untreated", 0)
    missing = []
    if facts.soa is None:
        missing.append(_("Approve a version of the Statement of Applicability."))
    if not total:
        missing.append(_("Record risks and choose a treatment option for each."))
    elif untreated:
        missing.append(
            _("Choose a treatment option for %(n)s risk(s) that have none.") % {"n": untreated}
        )
    if missing:
        found = (
            _("SoA v%(n)s approved.") % {"n": facts.soa.number}
            if facts.soa
            else _("No approved Statement of Applicability.")
        )
        return Finding(False, found, " ".join(str(m) for m in missing), url)
    return Finding(
        True,
        _("SoA v%(n)s approved; every risk has a treatment option.") % {"n": facts.soa.number},
        url=record_url(facts.soa) or url,
    )


def _operation(facts: Facts) -> Finding:
    url = facts.url("controls:soa")
    summary = facts.soa_summary
    applicable = summary.get(Applicability.APPLICABLE, 0)
    implemented = summary.get(f"status_{ImplementationStatus.IMPLEMENTED}", 0)
    undecided = summary.get(Applicability.UNDECIDED, 0)
    if not applicable or undecided or implemented < applicable:
        todo = []
        if undecided:
            todo.append(_("Decide the applicability of %(n)s control(s).") % {"n": undecided})
        if implemented < applicable:
            todo.append(
                _("Implement %(n)s applicable control(s).") % {"n": applicable - implemented}
            )
        return Finding(
            False,
            _("%(i)s of %(a)s applicable controls implemented.")
            % {"i": implemented, "a": applicable},
            " ".join(str(t) for t in todo) or _("Decide which controls apply."),
            url,
        )
    return Finding(
        True, _("All %(a)s applicable controls are implemented.") % {"a": applicable}, url=url
    )


def _assessment_url(facts: Facts, assessed: Assessed) -> str | None:
    return facts.url("risks:assessment_detail", pk=assessed.pk)


def _assessment(facts: Facts) -> Finding:
    """8.2: an approved assessment within the interval, and every AI system named in the
    approved scope covered by a current one (an assessment naming no system covers all)."""
    url = facts.url("risks:assessment_list")
    months = ASSESSMENT_INTERVAL_MONTHS
    if not facts.assessments:
        return Finding(
            False,
            _("No approved risk assessment on record."),
            _("Run a risk assessment of the register and approve its results."),
            url,
        )
    current = facts.current_assessments
    if not current:
        latest = facts.assessments[0]
        return Finding(
            False,
            _("The latest approved risk assessment (“%(t)s”, %(d)s) is more than %(m)s months old.")
            % {"t": latest.title, "d": date_format(latest.assessed_on, "j M Y"), "m": months},
            _(
                "Assess the risks again and approve the results: assessments are repeated at least every %(m)s months."
            )
            % {"m": months},
            _assessment_url(facts, latest) or url,
        )
    in_scope = facts.systems_in_scope
    uncovered = facts.systems_without_current_assessment(set(in_scope))
    latest = current[0]
    if uncovered:
        names = ", ".join(sorted(str(in_scope[pk]) for pk in uncovered))
        return Finding(
            False,
            ngettext(
                "No current risk assessment covers %(n)s AI system in scope: %(names)s.",
                "No current risk assessment covers %(n)s AI systems in scope: %(names)s.",
                len(uncovered),
            )
            % {"n": len(uncovered), "names": names},
            _("Include these systems in a risk assessment and approve it."),
            _assessment_url(facts, latest) or url,
        )
    if facts.systems_chosen:
        covered = _("covering every AI system in this engagement")
    elif in_scope:
        covered = _("covering every AI system in the approved scope")
    else:
        covered = _("no AI system is named in an approved scope")
    return Finding(
        True,
        _("Risk assessment “%(t)s” of %(d)s approved; %(covered)s.")
        % {"t": latest.title, "d": date_format(latest.assessed_on, "j M Y"), "covered": covered},
        url=_assessment_url(facts, latest) or url,
    )


def _treatment(facts: Facts) -> Finding:
    """8.3: the plan is being carried out: actions done or on schedule (open with a due date
    still ahead), none overdue, none open without a due date."""
    url = facts.url("risks:risk_list")
    actions = facts.actions
    total, done = actions.get("total", 0), actions.get("done", 0)
    overdue, undated = actions.get("overdue", 0), actions.get("undated", 0)
    if not total:
        return Finding(
            False,
            _("No risk treatment actions recorded."),
            _("Plan treatment actions for the risks you chose to modify."),
            url,
        )
    found = ngettext(
        "%(t)s treatment action: %(d)s done, %(o)s overdue, %(u)s without a due date.",
        "%(t)s treatment actions: %(d)s done, %(o)s overdue, %(u)s without a due date.",
        total,
    ) % {
        "t": total,
        "d": done,
        "o": overdue,
        "u": undated,
    }
    if overdue or undated:
        todo = []
        if overdue:
            todo.append(
                ngettext(
                    "Complete the overdue action, or re-plan it with a new date.",
                    "Complete %(n)s overdue actions, or re-plan them with new dates.",
                    overdue,
                )
                % {"n": overdue}
            )
        if undated:
            todo.append(
                ngettext(
                    "Give a due date to the open action that has none.",
                    "Give due dates to the %(n)s open actions that have none.",
                    undated,
                )
                % {"n": undated}
            )
        return Finding(False, found, " ".join(str(t) for t in todo), url)
    return Finding(True, found, url=url)


def _impact_process(facts: Facts) -> Finding:
    """6.1.4: the impact assessment process runs: every AI system in scope has an approved
    impact assessment (an approved scope naming no system: at least one on record)."""
    url = facts.url("impact_assessments:assessment_list")
    in_scope = facts.systems_in_scope
    if not facts.impact:
        return Finding(
            False,
            _("No approved AI system impact assessment on record."),
            _("Assess the impact of each AI system in scope and approve the assessments."),
            url,
        )
    missing = sorted(str(name) for pk, name in in_scope.items() if pk not in facts.impact)
    if missing:
        return Finding(
            False,
            ngettext(
                "%(n)s AI system in scope has no approved impact assessment: %(names)s.",
                "%(n)s AI systems in scope have no approved impact assessment: %(names)s.",
                len(missing),
            )
            % {"n": len(missing), "names": ", ".join(missing)},
            _("Assess these systems and approve the assessments."),
            url,
        )
    return Finding(
        True,
        ngettext(
            "%(n)s approved impact assessment covers the AI systems in scope.",
            "%(n)s approved impact assessments cover the AI systems in scope.",
            len(facts.impact),
        )
        % {"n": len(facts.impact)},
        url=url,
    )


def _impact_current(facts: Facts) -> Finding:
    """8.4: the assessments are current: none past its review date, none flagged for review
    after a change to its system, and none missing for a system in scope."""
    process = _impact_process(facts)
    if not process.fulfilled:
        return process
    today = facts.today
    names = {pk: str(name) for pk, name in facts.systems_in_scope.items()}
    stale = []
    for system_id, (_pk, next_review, reason) in sorted(facts.impact.items()):
        name = names.get(system_id, f"#{system_id}")
        if reason:
            stale.append(_("%(name)s (%(reason)s)") % {"name": name, "reason": reason})
        elif next_review is not None and next_review < today:
            stale.append(
                _("%(name)s (review was due %(d)s)")
                % {"name": name, "d": date_format(next_review, "j M Y")}
            )
    if stale:
        return Finding(
            False,
            _("Impact assessments to repeat: %(list)s.") % {"list": "; ".join(stale)},
            _("Start a new version of each, review it and approve it."),
            process.url and f"{process.url}?review_needed=true",
        )
    return Finding(True, _("Every approved impact assessment is current."), url=process.url)


def _a5_process(facts: Facts) -> Finding:
    """A.5.2: the process is defined (the thresholds for sensitive and restricted uses are
    decided) and runs (6.1.4)."""
    process = _impact_process(facts)
    if not facts.thresholds_decided:
        return Finding(
            False,
            _("The thresholds for sensitive and restricted uses have not been decided."),
            _("Decide them on the impact assessments' thresholds page."),
            facts.url("impact_assessments:thresholds"),
        )
    return process


def _a5_reach(facts: Facts, index: int, what: str, todo: str) -> Finding:
    url = facts.url("impact_assessments:assessment_list")
    if not facts.impact:
        return Finding(False, _("No approved AI system impact assessment on record."), todo, url)
    names = {pk: str(name) for pk, name in facts.systems_in_scope.items()}
    short = sorted(
        names.get(system_id, f"#{system_id}")
        for system_id, reach in facts.impact_reach.items()
        if not reach[index]
    )
    if short:
        return Finding(
            False,
            ngettext(
                "%(n)s approved impact assessment does not consider %(what)s: %(names)s.",
                "%(n)s approved impact assessments do not consider %(what)s: %(names)s.",
                len(short),
            )
            % {"n": len(short), "what": what, "names": ", ".join(short)},
            todo,
            url,
        )
    return Finding(
        True,
        _("Every approved impact assessment considers %(what)s.") % {"what": what},
        url=url,
    )


def _a5_individuals(facts: Facts) -> Finding:
    """A.5.4: each approved assessment names the individuals or groups the system affects."""
    return _a5_reach(
        facts,
        0,
        _("individuals or groups"),
        _("In a new version, name the individuals or groups the system affects and their impacts."),
    )


def _a5_society(facts: Facts) -> Finding:
    """A.5.5: each approved assessment considers society or the environment."""
    return _a5_reach(
        facts,
        1,
        _("society or the environment"),
        _(
            "In a new version, consider the effects on society and the environment (a party "
            "of that kind, or a societal or environmental impact)."
        ),
    )
