from django.core.management.base import BaseCommand, CommandError

from aims.core.changelog import verify_chain


class Command(BaseCommand):
    help = "Verify the change log's hash chain; exits non-zero and names the first broken row."

    def handle(self, *args, **options):
        report = verify_chain()
        if not report.ok:
            raise CommandError(
                f"Change log broken at row #{report.first_broken_seq}: {report.problem}"
            )
        self.stdout.write(self.style.SUCCESS(f"Change log intact: {report.rows} rows verified."))
