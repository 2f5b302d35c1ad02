"""Who raised a concern is visible to no one but them: not officers, admins or auditors,
not the API, the change log, the History tab, the activity log or the admin."""

from __future__ import annotations

import json
import re

import pytest
from django.urls import reverse

from aims.core.changelog import history_for
from aims.core.models import ChangeLogEntry
from policies.models import Concern
from policies.services.support import concern_close, concern_raise, concern_review
from tests import factories

pytestmark = pytest.mark.django_db

SECRET_NAME = "Rowena Whistle"
SECRET_EMAIL = "rowena.whistle@acme.test"


@pytest.fixture
def reporter(org):
    user = factories.UserFactory(email=SECRET_EMAIL, full_name=SECRET_NAME)
    factories.MembershipFactory(organization=org, user=user, role="contributor")
    return user


@pytest.fixture
def concern(org, users, reporter, client_for):
    """Raised through the page by the reporter, then handled by the officer."""
    response = client_for(reporter).post(
        reverse("policies:concern_add", kwargs={"org": org.slug}),
        {
            "summary": "Model drifts on night shifts",
            "description": "Alerts go unseen.",
            "category": "safety",
        },
    )
    assert response.status_code == 302
    raised = Concern.objects.get(summary="Model drifts on night shifts")
    concern_review(concern=raised, actor=users.officer, note="Looking at the logs.")
    return concern_close(
        concern=raised,
        actor=users.officer,
        status="resolved",
        resolution="Monitoring added for night shifts.",
        reply="Thank you: monitoring now covers night shifts.",
    )


def _names_reporter(content: bytes | str) -> bool:
    """The reporter's name or e-mail appears, leaving aside the list of members the
    "handled by" choice offers (every member is in it, the reporter among them)."""
    text = content.decode() if isinstance(content, bytes) else content
    text = re.sub(r'<select name="handler".*?</select>', "", text, flags=re.S)
    return SECRET_NAME in text or SECRET_EMAIL in text


def test_it_keeps_the_reporter_on_the_record_only(concern, reporter):
    assert concern.reporter_id == reporter.pk
    rows = list(history_for(concern))
    assert rows, "the concern's changes are logged"
    for row in rows:
        assert "reporter" not in (row.before or {}) and "reporter_id" not in (row.before or {})
        assert "reporter" not in (row.after or {}) and "reporter_id" not in (row.after or {})
        assert row.actor_id != reporter.pk
        assert not _names_reporter(json.dumps([row.before, row.after, row.actor_label]))
    create = next(r for r in rows if r.action == "create")
    assert create.actor_id is None and create.actor_label == ""


def test_it_never_names_the_reporter_in_the_change_log_at_all(concern, reporter):
    assert not ChangeLogEntry.objects.filter(actor=reporter).exists()
    for row in ChangeLogEntry.objects.filter(object_id=str(concern.pk)):
        assert not _names_reporter(json.dumps([row.before, row.after]))


@pytest.mark.parametrize("role", ["admin", "officer"])
def test_officers_and_admins_see_the_concern_but_not_who_raised_it(
    concern, users, role, org, client_for, api_client_for
):
    client = client_for(users[role])
    for name in ("concern_detail", "concern_history", "concern_edit"):
        page = client.get(reverse(f"policies:{name}", kwargs={"org": org.slug, "pk": concern.pk}))
        assert page.status_code == 200
        assert concern.summary in page.content.decode()
        assert not _names_reporter(page.content), name
    listing = client.get(reverse("policies:concern_list", kwargs={"org": org.slug}))
    assert concern.summary in listing.content.decode() and not _names_reporter(listing.content)
    api = api_client_for(users[role])
    detail = api.get(reverse("concern-detail", args=[concern.pk]))
    assert detail.status_code == 200
    assert "reporter" not in detail.json() and detail.json()["raised_by_me"] is False
    assert not _names_reporter(detail.content)
    changes = api.get(reverse("changelogentry-list"), {"model": "concern", "page_size": 500})
    assert changes.status_code == 200 and changes.json()["count"] >= 3
    assert not _names_reporter(changes.content)


def test_an_officer_cannot_filter_concerns_by_reporter(concern, users, reporter, api_client_for):
    api = api_client_for(users.officer)
    listed = api.get(reverse("concern-list"), {"reporter": reporter.pk}).json()["results"]
    assert [c["id"] for c in listed] == [concern.pk]  # the parameter is no filter: all shown
    mine = api.get(reverse("concern-list"), {"mine": "true"}).json()["results"]
    assert mine == []  # "raised by me" is about the caller only


def test_an_auditor_in_scope_sees_the_concern_without_its_reporter(
    concern, users, org, client_for, api_client_for
):
    factories.engage(org, users.auditor, whole_aims=True)
    page = client_for(users.auditor).get(
        reverse("policies:concern_detail", kwargs={"org": org.slug, "pk": concern.pk})
    )
    assert page.status_code == 200 and not _names_reporter(page.content)
    history = client_for(users.auditor).get(
        reverse("policies:concern_history", kwargs={"org": org.slug, "pk": concern.pk})
    )
    assert history.status_code == 200 and not _names_reporter(history.content)
    detail = api_client_for(users.auditor).get(reverse("concern-detail", args=[concern.pk]))
    assert detail.status_code == 200 and not _names_reporter(detail.content)
    assert detail.json()["handling_notes"]  # auditors read how it was handled


def test_the_admin_site_does_not_show_the_reporter(concern, client_for, settings):
    settings.ADMIN_REQUIRE_MFA = False  # the admin door is tested in tests/signin
    operator = factories.UserFactory(email="ops@acme.test", is_staff=True, is_superuser=True)
    client = client_for(operator)
    change = client.get(reverse("admin:policies_concern_change", args=[concern.pk]))
    assert change.status_code == 200
    assert concern.summary in change.content.decode()
    assert not _names_reporter(change.content)
    changelist = client.get(reverse("admin:policies_concern_changelist"))
    assert changelist.status_code == 200 and not _names_reporter(changelist.content)


def test_the_reporter_sees_their_own_concern_and_the_reply(
    concern, reporter, org, client_for, api_client_for
):
    client = client_for(reporter)
    listing = client.get(reverse("policies:concern_list", kwargs={"org": org.slug}))
    assert concern.pk in {c.pk for c in listing.context["page_obj"].object_list}
    page = client.get(
        reverse("policies:concern_detail", kwargs={"org": org.slug, "pk": concern.pk})
    )
    assert page.status_code == 200
    text = page.content.decode()
    assert "monitoring now covers night shifts" in text
    assert "Looking at the logs." not in text  # handling notes stay with the handlers
    # Reading is all they do: no handling, no history with the handlers' notes.
    assert (
        client.get(
            reverse("policies:concern_edit", kwargs={"org": org.slug, "pk": concern.pk})
        ).status_code
        == 404
    )
    assert (
        client.get(
            reverse("policies:concern_history", kwargs={"org": org.slug, "pk": concern.pk})
        ).status_code
        == 404
    )
    api = api_client_for(reporter)
    detail = api.get(reverse("concern-detail", args=[concern.pk])).json()
    assert detail["raised_by_me"] is True and detail["handling_notes"] is None
    assert (
        api.patch(
            reverse("concern-detail", args=[concern.pk]), {"reply": "x"}, format="json"
        ).status_code
        == 403
    )


def test_another_member_does_not_see_someone_elses_concern(
    concern, users, org, client_for, api_client_for
):
    for role in ("contributor", "viewer"):
        page = client_for(users[role]).get(
            reverse("policies:concern_detail", kwargs={"org": org.slug, "pk": concern.pk})
        )
        assert page.status_code == 404
        assert (
            api_client_for(users[role])
            .get(reverse("concern-detail", args=[concern.pk]))
            .status_code
            == 404
        )


def test_a_concern_raised_through_the_api_names_no_actor(org, users, api_client_for):
    response = api_client_for(users.viewer).post(
        reverse("concern-list"),
        {
            "organization": org.pk,
            "summary": "Odd outputs",
            "description": "See ticket.",
            "category": "other",
        },
        format="json",
    )
    assert response.status_code == 201, response.content
    assert response.json()["raised_by_me"] is True and "reporter" not in response.json()
    row = ChangeLogEntry.objects.get(
        object_id=str(response.json()["id"]), action="create", content_type__model="concern"
    )
    assert row.actor_id is None and row.source == "api"
    assert Concern.objects.get(pk=response.json()["id"]).reporter_id == users.viewer.pk


def test_the_service_refuses_a_reporter_who_is_no_member(org, other_org, users):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        concern_raise(
            organization=org,
            reporter=users.outsider,
            summary="x",
            description="y",
            category="other",
        )
    assert not Concern.objects.exists()
