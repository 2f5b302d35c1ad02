"""Demo organisations, people and their memberships, and AI systems with their data sets
and components."""

from __future__ import annotations

from collections import Counter

from aims.core.permissions import forget_roles
from aims.inventory.models import AISystem, AISystemComponent, AISystemDataset
from aims.organizations.models import Membership, Organization, User
from demo.loader import DemoData
from demo.seed_common import Systems, _days


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
