"""Every state change of the case domain (DESIGN.md §2), one function per change.

Keyword-only, atomic, `full_clean()`-validated; each writes its audit row in the same
transaction (and a timeline entry where the case's history should show it). Errors:
`ValidationError` keyed by field (nested: `documents.0.mrz`), `PermissionDenied` for an actor
without the right (adapters answer 404, as for a missing object).
"""

from .cases import (
    CASE_DATA_FIELDS,
    case_change_offence_type,
    case_change_status,
    case_create,
    case_link_create,
    case_link_remove,
    case_note_add,
    case_update,
    task_complete,
    task_create,
)
from .network import (
    GROUP_DATA_FIELDS,
    ROUTE_LEG_DATA_FIELDS,
    group_create,
    group_member_add,
    group_member_remove,
    group_update,
    route_leg_add,
    route_leg_remove,
    route_leg_update,
)
from .persons import (
    DOCUMENT_DATA_FIELDS,
    PERSON_DATA_FIELDS,
    VEHICLE_DATA_FIELDS,
    person_create,
    person_update,
    vehicle_add,
    vehicle_remove,
    vehicle_update,
)
from .sharing import (
    CASE_SHARE_MAX_DAYS,
    case_share,
    case_unshare,
    expire_case_shares,
    victim_identity_grant,
    victim_identity_revoke,
)

__all__ = [
    "CASE_DATA_FIELDS",
    "CASE_SHARE_MAX_DAYS",
    "DOCUMENT_DATA_FIELDS",
    "GROUP_DATA_FIELDS",
    "PERSON_DATA_FIELDS",
    "ROUTE_LEG_DATA_FIELDS",
    "VEHICLE_DATA_FIELDS",
    "case_change_offence_type",
    "case_change_status",
    "case_create",
    "case_link_create",
    "case_link_remove",
    "case_note_add",
    "case_share",
    "case_unshare",
    "case_update",
    "expire_case_shares",
    "group_create",
    "group_member_add",
    "group_member_remove",
    "group_update",
    "person_create",
    "person_update",
    "route_leg_add",
    "route_leg_remove",
    "route_leg_update",
    "task_complete",
    "task_create",
    "vehicle_add",
    "vehicle_remove",
    "vehicle_update",
    "victim_identity_grant",
    "victim_identity_revoke",
]
