"""Code lists of the evidence domain: kinds of item, custody states and custody actions.

Values are UPPER_SNAKE codes as in `ncb_cases.choices`; they are written into the hashed
custody events, so a value is never renamed (a label may be).
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class EvidenceKind(models.TextChoices):
    """What an evidence item is."""

    PHYSICAL = "PHYSICAL", _("Physical object")
    DIGITAL = "DIGITAL", _("Digital evidence")
    DOCUMENT = "DOCUMENT", _("Document")
    TESTIMONY = "TESTIMONY", _("Testimony")
    FINANCIAL = "FINANCIAL", _("Financial record")


class EvidenceState(models.TextChoices):
    """Where an item stands in its custody; moved only by custody events (`ACTION_EFFECTS`)."""

    IN_CUSTODY = "IN_CUSTODY", _("In custody")
    IN_TRANSIT = "IN_TRANSIT", _("In transit")
    RETURNED = "RETURNED", _("Returned")
    DESTROYED = "DESTROYED", _("Destroyed")


class CustodyAction(models.TextChoices):
    """What a custody event records.

    A transfer is two events: RELEASED (or SENT_ABROAD) by the giver puts the item in transit,
    ACCEPTED by a different person of the receiving party ends it (TRANSFER_CANCELLED if the
    receiver never takes it). INTEGRITY_FAILURE is appended by the system, never chosen.
    """

    COLLECTED = "COLLECTED", _("Collected")
    SEALED = "SEALED", _("Sealed")
    RELEASED = "RELEASED", _("Transferred (released)")
    ACCEPTED = "ACCEPTED", _("Received (accepted)")
    TRANSFER_CANCELLED = "TRANSFER_CANCELLED", _("Transfer cancelled")
    EXAMINED = "EXAMINED", _("Examined")
    COPIED = "COPIED", _("Copied")
    SENT_ABROAD = "SENT_ABROAD", _("Sent abroad")
    PRESENTED_IN_COURT = "PRESENTED_IN_COURT", _("Presented in court")
    RETURNED = "RETURNED", _("Returned")
    DESTROYED = "DESTROYED", _("Destroyed")
    INTEGRITY_FAILURE = "INTEGRITY_FAILURE", _("Integrity failure")


# The actions a person may record in each state (INTEGRITY_FAILURE is the system's and may
# follow any event). COLLECTED opens every chain and never comes again.
ALLOWED_ACTIONS: dict[str, tuple[str, ...]] = {
    EvidenceState.IN_CUSTODY: (
        CustodyAction.SEALED,
        CustodyAction.RELEASED,
        CustodyAction.SENT_ABROAD,
        CustodyAction.EXAMINED,
        CustodyAction.COPIED,
        CustodyAction.PRESENTED_IN_COURT,
        CustodyAction.RETURNED,
        CustodyAction.DESTROYED,
    ),
    EvidenceState.IN_TRANSIT: (CustodyAction.ACCEPTED, CustodyAction.TRANSFER_CANCELLED),
    EvidenceState.RETURNED: (),
    EvidenceState.DESTROYED: (),
}

# The state an action leaves the item in; actions not listed leave it where it was.
ACTION_EFFECTS: dict[str, str] = {
    CustodyAction.COLLECTED: EvidenceState.IN_CUSTODY,
    CustodyAction.RELEASED: EvidenceState.IN_TRANSIT,
    CustodyAction.SENT_ABROAD: EvidenceState.IN_TRANSIT,
    CustodyAction.ACCEPTED: EvidenceState.IN_CUSTODY,
    CustodyAction.TRANSFER_CANCELLED: EvidenceState.IN_CUSTODY,
    CustodyAction.RETURNED: EvidenceState.RETURNED,
    CustodyAction.DESTROYED: EvidenceState.DESTROYED,
}

# The first half of a two-sided transfer.
RELEASE_ACTIONS = (CustodyAction.RELEASED, CustodyAction.SENT_ABROAD)

# Hand-offs: the file hashes of a digital item are re-computed at each of these.
HAND_OFF_ACTIONS = (
    CustodyAction.RELEASED,
    CustodyAction.SENT_ABROAD,
    CustodyAction.ACCEPTED,
    CustodyAction.EXAMINED,
    CustodyAction.COPIED,
    CustodyAction.PRESENTED_IN_COURT,
    CustodyAction.RETURNED,
)


class DossierStatus(models.TextChoices):
    """Progress of a court-dossier export built by a Celery task."""

    PENDING = "PENDING", _("Waiting")
    RUNNING = "RUNNING", _("Being built")
    DONE = "DONE", _("Ready")
    FAILED = "FAILED", _("Failed")
