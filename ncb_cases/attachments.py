"""Uploaded file names as metadata, and stored files served back only as attachments.

A name a client sent is never a path: files are stored under generated keys (their SHA-256),
and the name is kept for people only. `clean_filename` is what is kept (no directories, no
control or bidirectional-override characters, at most 255 characters);
`content_disposition` is how it is echoed (RFC 6266, with RFC 5987 `filename*` for names
beyond ASCII); `attachment_response` is the one way a view hands out a stored file: always
`Content-Disposition: attachment`, `X-Content-Type-Options: nosniff`, and the sniffed media
type (`application/octet-stream` for anything the sniffer did not produce).
"""

from __future__ import annotations

import re
import unicodedata
from typing import IO
from urllib.parse import quote

from django.http import FileResponse

from ncb_cases import sniffing

MAX_FILENAME_LENGTH = 255
DEFAULT_FILENAME = "file"

# Unicode format characters (Cf) include the bidirectional overrides (U+202E makes
# "evil\u202egpj.exe" display as "evilexe.jpg"), zero-width joiners and the BOM.
_UNSAFE_CATEGORIES = {"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"}
_ASCII_FALLBACK_UNSAFE = re.compile(r"[^A-Za-z0-9!#$&+\-.^_`|~ ()\[\]{}@,;=]")


def clean_filename(name: object, *, default: str = "") -> str:
    """The file name `name` as it may be kept and shown: the last path component only (either
    separator), control, format and bidirectional characters removed, whitespace collapsed,
    no leading dots, at most 255 characters (the extension kept). `default` when nothing is
    left."""
    text = unicodedata.normalize("NFC", str(name or ""))
    text = re.split(r"[/\\]", text)[-1]
    text = "".join(
        " " if char.isspace() else char
        for char in text
        if unicodedata.category(char) not in _UNSAFE_CATEGORIES or char in "\t\n\r"
    )
    text = " ".join(text.split()).lstrip(". ")
    text = text.rstrip(" ")
    if len(text) > MAX_FILENAME_LENGTH:
        stem, dot, extension = text.rpartition(".")
        if dot and 0 < len(extension) <= 16:
            text = stem[: MAX_FILENAME_LENGTH - len(extension) - 1].rstrip() + "." + extension
        else:
            text = text[:MAX_FILENAME_LENGTH]
    return text or default


def content_disposition(name: object, *, default: str = DEFAULT_FILENAME) -> str:
    """A `Content-Disposition: attachment` value for the cleaned `name`: an ASCII `filename`
    for old clients and, when the name is not plain ASCII, `filename*=UTF-8''…` (RFC 5987)."""
    cleaned = clean_filename(name, default=default)
    fallback = _ASCII_FALLBACK_UNSAFE.sub("_", cleaned.encode("ascii", "replace").decode())
    fallback = fallback.replace("?", "_") or default
    value = f'attachment; filename="{fallback}"'
    if fallback != cleaned:
        value += f"; filename*=UTF-8''{quote(cleaned, safe='')}"
    return value


def served_media_type(media_type: str) -> str:
    """The type a stored file is served as: its sniffed type, or octet-stream for a type the
    sniffer does not produce (an older row that took the client's word)."""
    media_type = str(media_type or "").split(";")[0].strip().lower()
    if media_type in sniffing.KNOWN_MEDIA_TYPES:
        return media_type
    return sniffing.OCTET_STREAM


def attachment_response(handle: IO[bytes], *, filename: object, media_type: str) -> FileResponse:
    """Stream `handle` as a download: never displayed inline, never type-guessed."""
    response = FileResponse(handle, content_type=served_media_type(media_type))
    response["Content-Disposition"] = content_disposition(filename)
    response["X-Content-Type-Options"] = "nosniff"
    # A file is data, never a page: no script runs even if a browser ignored the headers.
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, no-store"
    return response
