"""ICAO Doc 9303 machine-readable zones: which check digits are wrong.

Pure Python (no Django), because the HST validator runs in Celery workers and at partners.
Covers TD1 (3 x 30 characters, ID cards), TD2 (2 x 36) and TD3 (2 x 44, passports), and the
visa formats MRV-A / MRV-B (2 x 44 / 2 x 36, first character V), which have no optional-data
or composite check digit.
"""

from collections.abc import Sequence
from dataclasses import dataclass

_WEIGHTS = (7, 3, 1)
_FILLER = "<"


@dataclass(frozen=True)
class MrzCheckFailure:
    """One check digit that does not match its field (or a zone whose layout is unknown)."""

    field: str  # document_number, date_of_birth, date_of_expiry, optional_data, composite, layout
    line: int  # 0-based index of the line holding the check digit
    position: int  # 0-based column of the check digit
    expected: str
    found: str


def check_digit(field: str) -> str:
    """The 9303 check digit of `field`: digits count as themselves, A-Z as 10-35, < as 0."""
    total = 0
    for index, char in enumerate(field):
        if char.isdigit():
            value = int(char)
        elif "A" <= char <= "Z":
            value = ord(char) - ord("A") + 10
        elif char == _FILLER:
            value = 0
        else:
            raise ValueError(f"{char!r} cannot appear in a machine-readable zone")
        total += value * _WEIGHTS[index % 3]
    return str(total % 10)


def mrz_check_failures(lines: Sequence[str]) -> list[MrzCheckFailure]:
    """Every wrong check digit of the zone `lines`; an empty list means the zone is consistent."""
    lengths = [len(line) for line in lines]
    if any(not _is_mrz_text(line) for line in lines):
        return [MrzCheckFailure("layout", 0, 0, "A-Z, 0-9 and <", "other characters")]
    if lengths == [30, 30, 30]:
        return _td1(lines)
    if lengths in ([36, 36], [44, 44]):
        return _two_line(lines, visa=lines[0].startswith("V"))
    return [MrzCheckFailure("layout", 0, 0, "TD1, TD2 or TD3", "x".join(map(str, lengths)))]


def _is_mrz_text(line: str) -> bool:
    return all(
        char.isascii() and (char.isdigit() or "A" <= char <= "Z" or char == "<") for char in line
    )


def _field(name: str, line: int, data: str, digit_at: int, digit: str) -> list[MrzCheckFailure]:
    expected = check_digit(data)
    return [] if digit == expected else [MrzCheckFailure(name, line, digit_at, expected, digit)]


def _optional_field(name: str, line: int, data: str, digit_at: int, digit: str):
    # An empty optional field may carry < instead of 0 as its check digit (9303 part 4, 4.2.2).
    if set(data) == {_FILLER} and digit in (_FILLER, "0"):
        return []
    return _field(name, line, data, digit_at, digit)


def _two_line(lines: Sequence[str], *, visa: bool) -> list[MrzCheckFailure]:
    second = lines[1]
    width = len(second)
    failures = _field("document_number", 1, second[0:9], 9, second[9])
    failures += _field("date_of_birth", 1, second[13:19], 19, second[19])
    failures += _field("date_of_expiry", 1, second[21:27], 27, second[27])
    if visa:
        return failures
    if width == 44:
        failures += _optional_field("optional_data", 1, second[28:42], 42, second[42])
        composite = second[0:10] + second[13:20] + second[21:43]
    else:
        composite = second[0:10] + second[13:20] + second[21:35]
    return failures + _field("composite", 1, composite, width - 1, second[width - 1])


def _td1(lines: Sequence[str]) -> list[MrzCheckFailure]:
    first, second = lines[0], lines[1]
    if first[14] == _FILLER and first[15] != _FILLER:
        # A number longer than 9 characters continues in the optional data; its check digit is
        # the last character before the first filler there.
        overflow = first[15:30].split(_FILLER, 1)[0]
        number, digit, digit_at = first[5:14] + overflow[:-1], overflow[-1], 15 + len(overflow) - 1
        failures = _field("document_number", 0, number, digit_at, digit)
    else:
        failures = _field("document_number", 0, first[5:14], 14, first[14])
    failures += _field("date_of_birth", 1, second[0:6], 6, second[6])
    failures += _field("date_of_expiry", 1, second[8:14], 14, second[14])
    composite = first[5:30] + second[0:7] + second[8:15] + second[18:29]
    return failures + _field("composite", 1, composite, 29, second[29])
