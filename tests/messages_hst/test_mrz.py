"""ICAO Doc 9303 check digits, on the specimen documents of 9303 itself (Anna Maria ERIKSSON,
Utopia)."""

import pytest

from messages_hst.mrz import check_digit, mrz_check_failures

TD3 = [
    "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<",
    "L898902C36UTO7408122F1204159ZE184226B<<<<<10",
]
TD2 = ["I<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<", "D231458907UTO7408122F1204159<<<<<<<6"]
TD1 = [
    "I<UTOD231458907<<<<<<<<<<<<<<<",
    "7408122F1204159UTO<<<<<<<<<<<6",
    "ERIKSSON<<ANNA<MARIA<<<<<<<<<<",
]


@pytest.mark.parametrize(
    ("field", "digit"), [("L898902C3", "6"), ("740812", "2"), ("120415", "9"), ("<<<<<<", "0")]
)
def test_check_digit_weights_7_3_1_with_letters_from_10(field, digit):
    # given / when / then
    assert check_digit(field) == digit


def test_check_digit_refuses_characters_outside_the_mrz_alphabet():
    # given / when / then
    with pytest.raises(ValueError, match="machine-readable zone"):
        check_digit("ab1")


@pytest.mark.parametrize("zone", [TD3, TD2, TD1], ids=["TD3", "TD2", "TD1"])
def test_specimen_zones_are_consistent(zone):
    # given / when / then
    assert mrz_check_failures(zone) == []


@pytest.mark.parametrize(
    ("zone", "line", "column", "fields"),
    [
        (TD3, 1, 9, {"document_number", "composite"}),
        (TD3, 1, 19, {"date_of_birth", "composite"}),
        (TD3, 1, 27, {"date_of_expiry", "composite"}),
        (TD3, 1, 42, {"optional_data", "composite"}),
        (TD3, 1, 43, {"composite"}),
        (TD2, 1, 35, {"composite"}),
        (TD1, 0, 14, {"document_number", "composite"}),
        (TD1, 1, 6, {"date_of_birth", "composite"}),
        (TD1, 1, 29, {"composite"}),
    ],
)
def test_a_wrong_check_digit_is_reported_with_its_field(zone, line, column, fields):
    # given
    changed = list(zone)
    wrong = "1" if zone[line][column] != "1" else "2"
    changed[line] = zone[line][:column] + wrong + zone[line][column + 1 :]

    # when
    failures = mrz_check_failures(changed)

    # then
    assert {failure.field for failure in failures} == fields
    assert any(f.line == line and f.position == column and f.found == wrong for f in failures)


def test_td1_number_longer_than_nine_characters_continues_in_the_optional_data():
    # given: 9303 part 5's long document number D23145890734 with its check digit 9 after it
    line1 = "I<UTOD23145890<7349<<<<<<<<<<<"
    line2 = "3407127M9507122UTO<<<<<<<<<<<2"
    line3 = "STEVENSON<<PETER<JOHN<<<<<<<<<"

    # when / then
    assert check_digit("D23145890734") == "9"
    assert [f.field for f in mrz_check_failures([line1, line2, line3])] == []


def test_visa_zone_has_no_composite_check_digit():
    # given: a visa (MRV-A) whose last characters are optional data, not check digits
    zone = [
        "V<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<",
        "L8988901C4XXX4009078F96121096ZE184226B<<<<<<",
    ]

    # when / then
    assert mrz_check_failures(zone) == []


@pytest.mark.parametrize(
    "zone",
    [
        ["P<UTO", "L898"],
        [TD3[0], TD2[1]],
        ["p<utoeriksson<<anna<maria<<<<<<<<<<<<<<<<<<<", TD3[1]],
    ],
)
def test_a_zone_of_unknown_layout_or_alphabet_is_reported(zone):
    # given / when
    failures = mrz_check_failures(zone)

    # then
    assert [failure.field for failure in failures] == ["layout"]
