import csv
import datetime
import io

import pytest
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from contacts import exports
from contacts.choices import ContactRole
from contacts.models import ContactPoint
from tests.factories import ContactPointFactory


def unfold(text: str) -> str:
    return text.replace("\r\n ", "")


def contact_with(**overrides) -> ContactPoint:
    contact = ContactPointFactory(**overrides)
    # As the selectors load it: languages prefetched, NCB and country joined.
    return (
        ContactPoint.objects.select_related("ncb__country")
        .prefetch_related("languages")
        .get(pk=contact.pk)
    )


# --- CSV cells ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "value", ["=1+1", "+33172000002", "-2", "@SUM(A1)", "\t=cmd", "\r=cmd", '=HYPERLINK("x")']
)
def test_cell_that_a_spreadsheet_would_run_gets_a_leading_quote(value):
    # when
    cell = exports.csv_safe_cell(value)
    # then
    assert cell == "'" + value


@pytest.mark.parametrize("value", ["Camille DURAND-TEST", "a=b", "", "2026-01-15", "'quoted"])
def test_ordinary_cell_is_left_alone(value):
    # when / then
    assert exports.csv_safe_cell(value) == value


def test_missing_cell_is_empty():
    # when / then
    assert exports.csv_safe_cell(None) == ""


@pytest.mark.django_db
def test_csv_writer_defuses_every_cell_and_quotes_commas():
    # given
    contact = contact_with(full_name="-DURAND, Camille", unit="=cmd|' /C calc'!A0")
    out = io.StringIO()
    # when
    exports.write_contact_points_csv(out, [contact])
    # then
    header, row = list(csv.reader(io.StringIO(out.getvalue())))
    assert len(header) == len(row) == 15
    assert row[4] == "'-DURAND, Camille"
    assert row[6] == "'=cmd|' /C calc'!A0"
    assert row[-1] == "no"


# --- vCard pieces ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "escaped"),
    [
        ("DURAND, Camille", "DURAND\\, Camille"),
        ("THB; trafficking", "THB\\; trafficking"),
        ("C:\\Users", "C:\\\\Users"),
        ("line one\nline two", "line one\\nline two"),
        ("line one\r\nline two", "line one\\nline two"),
        ("plain", "plain"),
    ],
)
def test_vcard_text_values_escape_backslash_comma_semicolon_and_newline(text, escaped):
    # when / then
    assert exports.vcard_escape(text) == escaped


def test_short_vcard_line_is_not_folded():
    # when / then
    assert exports.vcard_fold("FN:Camille DURAND-TEST") == "FN:Camille DURAND-TEST"


def test_long_vcard_line_is_folded_at_75_octets_with_a_leading_space():
    # given
    line = "NOTE:" + "x" * 200
    # when
    folded = exports.vcard_fold(line)
    # then
    pieces = folded.split("\r\n")
    assert [len(piece.encode()) for piece in pieces] == [75, 75, 57]
    assert all(piece.startswith(" ") for piece in pieces[1:])
    assert unfold(folded) == line


def test_folding_never_splits_a_multi_octet_character():
    # given: Arabic letters take two octets, an emoji four
    line = "FN:" + "نادية" * 20 + "🙂" * 10
    # when
    pieces = exports.vcard_fold(line).split("\r\n")
    # then
    assert all(len(piece.encode()) <= 75 for piece in pieces)
    assert all(piece.encode().decode() == piece for piece in pieces)
    assert unfold("\r\n".join(pieces)) == line


@given(st.text(alphabet=st.characters(blacklist_categories=["Cs"]), max_size=400))
def test_folding_then_unfolding_gives_the_line_back(text):
    # when
    folded = exports.vcard_fold("NOTE:" + text.replace("\r", "").replace("\n", ""))
    # then
    assert all(len(piece.encode()) <= 75 for piece in folded.split("\r\n"))
    assert unfold(folded) == "NOTE:" + text.replace("\r", "").replace("\n", "")


@pytest.mark.parametrize(
    ("full_name", "family", "given_names"),
    [
        ("Camille DURAND-TEST", "DURAND-TEST", "Camille"),
        ("Jean-Pierre DE LA TOUR-TEST", "DE LA TOUR-TEST", "Jean-Pierre"),
        ("OKAFOR-TEST Chidi", "OKAFOR-TEST", "Chidi"),
        ("Ana Souza Test", "Test", "Ana Souza"),
        ("MONONYM", "MONONYM", ""),
        ("", "", ""),
    ],
)
def test_family_name_is_the_word_in_capitals_or_else_the_last_word(full_name, family, given_names):
    # when / then
    assert exports.split_full_name(full_name) == (family, given_names)


# --- A whole vCard --------------------------------------------------------------------------


@pytest.mark.django_db
def test_vcard_carries_every_detail_of_the_contact():
    # given
    contact = contact_with(
        role=ContactRole.DEPUTY,
        title="Commandant",
        unit="THB desk",
        phone="+33172000001",
        languages=["fr", "en"],
    )
    # when
    card = exports.contact_point_vcard(contact)
    # then
    lines = unfold(card).split("\r\n")
    assert lines[:3] == ["BEGIN:VCARD", "VERSION:4.0", "KIND:individual"]
    assert lines[-2:] == ["END:VCARD", ""]
    assert f"UID:urn:uuid:{contact.public_id}" in lines
    assert "FN:Camille DURAND-TEST" in lines
    assert "N:DURAND-TEST;Camille;;;" in lines
    assert "ORG:INTERPOL Paris;THB desk" in lines
    assert "TITLE:Commandant" in lines
    assert 'TEL;VALUE=uri;PREF=1;TYPE="work,voice,x-24-7":tel:+33172000002' in lines
    assert "TEL;VALUE=uri;TYPE=work:tel:+33172000001" in lines
    assert "EMAIL;TYPE=work:thb.desk@ncb-fr.example.test" in lines
    assert [line for line in lines if line.startswith("LANG:")] == ["LANG:en", "LANG:fr"]
    assert "TZ:Europe/Paris" in lines
    assert (
        "NOTE:Deputy THB point of contact of INTERPOL Paris (France). "
        "24/7 phone: +33 1 72 00 00 02." in lines
    )


@pytest.mark.django_db
def test_vcard_escapes_text_and_folds_long_lines():
    # given
    contact = contact_with(
        full_name="Camille DURAND-TEST, Jr",
        unit="Office central; traite des êtres humains, trafic de migrants\\Lyon",
    )
    # when
    card = exports.contact_point_vcard(contact)
    # then
    physical_lines = card.split("\r\n")
    assert all(len(line.encode()) <= 75 for line in physical_lines)
    assert "\n" not in card.replace("\r\n", "")
    lines = unfold(card).split("\r\n")
    assert "FN:Camille DURAND-TEST\\, Jr" in lines
    assert (
        "ORG:INTERPOL Paris;Office central\\; traite des êtres humains\\, "
        "trafic de migrants\\\\Lyon" in lines
    )


@pytest.mark.django_db
def test_vcard_without_office_phone_or_title_leaves_them_out():
    # given
    contact = contact_with(title="", unit="", phone="")
    # when
    lines = unfold(exports.contact_point_vcard(contact)).split("\r\n")
    # then
    assert [line for line in lines if line.startswith("TEL")] == [
        'TEL;VALUE=uri;PREF=1;TYPE="work,voice,x-24-7":tel:+33172000002'
    ]
    assert not any(line.startswith("TITLE") for line in lines)
    assert "ORG:INTERPOL Paris" in lines


@pytest.mark.django_db
def test_vcard_file_is_named_after_country_role_and_person():
    # given
    contact = contact_with(full_name="Zoé LEFÈVRE-TEST")
    # when / then
    assert exports.contact_point_vcard_filename(contact) == "fr-primary-zoe-lefevre-test.vcf"


@pytest.mark.django_db
def test_csv_row_marks_stale_contacts():
    # given
    contact = contact_with(last_verified_at=timezone.now() - datetime.timedelta(days=181))
    # when
    row = exports.contact_point_csv_row(contact)
    # then
    assert row[-1] == "yes"
