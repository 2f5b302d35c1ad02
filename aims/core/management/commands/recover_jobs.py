from django.core.management.base import BaseCommand

from aims.core.jobs import jobs_recover


class Command(BaseCommand):
    help = (
        "Send the background jobs that waited for the broker, and queue again (once) or fail "
        "the running jobs whose worker stopped. Celery beat does this every minute."
    )

    def handle(self, *args, **options):
        recovery = jobs_recover()
        self.stdout.write(
            f"Sent {recovery.resent} waiting job(s); queued again {recovery.requeued} and "
            f"failed {recovery.failed} job(s) whose worker had stopped."
        )
