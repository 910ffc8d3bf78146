"""XLSX: cached cell values with openpyxl (read-only). Text and rows from every sheet; the table, and the document,
from the first; and, for a tracker, every sheet's grid with the colours each cell shows.

Over 400 lines: a tracker's colours (theme colours and their tint, the indexed palette, the conditional formats
evaluated on saved values) are resolved here, beside the only code that parses a workbook."""
from __future__ import annotations

import datetime as dt
import io
import re
import warnings
from collections.abc import Callable

from ..document import MAX_TABLE_ROWS, Document
from ..limits import Limits
from ..zipsafe import CappedReader, open_ooxml
from .base import ReadResult, TextBuilder, Unreadable, one_line
from .blocks import data_table

READER_VERSION = "2"   # bump when what this reader returns changes: the cache then reads such files again


def cell_text(value) -> str:  # noqa: ANN001
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time(0) else value.isoformat(sep=" ")
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def read(data: bytes, limits: Limits) -> ReadResult:
    open_ooxml(data, "xlsx", limits).close()          # zip pre-check before openpyxl sees it
    import openpyxl

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True, keep_links=False)
    except Unreadable:
        raise
    except MemoryError:                          # the child process reports the memory limit
        raise
    except Exception as exc:                      # openpyxl raises many kinds on a damaged workbook
        raise Unreadable(f"not a valid .xlsx ({one_line(str(exc)) or type(exc).__name__})") from None
    result = ReadResult(rows=[], sheets={})
    builder = TextBuilder(limits, result)
    total = 0
    try:
        sheets = book.worksheets
        hidden = [sheet.title for sheet in sheets if getattr(sheet, "sheet_state", "visible") != "visible"]
        if hidden:
            result.notes.append("hidden sheets read: " + ", ".join(one_line(t, 40) for t in hidden))
        for index, sheet in enumerate(sheets):
            suffix = f" of sheet {sheet.title!r}" if len(sheets) > 1 else ""
            rows = result.rows if index == 0 else []
            result.sheets[sheet.title] = (rows, False)
            for number, values in enumerate(sheet.iter_rows(min_row=1, values_only=True), start=1):
                total += 1
                if total > limits.max_xlsx_rows:      # the limit counts the rows of all sheets together
                    result.notes.append(f"only the first {limits.max_xlsx_rows} rows read (limit)")
                    if index == 0:
                        result.rows_truncated = True
                    result.sheets[sheet.title] = (rows, True)
                    result.sheets.update((later.title, ([], True)) for later in sheets[index + 1:])
                    return result
                cells = list(values[: limits.max_columns])
                if all(value is None or (isinstance(value, str) and not value.strip()) for value in cells):
                    continue
                rows.append((number, cells))
                builder.add(f"in row {number}{suffix}", "\t".join(cell_text(v) for v in cells))
    except Unreadable:
        raise
    except MemoryError:                          # the child process reports the memory limit
        raise
    except Exception as exc:
        raise Unreadable(f"damaged .xlsx ({one_line(str(exc)) or type(exc).__name__})") from None
    finally:
        book.close()
    return result


def document(data: bytes, limits: Limits) -> Document:
    """The first sheet as a table (the others named in the notes), cut at MAX_TABLE_ROWS."""
    open_ooxml(data, "xlsx", limits).close()          # zip pre-check before openpyxl sees it
    import openpyxl

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True, keep_links=False)
    except MemoryError:                          # the child process reports the memory limit
        raise
    except Exception as exc:                      # openpyxl raises many kinds on a damaged workbook
        raise Unreadable(f"not a valid .xlsx ({one_line(str(exc)) or type(exc).__name__})") from None
    notes: list[str] = []
    rows: list[list[str]] = []
    truncated = False
    try:
        sheets = book.worksheets
        if not sheets:
            raise Unreadable("the .xlsx has no worksheets")
        first = sheets[0]
        if len(sheets) > 1:
            others = ", ".join(repr(one_line(s.title, 40)) for s in sheets[1:6])
            more = f" and {len(sheets) - 6} more" if len(sheets) > 6 else ""
            notes.append(f"first sheet {one_line(first.title, 40)!r} shown; not shown: {others}{more}")
        max_col = min(first.max_column or limits.max_columns, limits.max_columns)
        for count, values in enumerate(first.iter_rows(values_only=True, max_col=max_col), start=1):
            if count > limits.max_xlsx_rows:
                truncated = True
                break
            cells = [cell_text(v) for v in values[: limits.max_columns]]
            if not any(c.strip() for c in cells):
                continue
            if len(rows) > MAX_TABLE_ROWS:
                truncated = True
                break
            rows.append(cells)
    except Unreadable:
        raise
    except MemoryError:
        raise
    except Exception as exc:
        raise Unreadable(f"damaged .xlsx ({one_line(str(exc)) or type(exc).__name__})") from None
    finally:
        book.close()
    # drop columns that are empty in every row (read-only sheets often report a wide dimension)
    width = max((max((i + 1 for i, c in enumerate(row) if c.strip()), default=0) for row in rows), default=0)
    return data_table("xlsx", [row[:width] for row in rows], notes, truncated=truncated)


# ------------------------------------------------------------------------------------------ grid (trackers)

SML = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_X14_FORMATS = "{http://schemas.microsoft.com/office/spreadsheetml/2009/9/main}conditionalFormatting"
_DML = "{http://schemas.openxmlformats.org/drawingml/2006/main}"
_CFB = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"           # an OLE compound file: Office 97-2003, or an encrypted OOXML
# A theme's colour scheme in its XML order; Excel's theme index 0-3 is lt1, dk1, lt2, dk2 (the pairs swapped)
SCHEME = ("dk1", "lt1", "dk2", "lt2", "accent1", "accent2", "accent3", "accent4", "accent5", "accent6", "hlink",
          "folHlink")
_EXCEL_THEME = ("lt1", "dk1", "lt2", "dk2") + SCHEME[4:]
_HLSMAX = 240                                        # Excel tints in the HLS of Windows' colour dialog (0-240)
_MAX_RULES = 500                                     # conditional formatting rules evaluated on one sheet
_MAX_TESTS = 2_000_000                               # ... and cells tested against them (well inside the time limit)


def ole_reason(data: bytes, noun: str, legacy: str) -> str | None:
    """Why an Office file that is an OLE compound file rather than a zip cannot be read: encrypted (a password
    wraps the zip in one), or the Office 97-2003 format; None for anything else."""
    if not data.startswith(_CFB):
        return None
    if "EncryptedPackage".encode("utf-16-le") in data:
        return f"the {noun} is password-protected: save an unprotected copy"
    return legacy


def theme_colours(xml: bytes | None) -> dict[str, str]:
    """The colour scheme of a theme part (xl/theme/theme1.xml, word/theme/theme1.xml) by name ("accent6": "70AD47");
    openpyxl's default Office theme when there is none or it cannot be read."""
    from lxml import etree

    default = not xml
    if default:
        from openpyxl.writer.theme import theme_xml

        xml = theme_xml.encode("utf-8")
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)
    try:
        root = etree.fromstring(xml, parser=parser)
    except etree.XMLSyntaxError:
        return {} if default else theme_colours(None)
    scheme = root.find(f"{_DML}themeElements/{_DML}clrScheme")
    found: dict[str, str] = {}
    for entry in scheme if scheme is not None else ():
        name = etree.QName(entry).localname
        for colour in entry:
            value = colour.get("val") if colour.tag == _DML + "srgbClr" else colour.get("lastClr")
            if value and len(value) == 6:
                found[name] = value.upper()
    if len(found) < len(SCHEME) and not default:   # a scheme missing colours: the default's stand in for them
        found = {**theme_colours(None), **found}
    return found


def tinted(rgb: str, tint: float) -> str:
    """Excel's tint of an RRGGBB colour: its luminance moved toward black (tint < 0) or white (tint > 0), in the
    integer HLS Excel uses."""
    if not tint:
        return rgb
    red, green, blue = (int(rgb[i:i + 2], 16) for i in (0, 2, 4))
    hue, lum, sat = _to_hls(red, green, blue)
    lum = round(lum * (1 + tint)) if tint < 0 else round(lum * (1 - tint) + _HLSMAX * tint)
    return "".join(f"{max(0, min(255, v)):02X}" for v in _from_hls(hue, max(0, min(_HLSMAX, lum)), sat))


def _to_hls(red: int, green: int, blue: int) -> tuple[int, int, int]:
    high, low = max(red, green, blue), min(red, green, blue)
    lum = ((high + low) * _HLSMAX + 255) // 510
    if high == low:
        return _HLSMAX * 2 // 3, lum, 0
    span = high - low
    if lum <= _HLSMAX // 2:
        sat = (span * _HLSMAX + (high + low) // 2) // (high + low)
    else:
        sat = (span * _HLSMAX + (510 - high - low) // 2) // (510 - high - low)
    r, g, b = (((high - v) * (_HLSMAX // 6) + span // 2) // span for v in (red, green, blue))
    hue = b - g if red == high else _HLSMAX // 3 + r - b if green == high else 2 * _HLSMAX // 3 + g - r
    return hue % _HLSMAX, lum, sat


def _from_hls(hue: int, lum: int, sat: int) -> tuple[int, int, int]:
    if sat == 0:
        grey = (lum * 255 + _HLSMAX // 2) // _HLSMAX
        return grey, grey, grey
    high = (lum * (_HLSMAX + sat) + _HLSMAX // 2) // _HLSMAX if lum <= _HLSMAX // 2 else \
        lum + sat - (lum * sat + _HLSMAX // 2) // _HLSMAX
    low = 2 * lum - high

    def channel(h: int) -> int:
        h %= _HLSMAX
        if h < _HLSMAX // 6:
            v = low + ((high - low) * h + _HLSMAX // 12) // (_HLSMAX // 6)
        elif h < _HLSMAX // 2:
            v = high
        elif h < _HLSMAX * 2 // 3:
            v = low + ((high - low) * (_HLSMAX * 2 // 3 - h) + _HLSMAX // 12) // (_HLSMAX // 6)
        else:
            v = low
        return (v * 255 + _HLSMAX // 2) // _HLSMAX

    return channel(hue + _HLSMAX // 3), channel(hue), channel(hue - _HLSMAX // 3)


def grid(data: bytes, limits: Limits, kind: str = "xlsx") -> dict:
    """Every sheet of the workbook in order, as the plain form of an evidence_store.grid Book: cached values (a
    formula is never evaluated), the fill and font colours each cell shows (theme colours with their tint, indexed
    colours, the conditional formats sgpack evaluates), merges; at most `limits.max_xlsx_rows` rows in all.
    `kind`: "xlsx" or "xlsm" (its macros are never run)."""
    reason = ole_reason(data, "workbook", "an Excel 97-2003 workbook (.xls): save it as an Excel Workbook (.xlsx)")
    if reason:
        raise Unreadable(reason)
    archive = open_ooxml(data, kind, limits)          # zip pre-check before openpyxl sees it
    notes: list[str] = []
    names = set(archive.namelist())
    if kind == "xlsm" or "xl/vbaProject.bin" in names:
        notes.append("macros in the workbook are never run: the values it saved are read")
    import openpyxl
    from openpyxl.utils.datetime import CALENDAR_MAC_1904

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            # read-only streams the rows (memory stays flat whatever the sheet's size); the cells still carry
            # their style, and the merges and conditional formats are read from the sheet's XML (_SheetParts)
            book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True, keep_links=False)
    except (Unreadable, MemoryError):            # the child process reports the memory limit
        raise
    except Exception as exc:                      # openpyxl raises many kinds on a damaged workbook
        raise Unreadable(f"not a valid .{kind} ({one_line(str(exc)) or type(exc).__name__})") from None
    try:
        if not book.worksheets:
            raise Unreadable("not a tracker: the workbook has no worksheets (only charts)")
        colours = _Colours(book)
        epoch_1904 = book.epoch == CALENDAR_MAC_1904
        sheets: list[dict] = []
        left = limits.max_xlsx_rows
        hidden: list[str] = []
        for sheet in book.worksheets:
            state = getattr(sheet, "sheet_state", "visible")
            if state != "visible":
                hidden.append(repr(one_line(sheet.title, 40)) + (" (very hidden)" if state == "veryHidden" else ""))
            if left <= 0:
                sheets.append({"name": sheet.title, "hidden": state != "visible", "rows": [], "merges": [],
                               "truncated": True})
                continue
            parts = _SheetParts(archive, getattr(sheet, "_worksheet_path", ""), limits)
            rows, truncated, read = _rows(sheet, colours, left, limits, notes)
            left -= read
            width = max((len(row) for row in rows), default=0)
            said = _conditional(rows, width, parts, book, colours, epoch_1904)
            _merge(rows, width, parts.merges)
            notes.extend(f"sheet {one_line(sheet.title, 40)!r}: {note}" for note in said + parts.notes)
            sheets.append({"name": sheet.title, "hidden": state != "visible", "rows": _finished(rows),
                           "merges": parts.merges, "truncated": truncated})
            if truncated:
                notes.append(f"only the first {limits.max_xlsx_rows:,} rows read (limit)")
        if hidden:
            notes.append("hidden sheets read, and marked hidden: " + ", ".join(hidden))
    except (Unreadable, MemoryError):
        raise
    except Exception as exc:
        raise Unreadable(f"damaged .{kind} ({one_line(str(exc)) or type(exc).__name__})") from None
    finally:
        book.close()
        archive.close()
    return {"format": kind, "sheets": sheets, "notes": notes, "epoch_1904": epoch_1904}


_Row = list  # a row being read: None for an empty cell, else [value, fill, font, merged]


def _rows(sheet, colours: _Colours, left: int, limits: Limits,  # noqa: ANN001
          notes: list[str]) -> tuple[list[_Row], bool, int]:
    """The sheet's rows (row 1 first), each cell's value and colours; at most `left` rows. Also: whether the
    limit cut it short, and how many rows were read."""
    from openpyxl.cell.read_only import ReadOnlyCell

    sheet.reset_dimensions()                          # the stored size can lie (a million rows claimed)
    rows: list[_Row] = []
    looks: dict[tuple[int, int], tuple[str | None, str | None]] = {}
    wide = truncated = False
    for number, cells in enumerate(sheet.iter_rows(), start=1):
        if number > left:
            truncated = True
            break
        if len(cells) > limits.max_columns:
            cells, wide = cells[: limits.max_columns], True
        row: _Row = []
        for cell in cells:
            if type(cell) is not ReadOnlyCell:
                row.append(None)
                continue
            style = cell.style_array
            key = (style.fillId, style.fontId)
            look = looks.get(key)
            if look is None:
                look = looks[key] = (colours.fill(cell.fill), colours.font(cell.font))
            value = _value(cell.value)
            row.append(None if value is None and look == (None, None) else [value, look[0], look[1], False])
        rows.append(row)
    if wide:
        notes.append(f"only the first {limits.max_columns:,} columns read (limit)")
    count = len(rows)
    return _trimmed(rows), truncated, count


def _value(value):  # noqa: ANN001, ANN202
    if isinstance(value, str):
        return value if value else None
    if isinstance(value, dt.time):                   # a time of day: the model holds dates, numbers and text
        return value.isoformat()
    if isinstance(value, dt.timedelta):              # a duration format ([h]:mm): its days, as Excel holds it
        return value.total_seconds() / 86400
    return value


def _trimmed(rows: list[_Row]) -> list[_Row]:
    for row in rows:
        while row and row[-1] is None:
            row.pop()
    while rows and not rows[-1]:
        rows.pop()
    return rows


def _finished(rows: list[_Row]) -> list[list[tuple]]:
    empty = (None, None, None, False)
    return [[empty if cell is None else tuple(cell) for cell in row] for row in _trimmed(rows)]


def _merge(rows: list[_Row], width: int, merges: list[tuple[int, int, int, int]]) -> None:
    """Mark the cells each merge covers (within the rows and columns read): no value, the first cell's look."""
    for first_row, first_col, last_row, last_col in merges:
        if first_row > len(rows) or first_col > width:
            continue
        anchor = _at(rows, first_row, first_col)
        fill, font = (anchor[1], anchor[2]) if anchor else (None, None)
        for r in range(first_row, min(last_row, len(rows)) + 1):
            row = rows[r - 1]
            for c in range(first_col, min(last_col, width) + 1):
                if (r, c) != (first_row, first_col):
                    row.extend([None] * (c - len(row)))
                    row[c - 1] = [None, fill, font, True]


def _at(rows: list[_Row], row: int, column: int) -> list | None:
    if 1 <= row <= len(rows) and 1 <= column <= len(rows[row - 1]):
        return rows[row - 1][column - 1]
    return None


class _Colours:
    """The workbook's colours as "#RRGGBB": RGB, theme (with tint), indexed (the workbook's own palette or the
    standard 64), for fills, fonts and the fills and fonts of conditional formats."""

    def __init__(self, book) -> None:  # noqa: ANN001
        from openpyxl.styles.colors import COLOR_INDEX

        scheme = theme_colours(getattr(book, "loaded_theme", None))
        self.theme = [scheme.get(name) for name in _EXCEL_THEME]
        self.palette = list(getattr(book, "_colors", None) or COLOR_INDEX)

    def colour(self, color) -> str | None:  # noqa: ANN001
        """An openpyxl Color as "#RRGGBB"; None for automatic, the system colours, or what cannot be read."""
        if color is None:
            return None
        kind, value = getattr(color, "type", None), getattr(color, "value", None)
        rgb = None
        if kind == "rgb" and isinstance(value, str):
            rgb = value[-6:]                          # ARGB or RGB; Excel draws cells opaque whatever the alpha
        elif kind == "indexed" and isinstance(value, int) and 0 <= value < min(len(self.palette), 64):
            rgb = str(self.palette[value])[-6:]       # 64 and 65 are the system's text and window colours: automatic
        elif kind == "theme" and isinstance(value, int) and 0 <= value < len(self.theme):
            rgb = self.theme[value]
        if not rgb or len(rgb) != 6 or any(ch not in "0123456789abcdefABCDEF" for ch in rgb):
            return None
        try:
            tint = float(getattr(color, "tint", 0) or 0)
        except (TypeError, ValueError):
            tint = 0.0
        return "#" + tinted(rgb.upper(), max(-1.0, min(1.0, tint)))

    def fill(self, fill) -> str | None:  # noqa: ANN001
        """A cell's fill: a solid pattern's foreground; another pattern's foreground when it is set; a gradient's
        first colour; None for no fill."""
        if fill is None:
            return None
        if getattr(fill, "tagname", "") == "gradientFill":
            stops = getattr(fill, "stop", ())
            return self.colour(stops[0].color) if stops else None
        pattern = getattr(fill, "patternType", None)
        if not pattern or pattern == "none":
            return None
        if pattern != "solid" and _unset(fill.fgColor):
            return None
        return self.colour(fill.fgColor)

    def font(self, font) -> str | None:  # noqa: ANN001
        """A font's colour; None for automatic or black (the default a reader assumes)."""
        shown = self.colour(getattr(font, "color", None)) if font is not None else None
        return None if shown == "#000000" else shown

    def format_fill(self, fill) -> str | None:  # noqa: ANN001
        """A conditional format's fill: Excel keeps its colour in the pattern's background (a solid fill
        whatever the pattern says), the foreground standing in when only that is set."""
        if fill is None or getattr(fill, "tagname", "") == "gradientFill":
            return self.fill(fill)
        if getattr(fill, "patternType", None) == "none":
            return None
        for color in (fill.bgColor, fill.fgColor):
            if not _unset(color):
                return self.colour(color)
        return None


def _unset(color) -> bool:  # noqa: ANN001
    """openpyxl's stand-in for a colour the file does not give (ARGB 00000000)."""
    return color is None or (getattr(color, "type", None) == "rgb" and color.value == "00000000" and not color.tint)


class _SheetParts:
    """What openpyxl's streaming read leaves out, from one pass over the sheet's XML: the merged ranges, the
    conditional formats (each: its ranges and rules), and how many formulas have no saved value."""

    def __init__(self, archive, path: str, limits: Limits) -> None:  # noqa: ANN001
        from lxml import etree
        from openpyxl.utils.cell import range_boundaries

        self.merges: list[tuple[int, int, int, int]] = []
        self.formats: list[tuple[list[tuple[int, int, int, int]], list[dict]]] = []
        self.notes: list[str] = []
        if path not in archive.namelist():
            return
        unsaved = 0
        without_value = etree.XPath("count(m:c[m:f and not(string(m:v))])", namespaces={"m": SML[1:-1]})
        tags = (SML + "row", SML + "mergeCell", SML + "conditionalFormatting", _X14_FORMATS)
        with archive.open(path) as raw:
            stream = CappedReader(raw, limits.max_zip_total, path)
            for _, el in etree.iterparse(stream, events=("end",), tag=tags, resolve_entities=False,
                                         no_network=True, load_dtd=False, huge_tree=False):
                if el.tag == SML + "row":
                    unsaved += int(without_value(el))
                elif el.tag == SML + "mergeCell":
                    ranges = _ranges(el.get("ref") or "", range_boundaries)
                    self.merges.extend(ranges[:1])
                elif el.tag == SML + "conditionalFormatting":
                    ranges = _ranges(el.get("sqref") or "", range_boundaries)
                    rules = [{"type": rule.get("type") or "", "dxf": rule.get("dxfId"),
                              "priority": rule.get("priority"), "stop": rule.get("stopIfTrue") in ("1", "true"),
                              "operator": rule.get("operator") or "", "text": rule.get("text"),
                              "formulas": [f.text or "" for f in rule.iterchildren(SML + "formula")]}
                             for rule in el.iterchildren(SML + "cfRule")]
                    if ranges and rules:
                        self.formats.append((ranges, rules))
                elif not any("Excel 2010" in note for note in self.notes):
                    self.notes.append("Excel 2010 conditional formats (data bars, icon sets, rules naming other "
                                      "sheets) are not read: the cells show their own fill here")
                el.clear(keep_tail=True)                # what has been read is freed as the parse goes
                parent = el.getparent()
                while parent is not None and el.getprevious() is not None:
                    del parent[0]
        if unsaved:
            self.notes.append(f"{unsaved:,} formula{'s' if unsaved > 1 else ''} with no saved value read as empty "
                              "(sgpack never calculates a formula: open and save the workbook in Excel to store them)")


def _ranges(text: str, boundaries) -> list[tuple[int, int, int, int]]:  # noqa: ANN001
    """'A2:C4 E1' as [(2, 1, 4, 3), (1, 5, 1, 5)] (first row, first column, last row, last column); whole columns
    and rows run to the sheet's edge."""
    found = []
    for part in text.split():
        try:
            min_col, min_row, max_col, max_row = boundaries(part)
        except (ValueError, TypeError):
            continue
        found.append((min_row or 1, min_col or 1, max_row or 1_048_576, max_col or 16_384))
    return found


# Conditional formats sgpack evaluates on a cell's saved value; the others are named in a note.
_TEXT_RULES = {"containsText", "notContainsText", "beginsWith", "endsWith"}
_VALUE_RULES = {"containsBlanks", "notContainsBlanks", "containsErrors", "notContainsErrors"}
_ERRORS = {"#NULL!", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#N/A", "#GETTING_DATA", "#SPILL!", "#CALC!"}


def _conditional(rows: list[_Row], width: int, parts: _SheetParts, book, colours: _Colours,  # noqa: ANN001
                 epoch_1904: bool) -> list[str]:
    """Give each cell the fill and font of the conditional formats that apply to it, as Excel does: rules in
    priority order, the first true rule with a fill gives the fill (and likewise the font), a true rule with
    stopIfTrue ends the cell's rules. Returns notes on the rules not evaluated."""
    styles = list(getattr(getattr(book, "_differential_styles", None), "styles", None) or ())
    ordered = []
    for ranges, rules in parts.formats:
        for rule in rules:
            try:
                priority = int(rule["priority"])
            except (TypeError, ValueError):
                priority = 1 << 30
            ordered.append((priority, len(ordered), ranges, rule))
    ordered.sort(key=lambda entry: entry[:2])
    skipped: dict[str, int] = {}
    fills: dict[tuple[int, int], str | None] = {}
    fonts: dict[tuple[int, int], str | None] = {}
    stopped: set[tuple[int, int]] = set()
    tests = 0
    for count, (_, _, ranges, rule) in enumerate(ordered):
        if count >= _MAX_RULES or tests > _MAX_TESTS:
            skipped[f"the last {len(ordered) - count} rules (limit)"] = 1
            break
        test = _test(rule, ranges[0][:2], epoch_1904)
        if test is None:
            what = rule["type"] if rule["type"] not in ("expression", "cellIs") else \
                f"{rule['type']} {one_line('; '.join(rule['formulas']), 40)!r}"
            skipped[what] = skipped.get(what, 0) + 1
            continue
        style = styles[int(rule["dxf"])] if str(rule["dxf"]).isdigit() and int(rule["dxf"]) < len(styles) else None
        fill = colours.format_fill(style.fill) if style is not None and style.fill is not None else None
        font = colours.font(style.font) if style is not None and style.font is not None else None
        # a format that sets no fill (or no font) leaves it to the rules after it
        sets_fill = fill is not None or (style is not None and getattr(style.fill, "patternType", None) == "none")
        sets_font = style is not None and style.font is not None and style.font.color is not None
        for first_row, first_col, last_row, last_col in ranges:
            tests += max(0, min(last_row, len(rows)) - first_row + 1) * max(0, min(last_col, width) - first_col + 1)
            for r in range(first_row, min(last_row, len(rows)) + 1):
                for c in range(first_col, min(last_col, width) + 1):
                    if (r, c) in stopped or not test(rows, r, c):
                        continue
                    if sets_fill:
                        fills.setdefault((r, c), fill)
                    if sets_font:
                        fonts.setdefault((r, c), font)
                    if rule["stop"]:
                        stopped.add((r, c))
    for (r, c), fill in fills.items():
        _look(rows, r, c)[1] = fill
    for (r, c), font in fonts.items():
        _look(rows, r, c)[2] = font
    if not skipped:
        return []
    kinds = ", ".join(f"{what} (x{n})" if n > 1 else what for what, n in list(skipped.items())[:6])
    return [f"conditional formats sgpack does not evaluate: {kinds}; the cells they colour show their own fill here"]


def _look(rows: list[_Row], r: int, c: int) -> list:
    row = rows[r - 1]
    row.extend([None] * (c - len(row)))
    if row[c - 1] is None:
        row[c - 1] = [None, None, None, False]
    return row[c - 1]


_REF = r"\$?[A-Za-z]{1,3}\$?\d+"
_STRING = r'"(?:[^"]|"")*"'
_OPERAND = rf'(?:{_REF}|{_STRING}|[-+]?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?|TRUE|FALSE)'
_COMPARE = re.compile(rf"^\s*({_OPERAND})\s*(<>|<=|>=|=|<|>)\s*({_OPERAND})\s*$", re.IGNORECASE)
_SEARCH = re.compile(rf"^\s*(NOT\(\s*ISERROR|ISNUMBER)\(\s*(SEARCH|FIND)\(\s*({_STRING})\s*,\s*({_REF})\s*\)\s*\)\s*"
                     r"(\)?)\s*$", re.IGNORECASE)
_BLANK = re.compile(rf"^\s*LEN\(\s*TRIM\(\s*({_REF})\s*\)\s*\)\s*(=|>)\s*0\s*$", re.IGNORECASE)
_CELL_IS = {"equal": "=", "notEqual": "<>", "greaterThan": ">", "lessThan": "<", "greaterThanOrEqual": ">=",
            "lessThanOrEqual": "<="}
_Test = Callable[[list, int, int], bool]


def _test(rule: dict, anchor: tuple[int, int], epoch_1904: bool) -> _Test | None:
    """A test of one cell (rows, row, column) for a rule, on saved values; None when sgpack does not evaluate
    the rule (a formula beyond a literal comparison or text search). `anchor`: the cell a rule's relative
    references are written for (the top-left of its first range)."""
    kind, formulas = rule["type"], rule["formulas"]
    if kind in _TEXT_RULES and rule["text"] is not None:
        text = rule["text"].lower()
        match = {"containsText": lambda v: text in v, "notContainsText": lambda v: text not in v,
                 "beginsWith": lambda v: v.startswith(text), "endsWith": lambda v: v.endswith(text)}[kind]
        return lambda rows, r, c: match(_text(_value_at(rows, r, c), epoch_1904).lower())
    if kind in _VALUE_RULES:
        blank, errors = kind.endswith("Blanks"), kind.endswith("Errors")
        want = not kind.startswith("not")

        def value_test(rows: list, r: int, c: int) -> bool:
            value = _value_at(rows, r, c)
            if blank:
                return (value is None or (isinstance(value, str) and not value.strip())) == want
            return (isinstance(value, str) and value in _ERRORS) == want

        return value_test if blank or errors else None
    if kind == "cellIs" and rule["operator"] in _CELL_IS and len(formulas) >= 1:
        other = _operand(formulas[0], anchor, epoch_1904)
        op = _CELL_IS[rule["operator"]]
        return None if other is None else (lambda rows, r, c: _compare(_value_at(rows, r, c), other(rows, r, c),
                                                                       op, epoch_1904))
    if kind == "cellIs" and rule["operator"] in ("between", "notBetween") and len(formulas) >= 2:
        low, high = _operand(formulas[0], anchor, epoch_1904), _operand(formulas[1], anchor, epoch_1904)
        inside = rule["operator"] == "between"
        if low is None or high is None:
            return None

        def between(rows: list, r: int, c: int) -> bool:
            value, a, b = _value_at(rows, r, c), low(rows, r, c), high(rows, r, c)
            a, b = (a, b) if _compare(a, b, "<=", epoch_1904) else (b, a)
            return (_compare(value, a, ">=", epoch_1904) and _compare(value, b, "<=", epoch_1904)) == inside

        return between
    if kind == "expression" and len(formulas) == 1:
        return _expression(formulas[0], anchor, epoch_1904)
    return None


def _expression(formula: str, anchor: tuple[int, int], epoch_1904: bool) -> _Test | None:
    """The expressions a tracker's rules are made of: a comparison of a cell with a literal ($E2="Red"), a text
    search (ISNUMBER(SEARCH("red",E2)), NOT(ISERROR(SEARCH(...)))), a blank test (LEN(TRIM(E2))=0)."""
    if found := _COMPARE.match(formula):
        left, right = _operand(found[1], anchor, epoch_1904), _operand(found[3], anchor, epoch_1904)
        if left is None or right is None:
            return None
        return lambda rows, r, c: _compare(left(rows, r, c), right(rows, r, c), found[2], epoch_1904)
    if (found := _SEARCH.match(formula)) and bool(found[5]) == found[1].upper().startswith("NOT"):
        needle, ref = _literal(found[3]), _reference(found[4], anchor)
        if any(ch in needle for ch in "*?~") and found[2].upper() == "SEARCH":
            return None                               # SEARCH's wildcards: not a literal match
        sensitive = found[2].upper() == "FIND"
        if not sensitive:
            needle = needle.lower()
        return lambda rows, r, c: needle in (_text(ref(rows, r, c), epoch_1904) if sensitive
                                             else _text(ref(rows, r, c), epoch_1904).lower())
    if found := _BLANK.match(formula):
        ref, empty = _reference(found[1], anchor), found[2] == "="
        return lambda rows, r, c: (not _text(ref(rows, r, c), epoch_1904).strip()) == empty
    return None


def _operand(text: str, anchor: tuple[int, int], epoch_1904: bool) -> Callable[[list, int, int], object] | None:
    text = text.strip().lstrip("=").strip()
    if re.fullmatch(_REF, text):
        return _reference(text, anchor)
    if re.fullmatch(_STRING, text):
        literal = _literal(text)
        return lambda rows, r, c: literal
    if text.upper() in ("TRUE", "FALSE"):
        return lambda rows, r, c: text.upper() == "TRUE"
    try:
        number = float(text)
    except ValueError:
        return None
    return lambda rows, r, c: number


def _literal(text: str) -> str:
    return text[1:-1].replace('""', '"')


def _reference(text: str, anchor: tuple[int, int]) -> Callable[[list, int, int], object]:
    """A cell reference as written for the anchor cell, read for the cell at (r, c): a `$` holds its part."""
    from openpyxl.utils.cell import column_index_from_string

    found = re.fullmatch(r"(\$?)([A-Za-z]{1,3})(\$?)(\d+)", text)
    assert found is not None
    column, row = column_index_from_string(found[2].upper()), int(found[4])
    fixed_column, fixed_row = bool(found[1]), bool(found[3])
    return lambda rows, r, c: _value_at(rows, row if fixed_row else row + r - anchor[0],
                                        column if fixed_column else column + c - anchor[1])


def _value_at(rows: list, r: int, c: int):  # noqa: ANN202
    cell = _at(rows, r, c)
    return None if cell is None else cell[0]


def _text(value, epoch_1904: bool) -> str:  # noqa: ANN001
    """A value as Excel's text functions see it."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, (dt.date, float, int)):
        return cell_text(_number(value, epoch_1904))
    return str(value)


def _number(value, epoch_1904: bool) -> float:  # noqa: ANN001
    if isinstance(value, (dt.date, dt.datetime)):
        from openpyxl.utils.datetime import CALENDAR_MAC_1904, CALENDAR_WINDOWS_1900, to_excel

        return float(to_excel(value, CALENDAR_MAC_1904 if epoch_1904 else CALENDAR_WINDOWS_1900))
    return float(value)


def _compare(left, right, op: str, epoch_1904: bool) -> bool:  # noqa: ANN001
    """Excel's comparison: numbers (and dates) below text below TRUE/FALSE, text without regard to case, an
    empty cell as 0 beside a number and as "" beside text."""
    def rank(value):  # noqa: ANN001, ANN202
        if value is None:
            return None
        if isinstance(value, bool):
            return (2, value)
        if isinstance(value, (int, float, dt.date)):
            return (0, _number(value, epoch_1904))
        return (1, str(value).lower())

    a, b = rank(left), rank(right)
    empty = {0: (0, 0.0), 1: (1, ""), 2: (2, False)}
    a = a if a is not None else empty[b[0] if b is not None else 0]
    b = b if b is not None else empty[a[0]]
    return {"=": a == b, "<>": a != b, "<": a < b, ">": a > b, "<=": a <= b, ">=": a >= b}[op]
