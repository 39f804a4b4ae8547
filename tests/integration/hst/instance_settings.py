"""The settings of an instance started by the two-instance harness: production's, plus what
lets two instances share one Redis database and one browser without meeting there.

`ncb_cases.settings` reads the Celery queue (`CELERY_TASK_DEFAULT_QUEUE`) and the relay's
interval (`HST_RELAY_INTERVAL_SECONDS`) from the environment, which the harness sets; two
instances must also not share throttling counters nor cookies:

- `HST_INSTANCE_CACHE_PREFIX`: the cache key prefix (Redis cache only; the local-memory cache
  of the embedded set-up is per process anyway).
- `HST_INSTANCE_NAME`: suffix of the session and CSRF cookie names. Browsers keep cookies per
  host, not per port, so two instances on 127.0.0.1 would otherwise log each other out of a
  browser that has both open (the two-tab demo).
"""

import os

from ncb_cases.settings import *  # noqa: F403
from ncb_cases.settings import CACHES

if "KEY_PREFIX" in CACHES["default"]:
    CACHES["default"]["KEY_PREFIX"] = os.environ.get(
        "HST_INSTANCE_CACHE_PREFIX", CACHES["default"]["KEY_PREFIX"]
    )

if os.environ.get("HST_INSTANCE_NAME"):
    SESSION_COOKIE_NAME = f"sessionid-{os.environ['HST_INSTANCE_NAME']}"
    CSRF_COOKIE_NAME = f"csrftoken-{os.environ['HST_INSTANCE_NAME']}"
