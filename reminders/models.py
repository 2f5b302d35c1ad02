"""Reminders: an organisation's rules, each person's delivery preferences, and the
reminders sent.

A ``Reminder`` is one message to one person about one item: its key (item, due date,
recipient, rule) is unique in the database, so a reminder is written once however often
the scanner runs, and in however many processes (``services.reminders_scan``). Its e-mail
moves pending → sending → sent under a claim, so a worker that dies mid-send leaves it to
be sent again after the claim lapses, and two workers never both send it.

Reminders and preferences are not organisation records: they are not in the change log
(like jobs). An organisation's reminder rules are (``ReminderSettings``).
"""

from __future__ import annotations

from typing import Any, ClassVar

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q, Value
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from aims.core.access import DEFAULT_ROLES, EDIT_ROLES, READ_ROLES, AccessPolicy
from aims.core.models import OrganizationScopedModel
from aims.core.permissions import Action

DEFAULT_LEAD_DAYS = (30, 7, 1)
MAX_LEAD_DAYS = 365


class Delivery(models.TextChoices):
    IMMEDIATE = "immediate", _("At once")
    DAILY = "daily", _("Daily digest")
    WEEKLY = "weekly", _("Weekly digest")
    OFF = "off", _("Off")


class Rule(models.TextChoices):
    """When a reminder goes out relative to its item's date. ``before`` carries the
    number of days (or hours, for a deadline kept to the hour) in ``Reminder.lead``."""

    BEFORE = "before", _("Before the date")
    ON_DATE = "on_date", _("On the date")
    OVERDUE = "overdue", _("Overdue")


class EmailStatus(models.TextChoices):
    PENDING = "pending", _("To send")
    SENDING = "sending", _("Being sent")
    SENT = "sent", _("Sent")
    SKIPPED = "skipped", _("Not sent by e-mail")


def validate_lead_days(value: Any) -> None:
    if not isinstance(value, list) or not value:
        raise ValidationError(_("Give at least one number of days."))
    for day in value:
        if not isinstance(day, int) or isinstance(day, bool) or not 1 <= day <= MAX_LEAD_DAYS:
            raise ValidationError(
                _("Each number of days lies between 1 and %(max)s.") % {"max": MAX_LEAD_DAYS}
            )
    if len(set(value)) != len(value):
        raise ValidationError(_("Give each number of days once."))


def validate_lead_days_by_kind(value: Any) -> None:
    """Per-kind exceptions to the organisation's days: ``{kind: [days]}``."""
    from reminders.sources import DATE_KINDS  # the sources read models of every app

    if not isinstance(value, dict):
        raise ValidationError(_("Give the days of each kind as a mapping of kind to days."))
    for kind, days in value.items():
        if kind not in DATE_KINDS:
            raise ValidationError(
                _("“%(kind)s” is not a kind of dated reminder.") % {"kind": str(kind)[:40]}
            )
        validate_lead_days(days)


def default_lead_days() -> list[int]:
    return list(DEFAULT_LEAD_DAYS)


class ReminderSettings(OrganizationScopedModel):
    """An organisation's reminder rules: how many days before a date people hear of it,
    and whether an overdue item is escalated to the officers."""

    lead_days = models.JSONField(
        _("remind this many days before"),
        default=default_lead_days,
        validators=[validate_lead_days],
        help_text=_("For example 30, 7, 1: a month, a week and a day before the date."),
    )
    lead_days_by_kind = models.JSONField(
        _("days before, by kind"),
        default=dict,
        blank=True,
        validators=[validate_lead_days_by_kind],
        help_text=_(
            "Exceptions to the days above for some kinds of date, e.g. training that expires "
            "heard of 90 and 30 days before. Kinds not named here use the days above."
        ),
    )
    on_the_day = models.BooleanField(_("remind on the day itself"), default=True)
    escalate_overdue = models.BooleanField(
        _("tell the officers when something is overdue"), default=True
    )

    access: ClassVar[AccessPolicy] = AccessPolicy(
        roles={
            Action.VIEW: READ_ROLES,
            Action.ADD: EDIT_ROLES,
            Action.CHANGE: EDIT_ROLES,
            Action.DELETE: frozenset(),
            Action.APPROVE: frozenset(),
        },
    )

    class Meta:
        verbose_name = _("reminder settings")
        verbose_name_plural = _("reminder settings")
        constraints = [
            models.UniqueConstraint(fields=["organization"], name="remindersettings_one_per_org")
        ]

    def __str__(self) -> str:
        return str(_("Reminder settings"))

    def get_absolute_url(self) -> str:
        return reverse("reminders_org:settings", kwargs={"org": self.organization.slug})

    def clean(self) -> None:
        super().clean()
        if isinstance(self.lead_days, list):
            self.lead_days = sorted(self.lead_days, reverse=True)
        if isinstance(self.lead_days_by_kind, dict):
            self.lead_days_by_kind = {
                kind: sorted(days, reverse=True) if isinstance(days, list) else days
                for kind, days in sorted(self.lead_days_by_kind.items())
            }

    def leads_for(self, kind: str) -> list[int]:
        """The days before a date of ``kind`` on which its reminders go out."""
        return self.lead_days_by_kind.get(kind) or self.lead_days


class ReminderPreference(models.Model):
    """How one person wants the reminders of one kind: at once, in a digest, or not by
    e-mail at all (``off`` also keeps them out of the product's list)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reminder_preferences"
    )
    kind = models.CharField(_("kind"), max_length=40)
    delivery = models.CharField(
        _("delivery"), max_length=10, choices=Delivery.choices, default=Delivery.IMMEDIATE
    )
    updated_at = models.DateTimeField(auto_now=True)

    access: ClassVar[AccessPolicy] = AccessPolicy(
        org_path="user__memberships__organization",
        roles={action: frozenset() for action in DEFAULT_ROLES} | {Action.ADD: frozenset()},
        personal_path="user",
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "kind"], name="reminderpreference_unique"),
            models.CheckConstraint(
                condition=Q(delivery__in=Delivery.values), name="reminderpreference_delivery"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind}: {self.delivery}"


class Reminder(models.Model):
    """One reminder to one person about one item, at one rule."""

    organization = models.ForeignKey(
        "organizations.Organization", on_delete=models.CASCADE, related_name="+"
    )
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reminders"
    )
    kind = models.CharField(max_length=40)
    rule = models.CharField(max_length=10, choices=Rule.choices)
    lead = models.PositiveSmallIntegerField(default=0)  # days (hours for deadlines) before
    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, related_name="+")
    object_id = models.PositiveBigIntegerField()
    due_on = models.DateField()  # the item's date, in the organisation's time zone
    due_at = models.DateTimeField(null=True, blank=True)  # for a deadline kept to the hour
    escalation = models.BooleanField(default=False)  # sent to an officer, not the owner
    title = models.CharField(max_length=300)
    url = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)
    delivery = models.CharField(max_length=10, choices=Delivery.choices)
    email_status = models.CharField(
        max_length=10, choices=EmailStatus.choices, default=EmailStatus.PENDING
    )
    email_claimed_at = models.DateTimeField(null=True, blank=True)
    emailed_at = models.DateTimeField(null=True, blank=True)
    email_error = models.CharField(max_length=500, blank=True)

    access: ClassVar[AccessPolicy] = AccessPolicy(
        roles={action: frozenset() for action in DEFAULT_ROLES} | {Action.ADD: frozenset()},
        read_only=True,
        personal_path="recipient",
    )

    class Meta:
        ordering = ("-created_at", "-id")
        constraints = [
            # The exactly-once key: however often the scanner runs, in however many processes.
            models.UniqueConstraint(
                fields=["content_type", "object_id", "due_on", "recipient", "rule", "lead"],
                name="reminder_once",
            ),
            models.CheckConstraint(condition=Q(rule__in=Rule.values), name="reminder_rule"),
            models.CheckConstraint(
                condition=Q(email_status__in=EmailStatus.values), name="reminder_email_status"
            ),
        ]
        indexes = [
            models.Index(fields=["recipient", "read_at"], name="reminder_unread"),
            models.Index(fields=["email_status", "delivery"], name="reminder_outbox"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def message_id(self) -> str:
        # The same for every send of this reminder: a mail system that receives it twice
        # (a worker died between sending and recording it) can tell it is one message.
        return f"<reminder-{self.pk}@aims.reminders>"


class ReminderScan(models.Model):
    """How far the scanner has looked, per organisation (its local date) and for the
    deadlines kept to the hour (one row with no organisation). Locked during a scan, so
    two scanners run one after the other."""

    organization = models.OneToOneField(
        "organizations.Organization", on_delete=models.CASCADE, null=True, related_name="+"
    )
    scanned_through = models.DateField(null=True)
    scanned_at = models.DateTimeField(null=True)

    class Meta:
        constraints = [
            # On the expression, not the column: a unique index treats NULLs as distinct,
            # so a condition on ``organization IS NULL`` let two scanners racing to start
            # each create the row of the deadlines.
            models.UniqueConstraint(
                Coalesce("organization", Value(0)), name="reminderscan_one_per_scope"
            )
        ]

    def __str__(self) -> str:
        return f"scanned through {self.scanned_through}"


class DigestSent(models.Model):
    """A digest e-mail sent to a person for a period: at most one per period."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    period = models.CharField(max_length=10, choices=Delivery.choices)
    period_key = models.CharField(max_length=20)  # "2026-12-04", or "2026-W49"
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "period", "period_key"], name="digestsent_once")
        ]

    def __str__(self) -> str:
        return f"{self.period} {self.period_key}"
