"""What a file really is, from its bytes (magic numbers), never from its name or the client.

Pure functions, no Django: `sniff_media_type(head, zip_names=...)` maps the first bytes of a
file (`SNIFF_BYTES` are enough) to a media type, `application/octet-stream` when nothing is
recognised. `sniff_file(path)` does the same for a file on disk (it also lists a ZIP's
members, which tell a DOCX from an XLSX from a plain ZIP).

The answer is what the server stores and serves (always as an attachment, with
`X-Content-Type-Options: nosniff`): a browser is never left to guess, and a client's declared
type is only ever recorded beside it. Recognised: PDF, PNG, JPEG, GIF, WebP, TIFF, BMP, HEIC,
ZIP and what is built on it (OOXML, OpenDocument), 7z, RAR, gzip, legacy Office (OLE2), RTF,
SQLite, pcap, MP4 / MOV / M4A / 3GP, Matroska / WebM, AVI, MP3, WAV, Ogg, FLAC, and among
text: JSON, XML, SVG, HTML, e-mail (RFC 5322), CSV and plain text.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Iterable
from pathlib import Path

SNIFF_BYTES = 8192
OCTET_STREAM = "application/octet-stream"

PDF = "application/pdf"
PNG = "image/png"
JPEG = "image/jpeg"
GIF = "image/gif"
WEBP = "image/webp"
TIFF = "image/tiff"
BMP = "image/bmp"
HEIC = "image/heic"
SVG = "image/svg+xml"
ZIP = "application/zip"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PPTX = "application/vnd.openxmlformats-officedocument.presentationml.presentation"
ODT = "application/vnd.oasis.opendocument.text"
ODS = "application/vnd.oasis.opendocument.spreadsheet"
ODP = "application/vnd.oasis.opendocument.presentation"
SEVEN_ZIP = "application/x-7z-compressed"
RAR = "application/vnd.rar"
GZIP = "application/gzip"
OLE2 = "application/x-ole-storage"
RTF = "application/rtf"
SQLITE = "application/vnd.sqlite3"
PCAP = "application/vnd.tcpdump.pcap"
MP4 = "video/mp4"
QUICKTIME = "video/quicktime"
THREE_GPP = "video/3gpp"
M4A = "audio/mp4"
WEBM = "video/webm"
MATROSKA = "video/x-matroska"
AVI = "video/x-msvideo"
MP3 = "audio/mpeg"
WAV = "audio/wav"
OGG = "audio/ogg"
FLAC = "audio/flac"
JSON = "application/json"
XML = "application/xml"
HTML = "text/html"
EML = "message/rfc822"
CSV = "text/csv"
TEXT = "text/plain"

# Every type `sniff_media_type` can answer: a stored type outside this set did not come from
# the sniffer (an older row took the client's word) and is served as octet-stream.
KNOWN_MEDIA_TYPES = frozenset(
    {
        OCTET_STREAM, PDF, PNG, JPEG, GIF, WEBP, TIFF, BMP, HEIC, SVG, ZIP, DOCX, XLSX, PPTX,
        ODT, ODS, ODP, SEVEN_ZIP, RAR, GZIP, OLE2, RTF, SQLITE, PCAP, MP4, QUICKTIME,
        THREE_GPP, M4A, WEBM, MATROSKA, AVI, MP3, WAV, OGG, FLAC, JSON, XML, HTML, EML, CSV,
        TEXT,
    }
)  # fmt: skip
# Types whose content is text a person reads (a meeting's "plain-text document").
TEXT_MEDIA_TYPES = frozenset({TEXT, CSV, JSON, EML, XML, HTML, SVG})

# Leading bytes → type, tried in order (longer, more specific signatures first).
_SIGNATURES: tuple[tuple[bytes, str], ...] = (
    (b"%PDF-", PDF),
    (b"\x89PNG\r\n\x1a\n", PNG),
    (b"\xff\xd8\xff", JPEG),
    (b"GIF87a", GIF),
    (b"GIF89a", GIF),
    (b"II*\x00", TIFF),
    (b"MM\x00*", TIFF),
    (b"7z\xbc\xaf\x27\x1c", SEVEN_ZIP),
    (b"Rar!\x1a\x07", RAR),
    (b"\x1f\x8b", GZIP),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", OLE2),
    (b"{\\rtf", RTF),
    (b"SQLite format 3\x00", SQLITE),
    (b"\xd4\xc3\xb2\xa1", PCAP),
    (b"\xa1\xb2\xc3\xd4", PCAP),
    (b"\x4d\x3c\xb2\xa1", PCAP),  # nanosecond pcap, little-endian
    (b"\xa1\xb2\x3c\x4d", PCAP),
    (b"\x0a\x0d\x0d\x0a", PCAP),  # pcapng section header block
    (b"ID3", MP3),
    (b"OggS", OGG),
    (b"fLaC", FLAC),
)
# RIFF containers: the form type at offset 8.
_RIFF_FORMS = {b"WEBP": WEBP, b"WAVE": WAV, b"AVI ": AVI}
# ISO base media (`....ftyp<brand>`): the major brand at offset 8.
_FTYP_BRANDS = {
    b"qt  ": QUICKTIME,
    b"M4A ": M4A,
    b"M4B ": M4A,
    b"heic": HEIC,
    b"heix": HEIC,
    b"mif1": HEIC,
    b"msf1": HEIC,
    b"3gp4": THREE_GPP,
    b"3gp5": THREE_GPP,
    b"3g2a": THREE_GPP,
}
_ODF_TYPES = {ODT, ODS, ODP}
# MPEG audio frame sync without an ID3 tag: 11 set bits, then a valid version and layer III.
_MP3_FRAME = re.compile(rb"\xff[\xe2\xe3\xf2\xf3\xfa\xfb]")
_HEADER_LINE = re.compile(r"^[!-9;-~]+:[ \t]")
_MAIL_HEADERS = {"date", "subject", "message-id", "received", "mime-version", "to", "return-path"}


def sniff_media_type(head: bytes, *, zip_names: Iterable[str] | None = None) -> str:
    """The media type the bytes `head` (the start of a file) are, else `OCTET_STREAM`.

    `zip_names`: the member names, when the file is a ZIP and they are known; without them
    an OOXML file is only `application/zip` (an OpenDocument file names its type in its
    first bytes and needs none). Never raises.
    """
    head = bytes(head[:SNIFF_BYTES])
    if not head:
        return OCTET_STREAM
    for signature, media_type in _SIGNATURES:
        if head.startswith(signature):
            return media_type
    if head.startswith(b"RIFF") and head[8:12] in _RIFF_FORMS:
        return _RIFF_FORMS[head[8:12]]
    if head[4:8] == b"ftyp":
        return _FTYP_BRANDS.get(head[8:12], MP4)
    if head.startswith(b"\x1a\x45\xdf\xa3"):
        return WEBM if b"webm" in head[:64] else MATROSKA
    if head.startswith((b"PK\x03\x04", b"PK\x05\x06")):
        return _zip_type(head, zip_names)
    if head.startswith(b"BM") and len(head) >= 26 and head[6:10] == b"\x00\x00\x00\x00":
        return BMP
    if _MP3_FRAME.match(head):
        return MP3
    text = _as_text(head)
    if text is None:
        return OCTET_STREAM
    return _text_type(text)


def sniff_file(path: str | Path) -> str:
    """`sniff_media_type` of the file at `path`, reading its ZIP directory when it is one."""
    path = Path(path)
    with path.open("rb") as handle:
        head = handle.read(SNIFF_BYTES)
    names = None
    if head.startswith((b"PK\x03\x04", b"PK\x05\x06")):
        names = zip_member_names(path)
    return sniff_media_type(head, zip_names=names)


def zip_member_names(path: str | Path) -> list[str] | None:
    """The member names of the ZIP at `path`, or None when it is not a readable ZIP."""
    try:
        with zipfile.ZipFile(path) as archive:
            return archive.namelist()
    except (zipfile.BadZipFile, OSError, ValueError):
        return None


def is_text_media_type(media_type: str) -> bool:
    """Whether `media_type` (as sniffed) is text a person reads."""
    return media_type in TEXT_MEDIA_TYPES


# --- ZIP-based formats ---------------------------------------------------------------------


def _zip_type(head: bytes, zip_names: Iterable[str] | None) -> str:
    # OpenDocument stores an uncompressed `mimetype` member first (ODF 1.2 §3.3).
    if head[30:38] == b"mimetype":
        declared = head[38:120].split(b"PK", 1)[0].decode("ascii", "replace").strip()
        if declared in _ODF_TYPES:
            return declared
    if zip_names is None:
        return ZIP
    names = set(zip_names)
    if "[Content_Types].xml" in names:
        prefixes = {name.split("/", 1)[0] for name in names}
        if "word" in prefixes:
            return DOCX
        if "xl" in prefixes:
            return XLSX
        if "ppt" in prefixes:
            return PPTX
    return ZIP


# --- Text ----------------------------------------------------------------------------------


def _as_text(head: bytes) -> str | None:
    """`head` decoded as UTF-8 (or UTF-16 with a BOM) if it is text, else None."""
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return head[: len(head) - len(head) % 2].decode("utf-16")
        except UnicodeDecodeError:
            return None
    if head.startswith(b"\xef\xbb\xbf"):
        head = head[3:]
    if b"\x00" in head:
        return None
    try:
        text = head.decode("utf-8")
    except UnicodeDecodeError as exc:
        # A multi-byte character cut at the end of the sniffed block is still text.
        if exc.start < len(head) - 3:
            return None
        text = head[: exc.start].decode("utf-8")
    if any(ord(char) < 0x20 and char not in "\t\n\r\f" for char in text):
        return None
    return text


def _text_type(text: str) -> str:
    stripped = text.lstrip()
    lowered = stripped[:512].lower()
    if lowered.startswith(("<!doctype html", "<html")) or re.match(
        r"<(head|body|script|iframe)\b", lowered
    ):
        return HTML
    if lowered.startswith("<svg") or (lowered.startswith("<?xml") and "<svg" in lowered):
        return SVG
    if lowered.startswith("<?xml"):
        return XML
    if _looks_like_json(stripped):
        return JSON
    if _looks_like_mail(text):
        return EML
    if _looks_like_csv(text):
        return CSV
    return TEXT


def _looks_like_json(text: str) -> bool:
    if text.startswith("{"):
        return re.match(r"\{\s*(\"|\})", text) is not None
    if text.startswith("["):
        return re.match(r"\[\s*([\[{\"\]\-0-9]|true|false|null)", text) is not None
    return False


def _looks_like_mail(text: str) -> bool:
    """RFC 5322 headers up to the first blank line: a From and another usual header."""
    names = set()
    for line in text.splitlines()[:60]:
        if not line:
            break
        if line[0] in " \t":  # folded continuation of the previous header
            continue
        if not _HEADER_LINE.match(line):
            return False
        names.add(line.split(":", 1)[0].lower())
    return "from" in names and bool(names & _MAIL_HEADERS)


def _looks_like_csv(text: str) -> bool:
    """At least two complete lines, each with the same non-zero count of one delimiter."""
    lines = text.splitlines()
    if not text.endswith(("\n", "\r")):
        lines = lines[:-1]  # the last line may be cut by the end of the sniffed block
    lines = [line for line in lines if line.strip()][:10]
    if len(lines) < 2:
        return False
    for delimiter in (",", ";", "\t"):
        counts = {line.count(delimiter) for line in lines}
        if len(counts) == 1 and counts != {0}:
            return True
    return False
