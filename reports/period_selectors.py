"""Reads of period reports, always filtered by the reader's regions (`reports.permissions`).

A report is readable by whoever may read its region's figures: instance admins every report
(the global ones included), SRB monitors their bureau's, NCB members their own region's. A
report outside that is answered as missing (Http404), like any other protected object, and
the refused attempt on an existing report is recorded as DENIED (`ncb_cases.audit`).
"""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import Q, QuerySet

from ncb_cases.audit import audit_denied
from reports.models import PeriodReport
from reports.permissions import can_view_global, permitted_bureaus


def period_reports_for_user(
    *, user: AbstractBaseUser | AnonymousUser, with_pdf: bool = False
) -> QuerySet[PeriodReport]:
    """The reports of the regions `user` may read, newest quarter first, with their bureau.

    The PDF bytes are deferred unless `with_pdf` (a list never loads them). One query when
    evaluated (the permitted bureaus are a subquery).
    """
    regions = Q(bureau__in=permitted_bureaus(user).values("pk"))
    if can_view_global(user):
        regions |= Q(bureau__isnull=True)
    reports = PeriodReport.objects.filter(regions).select_related("bureau")
    return reports if with_pdf else reports.defer("pdf")


def period_report_get_for_user(
    *, user: AbstractBaseUser | AnonymousUser, report_id, with_pdf: bool = False
) -> PeriodReport:
    """The report with public id `report_id` if `user` may read its region; Http404 when it is
    missing or not theirs (the same answer; a refused attempt on an existing report writes a
    DENIED audit row, at once: keep the call out of a transaction the 404 rolls back). One
    query when found."""
    report = (
        period_reports_for_user(user=user, with_pdf=with_pdf).filter(public_id=report_id).first()
    )
    if report is None:
        raise audit_denied(
            user=user, existing=PeriodReport.objects.filter(public_id=report_id).defer("pdf")
        )
    return report
