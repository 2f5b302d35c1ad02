from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from aims.core import integrity
from aims.core.changelog import checkpoint_paths, verify_chain


class Command(BaseCommand):
    help = (
        "Verify the change log's keyed hash chain up to its end as read when the run starts, "
        "and check it against the signed checkpoints (by default those in "
        "CHANGELOG_CHECKPOINT_DIR). Exits non-zero and names the first broken row."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--checkpoints",
            action="append",
            type=Path,
            metavar="PATH",
            help="a checkpoint file or a directory of them (repeatable); replaces the default",
        )

    def handle(self, *args, **options):
        # The files are read before the database, so each one predates the chain's end read.
        try:
            checkpoints = integrity.read_checkpoints(checkpoint_paths(options["checkpoints"]))
        except integrity.CheckpointError as exc:
            raise CommandError(f"Change log not verified: {exc}") from exc
        report = verify_chain(checkpoints=checkpoints)
        if not report.ok:
            where = f" at row #{report.first_broken_seq}" if report.first_broken_seq else ""
            raise CommandError(f"Change log broken{where}: {report.problem}")
        for warning in report.warnings:
            self.stderr.write(self.style.WARNING(f"Warning: {warning}"))
        latest = max(checkpoints, key=lambda c: c.seq, default=None)
        anchored = (
            f"; {report.checkpoints} checkpoint(s) match, the latest at row #{latest.seq} "
            f"({latest.time})"
            if latest
            else "; no checkpoint given"
        )
        legacy = f" ({report.legacy_rows} legacy unkeyed)" if report.legacy_rows else ""
        self.stdout.write(
            self.style.SUCCESS(
                f"Change log intact: {report.rows} rows verified{legacy}, up to row "
                f"#{report.head_seq}{anchored}."
            )
        )
