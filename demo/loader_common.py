"""What the demo data checks share: the error that names the file and record, and the check
of a record's keys."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any


class DemoDataError(Exception):
    """A demo data file is malformed; names the file and the record."""

    def __init__(self, file: str, record: str, message: str):
        self.file, self.record, self.message = file, record, message
        super().__init__(f"{file}: {record}: {message}")


def _keys(
    file: str,
    record: str,
    value: Any,
    required: set[str],
    optional: Iterable[str] = (),
) -> None:
    if not isinstance(value, Mapping):
        raise DemoDataError(file, record, f"expected an object, got {type(value).__name__}")
    missing = required - value.keys()
    unknown = value.keys() - required - set(optional)
    if missing:
        raise DemoDataError(file, record, f"missing {', '.join(sorted(missing))}")
    if unknown:
        raise DemoDataError(file, record, f"unknown {', '.join(sorted(unknown))}")
