"""Pure validation: partial dates, childhood, ICAO 9303 MRZ check digits, normalisation."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from ncb_cases.validators import (
    clean_code_list,
    fold_text,
    is_child_on,
    mrz_check_digit,
    normalize_document_number,
    normalize_plate,
    parse_mrz,
    partial_date_bounds,
    person_name_key,
    validate_icao_code,
    validate_partial_date,
)

# The specimens of ICAO Doc 9303 (Utopia is a fictitious state; Anna Maria Eriksson a
# fictitious holder).
TD3_SPECIMEN = (
    "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<\nL898902C36UTO7408122F1204159ZE184226B<<<<<10"
)
TD1_SPECIMEN = "\n".join(
    [
        "I<UTOD231458907<<<<<<<<<<<<<<<",
        "7408122F1204159UTO<<<<<<<<<<<6",
        "ERIKSSON<<ANNA<MARIA<<<<<<<<<<",
    ]
)
TD2_SPECIMEN = "I<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<\nD231458907UTO7408122F1204159<<<<<<<6"
MRVA_SPECIMEN = (
    "V<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<\nL8988901C4XXX4009078F96121096ZE184226B<<<<<<"
)


@pytest.mark.parametrize(
    ("value", "bounds"),
    [
        ("1990", (datetime.date(1990, 1, 1), datetime.date(1990, 12, 31))),
        ("2024-02", (datetime.date(2024, 2, 1), datetime.date(2024, 2, 29))),
        ("1990-12", (datetime.date(1990, 12, 1), datetime.date(1990, 12, 31))),
        ("1990-05-14", (datetime.date(1990, 5, 14), datetime.date(1990, 5, 14))),
    ],
)
def test_partial_date_stands_for_a_range_of_days(value, bounds):
    assert partial_date_bounds(value) == bounds


@pytest.mark.parametrize("value", ["90", "1990-13", "1990-02-30", "14/05/1990", "1990-5-1"])
def test_impossible_or_malformed_partial_dates_are_refused(value):
    with pytest.raises(ValidationError):
        partial_date_bounds(value)


def test_birth_date_in_the_future_is_refused():
    with pytest.raises(ValidationError, match="future"):
        validate_partial_date("2031", today=datetime.date(2026, 1, 1))


def test_person_born_in_a_year_counts_as_child_until_the_youngest_possible_eighteenth_birthday():
    # given a birth year only: the person may have been born on 31 December 2008
    # then
    assert is_child_on("2008", datetime.date(2026, 12, 30))
    assert not is_child_on("2008", datetime.date(2026, 12, 31))


def test_person_is_a_child_the_day_before_their_eighteenth_birthday():
    assert is_child_on("2006-05-14", datetime.date(2024, 5, 13))
    assert not is_child_on("2006-05-14", datetime.date(2024, 5, 14))


def test_check_digit_follows_icao_9303_weights():
    # ICAO 9303 Part 3 worked example: date 520727 has check digit 3.
    assert mrz_check_digit("520727") == "3"
    assert mrz_check_digit("L898902C3") == "6"
    assert mrz_check_digit("<<<<") == "0"


@pytest.mark.parametrize(
    ("mrz", "shape", "number"),
    [
        (TD3_SPECIMEN, "TD3", "L898902C3"),
        (TD1_SPECIMEN, "TD1", "D23145890"),
        (TD2_SPECIMEN, "TD2", "D23145890"),
        (MRVA_SPECIMEN, "MRVA", "L8988901C"),
    ],
)
def test_icao_specimen_mrz_lines_are_valid(mrz, shape, number):
    # when
    parsed = parse_mrz(mrz)
    # then
    assert parsed.format == shape
    assert parsed.document_number == number
    assert parsed.issuing_state == "UTO"
    assert (parsed.family_name, parsed.given_names) == ("ERIKSSON", "ANNA MARIA")


def test_mrz_with_a_wrong_document_number_digit_names_that_check_digit():
    # given the specimen with the document number's check digit 6 changed to 5
    mrz = TD3_SPECIMEN.replace("L898902C36UTO", "L898902C35UTO")
    # when / then
    with pytest.raises(ValidationError) as raised:
        parse_mrz(mrz)
    messages = " ".join(raised.value.messages)
    assert "document number" in messages
    assert "should be 6" in messages


def test_mrz_with_a_tampered_birth_date_fails_its_own_and_the_composite_check():
    # given the specimen's birth date changed from 740812 to 750812
    mrz = TD3_SPECIMEN.replace("UTO7408122F", "UTO7508122F")
    # when / then
    with pytest.raises(ValidationError) as raised:
        parse_mrz(mrz)
    messages = " ".join(raised.value.messages)
    assert "date of birth" in messages
    assert "composite" in messages


def test_mrz_of_the_wrong_shape_says_what_shapes_exist():
    with pytest.raises(ValidationError, match="3 lines of 30"):
        parse_mrz("P<UTOERIKSSON<<ANNA")


def test_mrz_is_read_whatever_the_case_and_surrounding_spaces():
    assert parse_mrz("  " + TD3_SPECIMEN.lower() + "\n").document_number == "L898902C3"


def test_td1_document_number_longer_than_nine_characters_continues_in_optional_data():
    # given a 12-character number: 9 in place, then "<", then the rest and its check digit
    number = "D23145890AB1"
    digit = mrz_check_digit(number)
    line1 = f"I<UTO{number[:9]}<{number[9:]}{digit}".ljust(30, "<")
    line2_body = "7408122F1204159UTO<<<<<<<<<<<"
    composite = mrz_check_digit(
        line1[5:30] + line2_body[0:7] + line2_body[8:15] + line2_body[18:29]
    )
    mrz = "\n".join([line1, line2_body + composite, "ERIKSSON<<ANNA<MARIA<<<<<<<<<<"])
    # when
    parsed = parse_mrz(mrz)
    # then
    assert parsed.document_number == number


def test_document_numbers_and_plates_are_compared_without_punctuation_or_case():
    assert normalize_document_number("l 898-902.c3") == "L898902C3"
    assert normalize_plate("ab-123 cd") == "AB123CD"


def test_folded_text_ignores_case_accents_and_hyphens():
    assert fold_text("Émilie  DURAND-Test") == "emilie durand test"
    assert fold_text("Ngozi O\u2019Brien") == "ngozi o brien"


def test_name_key_needs_a_full_birth_date():
    assert person_name_key("Okafor-Test", "Blessing", "1998-05-14") == (
        "okafor test|blessing|1998-05-14"
    )
    assert person_name_key("Okafor-Test", "Blessing", "1998") == ""


def test_icao_codes_are_three_letters_or_d_for_germany():
    validate_icao_code("NGA")
    validate_icao_code("D")
    with pytest.raises(ValidationError):
        validate_icao_code("NG")


def test_code_lists_keep_order_drop_duplicates_and_name_unknown_codes():
    assert clean_code_list(["B", "A", "B"], ["A", "B"]) == ["B", "A"]
    with pytest.raises(ValidationError, match=r"Unknown code.*: C"):
        clean_code_list(["A", "C"], ["A", "B"])
