"""Where an HST message's time goes, stage by stage, under cProfile:
`python -m bench.hst_profile {sender,inbox} ...`, run with an instance's environment.

- `sender --batch B` (the sending instance, its worker stopped): for each message of the batch
  awaiting approval, in this process, `message_approve`, then `message_dispatch` (sign, render,
  enqueue) and `delivery_attempt` (HTTP POST to the peer, receipt verified, state recorded),
  each stage timed on its own; the profile of the whole run.
- `inbox --count N --key-file PEM --sender FR --recipient DE` (the receiving instance):
  `inbox_receive` on N INFO messages signed with the sender's key (its public key registered
  there), as the HTTP view calls it, without the HTTP server.

Prints milliseconds per message per stage and the functions with the most own and cumulative
time (JSON summary on the last line). Not a scenario (no `run`); `bench.hst --profile` runs it.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import os
import pstats
import sys
import time
import uuid
from datetime import date
from pathlib import Path

from bench import hst_probe as probe
from bench.hst_load import run_in

TOP_FUNCTIONS = 25


def _profile_report(profile: cProfile.Profile) -> str:
    out = io.StringIO()
    stats = pstats.Stats(profile, stream=out)
    stats.strip_dirs()
    out.write("--- by cumulative time ---\n")
    stats.sort_stats("cumulative").print_stats(TOP_FUNCTIONS)
    out.write("--- by own time ---\n")
    stats.sort_stats("tottime").print_stats(TOP_FUNCTIONS)
    return out.getvalue()


def profile_sender(*, batch: str) -> dict:
    """Approve, dispatch and deliver each waiting message of the batch in this process."""
    from bench.hst_load import bench_users, subject_prefix
    from messages_hst.choices import MessageStatus
    from messages_hst.models import Delivery, HSTMessage
    from messages_hst.pipeline import delivery_attempt, message_dispatch
    from messages_hst.services import message_approve

    messages = list(
        HSTMessage.objects.filter(
            subject__startswith=subject_prefix(batch), status=MessageStatus.PENDING_APPROVAL
        )
        .select_related("sender_ncb")
        .order_by("pk")
    )
    if not messages:
        raise SystemExit(f"no message awaiting approval in batch {batch}")
    _, approver = bench_users(messages[0].sender_ncb)
    seconds = {"approve": 0.0, "dispatch": 0.0, "deliver": 0.0}
    statuses: dict[str, int] = {}
    profile = cProfile.Profile()
    cpu_started, wall_started = time.process_time(), time.perf_counter()
    profile.enable()
    for message in messages:
        started = time.perf_counter()
        message_approve(actor=approver, message=message, override_warnings=True)
        approved = time.perf_counter()
        message_dispatch(message.pk)
        dispatched = time.perf_counter()
        for pk in Delivery.objects.filter(message=message).values_list("pk", flat=True):
            delivery = delivery_attempt(pk)
            status = delivery.status if delivery is not None else "not claimed"
            statuses[status] = statuses.get(status, 0) + 1
        delivered = time.perf_counter()
        seconds["approve"] += approved - started
        seconds["dispatch"] += dispatched - approved
        seconds["deliver"] += delivered - dispatched
    profile.disable()
    cpu, wall = time.process_time() - cpu_started, time.perf_counter() - wall_started
    print(_profile_report(profile))
    count = len(messages)
    return {
        "stage": "sender",
        "messages": count,
        "ms_per_message": {
            name: round(total * 1000 / count, 2) for name, total in seconds.items()
        },
        # What is not CPU here is waiting: PostgreSQL, the peer's answer.
        "cpu_ms_per_message": round(cpu * 1000 / count, 2),
        "wall_ms_per_message": round(wall * 1000 / count, 2),
        "deliveries": statuses,
    }


def profile_inbox(*, count: int, key_file: str, sender_code: str, recipient_code: str) -> dict:
    """`inbox_receive` on `count` fresh signed messages, profiled."""
    from bench.hst_load import info_document
    from contacts.models import NationalCentralBureau
    from messages_hst import signing
    from messages_hst.inbox import inbox_receive
    from ncb_cases.canonical import canonical_json_bytes

    with open(key_file, "rb") as handle:
        key = signing.private_key_from_pem(handle.read())
    sender = NationalCentralBureau.objects.select_related("country").get(code=sender_code)
    bodies = []
    for number in range(count):
        document = info_document(
            message_id=str(uuid.uuid4()),
            sender=sender,
            recipient_code=recipient_code,
            subject=f"[profile] Smuggling route, message {number} (test)",
        )
        bodies.append(canonical_json_bytes(signing.sign_message(document, key)))
    statuses: dict[int, int] = {}
    profile = cProfile.Profile()
    started, cpu_started = time.perf_counter(), time.process_time()
    profile.enable()
    for body in bodies:
        outcome = inbox_receive(
            raw=body, recipient_code=recipient_code, transport="peer", remote_addr="127.0.0.1"
        )
        statuses[outcome.http_status] = statuses.get(outcome.http_status, 0) + 1
    profile.disable()
    elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu_started
    print(_profile_report(profile))
    return {
        "stage": "inbox",
        "messages": count,
        "ms_per_message": {"inbox_receive": round(elapsed * 1000 / count, 2)},
        "cpu_ms_per_message": round(cpu * 1000 / count, 2),
        "wall_ms_per_message": round(elapsed * 1000 / count, 2),
        "http_statuses": statuses,
    }


def profile_stages(pair, *, count: int = 50, log=print) -> Path:
    """cProfile of the receiver's inbox and of the sender's stages (`bench.hst_profile`),
    each in its instance's environment; the sender's worker is stopped meanwhile so that
    the stages run in the profiled process. Writes the profiles; returns the file."""
    a, b = pair
    inbox = run_in(
        b.env,
        "inbox",
        "--count",
        str(count * 2),
        "--key-file",
        a.env["NCB_SIGNING_KEY_FILE"],
        "--sender",
        a.ncb_code,
        "--recipient",
        b.ncb_code,
        module="bench.hst_profile",
        keep_output=True,
    )
    batch = f"profile-{uuid.uuid4().hex[:8]}"
    a.stop_worker()
    try:
        run_in(a.env, "prepare", "--batch", batch, "--count", str(count))
        sender = run_in(a.env, "sender", "--batch", batch, module="bench.hst_profile",
                        keep_output=True)  # fmt: skip
    finally:
        a.start_worker()
    for result in (sender, inbox):
        stages = ", ".join(f"{name} {ms:.1f} ms" for name, ms in result["ms_per_message"].items())
        log(
            f"  profiled {result['stage']}: {result['messages']} messages; per message {stages}"
            f" (CPU {result['cpu_ms_per_message']:.1f} of {result['wall_ms_per_message']:.1f} ms)"
        )
    name = f"hst-profile-{date.today().isoformat()}-{int(time.time())}.txt"
    path = probe.var_dir() / "bench" / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(
        f"=== sender (instance {a.name}): approve, dispatch, deliver in one process\n"
        f"{sender['stdout']}\n=== receiver (instance {b.name}): inbox_receive\n"
        f"{inbox['stdout']}"
    )
    log(f"  profiles written to {path}")
    return path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.hst_profile", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    sender_parser = commands.add_parser("sender")
    sender_parser.add_argument("--batch", required=True)
    inbox_parser = commands.add_parser("inbox")
    inbox_parser.add_argument("--count", type=int, default=100)
    inbox_parser.add_argument("--key-file", required=True)
    inbox_parser.add_argument("--sender", default="FR")
    inbox_parser.add_argument("--recipient", default="DE")
    arguments = parser.parse_args(argv)

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ncb_cases.settings")
    import django

    django.setup()
    if arguments.command == "sender":
        result = profile_sender(batch=arguments.batch)
    else:
        result = profile_inbox(
            count=arguments.count,
            key_file=arguments.key_file,
            sender_code=arguments.sender,
            recipient_code=arguments.recipient,
        )
    print(json.dumps(result), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
