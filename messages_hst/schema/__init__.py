"""The JSON Schema of the HST message, shipped with the code (HST.md §1).

`hst-1.0.json` is the source of truth for partners: it is plain JSON Schema draft 2020-12 and
needs nothing of this project. Formats (uuid, date, date-time, partial-date) are also written as
patterns, so that a validator which ignores `format` still checks them. Pure Python, no Django.

Where the schema makes HST.md 1.0 precise (the spec leaves these open):

- Message types: the ten of §5 plus REMINDER (issue 5: "a REMINDER can be sent" for an overdue
  REQUEST; it needs `thread.in_reply_to`). Business types need `case`; RECEIPT and RESPONSE,
  which are about a message rather than a case, do not. UPDATE needs `thread.references`.
- Type-specific content lives in named body objects: `outcomes[]` (REPLY: request_ref, outcome,
  details), `cancellation` (CANCEL: instruction, reason), `closure` (CLOSE: reason, remarks),
  `receipt` (RECEIPT: the five fields of §5, plus the validation `problems`), `response`
  (RESPONSE: outcome, reason_codes (at least one when REJECTED), comment), `reminder`.
- Entities are named by a ref whose letter says what it is (P person, L location, D document,
  O organisation, V vehicle, C communication, F financial, E exploitation, R request,
  A attachment `id`), so that `holder_ref` can be required to name a person. Route legs use
  `from_ref` / `to_ref`, `departure_date` / `arrival_date` and `vehicle_ref`.
- `family_name` is written in capitals in the data (the validator insists) so that the text
  rendering shows capitals without changing a character; `created_at` is UTC ending in Z.
- `information_accuracy` is a code ("1".."4"), `amount` a decimal string with its ISO 4217
  `currency`, `mrz` a list of the zone's lines, NCB codes ISO alpha-2, GS or RB-xxx (regional
  bureaus, as `contacts.SubRegionalBureau.code`).
- Entity handling overrides exist on persons, documents, organisations, vehicles, comms and
  financial items; `victim_context.age_at_exploitation` lets minors be detected when the date of
  birth is withheld.
"""

import copy
import json
from functools import cache
from importlib import resources
from typing import Any

HST_VERSION = "1.0"
SCHEMA_FILES = {"1.0": "hst-1.0.json"}


@cache
def _schema_text(version: str) -> str:
    try:
        name = SCHEMA_FILES[version]
    except KeyError:
        raise ValueError(f"no HST schema for version {version!r}") from None
    return resources.files(__package__).joinpath(name).read_text(encoding="utf-8")


@cache
def _shared_schema(version: str) -> dict[str, Any]:
    return json.loads(_schema_text(version))


def load_schema(version: str = HST_VERSION) -> dict[str, Any]:
    """The schema of `version` as a fresh dict that the caller may change."""
    return copy.deepcopy(_shared_schema(version))


def shared_schema(version: str = HST_VERSION) -> dict[str, Any]:
    """The schema of `version`, parsed once and shared: read it, never change it."""
    return _shared_schema(version)
