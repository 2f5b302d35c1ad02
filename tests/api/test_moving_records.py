"""A write may not carry a record out of reach: moving it needs the right to add it there."""

from __future__ import annotations

import pytest
from django.urls import reverse

from aims.core.models import ChangeLogEntry
from aims.inventory.models import AISystem, AISystemDataset
from tests import factories


@pytest.mark.parametrize(
    ("role_there", "expected"), [("viewer", 403), ("auditor", 403), ("admin", 200)]
)
def test_it_moves_a_system_only_where_the_caller_may_add(
    role_there, expected, org, other_org, users, api_client_for
):
    factories.MembershipFactory(organization=other_org, user=users.admin, role=role_there)
    system = factories.AISystemFactory(organization=org)
    client = api_client_for(users.admin)
    count = ChangeLogEntry.objects.count()
    response = client.patch(
        reverse("aisystem-detail", args=[system.pk]), {"organization": other_org.pk}, format="json"
    )
    assert response.status_code == expected, response.content
    system = AISystem.objects.get(pk=system.pk)
    if expected == 200:
        assert system.organization == other_org
    else:
        assert (system.organization, system.version) == (org, 1)
        assert ChangeLogEntry.objects.count() == count


@pytest.mark.parametrize(("role_there", "expected"), [("viewer", 403), ("officer", 200)])
def test_it_moves_a_part_only_to_a_system_the_caller_may_change(
    role_there, expected, org, other_org, users, api_client_for
):
    factories.MembershipFactory(organization=other_org, user=users.officer, role=role_there)
    dataset = factories.AISystemDatasetFactory(ai_system__organization=org)
    elsewhere = factories.AISystemFactory(organization=other_org)
    response = api_client_for(users.officer).patch(
        reverse("aisystemdataset-detail", args=[dataset.pk]),
        {"ai_system": elsewhere.pk},
        format="json",
    )
    assert response.status_code == expected, response.content
    moved = AISystemDataset.objects.get(pk=dataset.pk).ai_system_id == elsewhere.pk
    assert moved == (expected == 200)


def test_it_lets_an_owner_move_a_part_between_their_own_systems(org, users, api_client_for):
    mine = factories.AISystemFactory(organization=org, owner=users.contributor)
    also_mine = factories.AISystemFactory(organization=org, owner=users.contributor)
    not_mine = factories.AISystemFactory(organization=org)
    dataset = factories.AISystemDatasetFactory(ai_system=mine)
    client = api_client_for(users.contributor)
    url = reverse("aisystemdataset-detail", args=[dataset.pk])
    assert client.patch(url, {"ai_system": not_mine.pk}, format="json").status_code == 403
    assert client.patch(url, {"ai_system": also_mine.pk}, format="json").status_code == 200
    dataset.refresh_from_db()
    assert dataset.ai_system == also_mine


def test_it_keeps_a_membership_in_its_organisation(org, other_org, users, api_client_for):
    factories.MembershipFactory(organization=other_org, user=users.admin, role="admin")
    membership = factories.MembershipFactory(organization=org, role="viewer")
    response = api_client_for(users.admin).patch(
        reverse("membership-detail", args=[membership.pk]),
        {"organization": other_org.pk},
        format="json",
    )
    assert response.status_code == 200
    membership.refresh_from_db()
    assert membership.organization == org
