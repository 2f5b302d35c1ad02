"""The reminder scanner: which rule fires when, to whom, exactly once, across time zones,
after downtime, and at a cost that follows what falls due."""

from __future__ import annotations

import datetime
import threading

import pytest
from django.db import IntegrityError, connection, connections, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from audits.models import Incident
from reminders.models import Reminder, ReminderPreference, ReminderScan, ReminderSettings
from reminders.services import reminders_scan
from tests import factories

NOON = datetime.datetime(2026, 12, 2, 12, 0, tzinfo=datetime.UTC)  # a Wednesday


def _on(day_offset: int, now=NOON) -> datetime.date:
    return now.date() + datetime.timedelta(days=day_offset)


def _action(org, owner, due_in: int, now=NOON):
    risk = factories.RiskFactory(organization=org, owner=owner)
    return factories.TreatmentActionFactory(risk=risk, owner=owner, due_date=_on(due_in, now))


def _mine(user):
    return list(Reminder.objects.filter(recipient=user).order_by("pk"))


@pytest.fixture
def scanned_yesterday(org):
    """The organisation was scanned through yesterday (the scanner's normal state)."""
    ReminderScan.objects.create(organization=org, scanned_through=_on(-1))


def test_it_reminds_the_owner_once_at_each_lead(org, users, scanned_yesterday):
    action = _action(org, users.contributor, due_in=7)
    reminders_scan(now=NOON)
    (reminder,) = _mine(users.contributor)
    assert (reminder.rule, reminder.lead, reminder.due_on) == ("before", 7, _on(7))
    assert reminder.kind == "treatment_action" and reminder.object_id == action.pk
    assert reminder.title.startswith("In 7 days:") and reminder.url
    # The same scan again, and the next day's scan: nothing new (the 1-day notice is later).
    reminders_scan(now=NOON)
    reminders_scan(now=NOON + datetime.timedelta(days=1))
    assert len(_mine(users.contributor)) == 1
    reminders_scan(now=NOON + datetime.timedelta(days=6))
    assert [r.lead for r in _mine(users.contributor)] == [7, 1]


def test_the_day_itself_and_an_overdue_escalation_to_the_officers(org, users, scanned_yesterday):
    _action(org, users.contributor, due_in=0)
    reminders_scan(now=NOON)
    assert [r.rule for r in _mine(users.contributor)] == ["on_date"]
    assert not _mine(users.officer)
    reminders_scan(now=NOON + datetime.timedelta(days=1))
    assert [r.rule for r in _mine(users.contributor)] == ["on_date", "overdue"]
    (escalated,) = _mine(users.officer)
    assert escalated.rule == "overdue" and escalated.escalation is True
    # Once: the next days add nothing.
    reminders_scan(now=NOON + datetime.timedelta(days=5))
    assert len(_mine(users.officer)) == 1


def test_an_organisation_may_turn_the_escalation_off_and_choose_its_leads(
    org, users, scanned_yesterday
):
    ReminderSettings.objects.create(
        organization=org, lead_days=[14], on_the_day=False, escalate_overdue=False
    )
    _action(org, users.contributor, due_in=14)
    _action(org, users.contributor, due_in=7)  # no 7-day notice here
    _action(org, users.contributor, due_in=-1)
    reminders_scan(now=NOON)
    assert sorted((r.rule, r.lead) for r in _mine(users.contributor)) == [
        ("before", 14),
        ("overdue", 0),
    ]
    assert not _mine(users.officer)


def test_a_kind_may_have_its_own_days_before(org, users, scanned_yesterday):
    ReminderSettings.objects.create(
        organization=org, lead_days=[7], lead_days_by_kind={"treatment_action": [14]}
    )
    _action(org, users.contributor, due_in=14)
    _action(org, users.contributor, due_in=7)  # the kind's own days replace the 7
    factories.RiskFactory(organization=org, owner=users.contributor, next_review_date=_on(7))
    factories.RiskFactory(organization=org, owner=users.contributor, next_review_date=_on(14))
    reminders_scan(now=NOON)
    assert sorted((r.kind, r.lead) for r in _mine(users.contributor)) == [
        ("risk_review", 7),
        ("treatment_action", 14),
    ]


def test_what_fell_due_while_the_scanner_was_down_goes_out_once_on_the_next_scan(org, users):
    ReminderScan.objects.create(organization=org, scanned_through=_on(-5))
    _action(org, users.contributor, due_in=4)  # its 7-day notice fell three days ago
    _action(org, users.contributor, due_in=-3)  # became overdue two days ago
    reminders_scan(now=NOON)
    assert sorted((r.rule, r.lead) for r in _mine(users.contributor)) == [
        ("before", 7),
        ("overdue", 0),
    ]
    # Sent late, the notice counts the days that are really left.
    late = next(r for r in _mine(users.contributor) if r.rule == "before")
    assert late.title.startswith("In 4 days:"), late.title
    reminders_scan(now=NOON)
    assert len(_mine(users.contributor)) == 2


def test_the_last_days_read_tomorrow_and_today(org, users, scanned_yesterday):
    _action(org, users.contributor, due_in=1)
    _action(org, users.contributor, due_in=0)
    reminders_scan(now=NOON)
    titles = sorted(r.title.split(":")[0] for r in _mine(users.contributor))
    assert titles == ["Today", "Tomorrow"]


def test_a_long_name_is_cut_at_a_word_in_the_title(org, users, scanned_yesterday):
    risk = factories.RiskFactory(organization=org, owner=users.contributor)
    words = "Retrain the credit model on the corrected income records " * 8
    factories.TreatmentActionFactory(
        risk=risk, owner=users.contributor, due_date=_on(7), title=words.strip()[:250]
    )
    reminders_scan(now=NOON)
    (reminder,) = _mine(users.contributor)
    label = reminder.title.split(" — ")[0]
    assert label.endswith("…") and label[:-1].split()[-1] in words.split()


def test_the_day_is_the_organisations_own(org, users):
    """At 11:30 UTC on the 2nd it is already the 3rd in Auckland."""
    org.time_zone = "Pacific/Auckland"
    org.save()
    now = datetime.datetime(2026, 12, 2, 11, 30, tzinfo=datetime.UTC)
    ReminderScan.objects.create(organization=org, scanned_through=datetime.date(2026, 12, 2))
    _action(org, users.contributor, due_in=1, now=now)  # due on the 3rd: today in Auckland
    reminders_scan(now=now)
    assert [r.rule for r in _mine(users.contributor)] == ["on_date"]


def test_a_person_who_switched_a_kind_off_gets_nothing(org, users, scanned_yesterday):
    ReminderPreference.objects.create(
        user=users.contributor, kind="treatment_action", delivery="off"
    )
    _action(org, users.contributor, due_in=7)
    reminders_scan(now=NOON)
    assert not _mine(users.contributor)


def test_records_nobody_owns_go_to_the_officers(org, users, scanned_yesterday):
    factories.EvidenceItemFactory(organization=org, owner=None, valid_until=_on(7))
    reminders_scan(now=NOON)
    (reminder,) = _mine(users.officer)
    assert reminder.kind == "evidence_expiry" and not reminder.escalation


def test_a_former_member_is_not_reminded(org, users, scanned_yesterday):
    _action(org, users.contributor, due_in=7)
    users.contributor.memberships.all().delete()
    reminders_scan(now=NOON)
    assert not Reminder.objects.exists()


def test_the_incident_report_deadline_is_counted_in_hours(org, users):
    now = timezone.now()
    incident = Incident.objects.create(
        organization=org,
        title="Scoring outage",
        description="Credit scores were wrong for a day.",
        severity="critical",
        owner=users.contributor,
        detected_at=now - datetime.timedelta(hours=30),
        aware_at=now - datetime.timedelta(hours=30),
        serious_incident="widespread",  # two days
    )
    reminders_scan(now=now)  # 18 hours left: the 24-hour notice
    (owner_notice,) = _mine(users.contributor)
    assert (owner_notice.kind, owner_notice.rule, owner_notice.lead) == (
        "incident_report",
        "before",
        24,
    )
    assert owner_notice.due_at == incident.report_due
    assert [r.lead for r in _mine(users.officer)] == [24]  # a legal deadline: officers too
    reminders_scan(now=now + datetime.timedelta(minutes=30))
    assert len(_mine(users.contributor)) == 1
    reminders_scan(now=now + datetime.timedelta(hours=19))
    assert [r.rule for r in _mine(users.officer)] == ["before", "overdue"]
    incident.reported_at = now + datetime.timedelta(hours=20)
    incident.save()
    reminders_scan(now=now + datetime.timedelta(hours=21))
    assert len(_mine(users.officer)) == 2


def test_the_scan_reads_only_what_falls_due(org, users, scanned_yesterday):
    def queries() -> int:
        ReminderScan.objects.filter(organization=org).update(scanned_through=_on(-1))
        with CaptureQueriesContext(connection) as captured:
            reminders_scan(now=NOON)
        return len(captured)

    _action(org, users.contributor, due_in=7)
    queries()  # the first scan also creates its state rows and caches content types
    before = queries()
    for offset in (2, 3, 4, 5, 40, 50, 60, 70):  # nothing fires for these today
        _action(org, users.contributor, due_in=offset)
    assert queries() == before
    assert len(_mine(users.contributor)) == 1


@pytest.mark.django_db(transaction=True)
def test_two_scanners_at_once_write_each_reminder_once(org, users):
    ReminderScan.objects.create(organization=org, scanned_through=_on(-1))
    for due_in in (7, 1, 0, -1):
        _action(org, users.contributor, due_in=due_in)
    errors = []

    def scan():
        try:
            reminders_scan(now=NOON)
        except Exception as exc:
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=scan) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors
    assert sorted(r.rule for r in _mine(users.contributor)) == [
        "before",
        "before",
        "on_date",
        "overdue",
    ]
    assert len(_mine(users.officer)) == 1


def test_a_scan_over_days_already_scanned_writes_nothing_twice(org, users, scanned_yesterday):
    """The database's key, not only the window: a scan state set back (restored from a
    backup, a second installation) sends nothing again."""
    _action(org, users.contributor, due_in=7)
    reminders_scan(now=NOON)
    ReminderScan.objects.filter(organization=org).update(scanned_through=_on(-3))
    reminders_scan(now=NOON)
    assert len(_mine(users.contributor)) == 1


def test_an_engagement_window_is_announced_but_never_overdue(org, users):
    now = timezone.now()
    ReminderScan.objects.create(organization=org, scanned_through=_on(-1, now))
    factories.engage(org, users.auditor, whole_aims=True, starts_in_days=7, ends_in_days=60)
    reminders_scan(now=now)
    (notice,) = _mine(users.officer)
    assert notice.kind == "engagement" and "access opens" in notice.title
    factories.engage(org, users.auditor, whole_aims=True, starts_in_days=-1, ends_in_days=-1)
    ReminderScan.objects.filter(organization=org).update(scanned_through=_on(-1, now))
    reminders_scan(now=now)
    assert not [r for r in _mine(users.officer) if r.rule == "overdue"]


def test_a_window_announced_late_says_since_when(org, users):
    ReminderScan.objects.create(organization=org, scanned_through=_on(-5))
    factories.engage(org, users.auditor, whole_aims=True, starts_in_days=-3, ends_in_days=60)
    reminders_scan(now=timezone.now())
    (notice,) = [r for r in _mine(users.officer) if "access opens" in r.title]
    assert notice.title.startswith("Since "), notice.title


def test_the_database_holds_one_scan_row_for_the_deadlines(db):
    # A unique index treats NULLs as distinct: two scanners racing to start each created
    # the deadlines' row (organization NULL), and the next scan failed on two of them.
    ReminderScan.objects.create(organization=None)
    with pytest.raises(IntegrityError), transaction.atomic():
        ReminderScan.objects.create(organization=None)
