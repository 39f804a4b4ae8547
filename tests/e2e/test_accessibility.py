"""WCAG 2.2 AA on the main pages (issue 9 item 3): axe-core, vendored under `tests/e2e/vendor/`,
runs in Chromium on each page of the officer's and the supervisor's main flows with the demo
data, and no serious or critical violation may be reported.

The policy's nonces would refuse the injected script, so these contexts bypass the CSP: its own
test (`test_content_security_policy.py`) is the one that enforces it.
"""

import io
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from evidence.models import EvidenceItem
from messages_hst.models import HSTMessage
from ncb_cases.models import Case
from tests.e2e.conftest import pass_password_and_code, skip_module_without_browser

skip_module_without_browser()

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

AXE = Path(__file__).parent / "vendor" / "axe.min.js"
DEMO_PASSWORD = "e2e-demo-password-0123"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
BLOCKING_IMPACTS = {"serious", "critical"}
RUN_AXE = """async (tags) => {
  const result = await axe.run(document, {runOnly: {type: "tag", values: tags}});
  return result.violations.map((v) => ({
    id: v.id, impact: v.impact, help: v.help,
    targets: v.nodes.slice(0, 3).map((n) => n.target.join(" ")),
  }));
}"""


@pytest.fixture
def demo(settings, tmp_path):
    settings.VAR_DIR = tmp_path
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    call_command("seed_demo", password=DEMO_PASSWORD, stdout=io.StringIO())


def _violations(page, url: str) -> list[str]:
    page.goto(url)
    page.wait_for_load_state("networkidle")
    page.add_script_tag(path=str(AXE))
    found = page.evaluate(RUN_AXE, WCAG_TAGS)
    path = url.split("//", 1)[-1].split("/", 1)[-1]
    return [
        f"/{path}: {v['impact']} {v['id']} ({v['help']}) at {v['targets']}"
        for v in found
        if v["impact"] in BLOCKING_IMPACTS
    ]


def _page_as(browser, base_url: str, username: str | None):
    context = browser.new_context(
        locale="en-GB", viewport={"width": 1280, "height": 900}, bypass_csp=True
    )
    context.set_default_timeout(15_000)
    page = context.new_page()
    if username:
        user = get_user_model().objects.get(username=username)
        pass_password_and_code(page, base_url, user, DEMO_PASSWORD)
    return context, page


@pytest.mark.parametrize(
    ("username", "paths"),
    [
        (None, ["/accounts/login/"]),
        (
            "officer_fr",
            [
                "/",
                "/cases/",
                "/cases/new/",
                "{case}",
                "{case}timeline/",
                "{case}sharing/",
                "/contacts/",
                "/evidence/",
                "{item}",
                "/messages/",
                "{message}",
                "/meetings/",
            ],
        ),
        ("supervisor_fr", ["/messages/", "/reports/", "/reports/periods/"]),
    ],
)
def test_main_pages_have_no_serious_accessibility_violation(
    browser, live_server, demo, username, paths
):
    # given
    case = Case.objects.filter(owner_ncb__code="FR").order_by("created_at").first()
    item = EvidenceItem.objects.filter(case__owner_ncb__code="FR").order_by("pk").first()
    message = HSTMessage.objects.filter(sender_ncb__code="FR").order_by("created_at").first()
    placeholders = {
        "case": f"/cases/{case.public_id}/",
        "item": f"/evidence/{item.public_id}/",
        "message": message.get_absolute_url(),
    }
    context, page = _page_as(browser, live_server.url, username)
    # when
    problems = []
    try:
        for path in paths:
            path = path.format(**placeholders)
            problems += _violations(page, f"{live_server.url}{path}")
    finally:
        context.close()
    # then
    assert problems == [], "\n".join(problems)
