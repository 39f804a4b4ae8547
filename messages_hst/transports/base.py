"""The one interface every transport implements, and the reading of a recipient's answer.

A transport gets one delivery and the message's signed canonical bytes and says how the try
ended (`TransportResult`); it never touches the database rows of the delivery: the pipeline
records the attempt. The `local` transport (the inbox function on this instance) and the
`peer` transport (the same inbox over HTTPS on the recipient's instance) get the same kind of
answer, an HTTP status plus a RECEIPT or a list of problems, and read it with the one
`answer_result` below, so both paths treat every status alike.
"""

from __future__ import annotations

import abc
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from messages_hst.choices import AttemptOutcome

if TYPE_CHECKING:
    from messages_hst.models import Delivery

DETAIL_MAX = 500
# The recipient refused these bytes for good: sending them again gets the same answer.
PERMANENT_STATUSES = frozenset({400, 403, 404, 409, 413})
# The recipient (or the way to it) is busy or down for now: try again later.
TRANSIENT_STATUSES = frozenset({408, 425, 429})
DELIVERED_STATUSES = frozenset({200, 201})
PROBLEMS_IN_DETAIL = 3


@dataclass(frozen=True)
class TransportResult:
    """How one try ended.

    - `outcome`: DELIVERED (the recipient answered with a receipt, still to be verified by the
      pipeline), HANDED_OVER (written where the receipt will come from later: the gateway),
      TRANSIENT (try again), PERMANENT (do not).
    - `receipt_bytes`: the recipient's RECEIPT as received (DELIVERED only).
    - `http_status`: the recipient's status when there was one (peer, local).
    - `detail`: a short reason for the attempt log; codes, statuses and paths only, never the
      content of the message.
    """

    outcome: AttemptOutcome
    receipt_bytes: bytes | None = None
    http_status: int | None = None
    detail: str = ""

    def __post_init__(self) -> None:
        object.__setattr__(self, "detail", self.detail[:DETAIL_MAX])


class Transport(abc.ABC):
    """Gets one message to one recipient NCB (HST.md §7.3). Implementations are stateless
    apart from connection pools, safe to share within a process, and must not raise for an
    expected failure (an unreachable peer, a full disk): they return TRANSIENT or PERMANENT."""

    name: str

    @abc.abstractmethod
    def send(self, delivery: Delivery, signed_bytes: bytes) -> TransportResult:
        """Hand `signed_bytes` (the message's signed canonical JSON) to
        `delivery.recipient_ncb`. `delivery.message` and `delivery.recipient_ncb` are loaded."""


def problems_detail(problems: Iterable[Any] | None) -> str:
    """The recipient's problems in a few words: `code at path`, the first three. The
    problems' free-text messages are left out: they may quote the message's content."""
    items = [p for p in (problems or []) if isinstance(p, Mapping)]
    parts = []
    for item in items[:PROBLEMS_IN_DETAIL]:
        code = str(item.get("code") or "problem")
        path = str(item.get("path") or "")
        parts.append(f"{code} at {path}" if path else code)
    if len(items) > PROBLEMS_IN_DETAIL:
        parts.append(f"and {len(items) - PROBLEMS_IN_DETAIL} more")
    return "; ".join(parts)


def answer_result(
    status: int, receipt_bytes: bytes | None, problems: Iterable[Any] | None = None
) -> TransportResult:
    """The outcome of an inbox answer (HTTP status, receipt bytes, problems), the same for a
    peer's HTTP response and for the local inbox: 200/201 with a receipt → DELIVERED (the
    receipt is verified by the pipeline); 400/403/404/409/413 and other 4xx → PERMANENT;
    408/425/429 and 5xx → TRANSIENT; redirects and other statuses → PERMANENT (the endpoint
    is misconfigured, sending again changes nothing)."""
    listed = problems_detail(problems)
    detail = f"HTTP {status}" + (f": {listed}" if listed else "")
    if status in DELIVERED_STATUSES:
        if receipt_bytes:
            return TransportResult(AttemptOutcome.DELIVERED, receipt_bytes, status, detail)
        return TransportResult(
            AttemptOutcome.PERMANENT, None, status, f"HTTP {status} without a receipt"
        )
    if status in TRANSIENT_STATUSES or status >= 500:
        return TransportResult(AttemptOutcome.TRANSIENT, None, status, detail)
    if status in PERMANENT_STATUSES or 400 <= status < 500:
        return TransportResult(AttemptOutcome.PERMANENT, None, status, detail)
    if 300 <= status < 400:
        detail = f"HTTP {status}: redirect not followed (check the peer endpoint)"
    else:
        detail = f"HTTP {status}: not an inbox answer"
    return TransportResult(AttemptOutcome.PERMANENT, None, status, detail)
