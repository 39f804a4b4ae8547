"""`manage.py seed_demo [--password PW]`: reference data, then each app's demo data.

A thin orchestrator: the data and the rules live in each app's `demo.py`; this command picks
the password, calls them in dependency order and prints the demo logins.
"""

from django.core.management.base import BaseCommand, CommandError

from contacts.demo import demo_password, seed_contacts_demo
from contacts.reference import reference_data_load
from evidence.demo import seed_evidence_demo
from messages_hst.demo import seed_messages_demo
from ncb_cases.demo import seed_cases_demo

DEMO_URL = "http://127.0.0.1:8000/"


class Command(BaseCommand):
    help = (
        "Load the reference data and the demo (NCBs, users, contact points, cases, evidence, "
        "messages). "
        "Idempotent; prints the demo logins."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--password",
            help="Password of every demo user (default: the one in var/demo_password, "
            "generated on the first run).",
        )

    def handle(self, *args, password: str | None = None, **options):
        for line in reference_data_load().summary_lines():
            self.stdout.write(line)
        password = demo_password(password=password)
        try:
            contacts = seed_contacts_demo(password=password)
        except LookupError as exc:
            raise CommandError(str(exc)) from exc
        for line in contacts.summary_lines():
            self.stdout.write(line)
        # The demos of cases, evidence and messages go here, each after what it builds on.
        for line in seed_cases_demo().summary_lines():
            self.stdout.write(line)
        for line in seed_evidence_demo().summary_lines():
            self.stdout.write(line)
        for line in seed_messages_demo().summary_lines():
            self.stdout.write(line)

        self.stdout.write("")
        self.stdout.write(self.style.SUCCESS(f"Demo ready at {DEMO_URL}"))
        self.stdout.write(f"Password of every demo user: {password}  (kept in var/demo_password)")
        width = max(len(login.username) for login in contacts.logins)
        for login in contacts.logins:
            self.stdout.write(f"  {login.username:<{width}}  {login.role}, {login.where}")
