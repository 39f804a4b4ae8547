"""Celery tasks of the case domain: thin adapters over `ncb_cases.services`."""

from celery import shared_task
from django.db import OperationalError

from ncb_cases import services


@shared_task(
    name="ncb_cases.tasks.expire_case_shares",
    autoretry_for=(OperationalError,),
    retry_backoff=True,
    retry_backoff_max=600,
    max_retries=5,
)
def expire_case_shares() -> int:
    """End the case shares past their expiry (run by beat, see CELERY_BEAT_SCHEDULE).

    Access is already exact without it (selectors ignore expired shares); this removes the
    grant rows and records the expiry. Idempotent and safe to retry or run concurrently: each
    share is ended once, under a row lock. Returns the number of shares ended.
    """
    return services.expire_case_shares()


@shared_task(
    name="ncb_cases.tasks.refresh_retention_review_list",
    autoretry_for=(OperationalError,),
    retry_backoff=True,
    retry_backoff_max=600,
    max_retries=5,
)
def refresh_retention_review_list() -> dict[str, int]:
    """Put the cases due for their retention review within six months on their owner NCB's
    list (run daily by beat, see CELERY_BEAT_SCHEDULE). Idempotent: a case is listed once per
    review (a partial unique constraint), so retries and overlapping runs are harmless."""
    from ncb_cases.services.retention import retention_review_list_refresh

    run = retention_review_list_refresh()
    return {
        "listed": run.listed,
        "rolled_forward": run.rolled_forward,
        "superseded": run.superseded,
    }
