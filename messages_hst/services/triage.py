"""Triage of received messages (issue 5 item 6): accept, optionally importing persons, phones
and documents into a case, or reject with reason codes. Either way the sender gets a RESPONSE
(HST.md §5), sent through the authoring pipeline like any message of ours.

Both services: officers and supervisors of the recipient NCB (`permissions.can_triage`,
PermissionDenied otherwise), one transaction with an audit row (never content in it), and
`ValidationError` keyed by argument for a wrong request.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from messages_hst import permissions
from messages_hst.choices import (
    InboundStatus,
    MessageType,
    RejectionReason,
    RequestDirection,
    ResponseOutcome,
)
from messages_hst.models import HSTMessage, InboundMessage, TrackedRequest
from ncb_cases import matching
from ncb_cases import services as case_services
from ncb_cases.audit import audit_record
from ncb_cases.choices import (
    AuditAction,
    ConfidentialityLevel,
    HandlingCode,
    MeansOfControl,
    OffenceType,
    PersonRole,
    RecruitmentMethod,
    RelationshipToTrafficker,
    RoleInProcess,
)
from ncb_cases.models import Case, Person
from ncb_cases.selectors.access import editable_cases

# HST person status → the role of the imported person (the officer picks whom to import).
ROLE_OF_STATUS = {
    "SUSPECT": PersonRole.SUSPECT,
    "WANTED": PersonRole.SUSPECT,
    "PERSON_OF_INTEREST": PersonRole.SUSPECT,
    "CHARGED": PersonRole.OFFENDER,
    "CONVICTED": PersonRole.OFFENDER,
    "WITNESS": PersonRole.WITNESS,
    "VICTIM": PersonRole.VICTIM,
    "POSSIBLE_VICTIM": PersonRole.POSSIBLE_VICTIM,
    "MISSING": PersonRole.POSSIBLE_VICTIM,
    "SMUGGLED_MIGRANT": PersonRole.SMUGGLED_MIGRANT,
}
REJECTABLE_STATUSES = (InboundStatus.TRIAGE, InboundStatus.QUARANTINED)


@dataclass
class TriageResult:
    """What triage did: the inbound row, the case it now belongs to, the persons imported,
    the other cases where the imported data was seen before, and the RESPONSE sent."""

    inbound: InboundMessage
    case: Case | None = None
    imported: list[Person] = field(default_factory=list)
    matches: list[matching.CaseMatch] = field(default_factory=list)
    response: HSTMessage | None = None


def _lock(actor: AbstractBaseUser, inbound: InboundMessage) -> InboundMessage:
    inbound = (
        InboundMessage.objects.select_for_update(of=("self",))
        .select_related("recipient_ncb", "sender_ncb")
        .get(pk=inbound.pk)
    )
    if not permissions.can_triage(actor, inbound):
        raise PermissionDenied(_("Only officers of the recipient NCB triage its messages."))
    return inbound


@transaction.atomic
def inbound_accept(
    *,
    actor: AbstractBaseUser,
    inbound: InboundMessage,
    case: Case | None = None,
    create_case: bool = False,
    import_refs: Sequence[str] = (),
    comment: str = "",
) -> TriageResult:
    """Accept a message awaiting triage; link it to `case` (one the actor may edit) or to a
    new case of the actor's NCB (`create_case`), and import the persons, phones (`comms` of
    kind PHONE) and documents whose refs are in `import_refs` (a phone or document brings its
    holder along). Sends the RESPONSE: ACCEPTED, or ACCEPTED_MANUAL when the message carried
    warnings a person reviewed. Returns the cross-case matches of the imported data.
    """
    inbound = _lock(actor, inbound)
    if inbound.status != InboundStatus.TRIAGE:
        raise ValidationError({"inbound": _("Only a message awaiting triage can be accepted.")})
    if case is not None and create_case:
        raise ValidationError({"case": _("Choose an existing case or a new one, not both.")})
    if import_refs and case is None and not create_case:
        raise ValidationError({"case": _("Choose the case to import into.")})
    document = inbound.document or {}
    if create_case:
        case = case_services.case_create(actor=actor, data=_case_data(inbound, document))
    elif case is not None and not editable_cases(actor).filter(pk=case.pk).exists():
        raise PermissionDenied(_("You cannot change this case."))
    imported = _import(actor=actor, case=case, document=document, refs=import_refs)
    now = timezone.now()
    inbound.status = InboundStatus.ACCEPTED
    inbound.case = case or inbound.case
    inbound.triaged_by, inbound.triaged_at = actor, now
    inbound.triage_comment = comment.strip()
    inbound.save(update_fields=["status", "case", "triaged_by", "triaged_at", "triage_comment"])
    if inbound.case is not None:
        # What we owe for this REQUEST now shows with the case it was filed in.
        TrackedRequest.objects.filter(
            ncb_id=inbound.recipient_ncb_id,
            direction=RequestDirection.RECEIVED,
            request_message_id=inbound.message_id,
            case__isnull=True,
        ).update(case=inbound.case)
    reviewed = any(p.get("severity") == "warning" for p in inbound.problems)
    outcome = ResponseOutcome.ACCEPTED_MANUAL if reviewed else ResponseOutcome.ACCEPTED
    response = _respond(inbound, outcome=outcome, reasons=(), comment=comment)
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        obj=inbound,
        case=inbound.case,
        details={
            "decision": InboundStatus.ACCEPTED,
            "new_case": bool(create_case),
            "imported_persons": len(imported),
            "response": str(response.message_id) if response else "",
        },
    )
    matches = matching.case_matches_for_user(user=actor, case=case) if imported else []
    return TriageResult(inbound, inbound.case, imported, matches, response)


@transaction.atomic
def inbound_reject(
    *,
    actor: AbstractBaseUser,
    inbound: InboundMessage,
    reasons: Iterable[str],
    comment: str = "",
) -> TriageResult:
    """Reject a message awaiting triage (or a quarantined one, to tell its sender why) with
    one or more `RejectionReason` codes; OTHER needs a comment. Sends the RESPONSE REJECTED
    with the reasons and the comment."""
    inbound = _lock(actor, inbound)
    if inbound.status not in REJECTABLE_STATUSES:
        raise ValidationError({"inbound": _("This message has already been triaged.")})
    reasons = list(dict.fromkeys(reasons))
    unknown = [reason for reason in reasons if reason not in RejectionReason.values]
    if not reasons or unknown:
        raise ValidationError({"reasons": _("Give at least one reason from the list.")})
    if RejectionReason.OTHER in reasons and not comment.strip():
        raise ValidationError({"comment": _("Say what the other reason is.")})
    now = timezone.now()
    inbound.status = InboundStatus.REJECTED
    inbound.rejection_reasons = reasons
    inbound.triaged_by, inbound.triaged_at = actor, now
    inbound.triage_comment = comment.strip()
    inbound.save(
        update_fields=["status", "rejection_reasons", "triaged_by", "triaged_at", "triage_comment"]
    )
    response = _respond(
        inbound, outcome=ResponseOutcome.REJECTED, reasons=reasons, comment=comment
    )
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        obj=inbound,
        case=inbound.case,
        details={
            "decision": InboundStatus.REJECTED,
            "reasons": reasons,
            "response": str(response.message_id) if response else "",
        },
    )
    return TriageResult(inbound, inbound.case, [], [], response)


def _respond(
    inbound: InboundMessage, *, outcome: str, reasons: Sequence[str], comment: str
) -> HSTMessage | None:
    """The RESPONSE to the sender, through the authoring pipeline; None when there is nobody
    to answer (no known sender NCB or no message id: a body that never parsed)."""
    from messages_hst.services.authoring import system_message_send

    if inbound.sender_ncb is None or inbound.message_id is None:
        return None
    response: dict[str, Any] = {"ref_message_id": str(inbound.message_id), "outcome": outcome}
    if reasons:
        response["reason_codes"] = list(reasons)
    if comment.strip():
        response["comment"] = comment.strip()[:1000]
    return system_message_send(
        sender_ncb=inbound.recipient_ncb,
        message_type=MessageType.RESPONSE,
        recipients=[inbound.sender_ncb.code],
        body={"response": response},
        thread={"in_reply_to": str(inbound.message_id)},
        case=inbound.case,
        hst_case_id=inbound.hst_case_id,
        subject=f"Response: {ResponseOutcome(outcome).label}"[:200],
    )


# --- Importing into a case ---------------------------------------------------------------------


def _dicts(value: Any) -> list[dict]:
    return [item for item in value if isinstance(item, dict)] if isinstance(value, list) else []


def _valid(values: Any, choices) -> list[str]:
    return [v for v in values if v in choices.values] if isinstance(values, list) else []


def _case_data(inbound: InboundMessage, document: Mapping[str, Any]) -> dict[str, Any]:
    """A new case from the message: its subject, summary, offence type and handling (data
    protection travels with the data, HST.md principle 4)."""
    summary = (document.get("body") or {}).get("case_summary") or {}
    handling = document.get("handling") or {}
    title = inbound.subject or _("%(type)s received from %(sender)s") % {
        "type": inbound.message_type,
        "sender": inbound.sender_code,
    }
    data: dict[str, Any] = {
        "title": title[:200],
        "summary": str(summary.get("summary") or ""),
        "handling_codes": _valid(handling.get("handling_codes"), HandlingCode),
    }
    if summary.get("offence_type") in OffenceType.values:
        data["offence_type"] = summary["offence_type"]
    if handling.get("confidentiality_level") in ConfidentialityLevel.values:
        data["confidentiality_level"] = handling["confidentiality_level"]
    return data


def _import(
    *, actor: AbstractBaseUser, case: Case | None, document: Mapping, refs: Sequence[str]
) -> list[Person]:
    refs = set(refs)
    if not refs:
        return []
    body = document.get("body") or {}
    persons = {p.get("ref"): p for p in _dicts(body.get("persons"))}
    phones = [c for c in _dicts(body.get("comms")) if c.get("kind") == "PHONE"]
    documents = _dicts(body.get("documents"))
    known = set(persons) | {c.get("ref") for c in phones} | {d.get("ref") for d in documents}
    if refs - known:
        missing = ", ".join(sorted(str(ref) for ref in refs - known))
        raise ValidationError(
            {"import_refs": _("No person, phone or document %(refs)s.") % {"refs": missing}}
        )
    chosen_phones = [c for c in phones if c.get("ref") in refs]
    chosen_documents = [d for d in documents if d.get("ref") in refs]
    unnumbered = [d["ref"] for d in chosen_documents if not d.get("number") and not d.get("mrz")]
    if unnumbered:
        raise ValidationError(
            {
                "import_refs": _("%(refs)s: a document without number cannot be recorded.")
                % {"refs": ", ".join(unnumbered)}
            }
        )
    holders = {ref for ref in refs if ref in persons}
    for item in chosen_phones + chosen_documents:
        if item.get("holder_ref") not in persons:
            raise ValidationError(
                {"import_refs": _("%(ref)s has no holder to attach it to.") % {"ref": item["ref"]}}
            )
        holders.add(item["holder_ref"])
    imported = []
    for ref in sorted(holders):
        data = _person_data(
            persons[ref],
            phones=[c for c in chosen_phones if c.get("holder_ref") == ref],
            documents=[d for d in chosen_documents if d.get("holder_ref") == ref],
        )
        try:
            imported.append(case_services.person_create(actor=actor, case=case, data=data))
        except ValidationError as error:
            problems = [f"{ref}: {key}: {' '.join(m)}" for key, m in error.message_dict.items()]
            raise ValidationError({"import_refs": problems}) from error
    return imported


def _person_data(person: dict, *, phones: list[dict], documents: list[dict]) -> dict[str, Any]:
    victim = person.get("victim_context") if isinstance(person.get("victim_context"), dict) else {}
    data: dict[str, Any] = {
        "role": ROLE_OF_STATUS.get(person.get("status"), PersonRole.SUSPECT),
        "aliases": [a for a in person.get("aliases") or [] if isinstance(a, str)],
        "nationalities": [n for n in person.get("nationalities") or [] if isinstance(n, str)],
        "roles_in_process": _valid(person.get("roles_in_process"), RoleInProcess),
        "recruitment_methods": _valid(victim.get("recruitment_method"), RecruitmentMethod),
        "recruitment_platforms": [
            p for p in victim.get("recruitment_platforms") or [] if isinstance(p, str)
        ],
        "means_of_control": _valid(victim.get("means_of_control"), MeansOfControl),
        "phones": [str(phone.get("value")) for phone in phones],
        "documents": [_document_data(document) for document in documents],
    }
    for key in ("family_name", "forenames", "name_original_script", "sex", "date_of_birth",
                "place_of_birth", "country_of_birth"):  # fmt: skip
        if isinstance(person.get(key), str):
            data[key] = person[key]
    if victim.get("relationship_to_trafficker") in RelationshipToTrafficker.values:
        data["relationship_to_trafficker"] = victim["relationship_to_trafficker"]
    if isinstance(victim.get("referred_to_support"), bool):
        data["referred_to_support"] = victim["referred_to_support"]
    return data


def _document_data(document: dict) -> dict[str, Any]:
    data = {
        "doc_type": document.get("doc_type", ""),
        "number": document.get("number", ""),
        "issuing_state": document.get("issuing_state", ""),
        "issued_on": document.get("issue_date"),
        "expires_on": document.get("expiry_date"),
        "authenticity": document.get("authenticity", ""),
        "withheld_by_exploiter": bool(document.get("withheld_by_exploiter")),
    }
    if isinstance(document.get("mrz"), list):
        data["mrz"] = "\n".join(document["mrz"])
    return {key: value for key, value in data.items() if value not in (None, "")}
