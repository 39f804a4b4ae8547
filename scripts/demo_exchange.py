"""`make demo-exchange`: two instances exchanging HST messages, to watch in two browser tabs.

    .venv/bin/python scripts/demo_exchange.py [--ports 8001 8002] [--password PW]
                                              [--send-request]

Starts instance A (hosting France) on http://127.0.0.1:8001/ and instance B (hosting Germany)
on http://127.0.0.1:8002/, each with its own database, signing key, gunicorn web server and
Celery worker, each knowing the other's NCB as a `peer` and holding the other's public key
(the two-instance harness of `tests/integration/hst/instances.py`, with the demo data and
DEBUG on). Prints the URLs, the logins and what to try, then runs until Ctrl-C, which stops
every process and drops the PostgreSQL databases (SQLite files and logs stay under
var/demo-exchange/). Needs nothing installed but the project: on SQLite and kombu's filesystem
broker by default, on PostgreSQL and Redis when DATABASE_URL and REDIS_URL name them.
"""

from __future__ import annotations

import argparse
import secrets
import signal
import socket
import sys
import time
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))

import httpx  # noqa: E402

from tests.integration.hst.instances import InstanceError, start_two_instances  # noqa: E402

STEPS = """\
What to try (each tab is another NCB's own instance):
  1. Tab A, as officer_fr: /messages/compose/ → a case, REQUEST, to DE; edit, submit.
  2. Tab A, as supervisor_fr: Messages → Awaiting approval → approve (four eyes).
     The message page shows the delivery to DE: DELIVERED, with DE's signed receipt.
  3. Tab B, as officer_de: Messages → Inbox: the REQUEST, signature valid, in triage.
     Accept it (France's delivery turns ACCEPTED), then Reply and fill in the outcomes.
  4. Tab B, as supervisor_de: approve the REPLY; tab A shows it received and the
     request items closed.
"""


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ports", nargs=2, type=int, default=(8001, 8002), metavar=("A", "B"))
    parser.add_argument("--password", help="Password of every demo user (default: generated).")
    parser.add_argument(
        "--send-request",
        action="store_true",
        help="Once both run, have officer_fr write a REQUEST to DE from a demo case and "
        "supervisor_fr approve it, so tab B's inbox already holds one.",
    )
    args = parser.parse_args(argv)
    busy = [port for port in args.ports if not port_free(port)]
    if busy:
        print(f"Port(s) {', '.join(map(str, busy))} in use; choose others with --ports A B.")
        return 2
    password = args.password or secrets.token_urlsafe(12)
    base_dir = BASE_DIR / "var" / "demo-exchange" / time.strftime("%Y%m%d-%H%M%S")
    signal.signal(signal.SIGTERM, stop_like_ctrl_c)
    # Ctrl-C even where the shell started us with SIGINT ignored (a background job).
    signal.signal(signal.SIGINT, signal.default_int_handler)
    print("Setting up two instances (migrations, demo data, keys): about half a minute...")
    try:
        with start_two_instances(
            base_dir, ports=tuple(args.ports), demo=True, debug=True, password=password
        ) as pair:
            describe(pair, password)
            if args.send_request:
                send_request(pair)
            watch(pair)
    except KeyboardInterrupt:
        print("\nStopped; the logs are under", base_dir)
        return 0
    except InstanceError as error:
        print(f"The demo could not start:\n{error}", file=sys.stderr)
        return 1
    return 1


def describe(pair, password: str) -> None:
    print()
    print("Multi-factor authentication is OFF for this local demo (NCB_REQUIRE_MFA=0).")
    for instance, country, users in (
        (pair.a, "France", "officer_fr, supervisor_fr, analyst_fr"),
        (pair.b, "Germany", "officer_de, supervisor_de"),
    ):
        print(
            f"Instance {instance.name.upper()} ({country}, {instance.ncb_code}): {instance.url}/"
        )
        print(f"  log in as {users}; kid of its key {instance.kid}")
    print(f"Password of every demo user: {password}")
    print(f"Logs: {pair.a.directory.parent}")
    print()
    print(STEPS)
    print("Ctrl-C stops both instances.")


def send_request(pair, timeout: float = 60) -> None:
    """officer_fr composes a REQUEST to DE from a French demo case, submits it, and
    supervisor_fr approves it, through instance A's API. Says what went wrong instead of
    stopping the demo: the person can always send one by hand."""
    a = pair.a
    with a.api(a.tokens["officer_fr"]) as officer, a.api(a.tokens["supervisor_fr"]) as boss:
        try:
            cases = answer(officer.get("/api/v1/cases/", params={"page_size": 50}))["results"]
            ours = [case for case in cases if case.get("owner_ncb") == "FR"]
            case = next((c for c in ours if "Mama Joy" in c["title"]), ours[0])
            data = {"case": case["public_id"], "message_type": "REQUEST", "recipients": ["DE"]}
            message_id = answer(officer.post("/api/v1/messages/", json=data))["message_id"]
            deadline = time.monotonic() + timeout
            draft = answer(officer.get(f"/api/v1/messages/{message_id}/"))
            while draft["status"] == "COMPOSING" and time.monotonic() < deadline:
                time.sleep(0.5)
                draft = answer(officer.get(f"/api/v1/messages/{message_id}/"))
            answer(officer.post(f"/api/v1/messages/{message_id}/submit/"))
            approval = {"override_warnings": draft["warnings"] > 0, "comment": "Demo."}
            answer(boss.post(f"/api/v1/messages/{message_id}/approve/", json=approval))
        except (httpx.HTTPError, KeyError, IndexError, ValueError) as error:
            print(f"The example REQUEST could not be sent ({error}); send one by hand.")
            return
    print(f"Sent: REQUEST {message_id} from FR ({case['reference']}) to DE, approved by")
    print(f"supervisor_fr. Tab A: {a.url}/messages/{message_id}/  Tab B: {pair.b.url}/messages/")


def answer(response: httpx.Response) -> dict:
    """The JSON of a successful answer; ValueError naming the request otherwise."""
    if not response.is_success:
        raise ValueError(
            f"{response.request.method} {response.request.url.path} answered "
            f"{response.status_code}: {response.text[:300]}"
        )
    return response.json()


def watch(pair) -> None:
    """Wait for Ctrl-C; restart a process that died, so the demo keeps working."""
    while True:
        time.sleep(2)
        for instance in pair:
            if not instance.web_running:
                print(f"{instance.name}: the web server stopped; restarting it.")
                instance.start_web()
            if not instance.worker_running:
                print(f"{instance.name}: the Celery worker stopped; restarting it.")
                instance.start_worker()


def stop_like_ctrl_c(signum, frame) -> None:
    # A plain `kill` ends in the harness's tear-down too.
    raise KeyboardInterrupt


def port_free(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


if __name__ == "__main__":
    sys.exit(main())
