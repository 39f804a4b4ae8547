import time
from datetime import timedelta

import pytest
from django.utils import timezone

from contacts.models import ContactPoint, Notification
from contacts.tasks import remind_stale_contact_points
from tests.factories import ContactPointFactory

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]

WAIT_SECONDS = 30


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def test_worker_reminds_the_supervisors_of_an_ncb_with_a_stale_contact_point(
    celery_worker, ncb_fr, supervisor_fr, officer_fr
):
    # given
    contact = ContactPointFactory(
        ncb=ncb_fr, last_verified_at=timezone.now() - timedelta(days=200)
    )
    # when
    remind_stale_contact_points.delay()
    # then
    deadline = time.monotonic() + WAIT_SECONDS
    while not Notification.objects.exists() and time.monotonic() < deadline:
        time.sleep(0.2)
    recipients = list(Notification.objects.values_list("recipient__username", flat=True))
    assert recipients == ["supervisor_fr"], celery_worker.log()
    contact = ContactPoint.objects.get(pk=contact.pk)
    assert contact.stale_reminder_sent_at is not None
