"""Offline verifier of a court dossier: `python -m evidence.verify dossier.zip`.

For a court abroad: it needs Python 3.10+ and the `cryptography` package, and nothing else: no
project, no database, no network. It is shipped inside every dossier (`verifier/`, see
`evidence.dossier_format`) and imports only its sibling modules, which travel with it:
`canonical` (RFC 8785; in the repository a re-export of `ncb_cases.canonical`, in the shipped
folder that file itself: see `evidence/canonical.py`), `hashing`, `merkle`, `checkpoints` and
`dossier_format`.

Checks, each reported by name with the event or file concerned:

- dossier contents   the ZIP opens, lists no member twice and nothing the manifest does not list
- manifest           manifest.json is well formed
- keys               each public key's kid is the SHA-256 rule's; trusted keys when given
- manifest signature the manifest is as the NCB signed it (nothing added, removed, changed)
- checkpoint signature  the checkpoint is as the NCB signed it
- custody chain      each item's events chain from 64 zeros to the recorded head, each event
                     written for its item and sequence (evidence.hashing.verify_chain)
- inclusion proof    each event is in the checkpoint's Merkle tree at its leaf index
- evidence file      each included file has the listed size and SHA-256 (streamed, 1 MB chunks)
- document           dossier.pdf and the other listed documents have their listed SHA-256

Exit status: 0 when everything holds, 1 when a check fails, 2 when the dossier cannot be read.
"""

import argparse
import collections
import dataclasses
import hashlib
import json
import sys
import zipfile
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import IO, Any

from evidence.checkpoints import (
    CheckpointError,
    checkpoint_verify,
    key_id,
    public_key_from_text,
    public_key_raw,
    signature_valid,
)
from evidence.dossier_format import (
    CHUNK_SIZE,
    MANIFEST_NAME,
    ManifestError,
    listed_members,
    manifest_unsigned,
    read_manifest,
)
from evidence.hashing import verify_chain
from evidence.merkle import event_leaf, leaf_hash, verify_inclusion

CONTENTS = "dossier contents"
MANIFEST = "manifest"
KEYS = "keys"
MANIFEST_SIGNATURE = "manifest signature"
CHECKPOINT_SIGNATURE = "checkpoint signature"
CUSTODY_CHAIN = "custody chain"
INCLUSION_PROOF = "inclusion proof"
EVIDENCE_FILE = "evidence file"
DOCUMENT = "document"


@dataclasses.dataclass(frozen=True)
class Failure:
    """One failed check: which check, about what (an event, a file...), and what is wrong."""

    check: str
    subject: str
    message: str

    def __str__(self) -> str:
        return f"[{self.check}] {self.subject}: {self.message}"


@dataclasses.dataclass
class DossierReport:
    """Everything `verify_dossier` found; `ok` when no check failed."""

    failures: list[Failure] = dataclasses.field(default_factory=list)
    notes: list[str] = dataclasses.field(default_factory=list)
    readable: bool = True
    ncb_code: str = ""
    kids: list[str] = dataclasses.field(default_factory=list)
    keys_trusted: bool = False
    checkpoint: Mapping[str, Any] = dataclasses.field(default_factory=dict)
    items: int = 0
    events: int = 0
    events_proven: int = 0
    files_checked: int = 0
    files_listed_only: int = 0
    bytes_hashed: int = 0
    documents_checked: int = 0

    @property
    def ok(self) -> bool:
        return self.readable and not self.failures

    def fail(self, check: str, subject: str, message: str) -> None:
        self.failures.append(Failure(check, subject, message))


def verify_dossier(
    source: str | Path | IO[bytes], *, trusted_keys: Sequence[str] = ()
) -> DossierReport:
    """Runs every check on the dossier ZIP at `source` and reports all failures found.

    `trusted_keys` are base64url Ed25519 public keys obtained independently of the dossier
    (published by the NCB); when given, the signatures must be by one of them.
    """
    report = DossierReport()
    try:
        archive = zipfile.ZipFile(source)
    except (OSError, zipfile.BadZipFile) as error:
        report.readable = False
        report.fail(CONTENTS, str(source), f"cannot be opened as a ZIP file: {error}")
        return report
    with archive:
        names = [info.filename for info in archive.infolist() if not info.is_dir()]
        counts = collections.Counter(names)
        for name in sorted(name for name, count in counts.items() if count > 1):
            report.fail(CONTENTS, name, "appears more than once in the ZIP")
        if MANIFEST_NAME not in names:
            report.readable = False
            report.fail(CONTENTS, MANIFEST_NAME, "is missing")
            return report
        try:
            manifest = read_manifest(archive.read(MANIFEST_NAME))
        except (ManifestError, zipfile.BadZipFile, OSError) as error:
            report.readable = False
            report.fail(MANIFEST, MANIFEST_NAME, str(error))
            return report
        report.ncb_code = manifest["ncb_code"]
        keys = _check_keys(manifest, trusted_keys, report)
        _check_manifest_signature(manifest, keys, report)
        _check_checkpoint(manifest, keys, report)
        for item in manifest["items"]:
            _check_item(item, manifest["checkpoint"], report)
        _check_members(archive, manifest, names, report)
    return report


def _check_keys(
    manifest: Mapping[str, Any], trusted_keys: Sequence[str], report: DossierReport
) -> dict[str, Any]:
    """The dossier's public keys by kid, each checked against the kid rule (and the trust list)."""
    trusted = set()
    for text in trusted_keys:
        try:
            trusted.add(public_key_raw(public_key_from_text(text)))
        except ValueError as error:
            report.fail(KEYS, text, f"the trusted key given is not an Ed25519 key: {error}")
    keys = {}
    for entry in manifest["keys"]:
        try:
            key = public_key_from_text(entry["public_key"])
        except ValueError as error:
            report.fail(KEYS, entry["kid"], f"is not an Ed25519 public key: {error}")
            continue
        if key_id(key) != entry["kid"]:
            report.fail(KEYS, entry["kid"], f"the key's id is {key_id(key)}, not {entry['kid']}")
            continue
        if trusted_keys and public_key_raw(key) not in trusted:
            report.fail(KEYS, entry["kid"], "is not one of the trusted keys given")
            continue
        keys[entry["kid"]] = key
        report.kids.append(entry["kid"])
    report.keys_trusted = bool(trusted_keys) and bool(keys)
    return keys


def _check_manifest_signature(
    manifest: Mapping[str, Any], keys: Mapping[str, Any], report: DossierReport
) -> None:
    signature = manifest["signature"]
    key = keys.get(signature["kid"])
    if key is None:
        report.fail(MANIFEST_SIGNATURE, MANIFEST_NAME, f"signed by unknown key {signature['kid']}")
    elif not signature_valid(key, manifest_unsigned(manifest), signature["value"]):
        report.fail(
            MANIFEST_SIGNATURE,
            MANIFEST_NAME,
            "the signature does not verify: the manifest was changed after export",
        )


def _check_checkpoint(
    manifest: Mapping[str, Any], keys: Mapping[str, Any], report: DossierReport
) -> None:
    checkpoint = manifest["checkpoint"]
    kid = checkpoint.get("kid")
    key = keys.get(kid) if isinstance(kid, str) else None
    if key is None:
        report.fail(CHECKPOINT_SIGNATURE, "checkpoint", f"signed by unknown key {kid}")
        return
    try:
        checkpoint_verify(checkpoint, key)
    except CheckpointError as error:
        report.fail(CHECKPOINT_SIGNATURE, "checkpoint", str(error))
        return
    if checkpoint["ncb_code"] != manifest["ncb_code"]:
        report.fail(
            CHECKPOINT_SIGNATURE,
            "checkpoint",
            f"is NCB {checkpoint['ncb_code']}'s, the dossier NCB {manifest['ncb_code']}'s",
        )
    report.checkpoint = checkpoint


def _check_item(
    item: Mapping[str, Any], checkpoint: Mapping[str, Any], report: DossierReport
) -> None:
    item_id = item["item"]
    events = item["events"]
    report.items += 1
    report.events += len(events)
    chain = verify_chain(
        (
            item_id,
            event["sequence"],
            _utf8(event["canonical"]),
            event["prev_hash"],
            event["hash"],
        )
        for event in events
    )
    if chain.broken is not None:
        broken = chain.broken
        report.fail(
            CUSTODY_CHAIN,
            f"item {item_id}, event {broken.sequence}",
            f"{broken.kind}: {broken.detail} "
            f"(expected {broken.expected or '-'}, found {broken.actual or '-'})",
        )
    else:
        last_sequence, last_hash = chain.heads[item_id]
        if last_hash != item["head_hash"]:
            report.fail(
                CUSTODY_CHAIN,
                f"item {item_id}, event {last_sequence}",
                f"event removed: the chain ends at {last_hash}, not at the item's recorded head "
                f"{item['head_hash']} (events after {last_sequence} are missing)",
            )
    for event in events:
        written = _content(event["canonical"])
        if written.get("item") != item_id or written.get("sequence") != event["sequence"]:
            report.fail(
                CUSTODY_CHAIN,
                f"item {item_id}, event {event['sequence']}",
                f"the event's bytes were written for item {written.get('item')}, event "
                f"{written.get('sequence')}",
            )
    _check_inclusion(item_id, events, checkpoint, report)


def _utf8(text: str) -> bytes:
    # A lone surrogate (\ud800) has no UTF-8 form; keep it so the hash fails, not the verifier.
    return text.encode("utf-8", "surrogatepass")


def _content(canonical: str) -> dict[str, Any]:
    try:
        content = json.loads(canonical)
    except (ValueError, RecursionError):
        return {}
    return content if isinstance(content, dict) else {}


def _check_inclusion(
    item_id: str,
    events: Sequence[Mapping[str, Any]],
    checkpoint: Mapping[str, Any],
    report: DossierReport,
) -> None:
    if not report.checkpoint:
        return  # No trustworthy checkpoint: its failure is reported already.
    tree_size = checkpoint["tree_size"]
    root = bytes.fromhex(checkpoint["root_hash"])
    previous_index = -1
    unproven = 0
    for event in events:
        subject = f"item {item_id}, event {event['sequence']}"
        leaf_index = event["leaf_index"]
        if leaf_index is None:
            unproven += 1
            continue
        if unproven:
            report.fail(INCLUSION_PROOF, subject, "has a proof but an earlier event has none")
        if leaf_index <= previous_index:
            report.fail(
                INCLUSION_PROOF,
                subject,
                f"leaf {leaf_index} is not after the previous event's leaf {previous_index}: "
                "the log's append order is not the chain's",
            )
        previous_index = leaf_index
        proof = [bytes.fromhex(node) for node in event["inclusion_proof"]]
        if not verify_inclusion(
            leaf_hash(event_leaf(event["hash"])), leaf_index, tree_size, proof, root
        ):
            report.fail(
                INCLUSION_PROOF,
                subject,
                f"the proof for leaf {leaf_index} does not lead to the checkpoint's root "
                f"(tree of {tree_size} events)",
            )
            continue
        report.events_proven += 1
    if unproven:
        report.notes.append(
            f"item {item_id}: {unproven} event(s) newer than the checkpoint are protected by "
            "the hash chain and the manifest signature only"
        )


def _check_members(
    archive: zipfile.ZipFile,
    manifest: Mapping[str, Any],
    names: list[str],
    report: DossierReport,
) -> None:
    present = set(names)
    for name in sorted(present - set(listed_members(manifest)) - {MANIFEST_NAME}):
        report.fail(CONTENTS, name, "is in the ZIP but not listed in the manifest")
    checked: dict[str, bool] = {}
    for item in manifest["items"]:
        for entry in item["files"]:
            subject = f"{entry['path'] or entry['sha256']} (item {item['item']}"
            subject += f", {entry['name']})" if entry.get("name") else ")"
            if entry["path"] is None:
                report.files_listed_only += 1
            elif entry["path"] not in checked:
                checked[entry["path"]] = _check_member(
                    archive, entry, present, EVIDENCE_FILE, subject, report
                )
                report.files_checked += 1
    for document in manifest["documents"]:
        _check_member(archive, document, present, DOCUMENT, document["path"], report)
        report.documents_checked += 1


def _check_member(
    archive: zipfile.ZipFile,
    entry: Mapping[str, Any],
    present: set[str],
    check: str,
    subject: str,
    report: DossierReport,
) -> bool:
    if entry["path"] not in present:
        report.fail(check, subject, "is listed but missing from the ZIP")
        return False
    digest = hashlib.sha256()
    size = 0
    try:
        with archive.open(entry["path"]) as stream:
            while chunk := stream.read(CHUNK_SIZE):
                digest.update(chunk)
                size += len(chunk)
    except (zipfile.BadZipFile, OSError) as error:
        report.fail(check, subject, f"cannot be read from the ZIP: {error}")
        return False
    if check == EVIDENCE_FILE:
        report.bytes_hashed += size
    if digest.hexdigest() != entry["sha256"]:
        report.fail(
            check,
            subject,
            f"SHA-256 is {digest.hexdigest()}, the manifest lists {entry['sha256']}: "
            "the file was changed",
        )
        return False
    if size != entry["size"]:
        report.fail(check, subject, f"is {size} bytes, the manifest lists {entry['size']}")
        return False
    return True


def format_report(report: DossierReport, source: str) -> str:
    """The text printed for people: a summary when OK, every failure otherwise."""
    lines = []
    if report.ok:
        checkpoint = report.checkpoint
        lines.append(f"OK: {source} verifies.")
        key_origin = (
            "one of the trusted keys given"
            if report.keys_trusted
            else "read from the dossier: compare the kid with the key the NCB publishes"
        )
        lines.append(f"  NCB {report.ncb_code}, key {', '.join(report.kids)} ({key_origin})")
        lines.append(
            f"  checkpoint: {checkpoint['tree_size']} events in the custody log at "
            f"{checkpoint['timestamp']}, root {checkpoint['root_hash']}, signature valid"
        )
        lines.append(
            f"  {report.items} item(s), {report.events} custody event(s): hash chains intact, "
            f"{report.events_proven} event(s) proven included in the checkpoint"
        )
        lines.append(
            f"  {report.files_checked} evidence file(s) ({report.bytes_hashed} bytes) match their "
            f"SHA-256; {report.files_listed_only} file(s) listed without their content"
        )
        lines.append(
            f"  {report.documents_checked} document(s) as listed; manifest signature valid"
        )
    else:
        heading = "FAILED" if report.readable else "UNREADABLE"
        lines.append(f"{heading}: {source}: {len(report.failures)} check(s) failed")
        lines.extend(f"  {failure}" for failure in report.failures)
    lines.extend(f"  note: {note}" for note in report.notes)
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    """The command line: verify one dossier ZIP, print the outcome, return the exit status."""
    parser = argparse.ArgumentParser(
        prog="python -m evidence.verify",
        description="Verify an NCB-THB court dossier offline (custody chains, checkpoint, "
        "signatures, files).",
    )
    parser.add_argument("dossier", help="the dossier ZIP file")
    parser.add_argument(
        "--trusted-key",
        action="append",
        default=[],
        metavar="BASE64URL",
        help="an Ed25519 public key obtained from the NCB itself (repeatable)",
    )
    arguments = parser.parse_args(argv)
    report = verify_dossier(arguments.dossier, trusted_keys=arguments.trusted_key)
    print(format_report(report, arguments.dossier))
    if report.ok:
        return 0
    return 1 if report.readable else 2


if __name__ == "__main__":
    sys.exit(main())
