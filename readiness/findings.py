"""What a readiness rule returns, shared by every module of rules."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.utils.formats import date_format


@dataclass
class Finding:
    """What the platform found for one clause. ``fulfilled`` is None when no rule applies."""

    fulfilled: bool | None
    found: str
    todo: str = ""
    url: str | None = None


def day_label(value: datetime.date) -> str:
    return date_format(value, "j M Y")
