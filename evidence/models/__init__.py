"""The evidence domain's models (DESIGN.md §4). Read through selectors, write through services."""

from .custody import CLOCK_SKEW_TOLERANCE, CustodyCheckpoint, CustodyEvent
from .dossier import DossierExport
from .files import EvidenceFile
from .item import EvidenceItem

__all__ = [
    "CLOCK_SKEW_TOLERANCE",
    "CustodyCheckpoint",
    "CustodyEvent",
    "DossierExport",
    "EvidenceFile",
    "EvidenceItem",
]
