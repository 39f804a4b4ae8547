"""Meeting documents: type sniffed from the bytes, size limit, stored by hash, downloaded
through an access-checked, audited view as an attachment."""

import hashlib
import io
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from ncb_cases.choices import AuditAction
from ncb_cases.models import AuditEvent, MeetingDocument
from ncb_cases.services import meetings as services

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


def docx_bytes() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
    return buffer.getvalue()


@pytest.fixture(autouse=True)
def _own_var_dir(settings, tmp_path):
    settings.VAR_DIR = tmp_path


def upload(supervisor, meeting, name, content, content_type=""):
    return services.meeting_document_add(
        actor=supervisor,
        meeting=meeting,
        title="Route analysis (fictitious)",
        upload=SimpleUploadedFile(name, content, content_type=content_type),
    )


@pytest.mark.parametrize(
    ("name", "content", "media_type"),
    [
        ("agenda.pdf", PDF, "application/pdf"),
        ("map.png", PNG, "image/png"),
        ("photo.JPG", b"\xff\xd8\xff\xe0" + b"\x00" * 20, "image/jpeg"),
        ("notes.txt", "Réunion — ordre du jour\n".encode(), "text/plain"),
        (
            "minutes.docx",
            docx_bytes(),
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ),
    ],
)
def test_accepted_types_are_stored_by_hash(
    settings, supervisor_fr, meeting_fr, name, content, media_type
):
    # when
    document = upload(supervisor_fr, meeting_fr, name, content)
    # then
    sha = hashlib.sha256(content).hexdigest()
    assert document.media_type == media_type
    assert document.sha256 == sha
    assert document.size == len(content)
    stored = settings.VAR_DIR / "meeting-files" / sha[:2] / sha
    assert stored.read_bytes() == content
    assert not list((settings.VAR_DIR / "meeting-files").glob(f"**/{name}"))


@pytest.mark.parametrize(
    ("name", "content", "content_type"),
    [
        ("agenda.pdf", PNG, ""),  # a PNG named .pdf
        ("map.png", PDF, ""),
        ("notes.txt", PDF, ""),
        ("minutes.docx", b"PK\x03\x04not really a zip", ""),
        ("script.exe", b"MZ\x90\x00", ""),
        ("agenda.pdf", PDF, "image/png"),  # the browser says something else
        ("blob.pdf", b"\x00\x01\x02\x03binary", ""),
    ],
)
def test_mismatched_or_unknown_files_are_refused(
    settings, supervisor_fr, meeting_fr, name, content, content_type
):
    with pytest.raises(ValidationError) as exc_info:
        upload(supervisor_fr, meeting_fr, name, content, content_type)
    assert list(exc_info.value.message_dict) == ["file"]
    assert not MeetingDocument.objects.exists()
    root = settings.VAR_DIR / "meeting-files"
    assert not root.exists() or not [p for p in root.rglob("*") if p.is_file()]


def test_file_over_the_limit_is_refused_and_not_kept(settings, supervisor_fr, meeting_fr):
    settings.MEETING_DOCUMENT_MAX_BYTES = 100
    with pytest.raises(ValidationError) as exc_info:
        upload(supervisor_fr, meeting_fr, "notes.txt", b"a" * 101)
    assert "larger than" in exc_info.value.message_dict["file"][0]
    assert not [p for p in (settings.VAR_DIR / "meeting-files").rglob("*") if p.is_file()]
    assert upload(supervisor_fr, meeting_fr, "notes.txt", b"a" * 100).size == 100


def test_default_limit_is_20_mb(settings):
    del settings.MEETING_DOCUMENT_MAX_BYTES
    assert services.document_max_bytes() == 20 * 1024 * 1024


def test_download_is_an_audited_attachment_for_participants(
    client_for, supervisor_fr, meeting_fr, officer_it
):
    # given
    document = upload(supervisor_fr, meeting_fr, "Agenda Lyon.pdf", PDF)
    url = reverse("meetings:document", args=[meeting_fr.public_id, document.public_id])
    # when
    response = client_for(officer_it).get(url)
    # then
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert "Agenda Lyon.pdf" in response["Content-Disposition"]
    assert b"".join(response.streaming_content) == PDF
    assert AuditEvent.objects.filter(
        object_public_id=document.public_id, action=AuditAction.EXPORT
    ).exists()


@pytest.mark.parametrize("who", ["officer_de", "srb_europe", "srb_africa"])
def test_download_refused_to_non_participants_is_audited_404(
    request, client_for, supervisor_fr, meeting_fr, who
):
    document = upload(supervisor_fr, meeting_fr, "agenda.pdf", PDF)
    url = reverse("meetings:document", args=[meeting_fr.public_id, document.public_id])
    user = request.getfixturevalue(who)
    assert client_for(user).get(url).status_code == 404
    assert AuditEvent.objects.filter(
        object_public_id=document.public_id, action=AuditAction.DENIED
    ).exists()


def test_monitor_sees_the_meeting_but_not_its_documents(
    client_for, supervisor_fr, meeting_fr, srb_europe
):
    upload(supervisor_fr, meeting_fr, "agenda.pdf", PDF)
    page = client_for(srb_europe).get(reverse("meetings:detail", args=[meeting_fr.public_id]))
    assert page.status_code == 200
    assert "Route analysis" not in page.text


def test_upload_through_the_page_shows_field_errors(client_for, supervisor_fr, meeting_fr):
    client = client_for(supervisor_fr)
    url = reverse("meetings:document_add", args=[meeting_fr.public_id])
    bad = client.post(
        url,
        {"document-title": "Map", "document-file": SimpleUploadedFile("map.pdf", PNG)},
    )
    assert bad.status_code == 400
    assert "does not match" in bad.text
    good = client.post(
        url,
        {
            "document-title": "Map",
            "document-file": SimpleUploadedFile("map.png", PNG, content_type="image/png"),
        },
    )
    assert good.status_code == 302
    assert MeetingDocument.objects.get().filename == "map.png"


def test_participant_may_not_upload(client_for, officer_it, meeting_fr):
    response = client_for(officer_it).post(
        reverse("meetings:document_add", args=[meeting_fr.public_id]),
        {"document-title": "Map", "document-file": SimpleUploadedFile("map.png", PNG)},
    )
    assert response.status_code == 404
