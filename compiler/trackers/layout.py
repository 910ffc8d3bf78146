"""Where a tracker's plans are: each sheet's (or Word table's) header row under any title block, its columns, its
rows with merged cells filled down, the header block above it, and the key around it."""
from __future__ import annotations

from dataclasses import dataclass, field

from compiler.trackers.key import Key, column_letter, read_key
from compiler.trackers.words import field_of, header_field, plain, words
from evidence_store.grid import Book, Cell, Sheet

HEADER_SEARCH = 25          # rows from the top a header row is looked for in
MIN_FIELDS = 3              # a header row names at least this many fields, one of them the action
MAX_ACTIONS = 10_000        # actions read from one table: more is a log pasted in, not a plan (the rest: a note)


@dataclass
class Column:
    index: int              # 1-based
    heading: str
    field: str | None       # the plan field it fills; None: kept in the narrative under its heading


@dataclass
class Row:
    number: int             # the sheet's row number
    cells: dict[int, Cell]  # column -> cell, merged cells filled down from the merge's first cell
    filled: set[int] = field(default_factory=set)   # columns whose value came from a merge above


@dataclass
class Table:
    """One plan's table."""
    sheet: Sheet
    header_row: int
    columns: list[Column]
    rows: list[Row]
    block: list[tuple[str, str, str]]        # the header block: (label, value, cell) — label "" for a title line
    key: Key
    context: list[Sheet] = field(default_factory=list)   # the Text block of a Word document
    epoch_1904: bool = False                # the workbook counts its day numbers from 1904

    def where(self, row: int, column: int) -> str:
        return f"{self.sheet.name}!{column_letter(column)}{row}"

    def column(self, name: str) -> Column | None:
        return next((c for c in self.columns if c.field == name), None)


def find_tables(book: Book, notes: list[str]) -> list[Table]:
    """The tables of actions in a tracker, one per plan, with the key they are read through."""
    vocabulary = words()
    key = Key()
    for sheet in book.sheets:
        if plain(sheet.name) in vocabulary.key_sheets and not sheet.hidden:
            key.merge(read_key(sheet))
    # the header block of every table: a Word document's paragraphs before its tables, a workbook's Plan sheet
    text_sheets = [s for s in book.sheets if (book.format == "docx" and s.name == "Text")
                   or (plain(s.name) in vocabulary.plan_sheets and not s.hidden)]
    tables: list[Table] = []
    for sheet in book.sheets:
        name = plain(sheet.name)
        if sheet.hidden:
            notes.append(f"hidden sheet {sheet.name!r} skipped")
            continue
        if name in vocabulary.key_sheets or (sheet in text_sheets and book.format == "docx"):
            continue
        if name in vocabulary.not_action_sheets:
            notes.append(f"sheet {sheet.name!r} holds no actions (its name says it is data, not a plan): skipped")
            continue
        table = _table(sheet, key, text_sheets)
        if table is None and plain(sheet.name) in vocabulary.plan_sheets:
            continue
        if table is None:
            notes.append(f"sheet {sheet.name!r}: no header row naming an action and at least {MIN_FIELDS - 1} "
                         f"other columns in its first {HEADER_SEARCH} rows: skipped")
            continue
        if not table.rows:
            notes.append(f"sheet {sheet.name!r}: a header row and no actions under it: skipped")
            continue
        if len(table.rows) >= MAX_ACTIONS:
            notes.append(f"sheet {sheet.name!r}: more than {MAX_ACTIONS:,} actions; the first {MAX_ACTIONS:,} "
                         f"(to row {table.rows[-1].number}) are read, the rest are not (limit)")
        if sheet.truncated:
            notes.append(f"sheet {sheet.name!r}: cut short at the row limit for reading workbooks")
        table.epoch_1904 = book.epoch_1904
        tables.append(table)
    return tables


def chosen(book: Book, tables: list[Table], sheet_name: str | None, notes: list[str]) -> list[Table]:
    """The tables of the sheet `--sheet` names (any case), or all of them."""
    if sheet_name is None:
        return tables
    if not any(plain(sheet_name) == plain(s.name) for s in book.sheets):
        names = ", ".join(repr(s.name) for s in book.sheets if s.name != "Text")
        notes.append(f"no sheet {sheet_name!r} in the tracker; sheets: {names}")
    return [t for t in tables if plain(t.sheet.name) == plain(sheet_name)]


def _table(sheet: Sheet, book_key: Key, text_sheets: list[Sheet]) -> Table | None:
    vocabulary = words()
    best: tuple[int, int, list[Column]] | None = None
    for r in range(1, min(len(sheet.rows), HEADER_SEARCH) + 1):
        columns = [Column(c, str(cell.value).strip(), field_of(cell.value, vocabulary.columns))
                   for c, cell in enumerate(sheet.rows[r - 1], start=1)
                   if isinstance(cell.value, str) and cell.value.strip()]
        named = [c for c in columns if c.field]
        if len(named) >= MIN_FIELDS and any(c.field == "title" for c in named):
            if best is None or len(named) > best[0]:
                best = (len(named), r, columns)
    if best is None:
        return None
    _, header_row, columns = best
    _one_per_field(columns)
    rows = _rows(sheet, header_row, columns)
    key = Key()
    key.merge(read_key(sheet, range(1, header_row)))            # legend rows above the table
    if rows:
        key.merge(read_key(sheet, range(rows[-1].number + 1, len(sheet.rows) + 1)))   # and below it
    key.merge(book_key)
    block = _block(sheet, header_row)
    for text in text_sheets:
        if text is not sheet:
            block = (_pairs(text) if plain(text.name) in words().plan_sheets else
                     _block(text, len(text.rows) + 1)) + block
    return Table(sheet, header_row, columns, rows, block, key, text_sheets)


def _one_per_field(columns: list[Column]) -> None:
    """Two columns naming one field: the first keeps it, the later is kept as text ("Update" beside "Progress")."""
    seen: set[str] = set()
    for column in columns:
        if column.field in seen:
            column.field = None
        elif column.field:
            seen.add(column.field)


def _rows(sheet: Sheet, header_row: int, columns: list[Column]) -> list[Row]:
    """The table's rows: merged cells filled down (a Recommendation merged over three actions belongs to each);
    the table ends at its first row with no action text and nothing but legend words after it."""
    title = next(c.index for c in columns if c.field == "title")
    owners: dict[tuple[int, int], tuple[int, int]] = {}
    for first_row, first_col, last_row, last_col in sheet.merges:
        for r in range(first_row, last_row + 1):
            for c in range(first_col, last_col + 1):
                owners[(r, c)] = (first_row, first_col)
    rows: list[Row] = []
    blank_run = 0
    for r in range(header_row + 1, len(sheet.rows) + 1):
        cells: dict[int, Cell] = {}
        filled: set[int] = set()
        for column in columns:
            cell = sheet.cell(r, column.index)
            if cell.merged or (r, column.index) in owners and owners[(r, column.index)] != (r, column.index):
                origin = owners.get((r, column.index))
                if origin is not None:
                    source = sheet.cell(*origin)
                    cell = Cell(source.value, cell.fill or source.fill, cell.font or source.font, True)
                    filled.add(column.index)
            cells[column.index] = cell
        action = cells[title].value
        if action in (None, "") or title in filled:
            if any(v.value not in (None, "") for c, v in cells.items() if c not in filled):
                blank_run = 0
                continue                                 # a row of notes with no action: not an action
            blank_run += 1
            if blank_run >= 3 and rows:
                break
            continue
        blank_run = 0
        rows.append(Row(r, cells, filled))
        if len(rows) >= MAX_ACTIONS:
            break
    return rows


def _pairs(sheet: Sheet) -> list[tuple[str, str, str]]:
    """A Plan sheet: a label in its first column and the value in its second, a row each (a third column of
    guidance is not a value)."""
    out: list[tuple[str, str, str]] = []
    for r in range(1, len(sheet.rows) + 1):
        label, value = sheet.cell(r, 1).value, sheet.cell(r, 2).value
        if isinstance(label, str) and label.strip() and value not in (None, ""):
            out.append((label.strip().rstrip(":"), value, f"{sheet.name}!B{r}"))
    return out


def _block(sheet: Sheet, before: int) -> list[tuple[str, str, str]]:
    """The header block: each "Label: value" (in one cell, or a label and the value in the next cell) and each
    title line, with its cell."""
    out: list[tuple[str, str, str]] = []
    first = True                       # the first line is the title, even with a colon in it ("Review: Adult B")
    for r in range(1, min(before, len(sheet.rows) + 1)):
        texts = [(c, cell.value) for c, cell in enumerate(sheet.rows[r - 1], start=1) if cell.value not in (None, "")]
        i = 0
        while i < len(texts):
            c, value = texts[i]
            where = f"{sheet.name}!{column_letter(c)}{r}"
            text = value.strip() if isinstance(value, str) else value
            if isinstance(text, str) and ":" in text and not text.endswith(":") \
                    and not (first and header_field(text.split(":", 1)[0]) is None):
                label, rest = text.split(":", 1)
                out.append((label.strip(), rest.strip(), where))
            elif isinstance(text, str) and i + 1 < len(texts) and (text.endswith(":") or
                                                                   field_of(text, words().header)):
                nc, nvalue = texts[i + 1]
                out.append((text.rstrip(":").strip(), nvalue, f"{sheet.name}!{column_letter(nc)}{r}"))
                i += 1
            else:
                out.append(("", text, where))
            first = False
            i += 1
    return out
