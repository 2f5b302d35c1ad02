from django.core.management.base import BaseCommand, CommandError

from aims.core.changelog import change_context
from aims.core.models import ChangeSource
from controls.catalog import CatalogError, load_catalog


class Command(BaseCommand):
    help = (
        "Load or reload the reference catalog (idempotent; writes nothing if a file is malformed)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--data-dir", help="Folder with the catalog JSON files (default: the shipped copy)."
        )

    def handle(self, *args, **options):
        try:
            with change_context(source=ChangeSource.IMPORT):
                report = load_catalog(options.get("data_dir"))
        except CatalogError as exc:
            raise CommandError(f"Catalog not loaded: {exc}") from exc
        self.stdout.write(
            self.style.SUCCESS(
                f"Catalog: {report.frameworks} frameworks, {report.requirements} requirements, "
                f"{report.mappings} mappings ({report.created} created, {report.updated} updated, "
                f"{report.withdrawn} withdrawn, {report.unchanged} unchanged)."
            )
        )
