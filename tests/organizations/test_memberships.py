"""Members and roles: inviting by e-mail, keeping an administrator, access windows, several organisations."""

from __future__ import annotations

import datetime
import re

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from aims.organizations.models import Membership, User
from tests import factories


def _org_url(name, org, **kwargs):
    return reverse(name, kwargs={"org": org.slug, **kwargs})


def test_it_adds_a_new_person_by_email_and_sends_a_password_link(
    org, users, client_for, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(users.admin).post(
            _org_url("organizations:member_add", org),
            {"email": "New.Person@Example.TEST", "full_name": "New Person", "role": "contributor"},
        )
    assert response.status_code == 302
    user = User.objects.get(email="new.person@example.test")
    assert user.full_name == "New Person"
    assert not user.has_usable_password()
    assert Membership.objects.get(organization=org, user=user).role == "contributor"
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["new.person@example.test"]
    (link,) = re.findall(r"https?://\S+/accounts/password/reset/key/\S+", message.body)
    # The link lets the newcomer choose a password and sign in.
    client = Client()
    response = client.get(link, follow=True)
    assert response.status_code == 200
    response = client.post(
        response.redirect_chain[-1][0] if response.redirect_chain else link,
        {"password1": "Correct-Horse-42", "password2": "Correct-Horse-42"},
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password("Correct-Horse-42")


def test_it_adds_a_new_person_through_the_api_too(
    org, users, api_client_for, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = api_client_for(users.admin).post(
            reverse("membership-list"),
            {"organization": org.pk, "email": "api.person@example.test", "role": "viewer"},
            format="json",
        )
    assert response.status_code == 201, response.content
    assert response.json()["user_email"] == "api.person@example.test"
    assert [m.to for m in mail.outbox] == [["api.person@example.test"]]


def test_it_adds_an_existing_person_without_an_email(
    org, other_org, users, client_for, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(users.admin).post(
            _org_url("organizations:member_add", org),
            {"email": users.outsider.email, "role": "viewer"},
        )
    assert response.status_code == 302
    assert Membership.objects.get(organization=org, user=users.outsider).role == "viewer"
    assert User.objects.filter(email=users.outsider.email).count() == 1
    assert mail.outbox == []


def test_it_refuses_to_add_someone_twice(org, users, client_for):
    response = client_for(users.admin).post(
        _org_url("organizations:member_add", org), {"email": users.viewer.email, "role": "officer"}
    )
    assert response.status_code == 400
    assert "already a member" in str(response.context["form"].errors)
    assert Membership.objects.get(organization=org, user=users.viewer).role == "viewer"


def test_it_refuses_to_demote_the_last_admin(org, users, api_client_for, client_for):
    membership = Membership.objects.get(organization=org, user=users.admin)
    client = api_client_for(users.admin)
    url = reverse("membership-detail", args=[membership.pk])
    response = client.patch(url, {"role": "officer"}, format="json")
    assert response.status_code == 400
    assert "last administrator" in response.json()["role"][0]
    response = client_for(users.admin).post(
        _org_url("organizations:member_edit", org, pk=membership.pk),
        {"role": "viewer", "_version": 1},
    )
    assert response.status_code == 409
    membership.refresh_from_db()
    assert membership.role == "admin"


def test_it_refuses_to_remove_the_last_admin(org, users, api_client_for, client_for):
    membership = Membership.objects.get(organization=org, user=users.admin)
    response = api_client_for(users.admin).delete(
        reverse("membership-detail", args=[membership.pk])
    )
    assert response.status_code == 400
    assert "last administrator" in str(response.json())
    response = client_for(users.admin).post(
        _org_url("organizations:member_remove", org, pk=membership.pk)
    )
    assert response.status_code == 302
    assert Membership.objects.filter(pk=membership.pk).exists()


def test_it_lets_an_admin_step_down_once_there_is_another(org, users, api_client_for):
    Membership.objects.filter(organization=org, user=users.officer).update(role="admin")
    membership = Membership.objects.get(organization=org, user=users.admin)
    response = api_client_for(users.admin).patch(
        reverse("membership-detail", args=[membership.pk]), {"role": "viewer"}, format="json"
    )
    assert response.status_code == 200
    membership.refresh_from_db()
    assert membership.role == "viewer"


@pytest.mark.parametrize(
    ("valid_from", "valid_until", "has_access"),
    [
        (None, -1, False),
        (+1, +10, False),
        (-10, -1, False),
        (-1, +1, True),
        (None, 0, True),
        (None, None, True),
    ],
)
def test_it_limits_an_auditor_to_the_access_window(
    valid_from, valid_until, has_access, org, users, client_for, api_client_for
):
    today = timezone.localdate()
    Membership.objects.filter(organization=org, user=users.auditor).update(
        valid_from=None if valid_from is None else today + datetime.timedelta(days=valid_from),
        valid_until=None if valid_until is None else today + datetime.timedelta(days=valid_until),
    )
    response = client_for(users.auditor).get(reverse("dashboard", kwargs={"org": org.slug}))
    assert response.status_code == (200 if has_access else 404)
    orgs = api_client_for(users.auditor).get(reverse("organization-list")).json()["results"]
    assert [o["slug"] for o in orgs] == (["acme"] if has_access else [])


def test_it_refuses_an_access_window_that_ends_before_it_starts(org, users, api_client_for):
    response = api_client_for(users.admin).post(
        reverse("membership-list"),
        {
            "organization": org.pk,
            "email": "late@example.test",
            "role": "auditor",
            "valid_from": "2030-01-10",
            "valid_until": "2030-01-01",
        },
        format="json",
    )
    assert response.status_code == 400
    assert "valid_until" in response.json()
    assert not User.objects.filter(email="late@example.test").exists()


def test_it_shows_each_organisation_only_under_its_own_slug(org, other_org, users, client_for):
    consultant = factories.UserFactory(email="consultant@example.test")
    factories.MembershipFactory(organization=org, user=consultant, role="viewer")
    factories.MembershipFactory(organization=other_org, user=consultant, role="officer")
    ours = factories.AISystemFactory(organization=org, name="Acme scorer")
    theirs = factories.AISystemFactory(organization=other_org, name="Globex scorer")
    client = client_for(consultant)

    for current, mine, not_mine in ((org, ours, theirs), (other_org, theirs, ours)):
        response = client.get(_org_url("inventory:aisystem_list", current))
        assert [s.pk for s in response.context["page_obj"].object_list] == [mine.pk]
        assert (
            client.get(_org_url("inventory:aisystem_detail", current, pk=mine.pk)).status_code
            == 200
        )
        assert (
            client.get(_org_url("inventory:aisystem_detail", current, pk=not_mine.pk)).status_code
            == 404
        )
    # The role follows the organisation in the URL.
    assert client.get(_org_url("inventory:aisystem_add", org)).status_code == 403
    assert client.get(_org_url("inventory:aisystem_add", other_org)).status_code == 200

    response = client.get(reverse("choose_organization"))
    assert response.status_code == 200
    assert [m.organization.slug for m in response.context["memberships"]] == ["acme", "globex"]
    body = response.content.decode()
    assert "Acme Analytics" in body and "Globex" in body


def test_it_sends_home_to_the_organisation_last_used(org, other_org, users, client_for):
    factories.MembershipFactory(organization=other_org, user=users.viewer, role="viewer")
    client = client_for(users.viewer)
    assert client.get("/")["Location"] == reverse("choose_organization")
    client.get(reverse("dashboard", kwargs={"org": "globex"}))
    assert client.get("/")["Location"] == reverse("dashboard", kwargs={"org": "globex"})
    only_one = client_for(users.officer)
    assert only_one.get("/")["Location"] == reverse("dashboard", kwargs={"org": "acme"})


def test_it_hides_a_deactivated_organisation(org, users, client_for):
    org.is_active = False
    org.save()
    assert (
        client_for(users.admin).get(reverse("dashboard", kwargs={"org": org.slug})).status_code
        == 404
    )
