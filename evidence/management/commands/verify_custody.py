"""`manage.py verify_custody [--case REF]`: verify the custody log as stored.

The same verification as the item page's "Verify now" and the API's verify action
(`evidence.verification`): every chain (or one case's), each item's recorded head, and every
signed checkpoint (signature by the instance key, Merkle root over the log, no hole).
"""

import time

from django.core.management.base import BaseCommand, CommandError

from evidence.verification import custody_verify_all
from ncb_cases.models import Case


class Command(BaseCommand):
    help = (
        "Verify the hash chain of every evidence item's custody events (or of one case's "
        "items) and every signed checkpoint of the log. Exit status 0 when everything holds; "
        "otherwise 1 and the first broken link (item, event sequence, expected and actual "
        "hash) and the first checkpoint that no longer matches."
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
        report = custody_verify_all(case=scope)
        elapsed = time.perf_counter() - started
        if not report.ok:
            self.stderr.write(str(report))
            raise SystemExit(1)
        rate = report.chains.chain.events_checked / elapsed if elapsed > 0 else 0
        self.stdout.write(f"{report}\n({elapsed:.2f} s, {rate:,.0f} events/s)")
