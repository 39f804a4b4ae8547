"""Text -> structured: the parser of the plain-text rendering (HST.md §9).

`parse_text(render_text(m)) == m` for every message `render_text` accepts. The layout and its
rules are described in `messages_hst.formatting`; this module enforces all of them and stops at
the first departure with a `TextFormatError` that names the line. Finally it recomputes the
banner, title and footer and checks the SHA-256 of the canonical JSON, so an altered, added or
lost line is caught even where the layout alone cannot tell.

Labels: the title line's first words say which language the labels are in (English, French,
Spanish or Arabic, `messages_hst.labels`); every heading and key is then read in that language
only, so a text whose labels mix two languages is refused at the first foreign label. Once the
message is read, its own `language` must call for the same labels (`labels.vocabulary_for`).
Pure Python, no Django.
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
    HANDLING,
    RESERVED_SECTIONS,
    RULE,
    SIGNATURE,
    SOFT,
    Shape,
    banner,
    footer_id,
    item_label,
    message_shape,
    title,
)
from messages_hst.labels import (
    ENGLISH,
    LABELS,
    VOCABULARIES,
    Vocabulary,
    vocabulary_for,
    vocabulary_of_title,
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
    """The text's lines, a cursor, and the vocabulary its labels are read in (the title's);
    line numbers in errors are 1-based."""

    def __init__(self, text: str) -> None:
        self.lines = text.replace("\r\n", "\n").split("\n")
        if self.lines and self.lines[-1] == "":
            self.lines.pop()
        self.index = 0
        self.vocabulary: Vocabulary = ENGLISH

    @property
    def footer(self) -> str:
        return self.vocabulary.words["footer"]

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
    vocabulary = vocabulary_of_title(cursor.take())
    if vocabulary is None:
        phrases = " / ".join(repr(v.words["title"]) for v in VOCABULARIES.values())
        raise cursor.error(f"the title line should start with one of {phrases}", title_at)
    cursor.vocabulary = vocabulary

    shape = message_shape()
    message: dict[str, Any] = {}
    expected_number = 1
    cursor.skip_blank()
    while cursor.peek() != cursor.footer:
        at = cursor.index
        heading = _HEADING.fullmatch(cursor.take() or "")
        example = f"'2. {vocabulary.label(HANDLING)}'"
        if not heading:
            raise cursor.error(f"expected a section heading such as {example}", at)
        name = _key(cursor, heading.group(2), at, f"expected a section heading such as {example}")
        if int(heading.group(1)) != expected_number:
            raise cursor.error(f"section {expected_number} expected here; is one missing?", at)
        if expected_number == 1 and name != ENVELOPE:
            raise cursor.error(f"the first section is 1. {vocabulary.label(ENVELOPE)}", at)
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

    if vocabulary_for(message) is not vocabulary:
        language = message.get("language")
        declared = f"language {language!r}" if isinstance(language, str) else "no language"
        raise cursor.error(
            f"the labels are in {vocabulary.name} (as the title says), but a message with "
            f"{declared} is rendered with labels in {vocabulary_for(message).name}",
            title_at,
        )
    expected_banner = banner(message, vocabulary)
    for at in (banner_at, closing + 1):
        if cursor.lines[at] != expected_banner:
            raise cursor.error(f"the banner should read {expected_banner!r}", at)
    if cursor.lines[title_at] != title(message, vocabulary):
        raise cursor.error(f"the title should read {title(message, vocabulary)!r}", title_at)
    if id_line != f"{vocabulary.label('message_id')}: {footer_id(message)}":
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
        expected = item_label(entity, cursor.vocabulary)
        if (sub.group(3) or "") != expected:
            raise cursor.error(f"the heading should read {expected!r}", at)
        entities.append(entity)
    if not entities:
        raise cursor.error(f"expected the sub-heading {number}.1")
    return entities


def _key(cursor: _Lines, label: str, at: int, problem: str, *, json_value: bool = False) -> str:
    """The key that `label` stands for in the text's language; an error naming the languages
    it belongs to when it is another language's label, `problem` when it is no label at all.

    A key without a label of its own (`x_...`) keeps its derived form, which may happen to be
    another language's label (`SEXO`): it is read as such a key only where such a key can be,
    as a field whose value is =JSON (`json_value`), never as a heading or a plain value."""
    vocabulary = cursor.vocabulary
    key = vocabulary.key(label)
    others = [v.name for v in VOCABULARIES.values() if v is not vocabulary and label in v.keys]
    if key is not None and (key in LABELS or json_value or not others):
        return key
    if others:
        raise cursor.error(
            f"{label!r} is a label in {' and '.join(others)}, but this text's labels are in "
            f"{cursor.vocabulary.name} (as its title says): they cannot be mixed",
            at,
        )
    raise cursor.error(problem, at)


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


def _parse_object(cursor: _Lines, column: int, shape: Shape, *, required: bool = False) -> dict:
    """The `KEY: value` entries at `column` up to the first line that is less indented."""
    result: dict[str, Any] = {}
    if cursor.vocabulary is ENGLISH:
        problem = "expected 'KEY: value' with the key in capitals"
    else:
        problem = f"expected 'KEY: value' with the key in {cursor.vocabulary.name}"
    while True:
        line = cursor.peek()
        if not line or _indent(line) < column or line == cursor.footer or line[0].isdigit():
            break
        at = cursor.index
        if _indent(line) > column:
            raise cursor.error("unexpected indentation")
        entry = re.fullmatch(r"([^:]*):(?: (.*))?", line[column:])
        if not entry:
            raise cursor.error(problem)
        json_value = (entry.group(2) or "").startswith("=")
        key = _key(cursor, entry.group(1), at, problem, json_value=json_value)
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
    yes, no = cursor.vocabulary.words["yes"], cursor.vocabulary.words["no"]
    if shape.kind == "boolean" and text in (yes, no):
        return text == yes
    if shape.kind == "array" and shape.items is not None and shape.items.kind != "object":
        items = text.split(", ")
        if any(not item or item.startswith("=") for item in items):
            raise cursor.error("a list on one line holds plain codes separated by ', '", at)
        return [_decode(item, shape.items, cursor, at) for item in items]
    expected = {"integer": "a whole number", "boolean": f"{yes} or {no}", "any": "=JSON"}
    raise cursor.error(f"expected {expected.get(shape.kind, 'a block')}, found {text!r}", at)
