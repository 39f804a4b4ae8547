"""Who may read which region's aggregated figures. Pure functions of the user.

- instance admins: every region, and all regions together ("global");
- SRB monitors: the region of the bureau they monitor, and nothing below the aggregate
  (case-level pages answer 404 through `ncb_cases.selectors.access`);
- officers, supervisors and analysts: the region of their own NCB's country;
- anyone else (anonymous, users of no NCB, inactive users): nothing.

A region a user may not read is answered as missing (404), like any other protected object.
"""

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import QuerySet
from django.http import Http404

from contacts.choices import OfficerRole
from contacts.models import SubRegionalBureau
from contacts.permissions import is_instance_admin, officer_of

GLOBAL_SCOPE = "global"
NCB_READER_ROLES = frozenset({OfficerRole.OFFICER, OfficerRole.SUPERVISOR, OfficerRole.ANALYST})


def permitted_bureaus(user: AbstractBaseUser | AnonymousUser) -> QuerySet[SubRegionalBureau]:
    """The bureaus whose region `user` may read, by name. One query when evaluated."""
    if is_instance_admin(user):
        return SubRegionalBureau.objects.order_by("name")
    officer = officer_of(user)
    if officer is None or not user.is_active:
        return SubRegionalBureau.objects.none()
    if officer.role == OfficerRole.SRB_MONITOR:
        return SubRegionalBureau.objects.filter(pk=officer.sub_regional_bureau_id)
    if officer.role in NCB_READER_ROLES:
        return SubRegionalBureau.objects.filter(countries__ncb__pk=officer.ncb_id).order_by("name")
    return SubRegionalBureau.objects.none()


def can_view_global(user: AbstractBaseUser | AnonymousUser) -> bool:
    """All regions together: instance admins only."""
    return is_instance_admin(user)


def can_view_reports(user: AbstractBaseUser | AnonymousUser) -> bool:
    """Whether the user may read at least one region (the "Reports" menu entry)."""
    return can_view_global(user) or permitted_bureaus(user).exists()


def region_get_for_user(
    *, user: AbstractBaseUser | AnonymousUser, code: str
) -> SubRegionalBureau | None:
    """The bureau named `code` (None for `GLOBAL_SCOPE`) if `user` may read its region;
    Http404 when the region is missing or not theirs (the same answer). One query."""
    if code == GLOBAL_SCOPE:
        if can_view_global(user):
            return None
        raise Http404
    bureau = permitted_bureaus(user).filter(code=code).first()
    if bureau is None:
        raise Http404
    return bureau
