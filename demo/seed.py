"""Writing the demo records (``demo/data``) through the normal saves and services.

Idempotent: every record is looked up by its natural key first (organisation slug, e-mail,
system name within the organisation, …) and only created when missing, so a second run
changes nothing. The SoA decisions fill only rows nobody has decided yet; the risk register,
evidence, the approved risk assessment and the approved SoA version are seeded only while the
organisation has none, so a demo user's own edits survive ``make run`` restarts. Everything
is written in one transaction, logged with source "import" and the demo person who would
have done it.

Each step adds what it created to the run's tally (what → how many), which ``seed_demo``
returns for the command's summary.
"""

from __future__ import annotations

import datetime
import uuid
from collections import Counter
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from aims.core.changelog import change_context
from aims.core.documents import document_approve, document_start_revision, document_submit
from aims.core.models import ChangeSource
from aims.core.permissions import forget_roles
from aims.evidence.models import EvidenceItem
from aims.evidence.services import evidence_create
from aims.inventory.models import AISystem, AISystemComponent, AISystemDataset
from aims.organizations.models import (
    ClimateDecision,
    ContextIssue,
    InterestedParty,
    Membership,
    Organization,
    PartyRequirement,
    ScopeStatement,
    User,
)
from aims.organizations.services import climate_decision_record, scope_start_draft
from audits import services as audit_services
from audits.models import (
    Audit,
    AuditChecklistLine,
    AuditProgramme,
    CorrectiveAction,
    Incident,
    IncidentCommunication,
    Nonconformity,
    years_after,
)
from controls.catalog import load_catalog
from controls.models import (
    Applicability,
    ControlImplementation,
    ImplementationStatus,
    Requirement,
    SoAVersion,
)
from controls.services import controls_ensure_for, soa_version_start
from demo.loader import DemoData
from demo.seed_reminders import seed_reminders
from demo.seed_reviews import seed_management_review
from engagements.models import Engagement, InformationRequest
from engagements.services import request_ask, request_reply
from impact_assessments.models import AffectedParty, Impact, ImpactAssessment, UseThresholds
from impact_assessments.services import (
    assessment_start,
    assessment_submit,
    classification_record,
    impact_create_risk,
    thresholds_decide,
)
from policies.documented import record_types
from policies.kpis import add_months, period_start
from policies.models import (
    AIMSProcess,
    AIMSResource,
    AIMSRole,
    AIObjective,
    CommunicationItem,
    CompetenceRequirement,
    Concern,
    ConcernChannel,
    OutsideDocument,
    PlannedChange,
    Policy,
    RACIAssignment,
    RetentionRule,
    TrainingRecord,
)
from policies.services.documents import (
    acknowledgement_acknowledge,
    policy_adopt_starter,
    policy_publish,
)
from policies.services.objectives import measurement_record
from policies.services.roles import raci_matrix, raci_save
from policies.services.support import (
    concern_close,
    concern_raise,
    concern_review,
    planned_change_approve,
)
from policies.starters import STARTERS_BY_KEY
from risks.models import (
    ActionStatus,
    Risk,
    RiskAssessment,
    RiskCriteria,
    RiskKind,
    TreatmentAction,
)
from risks.services import (
    risk_accept,
    risk_assessment_approve,
    risk_criteria_current,
    risk_criteria_revise,
    risk_initial_from_library,
)

Systems = dict[str, dict[str, AISystem]]  # organisation slug → system name → system


@dataclass(frozen=True)
class SeedRun:
    """What the per-organisation steps share."""

    users: dict[str, User]  # by e-mail
    request_id: str  # on every change-log entry of the run
    created: Counter[str]  # what → how many, for the summary


def _days(n: int) -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=n)


def seed_demo(*, data: DemoData) -> Counter[str]:
    """Seed everything in ``data``; returns what was created (empty on a second run)."""
    created: Counter[str] = Counter()
    request_id = f"seed-demo-{uuid.uuid4().hex[:12]}"
    with (
        transaction.atomic(),
        change_context(source=ChangeSource.IMPORT, request_id=request_id),
    ):
        seed_catalog(created=created)
        orgs = seed_organizations(data=data, created=created)
        users = seed_users(data=data, orgs=orgs, created=created)
        systems = seed_systems(data=data, orgs=orgs, users=users, created=created)
        seed_auditor_engagements(data=data, orgs=orgs, users=users, systems=systems)
        run = SeedRun(users=users, request_id=request_id, created=created)
        for slug, org in orgs.items():
            role_holders = data.role_holders.get(slug, {})
            seed_classifications(
                specs=data.classifications.get(slug, []), systems=systems[slug], run=run
            )
            if slug in data.context:
                seed_context(org=org, spec=data.context[slug], run=run)
            if slug in data.scope:
                seed_scope(org=org, spec=data.scope[slug], systems=systems[slug], run=run)
            seed_controls(org=org, spec=data.controls.get(slug), role_holders=role_holders, run=run)
            if slug in data.risks:
                seed_risks(
                    org=org,
                    spec=data.risks[slug],
                    systems=systems[slug],
                    role_holders=role_holders,
                    run=run,
                )
            if slug in data.evidence:
                seed_evidence(
                    org=org, specs=data.evidence[slug], role_holders=role_holders, run=run
                )
            if "assessment" in data.risks.get(slug, {}):
                seed_risk_assessment(
                    org=org,
                    spec=data.risks[slug]["assessment"],
                    participants=list(role_holders.values()),
                    systems=systems[slug],
                    run=run,
                )
            if slug in data.controls:
                seed_soa_version(org=org, spec=data.controls[slug]["soa_version"], run=run)
            if slug in data.objectives:
                seed_objectives(
                    org=org, spec=data.objectives[slug], role_holders=role_holders, run=run
                )
        for slug, org in orgs.items():
            if slug in data.impact_thresholds:
                seed_impact_thresholds(org=org, spec=data.impact_thresholds[slug], run=run)
            seed_impact_assessments(
                org=org, specs=data.impact_assessments.get(slug, []), systems=systems[slug], run=run
            )
        for slug, org in orgs.items():
            seed_incidents(
                org=org, specs=data.incidents.get(slug, []), systems=systems[slug], run=run
            )
            if slug in data.support:
                seed_support(org=org, spec=data.support[slug], systems=systems[slug], run=run)
            seed_policies(org=org, specs=data.policies.get(slug, []), run=run)
            if slug in data.roles:
                seed_roles(org=org, spec=data.roles[slug], run=run)
            if slug in data.audits:
                seed_audit_programme(
                    org=org, spec=data.audits[slug], systems=systems[slug], run=run
                )
        # Last: an answer attaches evidence the steps above recorded.
        seed_information_requests(data=data, orgs=orgs, systems=systems, run=run)
        # After everything: the review's agenda is assembled from all the registers.
        for slug, org in orgs.items():
            if slug in data.reviews:
                seed_management_review(org=org, spec=data.reviews[slug], run=run)
        # Last of all: the reminders of what the demo records have falling due.
        seed_reminders(orgs=orgs, run=run)
    return created


# --- People and systems ----------------------------------------------------------------------


def seed_catalog(*, created: Counter[str]) -> None:
    if not Requirement.objects.exists():
        report = load_catalog()
        created["catalog requirements"] += report.requirements


def seed_organizations(*, data: DemoData, created: Counter[str]) -> dict[str, Organization]:
    orgs = {}
    for slug, fields in data.organizations.items():
        orgs[slug], was_created = Organization.objects.get_or_create(slug=slug, defaults=fields)
        if was_created:
            created["organisations"] += 1
    return orgs


def seed_users(
    *, data: DemoData, orgs: dict[str, Organization], created: Counter[str]
) -> dict[str, User]:
    users: dict[str, User] = {}
    for spec in data.users:
        user = User.objects.filter(email=spec.email).first()
        if user is None:
            make = User.objects.create_superuser if spec.superuser else User.objects.create_user
            user = make(
                email=spec.email,
                password=data.password,
                full_name=spec.full_name,
                job_title=spec.job_title,
            )
            created["users"] += 1
        for slug, role in spec.memberships:
            # Auditors' memberships have no window: their engagements decide when they see.
            _membership, was_created = Membership.objects.get_or_create(
                organization=orgs[slug], user=user, defaults={"role": role}
            )
            if was_created:
                created["memberships"] += 1
        forget_roles(user)
        users[spec.email] = user
    return users


def seed_systems(
    *,
    data: DemoData,
    orgs: dict[str, Organization],
    users: dict[str, User],
    created: Counter[str],
) -> Systems:
    systems: Systems = {slug: {} for slug in orgs}
    for slug, specs in data.systems.items():
        for spec in specs:
            fields = dict(spec)
            datasets, components = fields.pop("datasets"), fields.pop("components")
            name = fields.pop("name")
            fields["owner"] = users[fields["owner"]]
            fields["next_review_date"] = _days(fields.pop("review_in_days"))
            system = AISystem.objects.filter(organization=orgs[slug], name=name).first()
            if system is None:
                # Checked as a form would check it: the roles are a set of known roles.
                system = AISystem(organization=orgs[slug], name=name, **fields)
                system.full_clean()
                system.save()
                created["AI systems"] += 1
            for dataset in datasets:
                dataset = dict(dataset)
                _dataset, was_created = AISystemDataset.objects.get_or_create(
                    ai_system=system, name=dataset.pop("name"), defaults=dataset
                )
                if was_created:
                    created["data sets"] += 1
            for component in components:
                component = dict(component)
                _component, was_created = AISystemComponent.objects.get_or_create(
                    ai_system=system,
                    name=component.pop("name"),
                    component_version=component.pop("component_version", ""),
                    defaults=component,
                )
                if was_created:
                    created["components"] += 1
            systems[slug][name] = system
    return systems


def seed_auditor_engagements(
    *, data: DemoData, orgs: dict[str, Organization], users: dict[str, User], systems: Systems
) -> None:
    """The auditors' engagements: what each auditor sees follows from its scope."""
    for spec in data.auditor_engagements:
        engagement, was_created = Engagement.objects.get_or_create(
            organization=orgs[spec.organization],
            name=spec.name,
            defaults={
                "body": spec.body,
                "body_name": spec.body_name,
                "stage": spec.stage,
                "starts_on": _days(spec.valid_from_in_days),
                "ends_on": _days(spec.valid_until_in_days),
                "whole_aims": spec.whole_aims,
            },
        )
        if was_created:
            engagement.auditors.add(*(users[email] for email in spec.auditors))
            engagement.ai_systems.set([systems[spec.organization][name] for name in spec.systems])
        for email in spec.auditors:
            forget_roles(users[email])


def seed_impact_thresholds(*, org: Organization, spec: dict[str, Any], run: SeedRun) -> None:
    """The organisation's decision on its thresholds for sensitive and restricted uses."""
    if UseThresholds.objects.filter(organization=org).exists():
        return
    officer = run.users[spec["decided_by"]]
    with change_context(source=ChangeSource.IMPORT, actor=officer, request_id=run.request_id):
        thresholds_decide(
            thresholds=UseThresholds(organization=org, **spec["thresholds"]), actor=officer
        )
    run.created["impact thresholds"] += 1


def seed_impact_assessments(
    *, org: Organization, specs: list[dict[str, Any]], systems: dict[str, AISystem], run: SeedRun
) -> None:
    """Impact assessments written, reviewed and approved through the services; a harm of one
    becomes a risk the way a user would make it one."""
    for spec in specs:
        system = systems[spec["system"]]
        if ImpactAssessment.objects.filter(ai_system=system, kind=spec["kind"]).exists():
            continue
        author = run.users[spec["author"]]
        with change_context(source=ChangeSource.IMPORT, actor=author, request_id=run.request_id):
            draft = assessment_start(ai_system=system, actor=author, kind=spec["kind"])
            for field, value in spec["sections"].items():
                setattr(draft, field, value)
            draft.full_clean()
            draft.save()
            for party in spec["parties"]:
                AffectedParty.objects.create(assessment=draft, **party)
            parties = {p.name: p for p in draft.parties.all()}
            for fields in spec["impacts"]:
                fields = dict(fields)
                controls, risks = fields.pop("controls"), fields.pop("risks")
                create_risk = fields.pop("create_risk")
                impact = Impact(assessment=draft, party=parties[fields.pop("party")], **fields)
                impact.full_clean()
                impact.save()
                impact.controls.set(
                    ControlImplementation.objects.filter(
                        organization=org, requirement__ref__in=controls
                    )
                )
                impact.risks.set(Risk.objects.filter(organization=org, title__in=risks))
                if create_risk:
                    impact_create_risk(impact=impact, actor=author)
            assessment_submit(assessment=draft, actor=author)
        run.created["impact assessments"] += 1
        if spec["approver"] is None:
            continue  # left in review
        approver = run.users[spec["approver"]]
        with change_context(source=ChangeSource.IMPORT, actor=approver, request_id=run.request_id):
            document_approve(version=draft, user=approver)


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


def seed_incidents(
    *, org: Organization, specs: list[dict[str, Any]], systems: dict[str, AISystem], run: SeedRun
) -> None:
    """AI incidents with their communication, and a nonconformity raised from one (after the
    impact assessments: a severe incident flags its system's assessment for review)."""
    now = timezone.now()
    for spec in specs:
        if Incident.objects.filter(organization=org, title=spec["title"]).exists():
            continue
        owner = run.users[spec["owner"]]
        with change_context(source=ChangeSource.IMPORT, actor=owner, request_id=run.request_id):
            detected = now - datetime.timedelta(days=spec["detected_days_ago"])
            incident = Incident(
                organization=org,
                owner=owner,
                occurred_at=now - datetime.timedelta(days=spec["occurred_days_ago"]),
                detected_at=detected,
                **{
                    k: spec[k]
                    for k in (
                        "title",
                        "description",
                        "severity",
                        "status",
                        "affected_people",
                        "affected_count",
                        "containment",
                        "resolution",
                        "serious_incident",
                    )
                },
            )
            incident.full_clean()
            incident.save()
            incident.ai_systems.set([systems[name] for name in spec["systems"]])
            for message in spec["communications"]:
                done = message["status"] == "done"
                IncidentCommunication.objects.create(
                    incident=incident,
                    audience=message["audience"],
                    channel=message["channel"],
                    message=message["message"],
                    status=message["status"],
                    sent_at=now - datetime.timedelta(days=message["days_ago"]) if done else None,
                    due_on=None if done else _days(-message["days_ago"]),
                    sent_by=run.users[message["by"]] if message["by"] else None,
                )
            found = spec["nonconformity"]
            if found is not None:
                nonconformity = Nonconformity.objects.create(
                    organization=org,
                    title=found["title"],
                    description=found["description"],
                    requirement=Requirement.objects.get(
                        framework__code="iso42001", ref=found["requirement"]
                    ),
                    severity=found["severity"],
                    source="incident",
                    incident=incident,
                    found_on=detected.date(),
                    owner=owner,
                    correction=incident.containment,
                    root_cause=found["root_cause"],
                )
                nonconformity.ai_systems.set(incident.ai_systems.all())
                for step in found["actions"]:
                    CorrectiveAction.objects.create(
                        nonconformity=nonconformity,
                        description=step["description"],
                        owner=run.users[step["owner"]],
                        due_date=_days(step["due_in_days"]),
                        status=step["status"],
                    )
        run.created["incidents"] += 1


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


def seed_audit_programme(
    *, org: Organization, spec: dict[str, Any], systems: dict[str, AISystem], run: SeedRun
) -> None:
    """The three-year audit programme with its audits; the first one held: its checklist
    answered, its nonconformities raised (one closed after a verified corrective action),
    its report approved and the audit closed. Only while the organisation has none."""
    if AuditProgramme.objects.filter(organization=org).exists():
        return
    users = run.users
    clauses = {
        r.ref: r for r in Requirement.objects.filter(framework__code="iso42001", withdrawn=False)
    }
    owner = users[spec["programme"]["owner"]]
    start = _days(spec["programme"]["starts_in_days"])
    with change_context(source=ChangeSource.IMPORT, actor=owner, request_id=run.request_id):
        programme = AuditProgramme(
            organization=org,
            title=spec["programme"]["title"],
            period_start=start,
            period_end=years_after(start, 3) - datetime.timedelta(days=1),
            owner=owner,
            objectives=spec["programme"]["objectives"],
            approach=spec["programme"]["approach"],
        )
        programme.full_clean()
        programme.save()
        run.created["audit programmes"] += 1
        for audit_spec in spec["audits"]:
            planned = audit_spec["planned_in_days"]
            audit = Audit(
                organization=org,
                programme=programme,
                title=audit_spec["title"],
                planned_start=_days(planned[0]),
                planned_end=_days(planned[1]),
                lead_auditor=users[audit_spec["lead_auditor"]],
                criteria=audit_spec["criteria"],
                objectives=audit_spec["objectives"],
                plan=audit_spec["plan"],
            )
            audit.full_clean()
            audit.save()
            audit.clauses.set([clauses[r] for r in audit_spec["clauses"]])
            audit.controls.set([clauses[r] for r in audit_spec["controls"]])
            audit.ai_systems.set([systems[name] for name in audit_spec["systems"]])
            audit.auditors.set([users[e] for e in audit_spec["auditors"]])
            conflicts = audit_services.audit_scope_conflicts(audit)
            if conflicts:
                raise ValidationError(conflicts)
            run.created["internal audits"] += 1
            if "held_in_days" in audit_spec:
                _seed_held_audit(audit=audit, spec=audit_spec, run=run)


def _seed_held_audit(*, audit: Audit, spec: dict[str, Any], run: SeedRun) -> None:
    users = run.users
    lead = users[spec["lead_auditor"]]
    held = spec["held_in_days"]
    evidence = {e.title: e for e in EvidenceItem.objects.filter(organization=audit.organization)}
    with change_context(source=ChangeSource.IMPORT, actor=lead, request_id=run.request_id):
        audit = audit_services.audit_start(audit=audit, user=lead, started_on=_days(held[0]))
        audit.actual_end = _days(held[1])
        audit.save()
        for ref, answer in spec["lines"].items():
            line = AuditChecklistLine.objects.get(audit=audit, ref=ref)
            line.result, line.sampled, line.notes = (
                answer["result"],
                answer["sampled"],
                answer["notes"],
            )
            line.full_clean()
            line.save()
            line.evidence.set([evidence[t] for t in answer.get("evidence", ())])
            audit_services.checklist_line_raise(line=line, user=lead)
    for ref, action_spec in spec.get("corrective_actions", {}).items():
        nc = AuditChecklistLine.objects.get(audit=audit, ref=ref).nonconformity
        action_owner = users[action_spec["owner"]]
        with change_context(
            source=ChangeSource.IMPORT, actor=action_owner, request_id=run.request_id
        ):
            nc.root_cause = spec["root_causes"][ref]
            nc.owner = action_owner
            nc.save()
            done = "done_in_days" in action_spec
            action = CorrectiveAction(
                nonconformity=nc,
                description=action_spec["description"],
                owner=action_owner,
                status="done" if done else "planned",
                completed_on=_days(action_spec["done_in_days"]) if done else None,
                due_date=_days(action_spec["done_in_days"] if done else action_spec["due_in_days"]),
            )
            action.full_clean()
            action.save()
        if "verified_by" in action_spec:
            verifier = users[action_spec["verified_by"]]
            with change_context(
                source=ChangeSource.IMPORT, actor=verifier, request_id=run.request_id
            ):
                audit_services.nonconformity_verify(
                    nonconformity=nc,
                    user=verifier,
                    effective=True,
                    notes=action_spec["verification"],
                )
    report_spec = spec["report"]
    author, approver = users[report_spec["author"]], users[report_spec["approver"]]
    with change_context(source=ChangeSource.IMPORT, actor=author, request_id=run.request_id):
        report = audit_services.audit_report_start(
            audit=audit,
            user=author,
            summary=report_spec["summary"],
            conclusions=report_spec["conclusions"],
        )
        report = document_submit(version=report, user=author)
    with change_context(source=ChangeSource.IMPORT, actor=approver, request_id=run.request_id):
        document_approve(version=report, user=approver, note=report_spec["approval_note"])
    run.created["approved audit reports"] += 1
    if spec.get("close"):
        with change_context(source=ChangeSource.IMPORT, actor=author, request_id=run.request_id):
            audit_services.audit_close(audit=audit, user=author)


def seed_information_requests(
    *, data: DemoData, orgs: dict[str, Organization], systems: Systems, run: SeedRun
) -> None:
    """The auditors' requests, asked and answered through the services, as in the product."""
    for spec in data.auditor_engagements:
        org = orgs[spec.organization]
        engagement = Engagement.objects.get(organization=org, name=spec.name)
        for request in spec.information_requests:
            if InformationRequest.objects.filter(
                engagement=engagement, title=request["title"]
            ).exists():
                continue
            asker = run.users[request["asked_by"]]
            forget_roles(asker)
            with change_context(source=ChangeSource.IMPORT, actor=asker, request_id=run.request_id):
                asked = request_ask(
                    engagement=engagement,
                    user=asker,
                    title=request["title"],
                    details=request["details"],
                    due_on=_days(request["due_in_days"]),
                    clause=Requirement.objects.filter(
                        framework__code="iso42001", kind="clause", ref=request["clause"]
                    ).first()
                    if request["clause"]
                    else None,
                    control=ControlImplementation.objects.filter(
                        organization=org, requirement__ref=request["control"]
                    ).first()
                    if request["control"]
                    else None,
                    ai_system=systems[spec.organization][request["ai_system"]]
                    if request["ai_system"]
                    else None,
                )
            run.created["information requests"] += 1
            answer = request["answer"]
            if answer is None:
                continue
            officer = run.users[answer["by"]]
            with change_context(
                source=ChangeSource.IMPORT, actor=officer, request_id=run.request_id
            ):
                request_reply(
                    request=asked,
                    user=officer,
                    body=answer["body"],
                    evidence=list(
                        EvidenceItem.objects.filter(organization=org, title__in=answer["evidence"])
                    ),
                )


def seed_classifications(
    *, specs: list[dict[str, Any]], systems: dict[str, AISystem], run: SeedRun
) -> None:
    """One EU AI Act reading per AI system, recorded through the service like a user's."""
    for spec in specs:
        system = systems[spec["system"]]
        if system.ai_act_classifications.exists():
            continue
        classifier = run.users[spec["classified_by"]]
        with change_context(
            source=ChangeSource.IMPORT, actor=classifier, request_id=run.request_id
        ):
            classification_record(
                ai_system=system,
                actor=classifier,
                answers=spec["answers"],
                classified_on=_days(spec["classified_in_days"]),
                notes=spec["notes"],
            )
        run.created["EU AI Act classifications"] += 1


def seed_scope(
    *,
    org: Organization,
    spec: dict[str, Any],
    systems: dict[str, AISystem],
    run: SeedRun,
) -> None:
    """An approved scope statement and a draft revision, only while the organisation has none."""
    if ScopeStatement.objects.filter(organization=org).exists():
        return
    author, approver = run.users[spec["author"]], run.users[spec["approver"]]
    with change_context(source=ChangeSource.IMPORT, actor=author, request_id=run.request_id):
        first = scope_start_draft(organization=org, actor=author)
        for field, value in spec["first_version"].items():
            setattr(first, field, value)
        first.full_clean()
        first.save()
        first.ai_systems.set([systems[name] for name in spec["first_version_systems"]])
        issues = {i.title: i for i in ContextIssue.objects.filter(organization=org)}
        parties = {p.name: p for p in InterestedParty.objects.filter(organization=org)}
        first.issues.set([issues[t] for t in spec.get("first_version_issues", [])])
        first.parties.set([parties[n] for n in spec.get("first_version_parties", [])])
        first = document_submit(version=first, user=author)
    with change_context(source=ChangeSource.IMPORT, actor=approver, request_id=run.request_id):
        first = document_approve(version=first, user=approver, note=spec["approval_note"])
    with change_context(source=ChangeSource.IMPORT, actor=author, request_id=run.request_id):
        revision = document_start_revision(version=first, user=author)
        for field, value in spec["revision"].items():
            setattr(revision, field, value)
        revision.full_clean()
        revision.save()
        revision.ai_systems.add(*(systems[name] for name in spec["revision_adds_systems"]))
        revision.issues.add(*(issues[t] for t in spec.get("revision_adds_issues", [])))
    run.created["scope statement versions"] += 2


def seed_context(*, org: Organization, spec: dict[str, Any], run: SeedRun) -> None:
    """The issues, the climate decisions and the interested parties with their requirements,
    only while the organisation has none of them."""
    if (
        ContextIssue.objects.filter(organization=org).exists()
        or InterestedParty.objects.filter(organization=org).exists()
        or ClimateDecision.objects.filter(organization=org).exists()
    ):
        return
    rows = controls_ensure_for(organization=org)  # the SoA rows requirements link
    if rows:
        run.created["SoA and clause rows"] += rows
    controls = {row.ref: row for row in ControlImplementation.objects.filter(organization=org)}
    for item in spec["issues"]:
        owner = run.users[item["owner"]]
        with change_context(source=ChangeSource.IMPORT, actor=owner, request_id=run.request_id):
            issue = ContextIssue(
                organization=org,
                kind=item["kind"],
                category=item["category"],
                title=item["title"],
                description=item["description"],
                effect=item["effect"],
                owner=owner,
                status=item["status"],
                identified_on=_days(item.get("identified_in_days", 0)),
                next_review_date=_days(item["review_in_days"])
                if "review_in_days" in item
                else None,
            )
            issue.full_clean()
            issue.save()
        run.created["context issues"] += 1
    for item in spec["climate_decisions"]:
        decider = run.users[item["decided_by"]]
        with change_context(source=ChangeSource.IMPORT, actor=decider, request_id=run.request_id):
            climate_decision_record(
                organization=org,
                actor=decider,
                relevant=item["relevant"],
                reasoning=item["reasoning"],
                decided_by=decider,
                decided_on=_days(item["decided_in_days"]),
            )
        run.created["climate decisions"] += 1
    for item in spec["parties"]:
        owner = run.users[item["owner"]]
        with change_context(source=ChangeSource.IMPORT, actor=owner, request_id=run.request_id):
            party = InterestedParty(
                organization=org,
                name=item["name"],
                kind=item["kind"],
                category=item["category"],
                description=item["description"],
                owner=owner,
            )
            party.full_clean()
            party.save()
            for entry in item["requirements"]:
                requirement = PartyRequirement(
                    party=party,
                    requirement=entry["requirement"],
                    source=entry["source"],
                    addressed=entry["addressed"],
                    how=entry["how"],
                )
                requirement.full_clean()
                requirement.save()
                requirement.controls.set([controls[ref] for ref in entry.get("controls", [])])
                run.created["party requirements"] += 1
        run.created["interested parties"] += 1


# --- SoA, risks, evidence --------------------------------------------------------------------


def seed_controls(
    *,
    org: Organization,
    spec: dict[str, Any] | None,
    role_holders: dict[str, str],
    run: SeedRun,
) -> None:
    """Complete the SoA; with ``spec``, record the decisions on rows nobody has touched yet."""
    rows = controls_ensure_for(organization=org)
    if rows:
        run.created["SoA and clause rows"] += rows
    if spec is None:
        return
    decisions, not_applicable = spec["decisions"], spec["not_applicable"]
    officer = run.users[role_holders["officer"]]
    today = timezone.localdate()
    with change_context(source=ChangeSource.IMPORT, actor=officer, request_id=run.request_id):
        untouched = ControlImplementation.objects.filter(
            organization=org,
            applicability=Applicability.UNDECIDED,
            justification="",
            ref__in=[*decisions, *not_applicable],
        ).select_related("requirement")
        for control in untouched:
            if control.ref in not_applicable:
                control.applicability = Applicability.NOT_APPLICABLE
                control.justification = not_applicable[control.ref]
                control.owner = officer
            else:
                decision = decisions[control.ref]
                control.applicability = Applicability.APPLICABLE
                control.status = decision["status"]
                control.owner = run.users[role_holders[decision["owner"]]]
                control.justification = decision["justification"]
                control.implementation = decision["implementation"]
                if decision["status"] == ImplementationStatus.IMPLEMENTED:
                    control.last_reviewed = today - datetime.timedelta(days=70)
                    control.next_review_date = today + datetime.timedelta(days=295)
            control.full_clean()
            control.save()
            run.created["SoA decisions"] += 1
        for fields in spec["organisation_controls"]:
            if ControlImplementation.objects.filter(organization=org, ref=fields["ref"]).exists():
                continue
            control = ControlImplementation(
                organization=org,
                applicability=Applicability.APPLICABLE,
                status=ImplementationStatus.IMPLEMENTED,
                owner=run.users[role_holders["admin"]],
                last_reviewed=today - datetime.timedelta(days=30),
                next_review_date=today + datetime.timedelta(days=335),
                **fields,
            )
            control.full_clean()
            control.save()
            run.created["organisation-defined controls"] += 1


def seed_risks(
    *,
    org: Organization,
    spec: dict[str, Any],
    role_holders: dict[str, str],
    systems: dict[str, AISystem],
    run: SeedRun,
) -> None:
    """The organisation's register, only while it has none (users' later edits stay)."""
    if Risk.objects.filter(organization=org).exists():
        return
    author = run.users[spec["author"]]
    approver = spec.get("acceptance_approver")
    not_applicable = set(
        ControlImplementation.objects.filter(
            organization=org, applicability=Applicability.NOT_APPLICABLE
        ).values_list("pk", flat=True)
    )
    with change_context(source=ChangeSource.IMPORT, actor=author, request_id=run.request_id):
        criteria = risk_criteria_current(organization=org)
        if approver is not None and criteria.acceptance_approver_id is None:
            criteria = risk_criteria_revise(
                organization=org,
                user=run.users[approver["email"]],
                acceptance_approver=run.users[approver["email"]],
                change_summary=approver["change_summary"],
            )
            run.created["risk criteria versions"] += 1
        for risk_spec in spec["risks"]:
            _seed_risk(
                org=org,
                spec=risk_spec,
                criteria=criteria,
                not_applicable=not_applicable,
                role_holders=role_holders,
                systems=systems,
                run=run,
            )


def _seed_risk(
    *,
    org: Organization,
    spec: dict[str, Any],
    criteria: RiskCriteria,
    not_applicable: set[int],
    role_holders: dict[str, str],
    systems: dict[str, AISystem],
    run: SeedRun,
) -> None:
    try:
        initial = (
            risk_initial_from_library(organization=org, code=spec["library"])
            if spec["library"]
            else {}
        )
    except ValidationError:
        initial = {}  # the library item was renamed: keep the risk, drop its links
    inherent, residual = spec["inherent"], spec["residual"]
    scores = spec.get("consequence_scores") or {}
    risk = Risk(
        organization=org,
        criteria=criteria,
        kind=spec.get("kind", RiskKind.RISK),
        impact_organization=scores.get("organization"),
        impact_individuals=scores.get("individuals"),
        impact_society=scores.get("society"),
        consequences_society=spec.get("consequences_society", ""),
        title=spec["title"],
        description=spec["description"],
        consequences_organization=initial.get("consequences_organization", ""),
        consequences_individuals=initial.get("consequences_individuals", ""),
        inherent_likelihood=inherent["likelihood"],
        inherent_impact=inherent["impact"],
        residual_likelihood=residual["likelihood"] if residual else None,
        residual_impact=residual["impact"] if residual else None,
        existing_controls=spec["existing_controls"],
        owner=run.users[spec["owner"]],
        status=spec["status"],
        treatment_option=spec["option"],
        review_interval_months=6 if inherent["impact"] >= 4 else 12,
        next_review_date=_days(60 + 10 * len(spec["title"]) % 120),
        library_code=initial.get("library_code", ""),
    )
    risk.full_clean()
    risk.save()
    risk.ai_systems.set([systems[name] for name in spec["systems"]])
    if initial.get("risk_sources"):
        risk.risk_sources.set(initial["risk_sources"])
    if initial.get("objectives"):
        risk.objectives.set(initial["objectives"])
    controls = [pk for pk in initial.get("controls", []) if pk not in not_applicable]
    if controls:
        risk.controls.set(controls)
    run.created["risks"] += 1
    for action_spec in spec["actions"]:
        due = _days(action_spec["due_in_days"])
        action = TreatmentAction(
            risk=risk,
            title=action_spec["title"],
            owner=run.users[role_holders[action_spec["owner"]]],
            due_date=due,
            status=action_spec["status"],
            completed_on=due if action_spec["status"] == ActionStatus.DONE else None,
        )
        action.full_clean()
        action.save()
        run.created["treatment actions"] += 1
    if spec.get("accept"):
        owner = run.users[spec["owner"]]
        with change_context(source=ChangeSource.IMPORT, actor=owner, request_id=run.request_id):
            risk_accept(risk=risk, user=owner, rationale=spec["accept"], expires=_days(365))
        run.created["accepted risks"] += 1


def seed_evidence(
    *,
    org: Organization,
    specs: list[dict[str, Any]],
    role_holders: dict[str, str],
    run: SeedRun,
) -> None:
    """Evidence links, recorded by the officer, only while the organisation has no evidence."""
    if EvidenceItem.objects.filter(organization=org).exists():
        return
    officer = run.users[role_holders["officer"]]
    controls = dict(ControlImplementation.objects.filter(organization=org).values_list("ref", "pk"))
    risks = dict(Risk.objects.filter(organization=org).values_list("title", "pk"))
    clauses = dict(
        Requirement.objects.filter(
            framework__code="iso42001", kind="clause", assessable=True
        ).values_list("ref", "pk")
    )
    with change_context(source=ChangeSource.IMPORT, actor=officer, request_id=run.request_id):
        for spec in specs:
            valid_until = spec["valid_until_in_days"]
            evidence_create(
                organization=org,
                user=officer,
                title=spec["title"],
                description=spec["description"],
                kind="link",
                url=spec["url"],
                owner=run.users[spec["owner"]],
                valid_from=_days(spec["valid_from_in_days"]),
                valid_until=_days(valid_until) if valid_until is not None else None,
                links={
                    "controls": [controls[r] for r in spec["controls"] if r in controls],
                    "risks": [risks[t] for t in spec["risks"] if t in risks],
                    "clauses": [clauses[r] for r in spec["clauses"] if r in clauses],
                },
            )
            run.created["evidence links"] += 1


def seed_risk_assessment(
    *,
    org: Organization,
    spec: dict[str, Any],
    participants: list[str],
    systems: dict[str, AISystem],
    run: SeedRun,
) -> None:
    """An approved risk assessment, only while the organisation has none."""
    if RiskAssessment.objects.filter(organization=org).exists():
        return
    author, approver = run.users[spec["author"]], run.users[spec["approver"]]
    with change_context(source=ChangeSource.IMPORT, actor=author, request_id=run.request_id):
        assessment = RiskAssessment(
            organization=org,
            title=spec["title"],
            scope=spec["scope"],
            method=spec["method"],
            other_participants=spec["other_participants"],
            assessed_on=_days(spec["assessed_in_days"]),
            author=author,
        )
        assessment.full_clean()
        assessment.save()
        assessment.participants.set([run.users[email] for email in participants])
        assessment.ai_systems.set([systems[name] for name in spec.get("systems", ())])
    with change_context(source=ChangeSource.IMPORT, actor=approver, request_id=run.request_id):
        risk_assessment_approve(assessment=assessment, user=approver)
    run.created["approved risk assessments"] += 1


def seed_soa_version(
    *,
    org: Organization,
    spec: dict[str, Any],
    run: SeedRun,
) -> None:
    """An approved Statement of Applicability version, only while the organisation has none."""
    if SoAVersion.objects.filter(organization=org).exists():
        return
    author, approver = run.users[spec["author"]], run.users[spec["approver"]]
    with change_context(source=ChangeSource.IMPORT, actor=author, request_id=run.request_id):
        version = soa_version_start(
            organization=org, user=author, change_summary=spec["change_summary"]
        )
        version = document_submit(version=version, user=author)
    with change_context(source=ChangeSource.IMPORT, actor=approver, request_id=run.request_id):
        document_approve(version=version, user=approver, note=spec["approval_note"])
    run.created["approved SoA versions"] += 1


# --- Support: resources, planned changes, documented information, concerns (policies) -------


def seed_support(
    *, org: Organization, spec: dict[str, Any], systems: dict[str, AISystem], run: SeedRun
) -> None:
    """Resources, planned changes (one approved, one awaiting a decision), retention for
    every kind of record the product keeps, outside documents, the reporting channels (one
    for staff, one for people outside) and concerns raised anonymously and resolved, one
    from outside recorded as an AI incident (after the incidents are seeded). Each record
    only while the organisation has none like it, so a demo user's own records survive a
    second run."""
    users = run.users

    def acting(email: str | None):
        actor = users[email] if email else None
        return change_context(source=ChangeSource.IMPORT, actor=actor, request_id=run.request_id)

    if not AIMSResource.objects.filter(organization=org).exists():
        for item in spec["resources"]:
            with acting(item["owner"]):
                resource = AIMSResource(
                    organization=org,
                    name=item["name"],
                    kind=item["kind"],
                    description=item["description"],
                    quantity=item["quantity"],
                    owner=users[item["owner"]],
                    status=item["status"],
                    review_date=_days(item["review_in_days"]),
                )
                resource.full_clean()
                resource.save()
                resource.ai_systems.set([systems[name] for name in item["systems"]])
            run.created["AIMS resources"] += 1

    if not PlannedChange.objects.filter(organization=org).exists():
        for item in spec["changes"]:
            with acting(item["proposed_by"]):
                change = PlannedChange(
                    organization=org,
                    title=item["title"],
                    purpose=item["purpose"],
                    consequences=item["consequences"],
                    resources_needed=item["resources_needed"],
                    responsibilities=item["responsibilities"],
                    responsible=users[item["responsible"]],
                    planned_date=_days(item["planned_in_days"]),
                    proposed_by=users[item["proposed_by"]],
                )
                change.full_clean()
                change.save()
            if item["approved_by"]:
                approver = users[item["approved_by"]]
                with acting(item["approved_by"]):
                    planned_change_approve(
                        change=change, actor=approver, note=item["decision_note"]
                    )
            run.created["planned changes"] += 1

    if not RetentionRule.objects.filter(organization=org).exists():
        rules = spec["retention"]
        for kind in record_types():
            rule = rules.get(kind.label, rules["default"])
            with acting(rule.get("owner")):
                record = RetentionRule(
                    organization=org,
                    record_type=kind.label,
                    retention_months=rule["months"],
                    disposal_method=rule["disposal"],
                    owner=users[rule["owner"]] if rule.get("owner") else None,
                    notes=rule.get("notes", ""),
                )
                record.full_clean()
                record.save()
            run.created["retention rules"] += 1

    if not OutsideDocument.objects.filter(organization=org).exists():
        for item in spec["outside_documents"]:
            with acting(item["owner"]):
                document = OutsideDocument(
                    organization=org, **{**item, "owner": users[item["owner"]]}
                )
                document.full_clean()
                document.save()
            run.created["outside documents"] += 1

    for channel in spec["channels"]:
        if ConcernChannel.objects.filter(organization=org, name=channel["name"]).exists():
            continue
        with acting(channel["handler"]):
            ConcernChannel.objects.create(
                organization=org,
                name=channel["name"],
                audience=channel["audience"],
                anonymous_enabled=channel["anonymous_enabled"],
                intro=channel["intro"],
                handler=users[channel["handler"]],
            )
        run.created["concern channels"] += 1

    for item in spec["concerns"]:
        if Concern.objects.filter(organization=org, summary=item["summary"]).exists():
            continue
        # Raised through a link: no reporter, a follow-up code nobody keeps.
        with acting(None):
            concern, _code = concern_raise(
                organization=org,
                summary=item["summary"],
                description=item["description"],
                category=item["category"],
                ai_system=systems[item["system"]] if item["system"] else None,
                reporter_relationship=item.get("relationship", ""),
                reporter_contact=item.get("contact", ""),
                received_at=timezone.now()
                - datetime.timedelta(days=item.get("received_days_ago", 0)),
            )
        handler = users[item["handled_by"]]
        with acting(item["handled_by"]):
            concern_review(concern=concern, actor=handler, note=item["handling_notes"])
            if item.get("recorded_as_incident"):
                # What "Record as an AI incident" does: the incident names the concern.
                incident = Incident.objects.get(
                    organization=org, title=item["recorded_as_incident"]
                )
                incident.reported_through = concern
                incident.full_clean()
                incident.save()
            if item["resolution"]:
                concern_close(
                    concern=concern,
                    actor=handler,
                    status="resolved",
                    resolution=item["resolution"],
                    reply=item["reply"],
                )
        run.created["concerns"] += 1
