"""Celery tasks of the contacts app: thin adapters over `contacts.services`."""

from celery import shared_task
from django.db import OperationalError

from contacts import services


@shared_task(
    name="contacts.tasks.remind_stale_contact_points",
    autoretry_for=(OperationalError,),
    retry_backoff=True,
    retry_backoff_max=600,
    max_retries=5,
)
def remind_stale_contact_points() -> int:
    """Remind NCBs of their stale contact points (run by beat, see CELERY_BEAT_SCHEDULE).

    Safe to run at any frequency and to retry: the service marks each contact it mentions and
    skips it until the reminder interval has passed. Returns the notifications written.
    """
    return services.stale_contact_points_remind()
