"""HTML pages: `python -m bench pages`.

The pages a person uses most, rendered in-process through Django's test client (middleware,
session, second factor, templates; DEBUG off) as the bench officer (France) with a browser
session past both sign-in steps, on the bench database and the API data (`bench.api_data`):
the dashboard, the case list, the case list searched by a person's name, the big case's page
and its 200 persons, and the contact directory searched by a name. Target (DESIGN.md §7):
every page a person uses renders in under 150 ms server time (median; DESIGN.md speaks of
demo data, this is the bench dataset, larger). No baseline: a page has no hand-written
equivalent worth measuring; the API lines carry the baselines.
"""

from __future__ import annotations

import time

TARGET_MS = 150.0
WARM_UP = 3


def signed_in_client(user):
    """A browser session of `user` past both sign-in steps (as tests/conftest.py builds one)."""
    from django.test import Client
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    client = Client()
    client.force_login(user)
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="bench authenticator", confirmed=True)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client


def plain_static_files() -> None:
    """Static URLs without the manifest. With DEBUG off the settings use whitenoise's manifest
    storage, which needs `collectstatic`, and that fails in this checkout at the time of
    writing (static/vendor/chartjs/chart.umd.min.js names a source map that is not there).
    A manifest lookup is a dict lookup: the plain storage costs the same per page. Must run
    before the first page is rendered (the storage is built lazily, once)."""
    from django.conf import settings

    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


def pages(big_case) -> list[tuple[str, str, dict]]:
    from bench.api_data import CONTACT_SEARCH, SEARCH_WORD

    case = big_case.public_id
    return [
        ("page dashboard", "/", {}),
        ("page case list", "/cases/", {}),
        ("page case list search", "/cases/", {"q": SEARCH_WORD}),
        ("page case detail", f"/cases/{case}/", {}),
        ("page case persons (200)", f"/cases/{case}/persons/", {}),
        ("page directory search", "/contacts/", {"q": CONTACT_SEARCH}),
    ]


def measure(client, name: str, url: str, params: dict, *, requests: int, scale: float, log=print):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from bench._results import record, summary

    def get():
        response = client.get(url, params)
        if response.status_code != 200:
            raise AssertionError(f"{url} answered {response.status_code}")
        return response

    for _ in range(WARM_UP):
        get()
    times = []
    for _ in range(requests):
        started = time.perf_counter()
        get()
        times.append((time.perf_counter() - started) * 1000)
    with CaptureQueriesContext(connection) as captured:
        size = len(get().content)
    figures = summary(times)
    log(
        f"  {name:26} median {figures['median_ms']:7.2f} ms  p95 {figures['p95_ms']:7.2f} ms  "
        f"{len(captured.captured_queries)} queries, {size / 1024:.0f} KB"
    )
    return record(
        scenario=name,
        scale=scale,
        **figures,
        queries=len(captured.captured_queries),
        met=figures["median_ms"] < TARGET_MS,
        target=f"median < {TARGET_MS:g} ms",
        note=f"{size / 1024:.0f} KB of HTML",
    )


def run(*, scale: float = 1.0) -> bool:
    """The `python -m bench` entry point: the dedicated database, generated if needed."""
    from django.contrib.auth import get_user_model

    from bench.api import requests_at
    from bench.api_data import ensure_api_data
    from bench.cases_data import BENCH_OFFICER, ensure_dataset, use_bench_database

    use_bench_database()
    ensure_dataset(scale=scale)
    big_case = ensure_api_data()
    user = get_user_model().objects.get(username=BENCH_OFFICER)
    plain_static_files()
    client = signed_in_client(user)
    met = True
    for name, url, params in pages(big_case):
        result = measure(client, name, url, params, requests=requests_at(scale), scale=scale)
        met = met and bool(result.met)
    return met
