"""WSGI entry point (gunicorn ncb_cases.wsgi)."""

import os

from django.core.wsgi import get_wsgi_application
from django.urls import get_resolver

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ncb_cases.settings")
application = get_wsgi_application()

# Every view module loaded now, not at each worker's first request (about 0.8 s of imports
# that request would wait for: a partner's HST messages held behind it). Under
# `gunicorn --preload` the master loads them once and its workers share them.
get_resolver().url_patterns  # noqa: B018
