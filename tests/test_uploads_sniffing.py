"""`ncb_cases.sniffing`: what a file is, from its bytes only (a table of formats, properties)."""

import io
import zipfile

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ncb_cases import sniffing


def zip_bytes(*members: tuple[str, bytes], stored_first: bool = False) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for index, (name, data) in enumerate(members):
            compress = zipfile.ZIP_STORED if stored_first and index == 0 else None
            archive.writestr(name, data, compress_type=compress)
    return buffer.getvalue()


DOCX = zip_bytes(("[Content_Types].xml", b"<Types/>"), ("word/document.xml", b"<w:document/>"))
XLSX = zip_bytes(("[Content_Types].xml", b"<Types/>"), ("xl/workbook.xml", b"<workbook/>"))
PPTX = zip_bytes(("[Content_Types].xml", b"<Types/>"), ("ppt/presentation.xml", b"<p/>"))
ODT = zip_bytes(
    ("mimetype", b"application/vnd.oasis.opendocument.text"),
    ("content.xml", b"<office:document-content/>"),
    stored_first=True,
)
PLAIN_ZIP = zip_bytes(("notes.txt", b"fictitious"))

TABLE = [
    ("pdf", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n", sniffing.PDF),
    ("png", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", sniffing.PNG),
    ("jpeg", b"\xff\xd8\xff\xe0\x00\x10JFIF\x00", sniffing.JPEG),
    ("gif87", b"GIF87a\x01\x00\x01\x00", sniffing.GIF),
    ("gif89", b"GIF89a\x01\x00\x01\x00", sniffing.GIF),
    ("webp", b"RIFF\x24\x00\x00\x00WEBPVP8 ", sniffing.WEBP),
    ("tiff le", b"II*\x00\x08\x00\x00\x00", sniffing.TIFF),
    ("tiff be", b"MM\x00*\x00\x00\x00\x08", sniffing.TIFF),
    ("bmp", b"BM" + b"\x36\x00\x0c\x00" + b"\x00" * 4 + b"\x36" + b"\x00" * 20, sniffing.BMP),
    ("heic", b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00", sniffing.HEIC),
    ("mp4", b"\x00\x00\x00\x20ftypisom\x00\x00\x02\x00", sniffing.MP4),
    ("mov", b"\x00\x00\x00\x14ftypqt  \x00\x00\x00\x00", sniffing.QUICKTIME),
    ("m4a", b"\x00\x00\x00\x20ftypM4A \x00\x00\x00\x00", sniffing.M4A),
    ("3gp", b"\x00\x00\x00\x14ftyp3gp4\x00\x00\x00\x00", sniffing.THREE_GPP),
    ("webm", b"\x1a\x45\xdf\xa3\x9f\x42\x86\x81\x01\x42\x82\x84webm", sniffing.WEBM),
    ("mkv", b"\x1a\x45\xdf\xa3\xa3\x42\x86\x81\x01\x42\x82\x88matroska", sniffing.MATROSKA),
    ("avi", b"RIFF\x24\x00\x00\x00AVI LIST", sniffing.AVI),
    ("mp3 id3", b"ID3\x04\x00\x00\x00\x00\x00\x00", sniffing.MP3),
    ("mp3 frame", b"\xff\xfb\x90\x64\x00\x00", sniffing.MP3),
    ("wav", b"RIFF\x24\x00\x00\x00WAVEfmt ", sniffing.WAV),
    ("ogg", b"OggS\x00\x02\x00\x00", sniffing.OGG),
    ("flac", b"fLaC\x00\x00\x00\x22", sniffing.FLAC),
    ("docx", DOCX, sniffing.DOCX),
    ("xlsx", XLSX, sniffing.XLSX),
    ("pptx", PPTX, sniffing.PPTX),
    ("odt", ODT, sniffing.ODT),
    ("zip", PLAIN_ZIP, sniffing.ZIP),
    ("7z", b"7z\xbc\xaf\x27\x1c\x00\x04", sniffing.SEVEN_ZIP),
    ("rar", b"Rar!\x1a\x07\x01\x00", sniffing.RAR),
    ("gzip", b"\x1f\x8b\x08\x00\x00\x00\x00\x00", sniffing.GZIP),
    ("ole2 (doc, xls, msg)", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1\x00\x00", sniffing.OLE2),
    ("rtf", b"{\\rtf1\\ansi Fictitious}", sniffing.RTF),
    ("sqlite", b"SQLite format 3\x00\x10\x00", sniffing.SQLITE),
    ("pcap", b"\xd4\xc3\xb2\xa1\x02\x00\x04\x00", sniffing.PCAP),
    ("pcapng", b"\x0a\x0d\x0d\x0a\x1c\x00\x00\x00", sniffing.PCAP),
    ("json object", b'{"case": "FR-2026-1", "items": [1, 2]}', sniffing.JSON),
    ("json array", b'  [{"n": 1}]\n', sniffing.JSON),
    ("xml", b'<?xml version="1.0"?><manifest/>', sniffing.XML),
    ("svg", b'<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg"/>', sniffing.SVG),
    ("html", b"<!DOCTYPE html><html><script>alert(1)</script>", sniffing.HTML),
    ("html fragment", b"  <script>alert(1)</script>", sniffing.HTML),
    (
        "eml",
        b"Return-Path: <a@example.org>\r\nFrom: Test Sender <a@example.org>\r\n"
        b"Subject: Fictitious\r\n  folded\r\nDate: Mon, 2 Nov 2026 10:00:00 +0000\r\n\r\nBody\r\n",
        sniffing.EML,
    ),
    ("csv", b"reference,title\nFR-2026-1,Fictitious\nFR-2026-2,Other\n", sniffing.CSV),
    ("csv semicolon", b"nom;ville\nExemple;Lyon\nTest;Paris\n", sniffing.CSV),
    ("text", "Réunion — ordre du jour\nPoint 1\n".encode(), sniffing.TEXT),
    ("text utf-16", "Fictitious note".encode("utf-16"), sniffing.TEXT),
    ("binary", b"\x00\x01\x02\x03\xfe\xff garbage", sniffing.OCTET_STREAM),
    ("empty", b"", sniffing.OCTET_STREAM),
]


@pytest.mark.parametrize(
    ("content", "expected"), [(c, e) for _, c, e in TABLE], ids=[n for n, _, _ in TABLE]
)
def test_each_format_is_recognised_from_its_bytes(tmp_path, content, expected):
    # given
    path = tmp_path / "upload"  # no extension: the name says nothing
    path.write_bytes(content)
    # when
    sniffed = sniffing.sniff_file(path)
    # then
    assert sniffed == expected
    assert sniffed in sniffing.KNOWN_MEDIA_TYPES


def test_an_ooxml_file_without_its_member_names_is_only_a_zip():
    # when / then
    assert sniffing.sniff_media_type(DOCX[: sniffing.SNIFF_BYTES]) == sniffing.ZIP


def test_a_text_block_cut_inside_a_multibyte_character_is_still_text():
    # given
    head = ("é" * (sniffing.SNIFF_BYTES // 2)).encode()[: sniffing.SNIFF_BYTES - 1]
    # when / then
    assert sniffing.sniff_media_type(head) == sniffing.TEXT


def test_a_mail_like_text_without_from_is_plain_text():
    # when / then
    assert sniffing.sniff_media_type(b"Subject: x\nDate: today\n\nbody") == sniffing.TEXT


@given(st.binary(max_size=2 * sniffing.SNIFF_BYTES))
def test_any_bytes_give_a_known_type_and_never_raise(data):
    # when
    sniffed = sniffing.sniff_media_type(data)
    # then
    assert sniffed in sniffing.KNOWN_MEDIA_TYPES


@given(st.binary(max_size=512))
def test_only_the_first_block_decides(data):
    # given
    head = b"%PDF-1.4\n" + data
    # when / then
    assert sniffing.sniff_media_type(head + b"\x00" * sniffing.SNIFF_BYTES) == sniffing.PDF


@given(st.text(alphabet=st.characters(blacklist_categories=("Cc", "Cs")), max_size=300))
def test_printable_text_is_text_of_some_kind(text):
    # given: a line no binary signature starts with
    content = ("Note: " + text).encode()
    # when
    sniffed = sniffing.sniff_media_type(content)
    # then
    assert sniffed in sniffing.TEXT_MEDIA_TYPES
