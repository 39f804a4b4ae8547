"""Period reports: asking for one (audited), generating it (a Celery task), downloading it.

`request_period_report` records the request (a QUEUED `PeriodReport` and a CREATE audit row)
and enqueues `reports.tasks.generate_period_report` once the transaction commits; an identical
report still waiting or being generated is handed back instead of a second one.
`quarterly_reports_request` does the same for the quarterly schedule (every region and the
global report of the quarter just ended). `period_report_generate` is what the task runs: it
claims the report, computes the region's figures (`reports.figures.regional_figures`, the
source of the report pages too), draws the PDF (`reports.pdf`) and stores it with its SHA-256,
writing its progress as it goes. `period_report_download` audits each download as an EXPORT.

Who may ask: an SRB monitor for their own bureau's region; an instance admin for any region
and for all regions together ("global"). Who may read and download: whoever may read the
region's figures (`reports.period_selectors`).
"""

from __future__ import annotations

import calendar
import datetime as dt
import hashlib
import logging
from functools import partial

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from contacts.choices import OfficerRole
from contacts.models import SubRegionalBureau
from contacts.permissions import is_instance_admin, officer_of
from ncb_cases.audit import audit_record
from ncb_cases.choices import AuditAction
from ncb_cases.services._common import Errors
from reports.choices import ReportStatus
from reports.models import PeriodReport

logger = logging.getLogger(__name__)

FIRST_YEAR = 2000
"""No case in the system predates this; an earlier year is a typing error."""
STALE_AFTER = dt.timedelta(hours=1)
"""A RUNNING report not finished after this long has lost its worker: it may be claimed again
(tasks are acked late, so the broker redelivers them)."""
WAITING = (ReportStatus.QUEUED, ReportStatus.RUNNING)

# Progress, in percent, at the end of each step; the tables fill the stretch in between.
PROGRESS_CLAIMED = 2
PROGRESS_FIGURES = 20
PROGRESS_TABLES_DONE = 85
PROGRESS_PDF = 98


class PeriodReportNotReady(Exception):
    """The report is not generated (yet, or its generation failed): nothing to download."""


# -- periods ---------------------------------------------------------------------------------


def quarter_bounds(year: int, quarter: int) -> tuple[dt.date, dt.date]:
    """The first and last day (inclusive) of `quarter` (1-4) of `year`."""
    first_month = 3 * (quarter - 1) + 1
    last_month = first_month + 2
    return (
        dt.date(year, first_month, 1),
        dt.date(year, last_month, calendar.monthrange(year, last_month)[1]),
    )


def previous_quarter(today: dt.date) -> tuple[int, int]:
    """(year, quarter) of the last quarter that ended before `today`."""
    quarter = (today.month - 1) // 3 + 1
    return (today.year, quarter - 1) if quarter > 1 else (today.year - 1, 4)


# -- who may ask -----------------------------------------------------------------------------


def requestable_bureaus(user: AbstractBaseUser | AnonymousUser) -> QuerySet[SubRegionalBureau]:
    """The bureaus whose report `user` may ask for, by name: every bureau for an instance
    admin, their own for an SRB monitor, none for anyone else. One query when evaluated."""
    if is_instance_admin(user):
        return SubRegionalBureau.objects.order_by("name")
    officer = officer_of(user)
    if (
        officer is not None
        and user.is_active
        and officer.role == OfficerRole.SRB_MONITOR
        and officer.sub_regional_bureau_id is not None
    ):
        return SubRegionalBureau.objects.filter(pk=officer.sub_regional_bureau_id)
    return SubRegionalBureau.objects.none()


def can_request_global(user: AbstractBaseUser | AnonymousUser) -> bool:
    """The report of all regions together: instance admins only."""
    return is_instance_admin(user)


def can_request_reports(user: AbstractBaseUser | AnonymousUser) -> bool:
    """Whether `user` may ask for at least one report (the request form is offered)."""
    return can_request_global(user) or requestable_bureaus(user).exists()


def _may_request(user: AbstractBaseUser | AnonymousUser, bureau: SubRegionalBureau | None):
    if bureau is None:
        return can_request_global(user)
    return requestable_bureaus(user).filter(pk=bureau.pk).exists()


# -- asking ----------------------------------------------------------------------------------


@transaction.atomic
def request_period_report(
    *,
    user: AbstractBaseUser,
    bureau: SubRegionalBureau | None,
    year: int,
    quarter: int,
    ip: str | None = None,
) -> PeriodReport:
    """Ask for the PDF report of `bureau`'s region (None: all regions) for `quarter` of `year`
    and return it.

    PermissionDenied unless `user` may ask for that region (see the module docstring).
    ValidationError keyed by field for a quarter outside 1-4, a year before FIRST_YEAR, or a
    quarter not over yet ("a report period in the future"). An identical report still QUEUED
    or RUNNING is returned as it is (nothing new is enqueued); otherwise a QUEUED report is
    created and `reports.tasks.generate_period_report` enqueued when the transaction commits.
    Either way one CREATE audit row is written.
    """
    if not _may_request(user, bureau):
        raise PermissionDenied
    _check_period(year, quarter, today=timezone.localdate())
    report, created = _report_for(bureau=bureau, year=year, quarter=quarter, requested_by=user)
    audit_record(
        actor=user,
        action=AuditAction.CREATE,
        obj=report,
        ip=ip,
        details={
            "period_report": str(report.public_id),
            "region": bureau.code if bureau is not None else "global",
            "period": f"{year}-Q{quarter}",
            "reused": not created,
        },
    )
    return report


def _check_period(year, quarter, *, today: dt.date) -> None:
    errors = Errors()
    if not isinstance(quarter, int) or isinstance(quarter, bool) or not 1 <= quarter <= 4:
        errors.add("quarter", _("Choose a quarter from 1 to 4."))
    if not isinstance(year, int) or isinstance(year, bool) or year < FIRST_YEAR:
        errors.add("year", _("Give a year from %(first)s on.") % {"first": FIRST_YEAR})
    errors.raise_if_any()
    if year > today.year or quarter_bounds(year, quarter)[1] >= today:
        last_year, last_quarter = previous_quarter(today)
        errors.add(
            "quarter",
            _(
                "%(year)s Q%(quarter)s is not over yet: a report period in the future cannot be "
                "reported. The last finished quarter is %(last_year)s Q%(last_quarter)s."
            )
            % {
                "year": year,
                "quarter": quarter,
                "last_year": last_year,
                "last_quarter": last_quarter,
            },
        )
    errors.raise_if_any()


def _report_for(
    *,
    bureau: SubRegionalBureau | None,
    year: int,
    quarter: int,
    requested_by: AbstractBaseUser | None,
) -> tuple[PeriodReport, bool]:
    """The waiting report of this region and quarter, or a new QUEUED one (enqueued on
    commit). The bureau's row is locked first, so two simultaneous requests for a region
    agree on one report (the global report has no row to lock: at worst it is made twice)."""
    if bureau is not None:
        SubRegionalBureau.objects.select_for_update().filter(pk=bureau.pk).first()
    same = PeriodReport.objects.filter(bureau=bureau, year=year, quarter=quarter)
    waiting = same.filter(status__in=WAITING).defer("pdf").first()
    if waiting is not None:
        return waiting, False
    report = PeriodReport(bureau=bureau, year=year, quarter=quarter, requested_by=requested_by)
    report.full_clean()
    report.save(force_insert=True)
    transaction.on_commit(partial(_enqueue_generation, report.pk))
    return report, True


def _enqueue_generation(report_id: int) -> None:
    from reports.tasks import generate_period_report

    generate_period_report.delay(report_id)


@transaction.atomic
def quarterly_reports_request(*, today: dt.date | None = None) -> list[PeriodReport]:
    """The schedule's request (no user): the report of the quarter before `today` for every
    bureau and for all regions together, except those already DONE (or waiting). Returns the
    reports created; one CREATE audit row (no actor) for each."""
    year, quarter = previous_quarter(today or timezone.localdate())
    created_reports = []
    regions: list[SubRegionalBureau | None] = [*SubRegionalBureau.objects.order_by("name"), None]
    for bureau in regions:
        done = PeriodReport.objects.filter(
            bureau=bureau, year=year, quarter=quarter, status=ReportStatus.DONE
        )
        if done.exists():
            continue
        report, created = _report_for(bureau=bureau, year=year, quarter=quarter, requested_by=None)
        if not created:
            continue
        audit_record(
            actor=None,
            action=AuditAction.CREATE,
            obj=report,
            details={
                "period_report": str(report.public_id),
                "region": bureau.code if bureau is not None else "global",
                "period": f"{year}-Q{quarter}",
                "schedule": True,
            },
        )
        created_reports.append(report)
    return created_reports


# -- generating ------------------------------------------------------------------------------


def period_report_generate(report_id: int) -> PeriodReport | None:
    """Generate the PDF of report `report_id` if it is waiting; return the report (None if it
    was not waiting: already done or failed, being generated by another worker, or deleted).

    The report is claimed with one conditional UPDATE (QUEUED, or RUNNING for longer than
    STALE_AFTER), so two deliveries of the task never generate it twice. Progress is written
    at each step (figures, each table, the PDF), each UPDATE committing at once for the
    status page. Success: DONE with the PDF and its SHA-256. Any failure: FAILED with a short
    message (the details go to the log, which names no person).
    """
    from reports.figures import regional_figures
    from reports.pdf import period_report_pdf

    now = timezone.now()
    claimed = (
        PeriodReport.objects.filter(pk=report_id)
        .filter(
            Q(status=ReportStatus.QUEUED)
            | Q(status=ReportStatus.RUNNING, started_at__lt=now - STALE_AFTER)
        )
        .update(
            status=ReportStatus.RUNNING,
            started_at=now,
            progress=PROGRESS_CLAIMED,
            progress_label=_("Started"),
            error="",
        )
    )
    if not claimed:
        return None
    report = PeriodReport.objects.select_related("bureau").defer("pdf").get(pk=report_id)
    progress = _Progress(report.pk)
    try:
        start, end = quarter_bounds(report.year, report.quarter)
        progress(PROGRESS_CLAIMED, _("Computing the figures"))
        figures = regional_figures(bureau=report.bureau, start=start, end=end)
        progress(PROGRESS_FIGURES, _("Figures computed"))
        pdf = period_report_pdf(
            figures,
            year=report.year,
            quarter=report.quarter,
            generated_at=timezone.now(),
            on_table=partial(_table_drawn, progress, len(figures.tables)),
        )
    except Exception:
        logger.exception("period report %s could not be generated", report.public_id)
        PeriodReport.objects.filter(pk=report.pk).update(
            status=ReportStatus.FAILED,
            progress_label=_("Failed"),
            error=_("The report could not be generated; the operators were told."),
            finished_at=timezone.now(),
        )
        report.refresh_from_db()
        return report
    PeriodReport.objects.filter(pk=report.pk).update(
        status=ReportStatus.DONE,
        progress=100,
        progress_label=_("Ready"),
        pdf=pdf,
        sha256=hashlib.sha256(pdf).hexdigest(),
        finished_at=timezone.now(),
    )
    report.refresh_from_db()
    logger.info("period report %s generated: %s bytes", report.public_id, len(pdf))
    return report


class _Progress:
    """Writes the report's progress and what it is doing (one UPDATE per step)."""

    def __init__(self, report_id: int) -> None:
        self.report_id = report_id

    def __call__(self, percent: int, label: str) -> None:
        PeriodReport.objects.filter(pk=self.report_id).update(
            progress=max(0, min(int(percent), 99)), progress_label=str(label)[:100]
        )


def _table_drawn(progress: _Progress, total: int, index: int, title: str) -> None:
    """Called by the PDF after laying out table `index` (1-based) of `total`; the PDF itself
    is assembled after the last one."""
    span = PROGRESS_TABLES_DONE - PROGRESS_FIGURES
    percent = PROGRESS_FIGURES + span * index // max(total, 1)
    if index >= total:
        progress(PROGRESS_TABLES_DONE, _("Assembling the PDF"))
    else:
        progress(percent, _("Table %(index)s of %(total)s") % {"index": index, "total": total})


# -- downloading -----------------------------------------------------------------------------


def period_report_filename(report: PeriodReport) -> str:
    """The PDF's download name, e.g. `period-report-RB-EUR-2026-Q3.pdf` (codes only)."""
    region = report.bureau.code if report.bureau_id else "global"
    return f"period-report-{region}-{report.year}-Q{report.quarter}.pdf".replace("/", "_")


@transaction.atomic
def period_report_download(
    *, user: AbstractBaseUser, report: PeriodReport, ip: str | None = None
) -> bytes:
    """The PDF of `report` for `user` to download, with one EXPORT audit row per download.

    `report` comes from `reports.period_selectors.period_report_get_for_user` (loaded with
    its PDF). PeriodReportNotReady while it is not DONE.
    """
    if report.status != ReportStatus.DONE or not report.pdf:
        raise PeriodReportNotReady(str(report.public_id))
    audit_record(
        actor=user,
        action=AuditAction.EXPORT,
        obj=report,
        ip=ip,
        details={
            "period_report": str(report.public_id),
            "region": report.bureau.code if report.bureau_id else "global",
            "period": f"{report.year}-Q{report.quarter}",
            "sha256": report.sha256,
        },
    )
    return bytes(report.pdf)
