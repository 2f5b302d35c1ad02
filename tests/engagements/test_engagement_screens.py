"""The officer opens an engagement in the browser or the API, choosing or inviting auditors."""

from __future__ import annotations

import datetime

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from aims.core.permissions import Role
from aims.organizations.models import Membership, User
from engagements.models import Engagement
from engagements.services import engagement_invite_auditors
from tests import factories


def _url(name, org, **kwargs):
    return reverse(f"engagements:{name}", kwargs={"org": org.slug, **kwargs})


def _form(**changes):
    today = timezone.localdate()
    data = {
        "name": "Surveillance audit 2027",
        "body": "certification",
        "body_name": "Certifier Ltd",
        "stage": "surveillance",
        "starts_on": today.isoformat(),
        "ends_on": (today + datetime.timedelta(days=14)).isoformat(),
        "whole_aims": "on",
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def test_an_officer_invites_an_external_auditor_who_gets_a_set_password_mail(
    org, users, client_for, django_capture_on_commit_callbacks
):
    system = factories.AISystemFactory(organization=org, name="Credit scoring")
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(users.officer).post(
            _url("engagement_add", org),
            _form(
                whole_aims=None,
                ai_systems=[system.pk],
                invite="Lead.Auditor@Certifier.example\n\nlead.auditor@certifier.example",
            ),
        )
    assert response.status_code == 302, response.context and response.context["form"].errors
    engagement = Engagement.objects.get(name="Surveillance audit 2027")
    invited = User.objects.get(email="lead.auditor@certifier.example")
    assert list(engagement.auditors.all()) == [invited]
    assert not invited.has_usable_password()
    assert Membership.objects.get(organization=org, user=invited).role == Role.AUDITOR
    assert [m.to for m in mail.outbox] == [["lead.auditor@certifier.example"]]
    assert list(engagement.ai_systems.all()) == [system]

    detail = client_for(users.officer).get(response["Location"]).content.decode()
    assert "Invited, no password set yet" in detail
    assert "Credit scoring" in detail


def test_a_member_in_another_role_cannot_be_invited_as_auditor(org, users, client_for):
    response = client_for(users.officer).post(
        _url("engagement_add", org), _form(invite=users.contributor.email)
    )
    assert response.status_code == 409
    assert "needs the auditor role" in str(response.context["form"].errors["invite"])
    assert not Engagement.objects.exists()
    assert Membership.objects.get(organization=org, user=users.contributor).role == "contributor"


def test_a_bad_invitation_address_is_refused_and_nothing_is_saved(org, users, client_for):
    response = client_for(users.officer).post(
        _url("engagement_add", org), _form(invite="auditor@certifier.example\nnot-an-address")
    )
    assert response.status_code == 400
    assert "Not an e-mail address: not-an-address" in str(response.context["form"].errors)
    assert not Engagement.objects.exists()
    assert not User.objects.filter(email="auditor@certifier.example").exists()


def test_a_limited_engagement_needs_something_chosen(org, users, client_for, api_client_for):
    response = client_for(users.officer).post(_url("engagement_add", org), _form(whole_aims=None))
    assert response.status_code == 400
    assert "Choose the AI systems, clauses or controls" in str(response.context["form"].errors)
    payload = {**_form(whole_aims=None), "organization": org.pk, "whole_aims": False}
    response = api_client_for(users.officer).post(
        reverse("engagement-list"), payload, format="json"
    )
    assert response.status_code == 400
    assert list(response.json()) == ["whole_aims"]
    assert not Engagement.objects.exists()


def test_the_api_invites_auditors_too(org, users, api_client_for):
    payload = {
        **_form(),
        "organization": org.pk,
        "whole_aims": True,
        "invite": ["second.auditor@certifier.example", users.auditor.email],
    }
    response = api_client_for(users.officer).post(
        reverse("engagement-list"), payload, format="json"
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert "invite" not in body and body["state"] == "open"
    engagement = Engagement.objects.get(pk=body["id"])
    assert {u.email for u in engagement.auditors.all()} == {
        "second.auditor@certifier.example",
        users.auditor.email,
    }
    assert set(body["auditors"]) == set(engagement.auditors.values_list("pk", flat=True))


def test_only_an_editor_may_invite(org, users, api_client_for):
    engagement = factories.engage(org, users.auditor, whole_aims=True)
    for role in ("contributor", "viewer", "auditor"):
        response = api_client_for(users[role]).patch(
            reverse("engagement-detail", args=[engagement.pk]),
            {"invite": ["someone@certifier.example"]},
            format="json",
        )
        assert response.status_code in (403, 404), (role, response.status_code)
    assert not User.objects.filter(email="someone@certifier.example").exists()
    for role in ("contributor", "viewer", "auditor"):
        with pytest.raises(PermissionDenied):
            engagement_invite_auditors(
                engagement=engagement, emails=["someone@certifier.example"], actor=users[role]
            )
    assert not User.objects.filter(email="someone@certifier.example").exists()


def test_an_auditor_reads_their_engagement_and_cannot_change_it(org, users, client_for):
    mine = factories.engage(org, users.auditor, whole_aims=True, name="Stage 1 audit")
    factories.engage(org, factories.UserFactory(), whole_aims=True, name="Someone else's audit")
    client = client_for(users.auditor)
    listing = client.get(_url("engagement_list", org)).content.decode()
    assert "Stage 1 audit" in listing
    assert "Someone else" not in listing
    assert "Add auditor engagement" not in listing
    detail = client.get(_url("engagement_detail", org, pk=mine.pk)).content.decode()
    assert "The whole AIMS" in detail
    assert _url("engagement_edit", org, pk=mine.pk) not in detail
    assert "Invited, no password set yet" not in detail
    assert client.get(_url("engagement_edit", org, pk=mine.pk)).status_code == 403
    response = client.post(_url("engagement_edit", org, pk=mine.pk), _form(_version=1))
    assert response.status_code == 403
    mine.refresh_from_db()
    assert mine.name == "Stage 1 audit"
