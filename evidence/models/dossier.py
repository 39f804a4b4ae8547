"""Court-dossier exports: one row per requested export, its progress and its result."""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q

from evidence.choices import DossierStatus
from evidence.models.item import EvidenceItem
from ncb_cases.models import Case


class DossierExport(models.Model):
    """A court dossier asked for by a user, built by a Celery task (issue 4, item 6).

    The export itself is audited (EXPORT, with the purpose) by the service that creates this
    row; the task refetches it by id, moves `status` on and reports `progress`.

    Fields:
    - `public_id`: the id of the export in URLs (status polling, download).
    - `case`: the case exported from (PROTECT); `item`: the one item exported, or None for
      every item of the case.
    - `purpose`: the stated reason for the export (required, shown in the audit trail).
    - `include_files`: whether the evidence files' content goes into the ZIP.
    - `requested_by`: who asked for it; only they (and who may see the case) may fetch it.
    - `status`: pending / running / done / failed (`DossierStatus`); `progress`: percent.
    - `storage_key`, `size`, `sha256`: where the finished ZIP is stored, its length and hash.
    - `error`: what went wrong, for a failed export (never personal data).
    - `created_at`, `started_at`, `finished_at`: when it was asked for, begun and ended.
    """

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="dossier_exports")
    item = models.ForeignKey(
        EvidenceItem,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="dossier_exports",
    )
    purpose = models.CharField(max_length=1000)
    include_files = models.BooleanField(default=False)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(
        max_length=10, choices=DossierStatus.choices, default=DossierStatus.PENDING
    )
    progress = models.PositiveSmallIntegerField(default=0)
    storage_key = models.CharField(max_length=200, blank=True)
    size = models.PositiveBigIntegerField(null=True, blank=True)
    sha256 = models.CharField("SHA-256", max_length=64, blank=True)
    error = models.CharField(max_length=1000, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(progress__lte=100), name="%(app_label)s_%(class)s_progress_percent"
            ),
        ]

    def __str__(self) -> str:
        return f"dossier {self.public_id} ({self.status})"
