"""`inbox_receive_many`: the lines of one batch (docs/hst.md §4.1), each answered as
`inbox_receive` answers it posted alone, with the work of the common case done together.

The common case is a batch of new, signed, valid messages, each with its id. Their bytes
are inserted with one statement and committed before anything is checked (step 2 for all of
them at once); each is then verified, validated and given its signed RECEIPT as alone; and
those accepted are written in one transaction: their rows locked with one statement (in key
order), written with one (`update_each`), their effects applied, their audit events inserted
with one. Per message, a batch of eight saves two commits and most of the statements the ORM
compiles.

Every other line is received alone, as by `inbox_receive` (from the body already read), after
the ones received together: a body refused before it is stored (too large, not JSON, no
recipient here) or without a message id (its row could not be found again by its id, and
would be stored twice), an id already stored (a repeat or a conflict: the stored row decides)
or held twice by the batch (the first line is received together, the next alone, as a repeat
of it), a message whose thread points at another line of the batch (so that line is known
when it is validated); a batch of one line. A message the check refuses, and a row a
concurrent receiver checked first: these two, already stored, are checked again under their
row's lock as the single inbox checks a repeat (`check_stored`: the quarantine and its alert,
or the stored receipt replayed). If the insert meets a concurrent one (the unique constraint),
nothing of it is kept and every line is received alone.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from contacts.models import NationalCentralBureau
from messages_hst.choices import InboundStatus
from messages_hst.inbox.envelope import Envelope
from messages_hst.inbox.receive import (
    InboxOutcome,
    apply_effects_and_audit,
    check_stored,
    examine,
    read_body,
    receive_context,
    receive_read,
    stored_row,
    write_checked,
)
from messages_hst.models import InboundMessage
from messages_hst.validation.references import thread_references
from ncb_cases.models import AuditEvent


@dataclass
class _Line:
    index: int
    raw: bytes
    envelope: Envelope
    recipient: NationalCentralBureau
    row: InboundMessage | None = None  # once stored

    @property
    def document(self) -> dict[str, Any]:
        return self.envelope.document

    @property
    def key(self) -> tuple[str, str, int]:
        return (self.envelope.sender_code, str(self.envelope.message_id), self.recipient.pk)


def inbox_receive_many(
    raws: list[bytes],
    *,
    recipient_code: str | None,
    transport: str,
    remote_addr: str | None,
    now: dt.datetime | None = None,
) -> list[InboxOutcome]:
    """The outcome of each of `raws`, in order, as `inbox_receive` gives it for one body."""
    now = now or timezone.now()
    context = receive_context(recipient_code, transport, remote_addr)
    raws = [bytes(raw) for raw in raws]
    reads = [read_body(raw, recipient_code) for raw in raws]
    lines = _lines_to_receive_together(raws, reads) if len(raws) > 1 else []
    outcomes: dict[int, InboxOutcome] = {}
    if len(lines) > 1 and _store_together(lines, context):
        outcomes = _accept_together(lines, recipient_code, now=now)
        for line in lines:  # stored, but refused by the check or checked by another caller
            if line.index not in outcomes:
                outcomes[line.index] = check_stored(
                    line.row, line.envelope, recipient_code, now=now
                )
    return [
        outcomes.get(index) or receive_read(raw, read, recipient_code, context, now=now)
        for index, (raw, read) in enumerate(zip(raws, reads, strict=True))
    ]


def _lines_to_receive_together(
    raws: list[bytes], reads: list[tuple[Envelope, NationalCentralBureau | None, bool]]
) -> list[_Line]:
    """The lines whose bytes can be stored together: new messages, each once, none pointing
    at another line of the batch."""
    lines: dict[tuple[str, str, int], _Line] = {}
    for index, (raw, (envelope, recipient, refused)) in enumerate(zip(raws, reads, strict=True)):
        if refused or envelope.message_id is None:  # no id: nothing would find its row again
            continue
        line = _Line(index, raw, envelope, recipient)
        lines.setdefault(line.key, line)
    if len(lines) < 2:
        return []
    ids = {message_id for _, message_id, _ in lines}
    stored = _stored_keys(list(lines.values()))
    return [
        line
        for key, line in lines.items()
        if key not in stored and not thread_references(line.document) & ids
    ]


def _stored_keys(lines: list[_Line]) -> set[tuple[str, str, int]]:
    """Which of the lines' (sender, message id, recipient) an original row already holds."""
    rows = InboundMessage.objects.filter(
        is_original=True,
        message_id__in={line.envelope.message_id for line in lines},
        recipient_ncb_id__in={line.recipient.pk for line in lines},
    ).values_list("sender_code", "message_id", "recipient_ncb_id")
    return {(sender, str(message_id), recipient) for sender, message_id, recipient in rows}


def _store_together(lines: list[_Line], context: dict) -> bool:
    """Insert and commit a row for each line (its `row`); or nothing, and False, when one of
    them was inserted meanwhile by a concurrent receiver."""
    # In key order: two batches sharing messages wait for each other's rows in the unique
    # index in the same order, never each for the other's (a deadlock).
    lines = sorted(lines, key=lambda line: line.key)
    rows = [stored_row(line.raw, line.envelope, line.recipient, **context) for line in lines]
    try:
        with transaction.atomic():
            InboundMessage.objects.bulk_create(rows)
    except IntegrityError:
        return False
    for line, row in zip(lines, rows, strict=True):
        line.row = row
    return True


def _accept_together(
    lines: list[_Line], recipient_code: str | None, *, now: dt.datetime
) -> dict[int, InboxOutcome]:
    """Check each stored line as `inbox_receive` does; write the accepted ones whose rows
    are still RECEIVED, in one transaction. Their outcomes, by line index."""
    accepted = [
        line for line in lines if examine(line.row, line.document, recipient_code, now=now) is None
    ]
    if not accepted:
        return {}
    with transaction.atomic():
        still_received = set(
            InboundMessage.objects.select_for_update()
            .filter(pk__in=[line.row.pk for line in accepted], status=InboundStatus.RECEIVED)
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        claimed = [line for line in accepted if line.row.pk in still_received]
        write_checked([line.row for line in claimed])
        events = [
            apply_effects_and_audit(line.row, line.document, now=now, audit=False)
            for line in claimed
        ]
        AuditEvent.objects.bulk_create(events)
    return {
        line.index: InboxOutcome(201, bytes(line.row.receipt_bytes), [], line.row)
        for line in claimed
    }
