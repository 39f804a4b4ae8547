"""Every kind of page works under the enforced Content-Security-Policy: Chromium, driven
through the demo as an officer, a supervisor, a regional monitor and the administrator,
records no violation (inline script or style, eval, a foreign origin, framing).

The crawl follows the links of each page it visits and opens one page per *kind* of URL
(ids and numbers replaced by placeholders), so that pages added later are covered without
listing them here, and the run stays short.
"""

import io
import re
from urllib.parse import urljoin, urlsplit

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from tests.e2e.conftest import pass_password_and_code, skip_module_without_browser

skip_module_without_browser()

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

DEMO_PASSWORD = "e2e-demo-password-0123"
MAX_PAGES_PER_USER = 90
# Links not to follow: leaving the session, files to download, the same page in another form.
SKIPPED = re.compile(
    r"(/logout|/accounts/logout|\.(csv|xlsx|ics|zip|pdf|vcf|json)(\?|$)|/export|/download|"
    r"/vcard/|/dossier.*/file|\?format=|/schema/|/i18n/|/admin/logout|/admin/jsi18n)"
)
KIND_PLACEHOLDERS = (
    (re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"), "<uuid>"),
    (re.compile(r"\d+"), "<n>"),
    (re.compile(r"/[A-Z]{2}/"), "/<iso2>/"),
)
RECORD_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolations.push(
    `${event.violatedDirective} blocked ${event.blockedURI || "inline"} ` +
    `at ${event.sourceFile}:${event.lineNumber}`
  );
});
"""


def url_kind(path: str) -> str:
    for pattern, placeholder in KIND_PLACEHOLDERS:
        path = pattern.sub(placeholder, path)
    return path


def crawl(page, base_url: str, start_paths: list[str]) -> tuple[list[str], list[str]]:
    """Visit the pages reachable from `start_paths`, one per kind; return (visited, problems)."""
    queue = [urljoin(base_url, path) for path in start_paths]
    seen_kinds: set[str] = set()
    visited: list[str] = []
    problems: list[str] = []
    console_errors: list[str] = []
    page.on(
        "console",
        lambda message: (
            console_errors.append(message.text)
            if message.type == "error" and "Content Security Policy" in message.text
            else None
        ),
    )
    while queue and len(visited) < MAX_PAGES_PER_USER:
        url = queue.pop(0)
        parts = urlsplit(url)
        kind = url_kind(parts.path) + ("?" if parts.query else "")
        if kind in seen_kinds or SKIPPED.search(url):
            continue
        seen_kinds.add(kind)
        console_errors.clear()
        response = page.goto(url)
        page.wait_for_load_state("networkidle")
        visited.append(parts.path)
        if response is not None and response.status >= 500:
            problems.append(f"{parts.path}: HTTP {response.status}")
        violations = page.evaluate("window.__cspViolations || []")
        problems += [f"{parts.path}: {violation}" for violation in violations]
        problems += [f"{parts.path}: {error}" for error in console_errors]
        if "text/html" not in (response.headers.get("content-type", "") if response else ""):
            continue
        for href in page.eval_on_selector_all("a[href]", "links => links.map(a => a.href)"):
            target = urlsplit(href)
            if target.netloc == parts.netloc and target.scheme in {"http", "https"}:
                queue.append(href.split("#")[0])
    return visited, problems


@pytest.fixture
def demo(settings, tmp_path):
    settings.VAR_DIR = tmp_path
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    call_command("seed_demo", password=DEMO_PASSWORD, stdout=io.StringIO())


def sign_in_as(page, base_url: str, username: str):
    page.add_init_script(RECORD_VIOLATIONS)
    user = get_user_model().objects.get(username=username)
    pass_password_and_code(page, base_url, user, DEMO_PASSWORD)
    return page


@pytest.mark.parametrize(
    ("username", "start_paths", "at_least"),
    [
        ("officer_fr", ["/", "/cases/", "/contacts/", "/evidence/", "/messages/"], 20),
        ("supervisor_fr", ["/", "/messages/", "/meetings/", "/reports/"], 8),
        ("srb_europe", ["/", "/reports/", "/contacts/"], 3),
        ("admin", ["/admin/", "/api/v1/", "/api/v1/docs/"], 20),
    ],
)
def test_no_page_breaks_the_content_security_policy(
    live_server, new_page, demo, username, start_paths, at_least
):
    page = sign_in_as(new_page(), live_server.url, username)
    visited, problems = crawl(page, live_server.url, start_paths)
    assert len(visited) >= at_least, visited
    assert problems == [], "\n".join(problems)
