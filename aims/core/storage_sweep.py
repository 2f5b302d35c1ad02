"""Stored files no row refers to: left behind when an outer transaction rolled back after
an upload had been written (the file is written before the row commits), or by a crash.

``sweep_unreferenced_files`` lists what the default storage holds, subtracts every name a
``FileField`` of any model holds, and deletes what is left once it is older than a grace
period (an upload whose row has not committed yet is never touched).
"""

from __future__ import annotations

import datetime
import logging
from collections.abc import Iterator
from dataclasses import dataclass, field

from django.apps import apps
from django.core.files.storage import default_storage
from django.db import models
from django.utils import timezone

log = logging.getLogger(__name__)

GRACE = datetime.timedelta(hours=24)


@dataclass
class SweepResult:
    scanned: int = 0
    deleted: list[str] = field(default_factory=list)
    kept_recent: int = 0


def _stored(prefix: str = "") -> Iterator[str]:
    try:
        folders, files = default_storage.listdir(prefix)
    except FileNotFoundError:
        return
    for name in files:
        yield f"{prefix}{name}"
    for folder in folders:
        yield from _stored(f"{prefix}{folder}/")


def referenced_names() -> set[str]:
    """Every file name a row of any model holds in a file field of the default storage."""
    names: set[str] = set()
    for model in apps.get_models():
        for f in model._meta.concrete_fields:
            if isinstance(f, models.FileField) and f.storage is default_storage:
                names.update(
                    model._default_manager.exclude(**{f.name: ""})
                    .exclude(**{f"{f.name}__isnull": True})
                    .values_list(f.name, flat=True)
                    .iterator()
                )
    return names


def sweep_unreferenced_files(
    *, now: datetime.datetime | None = None, dry_run: bool = False
) -> SweepResult:
    now = now or timezone.now()
    result = SweepResult()
    referenced = referenced_names()
    for name in _stored():
        result.scanned += 1
        if name in referenced:
            continue
        try:
            modified = default_storage.get_modified_time(name)
        except (OSError, NotImplementedError):
            continue
        if modified > now - GRACE:
            result.kept_recent += 1
            continue
        # Read again just before deleting: a row may have committed meanwhile.
        if name in referenced_names_for(name):
            continue
        if not dry_run:
            default_storage.delete(name)
        result.deleted.append(name)
        log.info("deleted unreferenced stored file %s", name)
    return result


def referenced_names_for(name: str) -> set[str]:
    """Whether any row holds ``name`` now (one query per file field)."""
    for model in apps.get_models():
        for f in model._meta.concrete_fields:
            if (
                isinstance(f, models.FileField)
                and f.storage is default_storage
                and model._default_manager.filter(**{f.name: name}).exists()
            ):
                return {name}
    return set()
