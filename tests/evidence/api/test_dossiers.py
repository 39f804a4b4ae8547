"""`POST /api/v1/evidence/{id}/dossier/` and `GET /api/v1/dossiers/{id}/`: exporting a court
dossier (built by a Celery task) and following it."""

import hashlib
import io
import zipfile

import pytest

from evidence import dossiers, storage
from evidence.models import DossierExport
from ncb_cases.choices import AuditAction
from ncb_cases.models import AuditEvent

pytestmark = pytest.mark.django_db

PURPOSE = "Hearing at the Landgericht Hamburg, 2026-05-12 (fictitious)"


def test_an_export_starts_and_answers_202_with_its_status_url(
    api_client_for, officer_fr, item_fr, evidence_url
):
    # when
    response = api_client_for(officer_fr).post(
        evidence_url(item_fr, "dossier"), {"purpose": PURPOSE}, format="json"
    )
    # then
    assert response.status_code == 202
    body = response.json()
    export = DossierExport.objects.get(public_id=body["public_id"])
    assert (export.item, export.purpose, export.requested_by) == (item_fr, PURPOSE, officer_fr)
    assert body["status"] == "PENDING"
    assert body["status_url"].endswith(f"/api/v1/dossiers/{export.public_id}/")
    assert response["Location"] == body["status_url"]


def test_an_export_is_audited_with_its_purpose(api_client_for, officer_fr, item_fr, evidence_url):
    # when
    api_client_for(officer_fr).post(
        evidence_url(item_fr, "dossier"), {"purpose": PURPOSE}, format="json"
    )
    # then
    exports = AuditEvent.objects.filter(actor=officer_fr, action=AuditAction.EXPORT)
    assert list(exports.values_list("purpose", flat=True)) == [PURPOSE]


@pytest.mark.parametrize("body", [{}, {"purpose": ""}, {"purpose": "   "}])
def test_an_export_without_a_purpose_is_a_400_naming_it_and_starts_nothing(
    api_client_for, officer_fr, item_fr, evidence_url, body
):
    # when
    response = api_client_for(officer_fr).post(
        evidence_url(item_fr, "dossier"), body, format="json"
    )
    # then
    assert response.status_code == 400
    assert list(response.json()) == ["purpose"]
    assert not DossierExport.objects.exists()
    assert not AuditEvent.objects.filter(action=AuditAction.EXPORT).exists()


def test_the_status_url_shows_the_exports_progress(
    api_client_for, officer_fr, item_fr, evidence_url
):
    # given
    client = api_client_for(officer_fr)
    started = client.post(evidence_url(item_fr, "dossier"), {"purpose": PURPOSE}, format="json")
    # when
    response = client.get(started.json()["status_url"])
    # then
    assert response.status_code == 200
    body = response.json()
    assert body["public_id"] == started.json()["public_id"]
    assert (body["item"], body["status"], body["progress"]) == (
        str(item_fr.public_id),
        "PENDING",
        0,
    )


def test_another_ncbs_officer_gets_404_for_the_status(
    api_client_for, officer_fr, officer_de, item_fr, evidence_url
):
    # given
    started = api_client_for(officer_fr).post(
        evidence_url(item_fr, "dossier"), {"purpose": PURPOSE}, format="json"
    )
    # when
    response = api_client_for(officer_de).get(started.json()["status_url"])
    # then
    assert response.status_code == 404


@pytest.mark.parametrize("method", ["put", "patch", "delete"])
def test_an_export_is_not_changed_through_the_api(
    api_client_for, officer_fr, item_fr, evidence_url, method
):
    # given
    client = api_client_for(officer_fr)
    started = client.post(evidence_url(item_fr, "dossier"), {"purpose": PURPOSE}, format="json")
    # when
    response = getattr(client, method)(started.json()["status_url"], {}, format="json")
    # then
    assert response.status_code == 405


def _started(client, item, evidence_url):
    return client.post(evidence_url(item, "dossier"), {"purpose": PURPOSE}, format="json").json()


def test_a_dossier_not_built_yet_is_a_409_on_download(
    api_client_for, officer_fr, item_fr, evidence_url
):
    # given
    client = api_client_for(officer_fr)
    started = _started(client, item_fr, evidence_url)
    # when
    response = client.get(started["status_url"] + "download/")
    # then
    assert response.status_code == 409


def test_a_built_dossier_is_downloaded_as_a_zip_and_each_download_is_audited(
    api_client_for, officer_fr, item_fr, evidence_url
):
    # given the export task has run
    client = api_client_for(officer_fr)
    started = _started(client, item_fr, evidence_url)
    dossiers.dossier_build(DossierExport.objects.get(public_id=started["public_id"]).pk)
    # when
    status = client.get(started["status_url"]).json()
    response = client.get(started["status_url"] + "download/")
    # then
    assert status["status"] == "DONE"
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    content = b"".join(response.streaming_content)
    assert hashlib.sha256(content).hexdigest() == status["sha256"]
    assert zipfile.ZipFile(io.BytesIO(content)).testzip() is None
    downloads = AuditEvent.objects.filter(
        actor=officer_fr, action=AuditAction.EXPORT, details__download=True
    )
    assert list(downloads.values_list("purpose", flat=True)) == [PURPOSE]


def test_a_colleague_who_did_not_ask_gets_404_on_download_and_nothing_is_audited(
    api_client_for, officer_fr, supervisor_fr, item_fr, evidence_url
):
    # given: a supervisor of the same NCB sees the case but did not ask for this export
    started = _started(api_client_for(officer_fr), item_fr, evidence_url)
    dossiers.dossier_build(DossierExport.objects.get(public_id=started["public_id"]).pk)
    # when
    response = api_client_for(supervisor_fr).get(started["status_url"] + "download/")
    # then
    assert response.status_code == 404
    assert not AuditEvent.objects.filter(actor=supervisor_fr, action=AuditAction.EXPORT).exists()


def test_a_built_dossier_gone_from_the_store_is_a_404_on_download(
    api_client_for, officer_fr, item_fr, evidence_url
):
    # given
    client = api_client_for(officer_fr)
    started = _started(client, item_fr, evidence_url)
    export = dossiers.dossier_build(DossierExport.objects.get(public_id=started["public_id"]).pk)
    storage.evidence_file_storage().delete(export.storage_key)
    # when
    response = client.get(started["status_url"] + "download/")
    # then
    assert response.status_code == 404
    assert not AuditEvent.objects.filter(details__download=True).exists()
