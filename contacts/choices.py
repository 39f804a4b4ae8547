"""Code lists of the contacts app."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class OfficerRole(models.TextChoices):
    OFFICER = "OFFICER", _("Officer")
    SUPERVISOR = "SUPERVISOR", _("Supervisor")
    ANALYST = "ANALYST", _("Analyst")
    SRB_MONITOR = "SRB_MONITOR", _("Sub-regional bureau monitor")
    ADMIN = "ADMIN", _("Administrator")


class ContactRole(models.TextChoices):
    PRIMARY = "PRIMARY", _("Primary")
    DEPUTY = "DEPUTY", _("Deputy")


class MessageTransport(models.TextChoices):
    """How HST messages reach an NCB (HST.md §7)."""

    LOCAL = "local", _("Hosted on this instance")
    PEER = "peer", _("Peer NCB instance over HTTPS")
    GATEWAY = "gateway", _("I-24/7 gateway drop folder")


class SupportOrganisationKind(models.TextChoices):
    SHELTER = "SHELTER", _("Shelter")
    NGO = "NGO", _("Non-governmental organisation")
    IOM_OFFICE = "IOM_OFFICE", _("IOM office")
    LEGAL_AID = "LEGAL_AID", _("Legal aid")
    HEALTH = "HEALTH", _("Health service")
    OTHER = "OTHER", _("Other")


class SupportService(models.TextChoices):
    """What a support organisation offers and what a referral asks for."""

    ACCOMMODATION = "ACCOMMODATION", _("Safe accommodation")
    MEDICAL = "MEDICAL", _("Medical care")
    PSYCHOLOGICAL = "PSYCHOLOGICAL", _("Psychological support")
    LEGAL = "LEGAL", _("Legal assistance")
    INTERPRETATION = "INTERPRETATION", _("Interpretation")
    REPATRIATION = "REPATRIATION", _("Repatriation")
    REINTEGRATION = "REINTEGRATION", _("Re-integration")
    EDUCATION = "EDUCATION", _("Education and training")
    FINANCIAL = "FINANCIAL", _("Financial assistance")


class LegislationStatus(models.TextChoices):
    """Whether a country's law provides for one of the resolution's asks."""

    YES = "YES", _("Yes")
    PARTIAL = "PARTIAL", _("Partly")
    NO = "NO", _("No")
    UNKNOWN = "UNKNOWN", _("Not known")
