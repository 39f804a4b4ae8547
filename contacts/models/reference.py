"""Which version of the shipped reference data the database holds."""

from django.db import models
from django.utils import timezone


class ReferenceDataLoad(models.Model):
    """One application of a version of the shipped reference data (`load_reference_data`).

    The newest row names the version in the database. A row is written when a version is
    first applied, or when a load changed something; re-running a version writes nothing.
    `changes` counts what that load created and updated, per model.
    """

    version = models.CharField(max_length=64)
    loaded_at = models.DateTimeField(default=timezone.now)
    changes = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-loaded_at", "-pk"]
        get_latest_by = ["loaded_at", "pk"]
        verbose_name = "reference data load"

    def __str__(self) -> str:
        return f"{self.version} ({self.loaded_at:%Y-%m-%d %H:%M})"
