"""The settings of an instance started by the two-instance harness: production's, plus what
lets two instances share one Redis database without meeting there.

`ncb_cases.settings` reads neither the Celery queue nor the cache's key prefix from the
environment, and two instances on one Redis must not consume each other's tasks nor share
throttling counters. Everything else is the production settings module, unchanged.

- `HST_INSTANCE_QUEUE`: the Celery queue the instance's web server and worker use.
- `HST_INSTANCE_CACHE_PREFIX`: the cache key prefix (Redis cache only).
- `HST_INSTANCE_RELAY_SECONDS`: the outbox relay's beat interval (default: production's).
- `HST_INSTANCE_NAME`: suffix of the session and CSRF cookie names. Browsers keep cookies per
  host, not per port, so two instances on 127.0.0.1 would otherwise log each other out of a
  browser that has both open (the two-tab demo).
"""

import os

from ncb_cases.settings import *  # noqa: F403
from ncb_cases.settings import CACHES, CELERY_BEAT_SCHEDULE

CELERY_TASK_DEFAULT_QUEUE = os.environ.get("HST_INSTANCE_QUEUE", "celery")

if "KEY_PREFIX" in CACHES["default"]:
    CACHES["default"]["KEY_PREFIX"] = os.environ.get(
        "HST_INSTANCE_CACHE_PREFIX", CACHES["default"]["KEY_PREFIX"]
    )

if os.environ.get("HST_INSTANCE_RELAY_SECONDS"):
    CELERY_BEAT_SCHEDULE["hst-outbox-relay"]["schedule"] = float(
        os.environ["HST_INSTANCE_RELAY_SECONDS"]
    )

if os.environ.get("HST_INSTANCE_NAME"):
    SESSION_COOKIE_NAME = f"sessionid-{os.environ['HST_INSTANCE_NAME']}"
    CSRF_COOKIE_NAME = f"csrftoken-{os.environ['HST_INSTANCE_NAME']}"
