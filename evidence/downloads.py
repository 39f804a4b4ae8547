"""An evidence file's download, the same for the officer's browser and the API."""

from __future__ import annotations

from django.http import FileResponse, Http404

from evidence import selectors, services
from ncb_cases import attachments
from ncb_cases.selectors._common import as_uuid


def evidence_file_response(*, user, item_id, file_id, ip: str | None) -> FileResponse:
    """The stored content, only as an attachment of its sniffed type; the download is audited
    as an export. Missing, forbidden, of another item or gone from the store: the same 404."""
    evidence_file = selectors.evidence_file_get_for_user(user=user, file_id=file_id)
    if evidence_file.item.public_id != as_uuid(item_id):
        raise Http404
    try:
        handle = services.evidence_file_open(actor=user, evidence_file=evidence_file, ip=ip)
    except FileNotFoundError:
        raise Http404 from None
    return attachments.attachment_response(
        handle,
        filename=evidence_file.original_name or f"{evidence_file.sha256[:16]}.bin",
        media_type=evidence_file.media_type,
    )
