"""What the demo's seeding steps share: the run (people, request id, tally), the AI systems
by organisation, and dates in days from today."""

from __future__ import annotations

import datetime
from collections import Counter
from dataclasses import dataclass

from django.utils import timezone

from aims.inventory.models import AISystem
from aims.organizations.models import User

Systems = dict[str, dict[str, AISystem]]  # organisation slug → system name → system


@dataclass(frozen=True)
class SeedRun:
    """What the per-organisation steps share."""

    users: dict[str, User]  # by e-mail
    request_id: str  # on every change-log entry of the run
    created: Counter[str]  # what → how many, for the summary


def _days(n: int) -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=n)
