"""The dashboard: the first page an officer sees after signing in.

Their NCB's THB contact points, and for those who work on cases: the cases most recently
changed, their own open tasks by due date, and the shares that end soon (given by their NCB
or received by it), so that nobody loses access to a joint case by surprise.
"""

import datetime

from django.db.models import F, Q
from django.shortcuts import render
from django.utils import timezone

from contacts.models import ContactPoint
from contacts.permissions import is_instance_admin, officer_of
from ncb_cases import permissions, selectors
from ncb_cases.models import CaseShare

RECENT_CASES = 5
OPEN_TASKS = 8
EXPIRING_SHARES = 8
SHARE_WARNING_DAYS = 14


def _shares_expiring_soon(user, *, now: datetime.datetime) -> list[CaseShare]:
    """Active shares ending within SHARE_WARNING_DAYS, on cases the user may see: those their
    NCB gave and those it received (admins: all). One query.

    TODO(#3): move to `selectors.share_list_expiring_for_user` (selectors are not this
    helper's file); the rule mirrors `selectors.share_list_for_case`.
    """
    shares = (
        CaseShare.objects.active(now=now)
        .filter(
            expires_at__lte=now + datetime.timedelta(days=SHARE_WARNING_DAYS),
            case__in=selectors.visible_cases(user, now=now),
        )
        .select_related("case", "recipient_ncb")
        .order_by("expires_at", "id")
    )
    if not is_instance_admin(user):
        officer = permissions.case_reader(user)
        shares = shares.filter(
            Q(case__owner_ncb_id=officer.ncb_id) | Q(recipient_ncb_id=officer.ncb_id)
        )
    return list(shares[:EXPIRING_SHARES])


def dashboard(request):
    officer = officer_of(request.user)
    own_contacts = []
    if officer is not None:
        own_contacts = list(
            ContactPoint.objects.current()
            .filter(ncb=officer.ncb)
            .select_related("ncb__country")
            .order_by("role")
        )
    context = {"officer": officer, "own_contacts": own_contacts, "reads_cases": False}
    if permissions.can_read_cases(request.user):
        now = timezone.now()
        today = timezone.localdate()
        tasks = list(
            selectors.task_list_for_assignee(user=request.user).order_by(
                F("due_on").asc(nulls_last=True), "id"
            )[:OPEN_TASKS]
        )
        for task in tasks:
            task.is_overdue = task.due_on is not None and task.due_on < today
        context.update(
            {
                "reads_cases": True,
                "can_create_cases": permissions.can_edit_cases(request.user),
                "recent_cases": list(
                    selectors.case_list_for_user(
                        user=request.user, filters={"ordering": "-updated_at"}
                    )[:RECENT_CASES]
                ),
                "open_tasks": tasks,
                "expiring_shares": _shares_expiring_soon(request.user, now=now),
                "own_ncb_id": officer.ncb_id if officer else None,
            }
        )
    return render(request, "ncb_cases/dashboard.html", context)
