"""Who sees a background job: the organisation's readers, and always the person who started it."""

from __future__ import annotations

import pytest
from django.urls import reverse

from aims.core.models import Job
from aims.core.permissions import Action, restrict
from tests import factories


@pytest.mark.parametrize(
    "role", ["admin", "officer", "contributor", "viewer", "auditor", "outsider"]
)
def test_it_shows_a_job_to_the_person_who_started_it(role, org, users, api_client_for):
    mine = factories.JobFactory(organization=org, created_by=users[role])
    platform_wide = factories.JobFactory(organization=None, created_by=users[role])
    someone_elses = factories.JobFactory(
        organization=org, created_by=users.admin if role != "admin" else None
    )
    visible = set(
        restrict(Job.objects.all(), users[role], Action.VIEW).values_list("pk", flat=True)
    )
    assert {mine.pk, platform_wide.pk} <= visible
    assert (someone_elses.pk in visible) == (role in ("admin", "officer", "contributor", "viewer"))
    ids = {
        row["id"] for row in api_client_for(users[role]).get(reverse("job-list")).json()["results"]
    }
    assert ids == visible


def test_it_keeps_jobs_read_only_even_for_their_creator(org, users, api_client_for):
    job = factories.JobFactory(organization=org, created_by=users.admin)
    client = api_client_for(users.admin)
    assert (
        client.patch(
            reverse("job-detail", args=[job.pk]), {"title": "x"}, format="json"
        ).status_code
        == 405
    )
    assert client.delete(reverse("job-detail", args=[job.pk])).status_code == 405
    assert (
        client.post(reverse("job-list"), {"kind": "x", "title": "x"}, format="json").status_code
        == 405
    )
    for action in (Action.CHANGE, Action.DELETE):
        assert not restrict(Job.objects.all(), users.admin, action).exists()
