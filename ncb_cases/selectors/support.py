"""Reads of victims' support referrals (issue 6, item 2).

A referral ties a victim to the organisation that cares for them, so it is readable only by
a user who may see the case *and* holds its victim-identity permission
(`victim_identity_permitted`); everyone else who sees the case gets the counts by status
(`referral_counts_for_case`), and nobody else gets anything (Http404 for a single referral).
Victims are still presented through `ncb_cases.pseudonyms` ("Victim V-3"): the name itself
is revealed only by `victim_identity_reveal`, with a stated purpose.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db import transaction
from django.db.models import Count, Q, QuerySet

from ncb_cases.audit import audit_record, audited_read
from ncb_cases.choices import AuditAction, ReferralStatus, RepatriationStatus
from ncb_cases.models import Case
from ncb_cases.models.support import SupportReferral
from ncb_cases.selectors._common import as_uuid, denied
from ncb_cases.selectors.access import (
    editable_cases,
    identity_permitted_case_ids,
    visible_cases,
)

User = AbstractBaseUser | AnonymousUser


def _referrals() -> QuerySet[SupportReferral]:
    return SupportReferral.objects.select_related(
        "case",
        "victim",
        "organisation__country",
        "repatriation_country",
        "consent_override_by",
    )


def _permitted(user: User, *, for_change: bool = False) -> QuerySet[SupportReferral]:
    cases = editable_cases(user) if for_change else visible_cases(user)
    return _referrals().filter(case__in=cases, case_id__in=identity_permitted_case_ids(user))


def referral_list_for_case(*, user: User, case: Case) -> QuerySet[SupportReferral]:
    """The referrals of `case`, newest referral first, with victim, organisation and
    countries, if `user` sees the case and holds its victim-identity permission; none
    otherwise. One query. Not audited (see `referral_list_for_case_audited`)."""
    return _permitted(user).filter(case=case).order_by("-referred_on", "-created_at", "-pk")


def referral_list_for_case_audited(
    *, user: User, case: Case, ip: str | None = None
) -> list[SupportReferral]:
    """`referral_list_for_case` for a person reading the list: one VIEW_VICTIM_IDENTITY audit
    row on the case when anything is shown. Two queries and the audit insert."""
    referrals = list(referral_list_for_case(user=user, case=case))
    if referrals:
        with transaction.atomic():
            audit_record(
                actor=user,
                action=AuditAction.VIEW_VICTIM_IDENTITY,
                obj=case,
                ip=ip,
                details={"read": "support_referrals", "count": len(referrals)},
            )
    return referrals


def referral_get_for_user(*, user: User, referral_id, for_change: bool = False) -> SupportReferral:
    """The referral with public id `referral_id` if `user` may read (or, with `for_change`,
    change) its case and holds the case's victim-identity permission; Http404 for missing and
    forbidden alike; a refused attempt on an existing referral is audited as DENIED. A granted
    read is not audited (see `referral_detail_for_user`). One query (two when refused)."""
    public_id = as_uuid(referral_id)
    try:
        return _permitted(user, for_change=for_change).get(public_id=public_id)
    except SupportReferral.DoesNotExist as exc:
        raise denied(user, SupportReferral, public_id, for_change) from exc


def referral_detail_for_user(*, user: User, referral_id, ip: str | None = None) -> SupportReferral:
    """`referral_get_for_user` for a person reading one referral: one VIEW audit row; a
    refused read of an existing referral is recorded as DENIED, then Http404. Do not wrap
    this in an outer transaction."""
    return audited_read(
        user=user,
        read=lambda: referral_get_for_user(user=user, referral_id=referral_id),
        existing=SupportReferral.objects.filter(public_id=as_uuid(referral_id)),
        ip=ip,
        details=lambda referral: {"read": "support_referral"},
    )


@dataclass(frozen=True)
class ReferralCounts:
    """How many referrals a case has, per care status (every status a key, in order), and
    how many involve a repatriation. All a reader without the victim-identity permission
    learns."""

    total: int
    by_status: dict[str, int]
    repatriations: int

    def labelled(self) -> list[tuple[str, str, int]]:
        """(code, label, count) per status, in order, for pages."""
        return [
            (code, str(ReferralStatus(code).label), count)
            for code, count in self.by_status.items()
        ]


def referral_counts_for_case(*, user: User, case: Case) -> ReferralCounts:
    """The counts of the referrals of `case` by care status, for anyone who sees the case
    (all zero otherwise). One query."""
    aggregates = {status: Count("pk", filter=Q(status=status)) for status in ReferralStatus.values}
    aggregates["repatriations"] = Count(
        "pk", filter=~Q(repatriation_status=RepatriationStatus.NOT_REQUESTED)
    )
    totals = (
        SupportReferral.objects.filter(case=case, case__in=visible_cases(user))
        .order_by()
        .aggregate(**aggregates)
    )
    by_status = {status: totals[status] for status in ReferralStatus.values}
    return ReferralCounts(
        total=sum(by_status.values()),
        by_status=by_status,
        repatriations=totals["repatriations"],
    )
