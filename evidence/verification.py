"""Verifying custody as stored: the hash chains and the signed checkpoints, in one report.

Two independent checks, because each catches what the other cannot:

- the hash chains (`evidence.services.custody_verify`, which runs
  `evidence.hashing.verify_chain` over the stored canonical bytes): an altered, removed,
  reordered or relinked event, or a chain cut short of the item's recorded head;
- the checkpoints (`checkpoints_verify` here): each checkpoint's signature by the instance key,
  and its Merkle root recomputed over the first `tree_size` events of the log as stored now.
  This catches what a consistent rewrite of a chain (bytes, hashes and head together) hides
  from the chain check: the events it covers are no longer the events that were signed.

`custody_verify_item` and `custody_verify_all` run both and say OK, or where it first breaks:
the item, the event's sequence, expected against actual hash, and which checkpoint no longer
matches (the first one that fails bounds where the log was changed: after the last checkpoint
that still matches, before the first that does not).

Reads only, no audit row: the callers (the `verify_custody` command, the API's verify action,
the pages' "verify now" button) have already checked through `evidence.selectors` that the
user may see what is verified. The log is streamed, never loaded whole.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from evidence import keys
from evidence.checkpointing import CustodyLogError, log_scan, log_size
from evidence.checkpoints import CheckpointError, checkpoint_verify
from evidence.hashing import utc_timestamp
from evidence.models import CustodyCheckpoint, EvidenceItem
from evidence.services.verification import CustodyVerification, custody_verify
from ncb_cases.models import Case

SIGNATURE = "signature"
ROOT_MISMATCH = "root mismatch"
LOG_SHORTER = "log shorter"
LOG_HOLE = "log hole"


@dataclass(frozen=True)
class CheckpointProblem:
    """A checkpoint that no longer holds: its signature, or its root over the stored log."""

    tree_size: int
    timestamp: str
    kind: str
    expected: str | None
    actual: str | None
    detail: str

    def __str__(self) -> str:
        return (
            f"checkpoint {self.tree_size} (signed {self.timestamp}): {self.kind}: {self.detail}"
            f" (expected {self.expected or '-'}, found {self.actual or '-'})"
        )

    def as_dict(self) -> dict[str, Any]:
        return {
            "tree_size": self.tree_size,
            "timestamp": self.timestamp,
            "kind": self.kind,
            "expected": self.expected,
            "actual": self.actual,
            "detail": self.detail,
        }


@dataclass(frozen=True)
class CheckpointReport:
    """The outcome of `checkpoints_verify`: how many were checked and which fail, oldest
    first. `last_good_size` is the largest checkpoint that still matches (0 if none)."""

    checked: int
    latest_size: int | None
    log_size: int
    problems: list[CheckpointProblem] = field(default_factory=list)
    last_good_size: int = 0

    @property
    def ok(self) -> bool:
        return not self.problems

    def __str__(self) -> str:
        if self.checked == 0:
            return f"no checkpoint yet ({self.log_size} events in the log)"
        if self.ok:
            return (
                f"OK: {self.checked} checkpoint(s) match the log; the latest covers "
                f"{self.latest_size} of {self.log_size} events and its signature is valid"
            )
        first = self.problems[0]
        lines = [f"BROKEN: {first}"]
        if first.kind == ROOT_MISMATCH:
            lines.append(
                f"  the log was changed between positions {self.last_good_size} and "
                f"{first.tree_size - 1} (checkpoint {self.last_good_size or 'none'} still "
                "matches)"
            )
        if len(self.problems) > 1:
            lines.append(f"  {len(self.problems) - 1} later checkpoint(s) fail as well")
        return "\n".join(lines)


@dataclass(frozen=True)
class CustodyReport:
    """Chains and checkpoints together: `ok`, or the first broken link and checkpoint."""

    chains: CustodyVerification
    checkpoints: CheckpointReport

    @property
    def ok(self) -> bool:
        return self.chains.broken is None and self.checkpoints.ok

    @property
    def broken_link(self) -> str:
        """The first broken link for people ("" when the chains hold)."""
        return self.chains.describe_broken()

    def __str__(self) -> str:
        chains = self.chains
        if chains.broken is None:
            first = (
                f"OK: {chains.chain.events_checked} custody events in "
                f"{len(chains.item_numbers)} items verified"
            )
        else:
            first = f"BROKEN: {chains.describe_broken()}"
        return f"{first}\n{self.checkpoints}"

    def as_dict(self) -> dict[str, Any]:
        """For the API: the verdict, the first broken link, the checkpoint findings."""
        link = self.chains.broken
        return {
            "ok": self.ok,
            "events_checked": self.chains.chain.events_checked,
            "items_checked": len(self.chains.item_numbers),
            "broken_link": None
            if link is None
            else {
                "item_number": self.chains.broken_item_number,
                "sequence": link.sequence,
                "kind": link.kind,
                "expected": link.expected,
                "actual": link.actual,
                "detail": link.detail,
            },
            "checkpoints": {
                "ok": self.checkpoints.ok,
                "checked": self.checkpoints.checked,
                "latest_tree_size": self.checkpoints.latest_size,
                "log_size": self.checkpoints.log_size,
                "problems": [problem.as_dict() for problem in self.checkpoints.problems],
            },
        }


def checkpoints_verify(*, latest_only: bool = False) -> CheckpointReport:
    """Check each checkpoint (or only the latest): signed by the instance key, and its root
    equal to the Merkle root of the first `tree_size` events of the log as stored now.

    All roots come from one streamed pass over the log (`evidence.checkpointing.log_scan`),
    so checking every checkpoint costs about what checking the latest does. Queries: one for
    the checkpoints, one for the log's size, one streamed for the log.
    """
    rows = CustodyCheckpoint.objects.order_by("tree_size").values_list(
        "tree_size", "timestamp", "signed"
    )
    if latest_only:
        rows = rows.reverse()[:1]
    checkpoints = sorted(
        (tree_size, utc_timestamp(timestamp), bytes(signed))
        for tree_size, timestamp, signed in rows
    )
    size_now = log_size()
    if not checkpoints:
        return CheckpointReport(checked=0, latest_size=None, log_size=size_now)
    public_key = keys.signing_public_key()
    problems = []
    for tree_size, timestamp, signed in checkpoints:
        problem = _signature_problem(tree_size, timestamp, signed, public_key)
        if problem is not None:
            problems.append(problem)
    latest_size = checkpoints[-1][0]
    covered = [entry for entry in checkpoints if entry[0] <= size_now]
    problems += [
        CheckpointProblem(
            tree_size=tree_size,
            timestamp=timestamp,
            kind=LOG_SHORTER,
            expected=str(tree_size),
            actual=str(size_now),
            detail=f"it signed {tree_size} events, the log now holds {size_now}: "
            "events were removed",
        )
        for tree_size, timestamp, _signed in checkpoints
        if tree_size > size_now
    ]
    last_good = 0
    if covered:
        problems += _root_problems(covered)
        failed = {problem.tree_size for problem in problems if problem.kind != SIGNATURE}
        for tree_size, _timestamp, _signed in covered:
            if tree_size in failed:
                break
            last_good = tree_size
    problems.sort(key=lambda problem: (problem.tree_size, problem.kind != SIGNATURE))
    return CheckpointReport(
        checked=len(checkpoints),
        latest_size=latest_size,
        log_size=size_now,
        problems=problems,
        last_good_size=last_good,
    )


def _signature_problem(
    tree_size: int, timestamp: str, signed: bytes, public_key
) -> CheckpointProblem | None:
    checkpoint: Any = None
    try:
        checkpoint = json.loads(signed)
        checkpoint_verify(checkpoint, public_key)
    except (ValueError, CheckpointError) as error:
        return CheckpointProblem(
            tree_size=tree_size,
            timestamp=timestamp,
            kind=SIGNATURE,
            expected=keys.signing_key_id(),
            actual=checkpoint.get("kid") if isinstance(checkpoint, dict) else None,
            detail=str(error),
        )
    if checkpoint["tree_size"] != tree_size:
        return CheckpointProblem(
            tree_size=tree_size,
            timestamp=timestamp,
            kind=SIGNATURE,
            expected=str(checkpoint["tree_size"]),
            actual=str(tree_size),
            detail="the stored size is not the signed one",
        )
    return None


def _root_problems(covered: list[tuple[int, str, bytes]]) -> list[CheckpointProblem]:
    sizes = [tree_size for tree_size, _timestamp, _signed in covered]
    try:
        scan = log_scan(max(sizes), prefixes=sizes)
    except CustodyLogError as error:
        tree_size, timestamp, _signed = covered[0]
        return [
            CheckpointProblem(
                tree_size=tree_size,
                timestamp=timestamp,
                kind=LOG_HOLE,
                expected=None,
                actual=None,
                detail=str(error),
            )
        ]
    problems = []
    for tree_size, timestamp, signed in covered:
        signed_root = json.loads(signed).get("root_hash")
        actual = scan.prefix_roots[tree_size].hex()
        if actual != signed_root:
            problems.append(
                CheckpointProblem(
                    tree_size=tree_size,
                    timestamp=timestamp,
                    kind=ROOT_MISMATCH,
                    expected=signed_root,
                    actual=actual,
                    detail=f"the first {tree_size} events of the log no longer have the "
                    "signed Merkle root",
                )
            )
    return problems


def custody_verify_item(*, item: EvidenceItem) -> CustodyReport:
    """Verify one item's chain and the latest checkpoint (signature, root over the log).

    The caller has checked that the user may see `item`. Costs one read of the item's events
    and one streamed read of the log up to the latest checkpoint.
    """
    chains = custody_verify(items=[item], check_checkpoint=False)
    return CustodyReport(chains=chains, checkpoints=checkpoints_verify(latest_only=True))


def custody_verify_all(*, case: Case | None = None) -> CustodyReport:
    """Verify every chain (or `case`'s) and every checkpoint against the stored log.

    Checkpoints concern the whole log, so they are checked whatever the scope. Streams the
    events twice (chains in item order, leaves in log order); memory stays flat.
    """
    chains = custody_verify(case=case, check_checkpoint=False)
    return CustodyReport(chains=chains, checkpoints=checkpoints_verify())
