"""Protected persons' identities left out of a document for a reader without the
victim-identity permission (DESIGN.md §5): the same minimisation the composer applies.

A protected person (a victim, a possible victim or a child, as `messages_hst.validation`
counts them for the computed flags) keeps its ref, sex, year of birth,
nationalities, status and roles; its names, aliases, place of birth and remarks go. What it
holds (documents, phones, accounts, vehicles) loses the values that would identify it again.
Problems pointing into them keep their path, code and severity but not their message, which
may quote a value. Pure: the input is never changed.
"""

import copy
from typing import Any

from django.utils.translation import gettext as _

from messages_hst import validation

PERSON_IDENTITY_FIELDS = (
    "family_name",
    "forenames",
    "name_original_script",
    "aliases",
    "place_of_birth",
    "remarks",
)
HELD_IDENTIFIERS = {
    "documents": ("number", "mrz", "remarks"),
    "comms": ("value", "platform", "remarks"),
    "financial": ("account_identifier", "description"),
    "vehicles": ("registration", "vin", "remarks"),
}


def _items(body: dict, key: str) -> list[dict]:
    items = body.get(key)
    return [item for item in items if isinstance(item, dict)] if isinstance(items, list) else []


def protected_refs(document: dict) -> set[str]:
    """Refs of the document's victims, possible victims and children: the validator's own
    definitions (those of the computed flags), as the message pages use them."""
    return validation.protected_person_refs(document)


def document_without_victim_identity(document: Any) -> Any:
    """A copy of `document` with the protected persons' identities left out (see the module
    docstring); `document` itself when there was nothing to leave out."""
    if not isinstance(document, dict) or not isinstance(document.get("body"), dict):
        return document
    refs = protected_refs(document)
    if not refs:
        return document
    masked = copy.deepcopy(document)
    body = masked["body"]
    for person in _items(body, "persons"):
        if person.get("ref") in refs:
            for field in PERSON_IDENTITY_FIELDS:
                person.pop(field, None)
            if isinstance(person.get("date_of_birth"), str):
                person["date_of_birth"] = person["date_of_birth"][:4]
    for key, fields in HELD_IDENTIFIERS.items():
        for item in _items(body, key):
            if item.get("holder_ref") in refs:
                for field in fields:
                    item.pop(field, None)
    return document if masked == document else masked


def _protected_pointers(document: dict, refs: set[str]) -> list[str]:
    """JSON pointers of the protected persons and of what they hold."""
    body = document["body"]
    pointers = []
    for key in ("persons", *HELD_IDENTIFIERS):
        items = body.get(key)
        if not isinstance(items, list):
            continue
        ref_key = "ref" if key == "persons" else "holder_ref"
        pointers += [
            f"/body/{key}/{index}"
            for index, item in enumerate(items)
            if isinstance(item, dict) and item.get(ref_key) in refs
        ]
    return pointers


def problems_without_victim_identity(problems: list[dict], document: Any) -> list[dict]:
    """`problems` whose messages could quote a protected person's data (they point into
    the person or into what they hold) keep their path, code and severity; their message
    says only that the value is withheld."""
    if not isinstance(document, dict) or not isinstance(document.get("body"), dict):
        return problems
    refs = protected_refs(document)
    if not refs:
        return problems
    pointers = _protected_pointers(document, refs)
    withheld = _("Value withheld: it concerns a protected person.")
    return [
        {**problem, "message": withheld}
        if any(
            str(problem.get("path", "")) == pointer
            or str(problem.get("path", "")).startswith(pointer + "/")
            for pointer in pointers
        )
        else problem
        for problem in problems
    ]


def document_with_withheld_identity_kept(edited: Any, stored: Any) -> Any:
    """`edited` (a document sent by a writer who was shown it masked) with the identities it
    could not see taken back from `stored`, so that saving a masked document never erases
    them; a writer cannot change what they may not read. A copy; `edited` as it is when
    nothing was withheld."""
    if not all(
        isinstance(doc, dict) and isinstance(doc.get("body"), dict) for doc in (edited, stored)
    ):
        return edited
    refs = protected_refs(stored)
    if not refs:
        return edited
    kept = copy.deepcopy(edited)
    stored_persons = {
        person["ref"]: person
        for person in _items(stored["body"], "persons")
        if person.get("ref") in refs
    }
    for person in _items(kept["body"], "persons"):
        original = stored_persons.get(person.get("ref"))
        if original is None:
            continue
        for field in PERSON_IDENTITY_FIELDS:
            if field in original:
                person[field] = copy.deepcopy(original[field])
        birth = original.get("date_of_birth")
        if isinstance(birth, str) and person.get("date_of_birth") == birth[:4]:
            person["date_of_birth"] = birth
    for key, fields in HELD_IDENTIFIERS.items():
        held = {
            item.get("ref"): item
            for item in _items(stored["body"], key)
            if item.get("holder_ref") in refs
        }
        for item in _items(kept["body"], key):
            original = held.get(item.get("ref"))
            if original is None or item.get("holder_ref") != original.get("holder_ref"):
                continue
            for field in fields:
                if field in original:
                    item[field] = copy.deepcopy(original[field])
    return kept
