"""Change log: who changed what, from where, written for every tracked model.

Signal handlers record every save, delete and many-to-many change of a ``TrackedModel``
(and the user model), whatever the entry point. The entry point sets the context — UI and
API through middleware, admin by path, tasks and imports with ``change_context`` — so each
row names its actor, source and request id.
"""

from __future__ import annotations

import contextvars
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models, router, transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.utils import timezone

from aims.core.models import (
    ChangeAction,
    ChangeLogEntry,
    ChangeLogHead,
    ChangeSource,
    TrackedModel,
    snapshot,
)
from aims.core.tenancy import User


@dataclass
class ChangeContext:
    source: str = ChangeSource.SYSTEM
    actor: Any = None
    request: Any = None
    request_id: str = ""

    def resolve_actor(self) -> Any:
        if self.actor is not None:
            return self.actor
        user = getattr(self.request, "user", None)
        if user is not None and user.is_authenticated:
            return user
        return None


_current: contextvars.ContextVar[ChangeContext | None] = contextvars.ContextVar(
    "aims_change_context", default=None
)


def current_context() -> ChangeContext:
    return _current.get() or ChangeContext()


@contextmanager
def change_context(
    *, source: str, actor: Any = None, request: Any = None, request_id: str = ""
) -> Iterator[ChangeContext]:
    """Attribute every change made inside the block to ``actor`` and ``source``."""
    ctx = ChangeContext(
        source=source, actor=actor, request=request, request_id=request_id or uuid.uuid4().hex
    )
    token = _current.set(ctx)
    try:
        yield ctx
    finally:
        _current.reset(token)


def is_logged(model: type[models.Model]) -> bool:
    return issubclass(model, TrackedModel | User) and not model._meta.abstract


def _organization_id(instance: models.Model) -> int | None:
    access = getattr(type(instance), "access", None)
    if access is None:
        return None
    return access.organization_id_of(instance)


def append(
    *,
    instance: models.Model,
    action: str,
    before: dict | None,
    after: dict | None,
    using: str | None = None,
) -> ChangeLogEntry:
    """Append one row to the chain. Holds the head row's lock until the transaction ends."""
    ctx = current_context()
    actor = ctx.resolve_actor()
    db = using or router.db_for_write(ChangeLogEntry)
    with transaction.atomic(using=db):
        head, _ = ChangeLogHead.objects.using(db).select_for_update().get_or_create(pk=1)
        entry = ChangeLogEntry(
            seq=head.seq + 1,
            timestamp=timezone.now(),
            actor=actor,
            actor_label=(getattr(actor, "email", "") or str(actor)) if actor else "",
            organization_id=_organization_id(instance),
            source=ctx.source,
            content_type=ContentType.objects.db_manager(db).get_for_model(type(instance)),
            object_id=str(instance.pk),
            object_repr=str(instance)[:300],
            action=action,
            before=before,
            after=after,
            request_id=ctx.request_id,
            prev_hash=head.hash,
        )
        entry.hash = entry.compute_hash()
        entry.save(using=db)
        head.seq, head.hash = entry.seq, entry.hash
        head.save(using=db, update_fields=["seq", "hash"])
    return entry


def _on_save(sender, instance, created, raw=False, using=None, **kwargs):
    if raw or not is_logged(sender):
        return
    after = snapshot(instance)
    before = None if created else getattr(instance, "_loaded_snapshot", None)
    if not created and before == after:
        return
    append(
        instance=instance,
        action=ChangeAction.CREATE if created else ChangeAction.UPDATE,
        before=before,
        after=after,
        using=using,
    )
    instance._loaded_snapshot = after


def _on_delete(sender, instance, using=None, **kwargs):
    if not is_logged(sender):
        return
    append(
        instance=instance,
        action=ChangeAction.DELETE,
        before=getattr(instance, "_loaded_snapshot", None) or snapshot(instance),
        after=None,
        using=using,
    )


@dataclass(frozen=True)
class _LinkSide:
    """The side of a link table whose records log its changes."""

    model: type[models.Model]
    name: str  # the field (or reverse accessor) the change is logged under
    own: str  # the link table's column holding that side's id
    other: str  # the column holding the other side's id


def _logged_side(through: type[models.Model]) -> _LinkSide | None:
    """Links are logged on the declaring record, unless it is shared reference data (a
    catalog clause): then on the record at the other end, which belongs to an organisation."""
    owner = through._meta.auto_created
    if not owner:
        return None
    field = next((f for f in owner._meta.many_to_many if f.remote_field.through is through), None)
    if field is None:
        return None
    own = through._meta.get_field(field.m2m_field_name()).attname
    other = through._meta.get_field(field.m2m_reverse_field_name()).attname
    sides = (
        _LinkSide(owner, field.name, own, other),
        _LinkSide(field.related_model, field.remote_field.get_accessor_name(), other, own),
    )
    for side in sides:
        shared = getattr(getattr(side.model, "access", None), "global_read", False)
        if is_logged(side.model) and not shared:
            return side
    return None


def _linked_ids(through, side: _LinkSide, pks: list[Any], using: str | None) -> dict[Any, list]:
    found: dict[Any, list] = {pk: [] for pk in pks}
    rows = through._default_manager.using(using).filter(**{f"{side.own}__in": pks})
    for own, other in rows.values_list(side.own, side.other):
        found[own].append(other)
    return {pk: sorted(ids) for pk, ids in found.items()}


def _on_m2m(sender, instance, action, reverse, model, pk_set, using=None, **kwargs):
    if action not in (
        "pre_add",
        "pre_remove",
        "pre_clear",
        "post_add",
        "post_remove",
        "post_clear",
    ):
        return
    side = _logged_side(sender)
    if side is None:
        return
    pending = instance.__dict__.setdefault("_m2m_before", {})
    if action.startswith("pre_"):
        if isinstance(instance, side.model):
            pks = [instance.pk]
        elif pk_set is not None:
            pks = sorted(pk_set)
        else:  # clearing from the other end: every record linked to it now
            rows = sender._default_manager.using(using).filter(**{side.other: instance.pk})
            pks = sorted(set(rows.values_list(side.own, flat=True)))
        pending[sender] = (pks, _linked_ids(sender, side, pks, using))
        return
    pks, before = pending.pop(sender, ([], {}))
    after = _linked_ids(sender, side, pks, using)
    records = (
        {instance.pk: instance}
        if isinstance(instance, side.model)
        else side.model._default_manager.using(using).in_bulk(pks)
    )
    for pk in pks:
        if before.get(pk) == after[pk] or pk not in records:
            continue
        append(
            instance=records[pk],
            action=ChangeAction.UPDATE,
            before={side.name: before.get(pk)},
            after={side.name: after[pk]},
            using=using,
        )


def connect() -> None:
    post_save.connect(_on_save, dispatch_uid="aims_changelog_save")
    post_delete.connect(_on_delete, dispatch_uid="aims_changelog_delete")
    m2m_changed.connect(_on_m2m, dispatch_uid="aims_changelog_m2m")


@dataclass
class ChainReport:
    rows: int
    first_broken_seq: int | None = None
    problem: str = ""

    @property
    def ok(self) -> bool:
        return self.first_broken_seq is None and not self.problem


def verify_chain(*, batch_size: int = 2000) -> ChainReport:
    """Walk the chain in order; report the first row whose link or content does not hold."""
    prev_hash = ChangeLogEntry.GENESIS_HASH
    expected_seq = 1
    rows = 0
    qs = ChangeLogEntry.objects.order_by("seq")
    for entry in qs.iterator(chunk_size=batch_size):
        rows += 1
        if entry.seq != expected_seq:
            return ChainReport(
                rows, entry.seq, f"row #{expected_seq} is missing before row #{entry.seq}"
            )
        if entry.prev_hash != prev_hash:
            return ChainReport(
                rows, entry.seq, f"row #{entry.seq} does not link to the row before it"
            )
        if entry.compute_hash() != entry.hash:
            return ChainReport(
                rows, entry.seq, f"row #{entry.seq} was altered after it was written"
            )
        prev_hash = entry.hash
        expected_seq += 1
    head = ChangeLogHead.objects.filter(pk=1).first()
    head_seq, head_hash = (head.seq, head.hash) if head else (0, ChangeLogEntry.GENESIS_HASH)
    if head_seq != expected_seq - 1 or head_hash != prev_hash:
        return ChainReport(
            rows,
            expected_seq,
            f"the chain ends at row #{expected_seq - 1} but #{head_seq} was written",
        )
    return ChainReport(rows)


def history_for(instance: models.Model):
    """Change-log rows of one record, newest first."""
    ct = ContentType.objects.get_for_model(type(instance))
    return ChangeLogEntry.objects.filter(
        content_type=ct, object_id=str(instance.pk)
    ).select_related("actor")
