"""Need-to-know, as querysets: the one definition of which cases a user may read or change.

Every selector and service builds on `visible_cases` / `editable_cases`; nothing else decides
visibility. A case is visible to

- instance admins: every case;
- officers, supervisors and analysts of an NCB (active users only):
  - the cases their NCB owns (a plain foreign-key filter), plus
  - the cases shared with their NCB: the NCB group's guardian `view_case` grant on the case,
    honoured only while a `CaseShare` to that NCB is open and not past `expires_at` (so expiry
    is exact even before the beat task removes the grant), plus
  - the cases granted to them personally (guardian `view_case` user grant);
- nobody else (SRB monitors, users of no NCB, anonymous users).

A case is editable by admins, and by officers and supervisors (never analysts) of the owner
NCB, of an NCB holding an active READ_WRITE share with the group's `change_case` grant, or
holding a personal `change_case` grant.

Cost: one SQL query, an OR of a foreign-key filter and subqueries over the direct-FK
permission tables (indexed by their unique (group|user, permission, case) constraints). On
PostgreSQL the subqueries are written `id = ANY(ARRAY(…))`: each is then run once and the OR
becomes a union of index scans, where `id IN (…)` inside an OR forces a scan of every case
(measured at 100,000 cases: the count of a list page fell from 40 to 17 ms).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import Exists, Lookup, OuterRef, Q, QuerySet
from django.utils import timezone

from contacts.models import Officer
from contacts.permissions import is_instance_admin
from ncb_cases import permissions
from ncb_cases.choices import ShareAccess
from ncb_cases.models import (
    Case,
    CaseGroupObjectPermission,
    CaseShare,
    CaseUserObjectPermission,
    Person,
)

User = AbstractBaseUser | AnonymousUser

VIEW = "view_case"
CHANGE = "change_case"
VIEW_VICTIM_IDENTITY = "view_victim_identity"


class InSubqueryArray(Lookup):
    """`pk__in_ids=<subquery>`: `IN (subquery)`, as `= ANY(ARRAY(subquery))` on PostgreSQL."""

    lookup_name = "in_ids"

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        operator = "= ANY(ARRAY{})" if connection.vendor == "postgresql" else "IN {}"
        return f"{lhs} {operator.format(rhs)}", [*lhs_params, *rhs_params]


Case._meta.pk.register_lookup(InSubqueryArray)
Person._meta.get_field("case").register_lookup(InSubqueryArray)


def _group_granted_case_ids(officer: Officer, codename: str, now: datetime, access=None):
    group_id = officer.ncb.group_id
    if group_id is None:
        return None
    open_shares = CaseShare.objects.active(now=now).filter(
        case_id=OuterRef("content_object_id"), recipient_ncb_id=officer.ncb_id
    )
    if access is not None:
        open_shares = open_shares.filter(access=access)
    return (
        CaseGroupObjectPermission.objects.filter(group_id=group_id, permission__codename=codename)
        .filter(Exists(open_shares))
        .values("content_object_id")
    )


def user_granted_case_ids(user: AbstractBaseUser, codename: str):
    """Subquery: ids of cases on which `user` holds the personal guardian grant `codename`."""
    return CaseUserObjectPermission.objects.filter(
        user_id=user.pk, permission__codename=codename
    ).values("content_object_id")


def visible_case_q(user: User, *, now: datetime | None = None) -> Q | None:
    """The filter of cases `user` may read; `Q()` for everything, None for nothing."""
    if is_instance_admin(user):
        return Q()
    officer = permissions.case_reader(user)
    if officer is None:
        return None
    return Q(owner_ncb_id=officer.ncb_id) | granted_case_q(user, officer, now=now)


def granted_case_q(user: User, officer: Officer, *, now: datetime | None = None) -> Q:
    """The part of `visible_case_q` beyond the owner NCB: shares and personal grants."""
    now = now or timezone.now()
    condition = Q(pk__in_ids=user_granted_case_ids(user, VIEW))
    shared = _group_granted_case_ids(officer, VIEW, now)
    if shared is not None:
        condition |= Q(pk__in_ids=shared)
    return condition


def visible_cases(user: User, *, now: datetime | None = None) -> QuerySet[Case]:
    """Every case `user` may read (see the module docstring). One query when evaluated."""
    condition = visible_case_q(user, now=now)
    if condition is None:
        return Case.objects.none()
    return Case.objects.filter(condition)


def editable_cases(user: User, *, now: datetime | None = None) -> QuerySet[Case]:
    """Every case `user` may change (see the module docstring). One query when evaluated."""
    if is_instance_admin(user):
        return Case.objects.all()
    if not permissions.can_edit_cases(user):
        return Case.objects.none()
    officer = permissions.case_reader(user)
    now = now or timezone.now()
    condition = Q(owner_ncb_id=officer.ncb_id) | Q(pk__in_ids=user_granted_case_ids(user, CHANGE))
    shared = _group_granted_case_ids(officer, CHANGE, now, access=ShareAccess.READ_WRITE)
    if shared is not None:
        condition |= Q(pk__in_ids=shared)
    return Case.objects.filter(condition)


def identity_permitted_case_ids(user: User):
    """Subquery: cases where `user` holds `view_victim_identity` (explicit grant, even admins)."""
    if not user.is_authenticated or not user.is_active:
        return Case.objects.none().values("pk")
    return user_granted_case_ids(user, VIEW_VICTIM_IDENTITY)


def identity_matchable_q(user: User, prefix: str = "", *, few_rows: bool = False) -> Q:
    """Persons (through `prefix`, e.g. "person__") a search or a match of `user` may find: not
    identity-protected, or in a case where `user` holds `view_victim_identity`.

    `few_rows` for a query that probes a few rows through an index (the matches of a case's
    own phones, documents and names): the grants are then read once, as an array (`in_ids`).
    As `IN (subquery)` inside this OR, PostgreSQL charges the subquery again for every probe
    and prefers to scan every person (60 ms rather than 7 ms for a case's 200 phones at 30,000
    cases). Not for a filter over many rows (a search by name): there `= ANY(array)` compares
    each row with every grant, where `IN (subquery)` looks it up in a hash (37 ms against 8).
    """
    permitted = identity_permitted_case_ids(user)
    lookup = f"{prefix}case__in_ids" if few_rows else f"{prefix}case_id__in"
    return ~Person.identity_protected_q(prefix) | Q(**{lookup: permitted})


def victim_identity_permitted(*, user: User, case: Case) -> bool:
    """Whether `user` may reveal the identity of the case's protected persons.

    Needs both: the case is visible to the user, and the user holds the explicit per-case
    `view_victim_identity` grant. Instance admins are no exception. One query.
    """
    return (
        visible_cases(user).filter(pk=case.pk, pk__in=identity_permitted_case_ids(user)).exists()
    )


@dataclass(frozen=True)
class CasePermissions:
    """What `user` may do with one case; for adapters deciding which buttons to show.

    Services check again on every write: this is a convenience, not the enforcement.
    """

    can_view: bool
    can_change: bool
    can_share: bool
    can_reopen: bool
    can_grant_victim_identity: bool
    can_reveal_victim_identity: bool
    can_view_full_audit_trail: bool
    can_view_audit_trail: bool
    is_owner_ncb: bool


def case_permissions_for_user(*, user: User, case: Case) -> CasePermissions:
    """The user's permissions on `case` (a case obtained from a selector). Three queries."""
    can_view = visible_cases(user).filter(pk=case.pk).exists()
    if not can_view:
        return CasePermissions(False, False, False, False, False, False, False, False, False)
    officer = permissions.case_reader(user)
    return CasePermissions(
        can_view=True,
        can_change=editable_cases(user).filter(pk=case.pk).exists(),
        can_share=permissions.can_share_case(user, case),
        can_reopen=permissions.can_reopen_case(user, case),
        can_grant_victim_identity=permissions.can_grant_victim_identity(user, case),
        can_reveal_victim_identity=victim_identity_permitted(user=user, case=case),
        can_view_full_audit_trail=permissions.can_view_full_audit_trail(user, case),
        # The whole trail, or (supervisors of other NCBs) what their own people did.
        can_view_audit_trail=permissions.can_view_full_audit_trail(user, case)
        or permissions.can_view_own_ncb_audit_trail(user),
        is_owner_ncb=officer is not None and officer.ncb_id == case.owner_ncb_id,
    )
