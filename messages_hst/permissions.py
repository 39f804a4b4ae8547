"""Who may do what with HST messages: role rules as pure functions of the user and the object.

Which messages a user may *read* needs the database and lives in `messages_hst.selectors`;
these rules decide the writes. Services check them again on every write.

- officers and supervisors of an NCB compose its messages and triage what it receives;
- only a supervisor of the sender NCB approves, and never the message's author or submitter
  (four eyes, HST.md §6); only a supervisor of the sender NCB requeues a dead delivery;
- analysts read, SRB monitors, users of no NCB, inactive and anonymous users do nothing.
"""

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser

from contacts.choices import OfficerRole
from contacts.models import Officer
from contacts.permissions import officer_of

MESSAGE_READER_ROLES = frozenset(
    {OfficerRole.OFFICER, OfficerRole.SUPERVISOR, OfficerRole.ANALYST}
)
MESSAGE_AUTHOR_ROLES = frozenset({OfficerRole.OFFICER, OfficerRole.SUPERVISOR})

User = AbstractBaseUser | AnonymousUser


def message_reader(user: User) -> Officer | None:
    """The user's NCB membership if its role reads messages; else None."""
    if user is None or not user.is_authenticated or not user.is_active:
        return None
    officer = officer_of(user)
    if officer is None or officer.role not in MESSAGE_READER_ROLES:
        return None
    return officer


def message_author(user: User) -> Officer | None:
    """The user's NCB membership if its role writes messages (officer, supervisor)."""
    officer = message_reader(user)
    if officer is None or officer.role not in MESSAGE_AUTHOR_ROLES:
        return None
    return officer


def can_compose(user: User) -> bool:
    """Officers and supervisors of an NCB write its messages."""
    return message_author(user) is not None


def can_change_message(user: User, message) -> bool:
    """An officer or supervisor of the sender NCB (edit, submit, discard a draft)."""
    officer = message_author(user)
    return officer is not None and officer.ncb_id == message.sender_ncb_id


def is_sender_supervisor(user: User, message) -> bool:
    officer = message_author(user)
    return (
        officer is not None
        and officer.role == OfficerRole.SUPERVISOR
        and officer.ncb_id == message.sender_ncb_id
    )


def can_approve(user: User, message) -> bool:
    """A supervisor of the sender NCB who neither wrote nor submitted the message."""
    if not is_sender_supervisor(user, message):
        return False
    return user.pk not in {message.created_by_id, message.submitted_by_id}


def can_return(user: User, message) -> bool:
    """Returning for correction is the approver's decision: the same rule as approving."""
    return can_approve(user, message)


def can_triage(user: User, inbound) -> bool:
    """Officers and supervisors of the recipient NCB accept or reject what it received."""
    officer = message_author(user)
    return officer is not None and officer.ncb_id == inbound.recipient_ncb_id


def can_requeue(user: User, delivery) -> bool:
    """A supervisor of the sender NCB puts a dead or rejected delivery back in the queue."""
    return is_sender_supervisor(user, delivery.message)
