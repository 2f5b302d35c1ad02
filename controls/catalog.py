"""Loading the reference catalog from ``controls/catalog_data``.

All files are read and checked before anything is written; the write is one transaction.
Loading is idempotent: unchanged rows are not touched (and log nothing). A later edition
updates rows in place by (framework, ref); a ref that disappears is marked withdrawn, never
deleted, so an organisation's links to it survive.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.db import transaction

from controls.models import (
    DocumentedInformation,
    Framework,
    MappingRelationship,
    Requirement,
    RequirementKind,
    RequirementMapping,
)

DATA_DIR = Path(__file__).resolve().parent / "catalog_data"
FRAMEWORK_FILES = ("iso42001.json", "nist-ai-rmf.json", "eu-ai-act.json")
CROSSWALK_FILE = "crosswalks.json"
ISO_POINTERS = "iso42001-clause-to-control"


class CatalogError(Exception):
    """A catalog file is malformed; names the file and the entry."""

    def __init__(self, file: str, entry: str, message: str):
        self.file, self.entry, self.message = file, entry, message
        super().__init__(f"{file}: {entry}: {message}")


@dataclass
class LoadReport:
    frameworks: int = 0
    requirements: int = 0
    mappings: int = 0
    created: int = 0
    updated: int = 0
    withdrawn: int = 0
    unchanged: int = 0
    details: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {k: v for k, v in self.__dict__.items() if k != "details"}


@dataclass
class _ParsedFramework:
    file: str
    meta: dict[str, Any]
    requirements: list[dict[str, Any]]
    extra: dict[str, Any]
    mappings: list[dict[str, Any]]


def _read_json(path: Path) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise CatalogError(path.name, "(file)", "file not found") from exc
    except json.JSONDecodeError as exc:
        raise CatalogError(path.name, f"line {exc.lineno}", f"not valid JSON: {exc.msg}") from exc


def _require_str(file: str, entry: str, item: dict, key: str, *, allow_empty: bool = False) -> str:
    value = item.get(key)
    if not isinstance(value, str) or (not allow_empty and not value.strip()):
        raise CatalogError(file, entry, f"'{key}' must be a non-empty string")
    return value


def _parse_framework(path: Path) -> _ParsedFramework:
    name = path.name
    data = _read_json(path)
    if not isinstance(data, dict) or not isinstance(data.get("framework"), dict):
        raise CatalogError(name, "framework", "missing the 'framework' object")
    meta = data["framework"]
    for key in ("code", "name", "edition"):
        _require_str(name, "framework", meta, key)
    items = data.get("requirements")
    if not isinstance(items, list) or not items:
        raise CatalogError(name, "requirements", "must be a non-empty list")
    seen: set[str] = set()
    for index, item in enumerate(items):
        entry = f"requirements[{index}]"
        if not isinstance(item, dict):
            raise CatalogError(name, entry, "must be an object")
        ref = _require_str(name, entry, item, "ref")
        entry = f"requirement {ref!r}"
        _require_str(name, entry, item, "title")
        if ref in seen:
            raise CatalogError(name, entry, "duplicate ref")
        seen.add(ref)
        if item.get("kind") not in RequirementKind.values:
            raise CatalogError(name, entry, f"unknown kind {item.get('kind')!r}")
        if not isinstance(item.get("assessable", False), bool):
            raise CatalogError(name, entry, "'assessable' must be true or false")
        di = item.get("documented_information", "none")
        if di not in DocumentedInformation.values:
            raise CatalogError(name, entry, f"unknown documented_information {di!r}")
    for item in items:
        parent = item.get("parent")
        if parent is not None and parent not in seen:
            raise CatalogError(
                name, f"requirement {item['ref']!r}", f"parent {parent!r} is not in this file"
            )
    mappings = data.get("mappings", [])
    for index, row in enumerate(mappings):
        entry = f"mappings[{index}]"
        for key in ("source", "target"):
            if row.get(key) not in seen:
                raise CatalogError(
                    name, entry, f"{key} {row.get(key)!r} is not a requirement of this file"
                )
        if row.get("relationship") not in MappingRelationship.values:
            raise CatalogError(name, entry, f"unknown relationship {row.get('relationship')!r}")
    extra = {k: v for k, v in data.items() if k not in ("framework", "requirements", "mappings")}
    return _ParsedFramework(name, meta, items, extra, mappings)


def _parse_crosswalks(path: Path, refs_by_framework: dict[str, set[str]]) -> list[dict[str, Any]]:
    name = path.name
    data = _read_json(path)
    crosswalks = data.get("crosswalks") if isinstance(data, dict) else None
    if not isinstance(crosswalks, list):
        raise CatalogError(name, "crosswalks", "must be a list")
    for c_index, crosswalk in enumerate(crosswalks):
        code = _require_str(name, f"crosswalks[{c_index}]", crosswalk, "code")
        for side in ("source_framework", "target_framework"):
            fw = crosswalk.get(side)
            if fw not in refs_by_framework:
                raise CatalogError(
                    name, f"crosswalk {code!r}", f"{side} {fw!r} is not a loaded framework"
                )
        pairs: set[tuple[str, str]] = set()
        for index, row in enumerate(crosswalk.get("rows") or []):
            entry = f"crosswalk {code!r} row {index + 1}"
            src, tgt = row.get("source"), row.get("target")
            if src not in refs_by_framework[crosswalk["source_framework"]]:
                raise CatalogError(
                    name, entry, f"source {src!r} is not in {crosswalk['source_framework']}"
                )
            if tgt not in refs_by_framework[crosswalk["target_framework"]]:
                raise CatalogError(
                    name, entry, f"target {tgt!r} is not in {crosswalk['target_framework']}"
                )
            if row.get("relationship") not in MappingRelationship.values:
                raise CatalogError(name, entry, f"unknown relationship {row.get('relationship')!r}")
            if (src, tgt) in pairs:
                raise CatalogError(name, entry, f"duplicate pair {src} → {tgt}")
            pairs.add((src, tgt))
    return crosswalks


def _apply(instance: Any, values: dict[str, Any], report: LoadReport) -> None:
    """Save ``instance`` with ``values`` only when something differs."""
    if instance.pk is None:
        for key, value in values.items():
            setattr(instance, key, value)
        instance.save()
        report.created += 1
        return
    if all(getattr(instance, key) == value for key, value in values.items()):
        report.unchanged += 1
        return
    for key, value in values.items():
        setattr(instance, key, value)
    instance.save()
    report.updated += 1


def load_catalog(data_dir: Path | None = None) -> LoadReport:
    """Load (or reload) every framework and crosswalk. Raises ``CatalogError`` and writes nothing
    when any file is malformed."""
    data_dir = Path(data_dir or DATA_DIR)
    parsed = [_parse_framework(data_dir / f) for f in FRAMEWORK_FILES]
    refs = {p.meta["code"]: {item["ref"] for item in p.requirements} for p in parsed}
    crosswalks = _parse_crosswalks(data_dir / CROSSWALK_FILE, refs)
    report = LoadReport()

    with transaction.atomic():
        by_key: dict[tuple[str, str], Requirement] = {}
        for fw in parsed:
            framework = Framework.objects.filter(code=fw.meta["code"]).first() or Framework(
                code=fw.meta["code"]
            )
            _apply(
                framework,
                {
                    "name": fw.meta["name"],
                    "edition": fw.meta["edition"],
                    "title": fw.meta.get("title", ""),
                    "notice": fw.meta.get("notice", ""),
                    "extra": fw.extra,
                },
                report,
            )
            report.frameworks += 1
            existing = {r.ref: r for r in Requirement.objects.filter(framework=framework)}
            # Parents appear before children in the files, so one ordered pass resolves them.
            for index, item in enumerate(fw.requirements):
                requirement = existing.pop(item["ref"], None) or Requirement(
                    framework=framework, ref=item["ref"]
                )
                parent = by_key[(framework.code, item["parent"])] if item.get("parent") else None
                extra = {
                    k: v
                    for k, v in item.items()
                    if k
                    not in {
                        "ref",
                        "kind",
                        "parent",
                        "title",
                        "description",
                        "assessable",
                        "documented_information",
                        "di_note",
                    }
                }
                _apply(
                    requirement,
                    {
                        "kind": item["kind"],
                        "parent_id": parent.pk if parent else None,
                        "title": item["title"],
                        "description": item.get("description") or "",
                        "assessable": item.get("assessable", False),
                        "documented_information": item.get("documented_information") or "none",
                        "documented_information_note": item.get("di_note") or "",
                        "sort_key": f"{index:05d}",
                        "withdrawn": False,
                        "extra": extra,
                    },
                    report,
                )
                by_key[(framework.code, item["ref"])] = requirement
                report.requirements += 1
            for gone in existing.values():
                if not gone.withdrawn:
                    gone.withdrawn = True
                    gone.save()
                    report.withdrawn += 1

        wanted: list[tuple[str, Requirement, Requirement, str, str]] = []
        for fw in parsed:
            for row in fw.mappings:
                code = fw.meta["code"]
                wanted.append(
                    (
                        ISO_POINTERS if code == "iso42001" else f"{code}-internal",
                        by_key[(code, row["source"])],
                        by_key[(code, row["target"])],
                        row["relationship"],
                        row.get("note") or "",
                    )
                )
        for crosswalk in crosswalks:
            for row in crosswalk["rows"]:
                wanted.append(
                    (
                        crosswalk["code"],
                        by_key[(crosswalk["source_framework"], row["source"])],
                        by_key[(crosswalk["target_framework"], row["target"])],
                        row["relationship"],
                        row.get("note") or "",
                    )
                )
        existing_maps = {
            (m.crosswalk, m.source_id, m.target_id): m for m in RequirementMapping.objects.all()
        }
        for code, source, target, relationship, note in wanted:
            mapping = existing_maps.pop((code, source.pk, target.pk), None) or RequirementMapping(
                crosswalk=code, source=source, target=target
            )
            _apply(
                mapping,
                {"relationship": relationship, "note": note[:300], "withdrawn": False},
                report,
            )
            report.mappings += 1
        for gone in existing_maps.values():
            if not gone.withdrawn:
                gone.withdrawn = True
                gone.save()
                report.withdrawn += 1
    return report
