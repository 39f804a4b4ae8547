"""Writers of the directory's exports: CSV of contact points, vCard 4.0 of one contact.

Pure functions: they read the objects they are given (with their languages and NCB already
loaded by a selector) and never query the database themselves.
"""

import csv
from collections.abc import Iterable, Sequence
from datetime import UTC
from typing import Protocol

from django.utils.text import slugify
from django.utils.translation import gettext as _

from contacts.models import ContactPoint, Language
from contacts.validators import format_phone_for_display

# Spreadsheets evaluate a cell starting with one of these as a formula (CSV injection, OWASP):
# a contact's name or unit must never become `=HYPERLINK(...)` on a colleague's machine.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")

VCARD_LINE_OCTETS = 75  # RFC 6350 §3.2: lines SHOULD NOT be longer than 75 octets
CRLF = "\r\n"


class _Writable(Protocol):
    def write(self, text: str, /) -> object: ...


# --- CSV ------------------------------------------------------------------------------------


def csv_safe_cell(value: object) -> str:
    """`value` as text that no spreadsheet will run: a leading quote defuses formula triggers."""
    text = "" if value is None else str(value)
    if text.startswith(FORMULA_TRIGGERS):
        return "'" + text
    return text


def contact_points_csv_header() -> list[str]:
    return [
        _("Country"),
        _("ISO code"),
        _("NCB"),
        _("Role"),
        _("Name"),
        _("Title"),
        _("Unit"),
        _("Phone"),
        _("24/7 phone"),
        _("Secure e-mail"),
        _("Languages (ISO 639-1)"),
        _("Time zone"),
        _("Designated from"),
        _("Last verified (UTC)"),
        _("Stale"),
    ]


def contact_point_csv_row(contact: ContactPoint) -> list[str]:
    """One designation as CSV cells, in the order of `contact_points_csv_header()`."""
    country = contact.ncb.country
    return [
        country.name,
        country.iso2,
        contact.ncb.name,
        str(contact.get_role_display()),
        contact.full_name,
        contact.title,
        contact.unit,
        contact.phone,
        contact.phone_24_7,
        contact.secure_email,
        ", ".join(language.code for language in _languages(contact)),
        contact.time_zone,
        contact.designated_from.isoformat(),
        contact.last_verified_at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        _("yes") if contact.is_stale else _("no"),
    ]


def write_contact_points_csv(out: _Writable, contacts: Iterable[ContactPoint]) -> None:
    """Write a header and one row per contact to `out`, every cell defused."""
    writer = csv.writer(out)
    writer.writerow([csv_safe_cell(cell) for cell in contact_points_csv_header()])
    for contact in contacts:
        writer.writerow([csv_safe_cell(cell) for cell in contact_point_csv_row(contact)])


# --- vCard 4.0 (RFC 6350) -------------------------------------------------------------------


def vcard_escape(text: str) -> str:
    """Escape a TEXT value (RFC 6350 §3.4): backslash, comma, semicolon and line breaks."""
    text = text.replace("\\", "\\\\").replace(",", "\\,").replace(";", "\\;")
    return text.replace("\r\n", "\\n").replace("\r", "\\n").replace("\n", "\\n")


def vcard_fold(line: str, limit: int = VCARD_LINE_OCTETS) -> str:
    """Fold a content line into CRLF-separated pieces of at most `limit` UTF-8 octets.

    Each continuation starts with one space (which counts towards its length and which
    unfolding removes); a multi-octet character is never split across two lines.
    """
    pieces: list[str] = []
    current: list[str] = []
    size = 0
    for char in line:
        octets = len(char.encode())
        if size + octets > limit:
            pieces.append("".join(current))
            current, size = [" "], 1
        current.append(char)
        size += octets
    pieces.append("".join(current))
    return CRLF.join(pieces)


def split_full_name(full_name: str) -> tuple[str, str]:
    """(family, given) names from a full name, for the vCard N property.

    INTERPOL documents write family names in capitals ("Camille DURAND-TEST"), so capitalised
    words are the family name; otherwise the last word is.
    """
    words = full_name.split()
    if not words:
        return "", ""
    family = [word for word in words if word.isupper() and sum(c.isalpha() for c in word) > 1]
    if family and len(family) < len(words):
        given = [word for word in words if word not in family]
        return " ".join(family), " ".join(given)
    return words[-1], " ".join(words[:-1])


def contact_point_vcard(contact: ContactPoint) -> str:
    """The designation as a vCard 4.0, CRLF line endings, folded at 75 octets."""
    ncb = contact.ncb
    family, given = split_full_name(contact.full_name)
    lines = [
        "BEGIN:VCARD",
        "VERSION:4.0",
        "KIND:individual",
        f"UID:urn:uuid:{contact.public_id}",
        "FN:" + vcard_escape(contact.full_name),
        "N:" + ";".join([vcard_escape(family), vcard_escape(given), "", "", ""]),
        "ORG:" + ";".join(vcard_escape(part) for part in (ncb.name, contact.unit) if part),
    ]
    if contact.title:
        lines.append("TITLE:" + vcard_escape(contact.title))
    # The 24/7 line is the one to call first; `x-24-7` tells it apart for clients that show
    # types, and the NOTE says it in words for those that do not.
    lines.append(f'TEL;VALUE=uri;PREF=1;TYPE="work,voice,x-24-7":tel:{contact.phone_24_7}')
    if contact.phone and contact.phone != contact.phone_24_7:
        lines.append(f"TEL;VALUE=uri;TYPE=work:tel:{contact.phone}")
    lines.append("EMAIL;TYPE=work:" + vcard_escape(contact.secure_email))
    lines.extend(f"LANG:{language.code}" for language in _languages(contact))
    lines.append("TZ:" + vcard_escape(contact.time_zone))
    note = _("%(role)s THB point of contact of %(ncb)s (%(country)s). 24/7 phone: %(phone)s.") % {
        "role": contact.get_role_display(),
        "ncb": ncb.name,
        "country": ncb.country.name,
        "phone": format_phone_for_display(contact.phone_24_7),
    }
    lines.append("NOTE:" + vcard_escape(note))
    lines.append("REV:" + contact.updated_at.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ"))
    lines.append("PRODID:-//NCB-THB//Contact points//EN")
    lines.append("END:VCARD")
    return "".join(vcard_fold(line) + CRLF for line in lines)


def contact_point_vcard_filename(contact: ContactPoint) -> str:
    name = slugify(contact.full_name) or "contact"
    return f"{contact.ncb.country.iso2.lower()}-{contact.role.lower()}-{name}.vcf"


def _languages(contact: ContactPoint) -> Sequence[Language]:
    # `.all()` reads the prefetched languages the selectors load; no query of its own.
    return sorted(contact.languages.all(), key=lambda language: language.code)
