"""Pure validation and normalisation of case data: partial dates, ICAO 9303 MRZ, codes, keys.

No database access here, so every rule can be tested exhaustively. Errors are Django
`ValidationError`s whose messages a person can act on; callers key them by field.
"""

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from django.core.exceptions import ValidationError
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext as _

# --- Partial dates ("YYYY", "YYYY-MM", "YYYY-MM-DD") ------------------------------------------

PARTIAL_DATE_RE = re.compile(r"^(?P<year>\d{4})(?:-(?P<month>\d{2})(?:-(?P<day>\d{2}))?)?$")
EARLIEST_YEAR = 1900


def partial_date_bounds(value: str) -> tuple[date, date]:
    """The earliest and latest real dates a partial date stands for, or ValidationError.

    `"1990"` → (1990-01-01, 1990-12-31); `"1990-02"` → (1990-02-01, 1990-02-28).
    """
    match = PARTIAL_DATE_RE.match((value or "").strip())
    if not match:
        raise ValidationError(
            _("“%(value)s” is not a date; write YYYY, YYYY-MM or YYYY-MM-DD."),
            code="invalid_partial_date",
            params={"value": value},
        )
    year = int(match["year"])
    month = int(match["month"]) if match["month"] else None
    day = int(match["day"]) if match["day"] else None
    try:
        if month is None:
            return date(year, 1, 1), date(year, 12, 31)
        first = date(year, month, 1)
        next_month = date(year + month // 12, month % 12 + 1, 1)
        last = date.fromordinal(next_month.toordinal() - 1)
        if day is None:
            return first, last
        exact = date(year, month, day)
        return exact, exact
    except ValueError as exc:
        raise ValidationError(
            _("“%(value)s” is not a real date."),
            code="invalid_partial_date",
            params={"value": value},
        ) from exc


def validate_partial_date(value: str, *, today: date | None = None) -> None:
    """A date of birth: a real partial date, not before 1900 and not in the future."""
    if not value:
        return
    earliest, _latest = partial_date_bounds(value)
    if earliest.year < EARLIEST_YEAR:
        raise ValidationError(
            _("A date before %(year)s is not plausible here.") % {"year": EARLIEST_YEAR},
            code="implausible_date",
        )
    if earliest > (today or date.today()):
        raise ValidationError(_("This date is in the future."), code="future_date")


def age_on(date_of_birth: str, on: date, *, youngest: bool = True) -> int:
    """Age in whole years on `on`; for a partial date, the youngest possible age by default.

    Taking the youngest possible age means that a person born "in 2008" counts as under 18
    until the end of 2026: when in doubt, a child is protected as a child.
    """
    earliest, latest = partial_date_bounds(date_of_birth)
    born = latest if youngest else earliest
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


def is_child_on(date_of_birth: str, on: date) -> bool:
    """True when the person may have been under 18 on `on` (see `age_on`)."""
    if not date_of_birth:
        return False
    return age_on(date_of_birth, on) < 18


# --- ICAO 9303 machine-readable zones ---------------------------------------------------------

MRZ_CHARACTERS = re.compile(r"^[A-Z0-9<]+$")
_WEIGHTS = (7, 3, 1)


def mrz_check_digit(field: str) -> str:
    """ICAO 9303 Part 3 §4.9: weights 7-3-1, digits as values, A=10 … Z=35, filler `<` = 0."""
    total = 0
    for index, char in enumerate(field):
        if char.isdigit():
            value = int(char)
        elif "A" <= char <= "Z":
            value = ord(char) - ord("A") + 10
        elif char == "<":
            value = 0
        else:
            raise ValueError(f"not an MRZ character: {char!r}")
        total += value * _WEIGHTS[index % 3]
    return str(total % 10)


@dataclass(frozen=True)
class Mrz:
    """What a valid MRZ says (fields as printed, fillers removed)."""

    format: str  # TD1, TD2, TD3, MRVA, MRVB
    document_code: str
    issuing_state: str
    document_number: str
    nationality: str
    birth_date: str  # YYMMDD as printed
    sex: str
    expiry_date: str  # YYMMDD as printed
    family_name: str
    given_names: str


def _names(field: str) -> tuple[str, str]:
    family, _sep, given = field.partition("<<")
    return family.replace("<", " ").strip(), given.replace("<", " ").strip()


def _check(errors: list[str], label: str, field: str, digit: str, *, optional=False) -> None:
    # An optional-data field that is all filler may carry `<` instead of 0 as its digit.
    if optional and digit == "<" and set(field) <= {"<"}:
        return
    if digit != mrz_check_digit(field):
        errors.append(
            _("The check digit of the %(label)s is %(found)s; it should be %(expected)s.")
            % {"label": label, "found": digit, "expected": mrz_check_digit(field)}
        )


def parse_mrz(text: str) -> Mrz:
    """Parse and check an ICAO 9303 MRZ (TD1, TD2, TD3 or an MRV-A / MRV-B visa).

    Lines may be separated by new lines; surrounding spaces are ignored. Every check digit is
    verified; all failures are reported at once in one ValidationError.
    """
    lines = [line.strip().upper() for line in (text or "").strip().splitlines() if line.strip()]
    lengths = tuple(len(line) for line in lines)
    shapes = {(30, 30, 30): "TD1", (36, 36): "TD2", (44, 44): "TD3"}
    shape = shapes.get(lengths)
    if shape is None:
        raise ValidationError(
            _(
                "An MRZ has 3 lines of 30 characters (ID card), 2 of 36 or 2 of 44 (passport, "
                "visa); this one has %(count)s line(s) of %(lengths)s."
            )
            % {"count": len(lines), "lengths": ", ".join(str(n) for n in lengths) or "0"},
            code="invalid_mrz",
        )
    for number, line in enumerate(lines, start=1):
        if not MRZ_CHARACTERS.match(line):
            raise ValidationError(
                _("MRZ line %(n)s may contain only A to Z, 0 to 9 and <.") % {"n": number},
                code="invalid_mrz",
            )
    errors: list[str] = []
    if shape == "TD1":
        mrz = _parse_td1(lines, errors)
    else:
        is_visa = lines[0][0] == "V"
        mrz = _parse_two_line(lines, errors, shape=shape, is_visa=is_visa)
    if errors:
        raise ValidationError(errors, code="invalid_mrz_check_digit")
    return mrz


def _parse_td1(lines: list[str], errors: list[str]) -> Mrz:
    line1, line2, line3 = lines
    number, number_digit = line1[5:14], line1[14]
    if number_digit == "<":
        # A document number longer than 9 characters continues in the optional data, its
        # check digit being the last character before the filler (ICAO 9303 Part 5 §4.2.4).
        rest = line1[15:30].split("<", 1)[0]
        number, number_digit = number + rest[:-1], rest[-1:] or "<"
    _check(errors, _("document number"), number, number_digit)
    _check(errors, _("date of birth"), line2[0:6], line2[6])
    _check(errors, _("date of expiry"), line2[8:14], line2[14])
    _check(
        errors,
        _("whole MRZ (composite)"),
        line1[5:30] + line2[0:7] + line2[8:15] + line2[18:29],
        line2[29],
    )
    family, given = _names(line3)
    return Mrz(
        format="TD1",
        document_code=line1[0:2].replace("<", ""),
        issuing_state=line1[2:5].replace("<", ""),
        document_number=number.replace("<", ""),
        nationality=line2[15:18].replace("<", ""),
        birth_date=line2[0:6],
        sex=line2[7],
        expiry_date=line2[8:14],
        family_name=family,
        given_names=given,
    )


def _parse_two_line(lines: list[str], errors: list[str], *, shape: str, is_visa: bool) -> Mrz:
    line1, line2 = lines
    width = len(line2)
    _check(errors, _("document number"), line2[0:9], line2[9])
    _check(errors, _("date of birth"), line2[13:19], line2[19])
    _check(errors, _("date of expiry"), line2[21:27], line2[27])
    if not is_visa:
        if shape == "TD3":
            _check(errors, _("personal number"), line2[28:42], line2[42], optional=True)
        _check(
            errors,
            _("whole MRZ (composite)"),
            line2[0:10] + line2[13:20] + line2[21 : width - 1],
            line2[width - 1],
        )
    family, given = _names(line1[5:])
    if is_visa:
        shape = "MRVA" if shape == "TD3" else "MRVB"
    return Mrz(
        format=shape,
        document_code=line1[0:2].replace("<", ""),
        issuing_state=line1[2:5].replace("<", ""),
        document_number=line2[0:9].replace("<", ""),
        nationality=line2[10:13].replace("<", ""),
        birth_date=line2[13:19],
        sex=line2[20],
        expiry_date=line2[21:27],
        family_name=family,
        given_names=given,
    )


def validate_mrz(value: str) -> None:
    if value:
        parse_mrz(value)


# --- Codes ------------------------------------------------------------------------------------

# ICAO 9303 Part 3 codes: ISO 3166-1 alpha-3, plus D (Germany) and the codes for
# organisations and persons of unspecified nationality (UNO, XXA, XXX ...).
ICAO_CODE_RE = re.compile(r"^[A-Z]{3}$|^D$")


def validate_icao_code(value: str) -> None:
    if value and not ICAO_CODE_RE.match(value):
        raise ValidationError(
            _(
                "“%(value)s” is not an ICAO 9303 code (three letters, e.g. FRA, NGA; D for "
                "Germany)."
            ),
            code="invalid_icao_code",
            params={"value": value},
        )


def clean_code_list(values: Iterable[str] | None, allowed: Iterable[str]) -> list[str]:
    """Deduplicate `values` keeping their order, or ValidationError naming the unknown codes."""
    allowed = list(allowed)
    seen: list[str] = []
    unknown: list[str] = []
    for value in values or ():
        value = str(value).strip()
        if value in allowed:
            if value not in seen:
                seen.append(value)
        elif value not in unknown:
            unknown.append(value)
    if unknown:
        raise ValidationError(
            _("Unknown code(s): %(unknown)s. Allowed: %(allowed)s.")
            % {"unknown": ", ".join(unknown), "allowed": ", ".join(allowed)},
            code="invalid_choice",
        )
    return seen


def clean_icao_code_list(values: Iterable[str] | None) -> list[str]:
    codes: list[str] = []
    for value in values or ():
        code = str(value).strip().upper()
        validate_icao_code(code)
        if code and code not in codes:
            codes.append(code)
    return codes


# --- Keys for matching and search -------------------------------------------------------------

_NON_ALNUM = re.compile(r"[^0-9A-Z]")
# Spaces, hyphens (incl. U+2010 and U+2011), apostrophes (incl. U+2019) and punctuation.
_SEPARATORS = re.compile(r"[\s\-\u2010\u2011\u2019'`.,_/]+")


def normalize_document_number(value: str) -> str:
    """`"l 898-902.c3"` → `"L898902C3"`: what matching compares, whatever the typing."""
    return _NON_ALNUM.sub("", (value or "").upper().replace("<", ""))


def normalize_plate(value: str) -> str:
    """`"ab-123 cd"` → `"AB123CD"`."""
    return _NON_ALNUM.sub("", (value or "").upper())


def fold_text(value: str) -> str:
    """Case- and accent-insensitive form: `"Émilie DURAND-Test"` → `"emilie durand test"`.

    Letters of other scripts are kept (casefolded), so names in their original script match too.
    """
    decomposed = unicodedata.normalize("NFKD", value or "")
    stripped = "".join(char for char in decomposed if not unicodedata.combining(char))
    return " ".join(_SEPARATORS.sub(" ", stripped.casefold()).split())


def person_name_key(family_name: str, forenames: str, date_of_birth: str) -> str:
    """The key under which the same person is recognised across cases (name + full birth date).

    Empty unless the family name and a full date of birth are known: a bare name or a birth
    year alone would match strangers.
    """
    if not family_name.strip() or not re.fullmatch(r"\d{4}-\d{2}-\d{2}", date_of_birth or ""):
        return ""
    return f"{fold_text(family_name)}|{fold_text(forenames)}|{date_of_birth}"


@deconstructible
class CodeListValidator:
    """Model-field validator: a JSON list of codes, each one of `choices` (a TextChoices class)."""

    def __init__(self, choices):
        self.choices = choices

    def __call__(self, value) -> None:
        if not isinstance(value, list):
            raise ValidationError(_("Expected a list of codes."), code="invalid_list")
        clean_code_list(value, self.choices.values)

    def __eq__(self, other) -> bool:
        return isinstance(other, CodeListValidator) and self.choices is other.choices


def validate_text_list(value) -> None:
    """A JSON list of short, non-empty strings (aliases, platforms)."""
    if not isinstance(value, list) or not all(
        isinstance(item, str) and item.strip() and len(item) <= 200 for item in value
    ):
        raise ValidationError(
            _("Expected a list of non-empty texts of at most 200 characters each."),
            code="invalid_list",
        )


def validate_icao_code_list(value) -> None:
    if not isinstance(value, list):
        raise ValidationError(_("Expected a list of codes."), code="invalid_list")
    for code in value:
        validate_icao_code(code)
