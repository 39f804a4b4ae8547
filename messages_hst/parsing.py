"""Text -> structured: the parser of the plain-text rendering (HST.md §9).

`parse_text(render_text(m)) == m` for every message `render_text` accepts. The layout and its
rules are described in `messages_hst.formatting`; this module enforces all of them and stops at
the first departure with a `TextFormatError` that names the line. Finally it recomputes the
banner, title and footer and checks the SHA-256 of the canonical JSON, so an altered, added or
lost line is caught even where the layout alone cannot tell. Pure Python, no Django.
"""

import json
import re
from typing import Any

from messages_hst.formatting import (
    ANY,
    BODY,
    BREAK,
    CUT,
    ENVELOPE,
    FOOTER,
    HANDLING,
    LABEL,
    RESERVED_SECTIONS,
    RULE,
    SIGNATURE,
    SOFT,
    Shape,
    banner,
    footer_id,
    item_label,
    label_key,
    message_shape,
    title,
)
from messages_hst.signing import message_digest

_HEADING = re.compile(r"(\d+)\. (.+)")
_SUBHEADING = re.compile(r"(\d+)\.(\d+)(?: (.*))?")
_ITEM = re.compile(r"(\d+)\)(?: (.*))?")
_INTEGER = re.compile(r"-?(?:0|[1-9][0-9]*)")


class TextFormatError(ValueError):
    """The text is not a well-formed HST rendering; `line` is 1-based."""

    def __init__(self, line: int, problem: str) -> None:
        super().__init__(f"line {line}: {problem}")
        self.line = line
        self.problem = problem


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


class _Lines:
    """The text's lines and a cursor; line numbers in errors are 1-based."""

    def __init__(self, text: str) -> None:
        self.lines = text.replace("\r\n", "\n").split("\n")
        if self.lines and self.lines[-1] == "":
            self.lines.pop()
        self.index = 0

    def peek(self) -> str | None:
        return self.lines[self.index] if self.index < len(self.lines) else None

    def take(self) -> str:
        line = self.peek()
        if line is None:
            raise self.error("the text ends too early (is the end of the message missing?)")
        self.index += 1
        return line

    def expect(self, expected: str, what: str) -> None:
        if self.take() != expected:
            raise self.error(f"expected {what}", self.index - 1)

    def skip_blank(self) -> None:
        while self.peek() == "":
            self.index += 1

    def error(self, problem: str, index: int | None = None) -> TextFormatError:
        return TextFormatError((self.index if index is None else index) + 1, problem)


def parse_text(text: str) -> dict[str, Any]:
    """The message that `text` renders; TextFormatError on any departure from the format."""
    cursor = _Lines(text)
    cursor.expect(RULE, "the banner rule of 80 '='")
    banner_at = cursor.index
    cursor.take()
    cursor.expect(RULE, "the banner rule of 80 '='")
    title_at = cursor.index
    cursor.take()

    shape = message_shape()
    message: dict[str, Any] = {}
    expected_number = 1
    cursor.skip_blank()
    while cursor.peek() != FOOTER:
        at = cursor.index
        heading = _HEADING.fullmatch(cursor.take() or "")
        if not heading or not LABEL.fullmatch(heading.group(2)):
            raise cursor.error("expected a section heading such as '2. HANDLING'", at)
        if int(heading.group(1)) != expected_number:
            raise cursor.error(f"section {expected_number} expected here; is one missing?", at)
        name = label_key(heading.group(2))
        if expected_number == 1 and name != ENVELOPE:
            raise cursor.error("the first section is 1. ENVELOPE", at)
        _parse_section(cursor, message, name, expected_number, shape, at)
        expected_number += 1
        cursor.skip_blank()

    footer_at = cursor.index
    cursor.take()
    id_line, digest_line = cursor.take(), cursor.take()
    closing = cursor.index
    cursor.expect(RULE, "the closing rule of 80 '='")
    cursor.take()
    cursor.expect(RULE, "the closing rule of 80 '='")
    cursor.skip_blank()
    if cursor.peek() is not None:
        raise cursor.error("nothing may follow the closing banner")

    expected_banner = banner(message)
    for at in (banner_at, closing + 1):
        if cursor.lines[at] != expected_banner:
            raise cursor.error(f"the banner should read {expected_banner!r}", at)
    if cursor.lines[title_at] != title(message):
        raise cursor.error(f"the title should read {title(message)!r}", title_at)
    if id_line != f"MESSAGE ID: {footer_id(message)}":
        raise cursor.error("the footer's message id differs from the envelope's", footer_at + 1)
    match = re.fullmatch(r"SHA-256: ([0-9a-f]{64})", digest_line)
    if not match:
        raise cursor.error("expected 'SHA-256: ' and 64 hex digits", footer_at + 2)
    try:
        digest = message_digest(message)
    except (ValueError, RecursionError) as exc:  # CanonicalizationError, UnicodeEncodeError
        raise cursor.error(f"no canonical JSON form: {exc}", footer_at + 2) from exc
    if digest != match.group(1):
        raise cursor.error(
            "the SHA-256 does not match the text: a line was altered, added or lost", footer_at + 2
        )
    return message


def _parse_section(
    cursor: _Lines, message: dict, name: str, number: int, shape: Shape, at: int
) -> None:
    if name == ENVELOPE:
        if number != 1:
            raise cursor.error("ENVELOPE is section 1 only", at)
        message.update(_parse_object(cursor, 0, shape))
        return
    if name in (HANDLING, SIGNATURE):
        if name in message:
            raise cursor.error(f"{name} is given twice", at)
        message[name] = _parse_object(cursor, 0, shape.fields[name], required=True)
        return
    body = message.setdefault(BODY, {})
    if not isinstance(body, dict):
        raise cursor.error("the body is given twice", at)
    body_shape = shape.fields[BODY]
    if name == BODY:
        fields = _parse_object(cursor, 0, body_shape, required=True)
        for key in fields:
            if key in body:
                raise cursor.error(f"{key} is given twice in the body", at)
        body.update(fields)
        return
    child = body_shape.fields.get(name, ANY)
    if name in body or name in RESERVED_SECTIONS:
        raise cursor.error(f"section {name} cannot appear here", at)
    if child.kind == "object":
        body[name] = _parse_object(cursor, 0, child, required=True)
    elif child.kind == "array" and child.items is not None and child.items.kind == "object":
        body[name] = _parse_entities(cursor, number, child.items)
    else:
        raise cursor.error(f"the HST body has no section {name!r}", at)


def _parse_entities(cursor: _Lines, number: int, shape: Shape) -> list[dict]:
    entities = []
    while True:
        cursor.skip_blank()
        at = cursor.index
        sub = _SUBHEADING.fullmatch(cursor.peek() or "")
        if not sub or int(sub.group(1)) != number:
            break
        cursor.take()
        if int(sub.group(2)) != len(entities) + 1:
            raise cursor.error(f"item {number}.{len(entities) + 1} expected here", at)
        entity = _parse_object(cursor, 0, shape)
        if (sub.group(3) or "") != item_label(entity):
            raise cursor.error(f"the heading should read {item_label(entity)!r}", at)
        entities.append(entity)
    if not entities:
        raise cursor.error(f"expected the sub-heading {number}.1")
    return entities


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


def _parse_object(cursor: _Lines, column: int, shape: Shape, *, required: bool = False) -> dict:
    """The `KEY: value` entries at `column` up to the first line that is less indented."""
    result: dict[str, Any] = {}
    while True:
        line = cursor.peek()
        if not line or _indent(line) < column or line == FOOTER or line[0].isdigit():
            break
        at = cursor.index
        if _indent(line) > column:
            raise cursor.error("unexpected indentation")
        entry = re.fullmatch(r"([^:]*):(?: (.*))?", line[column:])
        if not entry or not LABEL.fullmatch(entry.group(1)):
            raise cursor.error("expected 'KEY: value' with the key in capitals")
        key = label_key(entry.group(1))
        if key in result:
            raise cursor.error(f"{entry.group(1)} is given twice")
        cursor.take()
        result[key] = _parse_value(cursor, entry.group(2), shape.fields.get(key, ANY), column, at)
    if required and not result:
        raise cursor.error("this section has no entries")
    return result


def _parse_value(cursor: _Lines, rest: str | None, shape: Shape, column: int, at: int) -> Any:
    """The value whose first line (already taken) ended with `rest` (None: a block follows)."""
    if rest is not None:
        return _decode(_continued(cursor, rest, column), shape, cursor, at)
    if shape.kind == "object":
        return _parse_object(cursor, column + 2, shape, required=True)
    if shape.kind == "array" and shape.items is not None:
        return _parse_items(cursor, column + 2, shape.items)
    raise cursor.error("this field needs a value on its line", at)


def _parse_items(cursor: _Lines, column: int, shape: Shape) -> list:
    items: list[Any] = []
    while True:
        line = cursor.peek()
        if not line or _indent(line) < column:
            break
        at = cursor.index
        item = _ITEM.fullmatch(line[column:]) if _indent(line) == column else None
        if not item:
            raise cursor.error(f"expected item {len(items) + 1}) here")
        if int(item.group(1)) != len(items) + 1:
            raise cursor.error(f"item {len(items) + 1}) expected here; is one missing?")
        rest = item.group(2)
        if shape.kind == "object" and rest is not None and not rest.startswith("="):
            # The item's first KEY: value shares the line with its number; the others align.
            key_column = column + len(item.group(1)) + 2
            cursor.lines[at] = " " * key_column + rest
            items.append(_parse_object(cursor, key_column, shape, required=True))
        else:
            cursor.take()
            items.append(_parse_value(cursor, rest, shape, column, at))
    if not items:
        raise cursor.error("expected the list's items, indented by 2")
    return items


def _continued(cursor: _Lines, first: str, column: int) -> str:
    """The value text: `first` and its continuation lines (formatting rule 5)."""
    text, indent = first, " " * column
    while (line := cursor.peek()) is not None and line.startswith(indent):
        tail = line[column:]
        if tail.startswith(SOFT) and len(tail) > len(SOFT):
            text += " " + tail[len(SOFT) :]
        elif tail.startswith(CUT) and len(tail) > len(CUT):
            text += tail[len(CUT) :]
        elif tail == BREAK.rstrip() or tail.startswith(BREAK):
            text += "\n" + tail[len(BREAK) :]
        else:
            break
        cursor.take()
    return text


def _decode(text: str, shape: Shape, cursor: _Lines, at: int) -> Any:
    if text.startswith("="):
        try:
            return json.loads(text[1:], parse_constant=_reject_constant)
        except (ValueError, RecursionError) as exc:
            raise cursor.error(f"the value after '=' is not valid JSON ({exc})", at) from exc
    if shape.kind == "string":
        return text
    if shape.kind == "integer" and _INTEGER.fullmatch(text):
        return int(text)
    if shape.kind == "boolean" and text in ("YES", "NO"):
        return text == "YES"
    if shape.kind == "array" and shape.items is not None and shape.items.kind != "object":
        items = text.split(", ")
        if any(not item or item.startswith("=") for item in items):
            raise cursor.error("a list on one line holds plain codes separated by ', '", at)
        return [_decode(item, shape.items, cursor, at) for item in items]
    expected = {"integer": "a whole number", "boolean": "YES or NO", "any": "=JSON"}
    raise cursor.error(f"expected {expected.get(shape.kind, 'a block')}, found {text!r}", at)
