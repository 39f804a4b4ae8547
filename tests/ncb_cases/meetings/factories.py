"""Meetings for the meeting tests, written straight to the database (the services have their
own tests): fictitious titles, places and agendas."""

import datetime as dt

from django.utils import timezone

from ncb_cases.choices import MeetingKind
from ncb_cases.models import Meeting, MeetingActionItem, MeetingParticipant


def meeting(
    *,
    organiser,
    created_by,
    participants=(),
    bureau=None,
    starts_in=dt.timedelta(days=10),
    hours=3,
    title="Operational meeting on the fictitious “Mama Joy” network",
    kind=MeetingKind.OPERATIONAL,
    place="Lyon, General Secretariat (fictitious room B-12)",
    online=False,
    agenda="1. Tour de table\n2. Routes via Libya",
    minutes="",
    cases=(),
):
    starts = timezone.now().replace(microsecond=0) + starts_in
    created = Meeting.objects.create(
        kind=kind,
        title=title,
        organising_ncb=organiser,
        organising_bureau=bureau,
        starts_at=starts,
        ends_at=starts + dt.timedelta(hours=hours),
        timezone="Europe/Paris",
        place=place,
        online=online,
        agenda=agenda,
        minutes=minutes,
        created_by=created_by,
    )
    for ncb in participants:
        MeetingParticipant.objects.create(meeting=created, ncb=ncb)
    created.cases.set(cases)
    return created


def action_item(meeting, owner, description="Share the route analysis", due_on=None):
    return MeetingActionItem.objects.create(
        meeting=meeting, owner_ncb=owner, description=description, due_on=due_on
    )
