"""``manage.py seed_demo``: one realistic demo organisation, its people and AI systems.

Idempotent: every record is looked up by its natural key first (organisation slug, e-mail,
system name within the organisation, …) and only created when missing, so a second run
changes nothing. Everything is written in one transaction and logged with source "import".

``--print-logins`` prints only the table of demo logins (``make run`` shows it on start).
"""

from __future__ import annotations

import datetime
import uuid
from collections import Counter
from dataclasses import dataclass
from typing import Any

from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone
from guardian.shortcuts import assign_perm

from aims.core.changelog import change_context
from aims.core.documents import document_approve, document_start_revision, document_submit
from aims.core.models import ChangeSource
from aims.core.permissions import Role, forget_roles
from aims.inventory.models import (
    AISystem,
    AISystemComponent,
    AISystemDataset,
    ComponentKind,
    DatasetPurpose,
    EUAIActTier,
    LifecycleStage,
    SystemStatus,
)
from aims.organizations.models import AIRole, Membership, Organization, ScopeStatement, User
from aims.organizations.services import scope_start_draft

DEMO_PASSWORD = "demo-aims-2026"

ORGANIZATIONS: dict[str, dict[str, Any]] = {
    "northwind": {
        "name": "Northwind Lending",
        "legal_name": "Northwind Lending Ltd",
        "sector": "Consumer credit",
        "country": "United Kingdom",
        "time_zone": "Europe/London",
    },
    "fjord": {
        "name": "Fjord Health Analytics",
        "legal_name": "Fjord Health Analytics AS",
        "sector": "Healthcare analytics",
        "country": "Norway",
        "time_zone": "Europe/Oslo",
    },
}


@dataclass(frozen=True)
class DemoUser:
    email: str
    full_name: str
    job_title: str
    memberships: tuple[tuple[str, str], ...] = ()  # (organisation slug, role)
    superuser: bool = False


USERS: tuple[DemoUser, ...] = (
    DemoUser(
        "operator@aims.example", "Platform Operator", "Runs the AIMS installation", superuser=True
    ),
    DemoUser(
        "admin@northwind.example", "Priya Raman", "Chief Risk Officer", (("northwind", Role.ADMIN),)
    ),
    DemoUser(
        "officer@northwind.example",
        "Tomás Keane",
        "AI Governance Lead",
        (("northwind", Role.OFFICER),),
    ),
    DemoUser(
        "contributor@northwind.example",
        "Lena Fischer",
        "Head of Credit Modelling",
        (("northwind", Role.CONTRIBUTOR),),
    ),
    DemoUser(
        "viewer@northwind.example",
        "Owen Price",
        "Risk Committee Secretary",
        (("northwind", Role.VIEWER),),
    ),
    DemoUser(
        "auditor@certifier.example",
        "Marta Novak",
        "Lead Auditor, external certification body",
        (("northwind", Role.AUDITOR),),
    ),
    DemoUser(
        "consultant@advisory.example",
        "Sam Adeyemi",
        "AI Governance Consultant",
        (("northwind", Role.OFFICER), ("fjord", Role.OFFICER)),
    ),
    DemoUser(
        "admin@fjord.example",
        "Ingrid Solberg",
        "Chief Technology Officer",
        (("fjord", Role.ADMIN),),
    ),
)

# The auditor's engagement: these systems only, for a window around the audit.
AUDITOR_EMAIL = "auditor@certifier.example"
AUDITED_SYSTEMS = ("Credit risk scoring model", "CV screening service")
AUDIT_WINDOW_DAYS = (-14, 150)  # from, until — relative to today


def _days(n: int) -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=n)


# Each system: fields, then data sets and components. ``owner`` is an e-mail from USERS;
# ``review_in_days`` sets the next review date relative to today (negative: overdue).
SYSTEMS: dict[str, list[dict[str, Any]]] = {
    "northwind": [
        {
            "name": "Credit risk scoring model",
            "reference": "NWL-AI-001",
            "description": (
                "A machine-learning model, built and maintained by our credit modelling team, that "
                "estimates the probability that an applicant for a personal loan or credit card will "
                "fall 90 days behind on payments within the first year."
            ),
            "purpose": (
                "Lend responsibly: approve applicants who can afford the credit, decline or refer those "
                "who are likely to struggle, and price the loan according to risk."
            ),
            "intended_use": (
                "Scores every new unsecured loan and card application from adults in our markets. The "
                "score, together with affordability checks and policy rules, drives an approve, refer or "
                "decline outcome. Referred and declined applications go to a credit underwriter."
            ),
            "foreseeable_misuse": (
                "Re-using the score for collections, marketing or employee vetting; applying it to "
                "small-business lending, for which it was never validated; treating a score near the "
                "cut-off as a final decision without underwriter review."
            ),
            "ai_role": AIRole.PROVIDER,
            "lifecycle_stage": LifecycleStage.OPERATION_MONITORING,
            "status": SystemStatus.ACTIVE,
            "owner": "contributor@northwind.example",
            "business_unit": "Consumer Credit",
            "users_description": (
                "Used by underwriters and the decision engine. Affects every loan and card applicant; "
                "declined applicants receive the main reasons and can ask for a human review."
            ),
            "geographies": "United Kingdom, Ireland, Germany",
            "languages": "English, German",
            "compute": (
                "Trained monthly on a managed ML platform in our cloud tenancy (London and Frankfurt "
                "regions); real-time scoring runs in the lending platform's own Kubernetes cluster."
            ),
            "human_oversight": (
                "Underwriters review every decline and every application scored within five points of "
                "the cut-off, and may override the score with a recorded reason. The model risk "
                "committee reviews drift and fairness reports monthly and can switch decisioning back to "
                "the rules-based fallback scorecard within an hour."
            ),
            "eu_ai_act_tier": EUAIActTier.HIGH_RISK,
            "review_interval_months": 6,
            "review_in_days": 75,
            "datasets": [
                {
                    "name": "Loan application history 2018–2024",
                    "purpose": DatasetPurpose.TRAINING,
                    "source": "Internal loan origination system",
                    "provenance": (
                        "About 1.2 million applications with their repayment outcomes, pseudonymised "
                        "before they reach the modelling environment. Use assessed in the data "
                        "protection impact assessment for credit decisioning."
                    ),
                    "contains_personal_data": True,
                },
                {
                    "name": "Credit bureau attributes",
                    "purpose": DatasetPurpose.PRODUCTION_INPUT,
                    "source": "Credit bureau, under the data-sharing agreement renewed in 2025",
                    "provenance": (
                        "Retrieved per application with the applicant's consent; historical pulls are "
                        "kept for model training for six years under the bureau agreement."
                    ),
                    "contains_personal_data": True,
                },
                {
                    "name": "Out-of-time validation sample 2024",
                    "purpose": DatasetPurpose.VALIDATION,
                    "source": "Held-out applications from the last two quarters of 2024",
                    "contains_personal_data": True,
                },
                {
                    "name": "Monthly score monitoring extract",
                    "purpose": DatasetPurpose.MONITORING,
                    "source": "Decision engine logs, aggregated by score band and segment",
                    "provenance": "Aggregated counts only; no individual records leave the platform.",
                    "contains_personal_data": False,
                },
            ],
            "components": [
                {
                    "name": "Gradient-boosted scoring model",
                    "kind": ComponentKind.MODEL,
                    "component_version": "4.2",
                    "notes": "Built in-house; champion since March, challenger 4.3 in shadow mode.",
                },
                {
                    "name": "Feature store",
                    "kind": ComponentKind.TOOL,
                    "notes": "Open-source feature store operated by the data platform team.",
                },
                {
                    "name": "Managed ML platform",
                    "kind": ComponentKind.SERVICE,
                    "supplier": "Stratus Cloud Ltd",
                    "is_third_party": True,
                    "notes": "Training pipelines, experiment tracking and the model registry.",
                },
                {
                    "name": "Gradient boosting library",
                    "kind": ComponentKind.LIBRARY,
                    "component_version": "2.1",
                    "supplier": "Open-source project",
                    "is_third_party": True,
                },
            ],
        },
        {
            "name": "Customer support assistant",
            "reference": "NWL-AI-002",
            "description": (
                "A chat assistant on the website and in the app that answers customers' questions about "
                "their accounts and our products, grounded in our help-centre articles."
            ),
            "purpose": "Give customers quick answers at any hour and free agents for complex cases.",
            "intended_use": (
                "Answers general questions (payments, statements, product features) in English, using "
                "only retrieved help-centre content. It tells users they are talking to an AI and hands "
                "over to a person on request or when a topic is out of bounds."
            ),
            "foreseeable_misuse": (
                "Customers asking for financial advice or trying to challenge a credit decision through "
                "the chat; prompt-injection attempts to reveal other customers' data or the system "
                "prompt; staff pasting customer records into it for tasks it was not set up for."
            ),
            "ai_role": AIRole.DEPLOYER,
            "lifecycle_stage": LifecycleStage.OPERATION_MONITORING,
            "status": SystemStatus.ACTIVE,
            "owner": "officer@northwind.example",
            "business_unit": "Customer Operations",
            "users_description": "Customers and prospective customers; support agents receive handovers.",
            "geographies": "United Kingdom, Ireland",
            "languages": "English",
            "compute": (
                "Foundation model through the supplier's API in its EU region; retrieval and "
                "orchestration run in our own cloud account."
            ),
            "human_oversight": (
                "Customers can ask for a person at any point. The assistant hands over automatically on "
                "complaints, financial difficulty, signs of vulnerability and anything about a credit "
                "decision. Team leads review a weekly sample of conversations and can turn the assistant "
                "off from the support console."
            ),
            "eu_ai_act_tier": EUAIActTier.LIMITED,
            "review_interval_months": 6,
            "review_in_days": 40,
            "datasets": [
                {
                    "name": "Help-centre articles",
                    "purpose": DatasetPurpose.RETRIEVAL,
                    "source": "Public help centre, synchronised nightly",
                    "provenance": "Written and approved by the customer communications team.",
                    "contains_personal_data": False,
                },
                {
                    "name": "Conversation transcripts",
                    "purpose": DatasetPurpose.MONITORING,
                    "source": "Chat platform",
                    "provenance": "Kept 90 days for quality review, then deleted.",
                    "contains_personal_data": True,
                },
            ],
            "components": [
                {
                    "name": "Foundation model API",
                    "kind": ComponentKind.FOUNDATION_MODEL,
                    "component_version": "2025-06",
                    "supplier": "Lumen AI Inc.",
                    "is_third_party": True,
                    "notes": "Zero data retention agreed in the contract; EU processing region.",
                },
                {
                    "name": "Help-centre retrieval index",
                    "kind": ComponentKind.TOOL,
                    "notes": "Built in-house; rebuilt when articles change.",
                },
                {
                    "name": "Chat widget platform",
                    "kind": ComponentKind.SERVICE,
                    "supplier": "Parley Software Ltd",
                    "is_third_party": True,
                },
            ],
        },
        {
            "name": "CV screening service",
            "reference": "NWL-AI-003",
            "description": (
                "A third-party service that reads CVs submitted for advertised roles and ranks applicants "
                "against the job's requirements."
            ),
            "purpose": "Shorten time to shortlist for high-volume roles in customer operations.",
            "intended_use": (
                "Pilot for two high-volume roles: recruiters see a ranked list as a suggestion and read "
                "every CV before deciding. Not used for senior or specialist roles."
            ),
            "foreseeable_misuse": (
                "Letting the ranking reject applicants automatically; using it for roles it was not "
                "validated for; trying to infer age, gender or ethnicity from the output."
            ),
            "ai_role": AIRole.DEPLOYER,
            "lifecycle_stage": LifecycleStage.VERIFICATION_VALIDATION,
            "status": SystemStatus.PROPOSED,
            "owner": "admin@northwind.example",
            "business_unit": "People & Talent",
            "users_description": "Recruiters and hiring managers; affects every applicant for the pilot roles.",
            "geographies": "United Kingdom, Germany",
            "languages": "English, German",
            "compute": "Supplier's SaaS, hosted in the EU.",
            "human_oversight": (
                "Runs in parallel with manual screening during the pilot; every rejection is made by a "
                "recruiter. Go-live needs the bias review signed off by People & Talent and the AI "
                "governance lead."
            ),
            "eu_ai_act_tier": EUAIActTier.HIGH_RISK,
            "review_interval_months": 3,
            "review_in_days": -20,  # overdue: the pilot review slipped
            "datasets": [
                {
                    "name": "Applicant CVs",
                    "purpose": DatasetPurpose.PRODUCTION_INPUT,
                    "source": "Applicant tracking system",
                    "provenance": "Submitted by applicants; privacy notice updated to mention automated ranking.",
                    "contains_personal_data": True,
                },
                {
                    "name": "Supplier training data",
                    "purpose": DatasetPurpose.TRAINING,
                    "source": "TalentSift GmbH (described in its data sheet)",
                    "provenance": (
                        "The supplier says it trained on anonymised CVs and hiring outcomes from other "
                        "customers; we have asked for its data sheet and bias testing summary."
                    ),
                    "contains_personal_data": True,
                },
            ],
            "components": [
                {
                    "name": "CV ranking service",
                    "kind": ComponentKind.SERVICE,
                    "component_version": "2025.3",
                    "supplier": "TalentSift GmbH",
                    "is_third_party": True,
                },
            ],
        },
        {
            "name": "Transaction fraud detection",
            "reference": "NWL-AI-004",
            "description": (
                "A model in development that flags card and loan-disbursement transactions that look "
                "fraudulent, for the fraud team to check."
            ),
            "purpose": "Catch first-party and account-takeover fraud earlier, with fewer false alarms.",
            "intended_use": (
                "Scores transactions in near real time; high scores create a case for a fraud analyst, "
                "who decides whether to block, call the customer or release."
            ),
            "foreseeable_misuse": "Using fraud scores in credit decisions or to close accounts without review.",
            "ai_role": AIRole.DEVELOPER,
            "lifecycle_stage": LifecycleStage.DESIGN_DEVELOPMENT,
            "status": SystemStatus.PROPOSED,
            "owner": "officer@northwind.example",
            "business_unit": "Financial Crime",
            "geographies": "United Kingdom, Ireland, Germany",
            "languages": "English, German",
            "compute": "Managed ML platform (London region) for training; scoring service planned on-premises.",
            "human_oversight": "Analysts make every blocking decision; the model only prioritises cases.",
            "eu_ai_act_tier": EUAIActTier.MINIMAL,
            "review_interval_months": 12,
            "review_in_days": 200,
            "datasets": [
                {
                    "name": "Card and payment transactions",
                    "purpose": DatasetPurpose.TRAINING,
                    "source": "Card processor feeds and the core banking ledger",
                    "contains_personal_data": True,
                },
                {
                    "name": "Confirmed fraud cases",
                    "purpose": DatasetPurpose.TRAINING,
                    "source": "Fraud case management system (labels)",
                    "contains_personal_data": True,
                },
            ],
            "components": [
                {
                    "name": "Anomaly detection model",
                    "kind": ComponentKind.MODEL,
                    "component_version": "0.3",
                    "notes": "Prototype; not yet validated.",
                },
            ],
        },
        {
            "name": "Internal code assistant",
            "reference": "NWL-AI-005",
            "description": "An AI coding assistant in engineers' editors that suggests code and tests.",
            "purpose": "Help engineers write routine code and tests faster.",
            "intended_use": (
                "Suggestions are reviewed by the engineer and go through normal code review; it is "
                "switched off for repositories holding credentials or customer data."
            ),
            "foreseeable_misuse": "Pasting customer data or secrets into prompts; merging suggestions unreviewed.",
            "ai_role": AIRole.DEPLOYER,
            "lifecycle_stage": LifecycleStage.OPERATION_MONITORING,
            "status": SystemStatus.ACTIVE,
            "owner": "admin@northwind.example",
            "business_unit": "Technology",
            "geographies": "United Kingdom, Germany",
            "languages": "English",
            "compute": "Supplier's cloud service; editor plug-ins on staff laptops.",
            "human_oversight": "Every change is reviewed by a second engineer before merging.",
            "eu_ai_act_tier": EUAIActTier.MINIMAL,
            "review_interval_months": 12,
            "review_in_days": 150,
            "datasets": [],
            "components": [
                {
                    "name": "Code completion service",
                    "kind": ComponentKind.FOUNDATION_MODEL,
                    "supplier": "Codewright Inc.",
                    "is_third_party": True,
                },
            ],
        },
    ],
    "fjord": [
        {
            "name": "Readmission risk predictor",
            "reference": "FHA-01",
            "description": (
                "Predicts which discharged patients are likely to be readmitted within 30 days, for "
                "partner hospitals' follow-up teams."
            ),
            "purpose": "Help hospitals target follow-up calls and home visits where they help most.",
            "intended_use": (
                "A daily list for discharge nurses, who decide whom to contact; it never changes "
                "treatment or discharge decisions."
            ),
            "foreseeable_misuse": "Using the score to delay discharge or to rank patients for treatment.",
            "ai_role": AIRole.PROVIDER,
            "lifecycle_stage": LifecycleStage.OPERATION_MONITORING,
            "status": SystemStatus.ACTIVE,
            "owner": "admin@fjord.example",
            "business_unit": "Hospital Analytics",
            "geographies": "Norway",
            "languages": "Norwegian, English",
            "compute": "Hospital partners' private cloud in Norway.",
            "human_oversight": "Nurses choose whom to contact; clinicians can flag wrong predictions.",
            "eu_ai_act_tier": EUAIActTier.HIGH_RISK,
            "review_interval_months": 6,
            "review_in_days": 60,
            "datasets": [
                {
                    "name": "Hospital discharge records",
                    "purpose": DatasetPurpose.TRAINING,
                    "source": "Partner hospitals, under data processing agreements",
                    "contains_personal_data": True,
                    "special_category_data": True,
                },
            ],
            "components": [
                {
                    "name": "Logistic regression ensemble",
                    "kind": ComponentKind.MODEL,
                    "component_version": "1.4",
                },
            ],
        },
        {
            "name": "Clinical notes summariser",
            "reference": "FHA-02",
            "description": "Drafts short discharge summaries from clinical notes for a clinician to edit.",
            "purpose": "Reduce the time clinicians spend writing discharge summaries.",
            "intended_use": "Drafts only; a clinician edits and signs every summary.",
            "foreseeable_misuse": "Signing drafts without reading them.",
            "ai_role": AIRole.DEPLOYER,
            "lifecycle_stage": LifecycleStage.DESIGN_DEVELOPMENT,
            "status": SystemStatus.PROPOSED,
            "owner": "admin@fjord.example",
            "business_unit": "Hospital Analytics",
            "geographies": "Norway",
            "languages": "Norwegian",
            "compute": "Foundation model API in the supplier's EU region.",
            "human_oversight": "A clinician reviews, edits and signs each summary.",
            "eu_ai_act_tier": EUAIActTier.LIMITED,
            "review_interval_months": 12,
            "review_in_days": 180,
            "datasets": [],
            "components": [
                {
                    "name": "Foundation model API",
                    "kind": ComponentKind.FOUNDATION_MODEL,
                    "supplier": "Lumen AI Inc.",
                    "is_third_party": True,
                },
            ],
        },
    ],
}

SCOPE_V1 = {
    "in_scope": (
        "The management system covers how Northwind Lending designs, develops, operates and buys AI "
        "systems for its consumer lending business in the United Kingdom, Ireland and Germany: credit "
        "decisioning, customer service, recruitment and software engineering. It includes the teams at "
        "the London head office and the Dublin and Berlin offices, and the suppliers that provide "
        "models, platforms and data for these systems."
    ),
    "exclusions": (
        "Northwind Homes, the mortgage broking joint venture, is excluded: it is a separate legal "
        "entity, uses none of our AI systems and runs its own controls."
    ),
    "ai_roles": [AIRole.DEVELOPER, AIRole.PROVIDER, AIRole.DEPLOYER, AIRole.CUSTOMER],
    "external_internal_issues": (
        "External: the EU AI Act classes credit scoring and recruitment tools as high risk; the UK "
        "consumer duty and model risk expectations of our regulators; customers' growing distrust of "
        "automated decisions; dependence on a small number of cloud and model suppliers; the energy use "
        "of model training. Internal: a small modelling team, a legacy decision engine, and an ISO/IEC "
        "27001 security programme we can build on."
    ),
    "interested_parties": (
        "Loan applicants and customers (fair, explainable decisions and a way to challenge them); "
        "financial regulators in each market (sound model risk management, fair treatment); data "
        "protection authorities; credit bureaus (data used only as agreed); job applicants; staff; "
        "funding partners and investors; suppliers of models and platforms."
    ),
    "interfaces": (
        "Credit bureau data feeds; the cloud ML platform, foundation-model and CV-screening suppliers; "
        "group IT security, whose access management and logging controls the AI systems rely on."
    ),
}
SCOPE_V1_SYSTEMS = (
    "Credit risk scoring model",
    "Customer support assistant",
    "CV screening service",
    "Internal code assistant",
)
SCOPE_V2_CHANGES = {
    "in_scope": SCOPE_V1["in_scope"].replace(
        "credit decisioning, customer service,",
        "credit decisioning, fraud prevention, customer service,",
    ),
    "change_summary": (
        "Adds the transaction fraud detection model now in development and notes the Berlin "
        "collections team that joined this year."
    ),
}


def login_rows() -> list[tuple[str, str, str]]:
    """(e-mail, role, organisation) for every demo login, one row per membership."""
    rows: list[tuple[str, str, str]] = []
    for user in USERS:
        if user.superuser:
            rows.append((user.email, "platform operator (superuser)", "all organisations"))
        for slug, role in user.memberships:
            rows.append((user.email, str(role), ORGANIZATIONS[slug]["name"]))
    return rows


def logins_table() -> str:
    rows = [("E-mail", "Role", "Organisation"), *login_rows()]
    widths = [max(len(row[i]) for row in rows) for i in range(2)]
    lines = [f"{r[0]:<{widths[0]}}  {r[1]:<{widths[1]}}  {r[2]}".rstrip() for r in rows]
    lines.append(f"Password for every demo login: {DEMO_PASSWORD}")
    return "\n".join(lines)


class Command(BaseCommand):
    help = "Create the demo organisations, people and AI systems (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--print-logins",
            action="store_true",
            help="Only print the demo logins and their password; change nothing.",
        )

    def handle(self, *args, **options):
        if options["print_logins"]:
            self.stdout.write(logins_table())
            return
        request_id = f"seed-demo-{uuid.uuid4().hex[:12]}"
        with (
            transaction.atomic(),
            change_context(source=ChangeSource.IMPORT, request_id=request_id),
        ):
            self.created: Counter[str] = Counter()
            self.seed_catalog()
            orgs = self.seed_organizations()
            users = self.seed_users(orgs)
            systems = self.seed_systems(orgs, users)
            self.seed_auditor_grants(users, systems)
            self.seed_scope(orgs["northwind"], users, systems, request_id)
        if self.created:
            summary = ", ".join(f"{n} {what}" for what, n in self.created.items())
            self.stdout.write(self.style.SUCCESS(f"Demo data created: {summary}."))
        else:
            self.stdout.write("Demo data already present; nothing changed.")
        self.stdout.write("")
        self.stdout.write(logins_table())

    def note(self, what: str, n: int = 1) -> None:
        self.created[what] += n

    def seed_catalog(self) -> None:
        from controls.catalog import load_catalog
        from controls.models import Requirement

        if not Requirement.objects.exists():
            report = load_catalog()
            self.note("catalog requirements", report.requirements)

    def seed_organizations(self) -> dict[str, Organization]:
        orgs = {}
        for slug, fields in ORGANIZATIONS.items():
            orgs[slug], created = Organization.objects.get_or_create(slug=slug, defaults=fields)
            if created:
                self.note("organisations")
        return orgs

    def seed_users(self, orgs: dict[str, Organization]) -> dict[str, User]:
        users: dict[str, User] = {}
        today = timezone.localdate()
        for spec in USERS:
            user = User.objects.filter(email=spec.email).first()
            if user is None:
                make = User.objects.create_superuser if spec.superuser else User.objects.create_user
                user = make(
                    email=spec.email,
                    password=DEMO_PASSWORD,
                    full_name=spec.full_name,
                    job_title=spec.job_title,
                )
                self.note("users")
            for slug, role in spec.memberships:
                window = {}
                if role == Role.AUDITOR:
                    window = {
                        "valid_from": today + datetime.timedelta(days=AUDIT_WINDOW_DAYS[0]),
                        "valid_until": today + datetime.timedelta(days=AUDIT_WINDOW_DAYS[1]),
                    }
                _membership, created = Membership.objects.get_or_create(
                    organization=orgs[slug], user=user, defaults={"role": role, **window}
                )
                if created:
                    self.note("memberships")
            forget_roles(user)
            users[spec.email] = user
        return users

    def seed_systems(
        self, orgs: dict[str, Organization], users: dict[str, User]
    ) -> dict[str, AISystem]:
        systems: dict[str, AISystem] = {}
        for slug, specs in SYSTEMS.items():
            for spec in specs:
                spec = dict(spec)
                datasets, components = spec.pop("datasets"), spec.pop("components")
                name = spec.pop("name")
                spec["owner"] = users[spec["owner"]]
                spec["next_review_date"] = _days(spec.pop("review_in_days"))
                system, created = AISystem.objects.get_or_create(
                    organization=orgs[slug], name=name, defaults=spec
                )
                if created:
                    self.note("AI systems")
                for dataset in datasets:
                    dataset = dict(dataset)
                    _dataset, created = AISystemDataset.objects.get_or_create(
                        ai_system=system, name=dataset.pop("name"), defaults=dataset
                    )
                    if created:
                        self.note("data sets")
                for component in components:
                    component = dict(component)
                    _component, created = AISystemComponent.objects.get_or_create(
                        ai_system=system,
                        name=component.pop("name"),
                        component_version=component.pop("component_version", ""),
                        defaults=component,
                    )
                    if created:
                        self.note("components")
                systems[name] = system
        return systems

    def seed_auditor_grants(self, users: dict[str, User], systems: dict[str, AISystem]) -> None:
        auditor = users[AUDITOR_EMAIL]
        for name in AUDITED_SYSTEMS:
            # guardian's assign_perm is get-or-create: a second run adds nothing.
            assign_perm("view_aisystem", auditor, systems[name])

    def seed_scope(
        self,
        org: Organization,
        users: dict[str, User],
        systems: dict[str, AISystem],
        request_id: str,
    ) -> None:
        if ScopeStatement.objects.filter(organization=org).exists():
            return
        officer, admin = users["officer@northwind.example"], users["admin@northwind.example"]
        with change_context(source=ChangeSource.IMPORT, actor=officer, request_id=request_id):
            v1 = scope_start_draft(organization=org, actor=officer)
            for field, value in SCOPE_V1.items():
                setattr(v1, field, value)
            v1.change_summary = "First approved scope of the AI management system."
            v1.full_clean()
            v1.save()
            v1.ai_systems.set([systems[name] for name in SCOPE_V1_SYSTEMS])
            v1 = document_submit(version=v1, user=officer)
        with change_context(source=ChangeSource.IMPORT, actor=admin, request_id=request_id):
            v1 = document_approve(
                version=v1,
                user=admin,
                note="Approved at the risk committee; review in twelve months.",
            )
        with change_context(source=ChangeSource.IMPORT, actor=officer, request_id=request_id):
            v2 = document_start_revision(version=v1, user=officer)
            for field, value in SCOPE_V2_CHANGES.items():
                setattr(v2, field, value)
            v2.full_clean()
            v2.save()
            v2.ai_systems.add(systems["Transaction fraud detection"])
        self.note("scope statement versions", 2)
