"""The case domain's models (DESIGN.md §4). Read through selectors, write through services."""

from .audit import AuditEvent
from .case import (
    Case,
    CaseCountry,
    CaseExploitationForm,
    CaseGroupObjectPermission,
    CaseReferenceCounter,
    CaseUserObjectPermission,
)
from .network import CaseLink, GroupMembership, OrganisedCrimeGroup
from .person import IdentityDocument, Person, PersonPhone, Vehicle
from .route import RouteLeg
from .sharing import CaseShare
from .work import CaseNote, Task

__all__ = [
    "AuditEvent",
    "Case",
    "CaseCountry",
    "CaseExploitationForm",
    "CaseGroupObjectPermission",
    "CaseLink",
    "CaseNote",
    "CaseReferenceCounter",
    "CaseShare",
    "CaseUserObjectPermission",
    "GroupMembership",
    "IdentityDocument",
    "OrganisedCrimeGroup",
    "Person",
    "PersonPhone",
    "RouteLeg",
    "Task",
    "Vehicle",
]
