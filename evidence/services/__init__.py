"""Every write of the evidence domain (DESIGN.md §2): items, files, custody events.

Each service takes the acting user, re-checks through `ncb_cases.selectors` that they may
change the case (PermissionDenied otherwise), validates (ValidationError keyed by field),
writes in one transaction with its audit row, and returns the written object. Custody events
are appended only here, under the item's row lock.

Elsewhere in the evidence domain, each in one place for every adapter: court dossiers
(asking, building, downloading) in `evidence.dossiers`; verifying the custody log (chains and
signed checkpoints) in `evidence.verification`; checkpoints in `evidence.checkpointing`.
"""

from .custody import EVENT_DATA_FIELDS, RECORDABLE_ACTIONS, allowed_actions, custody_event_append
from .custody_actions import (
    custody_destroy,
    custody_examine,
    custody_present_in_court,
    custody_return,
    custody_seal,
    custody_send_abroad,
    custody_transfer_accept,
    custody_transfer_cancel,
    custody_transfer_release,
)
from .items import (
    ITEM_CREATE_FIELDS,
    ITEM_UPDATE_FIELDS,
    evidence_file_add,
    evidence_file_open,
    evidence_item_create,
    evidence_item_update,
)

__all__ = [
    "EVENT_DATA_FIELDS",
    "ITEM_CREATE_FIELDS",
    "ITEM_UPDATE_FIELDS",
    "RECORDABLE_ACTIONS",
    "allowed_actions",
    "custody_destroy",
    "custody_event_append",
    "custody_examine",
    "custody_present_in_court",
    "custody_return",
    "custody_seal",
    "custody_send_abroad",
    "custody_transfer_accept",
    "custody_transfer_cancel",
    "custody_transfer_release",
    "evidence_file_add",
    "evidence_file_open",
    "evidence_item_create",
    "evidence_item_update",
]
