"""`manage.py verify_custody [--case REF]`: verify every custody chain as stored."""

import time

from django.core.management.base import BaseCommand, CommandError

from evidence.services import custody_verify
from ncb_cases.models import Case


class Command(BaseCommand):
    help = (
        "Verify the hash chain of every evidence item's custody events (or of one case's "
        "items) and the latest checkpoint. Exit status 0 when everything holds; otherwise 1 "
        "and the first broken link: item, event sequence, expected and actual hash."
    )

    def add_arguments(self, parser):
        parser.add_argument("--case", metavar="REF", help="only the items of this case reference")

    def handle(self, *args, case=None, **options):
        scope = None
        if case:
            scope = Case.objects.filter(reference=case.strip().upper()).first()
            if scope is None:
                raise CommandError(f"No case with reference {case}.")
        started = time.perf_counter()
        result = custody_verify(case=scope)
        elapsed = time.perf_counter() - started
        if not result.ok:
            self.stderr.write(str(result))
            raise SystemExit(1)
        rate = result.chain.events_checked / elapsed if elapsed > 0 else 0
        self.stdout.write(f"{result} ({elapsed:.2f} s, {rate:,.0f} events/s)")
