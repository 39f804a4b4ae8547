"""32 concurrent API clients against gunicorn: `python -m bench concurrency`.

The scenario starts gunicorn (2 sync workers, `--preload`, DEBUG off) on a free port of
127.0.0.1 over the bench database with the API data (`bench.api_data`), then 32 client
threads (httpx, one connection each, keep-alive) request for `DURATION_SECONDS` a mix, as the
bench officer with a personal API token (`Authorization: Token …`, created through
`contacts.services.api_token_create`, revoked at the end):

- 50% case list pages (`/api/v1/cases/?page=N`, N in 1..5, fewer when there are fewer),
- 30% case details (`/api/v1/cases/<id>/`, among the officer's first 200 cases),
- 20% searches (`/api/v1/cases/?q=<name>`, `/api/v1/contact-points/?search=<name>`).

Reported: requests per second over the whole run, median and p95 latency as the clients saw
it (queueing included: 32 clients, 2 workers), and errors (any status other than 200, any
transport error). Targets (issue 8): p95 under 250 ms on this 2-core machine with zero errors.
The clients, gunicorn and PostgreSQL share the same cores; the client threads cost CPU too.
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

CLIENTS = 32
WORKERS = 2
TARGET_P95_MS = 250.0
REPO_ROOT = Path(__file__).resolve().parent.parent
READY_SECONDS = 60


def duration_at(scale: float) -> float:
    return 15.0 if scale < 0.5 else 60.0


def _free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_gunicorn(port: int, log_path: Path) -> subprocess.Popen:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "ncb_cases.settings",
        "DEBUG": "0",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SECURE_COOKIES": "0",
        "SECURE_SSL_REDIRECT": "0",
        "NCB_REQUIRE_MFA": "0",
        "PYTHONUNBUFFERED": "1",
    }
    env.setdefault("SECRET_KEY", "bench-only-insecure-secret-key-" + "x" * 40)
    log = log_path.open("wb")
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "ncb_cases.wsgi:application",
            f"--bind=127.0.0.1:{port}",
            f"--workers={WORKERS}",
            "--timeout=60",
            "--graceful-timeout=5",
            "--preload",
            "--error-logfile=-",
        ],
        cwd=REPO_ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,  # its own process group: stopped as a whole, and only it
    )


def wait_ready(process: subprocess.Popen, url: str, log_path: Path) -> None:
    import httpx

    deadline = time.monotonic() + READY_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"gunicorn exited:\n{log_path.read_text()[-3000:]}")
        try:
            if httpx.get(f"{url}/healthz", timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"gunicorn not ready in {READY_SECONDS} s:\n{log_path.read_text()[-3000:]}")


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def request_mix(case_ids: list[str], pages: int, rng: random.Random) -> list[tuple[str, dict]]:
    from bench.api_data import CONTACT_SEARCH, SEARCH_WORD

    mix = []
    for _ in range(1000):
        draw = rng.random()
        if draw < 0.5:
            mix.append(("/api/v1/cases/", {"page": rng.randint(1, pages)}))
        elif draw < 0.8:
            mix.append((f"/api/v1/cases/{rng.choice(case_ids)}/", {}))
        elif draw < 0.9:
            mix.append(("/api/v1/cases/", {"q": SEARCH_WORD}))
        else:
            mix.append(("/api/v1/contact-points/", {"search": CONTACT_SEARCH}))
    return mix


def hammer(url: str, token: str, mix, duration: float) -> dict:
    """CLIENTS threads requesting `mix` in turn until `duration` is over."""
    import httpx

    times: list[float] = []
    errors: dict[str, int] = {}
    lock = threading.Lock()
    start = threading.Barrier(CLIENTS + 1)
    stop_at = [0.0]

    def client(number: int) -> None:
        local_times, local_errors = [], {}
        with httpx.Client(
            base_url=url, headers={"Authorization": f"Token {token}"}, timeout=30
        ) as http:
            start.wait()
            index = number * 31
            while time.perf_counter() < stop_at[0]:
                path, params = mix[index % len(mix)]
                index += 1
                began = time.perf_counter()
                try:
                    response = http.get(path, params=params)
                    status = response.status_code
                except httpx.HTTPError as error:
                    status = type(error).__name__
                local_times.append((time.perf_counter() - began) * 1000)
                if status != 200:
                    local_errors[str(status)] = local_errors.get(str(status), 0) + 1
        with lock:
            times.extend(local_times)
            for key, count in local_errors.items():
                errors[key] = errors.get(key, 0) + count

    threads = [threading.Thread(target=client, args=(n,)) for n in range(CLIENTS)]
    for thread in threads:
        thread.start()
    stop_at[0] = time.perf_counter() + duration
    began = time.perf_counter()
    start.wait()
    for thread in threads:
        thread.join()
    return {"times": times, "errors": errors, "seconds": time.perf_counter() - began}


def run(*, scale: float = 1.0) -> bool:
    """The `python -m bench` entry point: the dedicated database, generated if needed."""
    import tempfile

    from django.contrib.auth import get_user_model

    from bench._results import percentile, record
    from bench.api_data import ensure_api_data
    from bench.cases_data import BENCH_OFFICER, ensure_dataset, use_bench_database

    use_bench_database()
    from contacts import services as contact_services
    from ncb_cases.selectors.access import visible_cases

    ensure_dataset(scale=scale)
    ensure_api_data()
    user = get_user_model().objects.get(username=BENCH_OFFICER)
    case_ids = [
        str(public_id)
        for public_id in visible_cases(user)
        .order_by("-created_at")
        .values_list("public_id", flat=True)[:200]
    ]
    token, raw_key = contact_services.api_token_create(user=user, name="bench concurrency")
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    log_path = Path(tempfile.mkdtemp(prefix="ncb-bench-gunicorn-")) / "gunicorn.log"
    process = start_gunicorn(port, log_path)
    try:
        wait_ready(process, url, log_path)
        pages = max(1, min(5, visible_cases(user).count() // 50))
        mix = request_mix(case_ids, pages, random.Random(8))
        hammer(url, raw_key, mix, 2.0)  # warm-up: workers' first requests, connections
        outcome = hammer(url, raw_key, mix, duration_at(scale))
    finally:
        stop(process)
        contact_services.api_token_revoke(user=user, token_id=token.pk)
    times, errors = outcome["times"], outcome["errors"]
    p95 = percentile(times, 0.95)
    median = percentile(times, 0.5)
    throughput = len(times) / outcome["seconds"]
    met = p95 < TARGET_P95_MS and not errors
    print(
        f"  {CLIENTS} clients, {WORKERS} gunicorn workers, {outcome['seconds']:.1f} s: "
        f"{len(times):,} requests, {throughput:.1f}/s, median {median:.1f} ms, p95 {p95:.1f} ms, "
        f"errors {errors or 'none'}"
    )
    record(
        scenario=f"concurrency {CLIENTS} clients",
        scale=scale,
        median_ms=round(median, 2),
        p95_ms=round(p95, 2),
        throughput=round(throughput, 1),
        met=met,
        target=f"p95 < {TARGET_P95_MS:g} ms, zero errors",
        note=f"{len(times):,} requests, errors {errors or 'none'}; mix 50% list, 30% detail, "
        "20% search; RSS: the client process, not gunicorn",
        details={"errors": errors, "requests": len(times)},
    )
    return met
