"""Every URL that hands out a stored file (issue 7 item 9): found by walking the URL map, each
one checked for `Content-Disposition: attachment`, `X-Content-Type-Options: nosniff` and a
sniffed (or octet-stream) type for a permitted reader, and for the same 404 as a missing id
for an officer of another NCB. Nothing is served from MEDIA_URL.

A new download URL fails `test_every_download_url_is_swept` until it gets a builder here.
"""

import uuid
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.conf import settings as django_settings
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.views.static import serve

from evidence import dossiers
from evidence.dossiers import dossier_build
from ncb_cases import attachments, sniffing
from ncb_cases.choices import AuditAction
from ncb_cases.models import AuditEvent
from ncb_cases.services import meetings as meeting_services
from tests.evidence.factories import add_file, evidence_item, open_case
from tests.ncb_cases.meetings.factories import meeting

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n"

# Downloads of files generated from de-identified regional figures (no uploaded content, no
# NCB-owned object): covered by the reports tests, listed so that the sweep stays complete.
GENERATED_REPORTS = {"reports:period_download", "period-report-download"}


def _walk(resolver: URLResolver, prefix: str = "", namespace: str = ""):
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            inner = namespace
            if pattern.namespace:
                inner = f"{namespace}:{pattern.namespace}" if namespace else pattern.namespace
            yield from _walk(pattern, prefix + str(pattern.pattern), inner)
        elif isinstance(pattern, URLPattern):
            name = f"{namespace}:{pattern.name}" if namespace and pattern.name else pattern.name
            yield prefix + str(pattern.pattern), name, pattern


def download_url_names() -> set[str]:
    """Every named route whose path says it downloads something, or that serves a file."""
    return {
        name for route, name, _pattern in _walk(get_resolver()) if name and "download" in route
    }


@dataclass
class Download:
    """A file behind a download URL: its URL, the same URL with a missing id, what it holds."""

    url: str
    missing_url: str
    content: bytes
    media_type: str
    filename: str


def _evidence_file(owner):
    item = evidence_item(actor=owner, case=open_case(owner))
    stored = add_file(
        actor=owner, item=item, content=PDF, original_name="../../Akte\u202eMüller.pdf"
    )
    return item, stored


def evidence_file_browser(owner, _ncb) -> Download:
    item, stored = _evidence_file(owner)
    args = [item.public_id, stored.public_id]
    return Download(
        url=reverse("evidence:file_download", args=args),
        missing_url=reverse("evidence:file_download", args=[item.public_id, uuid.uuid4()]),
        content=PDF,
        media_type="application/pdf",
        filename="AkteMüller.pdf",
    )


def evidence_file_api(owner, _ncb) -> Download:
    item, stored = _evidence_file(owner)
    base = f"/api/v1/evidence/{item.public_id}/files"
    return Download(
        url=f"{base}/{stored.public_id}/download/",
        missing_url=f"{base}/{uuid.uuid4()}/download/",
        content=PDF,
        media_type="application/pdf",
        filename="AkteMüller.pdf",
    )


def _dossier(owner):
    item = evidence_item(actor=owner, case=open_case(owner))
    export = dossiers.dossier_export_request(
        actor=owner,
        case=item.case,
        item=item,
        purpose="Letter rogatory 2026/9 (fictitious)",
        include_files=False,
    )
    dossier_build(export.pk)
    export.refresh_from_db()
    with dossiers.dossier_download(actor=owner, export=export) as handle:
        content = handle.read()
    return export, content


def dossier_browser(owner, _ncb) -> Download:
    export, content = _dossier(owner)
    return Download(
        url=reverse("evidence:dossier_download", args=[export.public_id]),
        missing_url=reverse("evidence:dossier_download", args=[uuid.uuid4()]),
        content=content,
        media_type="application/zip",
        filename=dossiers.dossier_filename(export),
    )


def dossier_api(owner, _ncb) -> Download:
    export, content = _dossier(owner)
    return Download(
        url=f"/api/v1/dossiers/{export.public_id}/download/",
        missing_url=f"/api/v1/dossiers/{uuid.uuid4()}/download/",
        content=content,
        media_type="application/zip",
        filename=dossiers.dossier_filename(export),
    )


def meeting_document_browser(owner, ncb) -> Download:
    from django.core.files.uploadedfile import SimpleUploadedFile

    held = meeting(organiser=ncb, created_by=owner)
    document = meeting_services.meeting_document_add(
        actor=owner,
        meeting=held,
        title="Route analysis (fictitious)",
        upload=SimpleUploadedFile("..\\route\u202efdp.pdf", PDF, "application/pdf"),
    )
    return Download(
        url=reverse("meetings:document", args=[held.public_id, document.public_id]),
        missing_url=reverse("meetings:document", args=[held.public_id, uuid.uuid4()]),
        content=PDF,
        media_type="application/pdf",
        filename="routefdp.pdf",
    )


BUILDERS: dict[str, tuple[Callable, str]] = {
    "evidence:file_download": (evidence_file_browser, "officer"),
    "evidence-file-download": (evidence_file_api, "officer"),
    "evidence:dossier_download": (dossier_browser, "officer"),
    "dossier-download": (dossier_api, "officer"),
    "meetings:document": (meeting_document_browser, "supervisor"),
}


@pytest.fixture(autouse=True)
def _own_var_dir(settings, tmp_path):
    # Meeting documents and the development signing key live under VAR_DIR.
    settings.VAR_DIR = tmp_path / "var"
    settings.VAR_DIR.mkdir()


def test_every_download_url_is_swept():
    # when
    found = download_url_names()
    # then
    assert found == set(BUILDERS) | GENERATED_REPORTS


def test_no_url_serves_media_or_static_files_directly():
    # when
    views = {pattern.callback for _route, _name, pattern in _walk(get_resolver())}
    # then
    assert serve not in views
    assert not getattr(django_settings, "MEDIA_URL", "").strip("/")


def _client(name, client_for, api_client_for, user):
    return api_client_for(user) if "-" in name else client_for(user)


def _body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


@pytest.mark.parametrize("name", sorted(BUILDERS))
def test_a_permitted_reader_gets_an_attachment_of_the_sniffed_type(
    name, client_for, api_client_for, officer_fr, supervisor_fr, ncb_fr
):
    # given
    builder, role = BUILDERS[name]
    owner = officer_fr if role == "officer" else supervisor_fr
    download = builder(owner, ncb_fr)
    exports_before = AuditEvent.objects.filter(action=AuditAction.EXPORT).count()
    # when
    response = _client(name, client_for, api_client_for, owner).get(download.url)
    # then
    assert response.status_code == 200
    assert _body(response) == download.content
    assert response["Content-Type"] == download.media_type
    assert response["Content-Type"] in sniffing.KNOWN_MEDIA_TYPES
    assert response["X-Content-Type-Options"] == "nosniff"
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert disposition.isascii()
    assert "/" not in disposition.split("filename*=")[0]
    assert disposition == attachments.content_disposition(download.filename)
    assert AuditEvent.objects.filter(action=AuditAction.EXPORT).count() == exports_before + 1


@pytest.mark.parametrize("name", sorted(BUILDERS))
def test_an_officer_of_another_ncb_gets_the_404_of_a_missing_id(
    name, client_for, api_client_for, officer_fr, supervisor_fr, officer_de, ncb_fr
):
    # given
    builder, role = BUILDERS[name]
    owner = officer_fr if role == "officer" else supervisor_fr
    download = builder(owner, ncb_fr)
    client = _client(name, client_for, api_client_for, officer_de)
    exports_before = AuditEvent.objects.filter(action=AuditAction.EXPORT).count()
    # when
    refused = client.get(download.url)
    missing = client.get(download.missing_url)
    # then
    assert refused.status_code == missing.status_code == 404
    assert _body(refused) == _body(missing)
    assert download.content not in _body(refused)
    assert AuditEvent.objects.filter(action=AuditAction.EXPORT).count() == exports_before


@pytest.mark.parametrize("name", sorted(BUILDERS))
def test_an_anonymous_visitor_gets_no_file(
    name, client_for, api_client_for, officer_fr, supervisor_fr, ncb_fr
):
    # given
    builder, role = BUILDERS[name]
    owner = officer_fr if role == "officer" else supervisor_fr
    download = builder(owner, ncb_fr)
    # when
    response = _client(name, client_for, api_client_for, None).get(download.url)
    # then
    assert response.status_code in (302, 401, 403)
    assert download.content not in _body(response)
