"""Who may do what in the contacts app. Pure functions of the user and the object."""

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser

from contacts.choices import OfficerRole
from contacts.models import NationalCentralBureau, Officer

CONTACT_EDITOR_ROLES = frozenset({OfficerRole.OFFICER, OfficerRole.SUPERVISOR})


def officer_of(user: AbstractBaseUser | AnonymousUser) -> Officer | None:
    """The user's NCB membership, or None for anonymous users and users of no NCB."""
    if not user.is_authenticated:
        return None
    try:
        return user.officer
    except Officer.DoesNotExist:
        return None


def is_instance_admin(user: AbstractBaseUser | AnonymousUser) -> bool:
    if not user.is_authenticated or not user.is_active:
        return False
    if user.is_superuser:
        return True
    officer = officer_of(user)
    return officer is not None and officer.role == OfficerRole.ADMIN


def has_directory_access(user: AbstractBaseUser | AnonymousUser) -> bool:
    """Every member of an NCB (and every instance admin) may read the directory."""
    return is_instance_admin(user) or officer_of(user) is not None


def can_manage_contact_points(
    user: AbstractBaseUser | AnonymousUser, ncb: NationalCentralBureau
) -> bool:
    """Officers and supervisors of the NCB itself, and instance admins; nobody else."""
    if is_instance_admin(user):
        return True
    officer = officer_of(user)
    return (
        officer is not None
        and officer.ncb_id == ncb.pk
        and officer.role in CONTACT_EDITOR_ROLES
        and user.is_active
    )
