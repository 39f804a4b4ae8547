"""Custody log benchmark: `python -m bench.custody [--events N] [--items M]`.

Measures what DESIGN.md §7 targets: verifying the hash chains of 1,000,000 stored custody
events (10,000 items) at >= 200,000 events per second on one core, against plain
`hashlib.sha256` over the same bytes as the baseline; then building the Merkle root of the
whole log for a checkpoint, and the proofs a dossier needs.

Events are realistic (~500-byte) canonical JSON, generated in memory and verified in batches of
1,000 items, the way the Django side streams rows (`.iterator()`): peak memory then reflects
streaming verification plus the log's leaves, not a million rows held at once. Generation is
not timed. No database: this measures the pure core (evidence.hashing, evidence.merkle).
"""

import argparse
import datetime
import gc
import hashlib
import json
import random
import resource
import sys
import time
import uuid

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from evidence.checkpoints import checkpoint_sign, checkpoint_verify
from evidence.hashing import GENESIS_PREV_HASH, event_canonical_bytes, verify_chain
from evidence.merkle import MerkleTree, leaf_hash, merkle_root, verify_inclusion

DEFAULT_EVENTS = 1_000_000
EVENTS_PER_ITEM = 100
ITEMS_PER_BATCH = 1_000
TARGET_EVENTS_PER_SECOND = 200_000
DOSSIER_PROOFS = 1_000

# For this content (text, integers, booleans, null; no floats) sorted-key compact json.dumps is
# byte-identical to RFC 8785; `generate_item` checks that on the first item against the real
# `event_canonical_bytes`, which is far slower to run a million times.
_encode = json.JSONEncoder(ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode

ACTIONS = ("collected", "sealed", "transferred", "received", "examined", "copied")
AGENCIES = (
    ("Camille DURAND-TEST", "OCRTEH (test)", "FR"),
    ("Jonas WEBER-TEST", "BKA SO 12 (test)", "DE"),
    ("Giulia ROSSI-TEST", "SCO Roma (test)", "IT"),
    ("Adaeze OKAFOR-TEST", "NAPTIP Lagos (test)", "NG"),
)
PLACES = ("Lyon (test)", "Wiesbaden (test)")


def generate_item(rng: random.Random, events: int, *, check_canonical: bool) -> list[tuple]:
    """One item's chain as stored rows: (item, sequence, bytes, prev_hash, hash)."""
    item = str(uuid.UUID(int=rng.getrandbits(128), version=4))
    file_hash = f"{rng.getrandbits(256):064x}"
    start = datetime.datetime(2025, 1, 1, tzinfo=datetime.UTC) + datetime.timedelta(
        minutes=rng.randrange(500_000)
    )
    rows = []
    prev_hash = GENESIS_PREV_HASH
    for sequence in range(1, events + 1):
        giver, taker = AGENCIES[sequence % 4], AGENCIES[(sequence + 1) % 4]
        moment = start + datetime.timedelta(hours=sequence)
        content = {
            "item": item,
            "sequence": sequence,
            "action": ACTIONS[sequence % len(ACTIONS)],
            "from_custodian": {"person": giver[0], "agency": giver[1], "country": giver[2]},
            "to_custodian": {"person": taker[0], "agency": taker[1], "country": taker[2]},
            "time": moment.strftime("%Y-%m-%dT%H:%M:%SZ"),
            "place": PLACES[sequence % 2],
            "purpose": "Forensic examination",
            "seal_intact": True,
            "seal_number": f"FR-TEST-{sequence:06d}",
            # Files are re-hashed at hand-offs (transferred / received), not at every event.
            "file_hashes_rechecked": (
                [{"sha256": file_hash, "matches": True}] if sequence % 6 in (2, 3) else []
            ),
            "notes": "",
            "recorded_by": "officer_fr",
            "prev_hash": prev_hash,
        }
        data = _encode(content).encode()
        if check_canonical:
            assert data == event_canonical_bytes(content), "generator is not RFC 8785"
        event_hash = hashlib.sha256(data).hexdigest()
        rows.append((item, sequence, data, prev_hash, event_hash))
        prev_hash = event_hash
    return rows


def peak_rss_mb() -> float:
    # ru_maxrss is in kilobytes on Linux, bytes on macOS.
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / (1024 * 1024) if sys.platform == "darwin" else peak / 1024


def measure(events: int, items: int) -> bool:
    """Runs the benchmark, prints its figures, returns whether the target was met."""
    rng = random.Random(6962)
    per_item = max(1, events // items)
    items = events // per_item
    verify_seconds = baseline_seconds = 0.0
    total_events = total_bytes = 0
    leaves: list[bytes] = []
    generation_started = time.perf_counter()
    for first in range(0, items, ITEMS_PER_BATCH):
        batch = []
        for number in range(first, min(first + ITEMS_PER_BATCH, items)):
            batch += generate_item(rng, per_item, check_canonical=number == 0)
        blobs = [row[2] for row in batch]
        gc.disable()  # Time the hashing, not a collection of the generator's garbage.
        started = time.perf_counter()
        report = verify_chain(batch)
        verify_seconds += time.perf_counter() - started
        sha256 = hashlib.sha256
        started = time.perf_counter()
        for data in blobs:
            sha256(data).hexdigest()
        baseline_seconds += time.perf_counter() - started
        gc.enable()
        if not report.ok:
            raise AssertionError(f"generated chain does not verify: {report}")
        total_events += report.events_checked
        total_bytes += sum(map(len, blobs))
        leaves += [bytes.fromhex(row[4]) for row in batch]
    generation_seconds = time.perf_counter() - generation_started - verify_seconds
    generation_seconds -= baseline_seconds
    del batch, blobs  # Only the log's leaves are needed from here on.

    started = time.perf_counter()
    root = merkle_root(leaves)
    root_seconds = time.perf_counter() - started
    started = time.perf_counter()
    tree = MerkleTree(leaves)
    tree_seconds = time.perf_counter() - started
    started = time.perf_counter()
    step = max(1, len(leaves) // DOSSIER_PROOFS)
    for index in range(0, len(leaves), step):
        proof = tree.inclusion_proof(index)
        assert verify_inclusion(tree.leaf_hash(index), index, len(leaves), proof, root)
    tree.consistency_proof(len(leaves) // 2)
    proofs_seconds = time.perf_counter() - started
    key = Ed25519PrivateKey.generate()
    started = time.perf_counter()
    checkpoint = checkpoint_sign(
        private_key=key,
        tree_size=len(leaves),
        root_hash=root,
        timestamp=datetime.datetime.now(datetime.UTC),
        ncb_code="FR",
    )
    checkpoint_verify(checkpoint, key.public_key())
    sign_seconds = time.perf_counter() - started
    assert tree.root() == root
    assert tree.leaf_hash(0) == leaf_hash(leaves[0])

    rate = total_events / verify_seconds
    baseline = total_events / baseline_seconds
    met = rate >= TARGET_EVENTS_PER_SECOND
    print(
        f"custody log: {total_events:,} events over {items:,} items, "
        f"{total_bytes / total_events:.0f} bytes per event on average "
        f"(generated in {generation_seconds:.1f} s, not measured)"
    )
    print(
        f"  verify chains (one core)     {verify_seconds:7.2f} s  {rate:11,.0f} events/s  "
        f"target >= {TARGET_EVENTS_PER_SECOND:,}: {'met' if met else 'MISSED'}"
    )
    print(f"  hashlib.sha256 baseline      {baseline_seconds:7.2f} s  {baseline:11,.0f} events/s")
    print(f"  verify / baseline            {rate / baseline:7.0%}")
    print(f"  Merkle root, streamed        {root_seconds:7.2f} s  over {len(leaves):,} leaves")
    print(f"  Merkle tree, all levels      {tree_seconds:7.2f} s  (kept for proofs)")
    print(
        f"  {DOSSIER_PROOFS:,} inclusion proofs + 1 consistency proof, verified "
        f"{proofs_seconds:7.2f} s"
    )
    print(f"  checkpoint sign + verify     {sign_seconds * 1000:7.2f} ms")
    print(f"  peak RSS                     {peak_rss_mb():7.0f} MB")
    from bench._results import record

    record(
        scenario="custody verify (memory)",
        scale=round(total_events / DEFAULT_EVENTS, 4),
        throughput=round(rate),
        throughput_unit="events/s",
        baseline_ratio=round(baseline / rate, 2),
        met=met,
        target=f">= {TARGET_EVENTS_PER_SECOND:,} events/s; baseline "
        f"hashlib.sha256 {baseline:,.0f}/s",
        note=f"{total_events:,} events, no database",
    )
    record(
        scenario="merkle tree + proofs",
        scale=round(total_events / DEFAULT_EVENTS, 4),
        median_ms=round((root_seconds + tree_seconds + proofs_seconds) * 1000, 1),
        note=f"root, all levels and {DOSSIER_PROOFS:,} proofs, one run",
    )
    return met


def run(*, scale: float = 1.0) -> bool:
    """The `python -m bench` entry point."""
    events = max(EVENTS_PER_ITEM, int(DEFAULT_EVENTS * scale))
    return measure(events, max(1, events // EVENTS_PER_ITEM))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.custody", description=__doc__)
    parser.add_argument("--events", type=int, default=DEFAULT_EVENTS, help="default 1,000,000")
    parser.add_argument("--items", type=int, default=None, help="default: one item per 100 events")
    arguments = parser.parse_args(argv)
    items = arguments.items or max(1, arguments.events // EVENTS_PER_ITEM)
    return 0 if measure(arguments.events, items) else 1


if __name__ == "__main__":
    sys.exit(main())
