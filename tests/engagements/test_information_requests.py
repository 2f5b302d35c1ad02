"""Information requests: the auditor asks, the organisation answers with text and evidence,
both read the thread; the only thing an auditor writes."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from aims.core.models import ChangeLogEntry
from aims.core.permissions import Action, forget_roles, restrict
from aims.evidence.models import EvidenceFile, EvidenceItem
from engagements import services
from engagements.models import Engagement, InformationRequest, RequestStatus
from tests import factories
from tests.evidence.factories import EvidenceFileFactory, pdf_bytes

LIST = "informationrequest-list"


def detail(pk):
    return reverse("informationrequest-detail", args=[pk])


def reply(pk):
    return reverse("informationrequest-reply", args=[pk])


def page(org, name="list", **kwargs):
    return reverse(f"information_requests:{name}", kwargs={"org": org.slug, **kwargs})


def close_window(engagement):
    """Move the engagement's window into the past: its auditors lose access."""
    start = engagement.starts_on.replace(year=engagement.starts_on.year - 1)
    Engagement.objects.filter(pk=engagement.pk).update(starts_on=start, ends_on=start)


@pytest.fixture
def second_auditor(org):
    user = factories.UserFactory(email="second@certifier.test", full_name="Second Auditor")
    factories.MembershipFactory(organization=org, user=user, role="auditor")
    return user


@pytest.fixture
def engagement(org, users):
    return factories.engage(org, users.auditor, name="Stage 2 audit")


@pytest.fixture
def evidence(org):
    """A file evidence item outside any engagement's scope (linked to nothing)."""
    return EvidenceFileFactory(
        item__organization=org, item__title="Access review Q3", content=pdf_bytes("q3")
    )


def ask(api, engagement, **extra):
    return api.post(
        reverse(LIST), {"engagement": engagement.pk, "title": "Access reviews", **extra}
    )


# --- asking --------------------------------------------------------------------------------


def test_an_auditor_asks_on_their_own_open_engagement(org, users, engagement, api_client_for):
    response = ask(api_client_for(users.auditor), engagement, details="Q3, signed.")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["reference"] == "IR-0001"
    assert body["asked_by"] == users.auditor.pk
    assert body["status"] == "open"
    assert body["organization"] == org.pk
    second = ask(api_client_for(users.auditor), engagement)
    assert second.json()["reference"] == "IR-0002"


def test_an_auditor_cannot_ask_on_another_engagement(
    org, users, engagement, second_auditor, api_client_for
):
    theirs = factories.engage(org, second_auditor, name="Internal audit")
    response = ask(api_client_for(users.auditor), theirs)
    assert response.status_code == 400
    assert list(response.json()) == ["engagement"]
    with pytest.raises(PermissionDenied):
        services.request_ask(engagement=theirs, user=users.auditor, title="Anything")
    assert not InformationRequest.objects.exists()


def test_an_auditor_out_of_the_window_cannot_ask_read_or_reply(
    org, users, engagement, api_client_for, client_for
):
    request = services.request_ask(engagement=engagement, user=users.auditor, title="Policies")
    close_window(engagement)
    engagement.refresh_from_db()
    forget_roles(users.auditor)
    api = api_client_for(users.auditor)
    assert ask(api, engagement).status_code == 400
    assert api.get(detail(request.pk)).status_code == 404
    assert api.post(reply(request.pk), {"body": "Any news?"}).status_code == 404
    assert api.get(reverse(LIST)).json()["results"] == []
    ui = client_for(users.auditor)
    assert ui.get(page(org, "detail", pk=request.pk)).status_code == 404
    assert ui.post(page(org, "reply", pk=request.pk), {"body": "Hello"}).status_code == 404
    assert ui.get(page(org, "add")).status_code == 403
    with pytest.raises(ValidationError, match="open from"):
        services.request_ask(engagement=engagement, user=users.auditor, title="Late")
    with pytest.raises(ValidationError, match="open from"):
        services.request_reply(request=request, user=users.auditor, body="Late")
    assert request.messages.count() == 0


def test_another_auditor_sees_none_of_it(
    org, users, engagement, second_auditor, api_client_for, client_for
):
    factories.engage(org, second_auditor, whole_aims=True, name="Internal audit")
    request = services.request_ask(engagement=engagement, user=users.auditor, title="Policies")
    api = api_client_for(second_auditor)
    assert api.get(detail(request.pk)).status_code == 404
    assert api.get(reverse(LIST)).json()["results"] == []
    assert api.post(reply(request.pk), {"body": "Mine too?"}).status_code == 404
    assert client_for(second_auditor).get(page(org, "detail", pk=request.pk)).status_code == 404


def test_an_auditor_links_only_what_their_scope_shows(org, users, api_client_for):
    chosen = factories.AISystemFactory(organization=org, name="Credit scoring")
    other = factories.AISystemFactory(organization=org, name="Chat assistant")
    engagement = factories.engage(org, users.auditor, systems=[chosen])
    api = api_client_for(users.auditor)
    refused = ask(api, engagement, ai_system=other.pk)
    assert refused.status_code == 400 and list(refused.json()) == ["ai_system"]
    assert ask(api, engagement, ai_system=chosen.pk).status_code == 201


def test_an_officer_records_a_request_naming_one_of_its_auditors(
    org, users, engagement, second_auditor, api_client_for
):
    api = api_client_for(users.officer)
    unnamed = ask(api, engagement)
    assert unnamed.status_code == 400 and list(unnamed.json()) == ["asked_by"]
    not_on_it = ask(api, engagement, asked_by=second_auditor.pk)
    assert not_on_it.status_code == 400 and list(not_on_it.json()) == ["asked_by"]
    response = ask(api, engagement, asked_by=users.auditor.pk)
    assert response.status_code == 201, response.content
    for role in ("contributor", "viewer"):
        refused = ask(api_client_for(users[role]), engagement, asked_by=users.auditor.pk)
        assert refused.status_code == 403


# --- answering -----------------------------------------------------------------------------


def test_an_answer_with_evidence_opens_that_evidence_to_the_engagement(
    org, users, engagement, evidence, api_client_for, client_for
):
    request = services.request_ask(engagement=engagement, user=users.auditor, title="Reviews")
    item = evidence.item
    auditor_api = api_client_for(users.auditor)
    evidence_url = reverse("evidenceitem-detail", args=[item.pk])
    download = reverse("evidence:evidence_download", kwargs={"org": org.slug, "pk": evidence.pk})
    ui = client_for(users.auditor)
    assert auditor_api.get(evidence_url).status_code == 404
    assert ui.get(download).status_code == 404

    response = api_client_for(users.officer).post(
        reply(request.pk), {"body": "Here they are.", "evidence": [item.pk]}, format="json"
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["status"] == "answered"
    assert body["messages"][0]["evidence"] == [item.pk]

    assert auditor_api.get(evidence_url).status_code == 200
    assert ui.get(download).status_code == 200
    assert b"".join(ui.get(download).streaming_content) == evidence.file.open("rb").read()
    thread = ui.get(page(org, "detail", pk=request.pk)).content.decode()
    assert "Access review Q3" in thread and download in thread
    forget_roles(users.auditor)
    assert set(
        restrict(EvidenceFile.objects.all(), users.auditor, Action.VIEW).values_list(
            "pk", flat=True
        )
    ) == {evidence.pk}
    # Only this engagement's auditors: another auditor's open engagement opens nothing.
    other = factories.UserFactory(email="third@certifier.test")
    factories.MembershipFactory(organization=org, user=other, role="auditor")
    factories.engage(org, other, name="Another audit")
    assert api_client_for(other).get(evidence_url).status_code == 404
    # And only while the window is open.
    close_window(engagement)
    assert auditor_api.get(evidence_url).status_code == 404


def test_an_auditor_follow_up_reopens_an_answered_request(org, users, engagement, api_client_for):
    request = services.request_ask(engagement=engagement, user=users.auditor, title="Reviews")
    services.request_reply(request=request, user=users.officer, body="Attached.")
    request.refresh_from_db()
    assert request.status == RequestStatus.ANSWERED and request.answered_at
    response = api_client_for(users.auditor).post(reply(request.pk), {"body": "Q2 as well?"})
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "open"
    assert [m["body"] for m in response.json()["messages"]] == ["Attached.", "Q2 as well?"]


def test_an_auditor_attaches_no_evidence(org, users, engagement, api_client_for):
    item = factories.EvidenceItemFactory(organization=org)
    factories.engage(org, users.auditor, whole_aims=True, name="Whole AIMS")  # sees the item
    request = services.request_ask(engagement=engagement, user=users.auditor, title="Reviews")
    response = api_client_for(users.auditor).post(
        reply(request.pk), {"body": "This one?", "evidence": [item.pk]}, format="json"
    )
    assert response.status_code == 400 and list(response.json()) == ["evidence"]
    assert request.messages.count() == 0


def test_officers_attach_only_their_organisations_evidence(
    org, other_org, users, engagement, api_client_for
):
    request = services.request_ask(engagement=engagement, user=users.auditor, title="Reviews")
    foreign = factories.EvidenceItemFactory(organization=other_org)
    with pytest.raises(ValidationError) as refused:
        services.request_reply(request=request, user=users.officer, body="x", evidence=[foreign])
    assert list(refused.value.message_dict) == ["evidence"]
    empty = api_client_for(users.officer).post(reply(request.pk), {"body": "  "})
    assert empty.status_code == 400 and list(empty.json()) == ["body"]


def test_contributors_and_viewers_read_but_cannot_answer_or_close(
    org, users, engagement, api_client_for, client_for
):
    request = services.request_ask(engagement=engagement, user=users.auditor, title="Reviews")
    for role in ("contributor", "viewer"):
        api = api_client_for(users[role])
        assert api.get(detail(request.pk)).status_code == 200
        assert api.post(reply(request.pk), {"body": "Answer"}).status_code == 403
        close = reverse("informationrequest-close", args=[request.pk])
        assert api.post(close).status_code == 403
        ui = client_for(users[role])
        assert ui.post(page(org, "reply", pk=request.pk), {"body": "Answer"}).status_code == 403
        assert ui.post(page(org, "close", pk=request.pk)).status_code == 403
        assert 'name="body"' not in ui.get(page(org, "detail", pk=request.pk)).content.decode()
    request.refresh_from_db()
    assert request.status == RequestStatus.OPEN and request.messages.count() == 0


def test_an_auditor_cannot_close_edit_or_delete(org, users, engagement, api_client_for):
    request = services.request_ask(engagement=engagement, user=users.auditor, title="Reviews")
    api = api_client_for(users.auditor)
    assert api.post(reverse("informationrequest-close", args=[request.pk])).status_code == 403
    assert api.patch(detail(request.pk), {"title": "Changed"}).status_code == 405
    assert api.delete(detail(request.pk)).status_code == 405
    request.refresh_from_db()
    assert request.status == RequestStatus.OPEN and request.title == "Reviews"


# --- closing -------------------------------------------------------------------------------


def test_a_closed_request_takes_no_messages_until_reopened(
    org, users, engagement, api_client_for, client_for
):
    request = services.request_ask(engagement=engagement, user=users.auditor, title="Reviews")
    officer = api_client_for(users.officer)
    closed = officer.post(reverse("informationrequest-close", args=[request.pk]))
    assert closed.status_code == 200 and closed.json()["status"] == "closed"
    request.refresh_from_db()
    assert request.closed_by == users.officer and request.closed_at
    for user in (users.auditor, users.officer):
        response = api_client_for(user).post(reply(request.pk), {"body": "One more thing"})
        assert response.status_code == 400
        assert "closed" in response.json()["non_field_errors"][0]
    text = client_for(users.auditor).get(page(org, "detail", pk=request.pk)).content.decode()
    assert "takes no more messages" in text and 'name="body"' not in text
    again = officer.post(reverse("informationrequest-close", args=[request.pk]))
    assert again.status_code == 400
    reopened = client_for(users.officer).post(page(org, "reopen", pk=request.pk))
    assert reopened.status_code == 302
    request.refresh_from_db()
    assert request.status == RequestStatus.OPEN and request.closed_at is None
    assert api_client_for(users.auditor).post(reply(request.pk), {"body": "x"}).status_code == 200


# --- the pages -----------------------------------------------------------------------------


def test_the_auditor_asks_and_follows_up_in_the_portal(org, users, engagement, client_for):
    ui = client_for(users.auditor)
    form = ui.get(page(org, "add")).content.decode()
    assert 'name="asked_by"' not in form and "Stage 2 audit" in form
    due = (timezone.localdate() + datetime.timedelta(days=3)).isoformat()
    response = ui.post(
        page(org, "add"), {"engagement": engagement.pk, "title": "Model cards", "due_on": due}
    )
    assert response.status_code == 302
    request = InformationRequest.objects.get()
    assert request.asked_by == users.auditor
    thread = ui.get(page(org, "detail", pk=request.pk)).content.decode()
    assert 'name="body"' in thread and 'name="evidence"' not in thread
    officer_view = client_for(users.officer).get(page(org, "detail", pk=request.pk))
    assert 'name="body"' in officer_view.content.decode()
    assert 'name="evidence"' in officer_view.content.decode()
    assert ui.post(page(org, "reply", pk=request.pk), {"body": "By Friday?"}).status_code == 302
    assert ui.get(page(org, "history", pk=request.pk)).status_code == 200
    past = (timezone.localdate() - datetime.timedelta(days=1)).isoformat()
    refused = ui.post(
        page(org, "add"), {"engagement": engagement.pk, "title": "Late", "due_on": past}
    )
    assert refused.status_code == 400 and "in the past" in refused.content.decode()


def test_the_list_marks_overdue_requests_and_filters(org, users, engagement, client_for):
    late = services.request_ask(engagement=engagement, user=users.auditor, title="Late one")
    InformationRequest.objects.filter(pk=late.pk).update(
        due_on=timezone.localdate() - datetime.timedelta(days=2)
    )
    services.request_ask(engagement=engagement, user=users.auditor, title="Fresh one")
    ui = client_for(users.officer)
    text = ui.get(page(org)).content.decode()
    assert "overdue by 2 days" in text
    overdue = ui.get(page(org), {"overdue": "true"})
    assert [r.pk for r in overdue.context["page_obj"].object_list] == [late.pk]
    assert ui.get(page(org), {"status": "closed"}).context["page_obj"].paginator.count == 0
    assert "Information requests" in ui.get(page(org)).content.decode()


def test_every_write_is_in_the_change_log(org, users, engagement, evidence, api_client_for):
    auditor, officer = api_client_for(users.auditor), api_client_for(users.officer)
    since = ChangeLogEntry.objects.order_by("-seq").values_list("seq", flat=True).first() or 0
    created = ask(auditor, engagement).json()
    officer.post(
        reply(created["id"]), {"body": "Here.", "evidence": [evidence.item.pk]}, format="json"
    )
    officer.post(reverse("informationrequest-close", args=[created["id"]]))
    rows = ChangeLogEntry.objects.filter(seq__gt=since).order_by("seq")
    seen = [(r.content_type.model, r.action, r.actor_id) for r in rows]
    assert ("informationrequest", "create", users.auditor.pk) in seen
    assert ("informationrequestmessage", "create", users.officer.pk) in seen
    assert seen.count(("informationrequest", "update", users.officer.pk)) == 2  # answered, closed
    assert [str(r) for r in rows if r.organization_id != org.pk] == []
    assert any(r.action == "update" and r.after.get("status") == "closed" for r in rows)
    evidence_rows = [r for r in rows if r.content_type.model == "informationrequestmessage"]
    assert len(evidence_rows) >= 2  # the message and its evidence link


def test_the_scopes_cost_a_bounded_number_of_queries(
    org, users, django_assert_max_num_queries, evidence
):
    from engagements.scopes import open_scopes_of

    for n in range(3):
        engagement = factories.engage(org, users.auditor, name=f"Audit {n}")
        request = services.request_ask(engagement=engagement, user=users.auditor, title="x")
        services.request_reply(
            request=request, user=users.officer, body="y", evidence=[evidence.item]
        )
    with django_assert_max_num_queries(5):
        scopes = open_scopes_of(users.auditor)
    assert [s.shared["evidence.evidenceitem"] for s in scopes] == [
        frozenset({evidence.item.pk})
    ] * 3
    assert EvidenceItem.objects.count() == 1


def test_an_engagement_with_requests_is_kept(org, users, engagement, api_client_for):
    services.request_ask(engagement=engagement, user=users.auditor, title="Reviews")
    response = api_client_for(users.officer).delete(
        reverse("engagement-detail", args=[engagement.pk])
    )
    assert response.status_code == 400
    assert Engagement.objects.filter(pk=engagement.pk).exists()
