"""Hand-written write views are retried units of work, as the generic ones are.

A second connection makes a real deadlock with the request's first attempt: it holds the
change-log head (the last lock a unit of work takes) and, once the request waits for it,
asks for a row the request holds. Postgres aborts the request's transaction; the view is
run again from the start and succeeds, with one set of change-log rows and one effect.
Postgres only, like ``test_concurrency.py``.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

import pytest
from django.contrib.messages import get_messages
from django.core import mail
from django.db import connection, connections, models, transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from aims.core.changelog import verify_chain
from aims.core.models import ChangeLogEntry, ChangeLogHead
from aims.core.permissions import Role
from aims.core.tenancy import Membership, Organization, User
from aims.organizations import services as organization_services
from aims.organizations.models import ScopeStatement
from audits.models import CorrectiveAction, Nonconformity
from policies.models import Policy
from tests import factories
from tests.core.test_concurrency import _lock, _wait_for_a_lock_wait

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="row locks and deadlock detection need Postgres (CI runs the suite on it)",
    ),
]

REQUEST_ID = "retried-view-test"


@pytest.fixture
def admin(db):
    org = factories.OrganizationFactory(name="Acme Analytics", slug="acme")
    user = factories.UserFactory(email="admin@acme.test", full_name="Acme Admin")
    factories.MembershipFactory(organization=org, user=user, role=Role.ADMIN)
    return user, org


@pytest.fixture
def aborted(caplog):
    """The attempts ``run_atomic`` saw aborted (it logs each one before running it again)."""
    caplog.set_level(logging.INFO, logger="aims.core.transactions")

    def read() -> list[str]:
        return [r.getMessage() for r in caplog.records if "aborted" in r.getMessage()]

    return read


def _browser(user) -> Client:
    client = Client(raise_request_exception=False, HTTP_X_REQUEST_ID=REQUEST_ID)
    client.force_login(user)
    return client


def _deadlocked_once(send: Callable[[], object], row: models.Model):
    """``send()`` a request while another connection makes a deadlock with it on ``row``
    (which the request locks or writes before it chains its change-log rows)."""
    ChangeLogHead.objects.get_or_create(pk=1)
    holding = threading.Event()
    responses = []

    def other() -> None:
        try:
            with transaction.atomic():
                with connection.cursor() as cursor:
                    cursor.execute("SET LOCAL deadlock_timeout = '10s'")  # the request detects it
                    cursor.execute(
                        f"SELECT 1 FROM {ChangeLogHead._meta.db_table} WHERE id = 1 FOR UPDATE"
                    )
                holding.set()
                _wait_for_a_lock_wait()  # the request holds ``row`` and waits for the head
                _lock(type(row), row.pk)
        finally:
            connections.close_all()

    def request() -> None:
        try:
            holding.wait(timeout=10)
            responses.append(send())
        finally:
            connections.close_all()

    threads = [threading.Thread(target=other), threading.Thread(target=request)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    (response,) = responses
    return response


def _logged() -> list[tuple[str, str]]:
    """The change-log rows the request wrote: (model, action), in chain order."""
    return [
        (row.content_type.model, row.action)
        for row in ChangeLogEntry.objects.filter(request_id=REQUEST_ID)
        .select_related("content_type")
        .order_by("seq")
    ]


def _messages(response) -> list[str]:
    """The messages the request queued for the next page."""
    return [str(m) for m in get_messages(response.wsgi_request)]


def _verifying(org, owner=None) -> Nonconformity:
    nc = Nonconformity.objects.create(
        organization=org,
        title="Assessment not repeated",
        description="The model changed; the assessment did not.",
        source="internal_audit",
        root_cause="No trigger from change management.",
    )
    CorrectiveAction.objects.create(
        nonconformity=nc,
        description="Add a trigger.",
        status="done",
        completed_on=timezone.localdate(),
        owner=owner,
    )
    return Nonconformity.objects.get(pk=nc.pk)


def test_a_nonconformity_check_is_run_again_after_a_deadlock(admin, aborted):
    """audits: the effectiveness check (a hand-written POST) closes the nonconformity once;
    without the retry the first attempt's deadlock would be the "try again" page."""
    user, org = admin
    nc = _verifying(org)
    url = reverse(
        "audits:nonconformity_decision", kwargs={"org": org.slug, "pk": nc.pk, "action": "verify"}
    )
    client = _browser(user)
    response = _deadlocked_once(
        lambda: client.post(url, {"effective": "yes", "notes": "Three clean months."}), nc
    )
    assert response.status_code == 302, response.content
    assert len(aborted()) == 1 and "deadlock" in aborted()[0]
    nc.refresh_from_db()
    assert nc.status == "closed" and nc.verification_notes == "Three clean months."
    assert _logged() == [("nonconformity", "update")]
    assert _messages(response) == ["Effectiveness recorded."]  # one, from the run that counted
    assert verify_chain().ok


def test_a_scope_draft_is_started_once_after_a_deadlock(admin, aborted):
    """organizations: starting the scope's draft (numbered under the organisation's lock)
    makes one draft, not two, and says so once."""
    user, org = admin
    client = _browser(user)
    response = _deadlocked_once(
        lambda: client.post(reverse("organizations:scope", kwargs={"org": org.slug})),
        Organization.objects.get(pk=org.pk),
    )
    assert response.status_code == 302, response.content
    assert len(aborted()) == 1
    (draft,) = ScopeStatement.objects.filter(organization=org)
    assert draft.number == 1 and draft.status == "draft"
    assert response["Location"].endswith(f"/scope/{draft.pk}/edit/")
    assert _logged() == [("scopestatement", "create")]


def _deadlock_after_first_call(monkeypatch, module, name: str) -> list[int]:
    """Make ``module.name`` fail its first call as Postgres fails a deadlocked statement
    (SQLSTATE 40P01), after doing its work: the attempt has written rows and queued its
    on-commit work when it is aborted. Returns the list of calls."""
    original = getattr(module, name)
    calls: list[int] = []

    def once(*args, **kwargs):
        calls.append(1)
        result = original(*args, **kwargs)
        if len(calls) == 1:
            with connection.cursor() as cursor:
                cursor.execute(
                    "DO $$ BEGIN RAISE EXCEPTION 'deadlock detected (made by the test)' "
                    "USING ERRCODE = '40P01'; END $$"
                )
        return result

    monkeypatch.setattr(module, name, once)
    return calls


def test_a_new_member_gets_one_email_after_a_deadlock(admin, aborted, monkeypatch):
    """organizations: adding a person sends the set-password e-mail on commit, so the
    attempt rolled back sends nothing and the one that commits sends it once. (Its rows
    are new and their foreign-key checks wait for the commit, so there is no row to
    contend for: the deadlock is the database's answer to the service's last statement.)"""
    user, org = admin
    calls = _deadlock_after_first_call(monkeypatch, organization_services, "membership_add")
    response = _browser(user).post(
        reverse("organizations:member_add", kwargs={"org": org.slug}),
        {"email": "new@acme.test", "full_name": "New Person", "role": Role.VIEWER},
    )
    assert response.status_code == 302, response.content
    assert len(calls) == 2 and len(aborted()) == 1
    assert User.objects.filter(email="new@acme.test").count() == 1
    assert Membership.objects.filter(organization=org, user__email="new@acme.test").count() == 1
    assert [m.to for m in mail.outbox] == [["new@acme.test"]]
    assert len(_messages(response)) == 1
    assert sorted(_logged()) == [("membership", "create"), ("user", "create")]


def test_a_policy_is_sent_for_review_once_after_a_deadlock(admin, aborted):
    """policies: a controlled document's step (the generic document action)."""
    user, org = admin
    policy = factories._policy_of(org)
    client = _browser(user)
    url = reverse(
        "policies:policy_action", kwargs={"org": org.slug, "pk": policy.pk, "action": "submit"}
    )
    response = _deadlocked_once(lambda: client.post(url), Policy.objects.get(pk=policy.pk))
    assert response.status_code == 302, response.content
    assert _messages(response) == ["Sent for review."]
    assert len(aborted()) == 1
    policy.refresh_from_db()
    assert policy.status == "in_review"
    assert _logged() == [("policy", "update")]


def test_an_api_action_is_run_again_after_a_deadlock(admin, aborted):
    """The API's hand-written actions (``@action``) are retried by the base viewset."""
    user, org = admin
    nc = _verifying(org)
    api = APIClient(HTTP_X_REQUEST_ID=REQUEST_ID)
    api.raise_request_exception = False
    _, raw = factories.api_token(user, scope="write")
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
    response = _deadlocked_once(
        lambda: api.post(
            f"/api/v1/nonconformities/{nc.pk}/verify/",
            {"effective": True, "notes": "Checked"},
            format="json",
        ),
        nc,
    )
    assert response.status_code == 200, response.content
    assert len(aborted()) == 1
    assert response.json()["status"] == "closed"
    assert _logged() == [("nonconformity", "update")]
