"""Reads of meetings, their action items and documents (issue 6 item 5).

A meeting is visible to
- instance admins: every meeting;
- officers, supervisors and analysts (active users) of its organising NCB and of every
  participating NCB;
- SRB monitors of its organising sub-regional bureau (the meeting, its agenda, minutes and
  action items; never its documents nor, as for every case, its linked cases);
- nobody else: missing and forbidden are the same 404, a refused read of an existing meeting
  is audited as DENIED.

Documents are for participants only: the officers above, never SRB monitors. Linked cases are
shown only where `visible_cases` already lets the reader see the case: a link grants nothing.
Only supervisors of the organising NCB (and instance admins) change a meeting.
"""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import Prefetch, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from contacts.choices import OfficerRole
from contacts.models import NationalCentralBureau
from contacts.permissions import is_instance_admin, officer_of
from ncb_cases import permissions
from ncb_cases.audit import audited_read
from ncb_cases.models import Case, Meeting, MeetingActionItem, MeetingDocument, MeetingParticipant
from ncb_cases.selectors._common import as_uuid, denied
from ncb_cases.selectors.access import visible_cases

User = AbstractBaseUser | AnonymousUser

MEETING_PERIODS = ("upcoming", "past")


def _participating_meeting_ids(ncb_id: int):
    return MeetingParticipant.objects.filter(ncb_id=ncb_id).values("meeting_id")


def meeting_visible_q(user: User) -> Q | None:
    """The filter of meetings `user` may read: `Q()` for all, None for none (module doc)."""
    if is_instance_admin(user):
        return Q()
    if not user.is_authenticated or not user.is_active:
        return None
    officer = officer_of(user)
    if officer is None:
        return None
    if officer.role == OfficerRole.SRB_MONITOR:
        return Q(organising_bureau_id=officer.sub_regional_bureau_id)
    if officer.role in permissions.CASE_READER_ROLES:
        return Q(organising_ncb_id=officer.ncb_id) | Q(
            pk__in=_participating_meeting_ids(officer.ncb_id)
        )
    return None


def meeting_participant_q(user: User) -> Q | None:
    """The filter of meetings whose documents `user` may read: as `meeting_visible_q`, without
    SRB monitors (documents are for the participants)."""
    if is_instance_admin(user):
        return Q()
    officer = permissions.case_reader(user)
    if officer is None:
        return None
    return Q(organising_ncb_id=officer.ncb_id) | Q(
        pk__in=_participating_meeting_ids(officer.ncb_id)
    )


def visible_meetings(user: User) -> QuerySet[Meeting]:
    condition = meeting_visible_q(user)
    if condition is None:
        return Meeting.objects.none()
    return Meeting.objects.filter(condition)


def editable_meetings(user: User) -> QuerySet[Meeting]:
    """Meetings `user` may change: all for admins, their NCB's for supervisors, else none."""
    if is_instance_admin(user):
        return Meeting.objects.all()
    organiser = meeting_organiser(user)
    if organiser is None:
        return Meeting.objects.none()
    return Meeting.objects.filter(organising_ncb_id=organiser.ncb_id)


def meeting_organiser(user: User):
    """The user's NCB membership if they organise meetings (supervisors); else None."""
    officer = permissions.case_reader(user)
    if officer is None or officer.role != OfficerRole.SUPERVISOR:
        return None
    return officer


def can_create_meetings(user: User) -> bool:
    return is_instance_admin(user) or meeting_organiser(user) is not None


def can_change_meeting(user: User, meeting: Meeting) -> bool:
    """Pure: a supervisor of the organising NCB, or an instance admin."""
    if is_instance_admin(user):
        return True
    organiser = meeting_organiser(user)
    return organiser is not None and organiser.ncb_id == meeting.organising_ncb_id


def can_read_meeting_documents(user: User, meeting: Meeting) -> bool:
    """Pure given the meeting's prefetched participations: admins, officers of the organising
    or a participating NCB."""
    if is_instance_admin(user):
        return True
    officer = permissions.case_reader(user)
    if officer is None:
        return False
    if officer.ncb_id == meeting.organising_ncb_id:
        return True
    return any(p.ncb_id == officer.ncb_id for p in meeting.participations.all())


def _with_display_relations(meetings: QuerySet[Meeting]) -> QuerySet[Meeting]:
    return meetings.select_related(
        "organising_ncb__country", "organising_bureau", "created_by"
    ).prefetch_related(
        Prefetch(
            "participations",
            queryset=MeetingParticipant.objects.select_related("ncb__country").order_by(
                "ncb__code"
            ),
        )
    )


def meeting_list_for_user(
    *, user: User, period: str | None = "upcoming", now: dt.datetime | None = None
) -> QuerySet[Meeting]:
    """Meetings `user` may read: `upcoming` (not yet ended, soonest first), `past` (ended,
    latest first) or, for `None`, all (latest first), with organiser, bureau and participants
    loaded. Two queries evaluated (meetings, participants; plus one count when paginated)."""
    now = now or timezone.now()
    meetings = _with_display_relations(visible_meetings(user))
    if period is None:
        return meetings.order_by("-starts_at", "-pk")
    if period == "past":
        return meetings.filter(ends_at__lte=now).order_by("-starts_at", "-pk")
    return meetings.filter(ends_at__gt=now).order_by("starts_at", "pk")


def meeting_get_for_user(*, user: User, meeting_id, for_change: bool = False) -> Meeting:
    """The meeting with public id `meeting_id` if `user` may read it (change it, with
    `for_change`); Http404 otherwise, a refused attempt on an existing meeting audited as
    DENIED. Not audited when granted (see `meeting_detail_for_user`). Two queries."""
    source = editable_meetings(user) if for_change else visible_meetings(user)
    public_id = as_uuid(meeting_id)
    try:
        return _with_display_relations(source).get(public_id=public_id)
    except Meeting.DoesNotExist as exc:
        raise denied(user, Meeting, public_id, for_change) from exc


def meeting_detail_for_user(*, user: User, meeting_id, ip: str | None = None) -> Meeting:
    """`meeting_get_for_user` for a person reading the meeting: one VIEW audit row (DENIED
    for a refused read of an existing meeting). Do not wrap in an outer transaction."""
    public_id = as_uuid(meeting_id)
    return audited_read(
        user=user,
        read=lambda: meeting_get_for_user(user=user, meeting_id=public_id),
        existing=Meeting.objects.filter(public_id=public_id),
        ip=ip,
    )


def meeting_cases_for_user(*, user: User, meeting: Meeting) -> QuerySet[Case]:
    """The meeting's linked cases that `user` may see anyway (`visible_cases`), by
    reference. One query."""
    return (
        visible_cases(user)
        .filter(meetings=meeting)
        .select_related("owner_ncb")
        .order_by("reference")
    )


def meeting_action_items(*, meeting: Meeting) -> QuerySet[MeetingActionItem]:
    """The action items of a meeting obtained from a selector (whoever reads the meeting
    reads them). One query."""
    return meeting.action_items.select_related("owner_ncb").order_by("done_on", "due_on", "pk")


def meeting_documents_for_user(*, user: User, meeting: Meeting) -> QuerySet[MeetingDocument]:
    """The meeting's documents if `user` is a participant (module doc), else none."""
    if not can_read_meeting_documents(user, meeting):
        return MeetingDocument.objects.none()
    return meeting.documents.select_related("uploaded_by").order_by("uploaded_at", "pk")


def meeting_document_get_for_user(*, user: User, document_id) -> MeetingDocument:
    """A document of a meeting whose documents `user` may read; Http404 otherwise (a refused
    attempt on an existing document is audited as DENIED). One query (two when refused)."""
    public_id = as_uuid(document_id)
    condition = meeting_participant_q(user)
    if condition is not None:
        meetings = Meeting.objects.filter(condition)
        found = (
            MeetingDocument.objects.filter(public_id=public_id, meeting__in=meetings)
            .select_related("meeting")
            .first()
        )
        if found is not None:
            return found
    raise denied(user, MeetingDocument, public_id)


def meeting_item_get_for_user(*, user: User, meeting: Meeting, item_id) -> MeetingActionItem:
    """An action item of `meeting` (a meeting from a selector); Http404 if not one of it."""
    try:
        return meeting.action_items.select_related("owner_ncb").get(pk=int(item_id))
    except (MeetingActionItem.DoesNotExist, TypeError, ValueError) as exc:
        raise Http404 from exc


def meeting_participant_ncbs(*, meeting: Meeting) -> list[NationalCentralBureau]:
    """The participating NCBs, by code (uses the prefetched participations)."""
    return [participation.ncb for participation in meeting.participations.all()]
