"""Builders of evidence test data: cases, items and custody events made through the services.

Plain functions rather than fixtures, so each test says what it builds. Data are fictitious.
"""

import datetime
import io

from django.utils import timezone

from contacts.models import Country
from evidence import services
from evidence.choices import EvidenceKind
from evidence.models import EvidenceItem
from ncb_cases import services as case_services
from ncb_cases.choices import OffenceType
from tests.factories import country

GERMAN_LAB = {
    "person": "Kriminalhauptkommissarin Test-Weber",
    "agency": "BKA Wiesbaden",
    "country": "DE",
}
FRENCH_LAB = {"person": "Dr Jeanne Exemple", "agency": "INPS Lyon (fictitious)", "country": "FR"}


def open_case(actor, title="Fictitious nail-bar network in Lyon"):
    """A case of the actor's NCB, opened through the case service."""
    for iso2 in ("FR", "DE"):
        if not Country.objects.filter(iso2=iso2).exists():
            country(iso2)
    return case_services.case_create(
        actor=actor, data={"title": title, "offence_type": OffenceType.THB}
    )


def item_data(**overrides):
    """Valid `evidence_item_create` data for a seized phone."""
    data = {
        "kind": EvidenceKind.DIGITAL,
        "description": "Black smartphone, cracked screen, seized at the nail bar (fictitious)",
        "collected_at": timezone.now() - datetime.timedelta(hours=2),
        "collected_by": "Brigadier Test-Martin",
        "collected_place": "12 rue de l'Exemple, Lyon",
        "legal_authority": "Search warrant TJ Lyon 2026/0001 (fictitious)",
        "seal_number": "SEAL-FR-0001",
        "storage_location": "Evidence room B, shelf 3",
    }
    data.update(overrides)
    return data


def evidence_item(*, actor, case=None, **overrides) -> EvidenceItem:
    """An item registered through `evidence_item_create` (its chain opened: COLLECTED)."""
    case = case or open_case(actor)
    return services.evidence_item_create(actor=actor, case=case, data=item_data(**overrides))


def add_file(*, actor, item, content=b"fictitious phone extraction\n", **kwargs):
    """A file attached through `evidence_file_add`, streamed from an in-memory file."""
    kwargs.setdefault("original_name", "extraction.bin")
    kwargs.setdefault("media_type", "application/octet-stream")
    return services.evidence_file_add(
        actor=actor, item=item, content=io.BytesIO(content), **kwargs
    )


def use_temporary_store(settings, tmp_path):
    """Point the evidence file store at a fresh directory for this test; return it."""
    root = tmp_path / "evidence-files"
    settings.EVIDENCE_FILE_ROOT = root
    return root
