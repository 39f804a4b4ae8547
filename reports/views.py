"""Regional monitoring pages under /reports/: choose a region and a period, read its figures as
charts and tables, export them as CSV or XLSX.

Only aggregates (`reports.figures`); a region the user may not read is a 404
(`reports.permissions`). Every page view and every export writes an audit event naming the
region, the period and the format; nothing sensitive goes into URLs (bureau codes and dates).
"""

from datetime import date
from decimal import Decimal

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext
from django.views.decorators.http import require_GET

from ncb_cases.audit import audit_record, request_ip
from ncb_cases.choices import AuditAction
from reports import permissions
from reports.exports import (
    CSV_CONTENT_TYPE,
    XLSX_CONTENT_TYPE,
    export_filename,
    figures_csv,
    figures_xlsx,
)
from reports.figures import region_label, regional_figures
from reports.forms import ReportChoiceForm, ReportPeriodForm, default_period
from reports.tables import Cell, FigureTable, RegionalFigures


@require_GET
def index(request: HttpRequest) -> HttpResponse:
    """The regions the user may read and a period; a valid choice opens the region page."""
    bureaus = list(permissions.permitted_bureaus(request.user))
    include_global = permissions.can_view_global(request.user)
    start, end = default_period()
    if "region" in request.GET:
        form = ReportChoiceForm(request.GET, bureaus=bureaus, include_global=include_global)
        if form.is_valid():
            return redirect(
                region_url(
                    form.cleaned_data["region"],
                    form.cleaned_data["start"],
                    form.cleaned_data["end"],
                )
            )
    else:
        initial = {"start": start, "end": end}
        if bureaus:
            initial["region"] = bureaus[0].code
        form = ReportChoiceForm(initial=initial, bureaus=bureaus, include_global=include_global)
    regions = [
        {
            "code": bureau.code,
            "label": region_label(bureau),
            "url": region_url(bureau.code, start, end),
        }
        for bureau in bureaus
    ]
    if include_global:
        regions.append(
            {
                "code": permissions.GLOBAL_SCOPE,
                "label": region_label(None),
                "url": region_url(permissions.GLOBAL_SCOPE, start, end),
            }
        )
    return render(
        request,
        "reports/report_index.html",
        {"form": form, "regions": regions, "has_regions": bool(regions)},
    )


def region_url(code: str, start: date, end: date) -> str:
    query = urlencode({"start": start.isoformat(), "end": end.isoformat()})
    return f"{reverse('reports:region', kwargs={'code': code})}?{query}"


def _period(request: HttpRequest) -> ReportPeriodForm:
    if "start" in request.GET or "end" in request.GET:
        return ReportPeriodForm(request.GET)
    start, end = default_period()
    return ReportPeriodForm({"start": start.isoformat(), "end": end.isoformat()})


@require_GET
def region(request: HttpRequest, code: str) -> HttpResponse:
    """Every table of a region over the period, each with its chart; audited."""
    bureau = permissions.region_get_for_user(user=request.user, code=code)
    form = _period(request)
    context = {"form": form, "code": code, "scope": region_label(bureau)}
    if not form.is_valid():
        return render(request, "reports/report_region.html", context, status=400)
    start, end = form.cleaned_data["start"], form.cleaned_data["end"]
    figures = regional_figures(bureau=bureau, start=start, end=end)
    _audit(request, bureau=bureau, code=code, figures=figures, action=AuditAction.VIEW)
    query = urlencode({"start": start.isoformat(), "end": end.isoformat()})
    context.update(
        {
            "figures": figures,
            "query": query,
            "tables": [_table_context(table, code, query) for table in figures.tables],
        }
    )
    return render(request, "reports/report_region.html", context)


@require_GET
def export(request: HttpRequest, code: str, fmt: str, key: str | None = None) -> HttpResponse:
    """One table (`key`) or the whole page as CSV or XLSX; audited as an export."""
    bureau = permissions.region_get_for_user(user=request.user, code=code)
    form = _period(request)
    if not form.is_valid():
        return HttpResponse(
            "\n".join(f"{field}: {' '.join(errors)}" for field, errors in form.errors.items()),
            status=400,
            content_type="text/plain; charset=utf-8",
        )
    figures = regional_figures(
        bureau=bureau, start=form.cleaned_data["start"], end=form.cleaned_data["end"]
    )
    if key is not None and figures.table(key) is None:
        raise Http404
    if fmt == "csv":
        response = HttpResponse(figures_csv(figures, key=key), content_type=CSV_CONTENT_TYPE)
    else:
        response = HttpResponse(figures_xlsx(figures, key=key), content_type=XLSX_CONTENT_TYPE)
    filename = export_filename(figures, scope_code=code, key=key or "all", fmt=fmt)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    _audit(
        request,
        bureau=bureau,
        code=code,
        figures=figures,
        action=AuditAction.EXPORT,
        extra={"format": fmt, "table": key or "all"},
    )
    return response


def _audit(request, *, bureau, code, figures: RegionalFigures, action, extra=None) -> None:
    audit_record(
        actor=request.user,
        action=action,
        obj=bureau,
        ip=request_ip(request),
        details={
            "report": "regional_figures",
            "scope": code,
            "start": figures.start.isoformat(),
            "end": figures.end.isoformat(),
            **(extra or {}),
        },
    )


def _table_context(table: FigureTable, code: str, query: str) -> dict:
    """A table as the template prints it, with its chart's data and export links."""
    return {
        "table": table,
        "rows": [
            [
                {
                    "text": cell if isinstance(cell, str) else cell.text,
                    "is_label": isinstance(cell, str),
                    "suppressed": isinstance(cell, Cell) and cell.suppressed,
                }
                for cell in row
            ]
            for row in table.rows
        ],
        "chart_id": f"chart-data-{table.key}",
        "chart": chart_data(table) if table.chart != "none" else None,
        "csv_url": _export_url(code, table.key, "csv", query),
        "xlsx_url": _export_url(code, table.key, "xlsx", query),
    }


def _export_url(code: str, key: str, fmt: str, query: str) -> str:
    return (
        f"{reverse('reports:table_export', kwargs={'code': code, 'key': key, 'fmt': fmt})}?{query}"
    )


def chart_data(table: FigureTable) -> dict:
    """What report-charts.js draws: labels and one series per numeric column. Totals rows are
    left out; a suppressed cell is drawn as nothing (null) and listed as "<11" in the table."""
    label_columns = sum(1 for cell in table.rows[0] if isinstance(cell, str)) if table.rows else 1
    body = [row for row in table.rows if not _is_total(row)]
    numeric = [
        index
        for index in range(label_columns, len(table.columns))
        if not _is_total_label(table.columns[index])
    ]
    # Amounts and counts do not share an axis: where a table holds amounts, draw only those.
    amounts = [index for index in numeric if any(_is_amount(row[index]) for row in body)]
    series = []
    for index in amounts or numeric:
        column = table.columns[index]
        series.append(
            {
                "label": str(column),
                "data": [_chart_value(row[index]) for row in body],
            }
        )
    return {
        "type": table.chart,
        "title": str(table.title),
        "labels": [" → ".join(str(c) for c in row[:label_columns]) for row in body],
        "series": series,
    }


def _is_total(row) -> bool:
    return bool(row) and isinstance(row[0], str) and _is_total_label(row[0])


def _is_total_label(label) -> bool:
    return str(label) == gettext("Total")


def _is_amount(cell) -> bool:
    return isinstance(cell, Cell) and isinstance(cell.value, Decimal)


def _chart_value(cell):
    if not isinstance(cell, Cell) or cell.suppressed or cell.value is None:
        return None
    return float(cell.value)
