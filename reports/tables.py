"""The shapes every regional figure is printed from: pages, CSV/XLSX exports, API and PDF.

A figure is a `Cell`: its `text` is what every output prints, so a suppressed count reads "<11"
everywhere and its number never leaves `reports.figures`.

Small-cell suppression (`settings.SMALL_CELL_THRESHOLD`, 11 by default):

* Counts of *persons* (victims, suspects) from 1 to threshold - 1 are shown as "<11" (primary
  suppression). Zero is shown as "0": an empty category discloses nobody.
* Counts of cases, messages, countries, requests and money are not about identifiable persons
  and are never suppressed (`plain_count`, `money`).
* Secondary suppression (`person_grid`): a total and its parts form a sum. If exactly one cell of
  such a sum is hidden, it could be recomputed from the others, so the smallest other non-zero
  cell of that sum is hidden too (a part before the total). Rows and columns are checked again
  until every sum hides none or at least two cells.
"""

from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings


@dataclass(frozen=True)
class Cell:
    """One figure; `text` is what every page, export and PDF prints."""

    value: int | Decimal | None  # None when suppressed
    text: str  # "17", "<11", "1,250,000.00 EUR"
    suppressed: bool = False


def suppressed_text() -> str:
    """What a hidden person count reads as, e.g. "<11"."""
    return f"<{settings.SMALL_CELL_THRESHOLD}"


def person_count(n: int) -> Cell:
    """A count of persons: 1 to threshold - 1 is hidden as "<11", zero is shown."""
    if 0 < n < settings.SMALL_CELL_THRESHOLD:
        return Cell(value=None, text=suppressed_text(), suppressed=True)
    return Cell(value=n, text=f"{n:,}")


def plain_count(n: int) -> Cell:
    """A count of cases, messages, countries or requests: never suppressed."""
    return Cell(value=n, text=f"{n:,}")


def money(amount: Decimal, currency: str) -> Cell:
    """An amount rounded to cents, e.g. "1,250,000.00 EUR"."""
    amount = Decimal(amount).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    return Cell(value=amount, text=f"{amount:,.2f} {currency}")


def person_grid(
    counts: list[list[int]], *, row_totals: bool = True, column_totals: bool = True
) -> list[list[Cell]]:
    """Person counts with their totals, primary and secondary suppression applied.

    `counts` is a rectangle of raw counts (rows by categories). A total column is appended to
    every row when `row_totals`, a total row (with the grand total) when `column_totals`. Each
    row and each column holding a total is a sum checked by the secondary rule of this module.
    """
    grid = [list(row) for row in counts]
    if row_totals:
        for row in grid:
            row.append(sum(row))
    if column_totals and grid:
        grid.append([sum(column) for column in zip(*grid, strict=True)])
    if not grid:
        return []
    threshold = settings.SMALL_CELL_THRESHOLD
    hidden = [[0 < value < threshold for value in row] for row in grid]
    last_row, last_column = len(grid) - 1, len(grid[0]) - 1

    sums: list[list[tuple[int, int]]] = []
    if row_totals:
        sums += [[(i, j) for j in range(last_column + 1)] for i in range(last_row + 1)]
    if column_totals:
        sums += [[(i, j) for i in range(last_row + 1)] for j in range(last_column + 1)]

    changed = True
    while changed:
        changed = False
        for positions in sums:
            if sum(hidden[i][j] for i, j in positions) != 1:
                continue
            candidates = [
                (
                    (row_totals and j == last_column) or (column_totals and i == last_row),
                    grid[i][j],
                    i,
                    j,
                )
                for i, j in positions
                if not hidden[i][j] and grid[i][j] > 0
            ]
            if candidates:
                _, _, i, j = min(candidates)
                hidden[i][j] = True
                changed = True

    return [
        [
            Cell(value=None, text=suppressed_text(), suppressed=True)
            if hidden[i][j]
            else Cell(value=value, text=f"{value:,}")
            for j, value in enumerate(row)
        ]
        for i, row in enumerate(grid)
    ]


@dataclass(frozen=True)
class FigureTable:
    """One table of a region's figures, with the chart drawn from it."""

    key: str  # "cases_by_month", "routes", ... (URL-safe; export file names)
    title: str  # translated
    columns: tuple[str, ...]  # header labels
    rows: tuple[tuple[str | Cell, ...], ...]  # first cells are labels (str), then Cells
    chart: str = "bar"  # "bar", "line", "none"
    note: str = ""  # e.g. "Cells under 11 persons are shown as <11"


@dataclass(frozen=True)
class RegionalFigures:
    """Every table of a region (or of all regions) over an inclusive period."""

    scope: str  # "Europe (RB-EUR)" or "All regions"
    bureau_id: int | None
    start: date
    end: date  # inclusive
    tables: tuple[FigureTable, ...]

    def table(self, key: str) -> FigureTable | None:
        """The table named `key`, None when there is none."""
        return next((table for table in self.tables if table.key == key), None)
