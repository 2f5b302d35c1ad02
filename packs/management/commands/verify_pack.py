"""``manage.py verify_pack FILE``: check an evidence pack offline.

Every file's SHA-256 and size against the manifest, no file missing or extra, and the
signatures of the manifest and of its change-log checkpoint when this installation holds
the key that signed them (``CHANGELOG_KEYS``, or the derived ``SECRET_KEY`` key). A delta
pack is checked alike, plus its evidence lines (each added or changed, a changed one naming
the hash it replaces, no removed file carried). Exits 1 with one line per problem on any
mismatch, naming the file; needs no database.
"""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from aims.core import integrity
from packs.bundle import sha256_of, verify_zip


class Command(BaseCommand):
    help = "Check an evidence pack (ZIP) against its manifest and signatures, offline."
    requires_system_checks: list = []
    requires_migrations_checks = False

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path, help="the pack's ZIP file")
        parser.add_argument(
            "--sha256", default="", help="also compare the ZIP's own SHA-256 with this value"
        )
        parser.add_argument(
            "--no-keys",
            action="store_true",
            help="do not check signatures (only hashes, sizes and the list of files)",
        )

    def handle(self, *args, **options):
        path: Path = options["file"]
        if not path.is_file():
            raise CommandError(f"{path}: no such file")
        ring = None if options["no_keys"] else integrity.keyring()
        result = verify_zip(path, ring=ring)
        expected = options["sha256"].strip().lower()
        if expected:
            with path.open("rb") as handle:
                actual, _size = sha256_of(handle)
            if actual != expected:
                result.problems.append(
                    f"the ZIP's SHA-256 is {actual}, not the recorded {expected}"
                )
        for note in result.notes:
            self.stdout.write(f"note: {note}")
        if not result.ok:
            for problem in result.problems:
                self.stderr.write(f"MISMATCH: {problem}")
            raise CommandError(
                f"{path}: the pack does not verify ({len(result.problems)} problem(s))."
            )
        pack = (result.manifest or {}).get("pack", {})
        self.stdout.write(
            self.style.SUCCESS(
                f"{path}: OK — {result.files} files match the manifest of "
                f"{pack.get('reference', 'the pack')}."
            )
        )
