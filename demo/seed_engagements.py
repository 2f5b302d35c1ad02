"""Demo auditor engagements and the information requests their auditors asked, answered
through the services."""

from __future__ import annotations

from aims.core.changelog import change_context
from aims.core.models import ChangeSource
from aims.core.permissions import forget_roles
from aims.evidence.models import EvidenceItem
from aims.organizations.models import Organization, User
from controls.models import ControlImplementation, Requirement
from demo.loader import DemoData
from demo.seed_common import SeedRun, Systems, _days
from engagements.models import Engagement, InformationRequest
from engagements.services import request_ask, request_reply


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
