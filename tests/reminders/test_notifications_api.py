"""The reminders API: ``notifications`` (the caller's own reminders: list, filters, mark
read, the bell's count) and ``notification-preferences`` (the caller's delivery per kind).

A reminder is personal, whoever asks: an administrator, a platform operator or an auditor
sees only their own, and anyone else's answers 404. Reminders and preferences are not in
the change log (``reminders.models``), so marking read or choosing a delivery writes none.
"""

from __future__ import annotations

import datetime

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from aims.core.models import ChangeLogEntry
from reminders.models import EmailStatus, Reminder, ReminderPreference, ReminderSettings
from reminders.sources import KINDS
from tests import factories
from tests.conftest import ROLES

LIST = reverse("notification-list")
MARK_ALL = reverse("notification-mark-all-read")
UNREAD = reverse("notification-unread-count")
PREFERENCES = reverse("notificationpreference-list")

_next_object = iter(range(1, 1_000_000))


def _detail(reminder) -> str:
    return reverse("notification-detail", args=[reminder.pk])


def _mark(reminder) -> str:
    return reverse("notification-mark-read", args=[reminder.pk])


def _preference(kind: str) -> str:
    return reverse("notificationpreference-detail", args=[kind])


def _reminder(org, user, *, kind="treatment_action", due_in=7, **fields) -> Reminder:
    return Reminder.objects.create(
        organization=org,
        recipient=user,
        kind=kind,
        rule=fields.pop("rule", "before"),
        lead=7,
        content_type=ContentType.objects.get_for_model(ReminderSettings),
        object_id=next(_next_object),
        due_on=timezone.localdate() + datetime.timedelta(days=due_in),
        title=fields.pop("title", "In 7 days: Retrain — due"),
        delivery="immediate",
        **fields,
    )


def _ids(response) -> set[int]:
    assert response.status_code == 200, response.content
    return {row["id"] for row in response.json()["results"]}


def _unread(user) -> set[int]:
    return set(
        Reminder.objects.filter(recipient=user, read_at__isnull=True).values_list("pk", flat=True)
    )


# ==== Who sees what ======================================================================


@pytest.mark.parametrize("role", ROLES)
def test_it_lists_only_the_callers_own_reminders(role, org, users, api_client_for):
    everyone = {r: _reminder(org, users[r]) for r in ROLES}
    foreign = _reminder(factories.OrganizationFactory(), users.outsider)
    client = api_client_for(users[role])
    assert _ids(client.get(LIST)) == {everyone[role].pk}
    for other, reminder in [*everyone.items(), ("outsider", foreign)]:
        expected = 200 if other == role else 404
        assert client.get(_detail(reminder)).status_code == expected, other


def test_a_platform_operator_sees_only_their_own(org, users, api_client_for):
    operator = factories.UserFactory(email="operator@aims.test", is_superuser=True)
    factories.MembershipFactory(organization=org, user=operator, role="admin")
    own = _reminder(org, operator)
    others = _reminder(org, users.admin)
    client = api_client_for(operator)
    assert _ids(client.get(LIST)) == {own.pk}
    assert client.get(_detail(others)).status_code == 404
    assert client.post(_mark(others)).status_code == 404
    assert client.get(UNREAD).json() == {"unread": 1}
    client.post(MARK_ALL, {}, format="json")
    assert _unread(users.admin) == {others.pk}


@pytest.mark.parametrize("scope", ["whole_aims", "after_the_window"])
def test_an_auditor_sees_only_their_own_whatever_the_engagement(scope, org, users, api_client_for):
    if scope == "whole_aims":
        factories.engage(org, users.auditor, whole_aims=True)
    else:
        factories.engage(org, users.auditor, whole_aims=True, starts_in_days=-30, ends_in_days=-1)
    own = _reminder(org, users.auditor)
    officers = _reminder(org, users.officer)
    client = api_client_for(users.auditor)
    assert _ids(client.get(LIST)) == {own.pk}
    assert client.get(_detail(officers)).status_code == 404
    assert client.post(_mark(officers)).status_code == 404
    assert Reminder.objects.get(pk=officers.pk).read_at is None


def test_it_needs_credentials(org, users, api_client_for):
    reminder = _reminder(org, users.viewer)
    anonymous = api_client_for(None)
    for response in (
        anonymous.get(LIST),
        anonymous.get(_detail(reminder)),
        anonymous.get(UNREAD),
        anonymous.post(_mark(reminder)),
        anonymous.post(MARK_ALL, {}, format="json"),
        anonymous.get(PREFERENCES),
        anonymous.patch(_preference("risk_review"), {"delivery": "off"}, format="json"),
    ):
        assert response.status_code == 401
    assert _unread(users.viewer) == {reminder.pk}
    assert not ReminderPreference.objects.exists()


def test_reminders_are_not_created_changed_or_deleted_through_the_api(org, users, api_client_for):
    reminder = _reminder(org, users.officer)
    client = api_client_for(users.officer)
    assert client.post(LIST, {"title": "Mine"}, format="json").status_code == 405
    assert client.patch(_detail(reminder), {"title": "Changed"}, format="json").status_code == 405
    assert client.put(_detail(reminder), {"title": "Changed"}, format="json").status_code == 405
    assert client.delete(_detail(reminder)).status_code == 405
    reminder.refresh_from_db()
    assert reminder.title == "In 7 days: Retrain — due"
    assert Reminder.objects.count() == 1


def test_a_row_reads_as_the_page_shows_it(org, users, api_client_for):
    reminder = _reminder(org, users.officer, escalation=True, rule="overdue", due_in=-1)
    client = api_client_for(users.officer)
    (row,) = client.get(LIST).json()["results"]
    assert row == client.get(_detail(reminder)).json()
    assert row["organization"] == org.pk
    assert row["kind"] == "treatment_action"
    assert row["rule"] == "overdue" and row["escalation"] is True
    assert row["record_type"] == "reminders.remindersettings"
    assert row["read"] is False and row["read_at"] is None and row["due_at"] is None
    assert row["email_status"] == EmailStatus.PENDING
    assert "email_error" not in row


# ==== Filters (the page's filter set) =====================================================


def test_it_filters_as_the_reminders_page_does(org, other_org, users, api_client_for):
    user = users.officer
    factories.MembershipFactory(organization=other_org, user=user, role="viewer")
    soon = _reminder(org, user, due_in=2)
    later = _reminder(org, user, due_in=40, kind="risk_review")
    elsewhere = _reminder(other_org, user, due_in=10, rule="on_date")
    read = _reminder(org, user, due_in=5, read_at=timezone.now())
    client = api_client_for(user)
    today = timezone.localdate()

    def listed(**params) -> set[int]:
        return _ids(client.get(LIST, params))

    assert listed() == {soon.pk, later.pk, elsewhere.pk, read.pk}
    assert listed(state="unread") == {soon.pk, later.pk, elsewhere.pk}
    assert listed(state="read") == {read.pk}
    assert listed(organization=other_org.pk) == {elsewhere.pk}
    assert listed(kind="risk_review") == {later.pk}
    assert listed(rule="on_date") == {elsewhere.pk}
    assert listed(due_from=today + datetime.timedelta(days=5)) == {later.pk, elsewhere.pk, read.pk}
    assert listed(due_until=today + datetime.timedelta(days=5)) == {soon.pk, read.pk}
    assert listed(
        due_from=today + datetime.timedelta(days=3), due_until=today + datetime.timedelta(days=10)
    ) == {elsewhere.pk, read.pk}


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"state": "maybe"}, "state"),
        ({"kind": "nonsense"}, "kind"),
        ({"due_from": "31/12/2026"}, "due_from"),
        ({"organization": "not-a-number"}, "organization"),
    ],
)
def test_a_bad_filter_is_a_400_on_the_parameter(params, field, org, users, api_client_for):
    _reminder(org, users.officer)
    response = api_client_for(users.officer).get(LIST, params)
    assert response.status_code == 400
    assert list(response.json()) == [field]


def test_an_organisation_the_caller_is_not_in_is_refused_as_a_filter(
    org, other_org, users, api_client_for
):
    _reminder(org, users.officer)
    response = api_client_for(users.officer).get(LIST, {"organization": other_org.pk})
    assert response.status_code == 400
    assert list(response.json()) == ["organization"]


# ==== Marking read ========================================================================


def test_mark_read_marks_exactly_that_reminder(org, users, api_client_for):
    user = users.contributor
    first, second = _reminder(org, user), _reminder(org, user)
    others = _reminder(org, users.officer)
    client = api_client_for(user)
    logged = ChangeLogEntry.objects.count()
    response = client.post(_mark(first))
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["id"] == first.pk and body["read"] is True and body["read_at"] is not None
    assert _unread(user) == {second.pk}
    assert _unread(users.officer) == {others.pk}
    # Reminders are not in the change log: marking read writes no row.
    assert ChangeLogEntry.objects.count() == logged
    # Again: already read, kept as it was.
    read_at = Reminder.objects.get(pk=first.pk).read_at
    again = client.post(_mark(first))
    assert again.status_code == 200 and again.json()["read"] is True
    assert Reminder.objects.get(pk=first.pk).read_at == read_at


def test_mark_all_read_marks_only_the_callers_own(org, other_org, users, api_client_for):
    user = users.officer
    factories.MembershipFactory(organization=other_org, user=user, role="viewer")
    mine = [_reminder(org, user), _reminder(org, user), _reminder(other_org, user)]
    theirs = [_reminder(org, users.admin), _reminder(other_org, users.outsider)]
    client = api_client_for(user)
    logged = ChangeLogEntry.objects.count()
    response = client.post(MARK_ALL, {}, format="json")
    assert response.status_code == 200, response.content
    assert response.json() == {"marked": 3, "unread": 0}
    assert _unread(user) == set()
    assert _unread(users.admin) == {theirs[0].pk}
    assert _unread(users.outsider) == {theirs[1].pk}
    assert ChangeLogEntry.objects.count() == logged
    assert client.post(MARK_ALL, {}, format="json").json() == {"marked": 0, "unread": 0}
    assert {r.pk for r in mine} == set(
        Reminder.objects.filter(recipient=user, read_at__isnull=False).values_list("pk", flat=True)
    )


def test_mark_all_read_of_one_organisation(org, other_org, users, api_client_for):
    user = users.officer
    factories.MembershipFactory(organization=other_org, user=user, role="viewer")
    here = [_reminder(org, user), _reminder(org, user)]
    there = _reminder(other_org, user)
    admins = _reminder(org, users.admin)
    response = api_client_for(user).post(MARK_ALL, {"organization": org.pk}, format="json")
    assert response.status_code == 200, response.content
    assert response.json() == {"marked": 2, "unread": 1}
    assert _unread(user) == {there.pk}
    assert _unread(users.admin) == {admins.pk}
    assert all(Reminder.objects.get(pk=r.pk).read_at for r in here)


@pytest.mark.parametrize("value", [999_999, "acme", [1]])
def test_mark_all_read_refuses_a_bad_organisation_and_marks_nothing(
    value, org, users, api_client_for
):
    reminder = _reminder(org, users.officer)
    response = api_client_for(users.officer).post(MARK_ALL, {"organization": value}, format="json")
    assert response.status_code == 400
    assert list(response.json()) == ["organization"]
    assert _unread(users.officer) == {reminder.pk}


def test_mark_all_read_refuses_an_organisation_out_of_reach(org, users, api_client_for):
    hidden = factories.OrganizationFactory()
    reminder = _reminder(org, users.officer)
    response = api_client_for(users.officer).post(
        MARK_ALL, {"organization": hidden.pk}, format="json"
    )
    assert response.status_code == 400 and list(response.json()) == ["organization"]
    assert _unread(users.officer) == {reminder.pk}


def test_the_unread_count_is_the_bells(org, users, api_client_for, client_for):
    user = users.viewer
    first, _second = _reminder(org, user), _reminder(org, user)
    _reminder(org, user, read_at=timezone.now())
    _reminder(org, users.officer)
    client = api_client_for(user)
    assert client.get(UNREAD).json() == {"unread": 2}
    assert ">2<" in client_for(user).get(reverse("reminders:unread")).content.decode()
    client.post(_mark(first))
    assert client.get(UNREAD).json() == {"unread": 1}


def test_a_read_only_token_marks_nothing(org, users, api_client_for):
    reminder = _reminder(org, users.officer)
    client = api_client_for(users.officer, scope="read")
    assert _ids(client.get(LIST)) == {reminder.pk}
    assert client.get(UNREAD).json() == {"unread": 1}
    assert client.post(_mark(reminder)).status_code == 403
    assert client.post(MARK_ALL, {}, format="json").status_code == 403
    assert (
        client.put(_preference("risk_review"), {"delivery": "off"}, format="json").status_code
        == 403
    )
    assert (
        client.patch(_preference("risk_review"), {"delivery": "off"}, format="json").status_code
        == 403
    )
    assert _unread(users.officer) == {reminder.pk}
    assert not ReminderPreference.objects.exists()


# ==== Query budget =======================================================================


def test_the_list_runs_a_constant_number_of_queries(
    org, users, api_client_for, django_assert_max_num_queries
):
    user = users.officer
    _reminder(org, user)
    client = api_client_for(user)
    client.get(LIST)  # warm up: token bookkeeping, content types

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            response = client.get(LIST, {"page_size": 100, "state": "unread"})
        assert response.status_code == 200
        return len(queries), response.json()["count"]

    one, rows = count()
    for _ in range(49):
        _reminder(org, user)
    many, rows_many = count()
    assert (rows, rows_many) == (1, 50)
    assert one == many, f"{one} queries for 1 notification, {many} for 50"
    with django_assert_max_num_queries(15):
        client.get(LIST, {"page_size": 100})
    with django_assert_max_num_queries(15):
        client.post(MARK_ALL, {}, format="json")
    with django_assert_max_num_queries(15):
        client.get(PREFERENCES)


# ==== Delivery preferences ===============================================================


def test_preferences_list_every_kind_with_the_default(users, api_client_for):
    ReminderPreference.objects.create(user=users.officer, kind="risk_review", delivery="weekly")
    ReminderPreference.objects.create(user=users.viewer, kind="audit", delivery="off")
    response = api_client_for(users.officer).get(PREFERENCES)
    assert response.status_code == 200
    rows = {row["kind"]: row for row in response.json()}
    assert list(rows) == list(KINDS)
    assert rows["risk_review"]["delivery"] == "weekly"
    assert rows["audit"]["delivery"] == "immediate"  # the viewer's choice is theirs alone
    assert rows["audit"]["label"] == str(KINDS["audit"])


@pytest.mark.parametrize("method", ["put", "patch"])
def test_a_preference_is_set_and_waiting_reminders_follow(method, org, users, api_client_for):
    user = users.contributor
    waiting = _reminder(org, user, kind="risk_review")
    other_kind = _reminder(org, user, kind="audit")
    client = api_client_for(user)
    response = getattr(client, method)(
        _preference("risk_review"), {"delivery": "daily"}, format="json"
    )
    assert response.status_code == 200, response.content
    assert response.json() == {
        "kind": "risk_review",
        "label": str(KINDS["risk_review"]),
        "delivery": "daily",
    }
    assert client.get(_preference("risk_review")).json()["delivery"] == "daily"
    assert ReminderPreference.objects.get(user=user, kind="risk_review").delivery == "daily"
    assert Reminder.objects.get(pk=waiting.pk).delivery == "daily"
    assert Reminder.objects.get(pk=other_kind.pk).delivery == "immediate"
    # Off: nothing waits to be e-mailed any more.
    client.patch(_preference("risk_review"), {"delivery": "off"}, format="json")
    assert Reminder.objects.get(pk=waiting.pk).email_status == EmailStatus.SKIPPED
    # Another person's choice of the same kind is untouched.
    assert not ReminderPreference.objects.filter(user=users.officer).exists()


@pytest.mark.parametrize("payload", [{"delivery": "hourly"}, {"delivery": ""}, {"delivery": None}])
def test_a_bad_delivery_is_a_400_and_nothing_changes(payload, org, users, api_client_for):
    user = users.contributor
    ReminderPreference.objects.create(user=user, kind="risk_review", delivery="weekly")
    waiting = _reminder(org, user, kind="risk_review")
    client = api_client_for(user)
    for method in ("put", "patch"):
        response = getattr(client, method)(_preference("risk_review"), payload, format="json")
        assert response.status_code == 400, response.content
        assert list(response.json()) == ["delivery"]
        assert isinstance(response.json()["delivery"], list)
    assert ReminderPreference.objects.get(user=user, kind="risk_review").delivery == "weekly"
    assert Reminder.objects.get(pk=waiting.pk).delivery == "immediate"


def test_a_put_without_a_delivery_is_a_400(users, api_client_for):
    response = api_client_for(users.viewer).put(_preference("audit"), {}, format="json")
    assert response.status_code == 400 and list(response.json()) == ["delivery"]
    assert not ReminderPreference.objects.exists()


def test_an_unknown_kind_is_a_404(users, api_client_for):
    client = api_client_for(users.viewer)
    assert client.get(_preference("nonsense")).status_code == 404
    response = client.put(_preference("nonsense"), {"delivery": "off"}, format="json")
    assert response.status_code == 404
    assert not ReminderPreference.objects.exists()
