"""The files of an evidence item, stored content-addressed by SHA-256 (`evidence.storage`)."""

import uuid

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from evidence.models.item import EvidenceItem

sha256_validator = RegexValidator(
    r"^[0-9a-f]{64}$", _("A SHA-256 hash is 64 lowercase hexadecimal characters.")
)


class EvidenceFile(models.Model):
    """One file of an evidence item. Never updated, never deleted (database triggers).

    The content lives in the evidence file store under its SHA-256 (`storage_key`), so the
    same content is stored once however often it is attached, and a stored file is never
    overwritten. Custody hand-offs re-hash the stored content against `sha256`.

    Fields:
    - `public_id`: the id used in URLs and the API.
    - `item`: the evidence item the file belongs to (PROTECT).
    - `sha256`: SHA-256 of the content, computed by the server while the upload streamed in.
    - `size`: the content's length in bytes.
    - `media_type`: the media type sniffed from the bytes (`ncb_cases.sniffing`), never the
      client's word (older rows may hold a declared type: served as octet-stream).
    - `original_name`: the file name it arrived with (for people; never used as a path).
    - `storage_key`: where the content is in the evidence file store (derived from `sha256`).
    - `parent` / `derivation_method`: for a derived copy (forensic image, export, redaction),
      the file it was made from and how (tool, version, parameters); both empty for an
      original, both set for a copy.
    - `added_by`, `created_at`: who attached the file, and when.
    """

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    item = models.ForeignKey(EvidenceItem, on_delete=models.PROTECT, related_name="files")
    sha256 = models.CharField("SHA-256", max_length=64, validators=[sha256_validator])
    size = models.PositiveBigIntegerField()
    media_type = models.CharField(max_length=200, default="application/octet-stream")
    original_name = models.CharField(max_length=255, blank=True)
    storage_key = models.CharField(max_length=200)
    parent = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="derived_copies"
    )
    derivation_method = models.CharField(max_length=500, blank=True)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", editable=False
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["item", "created_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["item", "sha256"], name="%(app_label)s_%(class)s_content_once_per_item"
            ),
            models.CheckConstraint(
                condition=Q(parent__isnull=True, derivation_method="")
                | (Q(parent__isnull=False) & ~Q(derivation_method="")),
                name="%(app_label)s_%(class)s_copy_names_its_method",
            ),
        ]
        indexes = [models.Index(fields=["sha256"], name="evidence_file_sha256")]

    def __str__(self) -> str:
        return f"{self.original_name or self.sha256[:12]} ({self.size} bytes)"

    def save(self, *args, **kwargs) -> None:
        if not self._state.adding:
            raise ValueError("Evidence files are never changed; add a new one.")
        super().save(*args, **kwargs)

    @property
    def is_copy(self) -> bool:
        return self.parent_id is not None
