"""Court dossiers from the browser: asking for one with a purpose, the status page and its
JSON status, and the audited, streamed download.

The build itself is the Celery task's (`evidence.dossiers.dossier_build`); these tests run
it in-process where they need a finished dossier.
"""

import io
import zipfile

import pytest
from django.urls import reverse

from evidence.choices import DossierStatus
from evidence.dossiers import dossier_build
from evidence.models import DossierExport
from ncb_cases.choices import AuditAction
from ncb_cases.models import AuditEvent
from tests.evidence.factories import evidence_item
from tests.ncb_cases.views.case_scenarios import EDITORS, NON_READERS, READ_ONLY

pytestmark = pytest.mark.django_db

PURPOSE = "Letter rogatory 2026/55 of the Landgericht Hamburg (fictitious)"


@pytest.fixture(autouse=True)
def _development_signing_key(settings, tmp_path):
    # The dossier is signed with the instance key; tests get a throwaway development key.
    settings.VAR_DIR = tmp_path / "var"
    settings.VAR_DIR.mkdir()


def ask(client, item, **data):
    return client.post(
        reverse("evidence:dossier_create", args=[item.public_id]),
        {"dossier-purpose": PURPOSE, **data},
    )


def detail_url(export, name="dossier_detail"):
    return reverse(f"evidence:{name}", args=[export.public_id])


@pytest.mark.parametrize("scenario", EDITORS)
def test_case_editors_ask_for_a_dossier_and_land_on_its_status_page(
    client_for, reader, case_fr, officer_fr, scenario, django_capture_on_commit_callbacks
):
    # given
    item = evidence_item(actor=officer_fr, case=case_fr)
    client = client_for(reader(scenario))
    # when
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = ask(client, item, **{"dossier-include_files": "on"})
    # then
    export = DossierExport.objects.get()
    assert response.status_code == 302
    assert response.url == detail_url(export)
    assert (export.item, export.purpose, export.include_files) == (item, PURPOSE, True)
    assert len(callbacks) == 1  # the build is enqueued once the request commits
    assert AuditEvent.objects.filter(action=AuditAction.EXPORT, purpose=PURPOSE).count() == 1


@pytest.mark.parametrize("scenario", [*READ_ONLY, *NON_READERS])
def test_who_may_not_change_the_case_gets_404_asking_for_a_dossier(
    client_for, reader, case_fr, officer_fr, scenario
):
    # given
    item = evidence_item(actor=officer_fr, case=case_fr)
    # when
    response = ask(client_for(reader(scenario)), item)
    # then
    assert response.status_code == 404
    assert not DossierExport.objects.exists()


def test_a_dossier_without_a_purpose_is_refused_on_the_purpose_field(
    client_for, case_fr, officer_fr
):
    # given
    item = evidence_item(actor=officer_fr, case=case_fr)
    # when
    response = ask(client_for(officer_fr), item, **{"dossier-purpose": "  "})
    # then
    assert response.status_code == 400
    assert response.context["dossier_form"].errors["purpose"]
    assert not DossierExport.objects.exists()


def test_the_status_page_shows_a_progress_bar_polled_by_a_script_file(
    client_for, case_fr, officer_fr
):
    # given
    item = evidence_item(actor=officer_fr, case=case_fr)
    client = client_for(officer_fr)
    ask(client, item)
    export = DossierExport.objects.get()
    # when
    response = client.get(detail_url(export))
    # then
    assert response.status_code == 200
    assert '<progress id="dossier-progress" max="100" value="0"' in response.text
    assert f'data-dossier-status-url="{detail_url(export, "dossier_status")}"' in response.text
    assert "js/job-progress.js" in response.text
    assert "<script>" not in response.text


def test_the_status_json_follows_the_build_to_the_download_link(client_for, case_fr, officer_fr):
    # given
    item = evidence_item(actor=officer_fr, case=case_fr)
    client = client_for(officer_fr)
    ask(client, item)
    export = DossierExport.objects.get()
    before = client.get(detail_url(export, "dossier_status")).json()
    # when
    dossier_build(export.pk)
    after = client.get(detail_url(export, "dossier_status")).json()
    # then
    assert (before["status"], before["progress"], before["download_url"]) == (
        DossierStatus.PENDING,
        0,
        "",
    )
    assert after["status"] == DossierStatus.DONE
    assert after["progress"] == 100
    assert after["download_url"] == detail_url(export, "dossier_download")


def test_the_finished_dossier_downloads_as_a_zip_and_the_download_is_audited(
    client_for, case_fr, officer_fr
):
    # given
    item = evidence_item(actor=officer_fr, case=case_fr)
    client = client_for(officer_fr)
    ask(client, item)
    export = DossierExport.objects.get()
    dossier_build(export.pk)
    exports_before = AuditEvent.objects.filter(action=AuditAction.EXPORT).count()
    # when
    response = client.get(detail_url(export, "dossier_download"))
    # then
    assert response.status_code == 200
    assert response.streaming
    assert response["Content-Type"] == "application/zip"
    assert "attachment" in response["Content-Disposition"]
    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    assert "manifest.json" in archive.namelist()
    assert AuditEvent.objects.filter(action=AuditAction.EXPORT).count() == exports_before + 1


def test_a_dossier_not_yet_built_cannot_be_downloaded(client_for, case_fr, officer_fr):
    # given
    item = evidence_item(actor=officer_fr, case=case_fr)
    client = client_for(officer_fr)
    ask(client, item)
    export = DossierExport.objects.get()
    # when
    response = client.get(detail_url(export, "dossier_download"))
    # then
    assert response.status_code == 404


@pytest.mark.parametrize("name", ["dossier_detail", "dossier_status", "dossier_download"])
@pytest.mark.parametrize("scenario", [*NON_READERS, "shared_read", "analyst"])
def test_someone_else_gets_404_for_a_dossier_they_did_not_ask_for(
    client_for, reader, case_fr, officer_fr, scenario, name
):
    # given
    item = evidence_item(actor=officer_fr, case=case_fr)
    ask(client_for(officer_fr), item)
    export = DossierExport.objects.get()
    dossier_build(export.pk)
    # when
    response = client_for(reader(scenario)).get(detail_url(export, name))
    # then
    assert response.status_code == 404


def test_anonymous_visitor_is_sent_to_the_login_page_from_a_dossier(
    client_for, case_fr, officer_fr
):
    # given
    item = evidence_item(actor=officer_fr, case=case_fr)
    ask(client_for(officer_fr), item)
    export = DossierExport.objects.get()
    # when
    response = client_for(None).get(detail_url(export))
    # then
    assert response.status_code == 302


def test_case_editors_ask_for_the_dossier_of_the_whole_case(client_for, case_fr, officer_fr):
    # given
    evidence_item(actor=officer_fr, case=case_fr)
    evidence_item(actor=officer_fr, case=case_fr)
    # when
    response = client_for(officer_fr).post(
        reverse("evidence:case_dossier_create", args=[case_fr.public_id]),
        {"dossier-purpose": PURPOSE},
    )
    # then
    export = DossierExport.objects.get()
    assert response.status_code == 302
    assert (export.case, export.item) == (case_fr, None)


def test_a_case_dossier_without_a_purpose_is_refused_on_the_evidence_tab(
    client_for, case_fr, officer_fr
):
    # given
    evidence_item(actor=officer_fr, case=case_fr)
    # when
    response = client_for(officer_fr).post(
        reverse("evidence:case_dossier_create", args=[case_fr.public_id]),
        {"dossier-purpose": ""},
    )
    # then
    assert response.status_code == 400
    assert response.context["dossier_form"].errors["purpose"]
    assert not DossierExport.objects.exists()


@pytest.mark.parametrize("scenario", [*READ_ONLY, *NON_READERS])
def test_who_may_not_change_the_case_gets_404_asking_for_a_case_dossier(
    client_for, reader, case_fr, officer_fr, scenario
):
    # given
    evidence_item(actor=officer_fr, case=case_fr)
    # when
    response = client_for(reader(scenario)).post(
        reverse("evidence:case_dossier_create", args=[case_fr.public_id]),
        {"dossier-purpose": PURPOSE},
    )
    # then
    assert response.status_code == 404
