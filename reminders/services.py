"""The reminder engine: scan every source for what falls due, write each reminder once,
and deliver them (in the product at once; by e-mail at once or in a digest).

Exactly once: a reminder's key (item, due date, recipient, rule) is unique in the
database and written with INSERT … ON CONFLICT DO NOTHING; the scanner also locks its
per-organisation state row, so two scanners (two beat processes, a task run twice) take
turns and the second finds nothing new. E-mails are claimed before they are sent
(pending → sending, with a lease) and marked sent after; a worker that died mid-send
leaves a claim that lapses, and the reminder is sent on a later pass, with the same
Message-ID so a mail system can recognise it.

Windows: each organisation's scan covers the days since its last scan (in the
organisation's time zone), so reminders due while the scanner was down go out on the next
scan, once, and the cost of a scan follows what falls due in the window.
"""

from __future__ import annotations

import datetime
import logging
import zoneinfo
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from aims.core.access import Role
from aims.core.text import shorten
from aims.core.views import record_url
from aims.organizations.models import Membership, Organization
from reminders.models import (
    Delivery,
    DigestSent,
    EmailStatus,
    Reminder,
    ReminderPreference,
    ReminderScan,
    ReminderSettings,
    Rule,
    default_lead_days,
)
from reminders.sources import DEADLINE_SOURCES, KINDS, SOURCES, Item

log = logging.getLogger(__name__)

# Digests go out from this local hour on.
DIGEST_HOUR = 7
# How far back a first scan looks (a new organisation, a new installation).
FIRST_SCAN_DAYS = 1
SEND_BATCH = 200


@dataclass
class ScanResult:
    organizations: int = 0
    created: int = 0
    by_kind: dict[str, int] = field(default_factory=lambda: defaultdict(int))


@dataclass(frozen=True)
class _Plan:
    """An organisation's window and rules for this scan."""

    organization: Organization
    zone: Any
    start: datetime.date  # first local day not scanned yet
    today: datetime.date
    leads: tuple[int, ...]
    leads_by_kind: dict[str, tuple[int, ...]]
    on_the_day: bool
    escalate: bool

    def leads_for(self, kind: str) -> tuple[int, ...]:
        return self.leads_by_kind.get(kind) or self.leads


def _zone(organization: Organization) -> Any:
    try:
        return zoneinfo.ZoneInfo(organization.time_zone or "UTC")
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return datetime.UTC


def _members(organization_ids: Iterable[int]) -> dict[int, dict[int, str]]:
    """Current members with a role that sees the organisation's records: org → user → role."""
    today = timezone.localdate()
    found: dict[int, dict[int, str]] = defaultdict(dict)
    rows = (
        Membership.objects.filter(
            organization_id__in=list(organization_ids),
            user__is_active=True,
            role__in=[Role.ADMIN, Role.OFFICER, Role.CONTRIBUTOR, Role.VIEWER],
        )
        .filter(Q(valid_until__isnull=True) | Q(valid_until__gte=today))
        .values_list("organization_id", "user_id", "role")
    )
    for org_id, user_id, role in rows:
        found[org_id][user_id] = role
    return found


def _officers(members: dict[int, str]) -> set[int]:
    officers = {u for u, role in members.items() if role == Role.OFFICER}
    return officers or {u for u, role in members.items() if role == Role.ADMIN}


def _preferences(user_ids: Iterable[int]) -> dict[tuple[int, str], str]:
    return {
        (user_id, kind): delivery
        for user_id, kind, delivery in ReminderPreference.objects.filter(
            user_id__in=list(user_ids)
        ).values_list("user_id", "kind", "delivery")
    }


def _firing(
    plan: _Plan, due_on: datetime.date, *, kind: str, overdue: bool = True
) -> tuple[str, int] | None:
    """The most urgent rule whose day lies in the plan's window, for an item due on
    ``due_on``: (rule, lead days), or None."""
    window = (plan.start, plan.today)

    def within(day: datetime.date) -> bool:
        return window[0] <= day <= window[1]

    if overdue and within(due_on + datetime.timedelta(days=1)):
        return Rule.OVERDUE, 0
    if plan.on_the_day and within(due_on):
        return Rule.ON_DATE, 0
    for lead in sorted(plan.leads_for(kind)):  # the nearest first: a day's notice beats a month's
        if within(due_on - datetime.timedelta(days=lead)):
            return Rule.BEFORE, lead
    return None


def _title(
    item_label: str,
    what: Any,
    due_on: datetime.date,
    rule: str,
    *,
    today: datetime.date,
) -> str:
    """The reminder's line as of the scan's day. A scan catching up on days it missed (a
    queue that was down, the first scan of a new organisation) counts the days left from
    today, not from the day the rule would have fired."""
    day = due_on.strftime("%-d %b %Y")
    left = (due_on - today).days
    values = {"item": item_label, "what": what, "day": day, "n": left}
    if rule == Rule.OVERDUE:
        text = _("Overdue: %(item)s — %(what)s %(day)s") % values
    elif left > 1:
        text = _("In %(n)s days: %(item)s — %(what)s %(day)s") % values
    elif left == 1:
        text = _("Tomorrow: %(item)s — %(what)s %(day)s") % values
    elif left == 0:
        text = _("Today: %(item)s — %(what)s") % values
    else:  # a date that is never overdue (an engagement window), announced late
        text = _("Since %(day)s: %(item)s — %(what)s") % values
    return shorten(text, 300)


def _plans(
    organizations: list[Organization], states: dict[int, ReminderScan], now: datetime.datetime
) -> list[_Plan]:
    rules = {
        s.organization_id: s
        for s in ReminderSettings.objects.filter(organization__in=organizations)
    }
    plans = []
    for organization in organizations:
        zone = _zone(organization)
        today = now.astimezone(zone).date()
        state = states[organization.pk]
        start = (
            state.scanned_through + datetime.timedelta(days=1)
            if state.scanned_through
            else today - datetime.timedelta(days=FIRST_SCAN_DAYS - 1)
        )
        if start > today:
            continue
        rule = rules.get(organization.pk)
        plans.append(
            _Plan(
                organization=organization,
                zone=zone,
                start=start,
                today=today,
                leads=tuple(rule.lead_days if rule else default_lead_days()),
                leads_by_kind={
                    kind: tuple(days)
                    for kind, days in (rule.lead_days_by_kind if rule else {}).items()
                },
                on_the_day=rule.on_the_day if rule else True,
                escalate=rule.escalate_overdue if rule else True,
            )
        )
    return plans


def _new_reminder(
    *,
    item_obj: Any,
    organization_id: int,
    recipient: int,
    kind: str,
    rule: str,
    lead: int,
    due_on: datetime.date,
    due_at: datetime.datetime | None,
    title: str,
    escalation: bool,
    preferences: dict[tuple[int, str], str],
    content_types: dict[type, ContentType],
) -> Reminder | None:
    delivery = preferences.get((recipient, kind), Delivery.IMMEDIATE)
    if delivery == Delivery.OFF:
        return None
    model = type(item_obj)
    if model not in content_types:
        content_types[model] = ContentType.objects.get_for_model(model)
    return Reminder(
        organization_id=organization_id,
        recipient_id=recipient,
        kind=kind,
        rule=rule,
        lead=lead,
        content_type=content_types[model],
        object_id=item_obj.pk,
        due_on=due_on,
        due_at=due_at,
        escalation=escalation,
        title=title,
        url=record_url(item_obj) or "",
        delivery=delivery,
        email_status=EmailStatus.PENDING,
    )


def _recipients(
    item: Item, members: dict[int, str], rule: str, *, escalate: bool
) -> list[tuple[int, bool]]:
    """(user, escalation) for an item: its owners who are still members; the officers
    when nobody owns it, and on an overdue item when the organisation escalates."""
    owners = [u for u in item.owners if u in members]
    people = [(u, False) for u in owners]
    overdue = rule == Rule.OVERDUE
    if (item.source.officers and not owners) or (overdue and escalate):
        people += [(u, overdue) for u in sorted(_officers(members)) if u not in owners]
    return people


def reminders_scan(*, now: datetime.datetime | None = None) -> ScanResult:
    """One pass over every source for every organisation; safe to run anywhere, any
    number of times at once (see the module's docstring)."""
    result = ScanResult()
    now = now or timezone.now()
    with transaction.atomic():
        organizations = list(Organization.objects.order_by("pk"))
        for organization in organizations:
            ReminderScan.objects.get_or_create(organization=organization)
        # The lock: a second scanner waits here until this one has committed.
        states = {
            s.organization_id: s
            for s in ReminderScan.objects.select_for_update()
            .filter(organization__in=organizations)
            .order_by("organization_id")
        }
        plans = _plans(organizations, states, now)
        result.organizations = len(plans)
        if plans:
            _scan_dates(plans, result)
        for plan in plans:
            state = states[plan.organization.pk]
            state.scanned_through, state.scanned_at = plan.today, now
            state.save(update_fields=["scanned_through", "scanned_at"])
    result.created += _scan_deadlines(now=now, result=result)
    return result


def _scan_dates(plans: list[_Plan], result: ScanResult) -> None:
    by_org = {p.organization.pk: p for p in plans}
    # One query per source, over one indexed range per rule: the days an item would have to
    # be due on for a rule to fire in some organisation's window.
    start = min(p.start for p in plans)
    today = max(p.today for p in plans)
    members = _members(by_org)
    candidates: list[tuple[Item, _Plan, str, int, datetime.date]] = []
    for source in SOURCES:
        leads = sorted({lead for p in plans for lead in p.leads_for(source.kind)})
        ranges = [
            (start - datetime.timedelta(days=1), today - datetime.timedelta(days=1)),  # overdue
            (start, today),  # on the day
            *(
                (start + datetime.timedelta(days=lead), today + datetime.timedelta(days=lead))
                for lead in leads
            ),
        ]
        for item in source.rows(ranges):
            plan = by_org.get(item.organization_id)
            if plan is None:
                continue
            due_on = item.due_on(plan.zone)
            firing = _firing(plan, due_on, kind=source.kind, overdue=source.overdue)
            if firing is None:
                continue
            rule, lead = firing
            if source.offset_days and rule == Rule.BEFORE and lead >= source.offset_days:
                continue  # a notice as old as the request itself says nothing new
            candidates.append((item, plan, rule, lead, due_on))
    users = {u for org in members.values() for u in org}
    preferences = _preferences(users)
    content_types: dict[type, ContentType] = {}
    rows = []
    for item, plan, rule, lead, due_on in candidates:
        label = shorten(str(item.obj), 200)
        title = _title(label, item.source.what, due_on, rule, today=plan.today)
        for recipient, escalation in _recipients(
            item, members[plan.organization.pk], rule, escalate=plan.escalate
        ):
            reminder = _new_reminder(
                item_obj=item.obj,
                organization_id=plan.organization.pk,
                recipient=recipient,
                kind=item.source.kind,
                rule=rule,
                lead=lead,
                due_on=due_on,
                due_at=None,
                title=title,
                escalation=escalation,
                preferences=preferences,
                content_types=content_types,
            )
            if reminder is not None:
                rows.append(reminder)
                result.by_kind[item.source.kind] += 1
    if rows:
        # Those written before (a scan run twice) are skipped by the database.
        Reminder.objects.bulk_create(rows, ignore_conflicts=True, batch_size=500)
        result.created += len(rows)


def _scan_deadlines(*, now: datetime.datetime, result: ScanResult) -> int:
    """The deadlines kept to the hour: reminders ``lead_hours`` before, and when passed."""
    with transaction.atomic():
        state, _created = ReminderScan.objects.get_or_create(organization=None)
        state = ReminderScan.objects.select_for_update().get(pk=state.pk)
        rows = []
        content_types: dict[type, ContentType] = {}
        items = [(s, obj) for s in DEADLINE_SOURCES for obj in s.open()]
        members = _members({obj.organization_id for _s, obj in items})
        preferences = _preferences({u for org in members.values() for u in org})
        for source, obj in items:
            deadline = source.deadline(obj)
            if deadline is None:
                continue
            firing = None
            if deadline <= now:
                firing = (Rule.OVERDUE, 0)
            else:
                for hours in sorted(source.lead_hours):  # the nearest notice that applies
                    if deadline - datetime.timedelta(hours=hours) <= now:
                        firing = (Rule.BEFORE, hours)
                        break
            if firing is None:
                continue
            rule, lead = firing
            zone = _zone(obj.organization)
            local = deadline.astimezone(zone)
            if rule == Rule.OVERDUE:
                title = _("Overdue: %(item)s — %(what)s %(when)s") % {
                    "item": shorten(str(obj), 200),
                    "what": source.what,
                    "when": local.strftime("%-d %b %Y %H:%M"),
                }
            else:
                title = _("Within %(n)s hours: %(item)s — %(what)s %(when)s") % {
                    "n": lead,
                    "item": shorten(str(obj), 200),
                    "what": source.what,
                    "when": local.strftime("%-d %b %Y %H:%M"),
                }
            org_members = members.get(obj.organization_id, {})
            owners = [getattr(obj, p) for p in source.owners if getattr(obj, p) in org_members]
            # A legal deadline: the officers always hear of it, with the owner.
            people = [(u, False) for u in owners] + [
                (u, rule == Rule.OVERDUE) for u in sorted(_officers(org_members)) if u not in owners
            ]
            for recipient, escalation in people:
                reminder = _new_reminder(
                    item_obj=obj,
                    organization_id=obj.organization_id,
                    recipient=recipient,
                    kind=source.kind,
                    rule=rule,
                    lead=lead,
                    due_on=local.date(),
                    due_at=deadline,
                    title=shorten(title, 300),
                    escalation=escalation,
                    preferences=preferences,
                    content_types=content_types,
                )
                if reminder is not None:
                    rows.append(reminder)
                    result.by_kind[source.kind] += 1
        if rows:
            Reminder.objects.bulk_create(rows, ignore_conflicts=True)
        state.scanned_at = now
        state.save(update_fields=["scanned_at"])
    return len(rows)


# --- E-mail --------------------------------------------------------------------------


def email_lease() -> datetime.timedelta:
    """A claimed e-mail not marked sent after this long was abandoned (its worker died)."""
    return datetime.timedelta(seconds=settings.AIMS_REMINDER_EMAIL_LEASE_SECONDS)


def _claim(ids: Iterable[int], now: datetime.datetime) -> list[Reminder]:
    """Take the reminders still to send (or whose claim lapsed); another worker's fresh
    claim is left alone. Returns what this worker now holds."""
    lapsed = now - email_lease()
    claimable = Q(email_status=EmailStatus.PENDING) | Q(
        email_status=EmailStatus.SENDING, email_claimed_at__lt=lapsed
    )
    with transaction.atomic():
        held = list(
            Reminder.objects.select_for_update(skip_locked=True)
            .filter(claimable, pk__in=list(ids))
            .values_list("pk", flat=True)
        )
        Reminder.objects.filter(pk__in=held).update(
            email_status=EmailStatus.SENDING, email_claimed_at=now
        )
    return list(
        Reminder.objects.filter(pk__in=held)
        .select_related("recipient", "organization")
        .order_by("organization_id", "due_on", "pk")
    )


def _absolute(url: str) -> str:
    base = settings.SITE_URL.rstrip("/")
    return f"{base}{url}" if url and base else url


def _send(
    *, to: Any, subject: str, template: str, context: dict[str, Any], message_id: str
) -> None:
    context = {**context, "user": to, "base_url": settings.SITE_URL}
    with translation.override(getattr(to, "language", None) or settings.LANGUAGE_CODE):
        text = render_to_string(f"reminders/email/{template}.txt", context)
        html = render_to_string(f"reminders/email/{template}.html", context)
    message = EmailMultiAlternatives(
        subject=subject,
        body=text,
        to=[to.email],
        headers={"Message-ID": message_id},
    )
    message.attach_alternative(html, "text/html")
    message.send()


def _mark_sent(ids: list[int]) -> None:
    Reminder.objects.filter(pk__in=ids, email_status=EmailStatus.SENDING).update(
        email_status=EmailStatus.SENT, emailed_at=timezone.now(), email_error=""
    )


def _mark_failed(ids: list[int], error: Exception) -> None:
    # Back to pending: the next pass tries again.
    Reminder.objects.filter(pk__in=ids, email_status=EmailStatus.SENDING).update(
        email_status=EmailStatus.PENDING, email_claimed_at=None, email_error=str(error)[:500]
    )


def reminders_send_immediate(*, now: datetime.datetime | None = None) -> int:
    """E-mail every reminder whose recipient wants it at once; returns how many went."""
    now = now or timezone.now()
    sent = 0
    last = 0  # each reminder is tried once per pass, in id order: a failure waits for the next
    while True:
        ids = list(
            Reminder.objects.filter(delivery=Delivery.IMMEDIATE, pk__gt=last)
            .filter(
                Q(email_status=EmailStatus.PENDING)
                | Q(email_status=EmailStatus.SENDING, email_claimed_at__lt=now - email_lease())
            )
            .order_by("pk")
            .values_list("pk", flat=True)[:SEND_BATCH]
        )
        if ids:
            last = ids[-1]
        if not ids:
            return sent
        held = _claim(ids, now)
        if not held:
            return sent
        for reminder in held:
            try:
                _send(
                    to=reminder.recipient,
                    subject=reminder.title,
                    template="reminder",
                    context={"reminder": reminder, "link": _absolute(reminder.url)},
                    message_id=reminder.message_id,
                )
            except Exception as exc:
                log.warning("reminder %s not e-mailed: %s", reminder.pk, exc)
                _mark_failed([reminder.pk], exc)
                continue
            _mark_sent([reminder.pk])
            sent += 1


def _period_key(period: str, local: datetime.datetime) -> str | None:
    """The digest period a local moment falls in, once its digest may go (after
    ``DIGEST_HOUR``; a weekly one on Mondays): None before."""
    if local.hour < DIGEST_HOUR:
        return None
    if period == Delivery.DAILY:
        return local.date().isoformat()
    if local.weekday() != 0:
        return None
    year, week, _day = local.isocalendar()
    return f"{year}-W{week:02d}"


def reminders_send_digests(*, now: datetime.datetime | None = None) -> int:
    """One digest per person and period, with every reminder of theirs waiting for it;
    returns how many digests went. The person's digest hour is in the time zone of the
    organisation of their oldest waiting reminder."""
    now = now or timezone.now()
    waiting = (
        Reminder.objects.filter(delivery__in=[Delivery.DAILY, Delivery.WEEKLY])
        .filter(
            Q(email_status=EmailStatus.PENDING)
            | Q(email_status=EmailStatus.SENDING, email_claimed_at__lt=now - email_lease())
        )
        .select_related("organization")
        .order_by("recipient_id", "delivery", "pk")
    )
    groups: dict[tuple[int, str], list[Reminder]] = defaultdict(list)
    for reminder in waiting:
        groups[(reminder.recipient_id, reminder.delivery)].append(reminder)
    sent = 0
    for (user_id, period), reminders in groups.items():
        local = now.astimezone(_zone(reminders[0].organization))
        key = _period_key(period, local)
        if key is None:
            continue
        if DigestSent.objects.filter(user_id=user_id, period=period, period_key=key).exists():
            continue  # this period's digest went; these wait for the next one
        held = _claim([r.pk for r in reminders], now)
        if not held:
            continue
        recipient = held[0].recipient
        by_org: dict[str, list[Reminder]] = defaultdict(list)
        for reminder in held:
            by_org[reminder.organization.name].append(reminder)
        subject = (
            _("Your daily reminders: %(n)s items")
            if period == Delivery.DAILY
            else _("Your weekly reminders: %(n)s items")
        ) % {"n": len(held)}
        try:
            with transaction.atomic():
                DigestSent.objects.create(user_id=user_id, period=period, period_key=key)
                _send(
                    to=recipient,
                    subject=subject,
                    template="digest",
                    context={
                        "groups": [
                            (name, [(r, _absolute(r.url)) for r in items])
                            for name, items in sorted(by_org.items())
                        ],
                        "period": period,
                        "count": len(held),
                    },
                    message_id=f"<digest-{user_id}-{period}-{key}@aims.reminders>",
                )
        except Exception as exc:
            log.warning("digest for user %s not sent: %s", user_id, exc)
            _mark_failed([r.pk for r in held], exc)
            continue
        _mark_sent([r.pk for r in held])
        sent += 1
    return sent


# --- In the product ------------------------------------------------------------------


def reminders_mark_read(
    *, user: Any, ids: Iterable[int] | None = None, organization_id: int | None = None
) -> int:
    """Mark the user's own unread reminders read: those in ``ids``, or all of them when
    ``ids`` is None; with ``organization_id``, only that organisation's. Someone else's
    reminder among ``ids`` is left alone. Returns how many were marked (the page and the
    API's ``mark-read`` / ``mark-all-read`` both call this)."""
    queryset = Reminder.objects.filter(recipient=user, read_at__isnull=True)
    if ids is not None:
        queryset = queryset.filter(pk__in=list(ids))
    if organization_id is not None:
        queryset = queryset.filter(organization_id=organization_id)
    return queryset.update(read_at=timezone.now())


def unread_count(user: Any) -> int:
    """The user's unread reminders, in every organisation: the top bar's bell."""
    return Reminder.objects.filter(recipient=user, read_at__isnull=True).count()


def preferences_of(user: Any) -> list[tuple[str, Any, str]]:
    """(kind, label, delivery) for every kind of reminder, the user's choice or the default."""
    chosen = dict(ReminderPreference.objects.filter(user=user).values_list("kind", "delivery"))
    return [(kind, label, chosen.get(kind, Delivery.IMMEDIATE)) for kind, label in KINDS.items()]


@transaction.atomic
def preferences_save(*, user: Any, choices: dict[str, str]) -> None:
    """Save the user's delivery per kind (unknown kinds or deliveries are refused)."""
    from django.core.exceptions import ValidationError

    for kind, delivery in choices.items():
        if kind not in KINDS:
            raise ValidationError(_("Unknown kind of reminder: %(kind)s.") % {"kind": kind})
        if delivery not in Delivery.values:
            raise ValidationError(_("Unknown delivery: %(d)s.") % {"d": delivery})
    for kind, delivery in choices.items():
        ReminderPreference.objects.update_or_create(
            user=user, kind=kind, defaults={"delivery": delivery}
        )
        # What waits to be e-mailed follows the new choice.
        waiting = Reminder.objects.filter(
            recipient=user, kind=kind, email_status=EmailStatus.PENDING
        )
        if delivery == Delivery.OFF:
            waiting.update(email_status=EmailStatus.SKIPPED, delivery=delivery)
        else:
            waiting.update(delivery=delivery)
