"""The dashboard: the first page an officer sees after signing in.

For those who work on cases: their NCB's open cases, their own open tasks by due date, the
messages awaiting their approval or returned to them, the NCB's overdue HST requests, the
evidence in transit to them, the shares that end soon and the cases most recently changed.
For everyone in an NCB: its THB contact points and which need verifying (for supervisors,
also across their region). For an SRB monitor: the region's headline figures.

The message, request, evidence and region panels come from template tags of `messages_hst`,
`evidence` and `reports`, which this app may not import (the app graph points the other way).
Each panel costs a fixed number of queries, whatever the number of rows.
"""

import datetime

from django.db.models import F
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode

from contacts.choices import OfficerRole
from contacts.models import ContactPoint
from contacts.permissions import officer_of
from ncb_cases import permissions, selectors
from ncb_cases.selectors.dashboard import (
    contact_staleness_for_supervisor,
    open_cases_of_user_ncb,
    retention_reviews_due_for_supervisor,
)

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
    region_contacts = contact_staleness_for_supervisor(officer=officer)
    context = {
        "officer": officer,
        "own_contacts": own_contacts,
        "own_stale_contacts": sum(1 for contact in own_contacts if contact.is_stale),
        "region_contacts": region_contacts,
        "region_stale_url": f"{reverse('contacts:directory')}?"
        f"{urlencode({**region_contacts.directory_filter, 'stale': 'true'})}"
        if region_contacts is not None
        else None,
        "is_srb_monitor": officer is not None
        and officer.role == OfficerRole.SRB_MONITOR
        and request.user.is_active,
        "reads_cases": False,
    }
    if permissions.can_read_cases(request.user):
        context.update(_case_panels(request, officer))
    return render(request, "ncb_cases/dashboard.html", context)


def _case_panels(request, officer) -> dict:
    now = timezone.now()
    today = timezone.localdate()
    tasks = list(
        selectors.task_list_for_assignee(user=request.user).order_by(
            F("due_on").asc(nulls_last=True), "id"
        )[:OPEN_TASKS]
    )
    for task in tasks:
        task.is_overdue = task.due_on is not None and task.due_on < today
    open_cases = open_cases_of_user_ncb(user=request.user, latest=RECENT_CASES)
    return {
        "reads_cases": True,
        "can_create_cases": permissions.can_edit_cases(request.user),
        "open_cases": open_cases,
        "open_cases_url": f"{reverse('cases:list')}?{urlencode(open_cases.filters, doseq=True)}"
        if open_cases is not None
        else None,
        "recent_cases": list(
            selectors.case_list_for_user(user=request.user, filters={"ordering": "-updated_at"})[
                :RECENT_CASES
            ]
        ),
        "open_tasks": tasks,
        "overdue_tasks": sum(1 for task in tasks if task.is_overdue),
        "expiring_shares": list(
            selectors.share_list_expiring_for_user(
                user=request.user,
                within=datetime.timedelta(days=SHARE_WARNING_DAYS),
                now=now,
            )[:EXPIRING_SHARES]
        ),
        "own_ncb_id": officer.ncb_id if officer else None,
        "retention_due": retention_reviews_due_for_supervisor(user=request.user),
    }
