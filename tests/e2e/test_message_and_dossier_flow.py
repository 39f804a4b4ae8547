"""End to end, in Chromium, with a real Celery worker: an officer composes an HST message from
a case, a supervisor (another person) approves it, and both watch it delivered to the German
NCB with a verified receipt; then the officer exports the case's court dossier and downloads it.

The worker (tests/integration/conftest.py) builds the draft, delivers the message (transport
`local`: both NCBs are hosted here) and builds the dossier, as it does in production.
"""

import io
import zipfile

import pytest

from evidence.choices import DossierStatus
from evidence.models import DossierExport
from messages_hst.choices import DeliveryStatus
from messages_hst.models import HSTMessage
from ncb_cases import services
from ncb_cases.choices import PersonRole
from tests.e2e.conftest import skip_module_without_browser
from tests.evidence.factories import evidence_item
from tests.integration.conftest import celery_worker, signing_key  # noqa: F401 (fixtures)

skip_module_without_browser()

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.integration,
    pytest.mark.django_db(transaction=True),
    # The key file is set before the worker starts, so both processes sign with it.
    pytest.mark.usefixtures("signing_key"),
]
WORKER_SECONDS = 60_000  # Playwright's milliseconds: what the worker may take, at most


@pytest.fixture
def case_fr(officer_fr):
    case = services.case_create(
        actor=officer_fr,
        data={
            "title": "Fictitious forced labour on farms near Avignon (e2e)",
            "countries": [("FR", "DESTINATION"), ("DE", "TRANSIT")],
        },
    )
    services.person_create(
        actor=officer_fr,
        case=case,
        data={"role": PersonRole.SUSPECT, "family_name": "EXEMPLE-TEST", "forenames": "Luc"},
    )
    evidence_item(actor=officer_fr, case=case)
    return case


def test_a_message_composed_and_approved_in_the_browser_is_delivered_then_a_dossier_exported(
    celery_worker,  # noqa: F811 (fixture)
    live_server,
    new_page,
    sign_in,
    officer_fr,
    supervisor_fr,
    ncb_de,
    case_fr,
):
    # given officer_fr signed in
    page = sign_in(new_page(), officer_fr)

    # when officer_fr composes an INFO message about the case to Germany
    page.goto(f"{live_server.url}/messages/compose/?case={case_fr.public_id}")
    page.get_by_label("Type of message").select_option(value="INFO")
    page.get_by_label("Subject").fill("Fictitious seasonal-work recruiters (e2e)")
    page.get_by_label("To (NCBs)", exact=True).fill("DE")
    priority = page.get_by_label("Priority")
    if priority.evaluate("element => element.tagName") == "SELECT":
        priority.select_option(value="ROUTINE")
    else:
        priority.fill("ROUTINE")
    page.get_by_role("button", name="Build the draft").click()
    # then the worker builds the draft and the editor opens
    page.wait_for_selector("#message-editor", timeout=WORKER_SECONDS)
    message = HSTMessage.objects.get(case=case_fr)

    # when officer_fr submits it for approval
    page.get_by_role("button", name="Save and submit for approval").click()
    page.wait_for_load_state()
    # then a different person, the supervisor, approves and sends it
    supervisor = sign_in(new_page(), supervisor_fr)
    supervisor.goto(f"{live_server.url}{message.get_absolute_url()}")
    override = supervisor.locator("input[name='override_warnings']")
    if override.count():
        override.check()
    supervisor.get_by_role("button", name="Approve and send").click()
    supervisor.wait_for_load_state()

    # then the page follows the delivery until the German NCB's signed receipt is in
    supervisor.wait_for_selector(".delivery-chip--delivered", timeout=WORKER_SECONDS)
    assert supervisor.get_by_text("signature valid").first.is_visible()
    delivery = message.deliveries.get()
    assert (delivery.recipient_ncb, delivery.status) == (ncb_de, DeliveryStatus.DELIVERED)
    assert delivery.receipt_signature == "ok"

    # when officer_fr exports the case's court dossier
    page.goto(f"{live_server.url}/evidence/cases/{case_fr.public_id}/")
    dossier = page.locator("details.case-dossier")
    dossier.locator("summary").click()
    dossier.get_by_label("Purpose").fill("Fictitious hearing at the Avignon court (e2e)")
    dossier.get_by_role("button", name="Export a dossier").click()
    # then the worker builds it and the page offers the download
    download_link = page.get_by_role("link", name="Download the dossier (ZIP)")
    download_link.wait_for(timeout=WORKER_SECONDS)
    with page.expect_download() as download_info:
        download_link.click()
    archive = zipfile.ZipFile(io.BytesIO(download_info.value.path().read_bytes()))
    assert archive.testzip() is None
    assert any(name.endswith(".pdf") for name in archive.namelist())
    assert DossierExport.objects.get().status == DossierStatus.DONE
