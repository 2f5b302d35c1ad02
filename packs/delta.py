"""What changed between two packs: the change-log rows between their positions, per record.

Only records one of the two packs holds are listed (``EvidencePack.contents``, the records
each pack read for its scope), so a delta never shows more than its packs did. A record the
later pack holds and the earlier did not is *added*; the reverse is *removed*; one both hold
with rows between the two positions is *changed*.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.apps import apps

from aims.core.models import ChangeLogEntry

ROW_LIMIT = 50  # rows printed per record; the rest are counted


@dataclass
class DeltaRecord:
    label: str
    kind: str
    object_id: str
    name: str
    rows: list[ChangeLogEntry] = field(default_factory=list)
    more: int = 0


@dataclass
class Delta:
    added: list[DeltaRecord]
    changed: list[DeltaRecord]
    removed: list[DeltaRecord]
    rows: int
    base_seq: int
    target_seq: int


def _keys(contents: dict[str, list[int]]) -> set[tuple[str, str]]:
    return {(label, str(pk)) for label, ids in (contents or {}).items() for pk in ids}


def _kind(label: str) -> str:
    try:
        return str(apps.get_model(label)._meta.verbose_name).capitalize()
    except LookupError:
        return label


def gather_delta(*, organization: Any, base: Any, target: Any) -> Delta:
    """The delta from ``base`` to ``target`` (two built packs of ``organization``)."""
    before, after = _keys(base.contents), _keys(target.contents)
    held = before | after
    rows = (
        ChangeLogEntry.objects.filter(
            organization=organization,
            seq__gt=base.changelog_seq or 0,
            seq__lte=target.changelog_seq or 0,
        )
        .select_related("content_type", "actor")
        .order_by("seq")
    )
    per_record: dict[tuple[str, str], list[ChangeLogEntry]] = defaultdict(list)
    names: dict[tuple[str, str], str] = {}
    count = 0
    for row in rows.iterator(chunk_size=2000):
        key = (f"{row.content_type.app_label}.{row.content_type.model}", row.object_id)
        if key not in held:
            continue
        per_record[key].append(row)
        names[key] = row.object_repr
        count += 1

    def record(key: tuple[str, str]) -> DeltaRecord:
        found = per_record.get(key, [])
        return DeltaRecord(
            label=key[0],
            kind=_kind(key[0]),
            object_id=key[1],
            name=names.get(key, f"{_kind(key[0])} #{key[1]}"),
            rows=found[-ROW_LIMIT:],
            more=max(0, len(found) - ROW_LIMIT),
        )

    def ordered(keys: set[tuple[str, str]]) -> list[DeltaRecord]:
        return sorted((record(k) for k in keys), key=lambda r: (r.kind, r.name, r.object_id))

    return Delta(
        added=ordered(after - before),
        changed=ordered({k for k in before & after if k in per_record}),
        removed=ordered(before - after),
        rows=count,
        base_seq=base.changelog_seq or 0,
        target_seq=target.changelog_seq or 0,
    )
