"""The HST core runs in Celery workers and at partners: it must not need Django."""

import subprocess
import sys
from pathlib import Path

MODULES = [
    "messages_hst.codelists",
    "messages_hst.schema",
    "messages_hst.mrz",
    "messages_hst.validation",
    "messages_hst.validation.problems",
    "messages_hst.validation.document",
    "messages_hst.validation.schema",
    "messages_hst.validation.references",
    "messages_hst.validation.meaning",
    "messages_hst.validation.policy",
    "messages_hst.signing",
    "messages_hst.labels",
    "messages_hst.formatting",
    "messages_hst.parsing",
    "messages_hst.ndjson",
]


def test_the_hst_core_imports_and_works_without_django():
    # given: a fresh interpreter without DJANGO_SETTINGS_MODULE
    script = (
        "import sys\n"
        f"for name in {MODULES!r}: __import__(name)\n"
        "from messages_hst.validation import validate_message\n"
        "validate_message({})\n"
        "loaded = sorted(m for m in sys.modules if m == 'django' or m.startswith('django.'))\n"
        "print(loaded)\n"
    )

    # when
    result = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        cwd=Path(__file__).resolve().parents[2],
        env={"PATH": "/usr/bin:/bin"},
        check=False,
    )

    # then
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"
