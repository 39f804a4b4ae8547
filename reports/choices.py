"""Code lists of regional monitoring."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ReportStatus(models.TextChoices):
    QUEUED = "QUEUED", _("Queued")
    RUNNING = "RUNNING", _("Being generated")
    DONE = "DONE", _("Ready")
    FAILED = "FAILED", _("Failed")
