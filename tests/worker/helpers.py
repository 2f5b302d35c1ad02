"""Plain builders for the worker tests (no factories: these tests stand on their own)."""

from __future__ import annotations

from aims.inventory.models import AISystem, AISystemComponent, AISystemDataset
from aims.organizations.models import Membership, Organization, User


def make_org(slug: str, name: str | None = None) -> Organization:
    return Organization.objects.create(slug=slug, name=name or slug.title())


def make_member(org: Organization, role: str, email: str | None = None) -> User:
    user = User.objects.create_user(email=email or f"{role}@{org.slug}.example", password=None)
    Membership.objects.create(organization=org, user=user, role=role)
    return user


def make_system(
    org: Organization,
    name: str,
    *,
    owner: User | None = None,
    datasets: int = 0,
    components: int = 0,
    **fields,
) -> AISystem:
    values = {
        "description": f"{name}: what it does.",
        "purpose": "A business need.",
        "intended_use": "Used by staff.",
        "ai_roles": ["customer"],
        "lifecycle_stage": "operation_monitoring",
        **fields,
    }
    system = AISystem.objects.create(organization=org, name=name, owner=owner, **values)
    for i in range(datasets):
        AISystemDataset.objects.create(
            ai_system=system, name=f"Data set {i}", purpose="training", source="Internal"
        )
    for i in range(components):
        AISystemComponent.objects.create(ai_system=system, name=f"Component {i}", kind="model")
    return system
