"""Input rules every API serializer and UI form applies, whatever the field.

- **Plausible dates.** A date (or date-time) outside ``EARLIEST_DATE``..``LATEST_DATE``
  (1900-01-01 to 2200-12-31) is a typing slip, not a plan: a next review on 0001-01-01
  would show as overdue by centuries, one on 9999-12-31 would never come due. The range is
  fixed (not relative to today) so a record keeps validating as the years pass.
- **Storable values.** Postgres refuses the NUL character (``\\x00``) in text and in
  ``jsonb``, and ``jsonb`` refuses non-finite numbers (``Infinity``, ``NaN``); such a value
  is refused as bad input on its field instead of failing at the database.

``aims.core.api.CleanInputMixin`` and ``aims.core.forms.CleanInputFormMixin`` apply both to
every field; ``aims.core.parsers.SafeJSONParser`` refuses unstorable values in any JSON body.
"""

from __future__ import annotations

import datetime
import math
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

EARLIEST_DATE = datetime.date(1900, 1, 1)
LATEST_DATE = datetime.date(2200, 12, 31)

NUL_MESSAGE = _("Text may not contain the NUL character (\\u0000).")
NOT_FINITE_MESSAGE = _("Numbers must be finite (no Infinity or NaN).")


def validate_plausible_date(value: datetime.date | datetime.datetime | None) -> None:
    """Refuse a date outside 1900-01-01..2200-12-31 (a date-time by its date)."""
    if value is None:
        return
    day = value.date() if isinstance(value, datetime.datetime) else value
    if not EARLIEST_DATE <= day <= LATEST_DATE:
        raise ValidationError(
            _("Enter a date between %(earliest)s and %(latest)s."),
            code="implausible_date",
            params={"earliest": EARLIEST_DATE.isoformat(), "latest": LATEST_DATE.isoformat()},
        )


def unstorable_reason(value: Any) -> str | None:
    """Why ``value`` (text, numbers, lists and dicts, nested to any depth) cannot be
    stored, or ``None``. Walks iteratively, so a deep value cannot exhaust the stack."""
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            if "\x00" in item:
                return str(NUL_MESSAGE)
        elif isinstance(item, float):
            if not math.isfinite(item):
                return str(NOT_FINITE_MESSAGE)
        elif isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list | tuple):
            stack.extend(item)
    return None


def depth_of(value: Any) -> int:
    """How deeply lists and dicts nest in ``value`` (a scalar is 0), iteratively."""
    deepest = 0
    stack = [(value, 0)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict):
            children = item.values()
        elif isinstance(item, list):
            children = item
        else:
            continue
        depth += 1
        deepest = max(deepest, depth)
        stack.extend((child, depth) for child in children)
    return deepest
