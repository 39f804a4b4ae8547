"""The dashboard's reads that are not lists of one kind of row elsewhere: the NCB's open
cases with their count, and how stale the contact points of a supervisor's region are."""

from dataclasses import dataclass

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import Count, Exists, OuterRef, Q

from contacts.choices import OfficerRole
from contacts.models import ContactPoint, NationalCentralBureau, Officer
from ncb_cases import permissions
from ncb_cases.choices import CaseStatus
from ncb_cases.models import Case
from ncb_cases.selectors.cases import case_list_for_user

User = AbstractBaseUser | AnonymousUser

OPEN_STATUSES = tuple(status for status in CaseStatus.values if status != CaseStatus.CLOSED)


@dataclass(frozen=True)
class OpenCases:
    """How many cases the user's NCB owns and has not closed, and the latest opened."""

    count: int
    latest: list[Case]
    filters: dict[str, object]  # the case list's filters that show all of them


def open_cases_of_user_ncb(*, user: User, latest: int = 5) -> OpenCases | None:
    """The open cases owned by the user's NCB (every status but CLOSED), through
    `case_list_for_user`, so only what the user may read; None for users who read no cases
    or belong to no NCB. Two queries (the count, the latest by opening date)."""
    officer = permissions.case_reader(user)
    if officer is None:
        return None
    filters = {"owner_ncb": officer.ncb.code, "status": list(OPEN_STATUSES)}
    # By the NCB's id rather than the list filter's code (a join, which PostgreSQL misjudges
    # even as a subquery): the same cases, but the planner then knows how many and walks the
    # opening-date index backwards instead of sorting them all (40 -> 1 ms at 100,000 cases).
    cases = case_list_for_user(
        user=user, filters={"status": filters["status"], "ordering": "-opened_on"}
    ).filter(owner_ncb_id=officer.ncb_id)
    return OpenCases(count=cases.count(), latest=list(cases[:latest]), filters=filters)


@dataclass(frozen=True)
class RegionContactStaleness:
    """Across the NCBs of a bureau (or a region when the country has no bureau)."""

    scope: str  # the bureau's or region's name
    directory_filter: dict[str, str]  # the directory's filter for the same NCBs
    ncbs: int
    with_stale_contact: int
    without_contact: int


def contact_staleness_for_supervisor(*, officer: Officer | None) -> RegionContactStaleness | None:
    """For a supervisor: counts of the NCBs of their country's sub-regional bureau (else its
    region) with a stale current contact point and with none. None for anyone else. The
    directory is open to every member, so these counts reveal nothing protected. One query
    (after the officer's NCB and country)."""
    if officer is None or officer.role != OfficerRole.SUPERVISOR:
        return None
    country = officer.ncb.country
    if country.sub_regional_bureau_id is not None:
        scope_filter = Q(country__sub_regional_bureau_id=country.sub_regional_bureau_id)
        scope = country.sub_regional_bureau
        directory_filter = {"sub_regional_bureau": scope.code}
    else:
        scope_filter = Q(country__region_id=country.region_id)
        scope = country.region
        directory_filter = {"region": scope.code}
    current = ContactPoint.objects.current().filter(ncb=OuterRef("pk"))
    counts = (
        NationalCentralBureau.objects.filter(scope_filter)
        .annotate(has_stale=Exists(current.stale()), has_contact=Exists(current))
        .aggregate(
            ncbs=Count("pk"),
            with_stale_contact=Count("pk", filter=Q(has_stale=True)),
            without_contact=Count("pk", filter=Q(has_contact=False)),
        )
    )
    return RegionContactStaleness(scope=scope.name, directory_filter=directory_filter, **counts)


def retention_reviews_due_for_supervisor(*, user: User) -> int | None:
    """How many cases of the user's NCB await their retention review, for its supervisors
    (and admins); None for anyone else, so the panel is not shown. One query."""
    from ncb_cases.selectors.retention import (
        can_review_retention,
        retention_review_count_for_user,
    )

    if not can_review_retention(user):
        return None
    return retention_review_count_for_user(user=user)
