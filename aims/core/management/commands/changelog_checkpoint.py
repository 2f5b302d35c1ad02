from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from aims.core import integrity
from aims.core.changelog import ChangeLogTampered, write_checkpoint


class Command(BaseCommand):
    help = (
        "Verify the change log, then export a signed checkpoint of its end (seq, hash, time, "
        "key id, HMAC) to CHANGELOG_CHECKPOINT_DIR, outside the database. Nothing is written "
        "when the chain does not verify."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dir", type=Path, metavar="PATH", help="write here instead of the setting"
        )

    def handle(self, *args, **options):
        try:
            checkpoint, written = write_checkpoint(directory=options["dir"])
        except ChangeLogTampered as exc:
            report = exc.report
            where = f" at row #{report.first_broken_seq}" if report.first_broken_seq else ""
            raise CommandError(
                f"Change log broken{where}: {report.problem}. No checkpoint written."
            ) from exc
        except (integrity.CheckpointError, OSError) as exc:
            raise CommandError(f"No checkpoint written: {exc}") from exc
        if written:
            self.stdout.write(
                self.style.SUCCESS(
                    f"Checkpoint written: {checkpoint.path} (row #{checkpoint.seq}, "
                    f"key {checkpoint.key_id})."
                )
            )
        else:
            self.stdout.write(
                f"The change log has not moved since checkpoint {checkpoint.path} "
                f"(row #{checkpoint.seq}); nothing written."
            )
