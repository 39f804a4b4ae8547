"""Every read of the contacts app.

The directory is open to every member of an NCB: it exists so that officers can reach each
other. What is restricted is changing it, so the `*_for_management` selectors answer 404 for
another NCB's records exactly as for missing ones.
"""

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import Prefetch, QuerySet
from django.http import Http404

from contacts.models import ContactPoint, Country, NationalCentralBureau, Notification
from contacts.permissions import can_manage_contact_points


def current_contact_points_prefetch(to_attr: str = "current_contacts") -> Prefetch:
    return Prefetch(
        "contact_points",
        queryset=ContactPoint.objects.current().order_by("role").prefetch_related("languages"),
        to_attr=to_attr,
    )


def ncb_directory() -> QuerySet[NationalCentralBureau]:
    """NCBs with their country, region, bureau and current contacts: 3 queries per page."""
    return NationalCentralBureau.objects.select_related(
        "country__region", "country__sub_regional_bureau"
    ).prefetch_related(current_contact_points_prefetch())


def contact_point_list() -> QuerySet[ContactPoint]:
    """All designations, current and past, with what a listing shows: 2 queries per page."""
    return ContactPoint.objects.select_related(
        "ncb__country__region",
        "ncb__country__sub_regional_bureau",
        "designated_by",
        "last_verified_by",
    ).prefetch_related("languages")


def country_list() -> QuerySet[Country]:
    return Country.objects.select_related("region", "sub_regional_bureau")


def country_directory_entry(*, iso2: str) -> tuple[Country, NationalCentralBureau | None, list]:
    """A country, its NCB and the NCB's whole designation history (newest first)."""
    try:
        country = country_list().get(iso2=iso2.upper())
    except Country.DoesNotExist:
        raise Http404 from None
    ncb = NationalCentralBureau.objects.filter(country=country).first()
    history: list[ContactPoint] = []
    if ncb is not None:
        history = list(
            contact_point_list().filter(ncb=ncb).order_by("designated_to", "-designated_from")
        )
        history.sort(key=lambda cp: (cp.designated_to is not None, cp.role, cp.designated_to))
    return country, ncb, history


def ncb_get_for_contact_management(*, user: AbstractBaseUser, iso2: str) -> NationalCentralBureau:
    """The NCB whose contacts `user` may change; 404 when missing or not theirs."""
    ncb = (
        NationalCentralBureau.objects.select_related("country")
        .filter(country__iso2=iso2.upper())
        .first()
    )
    if ncb is None or not can_manage_contact_points(user, ncb):
        raise Http404
    return ncb


def contact_point_get_for_management(*, user: AbstractBaseUser, public_id) -> ContactPoint:
    """A designation `user` may change; 404 when missing or of another NCB."""
    contact = contact_point_list().filter(public_id=public_id).first() if public_id else None
    if contact is None or not can_manage_contact_points(user, contact.ncb):
        raise Http404
    return contact


def contact_point_get(*, public_id) -> ContactPoint:
    contact = contact_point_list().filter(public_id=public_id).first()
    if contact is None:
        raise Http404
    return contact


def notification_list_for_user(*, user: AbstractBaseUser) -> QuerySet[Notification]:
    return Notification.objects.filter(recipient=user)


def unread_notification_count(*, user: AbstractBaseUser) -> int:
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()
