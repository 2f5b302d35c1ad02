"""What anchors the change log outside the database: the keys and the signed checkpoints.

A chain of plain SHA-256 only proves order: whoever can write the table can rewrite a row
and recompute every later hash. So each row's hash is an HMAC-SHA256 under a key the
database does not hold, and the row names the key (``key_id``; ``NULL`` marks a row
written before keys existed, hashed with plain SHA-256). A checkpoint is the chain's end
(seq and hash) at one moment, signed with the same keys and kept in files outside the
database; a database that no longer contains it was rewritten or cut short.

Keys come from ``settings.CHANGELOG_KEYS`` (the first one signs; the others verify older
rows and checkpoints). With none configured — the embedded default — the key is derived
from ``SECRET_KEY``, which lives outside the database too; ``check --deploy`` warns about
that, since rotating ``SECRET_KEY`` would then orphan the rows signed with it (unless the
old value stays in ``SECRET_KEY_FALLBACKS``).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from django.conf import settings

CHECKPOINT_FORMAT = "aims-changelog-checkpoint/1"
CHECKPOINT_GLOB = "checkpoint-*.json"
_DERIVATION_LABEL = b"aims.changelog.hmac-sha256.v1"


@dataclass(frozen=True)
class Keyring:
    """Verification keys by id; ``current_id`` signs what is written now."""

    keys: dict[str, bytes]
    current_id: str
    configured: bool  # False: derived from SECRET_KEY (no CHANGELOG_KEYS)

    @property
    def current_key(self) -> bytes:
        return self.keys[self.current_id]


def derived_key(secret: str) -> tuple[str, bytes]:
    """A change-log key derived from a Django secret key, named by its fingerprint."""
    key = hmac.new(secret.encode(), _DERIVATION_LABEL, hashlib.sha256).digest()
    return "sk-" + hashlib.sha256(key).hexdigest()[:12], key


def keyring() -> Keyring:
    configured = list(settings.CHANGELOG_KEYS)
    secrets = [settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", [])]
    derived = [derived_key(secret) for secret in secrets if secret]
    keys = dict(configured)
    for key_id, key in derived:
        # Rows signed before CHANGELOG_KEYS was set keep verifying while SECRET_KEY is kept.
        keys.setdefault(key_id, key)
    current = configured[0][0] if configured else derived[0][0]
    return Keyring(keys=keys, current_id=current, configured=bool(configured))


def mac(key: bytes, message: bytes) -> str:
    return hmac.new(key, message, hashlib.sha256).hexdigest()


def canonical(payload: dict) -> bytes:
    return json.dumps(payload, sort_keys=True, separators=(",", ":")).encode()


class CheckpointError(Exception):
    """A checkpoint file that cannot be read or is not a checkpoint."""


@dataclass(frozen=True)
class Checkpoint:
    """The chain's end at one moment, signed: ``seq`` and ``hash`` of the last row."""

    seq: int
    hash: str
    time: str  # ISO 8601, UTC
    key_id: str
    signature: str
    path: Path | None = None

    @property
    def name(self) -> str:
        return self.path.name if self.path else f"checkpoint #{self.seq}"

    def signed_payload(self) -> bytes:
        return canonical(
            {
                "format": CHECKPOINT_FORMAT,
                "seq": self.seq,
                "hash": self.hash,
                "time": self.time,
                "key_id": self.key_id,
            }
        )

    def signature_problem(self, ring: Keyring) -> str:
        """Why the signature does not hold, or "" when it does."""
        key = ring.keys.get(self.key_id)
        if key is None:
            return (
                f"checkpoint {self.name} is signed with key {self.key_id!r}, which is not "
                "configured (CHANGELOG_KEYS)"
            )
        if not hmac.compare_digest(mac(key, self.signed_payload()), self.signature):
            return f"checkpoint {self.name} has a bad signature: it was forged or altered"
        return ""

    def to_json(self) -> str:
        data = {
            "format": CHECKPOINT_FORMAT,
            "seq": self.seq,
            "hash": self.hash,
            "time": self.time,
            "key_id": self.key_id,
            "signature": self.signature,
        }
        return json.dumps(data, indent=2) + "\n"


def sign_checkpoint(*, seq: int, hash: str, time: datetime, ring: Keyring) -> Checkpoint:
    unsigned = Checkpoint(
        seq=seq, hash=hash, time=time.isoformat(), key_id=ring.current_id, signature=""
    )
    signature = mac(ring.current_key, unsigned.signed_payload())
    return Checkpoint(seq, hash, unsigned.time, ring.current_id, signature)


def read_checkpoint(path: Path) -> Checkpoint:
    try:
        data = json.loads(path.read_text())
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        raise CheckpointError(f"checkpoint {path} cannot be read: {exc}") from exc
    if not isinstance(data, dict) or data.get("format") != CHECKPOINT_FORMAT:
        raise CheckpointError(f"{path} is not a change-log checkpoint ({CHECKPOINT_FORMAT})")
    try:
        seq, hash_, time, key_id, signature = (
            data[k] for k in ("seq", "hash", "time", "key_id", "signature")
        )
    except KeyError as exc:
        raise CheckpointError(f"checkpoint {path} lacks {exc.args[0]!r}") from None
    if not (
        isinstance(seq, int)
        and seq >= 0
        and all(isinstance(v, str) for v in (hash_, time, key_id, signature))
    ):
        raise CheckpointError(f"checkpoint {path} has a malformed field")
    return Checkpoint(seq, hash_, time, key_id, signature, path=path)


def checkpoint_files(paths: Iterable[Path]) -> list[Path]:
    """The checkpoint files named by ``paths``: files as given, directories' checkpoints."""
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            found.extend(sorted(path.glob(CHECKPOINT_GLOB)))
        elif path.exists():
            found.append(path)
        else:
            raise CheckpointError(f"{path} does not exist")
    return found


def read_checkpoints(paths: Iterable[Path]) -> list[Checkpoint]:
    return [read_checkpoint(path) for path in checkpoint_files(paths)]


def write_checkpoint_file(checkpoint: Checkpoint, directory: Path) -> Path:
    """Write ``checkpoint`` into ``directory`` whole or not at all; never overwrite one."""
    directory.mkdir(parents=True, exist_ok=True)
    stamp = datetime.fromisoformat(checkpoint.time).strftime("%Y%m%dT%H%M%SZ")
    path = directory / f"checkpoint-{checkpoint.seq:012d}-{stamp}.json"
    fd, tmp = tempfile.mkstemp(dir=directory, prefix=".checkpoint-", suffix=".tmp")
    try:
        with os.fdopen(fd, "w") as handle:
            handle.write(checkpoint.to_json())
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, 0o640)
        os.link(tmp, path)  # fails if the name is taken: an existing checkpoint is kept
    finally:
        os.unlink(tmp)
    return path
