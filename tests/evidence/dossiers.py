"""In-memory custody logs and court dossiers for the evidence tests, and ways to tamper with them.

Everything here is fictitious: the NCB key is derived from fixed bytes so failures reproduce,
and the people and agencies are plainly test data.
"""

import copy
import dataclasses
import datetime
import hashlib
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from evidence import dossier_format
from evidence.checkpoints import checkpoint_sign
from evidence.hashing import (
    GENESIS_PREV_HASH,
    StoredEvent,
    event_canonical_bytes,
    event_content,
    event_hash,
    utc_timestamp,
)
from evidence.merkle import MerkleTree, event_leaf

NCB_KEY = Ed25519PrivateKey.from_private_bytes(hashlib.sha256(b"NCB FR test key").digest())
OTHER_KEY = Ed25519PrivateKey.from_private_bytes(hashlib.sha256(b"someone else").digest())
START = datetime.datetime(2025, 3, 4, 8, 30, tzinfo=datetime.UTC)

ITEM_PHONE = "4f7c2a9e-0d51-4b1e-9c3a-6e2b8d0f1a01"
ITEM_LEDGER = "9b1e6d24-7a3c-4f08-8e5d-2c4a1f9b7e02"
ITEM_OTHER_CASE = "c2d8e0f4-5b6a-4c7d-9e1f-0a3b5c7d9e03"

ACTIONS = ("collected", "sealed", "transferred", "received", "examined", "copied")
PEOPLE = (
    {"person": "Camille DURAND-TEST", "agency": "OCRTEH (test)", "country": "FR"},
    {"person": "Jonas WEBER-TEST", "agency": "BKA (test)", "country": "DE"},
    {"person": "Léa MOREAU-TEST", "agency": "Laboratoire de police (test)", "country": "FR"},
)


def custody_chain(item: str, count: int, *, start: datetime.datetime = START) -> list[StoredEvent]:
    """`count` realistic, correctly chained custody events of one item, as stored."""
    events = []
    prev_hash = GENESIS_PREV_HASH
    for sequence in range(1, count + 1):
        content = event_content(
            item=item,
            sequence=sequence,
            action=ACTIONS[(sequence - 1) % len(ACTIONS)],
            time=utc_timestamp(start + datetime.timedelta(hours=sequence)),
            recorded_by="officer_fr",
            prev_hash=prev_hash,
            from_custodian=PEOPLE[sequence % 3],
            to_custodian=PEOPLE[(sequence + 1) % 3],
            place="Lyon, 12 quai Perrache (test)",
            purpose="Transfer to the forensic laboratory for examination",
            seal_intact=True,
            file_hashes_rechecked=[{"sha256": hashlib.sha256(item.encode()).hexdigest()}],
            notes=f"Seal FR-TEST-{sequence:04d} checked by both parties.",
        )
        data = event_canonical_bytes(content)
        stored = StoredEvent(item, sequence, data, prev_hash, event_hash(data))
        events.append(stored)
        prev_hash = stored.hash
    return events


@dataclasses.dataclass
class DossierFixture:
    """A signed manifest and the contents of every member it lists, ready to tamper with."""

    manifest: dict[str, Any]
    contents: dict[str, bytes]
    key: Ed25519PrivateKey = NCB_KEY

    def tampered(
        self, change: Callable[[dict[str, Any], dict[str, bytes]], None], *, resign: bool
    ) -> "DossierFixture":
        """A copy changed by `change(manifest, contents)`; re-signed by the NCB key if asked
        (as if the key holder did it), so that only the check aimed at is left to fail."""
        manifest = copy.deepcopy(self.manifest)
        contents = dict(self.contents)
        change(manifest, contents)
        if resign:
            manifest = dossier_format.manifest_sign(manifest, self.key)
        return DossierFixture(manifest, contents, self.key)

    def write(self, path: Path) -> Path:
        """Writes the ZIP as the dossier builder does (members the manifest lists only)."""
        dossier_format.write_dossier(path, manifest=self.manifest, contents=self.contents)
        return path

    def write_raw(self, path: Path) -> Path:
        """Writes manifest.json and exactly `contents`, listed or not (for planted members)."""
        with zipfile.ZipFile(path, "w") as archive:
            archive.writestr(
                dossier_format.MANIFEST_NAME, dossier_format.manifest_bytes(self.manifest)
            )
            for name, data in self.contents.items():
                archive.writestr(name, data)
        return path


PHONE_IMAGE = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 40
LEDGER_SCAN = b"%PDF-1.7\n% scanned ledger (test)\n" + b"ledger line\n" * 500
PDF_FOR_PEOPLE = b"%PDF-1.7\n% dossier for people (test)\n" + b"custody table\n" * 100


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def good_dossier() -> DossierFixture:
    """Two items of one case in an instance log shared with another case's item.

    The log interleaves the three items' events; the checkpoint covers the first 12 events;
    the phone's last event came after it (no inclusion proof yet). The phone's image is
    included, its extraction report listed only; the ledger's scan is included.
    """
    phone = custody_chain(ITEM_PHONE, 6)
    ledger = custody_chain(ITEM_LEDGER, 4)
    other = custody_chain(ITEM_OTHER_CASE, 3)
    log = [*phone[:2], other[0], *ledger[:2], phone[2], other[1], *ledger[2:], *phone[3:5]]
    log += [other[2], phone[5]]
    tree = MerkleTree(event_leaf(event.hash) for event in log)
    checkpoint_size = 12
    position = {(event.item, event.sequence): index for index, event in enumerate(log)}

    def exported(event: StoredEvent) -> dossier_format.DossierEvent:
        index = position[(event.item, event.sequence)]
        proven = index < checkpoint_size
        return dossier_format.DossierEvent(
            sequence=event.sequence,
            canonical_bytes=event.canonical_bytes,
            prev_hash=event.prev_hash,
            hash=event.hash,
            leaf_index=index if proven else None,
            inclusion_proof=tree.inclusion_proof(index, checkpoint_size) if proven else None,
        )

    checkpoint = checkpoint_sign(
        private_key=NCB_KEY,
        tree_size=checkpoint_size,
        root_hash=tree.root(checkpoint_size),
        timestamp=START + datetime.timedelta(days=1),
        ncb_code="FR",
    )
    image = dossier_format.DossierFile(
        sha256_hex(PHONE_IMAGE), len(PHONE_IMAGE), "image/png", "IMG_0001.png"
    )
    report = dossier_format.DossierFile(
        "ab" * 32, 1_048_576, "application/pdf", "extraction-report.pdf", included=False
    )
    scan = dossier_format.DossierFile(
        sha256_hex(LEDGER_SCAN), len(LEDGER_SCAN), "application/pdf", "ledger-scan.pdf"
    )
    verifier = dossier_format.verifier_files()
    documents = [
        dossier_format.document_for(dossier_format.PDF_NAME, PDF_FOR_PEOPLE, "application/pdf"),
        *dossier_format.verifier_documents(),
    ]
    manifest = dossier_format.build_manifest(
        ncb_code="FR",
        public_keys=[NCB_KEY.public_key()],
        checkpoint=checkpoint,
        items=[
            dossier_format.DossierItem(
                ITEM_PHONE,
                [exported(event) for event in phone],
                [image, report],
                {"item_number": "FR-2025-0042/E-1", "kind": "digital"},
            ),
            dossier_format.DossierItem(
                ITEM_LEDGER,
                [exported(event) for event in ledger],
                [scan],
                {"item_number": "FR-2025-0042/E-2", "kind": "document"},
            ),
        ],
        documents=documents,
        created_at=START + datetime.timedelta(days=2),
        context={"case": "FR-2025-0042", "purpose": "MLA request DE-TEST-2025-117"},
    )
    contents = {
        dossier_format.file_path(image.sha256): PHONE_IMAGE,
        dossier_format.file_path(scan.sha256): LEDGER_SCAN,
        dossier_format.PDF_NAME: PDF_FOR_PEOPLE,
        **verifier,
    }
    return DossierFixture(dossier_format.manifest_sign(manifest, NCB_KEY), contents)


def flip_hex(text: str, at: int = 0) -> str:
    """`text` (hex) with one bit of the digit at `at` flipped: still valid hex, another value."""
    digit = int(text[at], 16) ^ 1
    return text[:at] + f"{digit:x}" + text[at + 1 :]
