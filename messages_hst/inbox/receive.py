"""`inbox_receive`: the steps of HST.md §7.4 for one received body, in this order.

1. Size: more than `HST_INBOX_MAX_BYTES` (default 10 MB) → 413. The caller reads at most the
   limit + 1 bytes, so an oversized body is never read whole; what was read is kept.
2. Raw bytes and their SHA-256 are stored, in their own committed transaction, before anything
   else is decided: malformed JSON (400), unknown recipient (404) and all later refusals keep
   their bytes for investigation. Unknown fields are stored blank/null.
3. Dedupe on (sender, message id, recipient), held by a unique constraint on the original row:
   the same digest replays the stored answer (200); another digest keeps a CONFLICT row, raises
   a security alert and answers 409 (the same conflicting bytes again: 409 from that row, no
   second row or alert). A body that never verified holds no id against a later one: the
   later body takes its place, and the unverified one stays as a non-original row.
4. Under a row lock, one caller checks the message: the signature against the sender NCB's
   keyring (`keys.sender_keyring`; unsigned, unknown key, bad signature → QUARANTINED, 403,
   security alert), then `validate_message` with the recipient's known messages (errors →
   QUARANTINED, 400). A verified, valid message gets its signed RECEIPT (stored, so replays are
   byte-identical), its effects (`effects.apply_effects`) and status TRIAGE, or PROCESSED for
   RECEIPT and RESPONSE, which need no person → 201.

Two identical bodies posted at once: one inserts the row, the other meets the unique constraint,
waits for the row lock, and replays the receipt the first stored (or, if it got the lock first,
checks the message itself; the first, whose verdict is an UPDATE conditional on the row still
being RECEIVED, then writes nothing and replays). One row, two identical receipts.
A QUARANTINED message sent again unchanged is checked again (its sender's key may have been
registered since); a refused answer is otherwise the same each time.

When called inside an outer transaction (the `local` transport's delivery task), "its own
transaction" becomes a savepoint of the caller's: the bytes commit with the caller's work.
"""

import datetime as dt
import hashlib
from dataclasses import dataclass, field

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.db.models import F, Func, JSONField, TextField, Value
from django.db.models.functions import Cast
from django.utils import timezone

from contacts.models import NationalCentralBureau
from messages_hst.choices import InboundStatus, MessageType, SignatureStatus
from messages_hst.inbox import alerts, directory, effects, receipts
from messages_hst.inbox.envelope import (
    Envelope,
    as_uuid,
    client_ip,
    hosted_ncb,
    read_envelope,
    resolve_recipient,
)
from messages_hst.inbox.problems import (
    SIGNATURE_CODES,
    as_dicts,
    errors,
    http_status_for,
    problem,
)
from messages_hst.models import InboundMessage
from messages_hst.validation import validate_message
from messages_hst.validation.references import thread_references
from ncb_cases.audit import audit_event
from ncb_cases.choices import AuditAction
from ncb_cases.models import AuditEvent, Case
from ncb_cases.row_updates import update_each

DEFAULT_MAX_BYTES = 10 * 1024 * 1024
ACCEPTED_STATUSES = (
    InboundStatus.TRIAGE,
    InboundStatus.PROCESSED,
    InboundStatus.ACCEPTED,
    InboundStatus.REJECTED,
)
AUTOMATIC_TYPES = (MessageType.RECEIPT, MessageType.RESPONSE)
# What the check writes on the stored row (never the bytes, written once by the insert).
CHECKED_FIELDS = [
    "sender_ncb",
    "signature_status",
    "kid",
    "document",
    "message_type",
    "priority",
    "subject",
    "hst_case_id",
    "in_reply_to",
    "problems",
    "status",
    "case",
    "receipt_bytes",
    "processed_at",
]


@dataclass
class InboxOutcome:
    """The inbox's answer: the HTTP status, the signed RECEIPT's canonical bytes when the
    message was accepted (201 first time, 200 replay), else the problems; and the stored row
    (the original, or the CONFLICT / QUARANTINED row holding these bytes)."""

    http_status: int
    receipt_bytes: bytes | None = None
    problems: list[dict[str, str]] = field(default_factory=list)
    inbound: InboundMessage | None = None


def max_body_bytes() -> int:
    """The largest body the inbox accepts (`HST_INBOX_MAX_BYTES`)."""
    return int(getattr(settings, "HST_INBOX_MAX_BYTES", DEFAULT_MAX_BYTES))


def inbox_receive(
    *,
    raw: bytes,
    recipient_code: str | None,
    transport: str,
    remote_addr: str | None,
    now: dt.datetime | None = None,
) -> InboxOutcome:
    """Receive one HST message body for `recipient_code` (None: the message's single
    recipient hosted here). See the module docstring for the steps and statuses."""
    raw = bytes(raw)
    return receive_read(
        raw,
        read_body(raw, recipient_code),
        recipient_code,
        receive_context(recipient_code, transport, remote_addr),
        now=now or timezone.now(),
    )


def receive_read(
    raw: bytes,
    read: tuple[Envelope, NationalCentralBureau | None, bool],
    recipient_code: str | None,
    context: dict,
    *,
    now: dt.datetime,
) -> InboxOutcome:
    """`inbox_receive` for a body already read by `read_body` (a batch reads each line once)."""
    envelope, recipient, refused = read
    if refused:
        return _store_refused(raw[: max_body_bytes() + 1], envelope, recipient, **context)
    inbound, inserted = _store_original(raw, envelope, recipient, **context)
    if inbound.status == InboundStatus.CONFLICT:
        return InboxOutcome(409, None, list(inbound.problems), inbound)
    return _check(inbound, inserted, envelope, recipient_code, now=now)


def receive_context(recipient_code: str | None, transport: str, remote_addr: str | None) -> dict:
    """What the stored rows record of the request: the recipient it named, the transport,
    the client's address."""
    return {
        "named": (recipient_code or "").strip().upper()[:12],
        "transport": transport[:10],
        "remote_addr": client_ip(remote_addr),
    }


def read_body(
    raw: bytes, recipient_code: str | None
) -> tuple[Envelope, NationalCentralBureau | None, bool]:
    """The envelope and recipient of `raw`, and whether it is refused before dedupe (too
    large, not JSON, no recipient hosted here: the envelope's problems say why)."""
    limit = max_body_bytes()
    if len(raw) > limit:
        refusal = problem("", "body_too_large", f"the body is larger than {limit} bytes")
        return Envelope(None, "", None, [refusal]), hosted_ncb(recipient_code), True
    envelope = read_envelope(raw)
    if envelope.problems:
        return envelope, hosted_ncb(recipient_code), True
    recipient, recipient_problems = resolve_recipient(recipient_code, envelope.document)
    if recipient_problems:
        refused = Envelope(
            envelope.document, envelope.sender_code, envelope.message_id, recipient_problems
        )
        return refused, recipient, True
    return envelope, recipient, False


# --- Storing the bytes -----------------------------------------------------------------------


def stored_row(
    raw: bytes, envelope: Envelope, recipient, *, named: str, transport: str, remote_addr
) -> InboundMessage:
    return InboundMessage(
        recipient_ncb=recipient,
        recipient_code=recipient.code if recipient else named,
        transport=transport,
        remote_addr=remote_addr,
        sender_code=envelope.sender_code,
        message_id=envelope.message_id,
        raw_body=raw,
        raw_sha256=hashlib.sha256(raw).hexdigest(),
        byte_size=len(raw),
    )


def _store_refused(raw: bytes, envelope: Envelope, recipient, **context) -> InboxOutcome:
    """Keep the bytes of a message refused before dedupe (too large, not JSON, no recipient)
    as a QUARANTINED row; without a recipient hosted here, `recipient_ncb` stays empty and
    `recipient_code` keeps the one the request named (such rows are seen only by admins)."""
    inbound = stored_row(raw, envelope, recipient, **context)
    inbound.status = InboundStatus.QUARANTINED
    inbound.problems = envelope.problems
    inbound.document = envelope.document
    inbound.message_type = _text((envelope.document or {}).get("message_type"), 12)
    status = http_status_for(envelope.problems)
    with transaction.atomic():
        inbound.save()
        _audit(inbound)
    return InboxOutcome(status, None, envelope.problems, inbound)


def _store_original(
    raw: bytes, envelope: Envelope, recipient, **context
) -> tuple[InboundMessage, bool]:
    """Insert the row (committed) and return it and True; on a repeat, the original (or the
    CONFLICT row when the body differs) and False. See the module docstring, step 3."""
    inbound = stored_row(raw, envelope, recipient, **context)
    try:
        with transaction.atomic():
            inbound.save()
        return inbound, True
    except IntegrityError:
        pass
    with transaction.atomic():
        # Waits for a check in progress on the original (it holds the row lock).
        original = InboundMessage.objects.select_for_update().get(
            sender_code=envelope.sender_code,
            message_id=envelope.message_id,
            recipient_ncb=recipient,
            is_original=True,
        )
        if original.raw_sha256 == inbound.raw_sha256:
            return original, False
        if (
            original.status == InboundStatus.QUARANTINED
            and original.signature_status != SignatureStatus.OK
        ):
            original.is_original = False
            original.problems = [
                *original.problems,
                problem(
                    "/message_id", "replaced", "a later body arrived under this id", "warning"
                ),
            ]
            original.save(update_fields=["is_original", "problems"])
            inbound.save()
            return inbound, True
        # The same conflicting bytes again (a retry, a flood): kept and alerted once.
        earlier = InboundMessage.objects.filter(
            status=InboundStatus.CONFLICT,
            sender_code=envelope.sender_code,
            message_id=envelope.message_id,
            recipient_ncb=recipient,
            raw_sha256=inbound.raw_sha256,
        ).first()
        if earlier is not None:
            return earlier, False
        inbound.is_original = False
        inbound.status = InboundStatus.CONFLICT
        inbound.document = envelope.document
        inbound.message_type = _text(envelope.document.get("message_type"), 12)
        inbound.problems = [
            problem(
                "/message_id",
                "duplicate_conflict",
                f"message {envelope.message_id} from {envelope.sender_code} was already "
                f"received with other content (SHA-256 {original.raw_sha256})",
            )
        ]
        inbound.save()
        _audit(inbound)
        alerts.security_alert(inbound=inbound, reason="conflicting body under a known id")
        return inbound, False


# --- Checking, answering, applying -----------------------------------------------------------


def _check(
    stored: InboundMessage,
    inserted: bool,
    envelope: Envelope,
    recipient_code: str | None,
    *,
    now: dt.datetime,
) -> InboxOutcome:
    try:
        return _check_once(stored, inserted, envelope, recipient_code, now=now)
    except _Raced:  # another caller checked the row first: nothing was written, replay it
        return _check_once(stored, False, envelope, recipient_code, now=now)


def check_stored(
    stored: InboundMessage, envelope: Envelope, recipient_code: str | None, *, now: dt.datetime
) -> InboxOutcome:
    """Step 4 for a row the caller stored and committed (a batch's): under the row's lock, as
    a repeat is checked: the stored answer replayed if another caller checked it meanwhile,
    else verified, validated, accepted or quarantined (with its alert)."""
    return _check(stored, False, envelope, recipient_code, now=now)


class _Raced(Exception):
    """The row this call inserted was checked by another caller meanwhile."""


def _check_once(
    stored: InboundMessage,
    inserted: bool,
    envelope: Envelope,
    recipient_code: str | None,
    *,
    now: dt.datetime,
) -> InboxOutcome:
    document = envelope.document
    with transaction.atomic():
        inbound = stored if inserted else _locked(stored)
        if inbound.status in ACCEPTED_STATUSES:
            return InboxOutcome(200, bytes(inbound.receipt_bytes), [], inbound)
        first_check = inbound.status == InboundStatus.RECEIVED
        refusal = examine(inbound, document, recipient_code, now=now)
        if refusal is not None:
            alert = first_check and inbound.signature_status != SignatureStatus.OK
            return _quarantine(inbound, refusal, alert=alert, claim=inserted)
        _write(inbound, claim=inserted)
        apply_effects_and_audit(inbound, document, now=now)
        return InboxOutcome(201, bytes(inbound.receipt_bytes), [], inbound)


def examine(
    inbound: InboundMessage, document: dict, recipient_code: str | None, *, now: dt.datetime
) -> list[dict[str, str]] | None:
    """Check a stored message (HST.md §7.4, step 4) and set on `inbound` what the check
    writes; nothing is written here. Returns the problems that quarantine it (a signature
    that does not verify, validation errors), or None: accepted, its signed RECEIPT, status
    and warnings set."""
    sender = directory.ncb_by_code(inbound.sender_code)
    verdict = directory.verify_with_keyring(document, sender)
    inbound.sender_ncb = sender
    inbound.signature_status = verdict.status
    inbound.kid = (verdict.kid or "")[:16]
    inbound.document = document
    inbound.message_type = _text(document.get("message_type"), 12)
    inbound.priority = _text(document.get("priority"), 10)
    inbound.subject = _text(document.get("subject"), 200)
    inbound.hst_case_id = as_uuid((document.get("case") or {}).get("hst_case_id"))
    inbound.in_reply_to = as_uuid((document.get("thread") or {}).get("in_reply_to"))
    if not verdict.ok:
        detail = verdict.detail or "the signature cannot be verified"
        return [problem("/signature", SIGNATURE_CODES[verdict.status], detail)]
    found = as_dicts(validate_message(document, known_messages=_known_messages(inbound), now=now))
    found += _addressing_problems(inbound, document, recipient_code)
    if errors(found):
        return found
    inbound.problems = found
    inbound.case = _own_case(inbound, document)
    inbound.receipt_bytes = receipts.receipt_bytes(
        inbound=inbound, document=document, warnings=found, now=now
    )
    automatic = inbound.message_type in AUTOMATIC_TYPES
    inbound.status = InboundStatus.PROCESSED if automatic else InboundStatus.TRIAGE
    inbound.processed_at = now
    return None


def apply_effects_and_audit(
    inbound: InboundMessage, document: dict, *, now: dt.datetime, audit: bool = True
) -> AuditEvent:
    """After an accepted message's row is written, in its transaction: its effects (a warning
    an effect notes is written too) and its audit event (saved unless `audit` is False: the
    caller saves a batch's together)."""
    found = inbound.problems
    effects.apply_effects(inbound, document, now=now)
    if inbound.problems is not found:  # an effect noted a warning
        inbound.save(update_fields=["problems"])
    event = audit_event_for(inbound)
    if audit:
        event.save()
    return event


def _locked(stored: InboundMessage) -> InboundMessage:
    """The row read afresh under its lock (a repeat, or a row another caller inserted). The
    recipient NCB (with its country, for the receipt) is the one already resolved."""
    inbound = InboundMessage.objects.select_for_update(of=("self",)).get(pk=stored.pk)
    if stored.recipient_ncb_id == inbound.recipient_ncb_id:
        inbound.recipient_ncb = stored.recipient_ncb
    return inbound


def _text(value, length: int) -> str:
    """A header field for the row's columns: text cut to the column, anything else blank
    (the document itself keeps whatever was sent)."""
    return value[:length] if isinstance(value, str) else ""


def _write(inbound: InboundMessage, *, claim: bool) -> None:
    """Write the check's fields. A row this call inserted was not locked: it is claimed by
    an UPDATE conditional on its status still being RECEIVED, which takes the row lock, waits
    for a concurrent check to commit, and updates nothing if that check came first (`_Raced`:
    the caller replays what that check stored). Any other row is already locked."""
    values = {name: getattr(inbound, name) for name in CHECKED_FIELDS}
    if _documents_parsed_by_database():
        values["document"] = _stored_body_as_json()
    if not claim:
        InboundMessage.objects.filter(pk=inbound.pk).update(**values)
        return
    if not InboundMessage.objects.filter(pk=inbound.pk, status=InboundStatus.RECEIVED).update(
        **values
    ):
        raise _Raced


def write_checked(rows: list[InboundMessage]) -> None:
    """`_write` for rows the caller holds locked (a batch's), each with its own values: one
    statement for all (`update_each`), and on PostgreSQL one more for their documents."""
    if not _documents_parsed_by_database():
        update_each(rows, CHECKED_FIELDS)
        return
    update_each(rows, [name for name in CHECKED_FIELDS if name != "document"])
    InboundMessage.objects.filter(pk__in=[row.pk for row in rows]).update(
        document=_stored_body_as_json()
    )


def _documents_parsed_by_database() -> bool:
    return connection.vendor == "postgresql"


def _stored_body_as_json() -> Cast:
    """The row's raw body parsed by PostgreSQL, for its `document`: the same JSON the
    envelope parsed (UTF-8, no repeated member, no NUL: refused before), without serialising
    up to 10 MB again in Python and sending it back (about 50 MB of transient copies: the
    JSON text, its bytes, the query, libpq's buffer)."""
    text = Func(F("raw_body"), Value("UTF8"), function="convert_from", output_field=TextField())
    return Cast(text, JSONField())


def _quarantine(
    inbound: InboundMessage, found: list[dict], *, alert: bool, claim: bool
) -> InboxOutcome:
    inbound.status = InboundStatus.QUARANTINED
    inbound.problems = found
    _write(inbound, claim=claim)
    _audit(inbound)
    if alert:
        alerts.security_alert(inbound=inbound, reason=f"signature {inbound.signature_status}")
    return InboxOutcome(http_status_for(found), None, found, inbound)


def _known_messages(inbound: InboundMessage):
    """Level-2 validation's earlier messages of the recipient (helper A's selector), or None
    (those checks skipped) while it does not exist."""
    try:
        from messages_hst.selectors import known_messages_for
    except ImportError:
        return None
    return known_messages_for(inbound.recipient_ncb)


def _addressing_problems(
    inbound: InboundMessage, document: dict, recipient_code: str | None
) -> list[dict[str, str]]:
    recipients = document.get("recipients")
    codes = {r.get("ncb_code") for r in recipients if isinstance(r, dict)} if isinstance(
        recipients, list
    ) else set()  # fmt: skip
    if recipient_code and inbound.recipient_ncb.code not in codes:
        reason = "the HST-Recipient NCB is not among the message's recipients"
        return [problem("/recipients", "not_addressed_here", reason)]
    return []


def _own_case(inbound: InboundMessage, document: dict) -> Case | None:
    """The recipient's own case the thread is about (a REPLY or UPDATE to our message carries
    our case's public id as `hst_case_id`), else None: triage links the others.

    Only a message in a thread (it replies to, supersedes or references another) can be about
    the recipient's case: `hst_case_id` is the thread's (HST.md §2), and a thread's first
    message carries its sender's. Without one there is nothing to look up (a query saved on
    every new message)."""
    if inbound.hst_case_id is None or not thread_references(document):
        return None
    # Only its key: the row links to it and the audit names it, nothing reads the rest (the
    # columns and the model's ordering were most of this query's cost, on every message).
    return (
        Case.objects.filter(public_id=inbound.hst_case_id, owner_ncb_id=inbound.recipient_ncb_id)
        .only("pk")
        .order_by("pk")
        .first()
    )


def _audit(inbound: InboundMessage) -> None:
    audit_event_for(inbound).save()


def audit_event_for(inbound: InboundMessage) -> AuditEvent:
    """The RECEIVE audit event of a stored row, not yet saved."""
    return audit_event(
        actor=None,
        action=AuditAction.RECEIVE,
        obj=inbound,
        case=inbound.case,
        ip=inbound.remote_addr,
        details={
            "sender": inbound.sender_code,
            "message_type": inbound.message_type,
            "status": inbound.status,
            "transport": inbound.transport,
            "bytes": inbound.byte_size,
        },
    )
