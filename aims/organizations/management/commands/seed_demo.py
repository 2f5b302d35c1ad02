"""``manage.py seed_demo``: one realistic demo organisation, its people and AI systems, its
Statement of Applicability, risk register and evidence.

Idempotent: every record is looked up by its natural key first (organisation slug, e-mail,
system name within the organisation, …) and only created when missing, so a second run
changes nothing. The SoA decisions fill only rows nobody has decided yet; the risk register,
evidence, the approved risk assessment and the approved SoA version are seeded only while the
organisation has none, so a demo user's own edits survive ``make run`` restarts. Everything
is written in one transaction through the normal saves and services, logged with source
"import" and the demo person who would have done it.

``--print-logins`` prints only the table of demo logins (``make run`` shows it on start).
"""

from __future__ import annotations

import datetime
import uuid
from collections import Counter
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
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


# --- Statement of Applicability, risks and evidence ------------------------------------------

# Northwind's decisions on the Annex A controls, in our own words: ref → (status, owner role,
# why the control is included, how it operates). Left out: still undecided, so the SoA shows
# gaps. NOT_APPLICABLE: ref → reason.
IMPLEMENTED, PARTIAL, PLANNED = "implemented", "partial", "planned"
OWNER_EMAILS = {
    "admin": "admin@northwind.example",
    "officer": "officer@northwind.example",
    "contributor": "contributor@northwind.example",
}
CONTROL_DECISIONS: dict[str, tuple[str, str, str, str]] = {
    "A.2.2": (
        IMPLEMENTED,
        "admin",
        "Credit scoring and recruitment are high-risk uses; the board wants one statement of "
        "the principles every AI system here must meet.",
        "AI policy v2 approved by the board in January, published on the intranet and "
        "acknowledged by all staff in scope.",
    ),
    "A.2.3": (
        IMPLEMENTED,
        "admin",
        "The AI policy sits beside our credit, data protection and security policies and must "
        "not contradict them.",
        "Policy owners cross-check the policies at the annual policy review; conflicts go to "
        "the policy register.",
    ),
    "A.2.4": (
        IMPLEMENTED,
        "admin",
        "Regulation and our own AI use change quickly; the policy has to keep up.",
        "Risk committee reviews the policy every twelve months, and sooner after a major "
        "incident or regulatory change.",
    ),
    "A.3.2": (
        IMPLEMENTED,
        "admin",
        "Each AI system needs a named owner and clear decision rights, above all for credit "
        "decisions.",
        "A responsibility chart per AI system is kept in the inventory; owners confirm it at "
        "each system review.",
    ),
    "A.3.3": (
        PARTIAL,
        "officer",
        "Staff and contractors must be able to raise concerns about AI use without fear.",
        "The whistleblowing line now covers AI concerns; the intranet intake form is still to "
        "be launched.",
    ),
    "A.4.3": (
        IMPLEMENTED,
        "contributor",
        "Our models depend on internal loan history and credit bureau data that must be known "
        "and managed.",
        "Every data set is recorded against its system in the inventory with source, purpose "
        "and personal-data flags.",
    ),
    "A.4.4": (
        IMPLEMENTED,
        "contributor",
        "Modelling and deployment tools affect model quality and reproducibility.",
        "The data platform team keeps the approved tooling list; versions are pinned in the "
        "model registry.",
    ),
    "A.4.5": (
        PARTIAL,
        "contributor",
        "Scoring must stay available and data must stay in approved regions.",
        "Scoring cluster capacity is planned and monitored; training compute is not yet "
        "reported per system.",
    ),
    "A.4.6": (
        PARTIAL,
        "officer",
        "A small modelling team is a known weakness; skills need planning.",
        "Competence matrix for modelling and governance roles drafted; training plan due next "
        "quarter.",
    ),
    "A.5.2": (
        IMPLEMENTED,
        "officer",
        "Credit scoring and CV screening can materially affect people, so their impacts are "
        "assessed before use and on every significant change.",
        "Impact assessment procedure in force since last year, triggered by the change process.",
    ),
    "A.5.3": (
        IMPLEMENTED,
        "officer",
        "Regulators and auditors ask for completed assessments.",
        "Assessments are kept as controlled documents in this platform for seven years.",
    ),
    "A.5.4": (
        IMPLEMENTED,
        "officer",
        "Applicants and customers are directly affected by credit and hiring outcomes.",
        "Fairness and explainability sections completed for the credit model and the CV "
        "screening pilot.",
    ),
    "A.6.1.2": (
        IMPLEMENTED,
        "contributor",
        "We build our own credit and fraud models and need shared goals for doing it well.",
        "Responsible-development goals are part of the model development standard.",
    ),
    "A.6.1.3": (
        IMPLEMENTED,
        "contributor",
        "In-house development needs a repeatable, reviewed process.",
        "The model development standard defines stage gates; every model change is peer-reviewed.",
    ),
    "A.6.2.2": (
        IMPLEMENTED,
        "contributor",
        "Requirements written down first keep models tied to a business need and its limits.",
        "Each model starts from a requirements note approved by the business owner.",
    ),
    "A.6.2.3": (
        PARTIAL,
        "contributor",
        "Design choices must be traceable when a model is challenged.",
        "Design notes exist for the credit model; the fraud model's are being written.",
    ),
    "A.6.2.4": (
        IMPLEMENTED,
        "contributor",
        "Validation is the main safeguard against inaccurate or unfair credit decisions.",
        "The model risk team validates independently before each release, including "
        "out-of-time and fairness tests.",
    ),
    "A.6.2.5": (
        IMPLEMENTED,
        "contributor",
        "A bad release would affect every applicant at once.",
        "Release checklist; a challenger model runs in shadow mode before promotion.",
    ),
    "A.6.2.6": (
        PARTIAL,
        "contributor",
        "Drift and misuse must be caught in operation, not at the annual review.",
        "Monthly drift reports for the credit model; the support assistant is still "
        "monitored by hand.",
    ),
    "A.6.2.7": (
        PLANNED,
        "contributor",
        "Validators and regulators need technical documentation for each model.",
        "Template agreed; the fraud model's documentation is due before it goes live.",
    ),
    "A.6.2.8": (
        IMPLEMENTED,
        "contributor",
        "Credit decisions must be traceable for complaints, audits and regulators.",
        "The decision engine logs inputs, score, model version and outcome, kept six years.",
    ),
    "A.7.2": (
        IMPLEMENTED,
        "contributor",
        "Training data choices shape what the credit and fraud models learn.",
        "Data requirements are part of each model's requirements note.",
    ),
    "A.7.3": (
        IMPLEMENTED,
        "contributor",
        "We acquire credit bureau data and a supplier's training data for CV screening.",
        "Legal reviews every data-sharing agreement; the bureau agreement was renewed in 2025.",
    ),
    "A.7.4": (
        PARTIAL,
        "contributor",
        "Data quality drives both the accuracy and the fairness of the credit model.",
        "Quality checks on bureau attributes are automated; representativeness checks are "
        "still manual.",
    ),
    "A.7.5": (
        IMPLEMENTED,
        "contributor",
        "We must be able to say where every training record came from.",
        "Data lineage recorded in the feature store for every training extract.",
    ),
    "A.7.6": (
        IMPLEMENTED,
        "contributor",
        "Preparation steps can introduce errors or bias if undocumented.",
        "Preparation pipelines are versioned code, reviewed like any other change.",
    ),
    "A.8.2": (
        IMPLEMENTED,
        "officer",
        "Applicants must understand decisions; chat users must know they are talking to an AI.",
        "Decline letters give the main reasons; the assistant says it is an AI at the start "
        "of every chat.",
    ),
    "A.8.3": (
        PLANNED,
        "officer",
        "People affected by our systems need a way to tell us about harmful effects.",
        "A public reporting route will be added to the website's contact page.",
    ),
    "A.8.4": (
        IMPLEMENTED,
        "officer",
        "AI incidents may have to be reported to regulators and customers within deadlines.",
        "The incident procedure covers AI incidents with notification timelines per market.",
    ),
    "A.9.2": (
        IMPLEMENTED,
        "officer",
        "Underwriters, recruiters and agents use AI outputs in their daily decisions.",
        "Use procedures per system, covered in team onboarding and refreshed yearly.",
    ),
    "A.9.4": (
        IMPLEMENTED,
        "officer",
        "Re-using a system beyond its purpose (the credit score for marketing, say) is a real "
        "risk here.",
        "Intended use and foreseeable misuse recorded per system and checked at each review.",
    ),
    "A.10.2": (
        IMPLEMENTED,
        "admin",
        "Responsibilities are split between us and the suppliers of three systems.",
        "Contracts and the inventory name who does what for each third-party component.",
    ),
    "A.10.3": (
        PARTIAL,
        "admin",
        "Three systems rely on third-party models or platforms.",
        "Due diligence done for the ML platform; the foundation-model supplier's review is "
        "overdue.",
    ),
}
NOT_APPLICABLE: dict[str, str] = {
    "A.10.4": (
        "We supply no AI systems or AI-based services to other organisations; our AI is used "
        "only in our own lending and operations. To be revisited if the fraud model is "
        "offered to partners."
    ),
    "A.5.5": (
        "Our systems affect individual applicants and customers, whose impacts we assess under "
        "A.5.4; the risk committee judged wider societal effects negligible for a lender of our "
        "size. Reconsidered at every annual review."
    ),
}
ORG_CONTROL = {
    "ref": "ORG-1",
    "title": "Model risk committee sign-off before material model changes",
    "description": (
        "Any change to a model that decides on credit, or to its cut-offs, needs the model "
        "risk committee's recorded approval before release."
    ),
    "justification": (
        "Our lending regulators expect committee oversight of model changes; this goes beyond "
        "the Annex A controls."
    ),
    "implementation": (
        "Monthly committee with minutes in the wiki; the release pipeline blocks promotion "
        "without a committee reference."
    ),
}

# Northwind's risk register. ``library`` names the library item the risk started from (its
# consequences, Annex C links and suggested controls are copied); the title and description
# are Northwind's own. Scores are (likelihood, impact) on the default 5 × 5.
NORTHWIND_RISKS: tuple[dict[str, Any], ...] = (
    {
        "library": "RL-01",
        "title": "Credit model declines some groups more often for reasons unrelated to risk",
        "description": (
            "Loan history from 2018–2024 under-represents younger applicants and recent "
            "arrivals, so the model may score them worse than their repayment behaviour "
            "justifies."
        ),
        "systems": ("Credit risk scoring model",),
        "owner": "contributor@northwind.example",
        "inherent": (4, 4),
        "residual": (2, 4),
        "option": "modify",
        "status": "in_treatment",
        "existing_controls": "Underwriter review of all declines; annual fairness review.",
        "actions": (
            (
                "Add a fairness test by age band to the release checklist",
                "contributor",
                -12,
                "in_progress",
            ),
            ("Re-weight the 2026 training extract", "contributor", 45, "planned"),
            ("Publish the quarterly fairness report to the risk committee", "officer", -30, "done"),
        ),
    },
    {
        "library": "RL-05",
        "title": "Declined applicants cannot be given meaningful reasons",
        "description": (
            "Reason codes come from the scorecard era and do not always match what drives the "
            "gradient-boosted model's score."
        ),
        "systems": ("Credit risk scoring model",),
        "owner": "officer@northwind.example",
        "inherent": (3, 4),
        "residual": (2, 2),
        "option": "modify",
        "status": "in_treatment",
        "existing_controls": "Decline letters list the top three reason codes.",
        "actions": (
            ("Validate reason codes against model explanations", "contributor", 30, "planned"),
        ),
    },
    {
        "library": "RL-02",
        "title": "Credit model performance drifts as the economy changes",
        "description": (
            "Rising rates change who applies and how they repay; a model trained on calmer "
            "years may lose accuracy without anyone noticing."
        ),
        "systems": ("Credit risk scoring model", "Transaction fraud detection"),
        "owner": "contributor@northwind.example",
        "inherent": (4, 3),
        "residual": (2, 3),
        "option": "modify",
        "status": "in_treatment",
        "existing_controls": "Monthly population stability report.",
        "actions": (
            ("Automate drift alerts with a named on-call owner", "contributor", -5, "planned"),
        ),
    },
    {
        "library": "RL-03",
        "title": "Prompt injection makes the support assistant reveal internal instructions",
        "description": (
            "A customer could paste crafted text that makes the assistant ignore its "
            "instructions or disclose its system prompt and retrieval sources."
        ),
        "systems": ("Customer support assistant",),
        "owner": "officer@northwind.example",
        "inherent": (4, 4),
        "residual": (2, 3),
        "option": "modify",
        "status": "in_treatment",
        "existing_controls": "The assistant only reads help-centre articles, never account data.",
        "actions": (
            ("Run a red-team exercise on the assistant", "officer", -20, "planned"),
            ("Add input filtering for known injection patterns", "contributor", 20, "in_progress"),
        ),
    },
    {
        "library": "RL-04",
        "title": "Assistant gives customers wrong answers about fees and payments",
        "description": (
            "The assistant may state fees, dates or policies that are not in the help centre, "
            "and customers may act on them."
        ),
        "systems": ("Customer support assistant",),
        "owner": "officer@northwind.example",
        "inherent": (4, 3),
        "residual": (3, 2),
        "option": "modify",
        "status": "assessed",
        "existing_controls": "Answers are grounded in retrieved articles; weekly sample review.",
        "actions": (),
    },
    {
        "library": "RL-08",
        "title": "Conversation transcripts expose personal data",
        "description": (
            "Customers type account numbers and personal details into the chat; transcripts "
            "kept for quality review could leak them."
        ),
        "systems": ("Customer support assistant",),
        "owner": "admin@northwind.example",
        "inherent": (2, 5),
        "residual": (1, 5),
        "option": "modify",
        "status": "in_treatment",
        "existing_controls": "Transcripts deleted after 90 days; supplier has zero retention.",
        "actions": (
            (
                "Mask card and account numbers before transcripts are stored",
                "contributor",
                60,
                "planned",
            ),
        ),
    },
    {
        "library": "RL-06",
        "title": "Foundation-model supplier changes the model without notice",
        "description": (
            "Lumen AI can update the model behind its API; the assistant's tone, accuracy or "
            "safety could change overnight."
        ),
        "systems": ("Customer support assistant",),
        "owner": "admin@northwind.example",
        "inherent": (3, 3),
        "residual": (2, 3),
        "option": "share",
        "status": "in_treatment",
        "existing_controls": "Contract requires 30 days' notice of material changes.",
        "actions": (
            ("Pin the model version in the API configuration", "contributor", -40, "done"),
            ("Complete the annual supplier review of Lumen AI", "admin", -10, "planned"),
        ),
    },
    {
        "library": "RL-10",
        "title": "CV screening ranking becomes an automatic rejection",
        "description": (
            "Under volume pressure, recruiters could stop reading lower-ranked CVs, turning a "
            "suggestion into a decision nobody reviews."
        ),
        "systems": ("CV screening service",),
        "owner": "admin@northwind.example",
        "inherent": (3, 5),
        "residual": (3, 4),
        "option": "avoid",
        "status": "in_treatment",
        "existing_controls": "Pilot limited to two roles; recruiters trained on the tool.",
        "actions": (
            (
                "Require a recorded reason for every rejection in the pilot",
                "officer",
                14,
                "in_progress",
            ),
        ),
    },
    {
        "library": "RL-09",
        "title": "Engineers merge code assistant suggestions without real review",
        "description": (
            "Suggestions look plausible; busy reviewers may approve them without checking "
            "security or licensing."
        ),
        "systems": ("Internal code assistant",),
        "owner": "admin@northwind.example",
        "inherent": (4, 3),
        "residual": (3, 2),
        "option": "modify",
        "status": "assessed",
        "existing_controls": "Second-engineer review on every merge request.",
        "actions": (),
    },
    {
        "library": "RL-20",
        "title": "Code assistant suggests code under incompatible licences",
        "description": (
            "Generated code could reproduce open-source code whose licence conflicts with our "
            "proprietary platform."
        ),
        "systems": ("Internal code assistant",),
        "owner": "admin@northwind.example",
        "inherent": (2, 3),
        "residual": (2, 2),
        "option": "retain",
        "status": "assessed",
        "existing_controls": (
            "Supplier's duplicate-detection filter is on; licence scanning runs in the build."
        ),
        "actions": (),
        "accept": (
            "Licence scanning catches reproduced code before release and the supplier "
            "indemnifies us; the remaining risk is low and accepted for twelve months."
        ),
    },
    {
        "library": "RL-07",
        "title": "Fraud model learns from mislabelled or manipulated fraud cases",
        "description": (
            "Confirmed-fraud labels come from disputes; organised fraudsters or labelling "
            "errors could teach the model to miss a pattern."
        ),
        "systems": ("Transaction fraud detection",),
        "owner": "contributor@northwind.example",
        "inherent": (2, 4),
        "residual": None,
        "option": "",
        "status": "identified",
        "existing_controls": "",
        "actions": (),
    },
    {
        "library": "RL-22",
        "title": "Fraud alerts cannot be traced back to the model version that raised them",
        "description": (
            "The prototype logs alerts but not the model version or features, so a disputed "
            "alert could not be explained later."
        ),
        "systems": ("Transaction fraud detection",),
        "owner": "contributor@northwind.example",
        "inherent": (3, 3),
        "residual": (1, 3),
        "option": "modify",
        "status": "in_treatment",
        "existing_controls": "",
        "actions": (
            (
                "Log model version and feature snapshot with each alert",
                "contributor",
                75,
                "planned",
            ),
        ),
    },
)
FJORD_RISKS: tuple[dict[str, Any], ...] = (
    {
        "library": "RL-01",
        "title": "Readmission predictor under-serves patients from rural areas",
        "description": (
            "Rural patients are fewer in the discharge records, so their readmission risk may be "
            "underestimated and they may miss follow-up calls."
        ),
        "systems": ("Readmission risk predictor",),
        "owner": "admin@fjord.example",
        "inherent": (3, 4),
        "residual": (2, 4),
        "option": "modify",
        "status": "assessed",
        "existing_controls": "Nurses may add patients to the follow-up list by judgement.",
        "actions": (),
    },
    {
        "library": "RL-04",
        "title": "Draft discharge summaries contain statements not in the notes",
        "description": (
            "The summariser could add medications or findings that are not in the clinical "
            "notes; a hurried clinician might sign them."
        ),
        "systems": ("Clinical notes summariser",),
        "owner": "admin@fjord.example",
        "inherent": (4, 4),
        "residual": None,
        "option": "",
        "status": "identified",
        "existing_controls": "",
        "actions": (),
    },
)

# Evidence links on Northwind's internal wiki: (title, description, url, owner, valid from /
# until in days from today, control refs, risk titles, clause refs).
NORTHWIND_EVIDENCE: tuple[dict[str, Any], ...] = (
    {
        "title": "Model risk committee minutes: credit model 4.2 approval",
        "description": "Minutes and decision record approving release of credit model 4.2.",
        "url": "https://wiki.northwind.example/risk/model-risk-committee/2026-03-minutes",
        "owner": "admin@northwind.example",
        "valid": (-240, 480),
        "controls": ("ORG-1", "A.6.2.4", "A.6.2.5"),
        "risks": ("Credit model declines some groups more often for reasons unrelated to risk",),
        "clauses": ("9.3.3",),
    },
    {
        "title": "Quarterly fairness report: credit decisions",
        "description": "Approval rates and default rates by age band and region, with commentary.",
        "url": "https://wiki.northwind.example/modelling/fairness/credit-quarterly-report",
        "owner": "contributor@northwind.example",
        "valid": (-80, 12),
        "controls": ("A.7.4", "A.5.4"),
        "risks": ("Credit model declines some groups more often for reasons unrelated to risk",),
        "clauses": ("9.1",),
    },
    {
        "title": "Supplier due-diligence record: Lumen AI",
        "description": "Security, data-retention and change-notice review of the model supplier.",
        "url": "https://wiki.northwind.example/procurement/suppliers/lumen-ai/due-diligence",
        "owner": "admin@northwind.example",
        "valid": (-400, -15),
        "controls": ("A.10.3", "A.10.2"),
        "risks": ("Foundation-model supplier changes the model without notice",),
        "clauses": (),
    },
    {
        "title": "AI policy acknowledgement dashboard",
        "description": "Live count of staff in scope who have read and acknowledged AI policy v2.",
        "url": "https://wiki.northwind.example/governance/ai-policy/acknowledgements",
        "owner": "officer@northwind.example",
        "valid": (-120, None),
        "controls": ("A.2.2",),
        "risks": (),
        "clauses": ("5.2", "7.3"),
    },
)


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
            self.seed_controls(orgs["northwind"], users, request_id)
            self.seed_risks(
                orgs["northwind"],
                NORTHWIND_RISKS,
                users,
                systems,
                request_id,
                author=users[OWNER_EMAILS["officer"]],
                approver=users[OWNER_EMAILS["admin"]],
            )
            self.seed_evidence(orgs["northwind"], users, request_id)
            self.seed_risk_assessment(orgs["northwind"], users, request_id)
            self.seed_soa_version(orgs["northwind"], users, request_id)
            self.seed_fjord(orgs["fjord"], users, systems, request_id)
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

    # --- SoA, risks, evidence ---------------------------------------------------------------

    def seed_controls(self, org: Organization, users: dict[str, User], request_id: str) -> None:
        """Complete the SoA and record Northwind's decisions on rows nobody has touched yet."""
        from controls.models import Applicability, ControlImplementation
        from controls.services import controls_ensure_for

        created = controls_ensure_for(organization=org)
        if created:
            self.note("SoA and clause rows", created)
        officer = users[OWNER_EMAILS["officer"]]
        today = timezone.localdate()
        with change_context(source=ChangeSource.IMPORT, actor=officer, request_id=request_id):
            untouched = ControlImplementation.objects.filter(
                organization=org,
                applicability=Applicability.UNDECIDED,
                justification="",
                ref__in=[*CONTROL_DECISIONS, *NOT_APPLICABLE],
            ).select_related("requirement")
            for control in untouched:
                if control.ref in NOT_APPLICABLE:
                    control.applicability = Applicability.NOT_APPLICABLE
                    control.justification = NOT_APPLICABLE[control.ref]
                    control.owner = users[OWNER_EMAILS["officer"]]
                else:
                    status, owner, why, how = CONTROL_DECISIONS[control.ref]
                    control.applicability = Applicability.APPLICABLE
                    control.status = status
                    control.owner = users[OWNER_EMAILS[owner]]
                    control.justification = why
                    control.implementation = how
                    if status == IMPLEMENTED:
                        control.last_reviewed = today - datetime.timedelta(days=70)
                        control.next_review_date = today + datetime.timedelta(days=295)
                control.full_clean()
                control.save()
                self.note("SoA decisions")
            if not ControlImplementation.objects.filter(
                organization=org, ref=ORG_CONTROL["ref"]
            ).exists():
                control = ControlImplementation(
                    organization=org,
                    applicability=Applicability.APPLICABLE,
                    status=IMPLEMENTED,
                    owner=users[OWNER_EMAILS["admin"]],
                    last_reviewed=today - datetime.timedelta(days=30),
                    next_review_date=today + datetime.timedelta(days=335),
                    **ORG_CONTROL,
                )
                control.full_clean()
                control.save()
                self.note("organisation-defined controls")

    def seed_risks(
        self,
        org: Organization,
        specs: tuple[dict[str, Any], ...],
        users: dict[str, User],
        systems: dict[str, AISystem],
        request_id: str,
        *,
        author: User,
        approver: User | None = None,
    ) -> None:
        """The organisation's register, only while it has none (users' later edits stay)."""
        from controls.models import Applicability, ControlImplementation
        from risks.models import Risk, TreatmentAction
        from risks.services import (
            risk_accept,
            risk_criteria_current,
            risk_criteria_revise,
            risk_initial_from_library,
        )

        if Risk.objects.filter(organization=org).exists():
            return
        not_applicable = set(
            ControlImplementation.objects.filter(
                organization=org, applicability=Applicability.NOT_APPLICABLE
            ).values_list("pk", flat=True)
        )
        with change_context(source=ChangeSource.IMPORT, actor=author, request_id=request_id):
            criteria = risk_criteria_current(organization=org)
            if approver is not None and criteria.acceptance_approver_id is None:
                criteria = risk_criteria_revise(
                    organization=org,
                    user=approver,
                    acceptance_approver=approver,
                    change_summary=(
                        "Named the Chief Risk Officer as the only person who may accept a "
                        "residual risk above medium."
                    ),
                )
                self.note("risk criteria versions")
            for spec in specs:
                try:
                    initial = risk_initial_from_library(organization=org, code=spec["library"])
                except ValidationError:
                    initial = {}  # the library item was renamed: keep the risk, drop its links
                risk = Risk(
                    organization=org,
                    criteria=criteria,
                    title=spec["title"],
                    description=spec["description"],
                    consequences_organization=initial.get("consequences_organization", ""),
                    consequences_individuals=initial.get("consequences_individuals", ""),
                    inherent_likelihood=spec["inherent"][0],
                    inherent_impact=spec["inherent"][1],
                    residual_likelihood=spec["residual"][0] if spec["residual"] else None,
                    residual_impact=spec["residual"][1] if spec["residual"] else None,
                    existing_controls=spec["existing_controls"],
                    owner=users[spec["owner"]],
                    status=spec["status"],
                    treatment_option=spec["option"],
                    review_interval_months=6 if spec["inherent"][1] >= 4 else 12,
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
                self.note("risks")
                for title, role, due_in, status in spec["actions"]:
                    action = TreatmentAction(
                        risk=risk,
                        title=title,
                        owner=users[OWNER_EMAILS[role]],
                        due_date=_days(due_in),
                        status=status,
                        completed_on=_days(due_in) if status == "done" else None,
                    )
                    action.full_clean()
                    action.save()
                    self.note("treatment actions")
                if spec.get("accept"):
                    owner = users[spec["owner"]]
                    with change_context(
                        source=ChangeSource.IMPORT, actor=owner, request_id=request_id
                    ):
                        risk_accept(
                            risk=risk,
                            user=owner,
                            rationale=spec["accept"],
                            expires=_days(365),
                        )
                    self.note("accepted risks")

    def seed_evidence(self, org: Organization, users: dict[str, User], request_id: str) -> None:
        from aims.evidence.models import EvidenceItem
        from aims.evidence.services import evidence_create
        from controls.models import ControlImplementation, Requirement
        from risks.models import Risk

        if EvidenceItem.objects.filter(organization=org).exists():
            return
        officer = users[OWNER_EMAILS["officer"]]
        controls = dict(
            ControlImplementation.objects.filter(organization=org).values_list("ref", "pk")
        )
        risks = dict(Risk.objects.filter(organization=org).values_list("title", "pk"))
        clauses = dict(
            Requirement.objects.filter(
                framework__code="iso42001", kind="clause", assessable=True
            ).values_list("ref", "pk")
        )
        with change_context(source=ChangeSource.IMPORT, actor=officer, request_id=request_id):
            for spec in NORTHWIND_EVIDENCE:
                valid_from, valid_until = spec["valid"]
                evidence_create(
                    organization=org,
                    user=officer,
                    title=spec["title"],
                    description=spec["description"],
                    kind="link",
                    url=spec["url"],
                    owner=users[spec["owner"]],
                    valid_from=_days(valid_from),
                    valid_until=_days(valid_until) if valid_until is not None else None,
                    links={
                        "controls": [controls[r] for r in spec["controls"] if r in controls],
                        "risks": [risks[t] for t in spec["risks"] if t in risks],
                        "clauses": [clauses[r] for r in spec["clauses"] if r in clauses],
                    },
                )
                self.note("evidence links")

    def seed_risk_assessment(
        self, org: Organization, users: dict[str, User], request_id: str
    ) -> None:
        from risks.models import RiskAssessment
        from risks.services import risk_assessment_approve

        if RiskAssessment.objects.filter(organization=org).exists():
            return
        officer, admin = users[OWNER_EMAILS["officer"]], users[OWNER_EMAILS["admin"]]
        with change_context(source=ChangeSource.IMPORT, actor=officer, request_id=request_id):
            assessment = RiskAssessment(
                organization=org,
                title="Annual AI risk assessment 2026",
                scope=(
                    "All AI systems in the AIMS scope: credit scoring, the customer support "
                    "assistant, the CV screening pilot, the fraud model in development and the "
                    "internal code assistant."
                ),
                method=(
                    "Two workshops with system owners, a review of last year's incidents and "
                    "complaints, and the monthly monitoring reports; scored on the 5 × 5 "
                    "criteria."
                ),
                other_participants="External model validator (Harbour Analytics)",
                assessed_on=_days(-10),
                author=officer,
            )
            assessment.full_clean()
            assessment.save()
            assessment.participants.set([users[e] for e in OWNER_EMAILS.values()])
        with change_context(source=ChangeSource.IMPORT, actor=admin, request_id=request_id):
            risk_assessment_approve(assessment=assessment, user=admin)
        self.note("approved risk assessments")

    def seed_soa_version(self, org: Organization, users: dict[str, User], request_id: str) -> None:
        from controls.models import SoAVersion
        from controls.services import soa_version_start

        if SoAVersion.objects.filter(organization=org).exists():
            return
        officer, admin = users[OWNER_EMAILS["officer"]], users[OWNER_EMAILS["admin"]]
        with change_context(source=ChangeSource.IMPORT, actor=officer, request_id=request_id):
            version = soa_version_start(
                organization=org,
                user=officer,
                change_summary=(
                    "First Statement of Applicability for the certification audit; three "
                    "controls still to be decided."
                ),
            )
            version = document_submit(version=version, user=officer)
        with change_context(source=ChangeSource.IMPORT, actor=admin, request_id=request_id):
            document_approve(version=version, user=admin, note="Approved at the risk committee.")
        self.note("approved SoA versions")

    def seed_fjord(
        self,
        org: Organization,
        users: dict[str, User],
        systems: dict[str, AISystem],
        request_id: str,
    ) -> None:
        from controls.services import controls_ensure_for

        created = controls_ensure_for(organization=org)
        if created:
            self.note("SoA and clause rows", created)
        self.seed_risks(
            org, FJORD_RISKS, users, systems, request_id, author=users["admin@fjord.example"]
        )
