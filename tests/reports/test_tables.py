"""Small-cell suppression of person counts: primary (1 to 10) and secondary (sums)."""

from decimal import Decimal

from reports.tables import money, person_count, person_grid, plain_count


def texts(grid):
    return [[cell.text for cell in row] for row in grid]


def test_ten_persons_are_shown_as_under_eleven():
    cell = person_count(10)

    assert (cell.text, cell.value, cell.suppressed) == ("<11", None, True)


def test_eleven_persons_are_shown():
    cell = person_count(11)

    assert (cell.text, cell.value, cell.suppressed) == ("11", 11, False)


def test_zero_persons_are_shown_as_zero():
    cell = person_count(0)

    assert (cell.text, cell.value, cell.suppressed) == ("0", 0, False)


def test_plain_counts_are_never_suppressed():
    assert plain_count(3).text == "3"
    assert plain_count(3).suppressed is False


def test_money_is_rounded_to_cents_with_thousands_separators():
    cell = money(Decimal("1250000.005"), "EUR")

    assert cell.text == "1,250,000.01 EUR"
    assert cell.value == Decimal("1250000.01")


def test_a_lone_hidden_cell_hides_the_smallest_other_cell_of_its_sum():
    # given a row 10 | 11 | 40 with its total 61
    grid = person_grid([[10, 11, 40]], column_totals=False)

    # then 10 is hidden, and 11 too: otherwise 61 - 11 - 40 gives it back
    assert texts(grid) == [["<11", "<11", "40", "61"]]


def test_a_sum_with_two_hidden_cells_hides_nothing_more():
    grid = person_grid([[3, 4, 40]], column_totals=False)

    assert texts(grid) == [["<11", "<11", "40", "47"]]


def test_zero_cells_are_shown_and_never_used_to_hide_another():
    # given 0 | 5 | 20: a hidden 5 whose only non-zero partner is 20
    grid = person_grid([[0, 5, 20]], column_totals=False)

    assert texts(grid) == [["0", "<11", "<11", "25"]]


def test_a_total_is_hidden_when_no_part_can_be():
    # given 5 | 0 with the total 5: the total itself is under 11
    grid = person_grid([[5, 0]], column_totals=False)

    assert texts(grid) == [["<11", "0", "<11"]]


def test_secondary_suppression_runs_over_rows_and_columns_until_stable():
    # given two rows and two columns with totals
    grid = person_grid([[10, 30], [20, 40]])

    # then no row or column (with totals) has exactly one hidden cell
    hidden = [[cell.suppressed for cell in row] for row in grid]
    for line in [*hidden, *zip(*hidden, strict=True)]:
        assert sum(line) != 1
    assert grid[0][0].suppressed
    assert not any(cell.value is not None and cell.suppressed for row in grid for cell in row)


def test_counts_of_eleven_and_more_are_all_shown():
    grid = person_grid([[11, 12], [13, 0]])

    assert texts(grid) == [["11", "12", "23"], ["13", "0", "13"], ["24", "12", "36"]]
