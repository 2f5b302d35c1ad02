"""``seed_demo``: the demo's people find reminders of what falls due, once."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command

from aims.organizations.models import User
from reminders.models import Reminder

pytestmark = pytest.mark.django_db


def test_the_demo_officer_finds_reminders_and_a_second_seed_adds_none():
    call_command("seed_demo", stdout=StringIO())
    officer = User.objects.get(email="officer@northwind.example")
    mine = Reminder.objects.filter(recipient=officer)
    assert mine.exists()
    assert all(r.url.startswith("/o/") for r in mine)
    total = Reminder.objects.count()
    call_command("seed_demo", stdout=StringIO())
    assert Reminder.objects.count() == total
