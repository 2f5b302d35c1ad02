from django.contrib import admin

from reminders.models import (
    DigestSent,
    Reminder,
    ReminderPreference,
    ReminderScan,
    ReminderSettings,
)


class ReadOnlyAdmin(admin.ModelAdmin):
    """Rows the reminder engine or their owner writes, never the admin: shown read-only."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ReminderSettings)
class ReminderSettingsAdmin(admin.ModelAdmin):
    """An organisation's reminder rules; saved here, a change is in the change log like any
    other (source ``admin``). Never deleted: an organisation without them uses the defaults."""

    list_display = ("organization", "lead_days", "on_the_day", "escalate_overdue", "updated_at")
    list_filter = ("on_the_day", "escalate_overdue")
    readonly_fields = ("version", "created_at", "updated_at")

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Reminder)
class ReminderAdmin(ReadOnlyAdmin):
    """Read-only: written once by the scan, marked read by their recipient, e-mailed by the
    delivery task (``reminders.services``)."""

    list_display = (
        "title",
        "recipient",
        "organization",
        "kind",
        "rule",
        "due_on",
        "delivery",
        "email_status",
        "read_at",
    )
    list_filter = ("kind", "rule", "delivery", "email_status", "escalation")
    search_fields = ("title", "recipient__email")
    list_select_related = ("recipient", "organization")
    readonly_fields = [f.name for f in Reminder._meta.fields]


@admin.register(ReminderPreference)
class ReminderPreferenceAdmin(ReadOnlyAdmin):
    """Read-only: each person sets their own (the preferences page, the API), which also
    moves what waits to be e-mailed (``services.preferences_save``)."""

    list_display = ("user", "kind", "delivery", "updated_at")
    list_filter = ("kind", "delivery")
    search_fields = ("user__email",)
    list_select_related = ("user",)
    readonly_fields = [f.name for f in ReminderPreference._meta.fields]


@admin.register(ReminderScan)
class ReminderScanAdmin(ReadOnlyAdmin):
    """How far the scanner has looked, per organisation: its own bookkeeping."""

    list_display = ("organization", "scanned_through", "scanned_at")
    readonly_fields = [f.name for f in ReminderScan._meta.fields]


@admin.register(DigestSent)
class DigestSentAdmin(ReadOnlyAdmin):
    """The digests sent, one per person and period: the record that keeps them once."""

    list_display = ("user", "period", "period_key", "sent_at")
    list_filter = ("period",)
    readonly_fields = [f.name for f in DigestSent._meta.fields]
