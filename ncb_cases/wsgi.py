"""WSGI entry point (gunicorn ncb_cases.wsgi)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ncb_cases.settings")
application = get_wsgi_application()
