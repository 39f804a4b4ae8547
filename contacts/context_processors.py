"""What the base layout shows about the signed-in user: NCB, role, unread notifications."""

from contacts.permissions import is_instance_admin, officer_of
from contacts.selectors import unread_notification_count


def officer(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {
        "current_officer": officer_of(user),
        "is_instance_admin": is_instance_admin(user),
        "unread_notifications": unread_notification_count(user=user),
    }
