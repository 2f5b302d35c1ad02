"""``reminder-settings`` in the API: who reads and writes an organisation's reminder rules
(as on the page: every member but auditors reads, officers and administrators write),
bad input refused with nothing changed, and stale writes refused through ``If-Match``."""

from __future__ import annotations

import pytest
from django.urls import reverse

from aims.core.models import ChangeLogEntry
from reminders.models import ReminderSettings
from tests import factories

LIST = reverse("remindersettings-list")

# (caller, engagement of the auditor) → (sees the rules, may change them, may create them).
# Auditors never see the rules, whatever their engagement: the model declares no engagement
# scope. A role that sees the organisation but may not write is a 403; out of reach, a 404.
MATRIX = {
    "admin": ("seen", 200, 201),
    "officer": ("seen", 200, 201),
    "contributor": ("seen", 403, 403),
    "viewer": ("seen", 403, 403),
    "auditor": ("hidden", 404, 403),
    "auditor_whole_aims": ("hidden", 404, 403),
    "auditor_chosen_system": ("hidden", 404, 403),
    "auditor_after_the_window": ("hidden", 404, 403),
    "outsider": ("hidden", 404, 400),
}


def _detail(obj) -> str:
    return reverse("remindersettings-detail", args=[obj.pk])


def _caller(who: str, org, users):
    if not who.startswith("auditor_"):
        return users[who]
    auditor = users.auditor
    if who == "auditor_whole_aims":
        factories.engage(org, auditor, whole_aims=True)
    elif who == "auditor_chosen_system":
        factories.engage(org, auditor, systems=[factories.AISystemFactory(organization=org)])
    else:
        factories.engage(org, auditor, whole_aims=True, starts_in_days=-30, ends_in_days=-1)
    return auditor


@pytest.mark.parametrize("who", MATRIX)
def test_who_reads_and_writes_the_rules(who, org, users, api_client_for):
    sees, change, _create = MATRIX[who]
    rules = ReminderSettings.objects.create(organization=org, lead_days=[30, 7, 1])
    client = api_client_for(_caller(who, org, users))
    listed = {row["id"] for row in client.get(LIST).json()["results"]}
    assert (rules.pk in listed) == (sees == "seen")
    assert client.get(_detail(rules)).status_code == (200 if sees == "seen" else 404)
    response = client.patch(_detail(rules), {"lead_days": [10]}, format="json")
    assert response.status_code == change, response.content
    rules.refresh_from_db()
    assert rules.lead_days == ([10] if change == 200 else [30, 7, 1])
    assert client.delete(_detail(rules)).status_code == 405
    assert ReminderSettings.objects.filter(pk=rules.pk).exists()


@pytest.mark.parametrize("who", MATRIX)
def test_who_creates_the_rules(who, org, users, api_client_for):
    _sees, _change, create = MATRIX[who]
    client = api_client_for(_caller(who, org, users))
    response = client.post(
        LIST, {"organization": org.pk, "lead_days": [14, 2], "on_the_day": False}, format="json"
    )
    assert response.status_code == create, response.content
    saved = ReminderSettings.objects.filter(organization=org).first()
    if create == 201:
        assert (saved.lead_days, saved.on_the_day) == ([14, 2], False)
    else:
        assert saved is None


def test_a_read_only_token_changes_nothing(org, users, api_client_for):
    rules = ReminderSettings.objects.create(organization=org, lead_days=[30, 7, 1])
    client = api_client_for(users.admin, scope="read")
    assert client.get(_detail(rules)).status_code == 200
    assert client.patch(_detail(rules), {"lead_days": [5]}, format="json").status_code == 403
    payload = {"organization": org.pk, "lead_days": [5]}
    assert client.post(LIST, payload, format="json").status_code == 403
    rules.refresh_from_db()
    assert (rules.lead_days, rules.version) == ([30, 7, 1], 1)


@pytest.mark.parametrize(
    ("lead_days", "message"),
    [
        ([], "at least one"),
        ([0], "between 1 and 365"),
        ([400], "between 1 and 365"),
        ([7, 7], "once"),
        ("7, 1", "list"),
        (None, "null"),
    ],
)
def test_bad_lead_days_are_a_400_and_nothing_changes(
    lead_days, message, org, users, api_client_for
):
    rules = ReminderSettings.objects.create(organization=org, lead_days=[30, 7, 1])
    client = api_client_for(users.officer)
    logged = ChangeLogEntry.objects.count()
    response = client.patch(_detail(rules), {"lead_days": lead_days}, format="json")
    assert response.status_code == 400, response.content
    errors = response.json()
    assert list(errors) == ["lead_days"]
    assert message in " ".join(map(str, errors["lead_days"]))
    rules.refresh_from_db()
    assert (rules.lead_days, rules.version) == ([30, 7, 1], 1)
    assert ChangeLogEntry.objects.count() == logged


def test_a_second_record_for_an_organisation_is_refused(org, users, api_client_for):
    ReminderSettings.objects.create(organization=org, lead_days=[30])
    response = api_client_for(users.officer).post(
        LIST, {"organization": org.pk, "lead_days": [5]}, format="json"
    )
    assert response.status_code == 400, response.content
    assert ReminderSettings.objects.filter(organization=org).count() == 1


def test_the_days_are_kept_largest_first_and_the_change_is_logged(org, users, api_client_for):
    rules = ReminderSettings.objects.create(organization=org, lead_days=[30])
    client = api_client_for(users.officer)
    response = client.patch(_detail(rules), {"lead_days": [1, 60, 7]}, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["lead_days"] == [60, 7, 1]
    row = ChangeLogEntry.objects.order_by("-seq").first()
    assert (row.action, row.source, row.actor_id) == ("update", "api", users.officer.pk)
    assert (row.before["lead_days"], row.after["lead_days"]) == ([30], [60, 7, 1])


def test_a_stale_if_match_is_a_412_and_the_current_one_is_taken(org, users, api_client_for):
    rules = ReminderSettings.objects.create(organization=org, lead_days=[30])
    client = api_client_for(users.officer)
    etag = client.get(_detail(rules))["ETag"]
    assert etag == f'"{rules.pk}-1"'
    ReminderSettings.objects.get(pk=rules.pk).save()  # someone else saves: version 2
    stale = client.patch(_detail(rules), {"lead_days": [3]}, format="json", HTTP_IF_MATCH=etag)
    assert stale.status_code == 412
    rules.refresh_from_db()
    assert (rules.lead_days, rules.version) == ([30], 2)
    current = client.get(_detail(rules))["ETag"]
    response = client.put(
        _detail(rules),
        {"organization": org.pk, "lead_days": [3], "on_the_day": True, "escalate_overdue": False},
        format="json",
        HTTP_IF_MATCH=current,
    )
    assert response.status_code == 200, response.content
    assert response["ETag"] == f'"{rules.pk}-3"'
    rules.refresh_from_db()
    assert (rules.lead_days, rules.escalate_overdue) == ([3], False)


def test_per_kind_days_are_written_and_bad_ones_refused(org, users, api_client_for):
    rules = ReminderSettings.objects.create(organization=org, lead_days=[30, 7, 1])
    client = api_client_for(users.officer)
    response = client.patch(
        _detail(rules), {"lead_days_by_kind": {"training_expiry": [30, 90]}}, format="json"
    )
    assert response.status_code == 200, response.content
    assert response.json()["lead_days_by_kind"] == {"training_expiry": [90, 30]}
    rules.refresh_from_db()
    assert rules.leads_for("training_expiry") == [90, 30]
    for bad in ({"incident_report": [4]}, {"training_expiry": [0]}, {"audit": "7"}):
        response = client.patch(_detail(rules), {"lead_days_by_kind": bad}, format="json")
        assert response.status_code == 400, (bad, response.content)
        assert list(response.json()) == ["lead_days_by_kind"]
    rules.refresh_from_db()
    assert (rules.lead_days_by_kind, rules.version) == ({"training_expiry": [90, 30]}, 2)
