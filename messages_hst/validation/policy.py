"""Level 4 of HST.md §8, policy: denied recipients, confidentiality at least the strictest
entity override, overrides never widen dissemination, retention review within 5 years, a
purpose, a victim named in clear, and no inline images or biometrics anywhere (HST.md §4)."""

import re
from typing import Any

from messages_hst import codelists
from messages_hst.validation.document import _add_years, _date, _dict, _list, _pointer, _View
from messages_hst.validation.meaning import _victim_indexes
from messages_hst.validation.problems import _Report

RETENTION_YEARS = 5
# The entity lists whose items may carry a handling override of their own (HST.md §4).
OVERRIDABLE = ("persons", "documents", "organisations", "vehicles", "comms", "financial")


def _check_policy(view: _View, report: _Report) -> None:
    handling = view.handling
    restrictions = _dict(handling.get("access_restrictions"))
    deny, allow_only = _list(restrictions.get("deny")), _list(restrictions.get("allow_only"))
    for i, recipient in enumerate(_list(view.message.get("recipients"))):
        code, path = _dict(recipient).get("ncb_code"), _pointer(("recipients", i, "ncb_code"))
        if isinstance(code, str) and code in deny:
            report.error(path, "recipient_denied", f"{code} is in access_restrictions.deny")
        elif isinstance(code, str) and allow_only and code not in allow_only:
            report.error(path, "recipient_not_allowed", f"{code} is not in allow_only")

    levels, spreads = codelists.CONFIDENTIALITY_LEVELS, codelists.DISSEMINATION
    level, spread = handling.get("confidentiality_level"), handling.get("dissemination")
    for key in OVERRIDABLE:
        for i, item in view.items(key):
            override = _dict(item.get("handling"))
            entity_level = override.get("confidentiality_level")
            entity_spread = override.get("dissemination")
            if (
                level in levels
                and entity_level in levels
                and (levels.index(entity_level) > levels.index(level))
            ):
                report.error(
                    "/handling/confidentiality_level",
                    "confidentiality_below_override",
                    f"{view.path(key, i)} is {entity_level}: mark the message at least as high",
                )
            if (
                spread in spreads
                and entity_spread in spreads
                and (spreads.index(entity_spread) > spreads.index(spread))
            ):
                report.error(
                    view.path(key, i, "handling", "dissemination"),
                    "override_widens_dissemination",
                    "an entity override may narrow dissemination, never widen it",
                )

    review, created = _date(_dict(handling.get("retention")).get("review_on")), view.created
    if "retention" not in handling:
        report.warning("/handling/retention", "retention_not_set", "the 5-year default applies")
    elif review and created and review > _add_years(created, RETENTION_YEARS):
        limit = _add_years(created, RETENTION_YEARS)
        report.error("/handling/retention/review_on", "retention_too_long", f"review by {limit}")
    elif review and created and review < created:
        report.error("/handling/retention/review_on", "retention_in_past", "is before creation")
    if not _list(handling.get("purpose")):
        report.error("/handling/purpose", "purpose_missing", "state the purpose of processing")

    persons = dict(view.items("persons"))
    for i in _victim_indexes(view):
        if any(
            persons[i].get(key) for key in ("family_name", "forenames", "name_original_script")
        ):
            report.warning(
                view.path("persons", i),
                "victim_identity_disclosed",
                "a victim is named: send the identity only if the recipients need it",
            )
    _check_inline_binary(view.message, (), report)


_DATA_URI = re.compile(r"data:[a-z]+/[a-z0-9.+-]+(;[a-z0-9=-]+)*;base64,", re.IGNORECASE)
_BASE64_RUN = re.compile(r"[A-Za-z0-9+/_-]{200,}")
# Base64 openings of JPEG, PNG, GIF, JPEG 2000, WSQ and ISO 19794 finger / face / iris records.
_BINARY_OPENING = re.compile(
    r"(?:/9j/|iVBORw0KGgo|R0lGOD|AAAADGpQ|/6D/|Rk1SAC|RklSAC|RkFDAC|SUlSAC)[A-Za-z0-9+/]{36,}"
)
_BIOMETRIC_KEY = re.compile(r"photo|portrait|face|finger|biometric|dna|iris|palm")
# The shortest string any of the three patterns can match ("data:a/b;base64,").
_SHORTEST_BINARY = 16


def _check_inline_binary(value: Any, parts: tuple, report: _Report) -> None:
    """Inline images, templates or other binary data anywhere (HST.md §4: referenced, never
    inlined)."""
    _walk_for_binary(value, list(parts), report)


def _walk_for_binary(value: Any, parts: list, report: _Report) -> None:
    # One list of path parts, extended and shortened in place (a pointer is built only for a
    # finding); strings too short for any of the patterns are not searched.
    if isinstance(value, dict):
        for key, item in value.items():
            parts.append(key)
            if isinstance(key, str) and key.startswith("x_") and _BIOMETRIC_KEY.search(key):
                report.warning(
                    _pointer(parts),
                    "possible_biometric_field",
                    "biometrics travel as referenced attachments, never in fields",
                )
            if isinstance(item, dict | list) or (
                isinstance(item, str) and len(item) >= _SHORTEST_BINARY
            ):
                _walk_for_binary(item, parts, report)
            parts.pop()
    elif isinstance(value, list):
        for index, item in enumerate(value):
            if isinstance(item, dict | list) or (
                isinstance(item, str) and len(item) >= _SHORTEST_BINARY
            ):
                parts.append(index)
                _walk_for_binary(item, parts, report)
                parts.pop()
    elif isinstance(value, str) and (
        _DATA_URI.search(value) or _BASE64_RUN.search(value) or _BINARY_OPENING.search(value)
    ):
        report.error(
            _pointer(parts),
            "inline_binary_data",
            "looks like inline image or binary data: attach the file and reference its SHA-256",
        )
