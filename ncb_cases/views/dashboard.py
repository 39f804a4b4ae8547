"""The dashboard: the first page an officer sees after signing in.

Their NCB's THB contact points, and for those who work on cases: the cases most recently
changed, their own open tasks by due date, and the shares that end soon (given by their NCB
or received by it), so that nobody loses access to a joint case by surprise.
"""

import datetime

from django.db.models import F
from django.shortcuts import render
from django.utils import timezone

from contacts.models import ContactPoint
from contacts.permissions import officer_of
from ncb_cases import permissions, selectors

RECENT_CASES = 5
OPEN_TASKS = 8
EXPIRING_SHARES = 8
SHARE_WARNING_DAYS = 14


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
                "expiring_shares": list(
                    selectors.share_list_expiring_for_user(
                        user=request.user,
                        within=datetime.timedelta(days=SHARE_WARNING_DAYS),
                        now=now,
                    )[:EXPIRING_SHARES]
                ),
                "own_ncb_id": officer.ncb_id if officer else None,
            }
        )
    return render(request, "ncb_cases/dashboard.html", context)
