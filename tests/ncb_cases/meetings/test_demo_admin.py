"""The meetings demo (`seed_meetings_demo`) and the read-only admin pages of meetings."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from ncb_cases.choices import MeetingKind
from ncb_cases.demo_meetings import OPERATIONAL_TITLE, WORKING_TITLE, seed_meetings_demo
from ncb_cases.models import Meeting

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(settings, tmp_path):
    settings.VAR_DIR = tmp_path
    call_command("seed_demo", "--password", "demo-password-0123", stdout=StringIO())


def test_demo_seeds_an_operational_and_a_past_working_meeting_once(demo):
    # given: whatever seed_demo did already, start from no meeting
    Meeting.objects.all().delete()
    # when
    first = seed_meetings_demo()
    second = seed_meetings_demo()
    # then
    assert first.meetings_created == 2
    assert second.meetings_created == 0
    assert second.meetings_present == 2
    assert Meeting.objects.count() == 2
    assert "2 meetings created" in first.summary_lines()[0]
    operational = Meeting.objects.get(title=OPERATIONAL_TITLE)
    assert operational.kind == MeetingKind.OPERATIONAL
    assert operational.organising_bureau.code == "RB-EUR"
    assert operational.starts_at > timezone.now()
    assert sorted(p.ncb.code for p in operational.participations.all()) == ["DE", "IT", "NG"]
    assert operational.action_items.count() == 2
    assert operational.cases.count() == 1
    working = Meeting.objects.get(title=WORKING_TITLE)
    assert working.ends_at < timezone.now()
    assert working.minutes


def test_demo_without_users_skips(db):
    report = seed_meetings_demo()
    assert report.meetings_created == 0
    assert "skipped" in report.summary_lines()[-1]


def test_admin_shows_a_meeting_read_only(client_for, admin_user, meeting_fr, case_fr):
    meeting_fr.cases.set([case_fr])
    client = client_for(admin_user)
    listing = client.get(reverse("admin:ncb_cases_meeting_changelist"))
    page = client.get(reverse("admin:ncb_cases_meeting_change", args=[meeting_fr.pk]))
    assert listing.status_code == 200
    assert page.status_code == 200
    assert case_fr.reference in page.text
    assert client.get(reverse("admin:ncb_cases_meeting_add")).status_code == 403
