"""Messages for the HST benchmark and fault tests, approved through the services of the
instance this process runs as: `python -m bench.hst_load {prepare,approve,summary} ...`.

Runs with the environment of the sending instance (its DATABASE_URL, REDIS_URL, signing key),
as a management command would. Not a scenario (no `run`): `bench.hst` and the fault tests in
`tests/integration/hst/` start it.

- `prepare --batch B --count N --sender FR --recipient DE`: N messages awaiting approval, each
  an INFO of the sender to the recipient (a smuggling route, plainly fictitious), written with
  one bulk insert: what an officer's drafts and submissions would leave, less the hours. Their
  subject carries the batch tag `[B]`, by which the other commands and the harness find them.
  The author and the approver are two users of the sender NCB (`bench_author_<ncb>`,
  `bench_approver_<ncb>`: officer and supervisor, created if missing): four eyes.
- `approve --batch B [--interval S] [--slice I/K]`: `messages_hst.services.message_approve` on
  each message of the batch still awaiting approval (slice I of K by primary key, so K
  processes share a batch), one transaction each, S seconds apart (0: as fast as possible);
  `--start-at T` (epoch seconds): the first approval not before T, so that K processes started
  together begin together, once Python and Django are loaded; `--warm`: one approval rolled
  back first, so that the timed ones are not a fresh process's first call.
  That call freezes the message and writes its deliveries and outbox row; the pipeline
  (format, sign, deliver, receipt) runs in the instance's Celery workers from there.
- `history --count N`: N messages of the sender to the recipient as if sent a month ago
  (dispatched, outbox processed, delivered), so that the measured ones are not the first the
  tables hold: a statement that reads every message ever sent shows.
- `summary --batch B`: the batch's messages by status and deliveries by status.

Each command prints one JSON object on its last line of output.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import json
import os
import subprocess
import sys
import time
import traceback
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent

BATCH_TAG = "[{batch}]"
# The fictitious case every benchmark message is about (its thread id across instances).
BENCH_CASE_ID = "7a0c5d1e-2b3f-4c6d-8e9f-0a1b2c3d4e5f"
SUBJECT = "[{batch}] Smuggling route through the Alps, message {number} (test)"


def subject_prefix(batch: str) -> str:
    """What every subject of the batch starts with (for `LIKE '<prefix>%'`)."""
    return BATCH_TAG.format(batch=batch)


def info_document(*, message_id: str, sender, recipient_code: str, subject: str) -> dict:
    """A valid INFO from NCB `sender` to `recipient_code`; `created_at` is set at approval."""
    today = dt.date.today()
    return {
        "hst_version": "1.0",
        "codelists_version": "2025.1",
        "message_id": message_id,
        "message_type": "INFO",
        "created_at": dt.datetime.now(tz=dt.UTC).replace(microsecond=0).isoformat()[:19] + "Z",
        "priority": "ROUTINE",
        "sender": {
            "ncb_code": sender.code,
            "ncb_name": sender.name,
            "country": sender.country.iso2,
        },
        "recipients": [{"ncb_code": recipient_code, "role": "TO"}],
        "subject": subject,
        "language": "en",
        "case": {"hst_case_id": BENCH_CASE_ID, "sender_case_ref": f"{sender.code}-2026-0001"},
        "handling": {
            "confidentiality_level": "INTERPOL_RESTRICTED",
            "dissemination": "NATIONAL_LE",
            "handling_codes": ["H0"],
            "permitted_actions": "DISCREET_CHECKS_ONLY",
            "access_restrictions": {},
            "purpose": ["crime_analysis", "border_control"],
            "retention": {"review_on": (today + dt.timedelta(days=3 * 365)).isoformat()},
            "source_reliability": "B",
            "information_accuracy": "2",
            "victim_data_present": False,
            "minor_data_present": False,
        },
        "body": {
            "case_summary": {
                "offence_type": "SMUGGLING",
                "summary": "Migrants are carried across the Alps hidden behind a false wall "
                "in delivery vans (test).",
                "counts": {"migrants": 12},
            },
            "persons": [{"ref": "P1", "family_name": "PASSEUR-TEST", "status": "SUSPECT"}],
            "locations": [
                {"ref": "L1", "country": "IT", "place": "Ventimiglia"},
                {"ref": "L2", "country": "FR", "place": "Menton"},
            ],
            "route_legs": [
                {
                    "seq": 1,
                    "stage": "TRANSIT",
                    "from_ref": "L1",
                    "to_ref": "L2",
                    "mode": "ROAD",
                    "border_crossing": {"regular": False, "method": "CONCEALED_IN_VEHICLE"},
                    "persons": ["P1"],
                }
            ],
        },
    }


def bench_users(ncb):
    """(author, approver) of `ncb`: an officer and a supervisor, created if missing."""
    from django.contrib.auth import get_user_model

    from contacts.choices import OfficerRole
    from contacts.services import officer_assign

    users = []
    for kind, role in (("author", OfficerRole.OFFICER), ("approver", OfficerRole.SUPERVISOR)):
        user, created = get_user_model().objects.get_or_create(
            username=f"bench_{kind}_{ncb.code.lower()}",
            defaults={"email": f"bench.{kind}.{ncb.code.lower()}@example.test"},
        )
        if created:
            user.set_unusable_password()
            user.save(update_fields=["password"])
        officer = getattr(user, "officer", None)
        if officer is None or officer.ncb_id != ncb.pk or officer.role != role:
            officer_assign(user=user, ncb=ncb, role=role)
        users.append(user)
    return users[0], users[1]


def info_message(*, batch: str, number: int, sender, recipient_code: str, author, **state):
    """Message `number` of the batch, an INFO of `sender` to `recipient_code` written by
    `author` (not saved); `state` sets its status and the fields that go with it."""
    import uuid

    from messages_hst.choices import MessageType, Priority
    from messages_hst.models import HSTMessage

    message_id = uuid.uuid4()
    subject = SUBJECT.format(batch=batch, number=number)
    return HSTMessage(
        message_id=message_id,
        message_type=MessageType.INFO,
        priority=Priority.ROUTINE,
        language="en",
        subject=subject,
        sender_ncb=sender,
        document=info_document(
            message_id=str(message_id),
            sender=sender,
            recipient_code=recipient_code,
            subject=subject,
        ),
        created_by=author,
        submitted_by=author,
        **state,
    )


def prepare(*, batch: str, count: int, sender_code: str, recipient_code: str) -> dict:
    """Write `count` INFO messages of the batch, awaiting approval. Validated once (the first)
    with the real validator, so a document the services would refuse fails here, loudly."""
    from django.db import transaction
    from django.utils import timezone

    from contacts.models import NationalCentralBureau
    from messages_hst.choices import MessageStatus
    from messages_hst.models import HSTMessage
    from messages_hst.validation import validate_message

    sender = NationalCentralBureau.objects.select_related("country").get(code=sender_code)
    author, _ = bench_users(sender)
    now = timezone.now()
    rows = [
        info_message(
            batch=batch,
            number=number,
            sender=sender,
            recipient_code=recipient_code,
            author=author,
            status=MessageStatus.PENDING_APPROVAL,
            submitted_at=now,
        )
        for number in range(1, count + 1)
    ]
    errors = [p for p in validate_message(rows[0].document) if p.severity == "error"]
    if errors:
        raise SystemExit(f"the generated document does not validate: {errors}")
    with transaction.atomic():
        HSTMessage.objects.bulk_create(rows, batch_size=500)
    return {"batch": batch, "prepared": count}


HISTORY_CHUNK = 2000


def history(*, count: int, sender_code: str, recipient_code: str) -> dict:
    """Write `count` messages as if sent long ago: DISPATCHED, their outbox entry processed,
    their delivery DELIVERED (what a year of exchanges leaves behind; their subject carries
    the batch tag `[history]`). Not signed for real (a digest, no bytes): nothing reads them
    again; they are there so that a statement reading every message ever sent shows."""
    import datetime as dt

    from django.db import connection, transaction
    from django.utils import timezone

    from contacts.models import NationalCentralBureau
    from messages_hst.choices import DeliveryStatus, MessageStatus
    from messages_hst.models import Delivery, HSTMessage, OutboxEntry

    sender = NationalCentralBureau.objects.select_related("country").get(code=sender_code)
    recipient = NationalCentralBureau.objects.get(code=recipient_code)
    author, approver = bench_users(sender)
    sent_at = timezone.now() - dt.timedelta(days=30)
    for start in range(0, count, HISTORY_CHUNK):
        sent = {
            "status": MessageStatus.DISPATCHED,
            "submitted_at": sent_at,
            "approved_by": approver,
            "approved_at": sent_at,
            "digest": "0" * 64,
            "signed_at": sent_at,
            "dispatched_at": sent_at,
        }
        messages = [
            info_message(
                batch="history",
                number=number,
                sender=sender,
                recipient_code=recipient_code,
                author=author,
                **sent,
            )
            for number in range(start + 1, min(start + HISTORY_CHUNK, count) + 1)
        ]
        with transaction.atomic():
            messages = HSTMessage.objects.bulk_create(messages)
            OutboxEntry.objects.bulk_create(
                OutboxEntry(message=m, enqueued_at=sent_at, enqueue_count=1, processed_at=sent_at)
                for m in messages
            )
            Delivery.objects.bulk_create(
                Delivery(
                    message=m,
                    recipient_ncb=recipient,
                    transport=recipient.transport,
                    status=DeliveryStatus.DELIVERED,
                    attempts=1,
                    deadline_at=sent_at + dt.timedelta(days=3),
                    sent_at=sent_at,
                    delivered_at=sent_at,
                )
                for m in messages
            )
    with connection.cursor() as cursor:  # the planner's statistics, as autovacuum would
        cursor.execute("ANALYZE")
    return {"history": count}


class _RolledBack(Exception):
    """Raised inside the warm-up approval to roll it back."""


def _warm_broker_producer() -> None:
    """Open the Celery producer's connection to the broker, as a web worker that approved
    before holds it: the rolled-back warm-up approval enqueued nothing, and the first enqueue
    of a process otherwise pays for the producer pool and the transport's imports (about a
    tenth of a second) inside the measured time."""
    from ncb_cases.celery import app

    with app.producer_or_acquire() as producer:
        producer.connection.ensure_connection(max_retries=1)


def approve(
    *,
    batch: str,
    interval: float,
    part: int,
    parts: int,
    start_at: float | None = None,
    warm: bool = False,
) -> dict:
    """Approve the batch's messages still awaiting approval (this process's slice).

    The result carries, per message id, the moment (epoch seconds) its approval committed:
    `approved_at` on the message is whole seconds (the document's `created_at` is), too coarse
    to time a pipeline that takes milliseconds."""
    from django.db import transaction
    from django.db.models import F

    from messages_hst.choices import MessageStatus
    from messages_hst.models import HSTMessage
    from messages_hst.services import message_approve

    sample = HSTMessage.objects.filter(subject__startswith=subject_prefix(batch)).first()
    if sample is None:
        raise SystemExit(f"no message in batch {batch}: run prepare first")
    _, approver = bench_users(sample.sender_ncb)
    pending = (
        HSTMessage.objects.filter(
            subject__startswith=subject_prefix(batch), status=MessageStatus.PENDING_APPROVAL
        )
        .annotate(slot=F("pk") % parts)
        .filter(slot=part)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    pending = list(pending)
    if warm and pending:
        # One approval rolled back first (nothing committed, nothing enqueued: on-commit
        # callbacks are dropped): code loaded, caches filled, as a web worker that approved
        # before. The clock then measures approving, not a fresh process's first call.
        with contextlib.suppress(_RolledBack), transaction.atomic():
            message = HSTMessage.objects.select_related("sender_ncb").get(pk=pending[0])
            message_approve(actor=approver, message=message, override_warnings=True)
            raise _RolledBack
        _warm_broker_producer()
    if start_at is not None:  # K processes begin together, their start-up done
        time.sleep(max(0.0, start_at - time.time()))
    errors: dict[str, int] = {}
    approved = 0
    started = time.perf_counter()
    started_at = time.time()
    cpu_started = time.process_time()
    committed: dict[str, float] = {}
    next_at = started
    for pk in pending:
        if interval:
            pause = next_at - time.perf_counter()
            if pause > 0:
                time.sleep(pause)
            next_at += interval
        message = HSTMessage.objects.select_related("sender_ncb").get(pk=pk)
        try:
            message_approve(actor=approver, message=message, override_warnings=True)
            committed[str(message.message_id)] = time.time()
            approved += 1
        except Exception as error:  # Counted and reported: the caller decides what is a failure.
            name = type(error).__name__
            errors[name] = errors.get(name, 0) + 1
            if errors[name] == 1:
                traceback.print_exc(file=sys.stderr)
    return {
        "batch": batch,
        "slice": f"{part}/{parts}",
        "approved": approved,
        "errors": errors,
        "seconds": round(time.perf_counter() - started, 3),
        "cpu_seconds": round(time.process_time() - cpu_started, 3),
        "started_at": started_at,
        "committed_at": committed,
    }


def summary(*, batch: str) -> dict:
    """The batch's messages and deliveries counted by status."""
    from django.db.models import Count

    from messages_hst.models import Delivery, HSTMessage

    messages = HSTMessage.objects.filter(subject__startswith=subject_prefix(batch))
    deliveries = Delivery.objects.filter(message__subject__startswith=subject_prefix(batch))
    return {
        "batch": batch,
        "messages": dict(messages.values_list("status").annotate(n=Count("id")).order_by()),
        "deliveries": dict(deliveries.values_list("status").annotate(n=Count("id")).order_by()),
    }


# --- Driving it from another process (the benchmark, the fault tests) ------------------------


def start_in(env: dict[str, str], *args: str, module: str = "bench.hst_load") -> subprocess.Popen:
    """Start `python -m <module> *args` (this one by default) with the instance environment
    `env`."""
    return subprocess.Popen(
        [sys.executable, "-m", module, *args],
        cwd=REPO_ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def finish(process: subprocess.Popen, *, timeout: float = 900, keep_output: bool = False) -> dict:
    """Wait for a process of `start_in`; its JSON result (with its whole output under
    "stdout" if `keep_output`). RuntimeError with its error output when it failed."""
    try:
        out, err = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        out, err = process.communicate()
        raise RuntimeError(
            f"bench.hst_load did not finish in {timeout} s:\n{err[-4000:]}"
        ) from None
    lines = [line for line in out.splitlines() if line.startswith("{")]
    if process.returncode != 0 or not lines:
        raise RuntimeError(
            f"bench.hst_load {process.args[3:]} exited {process.returncode}:\n"
            f"{out[-2000:]}\n{err[-4000:]}"
        )
    result = json.loads(lines[-1])
    result["stderr"] = err[-4000:]
    if keep_output:
        result["stdout"] = out
    return result


def run_in(
    env: dict[str, str],
    *args: str,
    module: str = "bench.hst_load",
    timeout: float = 900,
    keep_output: bool = False,
) -> dict:
    """`start_in` then `finish`."""
    return finish(start_in(env, *args, module=module), timeout=timeout, keep_output=keep_output)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.hst_load", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    prepare_parser = commands.add_parser("prepare")
    prepare_parser.add_argument("--batch", required=True)
    prepare_parser.add_argument("--count", type=int, required=True)
    prepare_parser.add_argument("--sender", default="FR")
    prepare_parser.add_argument("--recipient", default="DE")
    approve_parser = commands.add_parser("approve")
    approve_parser.add_argument("--batch", required=True)
    approve_parser.add_argument("--interval", type=float, default=0.0, help="seconds apart")
    approve_parser.add_argument("--slice", default="0/1", help="I/K: this process's share")
    approve_parser.add_argument("--start-at", type=float, help="epoch seconds: begin then")
    approve_parser.add_argument(
        "--warm", action="store_true", help="one approval rolled back before the clock runs"
    )
    history_parser = commands.add_parser("history")
    history_parser.add_argument("--count", type=int, required=True)
    history_parser.add_argument("--sender", default="FR")
    history_parser.add_argument("--recipient", default="DE")
    summary_parser = commands.add_parser("summary")
    summary_parser.add_argument("--batch", required=True)
    arguments = parser.parse_args(argv)

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ncb_cases.settings")
    import django

    django.setup()
    if arguments.command == "prepare":
        result = prepare(
            batch=arguments.batch,
            count=arguments.count,
            sender_code=arguments.sender,
            recipient_code=arguments.recipient,
        )
    elif arguments.command == "approve":
        part, parts = (int(value) for value in arguments.slice.split("/"))
        result = approve(
            batch=arguments.batch,
            interval=arguments.interval,
            part=part,
            parts=parts,
            start_at=arguments.start_at,
            warm=arguments.warm,
        )
    elif arguments.command == "history":
        result = history(
            count=arguments.count, sender_code=arguments.sender, recipient_code=arguments.recipient
        )
    else:
        result = summary(batch=arguments.batch)
    print(json.dumps(result), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
