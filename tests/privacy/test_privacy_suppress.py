"""Small-number suppression, and secondary suppression that totals cannot undo."""
from __future__ import annotations

import pytest
from hypothesis import given, strategies as st

from compiler.privacy.suppress import HIDDEN, SMALL, suppress_count, suppress_table


def test_single_counts():
    assert [suppress_count(n) for n in (0, 1, 4, 5, 12)] == ["0", "<5", "<5", "5", "12"]
    with pytest.raises(ValueError):
        suppress_count(-1)


def test_no_small_numbers_no_change():
    assert suppress_table([[0, 5, 9], [12, 0, 7]]) == ([["0", "5", "9"], ["12", "0", "7"]], 0)


def test_secondary_suppression_in_row_and_column():
    cells, n = suppress_table([[3, 10, 20],
                               [8, 9, 30],
                               [15, 16, 17]])
    # 3 is small; row 0 hides 10 (next smallest); column 0 hides 8; then row 1 hides 9 ...
    assert cells[0][0] == SMALL
    assert cells[0][1] == HIDDEN and cells[1][0] == HIDDEN
    for line in cells + [list(col) for col in zip(*cells)]:
        assert sum(c in (SMALL, HIDDEN) for c in line) != 1
    assert n == sum(c in (SMALL, HIDDEN) for row in cells for c in row)


def test_prefers_non_zero_cells_and_respects_shown_totals():
    cells, n = suppress_table([[2, 0, 7, 6]], column_totals=False)
    assert cells == [["<5", "0", "7", "*"]] and n == 2     # 6, the smallest non-zero
    cells, n = suppress_table([[2, 0, 7, 6]], row_totals=False, column_totals=False)
    assert cells == [["<5", "0", "7", "6"]] and n == 1


def test_rejects_bad_tables():
    with pytest.raises(ValueError):
        suppress_table([[1, 2], [3]])
    with pytest.raises(ValueError):
        suppress_table([[1, -2]])
    assert suppress_table([]) == ([], 0)


@given(st.lists(st.lists(st.integers(0, 12), min_size=2, max_size=5), min_size=2, max_size=5)
       .filter(lambda rows: len({len(r) for r in rows}) == 1),
       st.booleans(), st.booleans())
def test_properties(table, row_totals, column_totals):
    cells, n = suppress_table(table, row_totals=row_totals, column_totals=column_totals)
    flat = [(v, c) for row_v, row_c in zip(table, cells) for v, c in zip(row_v, row_c)]
    for value, cell in flat:
        if 1 <= value <= 4:
            assert cell == SMALL                  # every small count suppressed
        elif cell not in (HIDDEN,):
            assert cell == str(value)             # nothing else changed but hidden cells
        assert cell not in {"1", "2", "3", "4"}
    assert n == sum(c in (SMALL, HIDDEN) for _, c in flat)
    lines = (cells if row_totals else []) + ([list(col) for col in zip(*cells)] if column_totals else [])
    for line in lines:                            # a shown total cannot give one hidden cell back
        assert sum(c in (SMALL, HIDDEN) for c in line) != 1
