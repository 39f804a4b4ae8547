"""The dashboard's reads of outgoing messages: what waits for the user's decision or work.

Both follow the four-eyes rules of `messages_hst.permissions`, restricted to the user's NCB
like every message selector; both are one query when evaluated (after the user's NCB
membership, cached on the user).
"""

from django.db.models import Q, QuerySet

from contacts.choices import OfficerRole
from messages_hst import permissions
from messages_hst.choices import MessageStatus
from messages_hst.models import HSTMessage
from messages_hst.selectors._common import User


def messages_awaiting_approval_by_user(*, user: User) -> QuerySet[HSTMessage]:
    """Messages of the user's NCB pending approval that `user` may approve: for a supervisor,
    those they neither wrote nor submitted (`permissions.can_approve`); for anyone else, none.
    Oldest submitted first: they have waited longest."""
    officer = permissions.message_author(user)
    if officer is None or officer.role != OfficerRole.SUPERVISOR:
        return HSTMessage.objects.none()
    return (
        HSTMessage.objects.select_related("case", "created_by")
        .filter(sender_ncb_id=officer.ncb_id, status=MessageStatus.PENDING_APPROVAL)
        .exclude(Q(created_by_id=user.pk) | Q(submitted_by_id=user.pk))
        .order_by("submitted_at", "id")
    )


def drafts_returned_to_user(*, user: User) -> QuerySet[HSTMessage]:
    """Drafts `user` wrote that a supervisor returned for correction and that are still
    drafts, most recently returned first. None for users who write no messages."""
    officer = permissions.message_author(user)
    if officer is None:
        return HSTMessage.objects.none()
    return (
        HSTMessage.objects.select_related("case", "returned_by")
        .filter(
            sender_ncb_id=officer.ncb_id,
            created_by_id=user.pk,
            status=MessageStatus.DRAFT,
            returned_at__isnull=False,
        )
        .order_by("-returned_at", "-id")
    )
