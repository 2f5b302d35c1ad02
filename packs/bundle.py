"""The pack as a file: a ZIP with the PDF, the evidence files and ``manifest.json``.

The manifest lists every other file of the ZIP with its SHA-256 and size, the pack's scope
and metadata, and the change log's signed checkpoint taken when the pack was built. The
manifest itself is signed with the change log's key (``aims.core.integrity``), so a file
swapped together with its manifest line is caught too. ``verify_zip`` checks a pack offline
(``manage.py verify_pack``): it needs the database for nothing, only the keyring for the
signatures.
"""

from __future__ import annotations

import hashlib
import json
import zipfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import IO, Any

from aims.core import integrity

MANIFEST = "manifest.json"
FORMAT = "aims-evidence-pack/1"
CHUNK = 1024 * 1024


@dataclass
class Member:
    """A file to put in the ZIP: its path there and a way to open its bytes.

    ``expect_sha256``, when given, is the hash the bytes must have (an evidence file's
    recorded SHA-256): ``write_zip`` refuses a member whose bytes differ. ``manifest`` holds
    extra keys for the member's line in the manifest (a delta's ``change`` and ``replaces``).
    """

    path: str
    open: Callable[[], IO[bytes]] | None = None
    content: bytes | None = None
    compress: bool = True
    expect_sha256: str = ""
    manifest: dict[str, Any] = field(default_factory=dict)


class MemberMismatch(Exception):
    """A member's bytes do not have the SHA-256 it was expected to have."""

    def __init__(self, path: str, expected: str, actual: str):
        super().__init__(f"{path}: stored bytes have SHA-256 {actual}, expected {expected}")
        self.path, self.expected, self.actual = path, expected, actual


def _signed_part(manifest: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in manifest.items() if k != "signature"}


def sign_manifest(manifest: dict[str, Any], ring: integrity.Keyring) -> dict[str, Any]:
    signed = _signed_part(manifest)
    signed["signature"] = {
        "key_id": ring.current_id,
        "hmac_sha256": integrity.mac(ring.current_key, integrity.canonical(_signed_part(signed))),
    }
    return signed


def write_zip(
    handle: IO[bytes],
    *,
    members: Iterable[Member],
    metadata: dict[str, Any],
    built_at: datetime,
    ring: integrity.Keyring,
    progress: Callable[[int], None] | None = None,
) -> dict[str, Any]:
    """Write the members and the signed manifest to ``handle``; return the manifest."""
    stamp = built_at.timetuple()[:6]
    files: list[dict[str, Any]] = []
    with zipfile.ZipFile(handle, "w", allowZip64=True) as archive:
        for index, member in enumerate(members):
            info = zipfile.ZipInfo(member.path, date_time=stamp)
            info.compress_type = zipfile.ZIP_DEFLATED if member.compress else zipfile.ZIP_STORED
            digest, size = hashlib.sha256(), 0
            with archive.open(info, "w", force_zip64=True) as out:
                if member.content is not None:
                    out.write(member.content)
                    digest.update(member.content)
                    size = len(member.content)
                else:
                    assert member.open is not None
                    with member.open() as source:
                        while chunk := source.read(CHUNK):
                            out.write(chunk)
                            digest.update(chunk)
                            size += len(chunk)
            if member.expect_sha256 and digest.hexdigest() != member.expect_sha256:
                raise MemberMismatch(member.path, member.expect_sha256, digest.hexdigest())
            files.append(
                {
                    **member.manifest,
                    "path": member.path,
                    "sha256": digest.hexdigest(),
                    "size": size,
                }
            )
            if progress is not None:
                progress(index)
        manifest = sign_manifest({"format": FORMAT, **metadata, "files": files}, ring)
        info = zipfile.ZipInfo(MANIFEST, date_time=stamp)
        info.compress_type = zipfile.ZIP_DEFLATED
        archive.writestr(info, json.dumps(manifest, indent=2, sort_keys=True) + "\n")
    return manifest


def sha256_of(handle: IO[bytes]) -> tuple[str, int]:
    handle.seek(0)
    digest, size = hashlib.sha256(), 0
    while chunk := handle.read(CHUNK):
        digest.update(chunk)
        size += len(chunk)
    handle.seek(0)
    return digest.hexdigest(), size


@dataclass
class Verification:
    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    files: int = 0
    manifest: dict[str, Any] | None = None

    @property
    def ok(self) -> bool:
        return not self.problems


def _check_signature(manifest: dict[str, Any], ring: integrity.Keyring | None, out: Verification):
    signature = manifest.get("signature")
    if not isinstance(signature, dict):
        out.problems.append("the manifest carries no signature")
        return
    if ring is None:
        out.notes.append("manifest signature not checked: no keyring available")
        return
    key = ring.keys.get(str(signature.get("key_id")))
    if key is None:
        out.notes.append(
            f"manifest signature not checked: key {signature.get('key_id')!r} is not configured"
        )
        return
    expected = integrity.mac(key, integrity.canonical(_signed_part(manifest)))
    if expected != signature.get("hmac_sha256"):
        out.problems.append("the manifest's signature does not match: it was altered")


def _check_checkpoint(manifest: dict[str, Any], ring: integrity.Keyring | None, out: Verification):
    data = manifest.get("changelog_checkpoint")
    if not isinstance(data, dict):
        out.problems.append("the manifest has no change-log checkpoint")
        return
    try:
        checkpoint = integrity.Checkpoint(
            seq=int(data["seq"]),
            hash=str(data["hash"]),
            time=str(data["time"]),
            key_id=str(data["key_id"]),
            signature=str(data["signature"]),
        )
    except (KeyError, TypeError, ValueError):
        out.problems.append("the change-log checkpoint in the manifest is malformed")
        return
    if ring is None:
        out.notes.append("checkpoint signature not checked: no keyring available")
        return
    problem = checkpoint.signature_problem(ring)
    if problem and checkpoint.key_id not in ring.keys:
        out.notes.append(f"checkpoint signature not checked: {problem}")
    elif problem:
        out.problems.append(problem)
    else:
        out.notes.append(f"change-log checkpoint #{checkpoint.seq} is signed correctly")


def verify_zip(path: Any, *, ring: integrity.Keyring | None = None) -> Verification:
    """Every file's hash and size against the manifest, no file missing or extra, and the
    signatures of the manifest and of its change-log checkpoint when ``ring`` has the keys."""
    out = Verification()
    try:
        archive = zipfile.ZipFile(path)
    except (OSError, zipfile.BadZipFile) as exc:
        out.problems.append(f"not a readable ZIP file: {exc}")
        return out
    with archive:
        names = [info.filename for info in archive.infolist() if not info.is_dir()]
        if len(names) != len(set(names)):
            out.problems.append("the ZIP holds two files under one name")
        try:
            manifest = _load_manifest(archive)
        except PackUnreadable as exc:
            out.problems.append(str(exc))
            return out
        out.manifest = manifest
        listed = {entry.get("path"): entry for entry in manifest.get("files", [])}
        present = set(names) - {MANIFEST}
        for name in sorted(set(listed) - present):
            out.problems.append(f"missing from the ZIP: {name}")
        for name in sorted(present - set(listed)):
            out.problems.append(f"not in the manifest: {name}")
        for name in sorted(present & set(listed)):
            digest, size = hashlib.sha256(), 0
            try:
                with archive.open(name) as handle:
                    while chunk := handle.read(CHUNK):
                        digest.update(chunk)
                        size += len(chunk)
            except (zipfile.BadZipFile, OSError) as exc:
                out.problems.append(f"{name} cannot be read: {exc}")
                continue
            entry = listed[name]
            if digest.hexdigest() != entry.get("sha256") or size != entry.get("size"):
                out.problems.append(f"{name} does not match its SHA-256 or size in the manifest")
            out.files += 1
    _check_signature(manifest, ring, out)
    _check_checkpoint(manifest, ring, out)
    if manifest.get("pack", {}).get("kind") == "delta":
        _check_delta(manifest, out)
    return out


def _check_delta(manifest: dict[str, Any], out: Verification) -> None:
    """A delta's evidence lines say what they are; its removed files are listed, not held."""
    carried = [
        e for e in manifest.get("files", []) if str(e.get("path", "")).startswith("evidence/")
    ]
    removed = manifest.get("removed_files", [])
    for entry in carried:
        if entry.get("change") not in ("added", "changed"):
            out.problems.append(f"{entry.get('path')} is not marked as added or changed")
        elif entry.get("change") == "changed" and not entry.get("replaces"):
            out.problems.append(f"{entry.get('path')} is marked as changed but replaces nothing")
    held = {e.get("sha256") for e in carried}
    for entry in removed:
        if entry.get("sha256") in held:
            out.problems.append(
                f"a file listed as removed ({entry.get('sha256')}) is carried in the ZIP"
            )
    pack = manifest.get("pack", {})
    added = sum(1 for e in carried if e.get("change") == "added")
    out.notes.append(
        f"delta from {pack.get('base')} to {pack.get('target')}: {len(carried)} evidence "
        f"file(s) carried ({added} added, {len(carried) - added} changed), "
        f"{len(removed)} removed file(s) listed and not carried"
    )


class PackUnreadable(Exception):
    """A pack's ZIP has no readable evidence-pack manifest."""


def _load_manifest(archive: zipfile.ZipFile) -> dict[str, Any]:
    if MANIFEST not in archive.namelist():
        raise PackUnreadable(f"{MANIFEST} is missing")
    try:
        manifest = json.loads(archive.read(MANIFEST))
    except (ValueError, zipfile.BadZipFile) as exc:
        raise PackUnreadable(f"{MANIFEST} cannot be read: {exc}") from exc
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise PackUnreadable(f"{MANIFEST} is not an evidence-pack manifest ({FORMAT})")
    return manifest


def read_manifest(handle: IO[bytes]) -> dict[str, Any]:
    """The manifest of the pack whose ZIP is open in ``handle`` (raises ``PackUnreadable``)."""
    try:
        with zipfile.ZipFile(handle) as archive:
            return _load_manifest(archive)
    except (OSError, zipfile.BadZipFile) as exc:
        raise PackUnreadable(f"not a readable ZIP file: {exc}") from exc
