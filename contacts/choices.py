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
