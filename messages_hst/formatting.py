"""The plain-text rendering of an HST message (HST.md §9): structured -> text.

`render_text(message)` writes a text that an officer reads like a telex and that
`messages_hst.parsing.parse_text` turns back into exactly the same message. The layout (with
English labels; rule 2 says which language the labels are in):

    ================================================================================
    INTERPOL RESTRICTED // RECIPIENTS ONLY // VICTIM DATA        <- banner (top and bottom)
    ================================================================================
    HST FORMATTED MESSAGE 1.0 / REQUEST / PRIORITY URGENT
                                                                 <- blank line
    1. ENVELOPE                                                  <- numbered section heading
    MESSAGE ID: 0d0c6ad4-...                                     <- KEY: value
    SENDER:                                                      <- an object: its keys
      NCB CODE: FR                                                  indented by 2
    RECIPIENTS:                                                  <- a list: numbered items
      1) NCB CODE: DE
         ROLE: TO
    2. HANDLING
    PURPOSE: criminal_investigation, identify_person             <- codes: one line, ", "
    4. PERSONS
    4.1 P1                                                       <- one sub-heading per entity
    FAMILY NAME: DURAND-TEST
    SUMMARY: Three women were recruited through a false job offer and taken by
        coach to Lyon.                                           <- wrapped at a space
      | A second paragraph.                                      <- a line break in the value
    VALUE: QmFzZTY0dXJsIHRleHQgd2l0aG91dCBhbnkgc3BhY2Ug...
      + d2hpY2ggaXMgY3V0IGF0IHRoZSBtYXJnaW4                      <- cut inside a word
    X PARTNER REF: ={"unit": "OCRTEH-TEST"}                      <- "=" introduces JSON
    END OF MESSAGE
    MESSAGE ID: 0d0c6ad4-...
    SHA-256: <SHA-256 of the RFC 8785 canonical JSON of the message>

Rules (the parser enforces every one of them):

1. Sections: `1. ENVELOPE` (all top-level fields but handling, body and signature),
   `2. HANDLING`, then one section per body field that holds an object or a list of objects
   (`N. CASE SUMMARY`, `N. PERSONS` with sub-headings `N.M <ref>`), a `N. BODY` section for the
   body's other fields, and `N. SIGNATURE`. Blank lines appear only before headings and the
   footer. Headings are the only lines that start with a digit at column 0.
2. Labels (headings, keys, the fixed words) are in the message's own `language`, English when
   it has no label set (`messages_hst.labels`): in English the JSON keys in capitals with
   spaces for underscores (`family_name` -> `FAMILY NAME`), in French, Spanish and Arabic the
   written-out terms (`NOM DE FAMILLE`, `APELLIDOS`, `اسم العائلة`); keys without one
   (extensions `x_...`) keep the derived form. Each language's labels map back one to one;
   schema fields come in schema order, then any others sorted. Family names are written in
   capitals in the data itself (the validator insists), so the rendering never changes a
   character. Values are never translated: codes, dates and names read the same in every
   language.
3. Values are typed by the schema: text as is, integers in digits, booleans YES / NO (OUI /
   NON, SÍ / NO, نعم / لا), lists of codes on one line separated by ", ", other lists as
   numbered items `1)`, objects as indented blocks. Dates and times are ISO 8601 / RFC 3339
   UTC as the schema requires.
4. Escaping: a value that starts with `=` is JSON. It is used for extension fields, for values
   whose type the schema does not expect, for empty lists and objects, and for text that would
   not survive as plain lines: empty, leading or trailing spaces, a leading `=`, control or
   invisible characters, three spaces in a row. Inside that JSON, invisible characters and
   repeated spaces are written as \\uXXXX escapes, so every line stays printable and no line
   ends with a space (mail gateways strip trailing spaces).
5. Wrapping: no line is longer than 80 characters. A long value continues on lines indented by
   its key's column plus a 4-character marker: four spaces = "the line was broken at one
   space", `  + ` = "broken inside a word", `  | ` (`  |` alone for an empty line) = "a line
   break of the value". Everything after the marker is the value verbatim, so nothing is lost
   and a value can never be mistaken for a heading or a key.
6. The banner (confidentiality // dissemination // VICTIM or MINOR DATA), the title line and the
   footer are derived from the message; the parser recomputes and compares them, and checks the
   SHA-256 of the canonical JSON (`signing.message_digest`) to catch any altered or lost line.
   The title's first words name the label language (`HST FORMATTED MESSAGE`, `MESSAGE FORMATÉ
   HST`...): the parser reads every label in that language only, then checks that it is the
   one the message's `language` calls for.
7. Arabic is written right to left, but the file stays plain text in logical order (label,
   colon, value), with no direction marks: a viewer lays it out. Every label is precomposed
   (no combining marks), so the 80-column rule counts characters, never bytes.

The schema's own refinements of HST.md are listed in `messages_hst.schema`. Pure Python, no
Django.
"""

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from messages_hst import codelists
from messages_hst.labels import Vocabulary, vocabulary_for
from messages_hst.schema import shared_schema
from messages_hst.signing import message_digest

WIDTH = 80
RULE = "=" * WIDTH
SOFT, CUT, BREAK = "    ", "  + ", "  | "
ENVELOPE, HANDLING, BODY, SIGNATURE = "envelope", "handling", "body", "signature"
# Body fields with these names cannot become sections: their headings mean something else.
RESERVED_SECTIONS = frozenset({ENVELOPE, HANDLING, BODY, SIGNATURE})
KEY = re.compile(r"[a-z][a-z0-9]*(?:_[a-z0-9]+)*")
MAX_KEY_LENGTH = 40


@dataclass(frozen=True)
class Shape:
    """What the schema says a value is: kind in object / array / string / integer / boolean /
    number / any, the fields of an object, the items of an array."""

    kind: str
    fields: Mapping[str, "Shape"] = field(default_factory=dict)
    items: "Shape | None" = None


ANY = Shape("any")


@cache
def message_shape() -> Shape:
    """The shape of a whole message, read from the shipped schema."""
    schema = shared_schema()

    def compile_node(node: Mapping[str, Any]) -> Shape:
        if "$ref" in node:
            return compile_node(schema["$defs"][node["$ref"].rsplit("/", 1)[1]])
        kind = node.get("type") or ("string" if isinstance(node.get("const"), str) else "any")
        if kind == "object":
            return Shape(kind, {k: compile_node(v) for k, v in node.get("properties", {}).items()})
        if kind == "array":
            return Shape(kind, items=compile_node(node.get("items", {})))
        return Shape(kind if isinstance(kind, str) else "any")

    return compile_node(schema)


def is_structural(value: Any) -> bool:
    """Whether a dict can be written as KEY: lines (every key a short snake_case name)."""
    return isinstance(value, dict) and all(
        isinstance(k, str) and KEY.fullmatch(k) and len(k) <= MAX_KEY_LENGTH for k in value
    )


def ordered_keys(value: dict, shape: Shape) -> list[str]:
    known = [k for k in shape.fields if k in value]
    return known + sorted(k for k in value if k not in shape.fields)


def is_plain_text(text: str) -> bool:
    """Whether `text` can be written as is (rule 4); otherwise it is written as =JSON."""
    if not text or text[0].isspace() or text[0] == "=" or text[-1].isspace():
        return False
    if "\n" not in text:  # most values: one line, not ending in a space (checked above)
        return text.isprintable() and "   " not in text
    return all(
        line.isprintable() and not line.endswith(" ") and "   " not in line
        for line in text.split("\n")
    )


def json_text(value: Any) -> str:
    """JSON on one printable line: sorted keys, invisible characters and repeated spaces as
    \\uXXXX escapes."""
    text = json.dumps(value, ensure_ascii=False, sort_keys=True, allow_nan=False)
    text = "".join(char if char.isprintable() else _escape(char) for char in text)
    return re.sub(r"(?<= ) ", r"\\u0020", text)


def _escape(char: str) -> str:
    code = ord(char)
    if code <= 0xFFFF:
        return f"\\u{code:04x}"
    code -= 0x10000
    return f"\\u{0xD800 + (code >> 10):04x}\\u{0xDC00 + (code & 0x3FF):04x}"


def plain_value(value: Any, shape: Shape, vocabulary: Vocabulary) -> str | None:
    """The plain text of a scalar that the schema expects here, or None (then =JSON)."""
    if shape.kind == "string" and isinstance(value, str) and is_plain_text(value):
        return value
    if shape.kind == "integer" and isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    if shape.kind == "boolean" and isinstance(value, bool):
        return vocabulary.words["yes" if value else "no"]
    return None


def value_text(value: Any, shape: Shape, vocabulary: Vocabulary) -> str:
    plain = plain_value(value, shape, vocabulary)
    return plain if plain is not None else "=" + json_text(value)


def inline_list(value: list, item_shape: Shape, vocabulary: Vocabulary) -> str | None:
    """`A, B, C` when every item is a plain token (no space, no comma), else None."""
    if item_shape.kind not in ("string", "integer", "boolean"):
        return None
    texts = [plain_value(item, item_shape, vocabulary) for item in value]
    if any(t is None or " " in t or "," in t or "\n" in t for t in texts):
        return None
    return ", ".join(texts)  # type: ignore[arg-type]


# --- Wrapping --------------------------------------------------------------------------------


def wrap(head: str, text: str, column: int) -> list[str]:
    """`head` + `text` as lines of at most 80 characters, continued at `column` (rule 5)."""
    indent = " " * column
    lines: list[str] = []
    for number, paragraph in enumerate(text.split("\n")):
        if number == 0:
            prefix = head
        elif not paragraph:
            lines.append(indent + BREAK.rstrip())
            continue
        else:
            prefix = indent + BREAK
        rest = paragraph
        while len(prefix) + len(rest) > WIDTH:
            room = WIDTH - len(prefix)
            cut = _space_before(rest, room)
            if cut:
                lines.append(prefix + rest[:cut])
                rest, prefix = rest[cut + 1 :], indent + SOFT
            else:
                cut = max(room, 1)
                while cut > 1 and rest[cut - 1] == " ":
                    cut -= 1
                lines.append(prefix + rest[:cut])
                rest, prefix = rest[cut:], indent + CUT
        lines.append(prefix + rest)
    return lines


def _space_before(text: str, room: int) -> int:
    """The last space at or before `room` that ends a word and leaves something after it."""
    position = text.rfind(" ", 1, room + 1)
    while position > 0:
        if text[position - 1] != " " and position + 1 < len(text):
            return position
        position = text.rfind(" ", 1, position)
    return 0


# --- Rendering -------------------------------------------------------------------------------


def object_lines(value: dict, shape: Shape, column: int, vocabulary: Vocabulary) -> list[str]:
    lines: list[str] = []
    for key in ordered_keys(value, shape):
        head = " " * column + vocabulary.label(key) + ":"
        lines += value_lines(head, value[key], shape.fields.get(key, ANY), column, vocabulary)
    return lines


def value_lines(
    head: str, value: Any, shape: Shape, column: int, vocabulary: Vocabulary
) -> list[str]:
    """The lines of one value whose line starts with `head` (`  KEY:` or `  3)`)."""
    if shape.kind == "object" and value and is_structural(value):
        return [head, *object_lines(value, shape, column + 2, vocabulary)]
    if shape.kind == "array" and value and isinstance(value, list) and shape.items:
        inline = inline_list(value, shape.items, vocabulary)
        if inline is not None:
            return wrap(head + " ", inline, column)
        lines = [head]
        for number, item in enumerate(value, start=1):
            lines += item_lines(number, item, shape.items, column + 2, vocabulary)
        return lines
    return wrap(head + " ", value_text(value, shape, vocabulary), column)


def item_lines(
    number: int, item: Any, shape: Shape, column: int, vocabulary: Vocabulary
) -> list[str]:
    marker = f"{number}) "
    if shape.kind == "object" and item and is_structural(item):
        lines = object_lines(item, shape, column + len(marker), vocabulary)
        lines[0] = " " * column + marker + lines[0][column + len(marker) :]
        return lines
    return value_lines(" " * column + marker.rstrip(), item, shape, column, vocabulary)


def banner(message: Mapping[str, Any], vocabulary: Vocabulary) -> str:
    """Confidentiality // dissemination // VICTIM or MINOR DATA, in the rendering's words."""
    words = vocabulary.words
    handling = message.get(HANDLING)
    handling = handling if isinstance(handling, dict) else {}
    level, spread = handling.get("confidentiality_level"), handling.get("dissemination")
    parts = [
        words[level] if level in codelists.CONFIDENTIALITY_LEVELS else words["unmarked"],
        words[spread] if spread in codelists.DISSEMINATION else words["dissemination_unset"],
    ]
    if handling.get("minor_data_present") is True:
        parts.append(words["minor_data"])
    elif handling.get("victim_data_present") is True:
        parts.append(words["victim_data"])
    return " // ".join(parts)


def title(message: Mapping[str, Any], vocabulary: Vocabulary) -> str:
    def token(key: str) -> str:
        value = message.get(key)
        plain = isinstance(value, str) and re.fullmatch(r"[A-Z0-9._]{1,20}", value)
        return value if plain else "?"

    phrase, version = vocabulary.words["title"], token("hst_version")
    kind, priority = token("message_type"), vocabulary.label("priority") + " " + token("priority")
    return f"{phrase} {version} / {kind} / {priority}"


def footer_id(message: Mapping[str, Any]) -> str:
    value = message.get("message_id")
    return value if isinstance(value, str) and re.fullmatch(r"[0-9A-Za-z-]{1,64}", value) else "-"


def item_label(item: dict, vocabulary: Vocabulary) -> str:
    """The sub-heading after `N.M`: the entity's ref, a route leg's number, or what a
    relationship says."""
    label = _item_label(item, vocabulary)
    return label if len(label) <= 60 else ""


def _item_label(item: dict, vocabulary: Vocabulary) -> str:
    token = re.compile(r"[A-Z][A-Z0-9_]{0,39}")
    for key in ("ref", "id", "request_ref"):
        if isinstance(item.get(key), str) and token.fullmatch(item[key]):
            return item[key]
    if isinstance(item.get("seq"), int) and not isinstance(item["seq"], bool):
        return f"{vocabulary.words['leg']} {item['seq']}"
    parts = [item.get(k) for k in ("source_ref", "type", "target_ref")]
    if all(isinstance(p, str) and token.fullmatch(p) for p in parts):
        return " ".join(parts)  # type: ignore[arg-type]
    return ""


def body_sections(body: dict, shape: Shape) -> tuple[list[str], list[tuple[str, str]]]:
    """The body fields for the BODY section, and (field, "object" | "list") of the others."""
    leftovers, sections = [], []
    for key in ordered_keys(body, shape):
        value, child = body[key], shape.fields.get(key, ANY)
        if key in RESERVED_SECTIONS:
            leftovers.append(key)
        elif child.kind == "object" and value and is_structural(value):
            sections.append((key, "object"))
        elif (
            child.kind == "array"
            and child.items is not None
            and child.items.kind == "object"
            and value
            and isinstance(value, list)
            and all(is_structural(item) for item in value)
        ):
            sections.append((key, "list"))
        else:
            leftovers.append(key)
    return leftovers, sections


def sectioned(message: dict, key: str) -> bool:
    """Whether a top-level member gets its own section rather than a line in the envelope."""
    value = message.get(key)
    return key in (HANDLING, BODY, SIGNATURE) and bool(value) and is_structural(value)


def render_text(message: dict, *, digest: str | None = None) -> str:
    """The plain-text rendering of `message`; deterministic, whatever the order of its keys.

    `digest`: the message's `signing.message_digest`, when the caller has it already (the
    pipeline hashes the signed bytes it stores): not computed a second time.
    Raises ValueError for a message that is not an object with snake_case keys, or that has no
    canonical JSON form (NaN, a number beyond 2**53, a lone surrogate)."""
    if not is_structural(message):
        raise ValueError("an HST message is a JSON object whose keys are snake_case names")
    shape = message_shape()
    digest = digest or message_digest(message)
    vocabulary = vocabulary_for(message)
    top = [RULE, banner(message, vocabulary), RULE]
    lines = [*top, title(message, vocabulary)]
    number = 0

    def section(name: str) -> None:
        nonlocal number
        number += 1
        lines.extend(["", f"{number}. {vocabulary.label(name)}"])

    envelope = {k: v for k, v in message.items() if not sectioned(message, k)}
    section(ENVELOPE)
    lines.extend(object_lines(envelope, shape, 0, vocabulary))
    if sectioned(message, HANDLING):
        section(HANDLING)
        lines.extend(object_lines(message[HANDLING], shape.fields[HANDLING], 0, vocabulary))
    if sectioned(message, BODY):
        body, body_shape = message[BODY], shape.fields[BODY]
        leftovers, sections = body_sections(body, body_shape)
        if leftovers:
            section(BODY)
            lines.extend(object_lines({k: body[k] for k in leftovers}, body_shape, 0, vocabulary))
        for key, kind in sections:
            section(key)
            child = body_shape.fields[key]
            if kind == "object":
                lines.extend(object_lines(body[key], child, 0, vocabulary))
                continue
            for index, item in enumerate(body[key], start=1):
                label = item_label(item, vocabulary)
                lines.append(f"{number}.{index}" + (f" {label}" if label else ""))
                lines.extend(object_lines(item, child.items or ANY, 0, vocabulary))
    if sectioned(message, SIGNATURE):
        section(SIGNATURE)
        lines.extend(object_lines(message[SIGNATURE], shape.fields[SIGNATURE], 0, vocabulary))
    lines += [
        "",
        vocabulary.words["footer"],
        f"{vocabulary.label('message_id')}: {footer_id(message)}",
        f"SHA-256: {digest}",
        *top,
    ]
    return "\n".join(lines) + "\n"
