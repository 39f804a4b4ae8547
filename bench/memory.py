"""Memory of the large-payload paths: `python -m bench memory`.

HST import of a ~10 MB message: a valid REQUEST from France to Germany (both hosted on this
instance, as in `tests/messages_hst`), signed with the instance key, padded to just under the
inbox limit (`HST_INBOX_MAX_BYTES`, 10 MiB) with an extension property (`x_bench_padding`,
allowed by the HST schema, stored and signed like any other field), received through
`messages_hst.inbox.inbox_receive` (size check, raw bytes stored, dedupe, signature,
validation, signed RECEIPT: what the inbox endpoint runs) in a separate process, whose peak RSS
(VmHWM, which includes Django and the application loaded: the RSS at start is shown beside it)
is the figure. Target (issue 8): under 200 MB. The size does not scale with --scale: 10 MB is
the inbox limit, the largest body there can be.

The other memory line, the dossier export of a large item (1 GiB at full scale, scaled by
--scale), is measured by `bench.custody_db` on the custody dataset (`memory: dossier export`).
Each run leaves one 10 MB inbound message in the bench database (inbound rows are evidence of
what was received: not deleted).
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
import uuid
from pathlib import Path

TARGET_RSS_MB = 200.0
MARGIN_BYTES = 64 * 1024  # under the limit by this much: the signature block and the rest
REPO_ROOT = Path(__file__).resolve().parent.parent


def _status_mb(field: str) -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return float(line.split()[1]) / 1024
    return 0.0


def import_in_this_process() -> dict:
    """The child: build and sign the message, then receive it; figures as a dict."""
    from django.conf import settings

    from contacts.models import NationalCentralBureau
    from messages_hst import keys
    from messages_hst.inbox import inbox_receive
    from ncb_cases.canonical import canonical_json_bytes
    from tests.messages_hst.factories import hst_document

    sender = NationalCentralBureau.objects.get(code="FR")
    document = hst_document(message_id=uuid.uuid4(), sender_ncb=sender, recipients=("DE",))
    limit = settings.HST_INBOX_MAX_BYTES
    base = len(canonical_json_bytes(keys.sign_as_instance(document)))
    document["x_bench_padding"] = "test " * ((limit - MARGIN_BYTES - base) // 5)
    raw = canonical_json_bytes(keys.sign_as_instance(document))
    del document
    import gc

    gc.collect()
    start_rss = _status_mb("VmRSS")
    # The peak so far (building the message) is not the import's: reset it (Linux >= 4.0).
    Path("/proc/self/clear_refs").write_text("5")
    started = time.perf_counter()
    outcome = inbox_receive(
        raw=raw, recipient_code="DE", transport="peer", remote_addr="192.0.2.10"
    )
    seconds = time.perf_counter() - started
    return {
        "bytes": len(raw),
        "status": outcome.http_status,
        "problems": outcome.problems,
        "seconds": seconds,
        "start_rss_mb": start_rss,
        "peak_rss_mb": _status_mb("VmHWM"),
    }


def _child() -> int:
    from bench.cases_data import use_bench_database
    from bench.custody_db import use_bench_signing_key

    use_bench_signing_key()
    use_bench_database()
    print("RESULT " + json.dumps(import_in_this_process()), flush=True)
    return 0


def run(*, scale: float = 1.0) -> bool:
    from bench._results import record
    from bench.cases_data import ensure_dataset, use_bench_database
    from bench.custody_db import use_bench_signing_key

    use_bench_signing_key()
    use_bench_database()
    ensure_dataset(scale=scale)
    completed = subprocess.run(
        [sys.executable, "-m", "bench.memory", "--child"],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    lines = [line for line in completed.stdout.splitlines() if line.startswith("RESULT ")]
    if completed.returncode != 0 or not lines:
        print(completed.stdout[-3000:], completed.stderr[-3000:])
        raise RuntimeError(f"the import process failed (status {completed.returncode})")
    figures = json.loads(lines[-1][len("RESULT ") :])
    accepted = figures["status"] in (200, 201)
    met = accepted and figures["peak_rss_mb"] < TARGET_RSS_MB
    print(
        f"  HST import of {figures['bytes'] / 1024**2:.1f} MB: HTTP {figures['status']} in "
        f"{figures['seconds'] * 1000:.0f} ms, peak RSS {figures['peak_rss_mb']:.0f} MB "
        f"(at start {figures['start_rss_mb']:.0f} MB) {figures['problems'] or ''}"
    )
    record(
        scenario="memory: hst import 10 MB",
        scale=scale,
        median_ms=round(figures["seconds"] * 1000, 1),
        peak_rss_mb=round(figures["peak_rss_mb"], 1),
        met=met,
        target=f"peak RSS of the importing process < {TARGET_RSS_MB:g} MB, message accepted",
        note=f"{figures['bytes'] / 1024**2:.1f} MB body, HTTP {figures['status']}; RSS at "
        f"start {figures['start_rss_mb']:.0f} MB; time = one import",
    )
    return met


if __name__ == "__main__":
    if "--child" in sys.argv:
        sys.exit(_child())
    run(scale=float(sys.argv[1]) if len(sys.argv) > 1 else 0.05)
