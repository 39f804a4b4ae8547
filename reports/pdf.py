"""The quarterly period report of a region as a PDF (ReportLab), drawn from `RegionalFigures`.

The PDF prints exactly the `text` of every `Cell` (`reports.tables`), so a suppressed count
reads "<11" here as on the pages and in the exports; no number is recomputed. The cover names
the region, the period, when the report was generated and the small-cell rule; then each table
follows with its note and, unless the table says `chart="none"`, a simple bar chart of its
visible counts (a suppressed cell is drawn as an empty bar, never as its number). Every page
carries "page N of M".

Text is set in DejaVu Sans when the system has it (country names in any Latin or non-Latin
script), else Helvetica.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from xml.sax.saxutils import escape

from django.conf import settings
from django.utils.translation import gettext as _
from reportlab.graphics.charts.barcharts import HorizontalBarChart
from reportlab.graphics.charts.legends import Legend
from reportlab.graphics.shapes import Drawing
from reportlab.lib import colors
from reportlab.lib.enums import TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    KeepTogether,
    PageBreak,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from reports.tables import Cell, FigureTable, RegionalFigures, suppressed_text

MARGIN = 18 * mm
PAGE_WIDTH = A4[0] - 2 * MARGIN
CHART_MAX_ROWS = 15
CHART_MAX_SERIES = 3
SERIES_COLOURS = (
    colors.HexColor("#1f5f99"),
    colors.HexColor("#e08a1e"),
    colors.HexColor("#4c9a2a"),
)
HEADER_GREY = colors.HexColor("#e8ecf1")
FONT_FILES = (
    ("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf", "/usr/share/fonts/dejavu/DejaVuSans.ttf"),
    (
        "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf",
        "/usr/share/fonts/dejavu/DejaVuSans-Bold.ttf",
    ),
)

TableCallback = Callable[[int, str], None]


@lru_cache(maxsize=1)
def _fonts() -> tuple[str, str]:
    """(regular, bold) font names: DejaVu Sans if installed, else Helvetica."""
    chosen = []
    for (name, fallback), paths in zip(
        (("ReportDejaVuSans", "Helvetica"), ("ReportDejaVuSans-Bold", "Helvetica-Bold")),
        FONT_FILES,
        strict=True,
    ):
        font = fallback
        for path in paths:
            if Path(path).is_file():
                try:
                    pdfmetrics.registerFont(TTFont(name, path))
                except Exception:  # noqa: S112 -- a broken font file: fall back, still print
                    continue
                font = name
                break
        chosen.append(font)
    return chosen[0], chosen[1]


@lru_cache(maxsize=1)
def _styles() -> dict[str, ParagraphStyle]:
    regular, bold = _fonts()
    base = getSampleStyleSheet()
    return {
        "title": ParagraphStyle("title", parent=base["Title"], fontName=bold, fontSize=18),
        "subtitle": ParagraphStyle(
            "subtitle", parent=base["Title"], fontName=regular, fontSize=13, spaceAfter=14
        ),
        "h2": ParagraphStyle(
            "h2", parent=base["Heading2"], fontName=bold, fontSize=12, spaceBefore=12
        ),
        "body": ParagraphStyle("body", parent=base["BodyText"], fontName=regular, fontSize=9),
        "note": ParagraphStyle(
            "note", parent=base["BodyText"], fontName=regular, fontSize=7.5, textColor=colors.grey
        ),
        "cell": ParagraphStyle("cell", fontName=regular, fontSize=8, leading=10),
        "number": ParagraphStyle(
            "number", fontName=regular, fontSize=8, leading=10, alignment=TA_RIGHT
        ),
        "head": ParagraphStyle("head", fontName=bold, fontSize=8, leading=10),
    }


def _p(text: str, style: str = "cell") -> Paragraph:
    """`text` as a Paragraph (its markup is XML: "<11" must be escaped to print as is)."""
    return Paragraph(escape(str(text)), _styles()[style])


# -- the document ----------------------------------------------------------------------------


def period_report_pdf(
    figures: RegionalFigures,
    *,
    year: int,
    quarter: int,
    generated_at: dt.datetime,
    on_table: TableCallback | None = None,
) -> bytes:
    """The PDF of `figures` for `quarter` of `year`, generated at `generated_at`.

    `on_table(index, title)` is called after each table is laid out (1-based index), so the
    caller can report progress; the pages are assembled after the last one.
    """
    story: list = _cover(figures, year=year, quarter=quarter, generated_at=generated_at)
    for index, table in enumerate(figures.tables, start=1):
        story.extend(_table_section(table))
        if on_table is not None:
            on_table(index, str(table.title))

    buffer = io.BytesIO()
    footer = _("%(scope)s, %(year)s Q%(quarter)s") % {
        "scope": figures.scope,
        "year": year,
        "quarter": quarter,
    }
    document = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=MARGIN,
        bottomMargin=MARGIN,
        title=_("Period report: %(footer)s") % {"footer": footer},
        author="NCB-THB",
        subject=_("Regional monitoring, aggregated figures"),
    )
    document.build(story, canvasmaker=_numbered_canvas(footer))
    return buffer.getvalue()


def period_label(year: int, quarter: int, start: dt.date, end: dt.date) -> str:
    """ "2026 Q3 (2026-07-01 to 2026-09-30)"."""
    return _("%(year)s Q%(quarter)s (%(start)s to %(end)s)") % {
        "year": year,
        "quarter": quarter,
        "start": start.isoformat(),
        "end": end.isoformat(),
    }


def suppression_rule() -> str:
    """The small-cell rule in words, as the cover prints it."""
    return _(
        "Only aggregated figures are shown. Counts of persons (victims) from 1 to %(below)s are "
        'suppressed and printed as "%(hidden)s"; where a hidden count could be worked out from '
        "a total, one more cell of that row or column is suppressed too. Zero is printed as 0. "
        "Counts of cases, requests, countries and amounts of money are not about identifiable "
        "persons and are printed in full."
    ) % {"below": settings.SMALL_CELL_THRESHOLD - 1, "hidden": suppressed_text()}


def _cover(
    figures: RegionalFigures, *, year: int, quarter: int, generated_at: dt.datetime
) -> list:
    styles = _styles()
    generated = generated_at.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    facts = [
        (_("Region"), figures.scope),
        (_("Period"), period_label(year, quarter, figures.start, figures.end)),
        (_("Generated"), generated),
        (_("Small cells"), suppression_rule()),
    ]
    facts_table = Table(
        [[_p(label, "head"), _p(value, "body")] for label, value in facts],
        colWidths=[32 * mm, PAGE_WIDTH - 32 * mm],
    )
    facts_table.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LINEBELOW", (0, 0), (-1, -1), 0.25, colors.lightgrey),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 5),
            ]
        )
    )
    contents = [
        _p(f"{index}. {table.title}", "body") for index, table in enumerate(figures.tables, 1)
    ]
    return [
        Spacer(1, 30 * mm),
        Paragraph(escape(_("Regional monitoring: period report")), styles["title"]),
        Paragraph(escape(f"{figures.scope} \u2014 {year} Q{quarter}"), styles["subtitle"]),
        facts_table,
        Spacer(1, 8 * mm),
        Paragraph(escape(_("Contents")), styles["h2"]),
        *contents,
        PageBreak(),
    ]


def _table_section(table: FigureTable) -> list:
    """Heading, table, note and chart, kept on one page when they fit on one."""
    styles = _styles()
    parts: list = [Paragraph(escape(str(table.title)), styles["h2"]), _figure_table(table)]
    if table.note:
        parts.append(Paragraph(escape(str(table.note)), styles["note"]))
    chart = _chart(table) if table.chart != "none" else None
    if chart is not None:
        parts.extend([Spacer(1, 3 * mm), chart])
        if any(
            isinstance(value, Cell) and value.suppressed for row in table.rows for value in row
        ):
            parts.append(
                Paragraph(
                    escape(
                        _("Suppressed cells (%(hidden)s) are drawn as empty bars.")
                        % {"hidden": suppressed_text()}
                    ),
                    styles["note"],
                )
            )
    return [KeepTogether(parts), Spacer(1, 6 * mm)]


def _figure_table(table: FigureTable) -> Table:
    header = [_p(column, "head") for column in table.columns]
    body = [
        [_p(value.text, "number") if isinstance(value, Cell) else _p(value) for value in row]
        for row in table.rows
    ]
    if not body:
        body = [[_p(_("No data for this period."))] + [""] * (len(header) - 1)]
    label_columns = _label_columns(table)
    width_label = 55 * mm if label_columns == 1 else 40 * mm
    width_labels = min(width_label * label_columns, PAGE_WIDTH * 0.6)
    numbers = max(len(table.columns) - label_columns, 1)
    widths = [width_labels / max(label_columns, 1)] * label_columns + [
        (PAGE_WIDTH - width_labels) / numbers
    ] * (len(table.columns) - label_columns)
    pdf_table = Table([header, *body], colWidths=widths or None, repeatRows=1)
    pdf_table.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("BACKGROUND", (0, 0), (-1, 0), HEADER_GREY),
                ("GRID", (0, 0), (-1, -1), 0.25, colors.grey),
                ("TOPPADDING", (0, 0), (-1, -1), 2),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
            ]
        )
    )
    return pdf_table


def _label_columns(table: FigureTable) -> int:
    """How many leading columns are labels (strings) rather than figures."""
    for row in table.rows:
        return sum(1 for value in row if not isinstance(value, Cell))
    return 1


# -- the chart -------------------------------------------------------------------------------


def _chart(table: FigureTable) -> Drawing | None:
    """A horizontal bar chart of the table's counts: one bar per row (at most CHART_MAX_ROWS,
    total rows left out), one series per count column (money and total columns left out).
    None when there is nothing to draw."""
    total = _("Total")
    label_count = _label_columns(table)
    series_columns = [
        index
        for index in range(label_count, len(table.columns))
        if str(table.columns[index]) != total
        and all(
            isinstance(row[index], Cell) and not isinstance(row[index].value, Decimal)
            for row in table.rows
        )
    ][:CHART_MAX_SERIES]
    rows = [row for row in table.rows if not (label_count and str(row[0]) == total)][
        :CHART_MAX_ROWS
    ]
    if not series_columns or not rows:
        return None
    data = [[row[index].value or 0 for row in reversed(rows)] for index in series_columns]
    if not any(value for series in data for value in series):
        return None
    labels = [
        " \u2192 ".join(str(value) for value in row[:label_count])[:40] for row in reversed(rows)
    ]
    regular, _bold = _fonts()
    bar_height = 9 if len(series_columns) == 1 else 6
    plot_height = max(len(rows) * (bar_height * len(series_columns) + 6), 30)
    legend_height = 16 if len(series_columns) > 1 else 0
    drawing = Drawing(PAGE_WIDTH, plot_height + 30 + legend_height)
    chart = HorizontalBarChart()
    chart.x = 62 * mm
    chart.y = 20 + legend_height
    chart.width = PAGE_WIDTH - chart.x - 10
    chart.height = plot_height
    chart.data = data
    chart.categoryAxis.categoryNames = labels
    chart.categoryAxis.labels.fontName = regular
    chart.categoryAxis.labels.fontSize = 7
    chart.categoryAxis.labels.boxAnchor = "e"
    chart.valueAxis.valueMin = 0
    highest = max(value for series in data for value in series)
    if highest <= 10:
        # Whole numbers only: ReportLab's own steps would be halves, printed twice as "0, 0, 1".
        chart.valueAxis.valueMax = max(highest, 1)
        chart.valueAxis.valueStep = 1
    chart.valueAxis.labels.fontName = regular
    chart.valueAxis.labels.fontSize = 7
    chart.valueAxis.labelTextFormat = "{:,.0f}".format
    chart.barSpacing = 1
    chart.groupSpacing = 4
    for index in range(len(series_columns)):
        chart.bars[index].fillColor = SERIES_COLOURS[index]
        chart.bars[index].strokeColor = None
    drawing.add(chart)
    if len(series_columns) > 1:
        legend = Legend()
        legend.x = chart.x
        legend.y = legend_height
        legend.fontName = regular
        legend.fontSize = 7
        legend.alignment = "right"
        legend.columnMaximum = 1  # one entry per column: the entries side by side
        legend.deltax = 90
        legend.dxTextSpace = 4
        legend.colorNamePairs = [
            (SERIES_COLOURS[position], str(table.columns[index]))
            for position, index in enumerate(series_columns)
        ]
        drawing.add(legend)
    return drawing


# -- page numbers ----------------------------------------------------------------------------


def _numbered_canvas(footer: str) -> type[Canvas]:
    """A canvas that prints "<footer>, page N of M" on every page: pages are kept until the
    document is complete, when the number of pages is known."""

    class NumberedCanvas(Canvas):
        def __init__(self, *args, **kwargs) -> None:
            super().__init__(*args, **kwargs)
            self._pages: list[dict] = []

        def showPage(self) -> None:  # ReportLab's name
            self._pages.append(dict(self.__dict__))
            self._startPage()

        def save(self) -> None:
            count = len(self._pages)
            for page in self._pages:
                self.__dict__.update(page)
                self._draw_footer(count)
                super().showPage()
            super().save()

        def _draw_footer(self, count: int) -> None:
            self.saveState()
            self.setFont(_fonts()[0], 7)
            self.setFillColor(colors.grey)
            self.drawString(MARGIN, MARGIN / 2, footer)
            self.drawRightString(
                A4[0] - MARGIN,
                MARGIN / 2,
                _("page %(page)s of %(count)s") % {"page": self._pageNumber, "count": count},
            )
            self.restoreState()

    return NumberedCanvas
