"""The tracker fixtures (make_trackers.py) and the example tracker: the same bytes every time, every cell the truth
names holding the text it says, every layout with actions to read, and the bad inputs bad in the way they claim."""
from __future__ import annotations

import csv
import datetime as dt
import importlib.util
import io
import zipfile
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
import yaml

from make_trackers import LARGE_ROWS, MACRO_ENABLED, make_all, shown

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "trackers"
LAYOUTS = ("sar_xlsx", "cqc_improvement_xlsx", "pamms_xlsx", "sar_docx", "governance_csv", "services_workbook")
ACTION_KEYS = {"row", "ref", "title", "owner", "due", "status", "rag", "narrative", "extra", "hesitations", "kind",
               "evidence_types"}


@pytest.fixture(scope="module")
def made(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict]:
    out = tmp_path_factory.mktemp("trackers")
    return out, make_all(out)


def named_cells(node: Any) -> Iterator[dict]:
    """Every {cell, text} the truth holds, at any depth."""
    if isinstance(node, dict):
        if "cell" in node and "text" in node:
            yield node
        for value in node.values():
            yield from named_cells(value)
    elif isinstance(node, list):
        for value in node:
            yield from named_cells(value)


def split(cell: str) -> tuple[str, str]:
    sheet, _, ref = cell.rpartition("!")
    return sheet, ref


# --- reading the files back, with libraries other than the ones the truth was written from ----------------------

def xlsx_cells(path: Path, wanted: set[str]) -> dict[str, tuple[str, str | None]]:
    """{cell: (text, own fill as #RRGGBB or None)} for the cells wanted, read with openpyxl (cached values)."""
    from openpyxl import load_workbook
    from openpyxl.utils import coordinate_to_tuple
    by_sheet: dict[str, dict[tuple[int, int], str]] = defaultdict(dict)
    for cell in wanted:
        sheet, ref = split(cell)
        by_sheet[sheet][coordinate_to_tuple(ref)] = cell
    found = {}
    wb = load_workbook(path, data_only=True, read_only=True)
    try:
        for sheet, cells in by_sheet.items():
            last = max(row for row, _ in cells)
            for r, row in enumerate(wb[sheet].iter_rows(min_row=1, max_row=last), start=1):
                for c, value in enumerate(row, start=1):
                    if (r, c) in cells:
                        fill = getattr(value, "fill", None)
                        colour = None
                        if fill is not None and fill.fill_type == "solid":
                            colour = ("#" + fill.fgColor.rgb[2:] if fill.fgColor.type == "rgb"
                                      else f"theme {fill.fgColor.theme}")
                        found[cells[(r, c)]] = (shown(getattr(value, "value", None)), colour)
            for (r, c), cell in cells.items():     # cells past a row's last value read as empty
                found.setdefault(cell, ("", None))
    finally:
        wb.close()
    return found


def docx_cells(path: Path, wanted: set[str]) -> dict[str, tuple[str, str | None]]:
    import docx
    from docx.oxml.ns import qn
    from openpyxl.utils import coordinate_to_tuple
    document = docx.Document(str(path))
    found = {}
    for cell in wanted:
        if cell.startswith("paragraph "):
            found[cell] = (document.paragraphs[int(cell.split()[1]) - 1].text, None)
            continue
        sheet, ref = split(cell)
        row, column = coordinate_to_tuple(ref)
        table_cell = document.tables[int(sheet.split()[1]) - 1].cell(row - 1, column - 1)
        shading = table_cell._tc.tcPr.find(qn("w:shd")) if table_cell._tc.tcPr is not None else None
        colour = "#" + shading.get(qn("w:fill")) if shading is not None else None
        found[cell] = (table_cell.text, colour)
    return found


def csv_cells(path: Path, wanted: set[str]) -> dict[str, tuple[str, str | None]]:
    from openpyxl.utils import coordinate_to_tuple
    rows = list(csv.reader(io.StringIO(path.read_bytes().decode("cp1252"), newline="")))
    found = {}
    for cell in wanted:
        sheet, ref = split(cell)
        assert sheet == path.stem
        row, column = coordinate_to_tuple(ref)
        found[cell] = (rows[row - 1][column - 1], None)
    return found


READERS = {"xlsx": xlsx_cells, "xlsm": xlsx_cells, "docx": docx_cells, "csv": csv_cells}


# --- the generator ---------------------------------------------------------------------------------------------

def test_the_same_code_gives_the_same_bytes(made, tmp_path):
    first, _ = made
    make_all(tmp_path)
    names = sorted(p.name for p in first.iterdir())
    assert names == sorted(p.name for p in tmp_path.iterdir())
    assert "truth.json" in names and "large-tracker.xlsx" in names
    for name in names:
        assert (first / name).read_bytes() == (tmp_path / name).read_bytes(), name


def test_every_cell_the_truth_names_holds_the_text_it_says(made):
    out, truth = made
    checked = 0
    for name, entry in truth["files"].items():
        if not entry["written"]:
            assert not (out / name).exists()
            continue
        named = list(named_cells(entry))
        assert named, name
        found = READERS[entry["format"]](out / name, {n["cell"] for n in named})
        for node in named:
            text, fill = found[node["cell"]]
            assert text == node["text"], (name, node["cell"])
            if "fill" in node and "fill_how" not in node:
                assert fill == node["fill"], (name, node["cell"], fill)
            checked += 1
    assert checked > 500


def test_a_rag_coloured_by_conditional_formatting_gets_the_colour_the_truth_says(made):
    from openpyxl import load_workbook
    out, truth = made
    wb = load_workbook(out / "service-improvement-plans.xlsx")
    seen = 0
    for plan in truth["files"]["service-improvement-plans.xlsx"]["plans"]:
        for action in plan["actions"]:
            rag = action["rag"]
            sheet, ref = split(rag["cell"])
            assert wb[sheet][ref].fill.fill_type is None        # no fill of its own: the rule colours it
            colours = [rule.dxf.fill.fgColor.rgb for cf in wb[sheet].conditional_formatting for rule in cf.rules
                       if ref in cf.sqref and rule.formula == [f'"{rag["text"]}"']]
            assert colours == ["FF" + rag["fill"].lstrip("#")], (sheet, ref)
            seen += 1
        header = wb[plan["sheet"]].cell(row=plan["header_row"], column=1).fill.fgColor
        assert (header.type, header.theme) == ("theme", 4) and header.tint > 0.5
    assert seen == 9
    assert wb["Old plan"].sheet_state == "hidden"


def test_every_layout_has_at_least_five_actions(made):
    _, truth = made
    layouts = {entry["layout"]: entry for entry in truth["files"].values()}
    assert set(LAYOUTS) <= set(layouts)
    for layout in LAYOUTS:
        plans = layouts[layout]["plans"]
        assert sum(len(plan["actions"]) for plan in plans) >= 5, layout
        assert all(plan["action_count"] == len(plan["actions"]) for plan in plans), layout
    for layout in ("xlsm", "refs_like_dates", "formulas"):
        assert layouts[layout]["plans"][0]["action_count"] >= 5, layout


def test_every_action_says_what_a_reader_takes_in_sgpack_words(made):
    _, truth = made
    evidence_types = set(yaml.safe_load((ROOT / "compiler" / "data" / "evidence_types.yaml").read_text()))
    for name, entry in truth["files"].items():
        assert set(entry["options"]) <= {"--provider", "--service", "--risk", "--sheet"}, name
        for plan in entry["plans"]:
            assert plan["provider"] and plan["service"], name
            assert plan["fields"]["opened"]["why"], name
            for field in ("provider", "service", "risk"):
                source = plan["fields"][field]
                assert source["from"] or source["option"] in entry["options"], (name, field)
            for action in plan["actions"]:
                where = (name, action["row"])
                assert ACTION_KEYS <= set(action) <= ACTION_KEYS | {"opened"}, where
                assert action["status"]["value"] in {"planned", "in_progress", "completed", "closed"}, where
                assert action["rag"]["value"] in {"red", "amber", "green", "blue", None}, where
                kinds = {"risk_control", "practice_change", "oversight", "evidence_measure"}
                assert action["kind"]["value"] in kinds, where
                assert set(action["kind"]["also"]) <= kinds - {action["kind"]["value"]}, where
                assert set(action["evidence_types"]["value"]) <= evidence_types, where
                due = action["due"]["value"]
                assert due is None or dt.date.fromisoformat(due), where
                assert action["owner"]["why"] and action["due"]["why"] and action["kind"]["why"], where
                for hesitation in action["hesitations"]:
                    assert hesitation["why"], where


def test_the_bad_inputs_are_bad_as_the_truth_says(made):
    from openpyxl import load_workbook
    out, truth = made
    files = truth["files"]

    large = load_workbook(out / "large-tracker.xlsx", read_only=True)
    assert large["Actions"].max_row is None          # streamed: no <dimension> to ask the size of
    rows = sum(1 for _ in large["Actions"].iter_rows(values_only=True))
    assert rows == LARGE_ROWS + 1 == files["large-tracker.xlsx"]["plans"][0]["action_count"] + 1
    large.close()

    header_only = load_workbook(out / "header-only.xlsx")["Action plan"]
    assert header_only.max_row == files["header-only.xlsx"]["plans"][0]["header_row"]

    with zipfile.ZipFile(out / "meadow-court-tracker.xlsm") as package:
        assert MACRO_ENABLED in package.read("[Content_Types].xml").decode()
    assert load_workbook(out / "meadow-court-tracker.xlsm")["Tracker"]["A6"].value == "MC-01"

    formulas = load_workbook(out / "formulas.xlsx")["Tracker"]
    assert formulas["E8"].value == "=D8+90" and formulas["G4"].value.startswith("=IF(")
    assert load_workbook(out / "formulas.xlsx", data_only=True)["Tracker"]["E8"].value is None

    refs = load_workbook(out / "refs-like-dates.xlsx")["Actions"]
    assert [refs[f"A{r}"].value for r in range(2, 7)] == ["1.9", "1.10", "2.12", 3.1, "3.11"]

    data = (out / "governance-actions-export.csv").read_bytes()
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")
    assert b"\x96" in data and b"\x92" in data and data.count(b"\r\n") == 7

    import docx
    table = docx.Document(str(out / "riverside-sar-mr-c-action-plan.docx")).tables[0]._tbl.xml
    assert table.count("<w:vMerge") == 5

    assert files["password-protected.xlsx"]["written"] is False and not files["password-protected.xlsx"]["plans"]


# --- the example tracker ---------------------------------------------------------------------------------------

def example_script() -> ModuleType:
    spec = importlib.util.spec_from_file_location("example_trackers_generate", EXAMPLE / "generate.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_committed_example_tracker_is_what_its_script_makes():
    made_now = example_script().workbook_bytes()
    assert made_now == (EXAMPLE / "oakview-improvement-plan.xlsx").read_bytes(), \
        "run python examples/trackers/generate.py and commit the tracker"


def test_the_example_tracker_holds_the_oakview_plan():
    from openpyxl import load_workbook
    plan = yaml.safe_load((ROOT / "examples" / "plans" / "oakview-restrictive-practice.yaml").read_text())
    wb = load_workbook(EXAMPLE / "oakview-improvement-plan.xlsx")
    ws = wb["Improvement plan"]
    table_row = example_script().TABLE_ROW
    block = {ws.cell(row=r, column=1).value: ws.cell(row=r, column=2).value for r in range(1, table_row)}
    assert block["Plan ID:"] == plan["plan"]["id"] and block["Service:"] == plan["plan"]["service"]
    assert block["CQC location ID:"] == plan["plan"]["location_id"]
    assert block["Provider:"] == plan["provider"] and block["Risk:"] == "High"
    assert block["Opened:"].date() == plan["plan"]["opened"]
    key = {wb["Key"][f"A{r}"].value: wb["Key"][f"A{r}"].fill.fgColor.rgb for r in range(2, 6)}
    headings = [c.value for c in ws[table_row]]
    rows = {row[0].value: {h: c for h, c in zip(headings, row)}
            for row in ws.iter_rows(min_row=table_row + 1) if row[0].value}
    statuses = {"planned": "Not started", "in_progress": "In progress", "completed": "Complete", "closed": "Closed"}
    assert list(rows) == [a["id"] for a in plan["actions"]]
    for action in plan["actions"]:
        row = rows[action["id"]]
        owner = action["owner"]
        assert row["Action"].value == action["title"]
        assert row["Owner"].value == f"{owner['name']} ({owner['role']})"
        assert row["Target date"].value.date() == action["due"]
        assert row["Status"].value == statuses[action["status"]]
        assert row["RAG"].value == action["rag"].capitalize()
        assert row["RAG"].fill.fgColor.rgb == key[row["RAG"].value]
        assert row["Progress update"].value == " ".join(action["narrative"].split())
        update = action.get("commissioner_update")
        assert row["Update for commissioner"].value == (" ".join(update.split()) if update else None)
        assert (row["Quality statements"].value or "").count(";") == max(len(action.get("quality_statements", [])) - 1, 0)
        assert len(row["Evidence needed"].value.splitlines()) == len(action["requires"])
        if action.get("opened"):
            assert row["Start date"].value.date() == action["opened"]
        if action.get("closed"):
            assert row["Date closed"].value.date() == action["closed"]
    reviews = [r for r in wb["Reviews"].iter_rows(min_row=2, values_only=True) if r[0]]
    assert len(reviews) == sum(len(a.get("reviews", [])) for a in plan["actions"])
