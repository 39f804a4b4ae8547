"""Validation of HST messages: every problem at once, at the four levels of HST.md §8.

1. Syntax - the JSON Schema `hst-1.0.json` (required fields per type, code lists, formats,
   lengths), its errors translated into `Problem`s that point at the exact field.
2. References - every entity reference resolves, refs are unique, route legs are ordered and
   contiguous, recipients are distinct, a REPLY / REMINDER answers a known REQUEST, a CORRECTION /
   CANCEL supersedes a message of the same sender (the last two only with `known_messages`).
3. Meaning - dates in order (birth <= events <= creation; issue < expiry; from <= to), MRZ check
   digits, THB needs a form of exploitation, smuggling needs a border crossing, family names in
   capitals, and the computed victim / minor flags (`compute_flags`).
4. Policy - denied recipients, confidentiality at least the strictest entity override, overrides
   never widen dissemination, retention review within 5 years, a purpose, no inline biometrics.

Errors block sending; warnings need the approving supervisor's explicit override. HST.md does
not say which is which; these are warnings: no retention date (the default applies), a flag set
although nothing shows it, a victim named in clear, a REPLY from an NCB the REQUEST was not sent
to, a request deadline after `response_due`, smuggling with only regular crossings, an `x_` field
named like biometric data, other code lists. Everything else is an error.

Minors: a person is a minor when `victim_context.age_at_exploitation` < 18, or when they may have
been under 18 on the earliest date of their exploitation or travel (else of the case period,
else the creation date). A partial date of birth that leaves it open counts as a minor: HST.md
principle 5, children first. Pure Python (jsonschema), no Django.
"""

import datetime as dt
import itertools
import re
import uuid
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import asdict, dataclass
from functools import cache
from typing import Any, Literal

import jsonschema

from messages_hst import codelists
from messages_hst.mrz import mrz_check_failures
from messages_hst.schema import shared_schema

Severity = Literal["error", "warning"]
KnownMessages = Mapping[str, Mapping[str, Any]] | Callable[[str], Mapping[str, Any] | None]
RETENTION_YEARS = 5
CLOCK_SKEW = dt.timedelta(minutes=5)


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a message: where (a JSON pointer), what (a stable code), how bad."""

    path: str
    code: str
    severity: Severity
    message: str

    def as_dict(self) -> dict[str, str]:
        return asdict(self)


def has_errors(problems: Iterable[Problem]) -> bool:
    """Whether any problem blocks sending (warnings only need a supervisor's override)."""
    return any(problem.severity == "error" for problem in problems)


def validate_message(
    message: Any, *, known_messages: KnownMessages | None = None, now: dt.datetime | None = None
) -> list[Problem]:
    """Every problem of `message`: syntax first, then references, meaning and policy.

    `known_messages` maps a message id to an earlier message (or is a function doing so); without
    it the checks that need earlier messages are skipped. `now` (default: the current UTC time)
    catches messages dated in the future. Never raises, whatever the input.
    """
    problems = schema_problems(message)
    if isinstance(message, dict):
        view, report = _View(message), _Report()
        _check_references(view, report)
        _check_thread(view, known_messages, report)
        _check_meaning(view, now or dt.datetime.now(dt.UTC), report)
        _check_policy(view, report)
        problems += report
    return list(dict.fromkeys(problems))


class _Report(list[Problem]):
    def error(self, path: str, code: str, message: str) -> None:
        self.append(Problem(path, code, "error", message))

    def warning(self, path: str, code: str, message: str) -> None:
        self.append(Problem(path, code, "warning", message))


# --- Level 1: the JSON Schema ----------------------------------------------------------------

_FORMATS = jsonschema.FormatChecker(formats=())


@_FORMATS.checks("date")
def _is_date(value: object) -> bool:
    return not isinstance(value, str) or _date(value) is not None


@_FORMATS.checks("date-time")
def _is_date_time(value: object) -> bool:
    return not isinstance(value, str) or _date_time(value) is not None


@_FORMATS.checks("partial-date")
def _is_partial_date(value: object) -> bool:
    return not isinstance(value, str) or _partial_date_range(value) is not None


@_FORMATS.checks("uuid")
def _is_uuid(value: object) -> bool:
    if not isinstance(value, str):
        return True
    try:
        return str(uuid.UUID(value)) == value
    except ValueError:
        return False


@cache
def _validator() -> jsonschema.Draft202012Validator:
    return jsonschema.Draft202012Validator(shared_schema(), format_checker=_FORMATS)


def _draft7(node: Any) -> Any:
    """The schema as fastjsonschema reads it (draft-07): `$ref` siblings moved under an
    `allOf` (draft-07 ignores them, 2020-12 applies them), `dependentRequired` spelled
    `dependencies`; the constraints themselves are unchanged."""
    if isinstance(node, list):
        return [_draft7(item) for item in node]
    if not isinstance(node, dict):
        return node
    converted = {
        ("dependencies" if key == "dependentRequired" else key): (
            {name: _draft7(sub) for name, sub in value.items()}
            if key in ("properties", "patternProperties", "$defs")
            else _draft7(value)
        )
        for key, value in node.items()
        if key not in ("$schema", "$id")
    }
    if "$ref" in converted and len(converted) > 1:
        converted = {
            **converted,
            "allOf": [{"$ref": converted.pop("$ref")}, *converted.get("allOf", [])],
        }
    return converted


@cache
def _fast_check() -> Callable[[Any], Any]:
    """A compiled yes/no check of the schema (fastjsonschema, ~20x faster than jsonschema's
    iterator), with the formats checked by the same functions. It only ever says "valid":
    whatever it refuses goes through jsonschema, which names every problem. A property test
    (tests/messages_hst/test_schema_fast.py) holds that it never accepts what jsonschema
    rejects."""
    import fastjsonschema

    formats = {
        "date": lambda v: _is_date(v),
        "date-time": lambda v: _is_date_time(v),
        "partial-date": lambda v: _is_partial_date(v),
        "uuid": lambda v: _is_uuid(v),
    }
    return fastjsonschema.compile(
        {"$schema": "http://json-schema.org/draft-07/schema#", **_draft7(shared_schema())},
        formats=formats,
        use_default=False,
    )


def schema_is_valid_fast(message: Any) -> bool:
    """Whether the compiled check accepts `message` (False means "ask jsonschema")."""
    try:
        _fast_check()(message)
    except Exception:  # JsonSchemaValueException, or anything odd: let jsonschema decide
        return False
    return True


def schema_problems(message: Any) -> list[Problem]:
    """Level 1 only: the schema's verdict, one readable problem per violation, sorted by path."""
    if not isinstance(message, dict):
        return [Problem("", "wrong_type", "error", "a message is a JSON object")]
    if schema_is_valid_fast(message):
        return []
    problems = {
        p for error in _validator().iter_errors(message) for p in _translate(error, message)
    }
    return sorted(problems, key=lambda p: (p.path, p.code, p.message))


_CODES = {
    "const": "invalid_value",
    "enum": "not_in_code_list",
    "format": "invalid_format",
    "pattern": "invalid_format",
    "type": "wrong_type",
    "maxLength": "too_long",
    "minLength": "empty",
    "minProperties": "empty",
    "minItems": "too_few_items",
    "maxItems": "too_many_items",
    "uniqueItems": "duplicate_items",
    "minimum": "out_of_range",
    "maximum": "out_of_range",
}


def _translate(error: jsonschema.ValidationError, message: dict) -> list[Problem]:
    path, where = _pointer(error.absolute_path), _dotted(error.absolute_path)
    value, rule, keyword = error.instance, error.validator_value, str(error.validator)
    # The rules under the top-level allOf are the per-type rules of HST.md §5: name the type.
    per_type = list(error.absolute_schema_path)[:1] == ["allOf"]
    mtype = message.get("message_type")
    article = "an" if isinstance(mtype, str) and mtype[:1] in "AEIOU" else "a"
    for_type = f" in {article} {mtype} message" if per_type and isinstance(mtype, str) else ""
    if keyword in ("required", "dependentRequired"):
        return [
            Problem(
                _join(path, name),
                "required",
                "error",
                f"{_dot(where, name)} is required{for_type}",
            )
            for name in _missing_properties(keyword, rule, value)
        ]
    if keyword == "additionalProperties":
        known, patterns = (
            error.schema.get("properties", {}),
            error.schema.get("patternProperties", {}),
        )
        return [
            Problem(_join(path, key), "unknown_field", "error",
                    f"{_dot(where, key)} is not an HST field (extensions start with x_)")
            for key in value
            if key not in known and not any(re.search(p, key) for p in patterns)
        ]  # fmt: skip
    if keyword == "enum":
        shown = ", ".join(map(str, rule[:12])) + (", ..." if len(rule) > 12 else "")
        text = f"{value!r} is not in the code list ({shown}){for_type}"
    elif keyword == "pattern":
        described = error.schema.get("description", f"a value matching {rule}")
        text = f"{value!r} is not valid: expected {described}"
    elif keyword == "minItems":
        text = f"needs at least {rule} item{'' if rule == 1 else 's'}{for_type}"
    else:
        text = {
            "const": f"must be {rule!r}, not {value!r}",
            "format": f"{value!r} is not a valid {rule}",
            "type": f"expected {rule}, found {_json_type(value)}",
            "maxLength": f"is {len(value) if isinstance(value, str) else '?'} characters long; "
            f"the limit is {rule}",
            "minLength": "must not be empty",
            "minProperties": "must not be empty",
            "maxItems": f"has more than {rule} items",
            "uniqueItems": "lists the same item twice",
            "minimum": f"{value!r} is below the minimum {rule}",
            "maximum": f"{value!r} is above the maximum {rule}",
        }.get(keyword, error.message)
    return [Problem(path, _CODES.get(keyword, keyword), "error", f"{where or 'message'}: {text}")]


def _json_type(value: Any) -> str:
    if isinstance(value, bool):
        return "boolean"
    names = {str: "string", int: "integer", float: "number", dict: "object", list: "array"}
    return next((n for t, n in names.items() if isinstance(value, t)), "null")


def _missing_properties(keyword: str, rule: Any, instance: Any) -> list[str]:
    if not isinstance(instance, dict):
        return []
    if keyword == "required":
        return [name for name in rule if name not in instance]
    wanted = [name for trigger, needed in rule.items() if trigger in instance for name in needed]
    return [name for name in wanted if name not in instance]


# --- Small pure helpers ----------------------------------------------------------------------


def _pointer(parts: Iterable[Any]) -> str:
    """RFC 6901 JSON pointer of `parts` ("" is the whole message)."""
    return "".join("/" + str(p).replace("~", "~0").replace("/", "~1") for p in parts)


def _join(pointer: str, *parts: Any) -> str:
    return pointer + _pointer(parts)


def _dotted(parts: Iterable[Any]) -> str:
    text = ""
    for part in parts:
        text += f"[{part}]" if isinstance(part, int) else ("." if text else "") + str(part)
    return text


def _dot(where: str, name: str) -> str:
    return f"{where}.{name}" if where else name


def _dict(value: Any) -> dict:
    return value if isinstance(value, dict) else {}


def _list(value: Any) -> list:
    return value if isinstance(value, list) else []


def _date(value: Any) -> dt.date | None:
    if not isinstance(value, str) or not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        return None


def _date_time(value: Any) -> dt.datetime | None:
    if not isinstance(value, str):
        return None
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,6})?Z", value):
        return None
    try:
        return dt.datetime.fromisoformat(value[:-1] + "+00:00")
    except ValueError:
        return None


def _partial_date_range(value: Any) -> tuple[dt.date, dt.date] | None:
    """The earliest and the latest day that `YYYY`, `YYYY-MM` or `YYYY-MM-DD` can mean."""
    match = re.fullmatch(
        r"(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?", value if isinstance(value, str) else ""
    )
    if not match:
        return None
    year, month, day = (int(g) if g else None for g in match.groups())
    try:
        if day is not None:
            return dt.date(year, month, day), dt.date(year, month, day)
        if month is not None:
            following = dt.date(year + month // 12, month % 12 + 1, 1)
            return dt.date(year, month, 1), following - dt.timedelta(days=1)
        return dt.date(year, 1, 1), dt.date(year, 12, 31)
    except ValueError:
        return None


def _add_years(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February, in a common year
        return day.replace(year=day.year + years, month=3, day=1)


def _lookup(known: KnownMessages | None, message_id: Any) -> Mapping[str, Any] | None:
    if known is None or not isinstance(message_id, str):
        return None
    found = known(message_id) if callable(known) else known.get(message_id)
    return found if isinstance(found, Mapping) else None


# The entity lists of HST.md §4 and the key that names each entity.
ENTITY_LISTS = {
    "persons": "ref",
    "exploitation": "ref",
    "locations": "ref",
    "documents": "ref",
    "organisations": "ref",
    "vehicles": "ref",
    "comms": "ref",
    "financial": "ref",
    "requests": "ref",
    "attachments": "id",
}
# The fields that point at entities of this message. custody_ref, national_ref, sender_case_ref
# and request_ref point outside it (evidence, national files, the REQUEST) and are not checked.
ENTITY_REF_FIELDS = {
    "documents": ("holder_ref",),
    "vehicles": ("holder_ref",),
    "comms": ("holder_ref",),
    "financial": ("holder_ref",),
    "exploitation": ("location_ref", "victims", "exploiters"),
    "route_legs": ("from_ref", "to_ref", "vehicle_ref", "persons"),
    "relationships": ("source_ref", "target_ref"),
    "organisations": ("members",),
    "requests": ("target_refs",),
    "attachments": ("entity_refs",),
    "outcomes": ("entity_refs",),
}
OVERRIDABLE = ("persons", "documents", "organisations", "vehicles", "comms", "financial")


class _View:
    """Tolerant read access to a message that may be malformed anywhere."""

    def __init__(self, message: dict) -> None:
        self.message = message
        self.body = _dict(message.get("body"))
        self.handling = _dict(message.get("handling"))
        self.thread = _dict(message.get("thread"))
        self.type = message.get("message_type")
        self.sender = _dict(message.get("sender")).get("ncb_code")
        self.created_at = _date_time(message.get("created_at"))
        self.created = self.created_at.date() if self.created_at else None

    def items(self, key: str) -> Iterator[tuple[int, dict]]:
        for index, item in enumerate(_list(self.body.get(key))):
            if isinstance(item, dict):
                yield index, item

    def path(self, *parts: Any) -> str:
        return _pointer(("body", *parts))

    def events(self) -> Iterator[tuple[str, dt.date, list, bool]]:
        """(path, date, person refs, is exploitation or travel) of every dated event."""
        for i, item in self.items("exploitation"):
            people = [*_list(item.get("victims")), *_list(item.get("exploiters"))]
            for end in ("from", "to"):
                if day := _date(_dict(item.get("period")).get(end)):
                    yield self.path("exploitation", i, "period", end), day, people, True
        for i, leg in self.items("route_legs"):
            for key in ("departure_date", "arrival_date"):
                if day := _date(leg.get(key)):
                    yield self.path("route_legs", i, key), day, _list(leg.get("persons")), True
        for key, field in (("documents", "issue_date"), ("financial", "date")):
            for i, item in self.items(key):
                if day := _date(item.get(field)):
                    yield self.path(key, i, field), day, [item.get("holder_ref")], False
        period = _dict(_dict(self.body.get("case_summary")).get("period"))
        for end in ("from", "to"):
            if day := _date(period.get(end)):
                yield self.path("case_summary", "period", end), day, [], False


# --- Level 2: references ---------------------------------------------------------------------


def _check_references(view: _View, report: _Report) -> None:
    defined: set[str] = set()
    for key, ref_key in ENTITY_LISTS.items():
        for i, item in view.items(key):
            ref = item.get(ref_key)
            if isinstance(ref, str) and ref in defined:
                report.error(
                    view.path(key, i, ref_key), "duplicate_ref", f"{ref} is defined twice"
                )
            elif isinstance(ref, str):
                defined.add(ref)
    for key, fields in ENTITY_REF_FIELDS.items():
        for i, item in view.items(key):
            for name in fields:
                value = item.get(name)
                refs = enumerate(value) if isinstance(value, list) else [(None, value)]
                for j, ref in refs:
                    if isinstance(ref, str) and ref not in defined:
                        parts = (key, i, name) if j is None else (key, i, name, j)
                        report.error(
                            view.path(*parts), "unresolved_ref", f"{ref} names no entity here"
                        )

    for (_, before), (i, after) in itertools.pairwise(view.items("route_legs")):
        earlier, later = before.get("seq"), after.get("seq")
        if isinstance(earlier, int) and isinstance(later, int) and later <= earlier:
            report.error(
                view.path("route_legs", i, "seq"),
                "route_not_ordered",
                f"leg {later} comes after leg {earlier}",
            )
        if before.get("to_ref") != after.get("from_ref"):
            report.error(
                view.path("route_legs", i, "from_ref"),
                "route_not_contiguous",
                f"the route breaks: the leg before ends at {before.get('to_ref')}",
            )

    seen = set()
    for i, recipient in enumerate(_list(view.message.get("recipients"))):
        code, path = _dict(recipient).get("ncb_code"), _pointer(("recipients", i, "ncb_code"))
        if isinstance(code, str) and code in seen:
            report.error(path, "duplicate_recipient", f"{code} is listed twice")
        if isinstance(code, str) and code == view.sender:
            report.error(path, "sender_is_recipient", f"{code} cannot send to itself")
        seen.add(code)


def _check_thread(view: _View, known: KnownMessages | None, report: _Report) -> None:
    own_id = view.message.get("message_id")
    for key in ("in_reply_to", "supersedes"):
        if isinstance(own_id, str) and view.thread.get(key) == own_id:
            report.error(f"/thread/{key}", "refers_to_itself", "names this very message")
    if known is None:
        return
    if view.type in ("REPLY", "REMINDER"):
        original = _lookup(known, view.thread.get("in_reply_to"))
        if original is None or original.get("message_type") != "REQUEST":
            code = "reply_to_unknown_message" if original is None else "reply_to_non_request"
            report.error("/thread/in_reply_to", code, f"a {view.type} must answer a known REQUEST")
            return
        asked = {_dict(r).get("ref") for r in _list(_dict(original.get("body")).get("requests"))}
        if view.type == "REPLY":
            answers = [(("outcomes", i, "request_ref"), o.get("request_ref")) for i, o in
                       view.items("outcomes")]  # fmt: skip
            addressees = {_dict(r).get("ncb_code") for r in _list(original.get("recipients"))}
            if view.sender not in addressees:
                report.warning(
                    "/sender/ncb_code", "reply_from_non_recipient", "the REQUEST was not sent here"
                )
        else:
            refs = _list(_dict(view.body.get("reminder")).get("request_refs"))
            answers = [(("reminder", "request_refs", j), ref) for j, ref in enumerate(refs)]
            if view.sender != _dict(original.get("sender")).get("ncb_code"):
                report.error(
                    "/sender/ncb_code", "reminder_from_other_sender", "only the requester reminds"
                )
        for parts, ref in answers:
            if isinstance(ref, str) and ref not in asked:
                report.error(view.path(*parts), "unknown_request_ref", f"the REQUEST has no {ref}")
    if view.type in ("CORRECTION", "CANCEL"):
        target = _lookup(known, view.thread.get("supersedes"))
        if target is None:
            report.error(
                "/thread/supersedes", "supersedes_unknown_message", "names no known message"
            )
        elif _dict(target.get("sender")).get("ncb_code") != view.sender:
            report.error(
                "/thread/supersedes",
                "supersedes_other_sender",
                f"a {view.type} may only supersede its own NCB's messages",
            )


# --- Level 3: meaning ------------------------------------------------------------------------


def compute_flags(message: Any) -> dict[str, bool]:
    """`victim_data_present` and `minor_data_present`, computed from the body (HST.md §3)."""
    view = _View(message if isinstance(message, dict) else {})
    return {
        "victim_data_present": bool(_victim_indexes(view)),
        "minor_data_present": bool(_minor_indexes(view)),
    }


def protected_person_refs(message: Any) -> set[str]:
    """The refs of the persons HST.md principle 5 protects: victims (by status, victim context
    or as exploited persons) and minors. Pages and the API mask them for readers without the
    victim-identity permission, by the same rule that computes the flags."""
    view = _View(message if isinstance(message, dict) else {})
    persons = dict(view.items("persons"))
    refs = (persons[i].get("ref") for i in {*_victim_indexes(view), *_minor_indexes(view)})
    return {ref for ref in refs if isinstance(ref, str)}


def with_computed_flags(message: dict) -> dict:
    """A copy of `message` whose handling carries the computed flags: what a composer sends."""
    return {**message, "handling": {**_dict(message.get("handling")), **compute_flags(message)}}


def _victim_indexes(view: _View) -> list[int]:
    exploited = {r for _, e in view.items("exploitation") for r in _list(e.get("victims"))}
    return [
        i
        for i, person in view.items("persons")
        if person.get("status") in codelists.VICTIM_STATUSES
        or "victim_context" in person
        or (isinstance(person.get("ref"), str) and person["ref"] in exploited)
    ]


def _minor_indexes(view: _View) -> list[int]:
    own_dates: dict[str, list[dt.date]] = {}
    for _, day, people, exploitation_or_travel in view.events():
        for ref in people if exploitation_or_travel else ():
            if isinstance(ref, str):
                own_dates.setdefault(ref, []).append(day)
    period = _dict(_dict(view.body.get("case_summary")).get("period"))
    case_dates = [day for day in (_date(period.get("from")), _date(period.get("to"))) if day]
    fallback = min(case_dates) if case_dates else view.created
    minors = []
    for i, person in view.items("persons"):
        age = _dict(person.get("victim_context")).get("age_at_exploitation")
        born = _partial_date_range(person.get("date_of_birth"))
        ref = person.get("ref")
        dates = own_dates.get(ref, []) if isinstance(ref, str) else []
        when = min(dates) if dates else fallback
        if (isinstance(age, int) and not isinstance(age, bool) and age < 18) or (
            born and when and _add_years(born[1], 18) > when
        ):
            minors.append(i)
    return minors


def _check_meaning(view: _View, now: dt.datetime, report: _Report) -> None:
    created = view.created
    if view.created_at and view.created_at > now + CLOCK_SKEW:
        report.error(
            "/created_at", "created_in_future", f"is later than now ({now:%Y-%m-%d %H:%M})"
        )
    version = view.message.get("codelists_version")
    if isinstance(version, str) and version != codelists.CODELISTS_VERSION:
        report.warning(
            "/codelists_version",
            "codelists_version_differs",
            f"written with code lists {version}; checked with {codelists.CODELISTS_VERSION}",
        )
    births = {}
    for i, person in view.items("persons"):
        family = person.get("family_name")
        if isinstance(family, str) and any(char.islower() for char in family):
            report.error(
                view.path("persons", i, "family_name"),
                "family_name_not_in_capitals",
                f"write the family name in capitals: {family.upper()}",
            )
        born = _partial_date_range(person.get("date_of_birth"))
        if born and isinstance(person.get("ref"), str):
            births[person["ref"]] = born[0]
        if born and created and born[0] > created:
            report.error(
                view.path("persons", i, "date_of_birth"),
                "birth_after_creation",
                "is in the future",
            )
    for path, day, people, _ in view.events():
        if created and day > created:
            report.error(path, "event_after_creation", f"{day} is after creation ({created})")
        for ref in people:
            if isinstance(ref, str) and ref in births and births[ref] > day:
                report.error(path, "event_before_birth", f"{day} is before {ref} was born")
    _check_date_order(view, report)
    _check_offence(view, report)

    flags = compute_flags(view.message)
    for flag, computed in flags.items():
        stated = view.handling.get(flag)
        if computed and stated is not True:
            report.error(f"/handling/{flag}", f"{flag}_not_set", "must be true: the body shows it")
        elif not computed and stated is True:
            report.warning(
                f"/handling/{flag}", f"{flag}_unexplained", "nothing in the body shows it"
            )
    if flags["minor_data_present"] and view.handling.get("dissemination") != "RECIPIENTS_ONLY":
        report.error(
            "/handling/dissemination",
            "minor_requires_recipients_only",
            "a message about a minor is for its recipients only (RECIPIENTS_ONLY)",
        )


def _check_date_order(view: _View, report: _Report) -> None:
    summary = _dict(view.body.get("case_summary"))
    spans = [(("case_summary", "period"), _dict(summary.get("period")), "from", "to")]
    spans += [(("exploitation", i, "period"), _dict(e.get("period")), "from", "to")
              for i, e in view.items("exploitation")]  # fmt: skip
    spans += [(("route_legs", i), leg, "departure_date", "arrival_date")
              for i, leg in view.items("route_legs")]  # fmt: skip
    for parts, span, start, end in spans:
        first, last = _date(span.get(start)), _date(span.get(end))
        if first and last and last < first:
            report.error(view.path(*parts, end), "dates_reversed", f"{end} is before {start}")
    for i, doc in view.items("documents"):
        issued, expires = _date(doc.get("issue_date")), _date(doc.get("expiry_date"))
        if issued and expires and expires <= issued:
            report.error(
                view.path("documents", i, "expiry_date"),
                "expiry_not_after_issue",
                "not after issue",
            )
        mrz = _list(doc.get("mrz"))
        if mrz and all(isinstance(line, str) for line in mrz):
            for failure in mrz_check_failures(mrz):
                report.error(
                    view.path("documents", i, "mrz", failure.line),
                    "mrz_check_digit",
                    f"{failure.field.replace('_', ' ')}: check digit {failure.found} at column "
                    f"{failure.position + 1}, expected {failure.expected}",
                )
    created, due = view.created, _date(view.message.get("response_due"))
    if created and due and due < created:
        report.error("/response_due", "response_due_before_creation", "is before creation")
    for i, request in view.items("requests"):
        deadline, path = _date(request.get("deadline")), view.path("requests", i, "deadline")
        if created and deadline and deadline < created:
            report.error(path, "deadline_before_creation", "is before the message was created")
        elif due and deadline and deadline > due:
            report.warning(path, "deadline_after_response_due", "is after response_due")


def _check_offence(view: _View, report: _Report) -> None:
    summary = _dict(view.body.get("case_summary"))
    offence, path = summary.get("offence_type"), "/body/case_summary/offence_type"
    if offence in ("THB", "THB_AND_SMUGGLING"):
        forms = [item.get("form") for _, item in view.items("exploitation") if item.get("form")]
        if not forms and not _list(_dict(summary.get("palermo_elements")).get("purposes")):
            report.error(
                path,
                "thb_without_exploitation",
                "trafficking needs a form of exploitation or a Palermo purpose",
            )
    if offence in ("SMUGGLING", "THB_AND_SMUGGLING"):
        crossings = [_dict(leg.get("border_crossing")) for _, leg in view.items("route_legs")
                     if "border_crossing" in leg]  # fmt: skip
        if not crossings:
            report.error(
                path, "smuggling_without_border_crossing", "smuggling needs a border crossing"
            )
        elif all(crossing.get("regular") is True for crossing in crossings):
            report.warning(path, "smuggling_only_regular_crossings", "every crossing is regular")


# --- Level 4: policy -------------------------------------------------------------------------


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
