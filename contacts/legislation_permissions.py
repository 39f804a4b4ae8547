"""Who may record a review of a country's legislation (issue 6, item 3).

Everyone who reads the directory reads the tracker; a country's answers are recorded by the
supervisors of its own NCB (they know their law and answer for it) and by instance admins.
"""

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser

from contacts.choices import OfficerRole
from contacts.models import Country
from contacts.permissions import is_instance_admin, officer_of


def can_review_legislation(user: AbstractBaseUser | AnonymousUser, country: Country) -> bool:
    """A supervisor of the NCB of `country`, or an instance admin; nobody else."""
    if is_instance_admin(user):
        return True
    if not user.is_authenticated or not user.is_active:
        return False
    officer = officer_of(user)
    return (
        officer is not None
        and officer.role == OfficerRole.SUPERVISOR
        and officer.ncb.country_id == country.pk
    )
