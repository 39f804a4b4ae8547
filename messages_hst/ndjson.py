"""Newline-delimited bodies of the batch inbox (docs/hst.md §4.1), as both ends of the protocol
write and read them: the receiving view and the sending peer transport. Pure: no Django.

Each line is one item's bytes (a signed message's canonical JSON, or one answer), which hold
no raw line break; the last line's break is optional."""

MEDIA_TYPE = "application/x-ndjson"


def split_lines(body: bytes) -> list[bytes]:
    """The items of a newline-delimited body, in order."""
    lines = body.split(b"\n")
    if len(lines) > 1 and lines[-1] == b"":
        lines.pop()
    return lines


def joined(items: list[bytes]) -> bytes:
    """A newline-delimited body of `items`, each line ended."""
    return b"".join(item + b"\n" for item in items)
