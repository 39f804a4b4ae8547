"""Partners' public signing keys: how this instance recognises who signed an HST message."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from contacts.models.geography import NationalCentralBureau


class NCBPublicKeyQuerySet(models.QuerySet):
    def active(self) -> "NCBPublicKeyQuerySet":
        return self.filter(revoked_at__isnull=True)


class NCBPublicKey(models.Model):
    """An Ed25519 public key registered for an NCB (HST.md §2, key rotation in
    `messages_hst.signing`): a received message verifies if any active key of its sender
    NCB signed it. Revoking keeps the row, so what was verified with it stays explainable."""

    ncb = models.ForeignKey(
        NationalCentralBureau, on_delete=models.CASCADE, related_name="public_keys"
    )
    kid = models.CharField("key id", max_length=16, editable=False)
    public_key = models.CharField(
        max_length=43, help_text=_("Raw 32-byte Ed25519 public key, unpadded base64url")
    )
    note = models.CharField(max_length=200, blank=True)
    registered_at = models.DateTimeField(auto_now_add=True)
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    revoked_at = models.DateTimeField(null=True, blank=True)

    objects = NCBPublicKeyQuerySet.as_manager()

    class Meta:
        ordering = ["ncb", "-registered_at"]
        verbose_name = "NCB public key"
        constraints = [models.UniqueConstraint(fields=["ncb", "kid"], name="ncb_public_key_kid")]

    def __str__(self) -> str:
        return f"{self.ncb.code} {self.kid}"
