from datetime import timedelta

from django.core.management.base import BaseCommand

from aims.core.jobs import jobs_recover


class Command(BaseCommand):
    help = (
        "Send the background jobs that waited for the broker, and queue again (once) or fail "
        "the running jobs whose worker stopped. Celery beat does this every minute."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--sent-before",
            type=int,
            metavar="MINUTES",
            help=(
                "also send again the queued jobs handed to the broker more than MINUTES ago "
                "that never started (after a Redis that lost its data)"
            ),
        )

    def handle(self, *args, **options):
        minutes = options.get("sent_before")
        recovery = jobs_recover(
            sent_before=timedelta(minutes=minutes) if minutes is not None else None
        )
        self.stdout.write(
            f"Sent {recovery.resent} waiting job(s); queued again {recovery.requeued} and "
            f"failed {recovery.failed} job(s) whose worker had stopped."
        )
