"""The period report PDF prints exactly the figures' texts, "<11" included, with a cover and
page numbers. Built from `RegionalFigures` made by hand: no database needed."""

import datetime as dt
import io
import re
from decimal import Decimal

from pypdf import PdfReader

from reports.pdf import period_report_pdf
from reports.tables import Cell, FigureTable, RegionalFigures, money, person_grid, plain_count

GENERATED_AT = dt.datetime(2026, 10, 1, 2, 30, tzinfo=dt.UTC)


def pdf_text(pdf: bytes) -> str:
    reader = PdfReader(io.BytesIO(pdf))
    return "\n".join(page.extract_text() for page in reader.pages)


def pdf_words(pdf: bytes) -> str:
    """The text with every run of white space made one space (cells wrap, lines break)."""
    return re.sub(r"\s+", " ", pdf_text(pdf))


def sample_figures(**changes) -> RegionalFigures:
    victims = person_grid([[10, 0], [11, 25]])
    tables = (
        FigureTable(
            key="cases_by_month",
            title="Cases opened and closed per month",
            columns=("Month", "Opened", "Closed"),
            rows=(
                ("2026-07", plain_count(4), plain_count(1)),
                ("2026-08", plain_count(0), plain_count(2)),
                ("2026-09", plain_count(1234), plain_count(3)),
                ("Total", plain_count(1238), plain_count(6)),
            ),
            chart="line",
        ),
        FigureTable(
            key="victims",
            title="Victims by sex and age",
            columns=("Sex", "Children", "Adults", "Total"),
            rows=(("Female", *victims[0]), ("Male", *victims[1]), ("Total", *victims[2])),
            note="Counts from 1 to 10 persons are shown as <11.",
        ),
        FigureTable(
            key="routes",
            title="Routes: legs from one country to another",
            columns=("Origin", "Destination", "Cases"),
            rows=(("Côte d'Ivoire", "France", plain_count(7)),),
        ),
        FigureTable(
            key="assets",
            title="Assets by status and value",
            columns=("Status", "Assets", "Value (EUR)"),
            rows=(("Seized", plain_count(2), money(Decimal("1250000"), "EUR")),),
        ),
        FigureTable(
            key="contact_points",
            title="NCBs without a current contact point",
            columns=("NCB", "Current contact points"),
            rows=(),
            chart="none",
        ),
    )
    values = {
        "scope": "European Regional Bureau (RB-EUR)",
        "bureau_id": 1,
        "start": dt.date(2026, 7, 1),
        "end": dt.date(2026, 9, 30),
        "tables": tables,
    }
    return RegionalFigures(**{**values, **changes})


def cell_texts(figures: RegionalFigures) -> list[str]:
    return [
        value.text
        for table in figures.tables
        for row in table.rows
        for value in row
        if isinstance(value, Cell)
    ]


def test_the_pdf_is_a_pdf_with_a_cover_naming_region_period_time_and_the_rule():
    # when
    pdf = period_report_pdf(sample_figures(), year=2026, quarter=3, generated_at=GENERATED_AT)

    # then
    assert pdf.startswith(b"%PDF-")
    cover = re.sub(r"\s+", " ", PdfReader(io.BytesIO(pdf)).pages[0].extract_text())
    assert "European Regional Bureau (RB-EUR)" in cover
    assert "2026 Q3 (2026-07-01 to 2026-09-30)" in cover
    assert "2026-10-01 02:30 UTC" in cover
    assert 'printed as "<11"' in cover


def test_every_table_prints_each_row_with_the_cells_texts_in_order():
    # given
    figures = sample_figures()

    # when
    words = pdf_words(period_report_pdf(figures, year=2026, quarter=3, generated_at=GENERATED_AT))

    # then
    for table in figures.tables:
        assert table.title in words
        for row in table.rows:
            line = " ".join(value.text if isinstance(value, Cell) else value for value in row)
            assert line in words, line


def test_suppressed_cells_print_as_below_eleven_and_never_their_number():
    # given: 10 girls are hidden, and so is the Female total (10) that would give them away
    figures = sample_figures()
    victims = figures.table("victims")
    assert [value.text for value in victims.rows[0][1:]] == ["<11", "0", "<11"]

    # when
    words = pdf_words(period_report_pdf(figures, year=2026, quarter=3, generated_at=GENERATED_AT))

    # then
    assert "Female <11 0 <11" in words
    assert "Male <11 25 <11" in words
    assert "Female 10" not in words


def test_cells_of_money_and_thousands_print_as_their_text():
    words = pdf_words(
        period_report_pdf(sample_figures(), year=2026, quarter=3, generated_at=GENERATED_AT)
    )

    assert "Seized 2 1,250,000.00 EUR" in words
    assert "2026-09 1,234 3" in words


def test_an_empty_table_says_so():
    words = pdf_words(
        period_report_pdf(sample_figures(), year=2026, quarter=3, generated_at=GENERATED_AT)
    )

    assert "NCBs without a current contact point NCB Current contact points No data" in words


def test_every_page_is_numbered_out_of_the_total():
    # given enough rows to fill several pages
    long_routes = FigureTable(
        key="routes",
        title="Routes",
        columns=("Origin", "Destination", "Cases"),
        rows=tuple((f"Country {n}", "France", plain_count(n)) for n in range(150)),
    )
    figures = sample_figures(tables=(long_routes,))

    # when
    reader = PdfReader(
        io.BytesIO(period_report_pdf(figures, year=2026, quarter=3, generated_at=GENERATED_AT))
    )

    # then
    count = len(reader.pages)
    assert count >= 3
    for number, page in enumerate(reader.pages, start=1):
        assert f"page {number} of {count}" in page.extract_text()


def test_each_table_is_reported_as_it_is_laid_out():
    # given
    calls = []
    figures = sample_figures()

    # when
    period_report_pdf(
        figures,
        year=2026,
        quarter=3,
        generated_at=GENERATED_AT,
        on_table=lambda index, title: calls.append((index, title)),
    )

    # then
    assert calls == [(n, table.title) for n, table in enumerate(figures.tables, start=1)]


def test_a_chart_is_drawn_for_charted_tables_only(monkeypatch):
    # given
    from reports import pdf as pdf_module

    charted = []
    real_chart = pdf_module._chart
    monkeypatch.setattr(
        pdf_module, "_chart", lambda table: charted.append(table.key) or real_chart(table)
    )

    # when
    period_report_pdf(sample_figures(), year=2026, quarter=3, generated_at=GENERATED_AT)

    # then
    assert charted == ["cases_by_month", "victims", "routes", "assets"]
    assert real_chart(sample_figures().table("victims")) is not None
