"""The evidence part of the demo (`manage.py seed_demo`): items and custody chains on four cases.

Everything is written through `evidence.services`, acting as the demo users of `contacts.demo`
on the demo cases of `ncb_cases.demo`, so each item carries a real hash-chained custody log
and the audit rows a real item would. Custody events are timed by the server's clock (at
seeding time); the seizure time given here is kept as the COLLECTED event's claimed time.
Everything is fictitious: seal numbers, warrants and MLA references say so, and the one file
(the phone's chat export) is generated here.

What the demo shows:

- the seized phone of the Paris "Mama Joy" case (digital, with a file): sealed, examined,
  handed from officer_fr to supervisor_fr (released by one, accepted by the other), then sent
  abroad to NCB Rome under a mutual legal assistance request: it waits for Italy;
- a passport presented in court, a ledger sealed and released within NCB Paris and left in
  transit (supervisor_fr and analyst_fr see it under "awaiting your acceptance");
- on the German forced-labour case, a payroll ledger seized by NCB Paris in Strasbourg and
  sent to Germany under a European Investigation Order, accepted by supervisor_de; a victim's
  statement recorded and examined in Hamburg;
- on the Italian Lampedusa case, the boat's satellite phone and the pilot's statement,
  presented in court.

After the items, a custody checkpoint is signed, so a dossier has one from the start.

Idempotent: an item is recognised by its case and description; an item that exists is left
as it is (with whatever demo users recorded since), a missing one is created with its chain.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from contacts.permissions import officer_of
from evidence import checkpointing, services
from evidence.choices import CustodyAction, EvidenceKind
from evidence.models import EvidenceItem
from ncb_cases.keys import SigningKeyUnavailable
from ncb_cases.models import Case

MAMA_JOY_FR = "Mama Joy network: sexual exploitation of Nigerian women in Paris (fictitious)"
HAMBURG_DE = "Forced labour on construction sites near Hamburg (fictitious)"
LAMPEDUSA_IT = (
    "Lampedusa landing: Tripoli smuggling cell behind a boat of 48 migrants (fictitious)"
)

MLA_FR_IT = "MLA 2026/FR-IT/0147 (fictitious)"
EIO_FR_DE = "European Investigation Order 2026/FR-DE/0031 (fictitious)"


def chat_log_export() -> bytes:
    """The fictitious chat export of the seized phone (a small text file, made here)."""
    lines = [
        "FICTITIOUS CHAT LOG - demo data of NCB-THB, no real person or number",
        "Extraction: demo forensic tool 0.0 (fictitious), phone seal FR-DEMO-0001",
        "",
    ]
    messages = (
        ("+234 803 555 0101", "The girls arrive Rome on Friday. Send the tickets."),
        ("+33 6 00 00 00 01", "Tickets bought. Paris Gare de Lyon, Saturday morning."),
        ("+218 91 555 0101", "Boat leaves Tuesday if the sea is calm. 48 on board."),
        ("+33 6 00 00 00 01", "Remind them of the debt. 35,000, no discussion."),
        ("+234 803 555 0101", "Western Union to the usual name in Frankfurt."),
    )
    for minute, (sender, text) in enumerate(messages):
        lines.append(f"2026-01-1{minute} 21:{minute:02d}  {sender}: {text}")
    return ("\n".join(lines) + "\n").encode("utf-8")


# --- The demo items, as data -------------------------------------------------------------------


@dataclass(frozen=True)
class DemoFile:
    original_name: str
    media_type: str
    content: bytes


@dataclass(frozen=True)
class DemoStep:
    """One custody action (`services.custody_event_append`) by `actor`; `to`, when given, is
    the username of the receiving person (their name, NCB and country make the custodian)."""

    action: str
    actor: str
    data: dict[str, Any] = field(default_factory=dict)
    to: str = ""


@dataclass(frozen=True)
class DemoItem:
    case_owner: str  # NCB code
    case_title: str
    actor: str  # who registers the item (and so is its first custodian)
    kind: str
    description: str
    collected_days_ago: int
    collected_by: str
    collected_place: str
    legal_authority: str
    seal_number: str
    storage_location: str
    file: DemoFile | None = None
    steps: tuple[DemoStep, ...] = ()


# fmt: off
DEMO_ITEMS: tuple[DemoItem, ...] = (
    DemoItem(
        case_owner="FR", case_title=MAMA_JOY_FR, actor="officer_fr",
        kind=EvidenceKind.DIGITAL,
        description="Seized smartphone of the main suspect, black, cracked screen, with its "
                    "chat export (fictitious)",
        collected_days_ago=30, collected_by="Brigadier DURAND-TEST",
        collected_place="Search of a flat, 00 rue de l'Exemple, Paris 18e (fictitious)",
        legal_authority="Search warrant TJ Paris 2026/0042 (fictitious)",
        seal_number="FR-DEMO-0001", storage_location="OCRTEH evidence room, shelf A2",
        file=DemoFile("chat_export.txt", "text/plain", chat_log_export()),
        steps=(
            DemoStep(CustodyAction.SEALED, "officer_fr",
                     {"seal_number": "FR-DEMO-0002", "place": "OCRTEH, Paris",
                      "notes": "Resealed after the chat export was taken."}),
            DemoStep(CustodyAction.EXAMINED, "officer_fr",
                     {"purpose": "Forensic extraction of the messaging apps (fictitious)",
                      "place": "Digital forensics lab, Paris (fictitious)",
                      "seal_intact": True}),
            DemoStep(CustodyAction.RELEASED, "officer_fr",
                     {"purpose": "Kept by the supervisor for the MLA request to Italy",
                      "place": "OCRTEH, Paris", "seal_intact": True},
                     to="supervisor_fr"),
            DemoStep(CustodyAction.ACCEPTED, "supervisor_fr",
                     {"seal_intact": True,
                      "storage_location": "OCRTEH safe, supervisor's office"}),
            DemoStep(CustodyAction.SENT_ABROAD, "supervisor_fr",
                     {"legal_authority": MLA_FR_IT,
                      "purpose": "Comparison with the Lampedusa case of NCB Rome",
                      "place": "OCRTEH, Paris", "seal_intact": True},
                     to="officer_it"),
        ),
    ),
    DemoItem(
        case_owner="FR", case_title=MAMA_JOY_FR, actor="officer_fr",
        kind=EvidenceKind.DOCUMENT,
        description="Nigerian passport withheld by the network, found in the suspect's "
                    "flat (fictitious document)",
        collected_days_ago=30, collected_by="Brigadier DURAND-TEST",
        collected_place="Search of a flat, 00 rue de l'Exemple, Paris 18e (fictitious)",
        legal_authority="Search warrant TJ Paris 2026/0042 (fictitious)",
        seal_number="FR-DEMO-0003", storage_location="OCRTEH evidence room, shelf A3",
        steps=(
            DemoStep(CustodyAction.EXAMINED, "officer_fr",
                     {"purpose": "Document examination: genuine, withheld by the network",
                      "place": "Fraud document unit, Paris (fictitious)",
                      "seal_intact": True}),
            DemoStep(CustodyAction.SEALED, "officer_fr",
                     {"seal_number": "FR-DEMO-0004", "place": "OCRTEH, Paris"}),
            DemoStep(CustodyAction.PRESENTED_IN_COURT, "officer_fr",
                     {"place": "Tribunal judiciaire de Paris (fictitious)",
                      "purpose": "Pre-trial detention hearing of the main suspect",
                      "seal_intact": True}),
        ),
    ),
    DemoItem(
        case_owner="FR", case_title=MAMA_JOY_FR, actor="officer_fr",
        kind=EvidenceKind.FINANCIAL,
        description="Handwritten debt ledger of the network: names replaced by numbers, "
                    "sums in euros (fictitious)",
        collected_days_ago=30, collected_by="Brigadier DURAND-TEST",
        collected_place="Search of a flat, 00 rue de l'Exemple, Paris 18e (fictitious)",
        legal_authority="Search warrant TJ Paris 2026/0042 (fictitious)",
        seal_number="FR-DEMO-0005", storage_location="OCRTEH evidence room, shelf A4",
        steps=(
            DemoStep(CustodyAction.SEALED, "officer_fr",
                     {"seal_number": "FR-DEMO-0006", "place": "OCRTEH, Paris"}),
            # Left in transit: the "awaiting your acceptance" list of the other French users.
            DemoStep(CustodyAction.RELEASED, "officer_fr",
                     {"purpose": "Financial analysis of the debts (fictitious)",
                      "place": "OCRTEH, Paris", "seal_intact": True},
                     to="analyst_fr"),
        ),
    ),
    DemoItem(
        case_owner="DE", case_title=HAMBURG_DE, actor="officer_fr",
        kind=EvidenceKind.FINANCIAL,
        description="Payroll ledger of the Strasbourg subcontractor, 2025 (fictitious)",
        collected_days_ago=20, collected_by="Brigadier DURAND-TEST",
        collected_place="Office of the subcontractor, Strasbourg (fictitious)",
        legal_authority="Search warrant TJ Strasbourg 2026/0007 (fictitious)",
        seal_number="FR-DEMO-0101", storage_location="DIPJ Strasbourg evidence room",
        steps=(
            DemoStep(CustodyAction.EXAMINED, "officer_fr",
                     {"purpose": "Wages paid against hours worked (fictitious)",
                      "place": "DIPJ Strasbourg", "seal_intact": True}),
            DemoStep(CustodyAction.SENT_ABROAD, "officer_fr",
                     {"legal_authority": EIO_FR_DE,
                      "purpose": "Joint investigation with the Hamburg prosecutor",
                      "place": "DIPJ Strasbourg", "seal_intact": True},
                     to="supervisor_de"),
            DemoStep(CustodyAction.ACCEPTED, "supervisor_de",
                     {"seal_intact": True, "place": "NCB Wiesbaden",
                      "storage_location": "BKA evidence room, Wiesbaden (fictitious)"}),
        ),
    ),
    DemoItem(
        case_owner="DE", case_title=HAMBURG_DE, actor="officer_de",
        kind=EvidenceKind.TESTIMONY,
        description="Recorded statement of a Romanian worker about wages and confiscated "
                    "identity cards (fictitious)",
        collected_days_ago=40, collected_by="Kriminalkommissar WEBER-TEST",
        collected_place="Police station Hamburg-Mitte (fictitious)",
        legal_authority="Interview ordered by the Hamburg prosecutor 2026/0311 (fictitious)",
        seal_number="DE-DEMO-0001", storage_location="LKA Hamburg, statements archive",
        steps=(
            DemoStep(CustodyAction.EXAMINED, "officer_de",
                     {"purpose": "Translation checked by a sworn interpreter (fictitious)",
                      "place": "LKA Hamburg"}),
        ),
    ),
    DemoItem(
        case_owner="IT", case_title=LAMPEDUSA_IT, actor="officer_it",
        kind=EvidenceKind.DIGITAL,
        description="Satellite phone found on the boat, with its call log (fictitious)",
        collected_days_ago=460, collected_by="Ispettore ROSSI-TEST",
        collected_place="Port of Lampedusa, landing pier (fictitious)",
        legal_authority="Seizure decree Procura di Agrigento 2025/0099 (fictitious)",
        seal_number="IT-DEMO-0001", storage_location="Squadra mobile Agrigento, room 2",
        steps=(
            DemoStep(CustodyAction.SEALED, "officer_it",
                     {"seal_number": "IT-DEMO-0002", "place": "Agrigento"}),
            DemoStep(CustodyAction.EXAMINED, "officer_it",
                     {"purpose": "Call log: numbers in Tripoli and Benin City (fictitious)",
                      "place": "Polizia scientifica, Palermo (fictitious)",
                      "seal_intact": True}),
        ),
    ),
    DemoItem(
        case_owner="IT", case_title=LAMPEDUSA_IT, actor="officer_it",
        kind=EvidenceKind.TESTIMONY,
        description="Statement of the boat pilot on the organisers in Tripoli (fictitious)",
        collected_days_ago=465, collected_by="Ispettore ROSSI-TEST",
        collected_place="Hotspot of Lampedusa (fictitious)",
        legal_authority="Interview ordered by the Procura di Agrigento 2025/0101 (fictitious)",
        seal_number="", storage_location="Procura di Agrigento, case file",
        steps=(
            DemoStep(CustodyAction.PRESENTED_IN_COURT, "officer_it",
                     {"place": "Tribunale di Agrigento (fictitious)",
                      "purpose": "Trial of the boat pilot for aiding illegal entry"}),
        ),
    ),
)
# fmt: on


# --- Seeding -----------------------------------------------------------------------------------


@dataclass
class EvidenceDemoReport:
    items_created: int = 0
    items_present: int = 0
    events_created: int = 0
    files_added: int = 0
    checkpoint_size: int | None = None
    checkpoint_note: str = ""

    def summary_lines(self) -> list[str]:
        if self.checkpoint_size is not None:
            checkpoint = f"checkpoint signed over {self.checkpoint_size} events"
        else:
            checkpoint = self.checkpoint_note or "no new checkpoint needed"
        return [
            f"Demo evidence: {self.items_created} items created "
            f"({self.items_present} already present), {self.events_created} custody events, "
            f"{self.files_added} file(s); {checkpoint}."
        ]


def seed_evidence_demo() -> EvidenceDemoReport:
    """Create the demo evidence items that do not exist yet (matched by case and description),
    each with its custody chain, then sign a custody checkpoint if the log grew.

    Needs the contacts and cases demos (users, cases). Each item is written in its own
    transaction: an item is there whole or not at all. Idempotent; a second run costs a few
    queries and writes nothing.
    """
    report = EvidenceDemoReport()
    cases = {
        (case.owner_ncb.code, case.title): case
        for case in Case.objects.select_related("owner_ncb").filter(
            title__in={demo.case_title for demo in DEMO_ITEMS}
        )
    }
    existing = set(
        EvidenceItem.objects.filter(case__in=list(cases.values())).values_list(
            "case_id", "description"
        )
    )
    missing = []
    for demo in DEMO_ITEMS:
        case = cases.get((demo.case_owner, demo.case_title))
        if case is None:
            continue  # the cases demo did not create it (or someone renamed it)
        if (case.pk, demo.description) in existing:
            report.items_present += 1
        else:
            missing.append((demo, case))
    if missing:
        users = {
            user.username: user
            for user in get_user_model()
            .objects.select_related("officer__ncb__country")
            .filter(is_active=True)
        }
        for demo, case in missing:
            _seed_item(demo, case=case, users=users, report=report)
    try:
        checkpoint = checkpointing.custody_checkpoint_build()
    except SigningKeyUnavailable as error:
        report.checkpoint_note = f"no checkpoint signed ({error})"
    else:
        report.checkpoint_size = checkpoint.tree_size if checkpoint is not None else None
    return report


def _custodian(user) -> dict[str, str]:
    """A demo user as custodian: their name, their NCB and its country."""
    officer = officer_of(user)
    return {
        "person": user.get_full_name() or user.get_username(),
        "agency": officer.ncb.name if officer else "",
        "country": officer.ncb.country.iso2 if officer else "",
    }


@transaction.atomic
def _seed_item(
    demo: DemoItem, *, case: Case, users: dict, report: EvidenceDemoReport
) -> EvidenceItem:
    actor = users[demo.actor]
    item = services.evidence_item_create(
        actor=actor,
        case=case,
        data={
            "kind": demo.kind,
            "description": demo.description,
            "collected_at": timezone.now() - timedelta(days=demo.collected_days_ago),
            "collected_by": demo.collected_by,
            "collected_place": demo.collected_place,
            "legal_authority": demo.legal_authority,
            "seal_number": demo.seal_number,
            "storage_location": demo.storage_location,
        },
    )
    report.events_created += 1
    if demo.file is not None:
        services.evidence_file_add(
            actor=actor,
            item=item,
            content=io.BytesIO(demo.file.content),
            original_name=demo.file.original_name,
            media_type=demo.file.media_type,
        )
        report.files_added += 1
    for step in demo.steps:
        data = dict(step.data)
        if step.to:
            data["to_custodian"] = _custodian(users[step.to])
        event = services.custody_event_append(
            actor=users[step.actor], item=item, action=step.action, data=data
        )
        report.events_created += 2 if event.integrity_failure is not None else 1
    report.items_created += 1
    return item
