"""Data generator of the custody benchmark on the database (`bench.custody_db`); a helper.

At scale 1.0 (DESIGN.md §7, issue 4): 10,000 evidence items with 1,000,000 custody events in
all, on cases of the case dataset (`bench.cases_data`, generated first if absent), in the
dedicated PostgreSQL database `ncb_thb_bench` (or NCB_BENCH_DATABASE). One item, the
*dossier item*, has 1,000 events (`EvidenceSize.dossier_events`); the others share the rest
evenly.

The rows are the ones `evidence.services` would write, built in Python and loaded in bulk:

- each event's content is `evidence.hashing.event_content` with the keys `append_event` adds
  (item number, legal authority, seal number, claimed time; the collection's facts on the
  COLLECTED event, the release's sequence on an ACCEPTED one), serialised by
  `event_canonical_bytes` (RFC 8785), hashed by `event_hash`, linked by `prev_hash`; the
  columns are derived from the content exactly as `CustodyEvent.from_canonical` derives them;
- the actions follow the state machine (`evidence.choices.ALLOWED_ACTIONS`): collected,
  sealed, examined, released to the forensic lab and accepted there, sent abroad under an MLA
  reference and accepted by the foreign NCB, presented in court, sent back and accepted; the
  item's state, custodian, seal, `last_sequence` and `head_hash` are where its last event left
  them;
- log positions (`log_index`) interleave the items of a batch of 1,000 in time order, as
  appends from many officers would, and rows are written in log order (the table's physical
  order in a live database);
- after loading, one checkpoint is signed over the whole log (`custody_checkpoint_build`), as
  the beat task would.

Not written: the audit rows the services add per event (the custody benchmark does not read
them). Idempotent: a marker table records the scale; the same scale is not generated twice.
Another scale removes the evidence rows first, which the append-only triggers refuse: the
generator disables them for that transaction only (the bench connects as the PostgreSQL
superuser; not possible on SQLite, where the test suite starts from an empty database).
"""

from __future__ import annotations

import json
import random
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

FULL_ITEMS = 10_000
FULL_EVENTS = 1_000_000
DOSSIER_EVENTS = 1_000
FULL_FILE_BYTES = 1024**3  # the dossier item's evidence file at scale 1.0: 1 GiB
MIN_FILE_BYTES = 256 * 1024
ITEMS_PER_BATCH = 1_000
MARKER_TABLE = "bench_evidence_dataset"
APPEND_ONLY_TABLES = (
    "evidence_custodyevent",
    "evidence_evidencefile",
    "evidence_custodycheckpoint",
)
SEED = 20261127
FILE_CHUNK = 1024 * 1024

# For this content (text, integers, booleans, null; no floats) sorted-key compact json.dumps
# is byte-identical to RFC 8785 (as in `bench.custody`); every item's first and last event
# and every event of each batch's first item are checked against `event_canonical_bytes`.
_encode = json.JSONEncoder(ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode


@dataclass(frozen=True)
class EvidenceSize:
    items: int
    events: int
    dossier_events: int
    file_bytes: int

    @classmethod
    def at(cls, scale: float) -> EvidenceSize:
        items = max(2, round(FULL_ITEMS * scale))
        events = max(4 * items, round(FULL_EVENTS * scale))
        return cls(
            items=items,
            events=events,
            dossier_events=min(DOSSIER_EVENTS, events // 2),
            file_bytes=max(MIN_FILE_BYTES, round(FULL_FILE_BYTES * scale)),
        )

    def label(self) -> str:
        return f"{self.items} evidence items, {self.events} custody events"

    def events_per_item(self) -> list[int]:
        """How many events each item gets; the first is the dossier item."""
        others = self.items - 1
        rest = self.events - self.dossier_events
        base, extra = divmod(rest, others)
        return [self.dossier_events] + [base + (1 if n < extra else 0) for n in range(others)]


# --- Marker -----------------------------------------------------------------------------------


def evidence_dataset() -> dict | None:
    """The marker of the evidence dataset in the current database, None if there is none."""
    from django.db import connection

    with connection.cursor() as cursor:
        if MARKER_TABLE not in connection.introspection.table_names(cursor):
            return None
        cursor.execute(f"SELECT scale, dossier_item, label FROM {MARKER_TABLE}")
        row = cursor.fetchone()
    if row is None:
        return None
    return {"scale": row[0], "dossier_item": row[1], "label": row[2]}


def ensure_evidence_dataset(*, scale: float, log=print) -> EvidenceSize:
    """Generate the evidence dataset at `scale` unless it is already there; cases first if the
    database has none (`bench.cases_data.ensure_dataset` at the same scale)."""
    from bench.cases_data import dataset_scale, ensure_dataset

    size = EvidenceSize.at(scale)
    if dataset_scale() is None:
        ensure_dataset(scale=scale, log=log)
    present = evidence_dataset()
    if present is not None and abs(present["scale"] - scale) < 1e-9:
        log(f"  evidence dataset at scale {scale:g} already generated ({size.label()})")
        _ensure_current_key_checkpoint(log)
        return size
    if present is not None:
        log(f"  removing the evidence dataset at scale {present['scale']:g}")
        remove_evidence_dataset()
    started = time.perf_counter()
    generate(size, scale=scale, log=log)
    log(f"  generated {size.label()} in {time.perf_counter() - started:.1f} s")
    return size


def remove_evidence_dataset() -> None:
    """Delete every evidence row (items, files, events, checkpoints, exports) and the marker.

    The append-only triggers are disabled for this transaction only, which needs the table
    owner or a superuser (the bench's `postgres`); PostgreSQL only. Call it before removing
    the case dataset: evidence items hold their cases (PROTECT).
    """
    from django.db import connection, transaction

    from evidence.models import (
        CustodyCheckpoint,
        CustodyEvent,
        DossierExport,
        EvidenceFile,
        EvidenceItem,
    )

    if connection.vendor != "postgresql":
        raise RuntimeError("the evidence bench dataset can only be removed on PostgreSQL")
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        for table in APPEND_ONLY_TABLES:
            cursor.execute(f"ALTER TABLE {table} DISABLE TRIGGER USER")
        for model in (DossierExport, CustodyEvent, EvidenceFile, CustodyCheckpoint, EvidenceItem):
            model.objects.all()._raw_delete(connection.alias)
        for table in APPEND_ONLY_TABLES:
            cursor.execute(f"ALTER TABLE {table} ENABLE TRIGGER USER")
        if MARKER_TABLE in connection.introspection.table_names(cursor):
            cursor.execute(f"DELETE FROM {MARKER_TABLE}")


def _ensure_current_key_checkpoint(log) -> None:
    """A dossier needs the latest checkpoint signed by the current key; a new key (var/ wiped)
    gets one: a checkpoint is signed only over a grown log, so one EXAMINED event is recorded
    first, through the service, on an item in custody other than the dossier item."""
    from evidence import checkpointing
    from ncb_cases import keys

    latest = checkpointing.custody_checkpoint_latest()
    if latest is not None and latest.kid == keys.signing_key_id():
        return
    if latest is not None:
        log("  the latest checkpoint has another key: recording one event and re-signing")
        record_examination(exclude=dossier_item())
    checkpointing.custody_checkpoint_build()


def dossier_item():
    """The item with DOSSIER_EVENTS events named by the marker."""
    from evidence.models import EvidenceItem

    marker = evidence_dataset()
    if marker is None:
        raise LookupError("no evidence dataset: run ensure_evidence_dataset first")
    return EvidenceItem.objects.select_related("case", "created_by").get(
        public_id=marker["dossier_item"]
    )


def record_examination(*, exclude=None):
    """Record one EXAMINED event through `custody_event_append` on an item in custody (not
    `exclude`) whose case its creator may still change; returns the event."""
    from evidence.choices import CustodyAction, EvidenceState
    from evidence.models import EvidenceItem
    from evidence.services import custody_event_append

    items = EvidenceItem.objects.filter(state=EvidenceState.IN_CUSTODY).select_related(
        "created_by"
    )
    if exclude is not None:
        items = items.exclude(pk=exclude.pk)
    item = items.order_by("-id").first()
    return custody_event_append(
        actor=item.created_by,
        item=item,
        action=CustodyAction.EXAMINED,
        data={"purpose": "Benchmark: visual inspection of the seal", "seal_intact": True},
        recheck_files=False,
    )


# --- Generation -------------------------------------------------------------------------------


@dataclass
class _Party:
    """A custodian and the bench user who records for them."""

    custodian: dict[str, str]
    user_id: int
    username: str


@dataclass
class _Ncb:
    pk: int
    code: str
    country: str
    home: _Party  # the NCB's trafficking unit (officer)
    lab: _Party  # the national forensic lab (the supervisor records)


def _ncbs() -> dict[int, _Ncb]:
    from django.contrib.auth import get_user_model

    from contacts.models import NationalCentralBureau

    users = {
        user.username: user
        for user in get_user_model()
        .objects.filter(username__startswith="bench_")
        .only("id", "username")
    }
    result = {}
    for ncb in NationalCentralBureau.objects.select_related("country").order_by("code"):
        code = ncb.code.lower()
        officer = users.get(f"bench_{code}_officer")
        supervisor = users.get(f"bench_{code}_supervisor")
        if officer is None or supervisor is None:
            continue
        country = ncb.country.iso2
        result[ncb.pk] = _Ncb(
            pk=ncb.pk,
            code=ncb.code,
            country=country,
            home=_Party(
                {
                    "person": f"Officer {code.upper()}-TEST",
                    "agency": f"NCB {ncb.code} THB unit (test)",
                    "country": country,
                },
                officer.pk,
                officer.username,
            ),
            lab=_Party(
                {
                    "person": f"Analyst {code.upper()}-TEST",
                    "agency": f"Forensic lab {country} (test)",
                    "country": country,
                },
                supervisor.pk,
                supervisor.username,
            ),
        )
    if len(result) < 2:
        raise LookupError("the case dataset's bench users are missing (bench.cases_data)")
    return result


@dataclass
class _CaseRow:
    pk: int
    reference: str
    owner_ncb_id: int
    created_at: datetime
    creator_id: int


def _cases(rng: random.Random, count: int, ncbs: dict[int, _Ncb]) -> list[_CaseRow]:
    """`count` cases to hang items on (with repeats if there are fewer), oldest first; the
    first is an open case (the dossier item's), so that its creator may still export it."""
    from ncb_cases.models import Case

    rows = [
        _CaseRow(*values)
        for values in Case.objects.filter(owner_ncb_id__in=list(ncbs))
        .order_by("created_at", "id")
        .values_list("pk", "reference", "owner_ncb_id", "created_at", "created_by_id")
    ]
    if not rows:
        raise LookupError("no case to hang evidence on (bench.cases_data)")
    open_first = (
        Case.objects.filter(owner_ncb_id__in=list(ncbs))
        .exclude(status="CLOSED")
        .order_by("created_at", "id")
        .values_list("pk", flat=True)
        .first()
    )
    first = next((row for row in rows if row.pk == open_first), rows[0])
    picked = (
        rng.sample(rows, count - 1) if count - 1 <= len(rows) else rng.choices(rows, k=count - 1)
    )
    picked.sort(key=lambda row: (row.created_at, row.pk))
    return [first, *picked]


KINDS = ("DIGITAL", "PHYSICAL", "DOCUMENT", "FINANCIAL")
DESCRIPTIONS = {
    "DIGITAL": "Mobile phone, black, cracked screen; forensic image taken",
    "PHYSICAL": "Ledger of payments and a set of SIM cards in a sealed bag",
    "DOCUMENT": "Forged travel documents (three) found at the apartment",
    "FINANCIAL": "Money-transfer receipts covering twelve months",
}
PLACES = (
    "Evidence room, building B (test)",
    "Forensic laboratory (test)",
    "Court registry (test)",
)
# After COLLECTED, each item repeats this cycle; "home", "lab", "abroad" name the custodian
# a transfer goes to.
CYCLE = (
    ("SEALED", None),
    ("EXAMINED", None),
    ("RELEASED", "lab"),
    ("ACCEPTED", "lab"),
    ("EXAMINED", None),
    ("SENT_ABROAD", "abroad"),
    ("ACCEPTED", "abroad"),
    ("EXAMINED", None),
    ("PRESENTED_IN_COURT", None),
    ("SENT_ABROAD", "home"),
    ("ACCEPTED", "home"),
)


class _Chain:
    """One item's custody chain, generated event by event as the services would append it."""

    def __init__(self, rng, *, item_pk, case: _CaseRow, number, ncb: _Ncb, foreign: _Ncb):
        self.rng = rng
        self.pk = item_pk
        self.public_id = str(uuid.UUID(int=rng.getrandbits(128), version=4))
        self.case = case
        self.number = number
        self.item_number = f"{case.reference}/E-{number}"
        self.kind = KINDS[item_pk % len(KINDS)]
        self.ncb = ncb
        self.foreign = foreign
        self.file_sha256 = f"{rng.getrandbits(256):064x}" if self.kind == "DIGITAL" else None
        self.parties = {"home": ncb.home, "lab": ncb.lab, "abroad": foreign.home}
        self.custodian = ncb.home.custodian
        self.holder = ncb.home
        self.state = "IN_CUSTODY"
        self.seal_number = f"{ncb.country}-SEAL-{item_pk:07d}"
        self.last_sequence = 0
        self.head_hash = "0" * 64
        self.release_sequence = 0
        self.pending: _Party | None = None
        self.check_all = False

    def events(self, count: int, start: datetime, step: timedelta) -> Iterator[tuple]:
        from evidence.hashing import (
            event_canonical_bytes,
            event_content,
            event_hash,
            utc_timestamp,
        )

        for index in range(count):
            sequence = index + 1
            moment = start + step * index + timedelta(seconds=self.rng.randrange(60, 3600))
            moment = moment.replace(microsecond=0)
            action, target = ("COLLECTED", None) if index == 0 else CYCLE[(index - 1) % len(CYCLE)]
            from_custodian = None if index == 0 else self.custodian
            to_custodian = None
            recorder = self.holder
            legal_authority = ""
            seal_intact = None
            rechecked = []
            extra: dict = {}
            claimed = None
            if action == "COLLECTED":
                to_custodian = self.custodian
                claimed = moment - timedelta(hours=2)
                legal_authority = f"Search warrant {self.ncb.country}-W-{self.pk:07d} (test)"
                extra = {
                    "kind": self.kind,
                    "description": DESCRIPTIONS[self.kind],
                    "collected_by": self.ncb.home.custodian["person"],
                    "storage_location": PLACES[0],
                }
            elif action == "SEALED":
                self.seal_number = f"{self.ncb.country}-SEAL-{self.pk:07d}-{sequence}"
            elif action in ("RELEASED", "SENT_ABROAD"):
                receiver = self.parties[target]
                to_custodian = receiver.custodian
                if receiver.custodian["country"] != self.custodian["country"]:
                    legal_authority = f"MLA request {self.ncb.country}-MLA-{self.pk:07d} (test)"
                self.pending = receiver
                self.release_sequence = sequence
                seal_intact = True
            elif action == "ACCEPTED":
                receiver = self.pending
                to_custodian = receiver.custodian
                recorder = receiver
                extra = {"release_sequence": self.release_sequence}
                seal_intact = True
            elif action == "EXAMINED":
                seal_intact = True
            if action in ("RELEASED", "SENT_ABROAD", "ACCEPTED") and self.file_sha256:
                rechecked = [
                    {"sha256": self.file_sha256, "actual": self.file_sha256, "matches": True}
                ]
            content = event_content(
                item=self.public_id,
                sequence=sequence,
                action=action,
                time=utc_timestamp(moment),
                recorded_by=recorder.username,
                prev_hash=self.head_hash,
                from_custodian=from_custodian,
                to_custodian=to_custodian,
                place=PLACES[1] if target == "lab" else PLACES[0],
                purpose="Chain of custody for the proceedings (test)",
                seal_intact=seal_intact,
                file_hashes_rechecked=rechecked,
                notes="",
                item_number=self.item_number,
                legal_authority=legal_authority,
                seal_number=self.seal_number,
                claimed_time=utc_timestamp(claimed) if claimed else None,
                **extra,
            )
            canonical = _encode(content).encode()
            # The real serialiser on a sample (it costs ~15 times more per event).
            sampled = index == 0 or index == count - 1 or self.check_all
            if sampled and canonical != event_canonical_bytes(content):
                raise AssertionError("the bench serialiser is not RFC 8785 for this event")
            digest = event_hash(canonical)
            yield moment, self.pk, content, canonical, digest, recorder.user_id, claimed
            self.last_sequence = sequence
            self.head_hash = digest
            if action in ("RELEASED", "SENT_ABROAD"):
                self.state = "IN_TRANSIT"
            elif action == "ACCEPTED":
                self.state = "IN_CUSTODY"
                self.custodian = to_custodian
                self.holder = self.pending
                self.pending = None


EVENT_FIELDS = (
    "id",
    "item",
    "sequence",
    "log_index",
    "action",
    "from_person",
    "from_agency",
    "from_country",
    "to_person",
    "to_agency",
    "to_country",
    "occurred_at",
    "claimed_at",
    "clock_skew_flagged",
    "place",
    "purpose",
    "legal_authority",
    "seal_number",
    "seal_intact",
    "file_hashes_rechecked",
    "notes",
    "recorded_by",
    "canonical",
    "prev_hash",
    "hash",
)
ITEM_FIELDS = (
    "id",
    "public_id",
    "case",
    "number",
    "item_number",
    "kind",
    "description",
    "collected_at",
    "collected_by",
    "collected_place",
    "legal_authority",
    "seal_number",
    "storage_location",
    "custodian_person",
    "custodian_agency",
    "custodian_country",
    "state",
    "integrity_failed",
    "last_sequence",
    "head_hash",
    "created_by",
    "created_at",
    "updated_at",
)


def _party_columns(value) -> tuple[str, str, str]:
    value = value or {}
    return tuple(str(value.get(key) or "") for key in ("person", "agency", "country"))


def generate(size: EvidenceSize, *, scale: float, log=print) -> None:
    """Write the evidence dataset in one transaction, the marker, then sign a checkpoint."""
    from django.db import connection, transaction

    from bench.cases_data import _Loader
    from evidence import checkpointing
    from evidence.models import CLOCK_SKEW_TOLERANCE, CustodyEvent, EvidenceItem

    rng = random.Random(SEED)
    postgres = connection.vendor == "postgresql"
    now = datetime.now(tz=UTC).replace(microsecond=0) - timedelta(hours=1)
    with transaction.atomic():
        ncbs = _ncbs()
        ncb_list = list(ncbs.values())
        loader = _Loader(connection)
        item_id = loader.next_id(EvidenceItem)
        event_id = loader.next_id(CustodyEvent)
        log_index = checkpointing.log_size()
        counts = size.events_per_item()
        cases = _cases(rng, size.items, ncbs)
        numbers: dict[int, int] = {}
        dossier_public_id = None
        written = 0
        for first in range(0, size.items, ITEMS_PER_BATCH):
            item_rows, events = [], []
            for offset in range(first, min(first + ITEMS_PER_BATCH, size.items)):
                case = cases[offset]
                ncb = ncbs[case.owner_ncb_id]
                foreign = rng.choice([other for other in ncb_list if other.pk != ncb.pk])
                numbers[case.pk] = numbers.get(case.pk, 0) + 1
                chain = _Chain(
                    rng,
                    item_pk=item_id + offset,
                    case=case,
                    number=numbers[case.pk],
                    ncb=ncb,
                    foreign=foreign,
                )
                if offset == 0:
                    dossier_public_id = chain.public_id
                chain.check_all = offset == first
                count = counts[offset]
                start = min(
                    case.created_at + timedelta(days=rng.randrange(30)),
                    now - timedelta(days=1),
                )
                step = min(timedelta(days=7), (now - start) / (count + 1))
                item_events = list(chain.events(count, start, step))
                events += item_events
                first_event = item_events[0]
                item_rows.append(_item_row(chain, first_event, item_events[-1][0], postgres))
            events.sort(key=lambda event: (event[0], event[1], event[2]["sequence"]))
            loader.load(EvidenceItem, ITEM_FIELDS, item_rows)
            rows = []
            for moment, pk, content, canonical, digest, user_id, claimed in events:
                giver = _party_columns(content["from_custodian"])
                receiver = _party_columns(content["to_custodian"])
                rows.append(
                    (
                        event_id,
                        pk,
                        content["sequence"],
                        log_index,
                        content["action"],
                        *giver,
                        *receiver,
                        moment.replace(microsecond=0),
                        claimed,
                        # Only the COLLECTED event has a claimed time (the collection, two
                        # hours before it was recorded): flagged as `from_canonical` would.
                        claimed is not None and moment - claimed > CLOCK_SKEW_TOLERANCE,
                        content["place"],
                        content["purpose"],
                        content["legal_authority"],
                        content["seal_number"],
                        content["seal_intact"],
                        json.dumps(content["file_hashes_rechecked"]),
                        content["notes"],
                        user_id,
                        ("\\x" + canonical.hex()) if postgres else canonical,
                        content["prev_hash"],
                        digest,
                    )
                )
                event_id += 1
                log_index += 1
            loader.load(CustodyEvent, EVENT_FIELDS, rows)
            written += len(rows)
            log(f"  {min(first + ITEMS_PER_BATCH, size.items):,} items, {written:,} events")
        loader.reset_sequences()
        with connection.cursor() as cursor:
            cursor.execute(
                f"CREATE TABLE IF NOT EXISTS {MARKER_TABLE} (scale double precision NOT NULL, "
                "dossier_item varchar(36) NOT NULL, label varchar(200) NOT NULL)"
            )
            cursor.execute(f"DELETE FROM {MARKER_TABLE}")
            cursor.execute(
                f"INSERT INTO {MARKER_TABLE} (scale, dossier_item, label) VALUES (%s, %s, %s)",
                [scale, dossier_public_id, size.label()],
            )
    if postgres:
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE" if connection.in_atomic_block else "VACUUM ANALYZE")
    started = time.perf_counter()
    checkpointing.custody_checkpoint_build()
    log(f"  checkpoint signed over the log in {time.perf_counter() - started:.1f} s")


def _item_row(chain: _Chain, first_event: tuple, last_moment: datetime, postgres: bool) -> tuple:
    collected = first_event[2]
    custodian = _party_columns(chain.custodian)
    return (
        chain.pk,
        uuid.UUID(chain.public_id),
        chain.case.pk,
        chain.number,
        chain.item_number,
        chain.kind,
        collected["description"],
        first_event[6],
        collected["collected_by"],
        "",
        collected["legal_authority"],
        chain.seal_number,
        collected["storage_location"],
        *custodian,
        chain.state,
        False,
        chain.last_sequence,
        chain.head_hash,
        chain.case.creator_id,
        first_event[0].replace(microsecond=0),
        last_moment.replace(microsecond=0),
    )


# --- The dossier item's evidence file -----------------------------------------------------------


def file_chunks(size: int) -> Iterator[bytes]:
    """`size` bytes of incompressible, reproducible content, FILE_CHUNK at a time."""
    rng = random.Random(f"bench-evidence-file-{size}")
    remaining = size
    while remaining > 0:
        chunk = rng.randbytes(min(FILE_CHUNK, remaining))
        remaining -= len(chunk)
        yield chunk


def ensure_dossier_file(size: int, *, log=print):
    """The dossier item's evidence file of `size` bytes, its content in the evidence store.

    First time: attached through `evidence_file_add` (streamed, hashed on the way). Later
    runs: the row stays (files are append-only) and, if the bench removed its content after
    measuring, the same content is streamed into the store again (`storage.content_store`,
    checked against the row's SHA-256). Returns the EvidenceFile.
    """
    from evidence import storage
    from evidence.services import evidence_file_add

    item = dossier_item()
    existing = item.files.filter(size=size, parent__isnull=True).first()
    if existing is None:
        log(f"  attaching a {size / 1024**2:,.0f} MB file to {item.item_number}")
        return evidence_file_add(
            actor=item.created_by,
            item=item,
            content=file_chunks(size),
            original_name="bench-disk-image.bin",
            media_type="application/octet-stream",
        )
    if _stored(existing.sha256):
        return existing
    log(f"  streaming the {size / 1024**2:,.0f} MB file back into the evidence store")
    storage.content_store(file_chunks(size), expected_sha256=existing.sha256)
    return existing


def _stored(sha256: str) -> bool:
    from evidence import storage

    return storage.evidence_file_storage().exists(storage.storage_key(sha256))
