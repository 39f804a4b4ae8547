"""Support organisations for the tests: plainly fictitious, phones in fictional ranges."""

from contacts.choices import SupportOrganisationKind
from contacts.models import SupportOrganisation

SHELTER_ADDRESS = "12 rue des Tilleuls-Test, 69000 Lyon"


def make_organisation(country, **fields) -> SupportOrganisation:
    values = {
        "name": "Foyer Horizon (fictitious)",
        "kind": SupportOrganisationKind.SHELTER,
        "services": ["ACCOMMODATION", "PSYCHOLOGICAL"],
        "languages": ["fr", "en"],
        "city": "Lyon",
        "address": SHELTER_ADDRESS,
        "phone": "+33199001234",
        "phone_24_7": True,
    }
    values.update(fields)
    return SupportOrganisation.objects.create(country=country, **values)
