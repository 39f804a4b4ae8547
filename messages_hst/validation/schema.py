"""Level 1 of HST.md §8, syntax: the JSON Schema `hst-1.0.json` (required fields per type, code
lists, formats, lengths), its errors translated into `Problem`s that point at the exact field.
A compiled yes/no check lets the valid messages through quickly; jsonschema names the problems
of the others."""

import re
import uuid
from collections.abc import Callable, Iterable
from functools import cache
from typing import Any

import jsonschema

from messages_hst.schema import shared_schema
from messages_hst.validation.document import _date, _date_time, _partial_date_range, _pointer
from messages_hst.validation.problems import Problem

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
    `dependencies`, `const` spelled as an `enum` of one value (fastjsonschema 2.22 cannot
    compile `const` without its detailed exceptions); the constraints themselves are
    unchanged."""
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
    if "const" in converted:
        only = {"enum": [converted.pop("const")]}
        if "enum" in converted:
            converted["allOf"] = [only, *converted.get("allOf", [])]
        else:
            converted.update(only)
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
    (tests/messages_hst/test_validation_fast.py) holds that it never accepts what jsonschema
    rejects."""
    import fastjsonschema

    formats = {
        "date": lambda v: _is_date(v),
        "date-time": lambda v: _is_date_time(v),
        "partial-date": lambda v: _is_partial_date(v),
        "uuid": lambda v: _is_uuid(v),
    }
    # Without detailed exceptions: a yes/no needs no copy of the schema in every `raise`, which
    # made the generated code 750 KB and its compilation a 50 MB peak (75 MB of a worker's
    # resident memory for good, measured by `python -m bench memory`).
    return fastjsonschema.compile(
        {"$schema": "http://json-schema.org/draft-07/schema#", **_draft7(shared_schema())},
        formats=formats,
        use_default=False,
        detailed_exceptions=False,
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


def _join(pointer: str, *parts: Any) -> str:
    return pointer + _pointer(parts)


def _dotted(parts: Iterable[Any]) -> str:
    text = ""
    for part in parts:
        text += f"[{part}]" if isinstance(part, int) else ("." if text else "") + str(part)
    return text


def _dot(where: str, name: str) -> str:
    return f"{where}.{name}" if where else name
