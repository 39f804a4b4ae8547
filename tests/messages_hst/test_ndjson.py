"""The batch inbox's newline-delimited bodies, as both ends write and read them."""

from messages_hst.ndjson import joined, split_lines


def test_lines_read_back_as_written_the_last_break_optional():
    items = [b'{"a":1}', b'{"b":2}']

    assert split_lines(joined(items)) == items
    assert split_lines(b'{"a":1}\n{"b":2}') == items


def test_an_empty_line_is_an_item_of_its_own():
    # the reader refuses it as any unreadable message; it is never silently dropped
    assert split_lines(b'{"a":1}\n\n{"b":2}\n') == [b'{"a":1}', b"", b'{"b":2}']
    assert split_lines(b"") == [b""]
