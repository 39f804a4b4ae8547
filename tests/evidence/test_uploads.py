"""Evidence uploads (issue 7 item 9): a size limit refused with a 400 naming the field and the
limit with nothing kept, the media type sniffed from the bytes (the client's word recorded,
never used), and the file name kept as cleaned metadata, never as a path."""

import hashlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from evidence.models import EvidenceFile
from ncb_cases.choices import AuditAction
from ncb_cases.models import AuditEvent
from tests.evidence.factories import add_file, evidence_item, open_case

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n"
HTML = b"<!DOCTYPE html><html><script>alert('fictitious')</script></html>"


@pytest.fixture
def item_fr(officer_fr):
    return evidence_item(actor=officer_fr, case=open_case(officer_fr))


def api_upload(client, item, content, name="extraction.bin", content_type="", **data):
    return client.post(
        f"/api/v1/evidence/{item.public_id}/files/",
        {"file": SimpleUploadedFile(name, content, content_type=content_type), **data},
        format="multipart",
    )


def stored_files(settings):
    return sorted(path for path in settings.EVIDENCE_FILE_ROOT.rglob("*") if path.is_file())


def test_an_api_upload_over_the_limit_is_a_400_naming_the_field_and_the_limit(
    api_client_for, officer_fr, item_fr, settings
):
    # given
    settings.EVIDENCE_FILE_MAX_SIZE = 1024
    # when
    response = api_upload(api_client_for(officer_fr), item_fr, b"x" * 1025)
    # then
    assert response.status_code == 400
    message = response.json()["file"][0]
    assert "1 KiB" in message
    assert "1024 bytes" in message
    assert not EvidenceFile.objects.exists()
    assert stored_files(settings) == []


def test_a_browser_upload_over_the_limit_shows_the_error_on_the_file_field(
    client_for, officer_fr, item_fr, settings
):
    # given
    settings.EVIDENCE_FILE_MAX_SIZE = 10
    # when
    response = client_for(officer_fr).post(
        reverse("evidence:file_upload", args=[item_fr.public_id]),
        {"upload-file": SimpleUploadedFile("big.bin", b"0123456789A")},
    )
    # then
    assert response.status_code == 400
    assert "larger than the limit of 10 B (10 bytes)" in response.content.decode()
    assert not EvidenceFile.objects.exists()
    assert stored_files(settings) == []


def test_an_upload_at_the_limit_is_accepted(api_client_for, officer_fr, item_fr, settings):
    # given
    settings.EVIDENCE_FILE_MAX_SIZE = 1024
    # when
    response = api_upload(api_client_for(officer_fr), item_fr, b"x" * 1024)
    # then
    assert response.status_code == 201


def test_the_default_limit_is_two_gibibytes():
    # given
    from django.conf import settings

    # when / then
    assert settings.EVIDENCE_FILE_MAX_SIZE == 2 * 1024**3


def test_the_stored_type_is_sniffed_and_a_contradicting_declared_type_is_audited(
    api_client_for, officer_fr, item_fr
):
    # when: HTML that says it is a PDF
    response = api_upload(
        api_client_for(officer_fr),
        item_fr,
        HTML,
        name="statement.pdf",
        content_type="application/pdf",
        media_type="application/pdf",
    )
    # then: it is evidence, so it is kept, as what it really is
    assert response.status_code == 201
    assert response.json()["media_type"] == "text/html"
    evidence_file = EvidenceFile.objects.get()
    assert evidence_file.media_type == "text/html"
    audit = AuditEvent.objects.get(action=AuditAction.CREATE, object_type="evidencefile")
    assert audit.details["media_type"] == "text/html"
    assert audit.details["declared_media_type"] == "application/pdf"


def test_an_agreeing_declared_type_is_not_repeated_in_the_audit(
    api_client_for, officer_fr, item_fr
):
    # when
    response = api_upload(
        api_client_for(officer_fr), item_fr, PDF, name="a.pdf", content_type="application/pdf"
    )
    # then
    assert response.status_code == 201
    audit = AuditEvent.objects.get(action=AuditAction.CREATE, object_type="evidencefile")
    assert audit.details["media_type"] == "application/pdf"
    assert "declared_media_type" not in audit.details


@pytest.mark.parametrize(
    ("name", "kept"),
    [
        ("../../etc/passwd", "passwd"),
        ("..\\..\\boot.ini", "boot.ini"),
        ("photo\x00.jpg", "photo.jpg"),
        ("scan\u202efdp.exe", "scanfdp.exe"),
    ],
)
def test_a_hostile_file_name_is_kept_cleaned_and_never_used_as_a_path(
    api_client_for, officer_fr, item_fr, settings, name, kept
):
    # when
    response = api_upload(api_client_for(officer_fr), item_fr, PDF, name=name)
    # then
    assert response.status_code == 201
    assert response.json()["original_name"] == kept
    sha256 = hashlib.sha256(PDF).hexdigest()
    assert [path.name for path in stored_files(settings)] == [sha256]
    assert EvidenceFile.objects.get().storage_key == f"sha256/{sha256[:2]}/{sha256[2:4]}/{sha256}"
    assert not (settings.EVIDENCE_FILE_ROOT.parent / "etc").exists()


def test_a_name_with_line_breaks_is_kept_on_one_line(officer_fr, item_fr):
    # (the test client cannot send CR/LF in a multipart file name: the service is asked)
    # when
    evidence_file = add_file(
        actor=officer_fr, item=item_fr, original_name="notes\r\nX-Injected: 1.txt"
    )
    # then
    assert evidence_file.original_name == "notes X-Injected: 1.txt"


def test_an_api_body_announced_over_the_limit_is_refused_before_it_is_read(
    api_client_for, officer_fr, item_fr, settings, monkeypatch
):
    # given
    settings.EVIDENCE_FILE_MAX_SIZE = 1024

    def never(*args, **kwargs):
        raise AssertionError("the body was parsed")

    monkeypatch.setattr("rest_framework.parsers.MultiPartParser.parse", never)
    # when
    response = api_upload(api_client_for(officer_fr), item_fr, b"x" * 200_000)
    # then
    assert response.status_code == 400
    assert "1024 bytes" in response.json()["file"][0]
    assert stored_files(settings) == []
