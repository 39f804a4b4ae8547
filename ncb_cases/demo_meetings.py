"""The meetings part of the demo: an operational meeting on the Mama Joy network next month
and a past working meeting with minutes, both organised by France for the European Regional
Bureau.

Written through `ncb_cases.services.meetings` as `supervisor_fr`, so the meetings carry their
audit trail. Fictitious: places, agendas and minutes are made up. Idempotent: a demo meeting
is recognised by its organising NCB and title and left as it is if present. Needs the contacts
and cases demos (users, NCBs, the French Mama Joy case).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from contacts.models import SubRegionalBureau
from ncb_cases.choices import MeetingKind
from ncb_cases.models import Case, Meeting
from ncb_cases.services import meetings as services

ORGANISER = "supervisor_fr"
MAMA_JOY_FR = "Mama Joy network: sexual exploitation of Nigerian women in Paris (fictitious)"
OPERATIONAL_TITLE = "Operational meeting: the Mama Joy network (fictitious)"
WORKING_TITLE = "Working meeting: forced labour in agriculture and construction (fictitious)"

OPERATIONAL_AGENDA = """1. Tour de table: what each NCB holds on the network
2. Recruitment in Benin City and the route through Agadez and Tripoli
3. Money flows: hawala agents in Rome and Paris
4. Victims' protection and repatriation: IOM focal points
5. Joint action day: date, roles, HST requests to send"""

WORKING_MINUTES = """Present: INTERPOL Paris, Rome and Wiesbaden.
1. Seasonal agricultural work: labour inspectors' reports show the same fictitious agency
   "Sol-Test Interim" in France and Italy.
2. Construction sites near Hamburg: the Wiesbaden NCB shares its typology by HST INFO.
3. Agreed: each NCB checks its cases for the agency and its phone numbers."""


@dataclass
class MeetingsDemoReport:
    meetings_created: int = 0
    meetings_present: int = 0
    action_items: int = 0
    skipped: int = 0

    def summary_lines(self) -> list[str]:
        lines = [
            f"Demo meetings: {self.meetings_created} meetings created "
            f"({self.meetings_present} already present), {self.action_items} action items."
        ]
        if self.skipped:
            lines.append(
                f"Demo meetings: {self.skipped} skipped (the demo users or NCBs are missing)."
            )
        return lines


def _next_month_at(hour: int, *, day: int = 12) -> dt.datetime:
    today = timezone.localdate()
    year, month = (today.year + 1, 1) if today.month == 12 else (today.year, today.month + 1)
    return dt.datetime(year, month, day, hour, 0)


def _last_month_at(hour: int, *, day: int = 9) -> dt.datetime:
    today = timezone.localdate()
    year, month = (today.year - 1, 12) if today.month == 1 else (today.year, today.month - 1)
    return dt.datetime(year, month, day, hour, 0)


@transaction.atomic
def seed_meetings_demo() -> MeetingsDemoReport:
    """Create the demo meetings that do not exist yet. Idempotent."""
    report = MeetingsDemoReport()
    organiser = get_user_model().objects.filter(username=ORGANISER, is_active=True).first()
    if organiser is None or not hasattr(organiser, "officer"):
        report.skipped = 2
        return report
    existing = set(
        Meeting.objects.filter(
            organising_ncb_id=organiser.officer.ncb_id,
            title__in=[OPERATIONAL_TITLE, WORKING_TITLE],
        ).values_list("title", flat=True)
    )
    report.meetings_present = len(existing)
    bureau = SubRegionalBureau.objects.filter(code="RB-EUR").first()
    mama_joy = Case.objects.filter(
        title=MAMA_JOY_FR, owner_ncb_id=organiser.officer.ncb_id
    ).first()
    if OPERATIONAL_TITLE not in existing:
        _seed_operational(organiser, bureau, mama_joy, report)
    if WORKING_TITLE not in existing:
        _seed_working(organiser, bureau, report)
    return report


def _seed_operational(organiser, bureau, mama_joy, report: MeetingsDemoReport) -> None:
    meeting = services.meeting_create(
        actor=organiser,
        data={
            "kind": MeetingKind.OPERATIONAL,
            "title": OPERATIONAL_TITLE,
            "organising_bureau": bureau,
            "timezone": "Europe/Paris",
            "starts_at": _next_month_at(9),
            "ends_at": _next_month_at(17),
            "place": "Lyon, INTERPOL General Secretariat, meeting room 4 (fictitious)",
            "online": True,
            "agenda": OPERATIONAL_AGENDA,
            "participants": ["IT", "DE", "NG"],
            "cases": [mama_joy] if mama_joy is not None else [],
        },
    )
    report.meetings_created += 1
    for item in (
        {
            "description": "Share the phone analysis of the Libyan number with all participants",
            "owner_ncb": "IT",
            "owner_name": "Squadra Mobile, THB desk",
            "due_on": (_next_month_at(9) + dt.timedelta(days=14)).date(),
        },
        {
            "description": "Check the Benin City recruiters' names against national records",
            "owner_ncb": "NG",
            "owner_name": "NAPTIP liaison",
            "due_on": (_next_month_at(9) + dt.timedelta(days=21)).date(),
        },
    ):
        services.meeting_action_item_add(actor=organiser, meeting=meeting, data=item)
        report.action_items += 1


def _seed_working(organiser, bureau, report: MeetingsDemoReport) -> None:
    meeting = services.meeting_create(
        actor=organiser,
        data={
            "kind": MeetingKind.WORKING,
            "title": WORKING_TITLE,
            "organising_bureau": bureau,
            "timezone": "Europe/Paris",
            "starts_at": _last_month_at(14),
            "ends_at": _last_month_at(16),
            "place": "",
            "online": True,
            "agenda": "1. Agricultural work\n2. Construction sites\n3. Next steps",
            "minutes": WORKING_MINUTES,
            "participants": ["IT", "DE"],
        },
    )
    report.meetings_created += 1
    services.meeting_action_item_add(
        actor=organiser,
        meeting=meeting,
        data={
            "description": "Search the cases for the agency “Sol-Test Interim” and its phones",
            "owner_ncb": "DE",
            "due_on": _last_month_at(14).date() + dt.timedelta(days=10),
            "done_on": _last_month_at(14).date() + dt.timedelta(days=8),
        },
    )
    report.action_items += 1
