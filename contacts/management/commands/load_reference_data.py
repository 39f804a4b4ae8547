"""`manage.py load_reference_data [--force]`: a thin adapter over `reference_data_load`."""

from django.core.management.base import BaseCommand

from contacts.reference import reference_data_load


class Command(BaseCommand):
    help = (
        "Load INTERPOL's regions and bureaus, ISO countries with their membership, ISO 639-1 "
        "languages and one NCB per member country. Idempotent; prints what it changed."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--force",
            action="store_true",
            help="Reset rows corrected in admin to the shipped data of this version.",
        )

    def handle(self, *args, force: bool = False, **options):
        report = reference_data_load(force=force)
        for line in report.summary_lines():
            self.stdout.write(line)
