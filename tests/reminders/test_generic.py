"""The generic permission and change-log suite for an organisation's reminder rules, on the
page and in the API (the reminders themselves and personal preferences are not organisation
records and not in the change log, like jobs: tests/reminders/test_pages.py and
tests/reminders/test_notifications_api.py cover who sees them)."""

from __future__ import annotations

from django.urls import reverse

from reminders.forms import ReminderSettingsForm
from reminders.models import ReminderSettings
from tests import factories
from tests.conftest import ROLES
from tests.generic import EDIT_ROLES, GenericModelTests, ModelCase


def _settings(ctx):
    """The rules of ``org`` the first time; one record per organisation, so later records
    go to new organisations in which every member of ``org`` holds the same role."""
    org = ctx.org
    if ReminderSettings.objects.filter(organization=org).exists():
        org = factories.OrganizationFactory()
        for role in ROLES:
            factories.MembershipFactory(organization=org, user=ctx.users[role], role=role)
    return ReminderSettings.objects.create(organization=org, lead_days=[30, 7, 1])


def _foreign(ctx):
    found = ReminderSettings.objects.filter(organization=ctx.other_org).first()
    return found or ReminderSettings.objects.create(organization=ctx.other_org, lead_days=[7])


SETTINGS = ModelCase(
    model=ReminderSettings,
    make=_settings,
    make_foreign=_foreign,
    add_roles=EDIT_ROLES,
    delete_roles=frozenset(),
    api_basename="remindersettings",
    api_delete=False,
    create_payload=lambda ctx: {
        "organization": ctx.org.pk,
        "lead_days": [14, 3],
        "on_the_day": False,
        "escalate_overdue": True,
    },
    update_payload=lambda ctx, obj: {"lead_days": [60, 14], "on_the_day": False},
    ui_edit=lambda ctx, obj: reverse(
        "reminders_org:settings", kwargs={"org": obj.organization.slug}
    ),
    ui_form=ReminderSettingsForm,
    ui_changes={"on_the_day": False, "escalate_overdue": False},
    ui_edit_shown_to_readers=True,
)


class TestReminderSettings(GenericModelTests):
    case = SETTINGS
