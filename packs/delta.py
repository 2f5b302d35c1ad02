"""What changed between two packs: the change-log rows between their positions, per record.

Only records one of the two packs holds are listed (``EvidencePack.contents``, the records
each pack read for its scope), so a delta never shows more than its packs did. A record the
later pack holds and the earlier did not is *added*; the reverse is *removed*; one both hold
with rows between the two positions is *changed*.

The evidence files are compared by SHA-256 (``gather_delta_files``): the earlier pack's
files are read from its own manifest (what it really carried), the later pack's from the
file versions it held, seen through the delta's scope again. A file of the later pack whose
hash the earlier pack did not carry, or whose evidence item is new, is *added* (new item) or
*changed* (a new version of an item the earlier pack had; it names the hashes it replaces);
those are the files the delta's ZIP carries. An earlier file whose item the later pack no
longer holds is *removed*: listed, not carried.

Between packs of two different engagements (Stage 1 and Stage 2 of a certification, say),
what only the earlier pack held is counted, not named: the later engagement's auditors
read the delta, and its scope may be narrower than the earlier one's.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.apps import apps

from aims.core.models import ChangeLogEntry
from packs.gather import EvidenceEntry, evidence_paths, parse_evidence_path

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
    # Removed records of an earlier pack made for another engagement, counted per kind and
    # not named: the later engagement's auditors may not see what only the earlier held.
    withheld: dict[str, int] = field(default_factory=dict)


def same_audience(base: Any, target: Any) -> bool:
    """Whether the two packs were made for the same readers: the same engagement, or no
    engagement (the organisation's own packs)."""
    return base.engagement_id == target.engagement_id


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

    removed = before - after
    withheld: dict[str, int] = defaultdict(int)
    if not same_audience(base, target):
        for label, _pk in removed:
            withheld[_kind(label)] += 1
        count -= sum(len(per_record.get(key, [])) for key in removed)
        removed = set()
    return Delta(
        added=ordered(after - before),
        changed=ordered({k for k in before & after if k in per_record}),
        removed=ordered(removed),
        withheld=dict(sorted(withheld.items())),
        rows=count,
        base_seq=base.changelog_seq or 0,
        target_seq=target.changelog_seq or 0,
    )


@dataclass
class DeltaFile:
    """An evidence file added, changed or removed between two packs."""

    change: str  # "added", "changed" or "removed"
    item_id: int
    title: str
    version: int | None
    sha256: str
    size: int | None
    # Added or changed: where the file is in the delta's ZIP; removed: where it was in the
    # earlier pack's ZIP.
    paths: list[str]
    replaces: list[str] = field(default_factory=list)  # changed: the earlier file's hash
    entry: EvidenceEntry | None = None

    @property
    def carried(self) -> bool:
        return self.change != "removed"

    @property
    def folders(self) -> list[str]:
        return [path.split("/")[1] for path in self.paths]

    def manifest_line(self) -> dict[str, Any]:
        line: dict[str, Any] = {
            "change": self.change,
            "evidence_item": self.item_id,
            "version": self.version,
        }
        if self.change == "changed":
            line["replaces"] = self.replaces
        if self.change == "removed":
            line |= {"sha256": self.sha256, "size": self.size, "earlier_paths": self.paths}
        return line


def earlier_files(manifest: dict[str, Any]) -> list[DeltaFile]:
    """The evidence files a pack's manifest lists, one per SHA-256 (with all its paths)."""
    found: dict[str, DeltaFile] = {}
    for line in manifest.get("files", []):
        path = str(line.get("path", ""))
        parsed = parse_evidence_path(path)
        if parsed is None:
            continue
        _folder, item_id, version = parsed
        sha256 = str(line.get("sha256", ""))
        name = path.split("/", 2)[2].split("-", 2)[-1]
        file = found.setdefault(
            sha256,
            DeltaFile(
                change="removed",
                item_id=item_id,
                title=name,
                version=version,
                sha256=sha256,
                size=line.get("size"),
                paths=[],
            ),
        )
        file.paths.append(path)
    return list(found.values())


def gather_delta_files(*, earlier: list[DeltaFile], later: list[EvidenceEntry]) -> list[DeltaFile]:
    """The added and changed files of ``later`` (in its order), then the removed ones."""
    earlier_hashes = {f.sha256 for f in earlier}
    earlier_by_item: dict[int, list[str]] = defaultdict(list)
    for f in earlier:
        earlier_by_item[f.item_id].append(f.sha256)
    later = [entry for entry in later if entry.storage_name and entry.sha256]
    out: list[DeltaFile] = []
    for entry in later:
        new_item = entry.item_id not in earlier_by_item
        if not new_item and entry.sha256 in earlier_hashes:
            continue  # the earlier pack carried these very bytes
        out.append(
            DeltaFile(
                change="added" if new_item else "changed",
                item_id=entry.item_id,
                title=entry.title,
                version=entry.version,
                sha256=entry.sha256,
                size=entry.size,
                paths=evidence_paths(entry),
                replaces=[] if new_item else sorted(earlier_by_item[entry.item_id]),
                entry=entry,
            )
        )
    later_items = {entry.item_id for entry in later}
    later_hashes = {entry.sha256 for entry in later}
    removed = [f for f in earlier if f.item_id not in later_items and f.sha256 not in later_hashes]
    return out + sorted(removed, key=lambda f: (f.item_id, f.version or 0))
