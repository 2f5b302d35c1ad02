"""Change log: who changed what, from where, written for every tracked model.

Signal handlers record every save, delete and many-to-many change of a ``TrackedModel``
(and the user model), whatever the entry point. The entry point sets the context — UI and
API through middleware, admin by path, tasks and imports with ``change_context`` — so each
row names its actor, source and request id.

Each row is chained to the one before by an HMAC under a key kept outside the database
(``aims.core.integrity``); ``verify_chain`` walks the chain up to a consistent end and
checks it against the signed checkpoints that ``write_checkpoint`` exports.
"""

from __future__ import annotations

import contextvars
import dataclasses
import uuid
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import connections, models, router, transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.utils import timezone

from aims.core import integrity
from aims.core.integrity import Checkpoint
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
    """Append one row to the chain. Holds the head row's lock until the transaction ends.

    Inside ``appended_at_end`` the row is kept and chained when that block ends."""
    ctx = current_context()
    actor = ctx.resolve_actor()
    db = using or router.db_for_write(ChangeLogEntry)
    entry = ChangeLogEntry(
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
    )
    pending = (_pending.get() or {}).get(db)
    if pending is not None:
        pending.append(_Pending(entry))
        # A savepoint rolled back forgets its on-commit callbacks: so does the change log.
        transaction.on_commit(pending[-1], using=db)
        return entry
    with transaction.atomic(using=db):
        _chain([entry], db)
    return entry


def _chain(entries: list[ChangeLogEntry], db: str) -> None:
    """Lock the head, link ``entries`` to the end of the chain in order, save them."""
    ring = integrity.keyring()
    head, _ = ChangeLogHead.objects.using(db).select_for_update().get_or_create(pk=1)
    for entry in entries:
        entry.seq = head.seq + 1
        entry.timestamp = timezone.now()
        entry.prev_hash = head.hash
        entry.key_id = ring.current_id
        entry.hash = entry.compute_hash(ring.current_key)
        entry.save(using=db)
        head.seq, head.hash = entry.seq, entry.hash
    head.save(using=db, update_fields=["seq", "hash"])


class _Pending:
    """A row kept for the end of the unit of work (also its on-commit marker: a no-op)."""

    def __init__(self, entry: ChangeLogEntry) -> None:
        self.entry = entry

    def __call__(self) -> None:
        pass


_pending: contextvars.ContextVar[dict[str, list[_Pending]] | None] = contextvars.ContextVar(
    "aims_changelog_pending", default=None
)


@contextmanager
def appended_at_end(*, using: str | None = None) -> Iterator[None]:
    """Inside a transaction: keep the change-log rows written in the block and chain them
    when it ends without error, so the head row is the last lock the transaction takes
    (``aims.core.transactions``). Rows of a savepoint rolled back inside are dropped.
    Nested blocks join the outer one."""
    db = using or router.db_for_write(ChangeLogEntry)
    outer = _pending.get() or {}
    if db in outer:
        yield
        return
    connection = transaction.get_connection(db)
    if not connection.in_atomic_block:
        raise RuntimeError("appended_at_end() needs a transaction (run_atomic opens one)")
    kept: list[_Pending] = []
    token = _pending.set({**outer, db: kept})
    try:
        yield
    finally:
        _pending.reset(token)
    if connection.needs_rollback:
        return  # the transaction is going to be rolled back: nothing to log
    live = {id(callback) for _sids, callback, *_ in connection.run_on_commit}
    entries = [p.entry for p in kept if id(p) in live]
    if entries:
        _chain(entries, db)


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
    head_seq: int = 0  # the end of the chain that was verified
    head_hash: str = ChangeLogEntry.GENESIS_HASH
    legacy_rows: int = 0  # rows hashed with plain SHA-256 (written before keys existed)
    checkpoints: int = 0  # checkpoints the chain was checked against
    warnings: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.first_broken_seq is None and not self.problem


@contextmanager
def _snapshot(using: str) -> Iterator[bool]:
    """One REPEATABLE READ snapshot on Postgres, so the head and the rows are read at the
    same moment; True when it holds. Inside a transaction already (or on SQLite, whose
    transactions here take the write lock) the caller reads the head first instead."""
    connection = connections[using]
    if connection.vendor != "postgresql" or connection.in_atomic_block:
        yield False
        return
    with transaction.atomic(using=using):
        with connection.cursor() as cursor:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
        yield True


def verify_chain(*, batch_size: int = 2000, checkpoints: Sequence[Checkpoint] = ()) -> ChainReport:
    """Walk the chain in order up to its end as read when the walk starts (rows appended
    meanwhile wait for the next run); report the first row whose link, key or content does
    not hold, and any ``checkpoints`` the chain no longer contains."""
    ring = integrity.keyring()
    for checkpoint in checkpoints:
        if problem := checkpoint.signature_problem(ring):
            return ChainReport(0, problem=problem)
        if checkpoint.seq == 0 and checkpoint.hash != ChangeLogEntry.GENESIS_HASH:
            return ChainReport(0, problem=f"checkpoint {checkpoint.name} has a bad hash")
    by_seq: dict[int, list[Checkpoint]] = {}
    for checkpoint in checkpoints:
        by_seq.setdefault(checkpoint.seq, []).append(checkpoint)
    db = router.db_for_read(ChangeLogEntry)
    with _snapshot(db) as snapshot:
        report = _walk(db, ring, by_seq, batch_size, snapshot)
    if not report.ok:
        return report
    for checkpoint in checkpoints:
        if checkpoint.seq > report.head_seq:
            report.first_broken_seq = report.head_seq + 1
            report.problem = (
                f"checkpoint {checkpoint.name} recorded row #{checkpoint.seq} but the change "
                f"log ends at row #{report.head_seq}: rows were removed from its end"
            )
            return report
    report.checkpoints = len(checkpoints)
    covered = max((c.seq for c in checkpoints), default=0)
    if report.legacy_rows > covered:
        report.warnings.append(
            f"rows #1 to #{report.legacy_rows} were written before the change log was keyed "
            "(plain SHA-256) and no checkpoint covers them: someone with database access "
            "could rewrite them unseen. Write a checkpoint (manage.py changelog_checkpoint)."
        )
    return report


def _walk(
    db: str,
    ring: integrity.Keyring,
    checkpoints: dict[int, list[Checkpoint]],
    batch_size: int,
    snapshot: bool,
) -> ChainReport:
    head = ChangeLogHead.objects.using(db).filter(pk=1).first()
    head_seq, head_hash = (head.seq, head.hash) if head else (0, ChangeLogEntry.GENESIS_HASH)
    report = ChainReport(0, head_seq=head_seq, head_hash=head_hash)

    def broken(seq: int, problem: str) -> ChainReport:
        report.first_broken_seq, report.problem = seq, problem
        return report

    prev_hash = ChangeLogEntry.GENESIS_HASH
    expected_seq = 1
    keyed_seen = False
    rows = ChangeLogEntry.objects.using(db).filter(seq__lte=head_seq).order_by("seq")
    for entry in rows.iterator(chunk_size=batch_size):
        report.rows += 1
        if entry.seq != expected_seq:
            return broken(entry.seq, f"row #{expected_seq} is missing before row #{entry.seq}")
        if entry.prev_hash != prev_hash:
            return broken(entry.seq, f"row #{entry.seq} does not link to the row before it")
        if entry.key_id is None:
            if keyed_seen:
                return broken(
                    entry.seq,
                    f"row #{entry.seq} carries no key but follows keyed rows: it was rewritten",
                )
            report.legacy_rows += 1
            key = None
        else:
            keyed_seen = True
            key = ring.keys.get(entry.key_id)
            if key is None:
                return broken(
                    entry.seq,
                    f"row #{entry.seq} is signed with key {entry.key_id!r}, which is not "
                    "configured (CHANGELOG_KEYS): it cannot be verified",
                )
        if entry.compute_hash(key) != entry.hash:
            return broken(entry.seq, f"row #{entry.seq} was altered after it was written")
        for checkpoint in checkpoints.get(entry.seq, ()):
            if checkpoint.hash != entry.hash:
                return broken(
                    entry.seq,
                    f"row #{entry.seq} does not match checkpoint {checkpoint.name} "
                    f"({checkpoint.time}): the change log up to it was rewritten",
                )
        prev_hash = entry.hash
        expected_seq += 1
    if head_seq != expected_seq - 1 or head_hash != prev_hash:
        return broken(
            expected_seq,
            f"the chain ends at row #{expected_seq - 1} but #{head_seq} was written",
        )
    if snapshot and ChangeLogEntry.objects.using(db).filter(seq__gt=head_seq).exists():
        return broken(head_seq + 1, f"rows after #{head_seq} were written without the head")
    return report


class ChangeLogTampered(Exception):
    def __init__(self, report: ChainReport):
        super().__init__(report.problem)
        self.report = report


def checkpoint_paths(paths: Sequence[Path] | None = None) -> list[Path]:
    """``paths`` as given, else the configured checkpoint directory when it exists."""
    if paths:
        return list(paths)
    directory = Path(settings.CHANGELOG_CHECKPOINT_DIR)
    return [directory] if directory.is_dir() else []


def write_checkpoint(*, directory: Path | None = None) -> tuple[Checkpoint, bool]:
    """Verify the chain against the checkpoints already in ``directory`` (default
    ``CHANGELOG_CHECKPOINT_DIR``) and export a signed checkpoint of the end it verified.

    Returns the checkpoint and whether a file was written (not when the chain has not moved
    since the latest one). Raises ``ChangeLogTampered`` and writes nothing if the chain does
    not verify, and ``integrity.CheckpointError`` if an existing checkpoint is unreadable.
    """
    directory = Path(directory or settings.CHANGELOG_CHECKPOINT_DIR)
    # Read before the chain: every checkpoint on disk then predates the snapshot.
    existing = integrity.read_checkpoints([directory]) if directory.is_dir() else []
    report = verify_chain(checkpoints=existing)
    if not report.ok:
        raise ChangeLogTampered(report)
    latest = max(existing, key=lambda c: c.seq, default=None)
    if latest and (latest.seq, latest.hash) == (report.head_seq, report.head_hash):
        return latest, False
    checkpoint = integrity.sign_checkpoint(
        seq=report.head_seq, hash=report.head_hash, time=timezone.now(), ring=integrity.keyring()
    )
    path = integrity.write_checkpoint_file(checkpoint, directory)
    return dataclasses.replace(checkpoint, path=path), True


def history_for(instance: models.Model):
    """Change-log rows of one record, newest first."""
    ct = ContentType.objects.get_for_model(type(instance))
    return ChangeLogEntry.objects.filter(
        content_type=ct, object_id=str(instance.pk)
    ).select_related("actor")
