"""Celery tasks of the evidence domain: thin adapters over `evidence.checkpointing` and
`evidence.dossiers` (ids in, refetch, idempotent)."""

from celery import shared_task
from django.db import OperationalError

from evidence import checkpointing, dossiers


@shared_task(
    name="evidence.tasks.build_custody_checkpoint",
    autoretry_for=(OperationalError,),
    retry_backoff=True,
    retry_backoff_max=600,
    max_retries=5,
)
def build_custody_checkpoint() -> int | None:
    """Sign a checkpoint of the custody log if it grew (run by beat, see
    CELERY_BEAT_SCHEDULE). Idempotent: a size is signed once, concurrent runs agree. Returns
    the new checkpoint's tree size, or None when nothing was new."""
    checkpoint = checkpointing.custody_checkpoint_build()
    return checkpoint.tree_size if checkpoint is not None else None


@shared_task(
    name="evidence.tasks.build_dossier",
    autoretry_for=(OperationalError,),
    retry_backoff=True,
    retry_backoff_max=600,
    max_retries=5,
)
def build_dossier(export_id: int) -> str | None:
    """Build the court dossier of export `export_id` (enqueued by `dossier_export_request`).

    Idempotent: the export is claimed with a conditional UPDATE, so a redelivered or repeated
    task does nothing for an export already built or being built; a deleted export is
    ignored. Returns the export's status, or None when there was nothing to do.
    """
    export = dossiers.dossier_build(export_id)
    return export.status if export is not None else None
