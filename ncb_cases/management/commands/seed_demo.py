"""`manage.py seed_demo [--password PW]`: reference data, then each app's demo data.

A thin orchestrator: the data and the rules live in each app's `demo.py`; this command picks
the password, calls them in dependency order and prints the demo logins.
"""

from django.core.management.base import BaseCommand, CommandError

from contacts.demo import demo_password, seed_contacts_demo
from contacts.demo_legislation import seed_legislation_demo
from contacts.demo_support import seed_support_demo
from contacts.reference import reference_data_load
from evidence.demo import seed_evidence_demo
from messages_hst.demo import seed_messages_demo
from ncb_cases.demo import seed_cases_demo
from ncb_cases.demo_assets import seed_assets_demo
from ncb_cases.demo_meetings import seed_meetings_demo
from ncb_cases.demo_support import seed_referrals_demo

DEMO_URL = "http://127.0.0.1:8000/"


class Command(BaseCommand):
    help = (
        "Load the reference data and the demo (NCBs, users, contact points, legislation, "
        "support organisations, cases, assets, referrals, meetings, evidence, messages). "
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
        # Each app's demo, after what it builds on.
        for seed in (
            seed_legislation_demo,
            seed_support_demo,
            seed_cases_demo,
            seed_assets_demo,
            seed_referrals_demo,
            seed_meetings_demo,
            seed_evidence_demo,
            seed_messages_demo,
        ):
            for line in seed().summary_lines():
                self.stdout.write(line)

        self.stdout.write("")
        self.stdout.write(self.style.SUCCESS(f"Demo ready at {DEMO_URL}"))
        self.stdout.write(f"Password of every demo user: {password}  (kept in var/demo_password)")
        width = max(len(login.username) for login in contacts.logins)
        for login in contacts.logins:
            self.stdout.write(f"  {login.username:<{width}}  {login.role}, {login.where}")
