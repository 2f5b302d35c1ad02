"""An AI incident recorded from a concern: the concern's page offers it to those who handle
concerns and may record incidents, the form starts from the concern, and the link only
takes a concern of the incident's organisation that the user may see."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from audits.models import Incident
from policies.models import Concern
from policies.services.support import concern_raise
from tests import factories

pytestmark = pytest.mark.django_db


def _concern(org, **extra):
    concern, _code = concern_raise(
        organization=org,
        summary="Loan refused by the scoring model",
        description="Refused in seconds; nobody could say why.",
        category="fairness",
        **extra,
    )
    return concern


@pytest.fixture
def system(org):
    return factories.AISystemFactory(organization=org)


@pytest.fixture
def concern(org, system):
    received = timezone.now() - datetime.timedelta(days=3)
    return _concern(org, ai_system=system, reporter_relationship="affected", received_at=received)


def _add_url(org, concern=None):
    url = reverse("audits:incident_add", kwargs={"org": org.slug})
    return f"{url}?concern={concern.pk}" if concern else url


def test_the_concern_page_offers_to_record_it_as_an_incident(concern, org, users, client_for):
    page = client_for(users.officer).get(concern.get_absolute_url()).content.decode()
    assert "Record as an AI incident" in page and _add_url(org, concern) in page
    factories.engage(org, users.auditor, whole_aims=True)
    seen = client_for(users.auditor).get(concern.get_absolute_url())
    assert seen.status_code == 200 and "Record as an AI incident" not in seen.content.decode()


def test_a_reporter_is_not_offered_to_record_their_own_concern(org, users, client_for):
    # Recording it would put their name next to the concern in the incident's change log.
    own, _code = concern_raise(
        organization=org, reporter=users.contributor, summary="S", description="D", category="other"
    )
    page = client_for(users.contributor).get(own.get_absolute_url())
    assert page.status_code == 200 and "Record as an AI incident" not in page.content.decode()


def test_the_form_starts_from_the_concern(concern, org, users, system, client_for):
    client = client_for(users.officer)
    form = client.get(_add_url(org, concern)).context["form"]
    assert form.instance.title == concern.summary
    assert form.instance.description == concern.description
    assert form.instance.detected_at == concern.created_at
    assert form.instance.reported_through == concern
    assert form.initial["ai_systems"] == [system.pk]
    assert form["reported_through"].value() == concern.pk
    sent = client.post(
        _add_url(org),
        {
            "title": concern.summary,
            "description": concern.description,
            "severity": "high",
            "status": "open",
            "detected_at": timezone.localtime(concern.created_at).strftime("%Y-%m-%dT%H:%M"),
            "reported_through": concern.pk,
            "ai_systems": [system.pk],
        },
    )
    assert sent.status_code == 302, sent.context["form"].errors
    incident = Incident.objects.get()
    assert incident.reported_through == concern
    page = client.get(incident.get_absolute_url()).content.decode()
    assert f"Reported through concern {concern}" in page and concern.get_absolute_url() in page
    # Once recorded, the concern's page links to the incident instead of offering it again.
    again = client.get(concern.get_absolute_url()).content.decode()
    assert "Record as an AI incident" not in again
    assert incident.get_absolute_url() in again and "Recorded as AI incident" in again


def test_a_concern_it_may_not_see_starts_nothing(org, other_org, users, client_for):
    foreign = _concern(other_org)
    form = client_for(users.officer).get(_add_url(org, foreign)).context["form"]
    assert form.instance.reported_through is None and form.instance.title == ""


def test_someone_who_sees_the_incident_but_not_the_concern_reads_its_reference(
    concern, org, users, client_for
):
    incident = Incident.objects.create(
        organization=org, title="T", description="D", reported_through=concern
    )
    page = client_for(users.viewer).get(incident.get_absolute_url()).content.decode()
    assert f"Reported through concern C-{concern.pk}" in page
    assert concern.summary not in page and concern.get_absolute_url() not in page


@pytest.fixture
def officer_in_both(users, other_org):
    """The officer also works for the other organisation (a consultant): they see its
    concerns, yet may not link one to an incident of the first."""
    factories.MembershipFactory(organization=other_org, user=users.officer, role="officer")
    return users.officer


def test_the_form_refuses_another_organisations_concern(
    org, other_org, officer_in_both, client_for
):
    foreign = _concern(other_org)
    response = client_for(officer_in_both).post(
        _add_url(org),
        {
            "title": "T",
            "description": "D",
            "severity": "low",
            "status": "open",
            "detected_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
            "reported_through": foreign.pk,
        },
    )
    assert response.status_code == 400
    assert "reported_through" in response.context["form"].errors
    assert foreign not in response.context["form"].fields["reported_through"].queryset
    assert not Incident.objects.exists()


@pytest.mark.parametrize("caller", ["officer_in_both", "outsider"])
def test_the_api_refuses_another_organisations_concern(
    org, other_org, users, officer_in_both, api_client_for, caller
):
    foreign = _concern(other_org)
    user = officer_in_both if caller == "officer_in_both" else users.outsider
    target = org if caller == "officer_in_both" else other_org
    own = _concern(org)  # outsider: a concern of the organisation they do not belong to
    response = api_client_for(user).post(
        "/api/v1/incidents/",
        {
            "organization": target.pk,
            "title": "T",
            "description": "D",
            "reported_through": foreign.pk if caller == "officer_in_both" else own.pk,
        },
        format="json",
    )
    assert response.status_code == 400, response.content
    assert "reported_through" in response.json()
    assert not Incident.objects.exists()


def test_the_api_links_a_concern_of_the_organisation(concern, org, users, api_client_for):
    api = api_client_for(users.officer)
    response = api.post(
        "/api/v1/incidents/",
        {"organization": org.pk, "title": "T", "description": "D", "reported_through": concern.pk},
        format="json",
    )
    assert response.status_code == 201, response.content
    assert response.json()["reported_through"] == concern.pk
    concern.delete()  # SET_NULL: the incident stays
    assert api.get(f"/api/v1/incidents/{response.json()['id']}/").json()["reported_through"] is None


def test_a_contributor_cannot_link_a_concern_they_may_not_see(concern, org, users, api_client_for):
    response = api_client_for(users.contributor).post(
        "/api/v1/incidents/",
        {"organization": org.pk, "title": "T", "description": "D", "reported_through": concern.pk},
        format="json",
    )
    assert response.status_code == 400 and "reported_through" in response.json()


def test_an_owner_who_may_not_see_the_concern_keeps_the_link_when_editing(
    concern, org, users, client_for
):
    incident = Incident.objects.create(
        organization=org,
        title="T",
        description="D",
        owner=users.contributor,
        reported_through=concern,
    )
    client = client_for(users.contributor)
    edit = reverse("audits:incident_edit", kwargs={"org": org.slug, "pk": incident.pk})
    form = client.get(edit).context["form"]
    assert form.fields["reported_through"].disabled
    assert concern.summary not in client.get(edit).content.decode()
    response = client.post(
        edit,
        {
            "title": "T2",
            "description": "D",
            "severity": "medium",
            "status": "open",
            "detected_at": timezone.localtime(incident.detected_at).strftime("%Y-%m-%dT%H:%M"),
            "reported_through": "",
            "_version": incident.version,
        },
    )
    assert response.status_code == 302, response.context["form"].errors
    incident.refresh_from_db()
    assert incident.title == "T2" and incident.reported_through == concern
    assert Concern.objects.filter(pk=concern.pk).exists()
