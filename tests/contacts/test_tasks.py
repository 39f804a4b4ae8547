from datetime import timedelta

import pytest
from django.conf import settings
from django.db import OperationalError
from django.utils import timezone

from contacts.models import ContactPoint, Notification
from contacts.tasks import remind_stale_contact_points
from ncb_cases.celery import app
from tests.factories import ContactPointFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    # Each user of the cast would otherwise cost a deliberately slow PBKDF2 hash.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def stale_contact(ncb_fr):
    return ContactPointFactory(
        ncb=ncb_fr,
        full_name="Camille DURAND-TEST",
        last_verified_at=timezone.now() - timedelta(days=200),
    )


@pytest.fixture
def run_task(django_capture_on_commit_callbacks):
    """Run the task as a worker would, e-mails included (they are sent once committed)."""

    def run() -> int:
        with django_capture_on_commit_callbacks(execute=True):
            return remind_stale_contact_points.apply().get()

    return run


def test_task_notifies_and_emails_the_supervisors_of_the_stale_contacts_ncb(
    stale_contact, supervisor_fr, officer_fr, supervisor_de, mailoutbox, run_task
):
    # when
    written = run_task()
    # then
    assert written == 1
    notification = Notification.objects.get()
    assert notification.recipient == supervisor_fr
    assert "Camille DURAND-TEST" in notification.body
    assert [mail.to for mail in mailoutbox] == [["supervisor_fr@example.test"]]
    assert "INTERPOL Paris" in mailoutbox[0].subject


def test_task_leaves_recently_verified_contacts_alone(ncb_fr, supervisor_fr, mailoutbox, run_task):
    # given
    ContactPointFactory(ncb=ncb_fr, last_verified_at=timezone.now() - timedelta(days=30))
    # when
    written = run_task()
    # then
    assert written == 0
    assert not Notification.objects.exists()
    assert mailoutbox == []


def test_task_does_not_remind_again_within_the_reminder_interval(
    stale_contact, supervisor_fr, mailoutbox, run_task
):
    # given
    run_task()
    # when
    written = run_task()
    # then
    assert written == 0
    assert Notification.objects.count() == 1
    assert len(mailoutbox) == 1


def test_task_reminds_again_once_the_reminder_interval_has_passed(
    stale_contact, supervisor_fr, mailoutbox, run_task
):
    # given
    run_task()
    interval = timedelta(days=settings.CONTACT_POINT_REMINDER_INTERVAL_DAYS, hours=1)
    ContactPoint.objects.update(stale_reminder_sent_at=timezone.now() - interval)
    # when
    written = run_task()
    # then
    assert written == 1
    assert Notification.objects.filter(recipient=supervisor_fr).count() == 2
    assert len(mailoutbox) == 2


def test_task_is_registered_under_the_name_beat_schedules_and_retries_on_database_errors():
    # then
    scheduled = settings.CELERY_BEAT_SCHEDULE["contacts-remind-stale"]["task"]
    assert scheduled == remind_stale_contact_points.name
    assert scheduled in app.tasks
    assert remind_stale_contact_points.autoretry_for == (OperationalError,)
    assert remind_stale_contact_points.retry_backoff
