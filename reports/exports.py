"""CSV and XLSX writers of a region's figures, one table or the whole page.

Pure functions of a `RegionalFigures`: no query. A suppressed cell is written as its text
("<11"), never as a number; every other count is what the page shows (a number in XLSX).
"""

import csv
import io
from collections.abc import Sequence

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font

from contacts.exports import csv_safe_cell
from reports.tables import Cell, FigureTable, RegionalFigures

CSV_CONTENT_TYPE = "text/csv; charset=utf-8"
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
EXPORT_FORMATS = ("csv", "xlsx")
SHEET_TITLE_MAX = 31  # Excel's limit


def export_filename(figures: RegionalFigures, *, scope_code: str, key: str, fmt: str) -> str:
    """E.g. `RB-EUR_2026-01-01_2026-06-30_routes.csv` (no names, only codes and dates)."""
    return f"{scope_code}_{figures.start.isoformat()}_{figures.end.isoformat()}_{key}.{fmt}"


def _tables(figures: RegionalFigures, key: str | None) -> Sequence[FigureTable]:
    if key is None:
        return figures.tables
    table = figures.table(key)
    if table is None:
        raise KeyError(key)
    return (table,)


def _period_line(figures: RegionalFigures) -> list[str]:
    return [
        csv_safe_cell(figures.scope),
        _("from %(start)s to %(end)s")
        % {"start": figures.start.isoformat(), "end": figures.end.isoformat()},
    ]


def figures_csv(figures: RegionalFigures, *, key: str | None = None) -> str:
    """The table `key` (every table when None) as CSV text: the scope and period, then for
    each table its title, header row, rows and note, a blank line between tables.
    KeyError for an unknown `key`."""
    tables = _tables(figures, key)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(_period_line(figures))
    for table in tables:
        writer.writerow([])
        writer.writerow([csv_safe_cell(table.title)])
        writer.writerow([csv_safe_cell(label) for label in table.columns])
        for row in table.rows:
            writer.writerow([csv_safe_cell(_cell_text(cell)) for cell in row])
        if table.note:
            writer.writerow([csv_safe_cell(table.note)])
    return out.getvalue()


def figures_xlsx(figures: RegionalFigures, *, key: str | None = None) -> bytes:
    """The table `key` (every table when None) as an XLSX workbook, one sheet per table.
    KeyError for an unknown `key`."""
    tables = _tables(figures, key)
    workbook = Workbook()
    workbook.remove(workbook.active)
    bold = Font(bold=True)
    for table in tables:
        sheet = workbook.create_sheet(title=table.key[:SHEET_TITLE_MAX])
        sheet.append(_period_line(figures))
        sheet.append([str(table.title)])
        sheet["A2"].font = bold
        sheet.append([str(label) for label in table.columns])
        for cell in sheet[3]:
            cell.font = bold
        for row in table.rows:
            sheet.append([_xlsx_value(cell) for cell in row])
            for written, cell in zip(sheet[sheet.max_row], row, strict=True):
                if isinstance(cell, Cell) and not cell.suppressed and "." in cell.text:
                    written.number_format = "#,##0.00"
        if table.note:
            sheet.append([str(table.note)])
        sheet.column_dimensions["A"].width = 36
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def _cell_text(cell: str | Cell) -> str:
    return cell if isinstance(cell, str) else cell.text


def _xlsx_value(cell: str | Cell):
    if isinstance(cell, str):
        return csv_safe_cell(cell)
    if cell.suppressed or cell.value is None:
        return cell.text
    return cell.value
