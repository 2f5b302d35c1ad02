"""Which clauses the platform checks by itself: a hook filled by the readiness app.

The readiness rules read every register, so they live in the top layer (``readiness``); the
clause-status API of this app still says, per clause, whether a rule checks it and which
later module will hold its records. ``readiness.apps`` registers both at start-up.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

_automatic: set[str] = set()
_later_modules: dict[str, Any] = {}


def register(*, automatic: Iterable[str], later_modules: Mapping[str, Any]) -> None:
    """Record the clause refs with an automatic rule and those waiting for a later module."""
    _automatic.update(automatic)
    _later_modules.update(later_modules)


def is_automatic(ref: str) -> bool:
    return ref in _automatic


def later_module(ref: str) -> Any:
    """The (translatable) name of the module that will hold the clause's records, if any."""
    return _later_modules.get(ref)
