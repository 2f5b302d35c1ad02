"""Stale writes are refused: API ``If-Match`` → 412, a stale UI form → 409 with the input kept."""

from __future__ import annotations

import pytest
from django.urls import reverse

from aims.inventory.models import AISystem
from aims.organizations.models import Membership
from tests import factories


@pytest.fixture
def system(org):
    return factories.AISystemFactory(organization=org, name="Chat assistant")


@pytest.fixture
def client(users, api_client_for):
    return api_client_for(users.officer)


def _url(obj):
    return reverse("aisystem-detail", args=[obj.pk])


def test_it_returns_the_version_as_etag(system, client):
    response = client.get(_url(system))
    assert response["ETag"] == f'"{system.pk}-1"'
    assert response.json()["version"] == 1


def test_it_refuses_a_patch_with_a_stale_etag(system, client):
    stale = client.get(_url(system))["ETag"]
    AISystem.objects.get(pk=system.pk).save()  # someone else saves: version 2
    response = client.patch(
        _url(system), {"name": "Overwritten"}, format="json", HTTP_IF_MATCH=stale
    )
    assert response.status_code == 412
    assert "changed by someone else" in response.json()["detail"]
    system.refresh_from_db()
    assert (system.name, system.version) == ("Chat assistant", 2)


def test_it_accepts_a_patch_with_the_current_etag(system, client):
    etag = client.get(_url(system))["ETag"]
    response = client.patch(
        _url(system), {"name": "Support assistant"}, format="json", HTTP_IF_MATCH=etag
    )
    assert response.status_code == 200
    assert response["ETag"] == f'"{system.pk}-2"'
    assert response.json()["version"] == 2
    # The old tag is now stale.
    again = client.patch(_url(system), {"name": "Third"}, format="json", HTTP_IF_MATCH=etag)
    assert again.status_code == 412
    system.refresh_from_db()
    assert system.name == "Support assistant"


def test_it_accepts_any_of_several_tags_and_the_wildcard(system, client):
    etag = client.get(_url(system))["ETag"]
    response = client.patch(
        _url(system), {"name": "A"}, format="json", HTTP_IF_MATCH=f'"0-0", {etag}'
    )
    assert response.status_code == 200
    assert (
        client.patch(_url(system), {"name": "B"}, format="json", HTTP_IF_MATCH="*").status_code
        == 200
    )
    assert (
        client.put(
            _url(system),
            {**client.get(_url(system)).json(), "name": "C"},
            format="json",
            HTTP_IF_MATCH='"0-0"',
        ).status_code
        == 412
    )


def test_it_refuses_a_delete_with_a_stale_etag(system, client):
    stale = client.get(_url(system))["ETag"]
    AISystem.objects.get(pk=system.pk).save()
    assert client.delete(_url(system), HTTP_IF_MATCH=stale).status_code == 412
    assert AISystem.objects.filter(pk=system.pk).exists()
    current = client.get(_url(system))["ETag"]
    assert client.delete(_url(system), HTTP_IF_MATCH=current).status_code == 204


def test_it_checks_if_match_on_memberships_too(org, users, api_client_for):
    membership = factories.MembershipFactory(organization=org, role="viewer")
    client = api_client_for(users.admin)
    url = reverse("membership-detail", args=[membership.pk])
    stale = client.get(url)["ETag"]
    Membership.objects.get(pk=membership.pk).save()
    assert (
        client.patch(url, {"role": "officer"}, format="json", HTTP_IF_MATCH=stale).status_code
        == 412
    )
    assert client.delete(url, HTTP_IF_MATCH=stale).status_code == 412
    membership.refresh_from_db()
    assert membership.role == "viewer"


def test_it_reshows_a_stale_ui_form_with_the_typed_values(system, org, users, client_for):
    client = client_for(users.officer)
    url = reverse("inventory:aisystem_edit", kwargs={"org": org.slug, "pk": system.pk})
    form = client.get(url).context["form"]
    assert form.initial["_version"] == 1
    data = {name: form[name].value() for name in form.fields if form[name].value() is not None}
    data.update(name="My careful rename", purpose="Typed while someone else saved")
    other = AISystem.objects.get(pk=system.pk)
    other.description = "Saved by a colleague"
    other.save()

    response = client.post(url, data)
    assert response.status_code == 409
    shown = response.context["form"]
    assert shown["name"].value() == "My careful rename"
    assert shown["purpose"].value() == "Typed while someone else saved"
    assert "Someone else saved this record" in response.content.decode()
    system.refresh_from_db()
    assert (system.name, system.description, system.version) == (
        "Chat assistant",
        "Saved by a colleague",
        2,
    )

    data["_version"] = 2
    assert client.post(url, data).status_code == 302
    system.refresh_from_db()
    assert (system.name, system.version) == ("My careful rename", 3)
