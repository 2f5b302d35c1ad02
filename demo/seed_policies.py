"""Demo AI objectives with their KPI values and the communication plan, policies adopted
from the starter documents, and AIMS processes, roles, RACI and competence."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from django.utils import timezone

from aims.core.changelog import change_context
from aims.core.documents import document_approve, document_submit
from aims.core.models import ChangeSource
from aims.organizations.models import Organization
from controls.models import Requirement
from demo.seed_common import SeedRun, _days
from policies.kpis import add_months, period_start
from policies.models import (
    AIMSProcess,
    AIMSRole,
    AIObjective,
    CommunicationItem,
    CompetenceRequirement,
    Policy,
    RACIAssignment,
    TrainingRecord,
)
from policies.services.documents import (
    acknowledgement_acknowledge,
    policy_adopt_starter,
    policy_publish,
)
from policies.services.objectives import measurement_record
from policies.services.roles import raci_matrix, raci_save
from policies.starters import STARTERS_BY_KEY


def seed_objectives(
    *, org: Organization, spec: dict[str, Any], role_holders: dict[str, str], run: SeedRun
) -> None:
    """AI objectives, set up by the officer, with a year of monthly KPI values (each covering
    the last day of one of the twelve months before this one, recorded through the service as
    the person who entered them), and the communication plan. Each is looked up by its title
    (subject) first."""
    this_month = period_start(timezone.localdate(), "monthly")
    author = run.users[role_holders["officer"]]
    for item in spec["objectives"]:
        if AIObjective.objects.filter(organization=org, title=item["title"]).exists():
            continue
        with change_context(source=ChangeSource.IMPORT, actor=author, request_id=run.request_id):
            plan = item["plan"]
            objective = AIObjective(
                organization=org,
                title=item["title"],
                description=item["description"],
                guides=item["guides"],
                metric=item["metric"],
                unit=item["unit"],
                direction=item["direction"],
                target_value=Decimal(item["target"]),
                target_upper=Decimal(item["target_upper"]) if item["target_upper"] else None,
                at_risk_margin=Decimal(item["margin"]),
                frequency=item["frequency"],
                owner=run.users[item["owner"]],
                due_date=_days(item["due_in_days"]),
                status=item["status"],
                plan_actions=plan["actions"],
                plan_resources=plan["resources"],
                plan_responsible=plan["responsible"],
                plan_timeline=plan["timeline"],
                plan_evaluation=plan["evaluation"],
            )
            objective.full_clean()
            objective.save()
            objective.annex_c_objectives.set(
                Requirement.objects.filter(framework__code="iso42001", ref__in=item["annex_c"])
            )
        entered_by = run.users[item["entered_by"]]
        values = item["monthly_values"]
        with change_context(
            source=ChangeSource.IMPORT, actor=entered_by, request_id=run.request_id
        ):
            for index, value in enumerate(values):
                covers = add_months(this_month, index - len(values) + 1) - datetime.timedelta(
                    days=1
                )
                measurement_record(
                    objective=objective,
                    user=entered_by,
                    measured_on=covers,
                    value=Decimal(value),
                    source=item["source"],
                )
        run.created["AI objectives"] += 1
        run.created["KPI measurements"] += len(values)
    for item in spec["communication"]:
        if CommunicationItem.objects.filter(organization=org, subject=item["subject"]).exists():
            continue
        owner = run.users[item["owner"]]
        with change_context(source=ChangeSource.IMPORT, actor=owner, request_id=run.request_id):
            communication = CommunicationItem(
                organization=org,
                subject=item["subject"],
                details=item["details"],
                kind=item["kind"],
                audience=item["audience"],
                channel=item["channel"],
                frequency=item["frequency"],
                owner=owner,
                last_done=_days(item["last_done_in_days"]),
            )
            communication.full_clean()
            communication.save()
        run.created["communication plan items"] += 1


def seed_policies(*, org: Organization, specs: list[dict[str, Any]], run: SeedRun) -> None:
    """Policies adopted from the starter documents, approved, published and acknowledged
    through the services, as the people named would do it."""
    for spec in specs:
        code = STARTERS_BY_KEY[spec["starter"]].code
        if Policy.objects.filter(organization=org, code=code).exists():
            continue
        author = run.users[spec["author"]]
        with change_context(source=ChangeSource.IMPORT, actor=author, request_id=run.request_id):
            draft = policy_adopt_starter(organization=org, user=author, key=spec["starter"])
            draft.external_documents = spec["external_documents"]
            draft.change_summary = "First version, adapted from the starter document."
            draft.full_clean()
            draft.save()
            draft.aligned_with.set(
                Policy.objects.filter(
                    organization=org, code__in=spec["aligned_with"], status="approved"
                )
            )
            document_submit(version=draft, user=author)
        run.created["policies"] += 1
        if spec["approver"] is None:
            continue  # left in review
        approver = run.users[spec["approver"]]
        with change_context(source=ChangeSource.IMPORT, actor=approver, request_id=run.request_id):
            version = document_approve(version=draft, user=approver, note="Approved for use.")
        publish = spec["publish"]
        if publish is None:
            continue
        publisher = run.users[publish["by"]]
        with change_context(source=ChangeSource.IMPORT, actor=publisher, request_id=run.request_id):
            version, _asked = policy_publish(
                version=version,
                user=publisher,
                roles=publish["roles"],
                people=[run.users[e] for e in publish["people"]],
            )
        for email in publish["acknowledged"]:
            person = run.users[email]
            with change_context(
                source=ChangeSource.IMPORT, actor=person, request_id=run.request_id
            ):
                acknowledgement_acknowledge(
                    acknowledgement=version.acknowledgements.get(user=person), user=person
                )


def seed_roles(*, org: Organization, spec: dict[str, Any], run: SeedRun) -> None:
    """AIMS processes, roles, the RACI matrix (through ``raci_save``), competence
    requirements and training records, each part only while the organisation has none."""
    officer = next(
        (u for u in run.users.values() if u.memberships.filter(organization=org, role="officer")),
        None,
    )
    with change_context(source=ChangeSource.IMPORT, actor=officer, request_id=run.request_id):
        if not AIMSProcess.objects.filter(organization=org).exists():
            clauses = dict(
                Requirement.objects.filter(framework__code="iso42001", kind="clause").values_list(
                    "ref", "pk"
                )
            )
            made = {}
            for fields in spec["processes"]:
                fields = dict(fields)
                others, refs = fields.pop("interacts_with"), fields.pop("clauses")
                owner = fields.pop("owner")
                process = AIMSProcess(
                    organization=org, owner=run.users[owner] if owner else None, **fields
                )
                process.full_clean()
                process.save()
                process.clauses.set([clauses[r] for r in refs if r in clauses])
                made[process.name] = (process, others)
                run.created["AIMS processes"] += 1
            for process, others in made.values():
                process.interacts_with.set([made[name][0] for name in others])
        if not AIMSRole.objects.filter(organization=org).exists():
            made_roles = {}
            for fields in spec["roles"]:
                fields = dict(fields)
                members, reports_to = fields.pop("members"), fields.pop("reports_to")
                role = AIMSRole(organization=org, **fields)
                role.full_clean()
                role.save()
                role.members.set([run.users[email] for email in members])
                made_roles[role.name] = (role, reports_to)
                run.created["AIMS roles"] += 1
            for role, reports_to in made_roles.values():
                if reports_to:
                    role.reports_to = made_roles[reports_to][0]
                    role.full_clean()
                    role.save(update_fields=["reports_to"])
        if not RACIAssignment.objects.filter(organization=org).exists() and officer is not None:
            processes = dict(AIMSProcess.objects.filter(organization=org).values_list("name", "pk"))
            roles = dict(AIMSRole.objects.filter(organization=org).values_list("name", "pk"))
            matrix = raci_matrix(organization=org, user=officer)
            run.created["RACI cells"] += raci_save(
                organization=org,
                actor=officer,
                letters={
                    (processes[process], roles[role]): letter
                    for process, letters in spec["raci"].items()
                    for role, letter in letters.items()
                },
                fingerprint=matrix.fingerprint,
            )
        if not CompetenceRequirement.objects.filter(organization=org).exists():
            roles_by_name = {r.name: r for r in AIMSRole.objects.filter(organization=org)}
            for fields in spec["requirements"]:
                fields = dict(fields)
                requirement = CompetenceRequirement(
                    organization=org, role=roles_by_name[fields.pop("role")], **fields
                )
                requirement.full_clean()
                requirement.save()
                run.created["competence requirements"] += 1
        if not TrainingRecord.objects.filter(organization=org).exists():
            requirements = {
                (r.role.name, r.title): r
                for r in CompetenceRequirement.objects.filter(organization=org).select_related(
                    "role"
                )
            }
            for fields in spec["training"]:
                fields = dict(fields)
                meets = fields.pop("meets")
                expires = fields.pop("expires_in_days")
                record = TrainingRecord(
                    organization=org,
                    person=run.users[fields.pop("person")],
                    completed_on=_days(fields.pop("completed_in_days")),
                    expires_on=_days(expires) if expires is not None else None,
                    **fields,
                )
                record.full_clean()
                record.save()
                record.meets.set([requirements[tuple(pair)] for pair in meets])
                run.created["training records"] += 1
