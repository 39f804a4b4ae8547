"""`ncb_cases.attachments`: an uploaded file's name is metadata, cleaned before it is kept and
echoed back only inside a well-formed `Content-Disposition: attachment` (RFC 6266 / 5987)."""

import io
import re
from urllib.parse import unquote

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ncb_cases import attachments, sniffing

HOSTILE_NAMES = [
    ("../../etc/passwd", "passwd"),
    ("..\\..\\windows\\system32\\config", "config"),
    ("/absolute/path/report.pdf", "report.pdf"),
    ("report\x00.pdf", "report.pdf"),
    ("report.pdf\r\nSet-Cookie: session=stolen", "report.pdf Set-Cookie: session=stolen"),
    ("invoice\u202efdp.exe", "invoicefdp.exe"),  # would display as "invoiceexe.pdf"
    ("zero\u200bwidth.txt", "zerowidth.txt"),
    ("...hidden", "hidden"),
    ("..", ""),
    ("   ", ""),
    ("Akte Müller, Lyon.pdf", "Akte Müller, Lyon.pdf"),
]


@pytest.mark.parametrize(("name", "expected"), HOSTILE_NAMES)
def test_a_name_keeps_no_path_no_control_and_no_bidi_characters(name, expected):
    # when / then
    assert attachments.clean_filename(name) == expected


def test_a_long_name_is_bounded_and_keeps_its_extension():
    # when
    cleaned = attachments.clean_filename("a" * 400 + ".pdf")
    # then
    assert len(cleaned) == attachments.MAX_FILENAME_LENGTH
    assert cleaned.endswith("aaa.pdf")


@pytest.mark.parametrize(("name", "_expected"), HOSTILE_NAMES)
def test_the_header_is_one_attachment_line_whatever_the_name(name, _expected):
    # when
    header = attachments.content_disposition(name)
    # then
    assert header.startswith('attachment; filename="')
    assert not re.search(r"[\x00-\x1f\x7f]", header)
    assert header.isascii()
    fallback = re.match(r'attachment; filename="([^"]*)"', header).group(1)
    assert "/" not in fallback
    assert "\\" not in fallback
    assert fallback not in ("", ".", "..")


def test_a_name_beyond_ascii_travels_in_filename_star():
    # when
    header = attachments.content_disposition("Akte Müller.pdf")
    # then
    assert header == (
        "attachment; filename=\"Akte M_ller.pdf\"; filename*=UTF-8''Akte%20M%C3%BCller.pdf"
    )


def test_an_empty_name_gets_a_neutral_default():
    # when / then
    assert attachments.content_disposition("../") == 'attachment; filename="file"'


@given(st.text(max_size=400))
def test_any_name_cleans_to_a_bounded_single_component(name):
    # when
    cleaned = attachments.clean_filename(name)
    header = attachments.content_disposition(name)
    # then
    assert len(cleaned) <= attachments.MAX_FILENAME_LENGTH
    assert "/" not in cleaned
    assert "\\" not in cleaned
    assert not any(
        ord(char) < 0x20 or char in "\u202a\u202b\u202c\u202d\u202e" for char in cleaned
    )
    assert not cleaned.startswith(".")
    assert header.isascii()
    assert "\r" not in header
    assert "\n" not in header
    if "filename*=UTF-8''" in header:
        assert unquote(header.split("filename*=UTF-8''", 1)[1]) == cleaned


@pytest.mark.parametrize(
    ("stored", "served"),
    [
        ("application/pdf", "application/pdf"),
        ("image/png", "image/png"),
        ("text/html", "text/html"),  # sniffed: served as an attachment, never rendered
        ("application/x-msdownload", sniffing.OCTET_STREAM),  # a client's word, not ours
        ("text/html; charset=utf-8", "text/html"),
        ("", sniffing.OCTET_STREAM),
    ],
)
def test_only_sniffed_types_are_served(stored, served):
    # when / then
    assert attachments.served_media_type(stored) == served


def test_the_response_is_an_attachment_never_sniffed_never_cached():
    # when
    response = attachments.attachment_response(
        io.BytesIO(b"<html>"), filename="../x.html", media_type="text/html"
    )
    # then
    assert response["Content-Disposition"] == 'attachment; filename="x.html"'
    assert response["Content-Type"] == "text/html"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in response["Content-Security-Policy"]
    assert "no-store" in response["Cache-Control"]
