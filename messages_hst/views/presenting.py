"""How a message's content is shown on the pages: protected persons masked, the summary of
the body a reader scans before the full text rendering.

A message may name a victim (a composer with the victim-identity permission may include the
identity). On the pages a protected person — a victim, a possible victim, a child — appears
by ref and status only ("Victim P2") unless the reader holds the victim-identity permission
on the message's case (`ncb_cases.selectors.victim_identity_permitted`); the text rendering
of such a message is then withheld too, since it would name them. Messages without a case
(received ones not yet triaged) follow the strict rule: masked for everyone.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _

# One masking rule for the API and the pages (helper-E's module; the lead may move it out of
# `api/` since both adapters use it).
from messages_hst.redaction import (
    document_without_victim_identity,
    problems_without_victim_identity,
    protected_refs,
)


def _dict(value: Any) -> dict:
    return value if isinstance(value, dict) else {}


def _list(value: Any) -> list:
    return value if isinstance(value, list) else []


def _protected(document: Any) -> set[str]:
    if not isinstance(document, dict) or not isinstance(document.get("body"), dict):
        return set()
    return protected_refs(document)


def shown_problems(problems: Any, document: Any, *, identity_visible: bool) -> list[dict]:
    """Validation problems as a reader may see them: one that points into a protected person
    (and could quote their data) says only that the value is withheld."""
    problems = [problem for problem in problems or [] if isinstance(problem, dict)]
    if identity_visible:
        return problems
    return problems_without_victim_identity(problems, document)


def names_protected_person(document: Any) -> bool:
    """Whether `document` carries identifying data of a protected person."""
    return document_without_victim_identity(document) is not document


@dataclass(frozen=True)
class PersonLine:
    """One person of a message as a page lists it."""

    ref: str
    status: str
    name: str
    protected: bool
    masked: bool
    details: list[str] = field(default_factory=list)


def _status_label(status: str) -> str:
    return status.replace("_", " ").capitalize() if status else _("Person")


def person_lines(document: dict | None, *, identity_visible: bool) -> list[PersonLine]:
    """The persons of `document`; a protected person's identity only if `identity_visible`."""
    refs = _protected(document)
    if not identity_visible:
        document = document_without_victim_identity(document)
    lines = []
    for person in _list(_dict(_dict(document).get("body")).get("persons")):
        if not isinstance(person, dict):
            continue
        ref = str(person.get("ref", ""))
        protected = ref in refs
        masked = protected and not identity_visible
        status = str(person.get("status", ""))
        if masked:
            name = _("%(status)s %(ref)s") % {"status": _status_label(status), "ref": ref}
        else:
            name = " ".join(
                part
                for part in (str(person.get("family_name", "")).upper(), person.get("forenames"))
                if part
            ) or _("(no name given)")
        details = []
        if person.get("sex"):
            details.append(str(person["sex"]))
        birth = person.get("date_of_birth")
        if isinstance(birth, str) and birth:
            details.append(birth[:4] if masked else birth)
        details.extend(str(code) for code in _list(person.get("nationalities")))
        details.extend(str(role).lower() for role in _list(person.get("roles_in_process")))
        lines.append(PersonLine(ref, status, name, protected, masked, details))
    return lines


def importable_items(document: dict | None, *, identity_visible: bool) -> list[tuple[str, str]]:
    """(ref, label) of the persons, phones and documents a triage may import into a case."""
    if not isinstance(document, dict):
        return []
    body = _dict(document.get("body"))
    choices = [
        (line.ref, _("Person %(ref)s · %(name)s") % {"ref": line.ref, "name": line.name})
        for line in person_lines(document, identity_visible=identity_visible)
        if line.ref
    ]
    protected = _protected(document)
    # Triage imports phones only of the communication identifiers (`comms` of kind PHONE).
    for comm in _list(body.get("comms")):
        if isinstance(comm, dict) and comm.get("ref") and comm.get("kind") == "PHONE":
            hidden = not identity_visible and comm.get("holder_ref") in protected
            value = _("withheld") if hidden else str(comm.get("value", ""))
            label = _("Phone %(ref)s · %(value)s") % {"ref": comm["ref"], "value": value}
            choices.append((str(comm["ref"]), label))
    for item in _list(body.get("documents")):
        if isinstance(item, dict) and item.get("ref"):
            hidden = not identity_visible and item.get("holder_ref") in protected
            number = "" if hidden else str(item.get("number", ""))
            label = _("Document %(ref)s · %(kind)s %(state)s %(number)s") % {
                "ref": item["ref"],
                "kind": str(item.get("doc_type", "")).lower(),
                "state": item.get("issuing_state", ""),
                "number": number,
            }
            choices.append((str(item["ref"]), label.strip()))
    return choices


@dataclass(frozen=True)
class DocumentSummary:
    """What the pages show of a document besides its text rendering."""

    handling: dict
    case_summary: dict
    persons: list[PersonLine]
    requests: list[dict]
    outcomes: list[dict]
    recipients: list[dict]
    thread: dict
    receipt: dict
    response: dict
    identity_masked: bool
    rendering_withheld: bool


def summarise(document: dict | None, *, identity_visible: bool) -> DocumentSummary:
    """A page's view of `document` (outgoing or received), masked for `identity_visible`."""
    document = _dict(document)
    body = _dict(document.get("body"))
    persons = person_lines(document, identity_visible=identity_visible)
    withheld = not identity_visible and names_protected_person(document)
    summary = _dict(body.get("case_summary"))
    return DocumentSummary(
        handling=_dict(document.get("handling")),
        # A summary is free text: it may name a victim, so it goes when names would.
        case_summary={**summary, "summary": ""} if withheld else summary,
        persons=persons,
        requests=[item for item in _list(body.get("requests")) if isinstance(item, dict)],
        outcomes=[item for item in _list(body.get("outcomes")) if isinstance(item, dict)],
        recipients=[item for item in _list(document.get("recipients")) if isinstance(item, dict)],
        thread=_dict(document.get("thread")),
        receipt=_dict(body.get("receipt")),
        response=_dict(body.get("response")),
        identity_masked=any(line.masked for line in persons),
        rendering_withheld=withheld,
    )
