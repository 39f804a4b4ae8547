"""Bodies of messages that follow an earlier one: UPDATE, CORRECTION, CANCEL, CLOSE,
REMINDER (after one of ours) and REPLY (to a REQUEST we received), HST.md §5."""

from __future__ import annotations

import copy
import datetime as dt
from collections.abc import Mapping
from typing import Any

from django.utils import timezone

from messages_hst.choices import MessageType
from messages_hst.compose.case_body import case_draft, case_handling
from messages_hst.compose.envelope import _clean
from ncb_cases.choices import CaseOutcome
from ncb_cases.models import Case
from ncb_cases.models.case import RETENTION_REVIEW_YEARS, add_years

# Parts of an earlier body that never travel again in a follow-up built from it.
NOT_REPEATED = ("requests", "outcomes", "receipt", "response", "cancellation", "closure",
                "reminder")  # fmt: skip


def handling_from(original: Mapping[str, Any] | None) -> dict[str, Any]:
    """The earlier message's handling for a message answering or following it: the same
    confidentiality, dissemination, codes and evaluation, without its access restrictions
    (those named who may receive *it*), the retention review kept within five years of now,
    and the flags left to be computed."""
    handling = copy.deepcopy(dict((original or {}).get("handling") or {}))
    handling.pop("access_restrictions", None)
    latest = add_years(timezone.localdate(), RETENTION_REVIEW_YEARS) - dt.timedelta(days=1)
    review = (handling.get("retention") or {}).get("review_on")
    if not isinstance(review, str) or review > latest.isoformat():
        handling["retention"] = {"review_on": latest.isoformat()}
    handling.setdefault("confidentiality_level", "INTERPOL_RESTRICTED")
    handling.setdefault("dissemination", "RECIPIENTS_ONLY")
    handling.setdefault("handling_codes", ["H0"])
    handling.setdefault("permitted_actions", "NO_DIRECT_ACTION")
    handling.setdefault("purpose", ["criminal_investigation"])
    handling.update(victim_data_present=False, minor_data_present=False)
    return handling


def request_refs(original: Mapping[str, Any] | None) -> list[str]:
    requests = ((original or {}).get("body") or {}).get("requests") or []
    return [item["ref"] for item in requests if isinstance(item, dict) and item.get("ref")]


def follow_up_draft(
    *,
    user,
    message_type: str,
    case: Case | None,
    original: Mapping[str, Any] | None,
    priority: str,
    options: Mapping[str, Any],
) -> tuple[dict[str, Any], dict[str, Any]]:
    """`(body, handling)` of a follow-up of `original` (an earlier document, None if it is
    no longer known). An UPDATE restates the case as it is now (through the case selectors,
    victims minimised unless `options["include_victim_identity"]`), or, without a case, the
    earlier body. A CORRECTION starts from the corrected message's body (a REQUEST's requests
    included), so its refs stay those the recipients hold. CANCEL, CLOSE, REMINDER and REPLY
    carry their own small blocks."""
    if message_type == MessageType.CORRECTION:
        # The corrected message itself, to be put right: its refs (and the requests that point
        # at them) stay those the recipients already hold.
        earlier = copy.deepcopy(dict((original or {}).get("body") or {}))
        kept = (
            {"requests"} if (original or {}).get("message_type") == MessageType.REQUEST else set()
        )
        body = {k: v for k, v in earlier.items() if k not in NOT_REPEATED or k in kept}
        return body, handling_from(original)
    if message_type == MessageType.UPDATE:
        if case is not None:
            body, handling, _due = case_draft(
                user=user,
                case=case,
                message_type=message_type,
                priority=priority,
                include_victim_identity=bool(options.get("include_victim_identity")),
            )
            return body, handling
        earlier = copy.deepcopy(dict((original or {}).get("body") or {}))
        body = {key: value for key, value in earlier.items() if key not in NOT_REPEATED}
        return body, handling_from(original)
    handling = case_handling(case, message_type=message_type) if case else None
    handling = handling or handling_from(original)
    if message_type == MessageType.CANCEL:
        cancellation = {"instruction": options.get("instruction") or "DISREGARD"}
        if options.get("reason"):
            cancellation["reason"] = str(options["reason"])[:1000]
        return {"cancellation": cancellation}, handling_from(original)
    if message_type == MessageType.CLOSE:
        reason = case.outcome if case is not None and case.outcome else None
        return {"closure": {"reason": reason or CaseOutcome.INVESTIGATION_CONCLUDED}}, handling
    if message_type == MessageType.REMINDER:
        refs = list(options.get("request_refs") or request_refs(original))
        return {"reminder": _clean({"request_refs": refs})}, handling_from(original)
    if message_type == MessageType.REPLY:
        outcomes = [{"request_ref": ref} for ref in request_refs(original)]
        return {"outcomes": outcomes}, handling_from(original)
    raise ValueError(f"not a follow-up type: {message_type}")
