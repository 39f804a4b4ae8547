"""The WSGI module gunicorn loads: every view is imported with it, not at the first request."""

import os
import subprocess
import sys


def test_loading_the_wsgi_application_loads_every_view_module():
    # given a fresh process, as gunicorn's master with --preload (or a worker at boot)
    probe = (
        "import sys, ncb_cases.wsgi; print('messages_hst.api.views.inbox_batch' in sys.modules)"
    )
    environment = {
        **os.environ,
        "DEBUG": os.environ.get("DEBUG", "1"),
        "DJANGO_SETTINGS_MODULE": "ncb_cases.settings",
    }

    # when
    loaded = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True, env=environment
    )

    # then the partner inbox's view is there before any request
    assert loaded.stdout.strip().splitlines()[-1] == "True"
