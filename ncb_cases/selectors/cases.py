"""Reads of cases and what hangs directly off them: shares, links, timeline, audit trail.

Every function takes the acting `user` and returns only what need-to-know allows
(`ncb_cases.selectors.access`). `*_get_for_user` raise `Http404` for missing and forbidden
alike. Only `case_detail_for_user` writes (one VIEW audit row): call it for a page or API
detail a person reads, and the plain selectors for everything else.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping
from datetime import date

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _

from contacts.permissions import is_instance_admin
from ncb_cases import permissions
from ncb_cases.audit import audit_record
from ncb_cases.choices import (
    AuditAction,
    CaseStatus,
    CountryRole,
    ExploitationForm,
    OffenceType,
)
from ncb_cases.models import (
    AuditEvent,
    Case,
    CaseCountry,
    CaseExploitationForm,
    CaseLink,
    CaseNote,
    CaseShare,
    Person,
)
from ncb_cases.selectors._common import as_uuid, denied
from ncb_cases.selectors.access import (
    VIEW_VICTIM_IDENTITY,
    editable_cases,
    granted_case_q,
    identity_matchable_q,
    visible_cases,
)
from ncb_cases.validators import fold_text

User = AbstractBaseUser | AnonymousUser

CASE_ORDERINGS = {
    "reference",
    "-reference",
    "title",
    "-title",
    "opened_on",
    "-opened_on",
    "created_at",
    "-created_at",
    "updated_at",
    "-updated_at",
    "status",
    "-status",
}
CASE_FILTER_KEYS = (
    "status",
    "offence_type",
    "exploitation_form",
    "country",
    "country_role",
    "lead_officer",
    "owner_ncb",
    "opened_after",
    "opened_before",
    "q",
    "ordering",
)


# --- Cases ------------------------------------------------------------------------------------


def case_list_for_user(
    *, user: User, filters: Mapping[str, object] | None = None
) -> QuerySet[Case]:
    """The cases `user` may read, filtered, newest first (`select_related` owner NCB, lead).

    `filters` (all optional, unknown keys and values refused with a ValidationError naming
    the key): `status`, `offence_type`, `exploitation_form` (a code or a list of codes);
    `country` (ISO alpha-2) and `country_role` (ORIGIN/TRANSIT/DESTINATION); `lead_officer`
    (a user or a username); `owner_ncb` (NCB code); `opened_after` / `opened_before`
    (inclusive dates or ISO strings); `q` (the search of `case_search_for_user`);
    `ordering` (one of CASE_ORDERINGS). Child-table filters are `EXISTS` subqueries, so rows
    never repeat. One query when evaluated.
    """
    cases = visible_cases(user).select_related("owner_ncb__country", "lead_officer")
    return _apply_case_filters(cases, user=user, filters=filters or {})


def case_count_for_user(*, user: User, filters: Mapping[str, object] | None = None) -> int:
    """`case_list_for_user(user=user, filters=filters).count()`, computed faster.

    An NCB's visible cases are its own plus those granted to it and not its own; the two
    never overlap, so their counts add up. Counted apart, each is an index scan, where one
    count over the OR reads every visible case (at 100,000 cases: 6 ms instead of 24). Two
    queries for officers, one for everyone else.
    """
    filters = {key: value for key, value in (filters or {}).items() if key != "ordering"}
    officer = permissions.case_reader(user)
    if is_instance_admin(user) or officer is None:
        return case_list_for_user(user=user, filters=filters).count()
    now = timezone.now()
    own = Case.objects.filter(owner_ncb_id=officer.ncb_id)
    granted = Case.objects.filter(granted_case_q(user, officer, now=now)).exclude(
        owner_ncb_id=officer.ncb_id
    )
    return sum(
        _apply_case_filters(part, user=user, filters=filters).count() for part in (own, granted)
    )


def case_get_for_user(*, user: User, case_id, for_change: bool = False) -> Case:
    """The case with public id `case_id` if `user` may read it (or change it, `for_change`).

    Http404 when it is missing, not visible, or not changeable with `for_change=True`: a user
    never learns that a case they may not see exists, and a refused attempt on an existing
    case is audited as DENIED. A granted read is not audited here (see
    `case_detail_for_user`). One query (two when refused).
    """
    source = editable_cases(user) if for_change else visible_cases(user)
    public_id = as_uuid(case_id)
    try:
        return source.select_related("owner_ncb__country", "lead_officer").get(public_id=public_id)
    except Case.DoesNotExist as exc:
        raise denied(user, Case, public_id, for_change) from exc


def case_detail_for_user(*, user: User, case_id, ip: str | None = None) -> Case:
    """`case_get_for_user` for a person reading the case: audited, one VIEW row per call.

    A refused read of an existing case is recorded as DENIED (committed even though the
    caller answers 404), then Http404 is raised. Do not wrap this in an outer transaction.
    """
    case = case_get_for_user(user=user, case_id=case_id)
    with transaction.atomic():
        audit_record(actor=user, action=AuditAction.VIEW, obj=case, ip=ip)
    return case


def case_search_for_user(*, user: User, q: str) -> QuerySet[Case]:
    """Visible cases whose title, summary or reference contains `q`, or with a person whose
    name, original-script name or alias contains `q` (case- and accent-insensitive).

    A victim's, possible victim's or child's names never make a case match unless `user` holds
    `view_victim_identity` on that case: searching a victim's name must not reveal where they
    are. An empty query matches nothing. One query.
    """
    condition = search_condition(user=user, q=q)
    if condition is None:
        return Case.objects.none()
    return (
        visible_cases(user).filter(condition).select_related("owner_ncb__country", "lead_officer")
    )


def search_condition(*, user: User, q: str) -> Q | None:
    """The `Q` of `case_search_for_user` (for adapters that combine it with other filters).

    Two lists of case ids, from the cases' own text and from their persons' names, each read
    once through its trigram index (migration 0007) and probed as a hash. Written as
    `text OR EXISTS (persons)`, the case text was tested row by row over every visible case:
    the same for an officer, but a scan of the whole table for an administrator.
    """
    text = (q or "").strip()
    folded = fold_text(text)
    if not text:
        return None
    by_text = Case.objects.filter(
        Q(title__icontains=text) | Q(summary__icontains=text) | Q(reference__icontains=text)
    )
    condition = Q(pk__in=by_text.values("pk"))
    if folded:
        by_name = Person.objects.filter(search_names__contains=folded).filter(
            identity_matchable_q(user)
        )
        condition |= Q(pk__in=by_name.values("case_id"))
    return condition


def _codes(key: str, value, allowed: Iterable[str]) -> list[str]:
    values = [value] if isinstance(value, str) else list(value)
    allowed = list(allowed)
    unknown = [item for item in values if item not in allowed]
    if unknown:
        raise ValidationError(
            {
                key: [
                    _("Unknown value(s): %(unknown)s. Allowed: %(allowed)s.")
                    % {"unknown": ", ".join(map(str, unknown)), "allowed": ", ".join(allowed)}
                ]
            }
        )
    return values


def _as_date(key: str, value) -> date:
    if isinstance(value, date):
        return value
    parsed = parse_date(str(value)) if value else None
    if parsed is None:
        raise ValidationError({key: [_("Enter a date as YYYY-MM-DD.")]})
    return parsed


def _apply_case_filters(cases: QuerySet[Case], *, user: User, filters) -> QuerySet[Case]:
    unknown = [key for key in filters if key not in CASE_FILTER_KEYS]
    if unknown:
        raise ValidationError({key: [_("Not a case filter.")] for key in unknown})
    active = {key: value for key, value in filters.items() if value not in (None, "", [], ())}
    if "status" in active:
        cases = cases.filter(status__in=_codes("status", active["status"], CaseStatus.values))
    if "offence_type" in active:
        cases = cases.filter(
            offence_type__in=_codes("offence_type", active["offence_type"], OffenceType.values)
        )
    if "exploitation_form" in active:
        forms = _codes("exploitation_form", active["exploitation_form"], ExploitationForm.values)
        cases = cases.filter(
            Exists(CaseExploitationForm.objects.filter(case_id=OuterRef("pk"), form__in=forms))
        )
    if "country" in active or "country_role" in active:
        involved = CaseCountry.objects.filter(case_id=OuterRef("pk"))
        if "country" in active:
            involved = involved.filter(country__iso2=str(active["country"]).upper())
        if "country_role" in active:
            roles = _codes("country_role", active["country_role"], CountryRole.values)
            involved = involved.filter(role__in=roles)
        cases = cases.filter(Exists(involved))
    if "lead_officer" in active:
        lead = active["lead_officer"]
        if isinstance(lead, str):
            lead = get_user_model().objects.filter(username=lead).first()
            if lead is None:
                return cases.none()
        cases = cases.filter(lead_officer=lead)
    if "owner_ncb" in active:
        cases = cases.filter(owner_ncb__code=str(active["owner_ncb"]).upper())
    if "opened_after" in active:
        cases = cases.filter(opened_on__gte=_as_date("opened_after", active["opened_after"]))
    if "opened_before" in active:
        cases = cases.filter(opened_on__lte=_as_date("opened_before", active["opened_before"]))
    if "q" in active:
        condition = search_condition(user=user, q=str(active["q"]))
        if condition is not None:
            cases = cases.filter(condition)
    if "ordering" in active:
        ordering = str(active["ordering"])
        if ordering not in CASE_ORDERINGS:
            raise ValidationError(
                {"ordering": [_("Order by one of: %s.") % ", ".join(sorted(CASE_ORDERINGS))]}
            )
        cases = cases.order_by(ordering, "-id" if ordering.startswith("-") else "id")
    return cases


# --- Shares, links, timeline ------------------------------------------------------------------


def share_list_for_case(*, user: User, case: Case) -> QuerySet[CaseShare]:
    """The shares of a visible case, newest first, ended ones included (history).

    The owner NCB's readers and admins see every share; a recipient NCB sees only the
    shares made to itself. One query.
    """
    shares = CaseShare.objects.filter(case=case, case__in=visible_cases(user)).select_related(
        "recipient_ncb__country", "granted_by", "revoked_by"
    )
    if is_instance_admin(user):
        return shares
    officer = permissions.case_reader(user)
    if officer is None:
        return shares.none()
    if officer.ncb_id == case.owner_ncb_id:
        return shares
    return shares.filter(recipient_ncb_id=officer.ncb_id)


def share_list_expiring_for_user(
    *, user: User, within: datetime.timedelta, now: datetime.datetime | None = None
) -> QuerySet[CaseShare]:
    """Active shares ending within `within`, soonest first, on cases `user` may see: those
    their NCB gave and those it received (admins: all). The same rule as
    `share_list_for_case`, across cases. One query.
    """
    now = now or timezone.now()
    shares = (
        CaseShare.objects.active(now=now)
        .filter(expires_at__lte=now + within, case__in=visible_cases(user, now=now))
        .select_related("case", "recipient_ncb__country")
        .order_by("expires_at", "id")
    )
    if is_instance_admin(user):
        return shares
    officer = permissions.case_reader(user)
    if officer is None:
        return shares.none()
    return shares.filter(Q(case__owner_ncb_id=officer.ncb_id) | Q(recipient_ncb_id=officer.ncb_id))


def share_get_for_user(*, user: User, share_id) -> CaseShare:
    """A share that `user` may manage (owner-NCB supervisor or admin); Http404 otherwise."""
    public_id = as_uuid(share_id)
    try:
        share = CaseShare.objects.select_related("case", "recipient_ncb").get(
            public_id=public_id, case__in=visible_cases(user)
        )
    except CaseShare.DoesNotExist as exc:
        raise denied(user, CaseShare, public_id, for_change=True) from exc
    if not permissions.can_share_case(user, share.case):
        raise denied(user, CaseShare, public_id, for_change=True)
    return share


def case_link_list_for_case(*, user: User, case: Case) -> QuerySet[CaseLink]:
    """Links from or to a visible case whose other end `user` may also see. One query."""
    visible = visible_cases(user)
    return (
        CaseLink.objects.filter(Q(from_case=case) | Q(to_case=case))
        .filter(from_case__in=visible, to_case__in=visible)
        .select_related("from_case", "to_case", "created_by")
    )


def case_link_get_for_user(*, user: User, link_id, for_change: bool = False) -> CaseLink:
    """A link both of whose ends `user` may see (and whose origin they may change)."""
    visible = visible_cases(user)
    links = CaseLink.objects.filter(from_case__in=visible, to_case__in=visible)
    if for_change:
        links = links.filter(from_case__in=editable_cases(user))
    public_id = as_uuid(link_id)
    try:
        return links.select_related("from_case", "to_case").get(public_id=public_id)
    except CaseLink.DoesNotExist as exc:
        raise denied(user, CaseLink, public_id, for_change) from exc


def note_list_for_case(*, user: User, case: Case) -> QuerySet[CaseNote]:
    """The timeline of a visible case, newest first. One query."""
    return CaseNote.objects.filter(case=case, case__in=visible_cases(user)).select_related(
        "author"
    )


# --- Audit trail ------------------------------------------------------------------------------


def audit_event_list_for_case(*, user: User, case: Case) -> QuerySet[AuditEvent]:
    """The audit trail of a case, newest first.

    Owner-NCB supervisors and admins see the whole trail; supervisors of an NCB the case is
    shared with see what their own NCB's people did; everyone else sees nothing. One query.
    """
    events = AuditEvent.objects.filter(case=case, case__in=visible_cases(user)).select_related(
        "actor", "actor_ncb"
    )
    if permissions.can_view_full_audit_trail(user, case):
        return events
    if permissions.can_view_own_ncb_audit_trail(user):
        return events.filter(actor_ncb_id=permissions.case_reader(user).ncb_id)
    return events.none()


def audit_event_list_for_user(*, user: User) -> QuerySet[AuditEvent]:
    """Audit events across cases: everything for admins; for a supervisor, what happened on
    their NCB's cases and what their NCB's people did; nothing for anyone else."""
    events = AuditEvent.objects.select_related("actor", "actor_ncb", "case")
    if is_instance_admin(user):
        return events
    if not permissions.can_view_own_ncb_audit_trail(user):
        return events.none()
    ncb_id = permissions.case_reader(user).ncb_id
    return events.filter(Q(actor_ncb_id=ncb_id) | Q(case__owner_ncb_id=ncb_id))


def victim_identity_holders_for_case(*, user: User, case: Case) -> QuerySet:
    """Users holding `view_victim_identity` on a case; for those who may grant it."""
    user_model = get_user_model()
    if not permissions.can_grant_victim_identity(user, case):
        return user_model.objects.none()
    return user_model.objects.filter(
        caseuserobjectpermission__content_object=case,
        caseuserobjectpermission__permission__codename=VIEW_VICTIM_IDENTITY,
    ).order_by("username")
