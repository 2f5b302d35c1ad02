"""AIMS processes, roles and competence (4.4, 5.3, 7.2, A.3.2, A.4.6)."""

from __future__ import annotations

import datetime
from typing import Any

from django.db.models import Exists, OuterRef
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from aims.core.permissions import Action, restrict
from aims.core.queries import subquery_count
from aims.organizations.models import Organization
from policies.models import AIMSProcess, AIMSRole, CompetenceRequirement, RACIAssignment
from policies.services.roles import CompetenceGaps, competence_gaps
from readiness.findings import Finding
from readiness.rules.facts import Facts, org_row


def _processes(facts: Facts) -> Finding:
    """4.4: the AIMS processes are recorded, each with an owner."""
    url = facts.url("policies:process_list")
    counts = facts.aims_roles
    total, unowned = counts.get("processes_total", 0), counts.get("processes_unowned", 0)
    if not total:
        return Finding(
            False,
            _("No AIMS processes recorded."),
            _("Record the processes the AIMS runs, how they work together and who owns each."),
            url,
        )
    if unowned:
        return Finding(
            False,
            ngettext(
                "%(n)s of %(t)s AIMS processes has no owner.",
                "%(n)s of %(t)s AIMS processes have no owner.",
                unowned,
            )
            % {"n": unowned, "t": total},
            _("Give each process an owner who answers for it."),
            url and f"{url}?has_owner=false",
        )
    return Finding(
        True,
        ngettext(
            "%(t)s AIMS process recorded, with its owner.",
            "%(t)s AIMS processes recorded, each with an owner.",
            total,
        )
        % {"t": total},
        url=url,
    )


def _roles(facts: Facts) -> Finding:
    """5.3 (and A.3.2): roles with their responsibilities (required on every role) and the
    people in them; each process with exactly one accountable role in the RACI."""
    url = facts.url("policies:role_list")
    counts = facts.aims_roles
    total, unstaffed = counts.get("roles_total", 0), counts.get("roles_unstaffed", 0)
    processes = counts.get("processes_total", 0)
    no_accountable = counts.get("processes_no_accountable", 0)
    if not total:
        return Finding(
            False,
            _("No AIMS roles recorded."),
            _("Record the AIMS roles with their responsibilities and authorities."),
            url,
        )
    todo = []
    if unstaffed:
        todo.append(
            ngettext(
                "Assign people to the role that has nobody.",
                "Assign people to the %(n)s roles that have nobody.",
                unstaffed,
            )
            % {"n": unstaffed}
        )
    if not processes:
        todo.append(_("Record the AIMS processes so the RACI matrix can say who answers for each."))
    elif no_accountable:
        todo.append(
            ngettext(
                "Name the accountable role of the process that has none in the RACI matrix.",
                "Name the accountable role of the %(n)s processes that have none in the RACI matrix.",
                no_accountable,
            )
            % {"n": no_accountable}
        )
    found = ngettext(
        "%(t)s AIMS role, %(u)s without people; %(a)s of %(p)s processes without an accountable role.",
        "%(t)s AIMS roles, %(u)s without people; %(a)s of %(p)s processes without an accountable role.",
        total,
    ) % {"t": total, "u": unstaffed, "a": no_accountable, "p": processes}
    if todo:
        raci = facts.url("policies:raci")
        return Finding(False, found, " ".join(str(t) for t in todo), raci if processes else url)
    return Finding(
        True,
        ngettext(
            "%(t)s AIMS role with people assigned; each of %(p)s processes has one accountable role.",
            "%(t)s AIMS roles with people assigned; each of %(p)s processes has one accountable role.",
            total,
        )
        % {"t": total, "p": processes},
        url=facts.url("policies:raci") or url,
    )


def _competence(facts: Facts) -> Finding:
    """7.2 (and A.4.6): requirements set for every role that has people, and every person
    in a role holding a current record for each of them (none missing, none expired)."""
    url = facts.url("policies:competence")
    counts = facts.aims_roles
    staffed = counts.get("roles_staffed", 0)
    without = counts.get("roles_without_requirements", 0)
    if not staffed:
        return Finding(
            False,
            _("No AIMS role has people in it yet, so no competence can be checked."),
            _("Assign people to the AIMS roles, then say what each role requires."),
            facts.url("policies:role_list") or url,
        )
    gaps = facts.competence
    missing, expired = len(gaps.missing), len(gaps.expired)
    todo = []
    if without:
        todo.append(
            ngettext(
                "Define the competence the role with people but no requirements needs.",
                "Define the competence the %(n)s roles with people but no requirements need.",
                without,
            )
            % {"n": without}
        )
    if missing:
        todo.append(
            ngettext(
                "Record the training or qualification that is missing (%(n)s gap).",
                "Record the training or qualifications that are missing (%(n)s gaps).",
                missing,
            )
            % {"n": missing}
        )
    if expired:
        todo.append(
            ngettext(
                "Renew the expired record (%(n)s).",
                "Renew the %(n)s expired records.",
                expired,
            )
            % {"n": expired}
        )
    checks = len(gaps.cells)
    if todo:
        found = _(
            "%(checks)s person × requirement checks: %(m)s missing, %(e)s expired; "
            "%(w)s role(s) with people but no requirements."
        ) % {"checks": checks, "m": missing, "e": expired, "w": without}
        return Finding(False, found, " ".join(str(t) for t in todo), url)
    return Finding(
        True,
        ngettext(
            "Every person in a role holds a current record for its requirements (%(n)s check).",
            "Every person in a role holds a current record for its requirements (%(n)s checks).",
            checks,
        )
        % {"n": checks},
        url=url,
    )


def roles_counts(*, user: Any) -> dict[str, Any]:
    """4.4, 5.3: the counts of processes, roles and the RACI, as ``user`` may see them:
    annotations of the organisation row ``readiness_facts`` reads."""
    org = OuterRef("pk")
    processes = restrict(AIMSProcess.objects.all(), user, Action.VIEW).filter(organization=org)
    accountable = RACIAssignment.objects.filter(process=OuterRef("pk"), responsibility="A")
    roles = restrict(AIMSRole.objects.all(), user, Action.VIEW).filter(organization=org)
    people = AIMSRole.members.through.objects.filter(
        aimsrole_id=OuterRef("pk"), user__is_active=True
    )
    requirements = restrict(CompetenceRequirement.objects.all(), user, Action.VIEW)
    staffed = roles.filter(Exists(people))
    return {
        "processes_total": subquery_count(processes),
        "processes_unowned": subquery_count(processes.filter(owner__isnull=True)),
        "processes_no_accountable": subquery_count(processes.filter(~Exists(accountable))),
        "roles_total": subquery_count(roles),
        "roles_unstaffed": subquery_count(roles.filter(~Exists(people))),
        "roles_staffed": subquery_count(staffed),
        "roles_without_requirements": subquery_count(
            staffed.filter(~Exists(requirements.filter(role=OuterRef("pk"))))
        ),
        "requirements_total": subquery_count(requirements.filter(organization=org)),
    }


def _roles_facts(
    *, organization: Organization, user: Any, today: datetime.date
) -> tuple[dict[str, int], CompetenceGaps]:
    """4.4, 5.3, 7.2 on their own: the counts and the competence checks."""
    return (
        org_row(organization, roles_counts(user=user)),
        competence_gaps(organization=organization, user=user, today=today),
    )
