"""The generic permission and change-log suite for an organisation's reminder rules (the
reminders themselves and personal preferences are not organisation records and not in the
change log, like jobs: tests/reminders/test_pages.py covers who sees them)."""

from __future__ import annotations

from django.urls import reverse

from reminders.forms import ReminderSettingsForm
from reminders.models import ReminderSettings
from tests.generic import EDIT_ROLES, GenericModelTests, ModelCase


def _settings(ctx):
    return ReminderSettings.objects.create(organization=ctx.org, lead_days=[30, 7, 1])


SETTINGS = ModelCase(
    model=ReminderSettings,
    make=_settings,
    add_roles=EDIT_ROLES,
    delete_roles=frozenset(),
    ui_edit=lambda ctx, obj: reverse("reminders_org:settings", kwargs={"org": ctx.org.slug}),
    ui_form=ReminderSettingsForm,
    ui_changes={"on_the_day": False, "escalate_overdue": False},
    ui_edit_shown_to_readers=True,
)


class TestReminderSettings(GenericModelTests):
    case = SETTINGS
