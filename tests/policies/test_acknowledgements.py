"""Awareness (7.3): who was asked to acknowledge a published version, who did, and the
percentage per policy."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from policies.models import PolicyAcknowledgement
from policies.services import documents as services
from tests.policies.documents_helpers import published

pytestmark = pytest.mark.django_db


def _mine(org):
    return reverse("policies:my_acknowledgements", kwargs={"org": org.slug})


def test_a_contributor_acknowledges_from_their_page(org, users, client_for):
    policy = published(org, users.officer, users.admin, people=[users.contributor, users.viewer])
    client = client_for(users.contributor)
    page = client.get(_mine(org)).content.decode()
    assert policy.title in page and "Acknowledge" in page
    mine = PolicyAcknowledgement.objects.get(policy=policy, user=users.contributor)
    url = reverse("policies:acknowledge", kwargs={"org": org.slug, "pk": mine.pk})
    response = client.post(url, follow=True)
    assert "Thank you" in response.content.decode()
    mine.refresh_from_db()
    assert mine.acknowledged_at is not None
    assert "Nothing to acknowledge" in client.get(_mine(org)).content.decode()


def test_the_percentage_follows_the_acknowledgements(org, users, client_for):
    policy = published(
        org, users.officer, users.admin, people=[users.contributor, users.viewer, users.officer]
    )
    assert services.acknowledgement_counts([policy.pk]) == {policy.pk: (0, 3)}
    for user in (users.contributor, users.viewer):
        services.acknowledgement_acknowledge(
            acknowledgement=PolicyAcknowledgement.objects.get(policy=policy, user=user), user=user
        )
    done, asked = services.acknowledgement_counts([policy.pk])[policy.pk]
    assert (done, asked) == (2, 3)
    assert services.percent(done, asked) == 67
    page = client_for(users.officer).get(policy.get_absolute_url()).content.decode()
    assert 'data-ack-percent="67"' in page
    listing = client_for(users.officer).get(
        reverse("policies:policy_list", kwargs={"org": org.slug})
    )
    assert 'data-ack-percent="67"' in listing.content.decode()


def test_nobody_acknowledges_for_someone_else(org, users, client_for, api_client_for):
    policy = published(org, users.officer, users.admin, people=[users.viewer])
    request = PolicyAcknowledgement.objects.get(policy=policy)
    with pytest.raises(PermissionDenied):
        services.acknowledgement_acknowledge(acknowledgement=request, user=users.admin)
    api = api_client_for(users.officer).post(
        reverse("policyacknowledgement-acknowledge", args=[request.pk]), {}, format="json"
    )
    assert api.status_code == 403
    request.refresh_from_db()
    assert request.acknowledged_at is None


def test_acknowledging_through_the_api(org, users, api_client_for):
    policy = published(org, users.officer, users.admin, people=[users.contributor])
    client = api_client_for(users.contributor)
    listed = client.get(reverse("policyacknowledgement-list"), {"mine": "true"}).json()
    assert [r["policy"] for r in listed["results"]] == [policy.pk]
    pk = listed["results"][0]["id"]
    response = client.post(
        reverse("policyacknowledgement-acknowledge", args=[pk]), {}, format="json"
    )
    assert response.status_code == 200
    assert response.json()["acknowledged_at"]
    twice = client.post(reverse("policyacknowledgement-acknowledge", args=[pk]), {}, format="json")
    assert twice.status_code == 400


def test_a_superseded_version_is_no_longer_acknowledged(org, users):
    policy = published(org, users.officer, users.admin, people=[users.viewer])
    request = PolicyAcknowledgement.objects.get(policy=policy)
    services.policy_retire(version=policy, user=users.admin)
    assert not PolicyAcknowledgement.objects.filter(pk=request.pk).exists()
    policy2 = published(org, users.officer, users.admin, people=[users.viewer])
    draft = services.policy_revise(version=policy2, user=users.officer)
    with pytest.raises(ValidationError):
        PolicyAcknowledgement(organization=org, policy=draft, user=users.contributor).full_clean()


def test_asking_more_people_later(org, users, client_for):
    policy = published(org, users.officer, users.admin, people=[users.viewer])
    url = reverse("policies:policy_publish", kwargs={"org": org.slug, "pk": policy.pk})
    client = client_for(users.admin)
    empty = client.post(url, {})
    assert empty.status_code == 400
    assert "at least one role or person" in empty.content.decode()
    response = client.post(url, {"roles": ["viewer", "contributor"]})
    assert response.status_code == 302
    assert set(policy.acknowledgements.values_list("user__email", flat=True)) == {
        "viewer@acme.test",
        "contributor@acme.test",
    }


def test_policy_pages_run_a_constant_number_of_queries(org, users, client_for):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests import factories

    policy = published(org, users.officer, users.admin, people=[users.viewer])
    client = client_for(users.officer)
    urls = [
        policy.get_absolute_url(),
        reverse("policies:policy_acknowledgements", kwargs={"org": org.slug, "pk": policy.pk}),
        reverse("policies:policy_list", kwargs={"org": org.slug}),
        _mine(org),
    ]
    for url in urls:
        client.get(url)

    def counts():
        found = []
        for url in urls:
            with CaptureQueriesContext(connection) as queries:
                assert client.get(url).status_code == 200
            found.append(len(queries))
        return found

    before = counts()
    for _ in range(8):
        user = factories.UserFactory()
        factories.MembershipFactory(organization=org, user=user, role="contributor")
        services.policy_request_acknowledgements(version=policy, user=users.admin, people=[user])
        published(org, users.officer, users.admin, people=[users.officer])
    after = counts()
    assert before == after, (before, after)
    assert max(after) <= 15
