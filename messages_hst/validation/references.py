"""Level 2 of HST.md §8, references: every entity reference resolves, refs are unique, route
legs are ordered and contiguous, recipients are distinct; with the earlier messages at hand
(`KnownMessages`), a REPLY / REMINDER answers a known REQUEST and a CORRECTION / CANCEL
supersedes a message of the same sender."""

import itertools
from collections.abc import Callable, Mapping
from typing import Any

from messages_hst.validation.document import _dict, _list, _pointer, _View
from messages_hst.validation.problems import _Report

KnownMessages = Mapping[str, Mapping[str, Any]] | Callable[[str], Mapping[str, Any] | None]


def thread_references(document: Mapping[str, Any]) -> set[str]:
    """The message ids the document's thread points at."""
    thread = document.get("thread")
    if not isinstance(thread, Mapping):
        return set()
    ids = {thread.get("in_reply_to"), thread.get("supersedes")}
    references = thread.get("references")
    if isinstance(references, list):
        ids.update(references)
    return {value for value in ids if isinstance(value, str) and value}


# The entity lists of HST.md §4 and the key that names each entity.
ENTITY_LISTS = {
    "persons": "ref",
    "exploitation": "ref",
    "locations": "ref",
    "documents": "ref",
    "organisations": "ref",
    "vehicles": "ref",
    "comms": "ref",
    "financial": "ref",
    "requests": "ref",
    "attachments": "id",
}
# The fields that point at entities of this message. custody_ref, national_ref, sender_case_ref
# and request_ref point outside it (evidence, national files, the REQUEST) and are not checked.
ENTITY_REF_FIELDS = {
    "documents": ("holder_ref",),
    "vehicles": ("holder_ref",),
    "comms": ("holder_ref",),
    "financial": ("holder_ref",),
    "exploitation": ("location_ref", "victims", "exploiters"),
    "route_legs": ("from_ref", "to_ref", "vehicle_ref", "persons"),
    "relationships": ("source_ref", "target_ref"),
    "organisations": ("members",),
    "requests": ("target_refs",),
    "attachments": ("entity_refs",),
    "outcomes": ("entity_refs",),
}


def _check_references(view: _View, report: _Report) -> None:
    defined: set[str] = set()
    for key, ref_key in ENTITY_LISTS.items():
        for i, item in view.items(key):
            ref = item.get(ref_key)
            if isinstance(ref, str) and ref in defined:
                report.error(
                    view.path(key, i, ref_key), "duplicate_ref", f"{ref} is defined twice"
                )
            elif isinstance(ref, str):
                defined.add(ref)
    for key, fields in ENTITY_REF_FIELDS.items():
        for i, item in view.items(key):
            for name in fields:
                value = item.get(name)
                refs = enumerate(value) if isinstance(value, list) else [(None, value)]
                for j, ref in refs:
                    if isinstance(ref, str) and ref not in defined:
                        parts = (key, i, name) if j is None else (key, i, name, j)
                        report.error(
                            view.path(*parts), "unresolved_ref", f"{ref} names no entity here"
                        )

    for (_, before), (i, after) in itertools.pairwise(view.items("route_legs")):
        earlier, later = before.get("seq"), after.get("seq")
        if isinstance(earlier, int) and isinstance(later, int) and later <= earlier:
            report.error(
                view.path("route_legs", i, "seq"),
                "route_not_ordered",
                f"leg {later} comes after leg {earlier}",
            )
        if before.get("to_ref") != after.get("from_ref"):
            report.error(
                view.path("route_legs", i, "from_ref"),
                "route_not_contiguous",
                f"the route breaks: the leg before ends at {before.get('to_ref')}",
            )

    seen = set()
    for i, recipient in enumerate(_list(view.message.get("recipients"))):
        code, path = _dict(recipient).get("ncb_code"), _pointer(("recipients", i, "ncb_code"))
        if isinstance(code, str) and code in seen:
            report.error(path, "duplicate_recipient", f"{code} is listed twice")
        if isinstance(code, str) and code == view.sender:
            report.error(path, "sender_is_recipient", f"{code} cannot send to itself")
        seen.add(code)


def _check_thread(view: _View, known: KnownMessages | None, report: _Report) -> None:
    own_id = view.message.get("message_id")
    for key in ("in_reply_to", "supersedes"):
        if isinstance(own_id, str) and view.thread.get(key) == own_id:
            report.error(f"/thread/{key}", "refers_to_itself", "names this very message")
    if known is None:
        return
    if view.type in ("REPLY", "REMINDER"):
        original = _lookup(known, view.thread.get("in_reply_to"))
        if original is None or original.get("message_type") != "REQUEST":
            code = "reply_to_unknown_message" if original is None else "reply_to_non_request"
            report.error("/thread/in_reply_to", code, f"a {view.type} must answer a known REQUEST")
            return
        asked = {_dict(r).get("ref") for r in _list(_dict(original.get("body")).get("requests"))}
        if view.type == "REPLY":
            answers = [(("outcomes", i, "request_ref"), o.get("request_ref")) for i, o in
                       view.items("outcomes")]  # fmt: skip
            addressees = {_dict(r).get("ncb_code") for r in _list(original.get("recipients"))}
            if view.sender not in addressees:
                report.warning(
                    "/sender/ncb_code", "reply_from_non_recipient", "the REQUEST was not sent here"
                )
        else:
            refs = _list(_dict(view.body.get("reminder")).get("request_refs"))
            answers = [(("reminder", "request_refs", j), ref) for j, ref in enumerate(refs)]
            if view.sender != _dict(original.get("sender")).get("ncb_code"):
                report.error(
                    "/sender/ncb_code", "reminder_from_other_sender", "only the requester reminds"
                )
        for parts, ref in answers:
            if isinstance(ref, str) and ref not in asked:
                report.error(view.path(*parts), "unknown_request_ref", f"the REQUEST has no {ref}")
    if view.type in ("CORRECTION", "CANCEL"):
        target = _lookup(known, view.thread.get("supersedes"))
        if target is None:
            report.error(
                "/thread/supersedes", "supersedes_unknown_message", "names no known message"
            )
        elif _dict(target.get("sender")).get("ncb_code") != view.sender:
            report.error(
                "/thread/supersedes",
                "supersedes_other_sender",
                f"a {view.type} may only supersede its own NCB's messages",
            )


def _lookup(known: KnownMessages | None, message_id: Any) -> Mapping[str, Any] | None:
    if known is None or not isinstance(message_id, str):
        return None
    found = known(message_id) if callable(known) else known.get(message_id)
    return found if isinstance(found, Mapping) else None
