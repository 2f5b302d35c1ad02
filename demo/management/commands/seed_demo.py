"""``manage.py seed_demo``: the demo organisations, their people and AI systems, Statement of
Applicability, risk register and evidence, from ``demo/data`` (see ``demo/seed.py``).

Idempotent: a second run changes nothing. ``--print-logins`` prints only the table of demo
logins (``make run`` shows it on start).
"""

from __future__ import annotations

from django.core.management.base import BaseCommand

from demo.loader import load_demo_data
from demo.seed import seed_demo


class Command(BaseCommand):
    help = "Create the demo organisations, people and AI systems (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--print-logins",
            action="store_true",
            help="Only print the demo logins and their password; change nothing.",
        )

    def handle(self, *args, **options):
        data = load_demo_data()
        if options["print_logins"]:
            self.stdout.write(data.logins_table())
            return
        created = seed_demo(data=data)
        if created:
            summary = ", ".join(f"{n} {what}" for what, n in created.items())
            self.stdout.write(self.style.SUCCESS(f"Demo data created: {summary}."))
        else:
            self.stdout.write("Demo data already present; nothing changed.")
        self.stdout.write("")
        self.stdout.write(data.logins_table())
