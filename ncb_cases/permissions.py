"""Who may do what with cases: role rules as pure functions of the user (and the case).

Row-level visibility (own NCB, shares, user grants, victim identity) needs the database and
lives in `ncb_cases.selectors.access`; both together are the one place of access control
(DESIGN.md §5). Roles:

- officers and supervisors of an NCB read and edit its cases and the cases shared with it
  read-write; analysts only read (through the API) what their NCB may see;
- only supervisors of the owner NCB (and instance admins) share and unshare a case, reopen
  it, grant victim-identity access, and read its full audit trail;
- SRB monitors, users of no NCB, inactive and anonymous users see no case data at all.
"""

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser

from contacts.choices import OfficerRole
from contacts.models import Officer
from contacts.permissions import is_instance_admin, officer_of

CASE_READER_ROLES = frozenset({OfficerRole.OFFICER, OfficerRole.SUPERVISOR, OfficerRole.ANALYST})
CASE_EDITOR_ROLES = frozenset({OfficerRole.OFFICER, OfficerRole.SUPERVISOR})

User = AbstractBaseUser | AnonymousUser


def case_reader(user: User) -> Officer | None:
    """The user's NCB membership if its role reads cases (not SRB monitors); else None."""
    if not user.is_authenticated or not user.is_active:
        return None
    officer = officer_of(user)
    if officer is None or officer.role not in CASE_READER_ROLES:
        return None
    return officer


def can_read_cases(user: User) -> bool:
    return is_instance_admin(user) or case_reader(user) is not None


def can_edit_cases(user: User) -> bool:
    """Whether the user's role edits cases at all (which cases: `selectors.access`)."""
    if is_instance_admin(user):
        return True
    officer = case_reader(user)
    return officer is not None and officer.role in CASE_EDITOR_ROLES


def is_owner_supervisor(user: User, case) -> bool:
    """A supervisor of the case's owner NCB, or an instance admin."""
    if is_instance_admin(user):
        return True
    officer = case_reader(user)
    return (
        officer is not None
        and officer.role == OfficerRole.SUPERVISOR
        and officer.ncb_id == case.owner_ncb_id
    )


def can_share_case(user: User, case) -> bool:
    return is_owner_supervisor(user, case)


def can_reopen_case(user: User, case) -> bool:
    return is_owner_supervisor(user, case)


def can_grant_victim_identity(user: User, case) -> bool:
    return is_owner_supervisor(user, case)


def can_view_full_audit_trail(user: User, case) -> bool:
    """The whole trail of a case: who read and changed it, from every NCB."""
    return is_owner_supervisor(user, case)


def can_view_own_ncb_audit_trail(user: User) -> bool:
    """Supervisors see what their own NCB's people did (on any case they may see)."""
    if is_instance_admin(user):
        return True
    officer = case_reader(user)
    return officer is not None and officer.role == OfficerRole.SUPERVISOR
