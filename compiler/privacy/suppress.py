"""Small-number suppression for aggregate tables, with secondary suppression against totals."""
from __future__ import annotations

from collections.abc import Sequence

SMALL = "<5"          # a count of 1-4
HIDDEN = "*"          # a larger count hidden so totals cannot give a small one back
THRESHOLD = 5


def suppress_count(count: int) -> str:
    """One count on its own: 1-4 -> "<5", anything else as it is (0 stays 0)."""
    if count < 0:
        raise ValueError(f"a count cannot be negative: {count}")
    return SMALL if 0 < count < THRESHOLD else str(count)


def _lines(rows: int, cols: int, by_row: bool, by_col: bool) -> list[list[tuple[int, int]]]:
    lines = [[(r, c) for c in range(cols)] for r in range(rows)] if by_row else []
    if by_col:
        lines += [[(r, c) for r in range(rows)] for c in range(cols)]
    return lines


def suppress_table(table: Sequence[Sequence[int]], *, row_totals: bool = True,
                   column_totals: bool = True) -> tuple[list[list[str]], int]:
    """Suppress counts 1-4 as "<5"; then, wherever a row (when row totals are shown) or column
    (when column totals are shown) holds exactly one suppressed cell, also hide its smallest
    other cell as "*" (a non-zero one if there is one), repeating until nothing changes.

    Returns the table as strings and how many cells were suppressed (both kinds). A line with a
    single cell cannot be protected this way: its total is the cell, so publish that total as
    `suppress_count(total)`; the same goes for any total of 1-4.
    """
    counts = [list(row) for row in table]
    cols = max((len(row) for row in counts), default=0)
    if any(len(row) != cols for row in counts):
        raise ValueError("every row needs the same number of cells")
    for row in counts:
        for value in row:
            if not isinstance(value, int) or isinstance(value, bool) or value < 0:
                raise ValueError(f"counts must be whole numbers of 0 or more, not {value!r}")

    small = {(r, c) for r, row in enumerate(counts) for c, v in enumerate(row) if 0 < v < THRESHOLD}
    hidden: set[tuple[int, int]] = set()
    lines = _lines(len(counts), cols, row_totals, column_totals)
    changed = True
    while changed:
        changed = False
        for line in lines:
            suppressed = [cell for cell in line if cell in small or cell in hidden]
            if len(suppressed) != 1 or len(line) < 2:
                continue
            others = [cell for cell in line if cell not in small and cell not in hidden]
            # prefer a non-zero cell: hiding a zero protects nothing if readers can guess it is zero
            pick = min(others, key=lambda cell: (counts[cell[0]][cell[1]] == 0, counts[cell[0]][cell[1]], cell))
            hidden.add(pick)
            changed = True

    out = [[SMALL if (r, c) in small else HIDDEN if (r, c) in hidden else str(v)
            for c, v in enumerate(row)] for r, row in enumerate(counts)]
    return out, len(small) + len(hidden)
