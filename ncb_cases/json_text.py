"""Text a parsed JSON document may hold but that cannot be stored or signed.

PostgreSQL's jsonb refuses the NUL character (`\\u0000`), and a lone surrogate (`\\ud800`, which
Python's json module accepts) has no UTF-8 form: I-JSON (RFC 7493 §2.1) rules both out, so a
body holding either is refused as malformed rather than failing later, half stored.
Pure: no Django.
"""

import re
from typing import Any

_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")


def _pointer_token(key: str) -> str:
    return key.replace("~", "~0").replace("/", "~1")


def unstorable_text_path(value: Any) -> str | None:
    """The JSON pointer of the first member name or string holding a NUL character or a lone
    surrogate ("" for the document itself), or None when every string can be stored."""
    pending: list[tuple[str, Any]] = [("", value)]
    while pending:
        path, node = pending.pop()
        if isinstance(node, str):
            if _UNSTORABLE.search(node):
                return path
        elif isinstance(node, dict):
            for key, child in node.items():
                child_path = f"{path}/{_pointer_token(str(key))}"
                if isinstance(key, str) and _UNSTORABLE.search(key):
                    # The name itself cannot be printed safely either: point at its parent.
                    return path
                pending.append((child_path, child))
        elif isinstance(node, list):
            pending.extend((f"{path}/{index}", child) for index, child in enumerate(node))
    return None
