"""Reads of the retention review list (issue 7 item 5).

The list belongs to the owner NCB and only its supervisors (and admins) act on it: it is
shown to them, and the decision form of a case is reached through
`retention_review_get_for_user`, which answers 404 for anyone else, like a missing case.
"""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import QuerySet
from django.http import Http404

from contacts.choices import OfficerRole
from contacts.permissions import is_instance_admin
from ncb_cases import permissions
from ncb_cases.models import Case, RetentionReview
from ncb_cases.selectors.cases import case_get_for_user

User = AbstractBaseUser | AnonymousUser


def can_review_retention(user: User) -> bool:
    """Supervisors of an NCB and admins hold a review list (pure role rule, no query)."""
    if is_instance_admin(user):
        return True
    officer = permissions.case_reader(user)
    return officer is not None and officer.role == OfficerRole.SUPERVISOR


def retention_review_list_for_user(*, user: User) -> QuerySet[RetentionReview]:
    """The open reviews of the user's NCB (every NCB's for an admin), soonest due first,
    with their case and owner NCB. Empty for anyone but supervisors and admins. One query
    when evaluated, over the partial index of open reviews by NCB."""
    if not can_review_retention(user):
        return RetentionReview.objects.none()
    reviews = RetentionReview.objects.filter(decided_at__isnull=True)
    if not is_instance_admin(user):
        reviews = reviews.filter(owner_ncb_id=permissions.case_reader(user).ncb_id)
    return reviews.select_related("case", "owner_ncb").order_by("due_on", "id")


def retention_review_count_for_user(*, user: User) -> int:
    """How many cases await the user's NCB's review (the dashboard's figure). One query."""
    return retention_review_list_for_user(user=user).count()


def retention_case_for_user(*, user: User, case_id) -> tuple[Case, RetentionReview | None]:
    """The case with public id `case_id` and its open review, for its decision form.

    Http404 when the case is missing or invisible (audited as DENIED by `case_get_for_user`)
    or when the user is not a supervisor of the owner NCB (nor an admin): officers, analysts
    and other NCBs learn nothing. The review is None when the case is not on the list. Two
    queries.
    """
    case = case_get_for_user(user=user, case_id=case_id)
    if not permissions.is_owner_supervisor(user, case):
        raise Http404
    review = RetentionReview.objects.filter(case=case, decided_at__isnull=True).first()
    return case, review
