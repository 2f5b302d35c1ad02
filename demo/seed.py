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

The steps are in ``demo/seed_*.py``, one module per area; this module runs them in order.
"""

from __future__ import annotations

import uuid
from collections import Counter

from django.db import transaction

from aims.core.changelog import change_context
from aims.core.models import ChangeSource
from demo.loader import DemoData
from demo.seed_audits import seed_audit_programme, seed_incidents
from demo.seed_common import SeedRun
from demo.seed_context import seed_context, seed_scope
from demo.seed_controls import seed_catalog, seed_controls, seed_evidence, seed_soa_version
from demo.seed_engagements import seed_auditor_engagements, seed_information_requests
from demo.seed_impact_assessments import (
    seed_classifications,
    seed_impact_assessments,
    seed_impact_thresholds,
)
from demo.seed_people import seed_organizations, seed_systems, seed_users
from demo.seed_policies import seed_objectives, seed_policies, seed_roles
from demo.seed_reminders import seed_reminders
from demo.seed_reviews import seed_management_review
from demo.seed_risks import seed_risk_assessment, seed_risks
from demo.seed_support import seed_support


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
