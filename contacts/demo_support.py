"""The support-directory part of `manage.py seed_demo` (issue 6, item 2): victim-support
organisations in France, Italy, Nigeria, Germany and Thailand.

Everything is fictitious: every name ends in "(fictitious)", streets do not exist, phones are
in ranges no operator assigns to subscribers. Organisations are recorded through
`support_organisation_create` as the demo admin (validation and audit trail included).
Idempotent: an organisation is recognised by its country and name.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db import transaction

from contacts.models import Country, SupportOrganisation
from contacts.support_services import support_organisation_create

# fmt: off
DEMO_ORGANISATIONS: tuple[dict, ...] = (
    {"country": "FR", "name": "Foyer Horizon (fictitious)", "kind": "SHELTER",
     "services": ["ACCOMMODATION", "PSYCHOLOGICAL", "MEDICAL"], "languages": ["fr", "en"],
     "city": "Paris", "address": "14 rue Imaginaire, 75020 Paris (fictitious)",
     "phone": "+33 1 99 00 41 10", "phone_24_7": True, "contact_person": "Claire MARTIN-TEST",
     "notes": "Women victims of sexual exploitation. Referrals by phone, day and night."},
    {"country": "FR", "name": "Aide Juridique aux Victimes (fictitious)", "kind": "LEGAL_AID",
     "services": ["LEGAL", "INTERPRETATION"], "languages": ["fr", "en", "es"],
     "city": "Paris", "address": "3 place du Palais-Fictif, 75001 Paris",
     "phone": "+33 1 99 00 41 20", "email": "contact@aide-juridique.example",
     "website": "https://aide-juridique.example"},
    {"country": "FR", "name": "Enfance Protégée (fictitious)", "kind": "NGO",
     "services": ["ACCOMMODATION", "PSYCHOLOGICAL", "EDUCATION"], "languages": ["fr", "ro"],
     "city": "Paris", "phone": "+33 1 99 00 41 30", "phone_24_7": True,
     "notes": "Child victims; works with the juvenile judge and child protection services."},
    {"country": "IT", "name": "OIM Ufficio di Roma (fictitious)", "kind": "IOM_OFFICE",
     "services": ["REPATRIATION", "REINTEGRATION", "INTERPRETATION"],
     "languages": ["it", "en", "fr"], "city": "Roma", "phone": "+39 06 9999 0101",
     "email": "rome@iom-demo.example"},
    {"country": "IT", "name": "Casa Rifugio Aurora (fictitious)", "kind": "SHELTER",
     "services": ["ACCOMMODATION", "MEDICAL", "PSYCHOLOGICAL"], "languages": ["it", "en"],
     "city": "Palermo", "address": "Via Inesistente 9, Palermo", "phone": "+39 06 9999 0202",
     "phone_24_7": True},
    {"country": "NG", "name": "IOM Lagos Sub-Office (fictitious)", "kind": "IOM_OFFICE",
     "services": ["REPATRIATION", "REINTEGRATION", "FINANCIAL"], "languages": ["en", "yo"],
     "city": "Lagos", "phone": "+234 803 999 0101", "email": "lagos@iom-demo.example"},
    {"country": "NG", "name": "Edo Women's Reintegration Centre (fictitious)", "kind": "NGO",
     "services": ["REINTEGRATION", "EDUCATION", "PSYCHOLOGICAL"], "languages": ["en"],
     "city": "Benin City", "phone": "+234 809 999 0101"},
    {"country": "DE", "name": "Beratungsstelle Nordlicht (fictitious)", "kind": "NGO",
     "services": ["PSYCHOLOGICAL", "LEGAL", "INTERPRETATION"], "languages": ["de", "ro", "bg"],
     "city": "Hamburg", "phone": "+49 30 99990101"},
    {"country": "DE", "name": "Rechtshilfe Migration (fictitious)", "kind": "LEGAL_AID",
     "services": ["LEGAL"], "languages": ["de", "en"], "city": "Berlin",
     "phone": "+49 30 99990202"},
    {"country": "TH", "name": "Bangkok Recovery Shelter (fictitious)", "kind": "SHELTER",
     "services": ["ACCOMMODATION", "MEDICAL", "REPATRIATION"], "languages": ["th", "my", "en"],
     "city": "Bangkok", "address": "99 Soi Fictitious, Bangkok", "phone": "+66 2 999 0101",
     "phone_24_7": True},
    {"country": "TH", "name": "Seafarers' Health Outreach (fictitious)", "kind": "HEALTH",
     "services": ["MEDICAL", "PSYCHOLOGICAL"], "languages": ["th", "my", "km"],
     "city": "Samut Sakhon", "phone": "+66 2 999 0202"},
)
# fmt: on


@dataclass
class SupportDemoReport:
    created: int = 0
    present: int = 0
    skipped: int = 0

    def summary_lines(self) -> list[str]:
        lines = [
            f"Demo support organisations: {self.created} created ({self.present} already present)."
        ]
        if self.skipped:
            lines.append(
                f"Demo support organisations: {self.skipped} skipped "
                "(their country or the admin user is missing)."
            )
        return lines


@transaction.atomic
def seed_support_demo() -> SupportDemoReport:
    """Create the demo organisations that do not exist yet, as the demo admin. Needs the
    contacts demo (countries and the `admin` user); without them, organisations are skipped
    and counted. Idempotent."""
    report = SupportDemoReport()
    admin = get_user_model().objects.filter(username="admin", is_active=True).first()
    countries = set(
        Country.objects.filter(
            iso2__in={demo["country"] for demo in DEMO_ORGANISATIONS}
        ).values_list("iso2", flat=True)
    )
    for demo in DEMO_ORGANISATIONS:
        if admin is None or demo["country"] not in countries:
            report.skipped += 1
            continue
        if SupportOrganisation.objects.filter(
            country__iso2=demo["country"], name=demo["name"]
        ).exists():
            report.present += 1
            continue
        support_organisation_create(actor=admin, data=demo)
        report.created += 1
    return report
