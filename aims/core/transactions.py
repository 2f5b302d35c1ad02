"""Writes under concurrency: one lock order, per-organisation numbers, retried transactions.

The lock order every write takes (``docs/architecture.md``, "Concurrency"):

1. **The series owner**, when the write takes the next number of a per-organisation (or
   per-record) sequence: ``next_number`` locks the owner row (the organisation; the
   evidence item for its file versions) ``FOR NO KEY UPDATE`` and only then reads the
   highest number. Writers of the same series queue there; nothing else waits on it (an
   insert's foreign-key check takes ``FOR KEY SHARE``, which this lock does not block).
2. **The parent, then the record**: ``lock_record`` takes ``FOR KEY SHARE`` on a part's
   parent (the AI system of a data set) before ``FOR UPDATE`` on the record itself, and
   only on the record's own row (``of=("self",)``), never on rows joined for the
   permission check. A delete locks the record first and its cascade follows, so a
   delete of a parent and a write to one of its parts queue on the parent.
3. **The change-log head, last**: inside ``run_atomic`` the change log keeps its rows
   and chains them when the unit of work ends, just before the commit
   (``aims.core.changelog.appended_at_end``), so the single head row is never held while
   waiting for another lock.

Postgres may still abort a transaction as a deadlock (40P01) or a serialization failure
(40001) — another code path, or rows of one table taken in another order. ``run_atomic``
rolls such a unit back and runs it again, ``AIMS_DB_RETRY_ATTEMPTS`` times in all with a
short random pause; then it raises ``DatabaseBusy``, which the API answers as 503 and the
UI as a page saying to try again (``aims.core.exceptions``, ``aims.core.middleware``).
"""

from __future__ import annotations

import logging
import random
import time
from collections.abc import Callable
from typing import Any, TypeVar

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, DatabaseError, models, transaction

from aims.core import changelog
from aims.core.exceptions import DatabaseBusy, is_transient_db_error

logger = logging.getLogger(__name__)

T = TypeVar("T")

RETRY_PAUSE_SECONDS = 0.05  # the first pause; doubled each time, with jitter


def run_atomic(fn: Callable[[], T], *, using: str | None = None, attempts: int | None = None) -> T:
    """Run ``fn()`` as one unit of work: one transaction, change-log rows chained at its
    end, run again when the database aborted it as a deadlock or serialization failure.

    Inside another transaction it cannot be run again on its own: it runs once (in a
    savepoint) and a transient error goes up to the outer unit, which retries."""
    db = using or DEFAULT_DB_ALIAS
    if transaction.get_connection(db).in_atomic_block:
        with transaction.atomic(using=db), changelog.appended_at_end(using=db):
            return fn()
    attempts = max(1, attempts or settings.AIMS_DB_RETRY_ATTEMPTS)
    for attempt in range(1, attempts + 1):
        try:
            with transaction.atomic(using=db), changelog.appended_at_end(using=db):
                return fn()
        except DatabaseError as exc:
            if not is_transient_db_error(exc):
                raise
            if attempt == attempts:
                logger.warning("Gave up after %s attempts: %s", attempts, exc)
                raise DatabaseBusy() from exc
            pause = RETRY_PAUSE_SECONDS * 2 ** (attempt - 1) * random.uniform(0.5, 1.5)
            logger.info("Attempt %s aborted (%s); again in %.0f ms", attempt, exc, pause * 1000)
            time.sleep(pause)
    raise AssertionError("unreachable")


def _is_postgres(using: str | None) -> bool:
    return transaction.get_connection(using or DEFAULT_DB_ALIAS).vendor == "postgresql"


def lock_series_owner(owner: models.Model) -> None:
    """Step 1: hold ``owner`` (the organisation of a per-organisation sequence) until the
    transaction ends. ``FOR NO KEY UPDATE``: inserts referring to it are not held up."""
    if owner.pk is None:
        return  # a new owner: nobody else can number its rows yet
    list(
        type(owner)
        ._base_manager.using(owner._state.db)
        .select_for_update(no_key=True)
        .filter(pk=owner.pk)
        .values_list("pk", flat=True)
    )


def next_number(queryset: models.QuerySet, *, owner: models.Model, field: str = "number") -> int:
    """The next number of a sequence: lock its owner (step 1), then highest + 1.

    ``queryset`` is the series (``Risk.objects.filter(organization=org)``). Needs a
    transaction: the lock holds until the row with the number is committed."""
    lock_series_owner(owner)
    latest = queryset.order_by().aggregate(latest=models.Max(field))["latest"]
    return (latest or 0) + 1


def lock_parent(instance: models.Model) -> bool:
    """Step 2a: ``FOR KEY SHARE`` on a part's parent (from its ``AccessPolicy``): a
    delete of the parent waits for us, or we for it; edits of the parent and of its other
    parts go on. ``False`` when the parent is gone (deleted meanwhile, with its parts)."""
    policy = getattr(type(instance), "access", None)
    path = getattr(policy, "parent_path", None)
    if not path or not _is_postgres(instance._state.db):
        return True
    parent_field = type(instance)._meta.get_field(path)
    parent_id = getattr(instance, parent_field.attname)
    if parent_id is None:
        return True
    parent_model = parent_field.related_model
    connection = transaction.get_connection(instance._state.db or DEFAULT_DB_ALIAS)
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT 1 FROM {quote(parent_model._meta.db_table)} "
            f"WHERE {quote(parent_model._meta.pk.column)} = %s FOR KEY SHARE",
            [parent_id],
        )
        return cursor.fetchone() is not None


def lock_record(queryset: models.QuerySet, instance: models.Model) -> models.Model | None:
    """Step 2: lock ``instance``'s parent, then the row of ``instance`` in ``queryset``
    (the permission layer's, so a record out of reach now is ``None``), on that row only."""
    lock_parent(instance)
    return queryset.select_for_update(of=("self",)).filter(pk=instance.pk).first()


class NumberedPerOrganization:
    """Mixin for a model with a ``number`` in its organisation's sequence (INC-001, NC-001,
    AUD-001…): a new row takes the next number under the organisation's lock (step 1)."""

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.number:
            super().save(*args, **kwargs)
            return
        model = type(self)
        organization = model._meta.get_field("organization").related_model
        with transaction.atomic(using=kwargs.get("using")):
            self.number = next_number(
                model._default_manager.filter(organization_id=self.organization_id),
                owner=organization(pk=self.organization_id),
            )
            super().save(*args, **kwargs)
