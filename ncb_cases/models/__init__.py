"""The case domain's models (DESIGN.md §4). Read through selectors, write through services."""

from .assets import Asset, AssetStatusChange, ExchangeRate
from .audit import AuditEvent
from .case import (
    Case,
    CaseCountry,
    CaseExploitationForm,
    CaseGroupObjectPermission,
    CaseReferenceCounter,
    CaseUserObjectPermission,
)
from .meetings import Meeting, MeetingActionItem, MeetingDocument, MeetingParticipant
from .network import CaseLink, GroupMembership, OrganisedCrimeGroup
from .person import IdentityDocument, Person, PersonPhone, Vehicle
from .retention import CaseTombstone, RetentionReview
from .route import RouteLeg
from .sharing import CaseShare
from .support import SupportReferral
from .work import CaseNote, Task

__all__ = [
    "Asset",
    "AssetStatusChange",
    "AuditEvent",
    "Case",
    "CaseCountry",
    "CaseExploitationForm",
    "CaseGroupObjectPermission",
    "CaseLink",
    "CaseNote",
    "CaseReferenceCounter",
    "CaseShare",
    "CaseTombstone",
    "CaseUserObjectPermission",
    "ExchangeRate",
    "GroupMembership",
    "IdentityDocument",
    "Meeting",
    "MeetingActionItem",
    "MeetingDocument",
    "MeetingParticipant",
    "OrganisedCrimeGroup",
    "Person",
    "PersonPhone",
    "RetentionReview",
    "RouteLeg",
    "SupportReferral",
    "Task",
    "Vehicle",
]
