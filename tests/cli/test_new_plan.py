"""`sgpack new plan`: the starter plan loads and checks, nothing is ever overwritten or left half written, and the
Excel template has its sheets, headings, drop-downs (from the Lists sheet), RAG fills and the same bytes every
time, and keeps its drop-downs through LibreOffice to .ods."""
from __future__ import annotations

import datetime as dt
import io
import os
import re
import shutil
import subprocess
import typing
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from pydantic import BaseModel

from compiler.cli import cli
from compiler.plans import schema
from compiler.plans.loader import load_plan_file
from compiler.starter import ACTION_HEADINGS, LISTS, PLAN_LABELS, new, starter_plan, template_xlsx, vocabularies

# The headings the importer recognises (its synonym list holds these exact words).
PLAN_SHEET_LABELS = ["Provider", "Plan ID", "Plan title", "Service", "CQC location ID", "Contract", "Origin",
                     "Abuse types", "Risk", "Opened", "Review every (days)", "Governance forum"]
ACTIONS_SHEET_HEADINGS = ["ID", "Action", "Kind", "Owner", "Risk", "Opened", "Due", "Status", "Closed", "RAG",
                          "Progress update", "Evidence required", "Indicators", "Quality statements",
                          "Update for commissioner"]
# The drop-downs the template must have: (sheet, heading, vocabulary)
DROP_DOWNS = [("Actions", "Status", "statuses"), ("Actions", "RAG", "rags"), ("Actions", "Kind", "kinds"),
              ("Actions", "Risk", "risks"), ("Actions", "Evidence required", "evidence_types"),
              ("Plan", "Risk", "risks"), ("Plan", "Abuse types", "abuse_types"),
              ("Plan", "Quality statements", "quality_statements"),
              ("Actions", "Quality statements", "quality_statements")]


def invoke(*args: str, cwd: Path | None = None):
    runner = CliRunner()
    if cwd is None:
        return runner.invoke(new, list(args))
    old = os.getcwd()
    os.chdir(cwd)
    try:
        return runner.invoke(new, list(args))
    finally:
        os.chdir(old)


# ------------------------------------------------------------------------------------------------ the YAML starter

def test_the_starter_plan_loads_and_checks(tmp_path: Path) -> None:
    result = invoke("plan", cwd=tmp_path)
    assert result.exit_code == 0, result.output
    written = tmp_path / "plan.yaml"
    assert "starter plan written to plan.yaml" in result.output
    plan = load_plan_file(str(written))
    assert plan.opened == dt.date.today()
    assert sorted(a.kind for a in plan.actions) == sorted(vocabularies()["kinds"]), "one action of each kind"
    (tmp_path / "evidence").mkdir()
    checked = CliRunner().invoke(cli, ["check", str(written), "--evidence", str(tmp_path / "evidence"), "--no-cache",
                                       "--as-of", dt.date.today().isoformat()])
    assert checked.exit_code in (0, 1), checked.output      # findings are fine; a plan that cannot be read is not
    assert "error:" not in checked.output and "Traceback" not in checked.output


def _schema_keys() -> set[str]:
    keys: set[str] = set()
    todo: list[type[BaseModel]] = [schema.PlanFileIn]
    while todo:
        model = todo.pop()
        for key, info in model.model_fields.items():
            keys.add(key)
            todo += [arg for arg in _args(info.annotation) if isinstance(arg, type) and issubclass(arg, BaseModel)]
    return keys


def _args(annotation: typing.Any) -> list[typing.Any]:
    out = [annotation]
    for arg in typing.get_args(annotation):
        out += _args(arg)
    return out


def test_the_starter_shows_every_key_and_every_allowed_value() -> None:
    text = starter_plan(dt.date(2026, 7, 1))
    for key in sorted(_schema_keys()):
        assert re.search(rf"(?<![\w.]){key}:", text), f"the starter plan never shows `{key}:`, set or commented out"
    words = set(re.findall(r"[a-z_]+", text))
    for name, values in vocabularies().items():
        missing = [v for v in values if v not in words]
        assert not missing, f"the starter plan's comments leave out {name}: {missing}"
    assert "opened: 2026-07-01" in text
    # every comment sits in the column the data file gives it, dates filled in or not
    columns = {line.index("# ") for line in text.splitlines()
               if re.match(r"  \w+: \S.*?\s{2,}# ", line) and not line.lstrip().startswith("#")}
    assert len(columns) == 1, columns


def test_never_overwrites_and_leaves_nothing_else(tmp_path: Path) -> None:
    for args, name in ((("plan",), "plan.yaml"), (("plan", "--xlsx"), "plan.xlsx")):
        mine = tmp_path / name
        mine.write_text("my own plan\n", encoding="utf-8")
        result = invoke(*args, cwd=tmp_path)
        assert result.exit_code == 2, result.output
        assert "already exists" in result.output and "never overwrites" in result.output
        assert mine.read_text(encoding="utf-8") == "my own plan\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["plan.xlsx", "plan.yaml"]


def test_a_failed_write_leaves_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(fd: int) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", broken)
    result = invoke("plan", "--out", str(tmp_path / "new.yaml"))
    assert result.exit_code == 2 and "No space left on device" in result.output, result.output
    assert list(tmp_path.iterdir()) == []


def test_out_names_the_file_and_refuses_what_it_cannot_be(tmp_path: Path) -> None:
    result = invoke("plan", "--out", str(tmp_path / "oakview.yml"))
    assert result.exit_code == 0 and (tmp_path / "oakview.yml").is_file(), result.output
    for args, says in (
            (("plan", "--out", str(tmp_path / "no" / "plan.yaml")), "does not exist"),
            (("plan", "--out", str(tmp_path / "plan.xlsx")), "add --xlsx"),
            (("plan", "--xlsx", "--out", str(tmp_path / "plan.yaml")), ".xlsx")):
        result = invoke(*args)
        assert result.exit_code == 2 and says in result.output and result.output.startswith("error: "), result.output
    assert sorted(p.name for p in tmp_path.iterdir()) == ["oakview.yml"]


# ------------------------------------------------------------------------------------------------ the Excel template

@pytest.fixture(scope="module")
def workbook():
    from openpyxl import load_workbook

    return load_workbook(io.BytesIO(template_xlsx()))


def column_of(ws, heading: str) -> str:
    from openpyxl.utils import get_column_letter

    for cell in ws[1]:
        if cell.value == heading:
            return get_column_letter(cell.column)
    pytest.fail(f"sheet {ws.title}: no heading {heading!r}")


def cell_of(ws, heading: str) -> str:
    """Where a heading's value goes: its column's first row on the Actions sheet, B of its row on Plan."""
    if ws.title == "Plan":
        row = next(c.row for c in ws["A"] if c.value == heading)
        return f"B{row}"
    return f"{column_of(ws, heading)}2"


def validation_at(ws, cell: str):
    found = [dv for dv in ws.data_validations.dataValidation if cell in dv.sqref]
    assert len(found) == 1, f"sheet {ws.title} {cell}: {len(found)} validations"
    return found[0]


def list_values(workbook, formula: str) -> list[str]:
    match = re.fullmatch(r"(\w+)!\$([A-Z]+)\$(\d+):\$([A-Z]+)\$(\d+)", formula)
    assert match and match[1] == "Lists" and match[2] == match[4], f"not a Lists column range: {formula}"
    ws = workbook[match[1]]
    return [ws[f"{match[2]}{row}"].value for row in range(int(match[3]), int(match[5]) + 1)]


def test_the_sheets_and_headings_are_the_ones_the_importer_reads(workbook) -> None:
    assert workbook.sheetnames == ["Plan", "Actions", "Key", "Lists"]
    assert workbook["Lists"].sheet_state == "hidden"
    labels = [c.value for c in workbook["Plan"]["A"][1:]]
    assert labels == list(PLAN_LABELS) and labels[:len(PLAN_SHEET_LABELS)] == PLAN_SHEET_LABELS
    assert [c.value for c in workbook["Actions"][1]] == list(ACTION_HEADINGS) == ACTIONS_SHEET_HEADINGS
    for ws in (workbook["Plan"], workbook["Actions"]):
        assert ws.freeze_panes == "A2"
        assert all(ws.column_dimensions[c.column_letter].width >= 9 for c in ws[1])
    assert workbook["Actions"].column_dimensions[column_of(workbook["Actions"], "Action")].width >= 40
    # every field the headings name is a field of the plan file
    plan_keys = set(schema.PlanFileIn.model_fields) | {f"plan.{k}" for k in schema.PlanHeadIn.model_fields}
    assert set(PLAN_LABELS.values()) <= plan_keys
    assert set(ACTION_HEADINGS.values()) <= set(schema.ActionIn.model_fields)


@pytest.mark.parametrize("sheet,heading,name", DROP_DOWNS, ids=lambda v: str(v))
def test_each_drop_down_lists_its_vocabulary_from_the_lists_sheet(workbook, sheet: str, heading: str,
                                                                  name: str) -> None:
    ws = workbook[sheet]
    dv = validation_at(ws, cell_of(ws, heading))
    assert dv.type == "list" and dv.showDropDown in (None, False), "the in-cell arrow shows"
    assert list_values(workbook, dv.formula1) == vocabularies()[name]
    assert dv.prompt and dv.showInputMessage
    column = list(LISTS).index(name) + 1
    assert workbook["Lists"].cell(row=1, column=column).value == LISTS[name]
    if sheet == "Actions":
        assert f"{column_of(ws, heading)}2:{column_of(ws, heading)}501" in str(dv.sqref)
    # a cell that may name several values (a; b) warns instead of refusing
    several = heading in ("Evidence required", "Abuse types", "Quality statements")
    assert dv.errorStyle == ("warning" if several else "stop") or (dv.errorStyle is None and not several)


def test_dates_are_checked_and_shown_day_first(workbook) -> None:
    ws = workbook["Actions"]
    for heading in ("Opened", "Due", "Closed"):
        dv = validation_at(ws, cell_of(ws, heading))
        assert dv.type == "date", heading
        assert ws.column_dimensions[column_of(ws, heading)].number_format == "DD/MM/YYYY"
    plan = workbook["Plan"]
    assert validation_at(plan, cell_of(plan, "Opened")).type == "date"
    assert plan[cell_of(plan, "Opened")].number_format == "DD/MM/YYYY"
    assert plan[cell_of(plan, "Review every (days)")].value == schema.PlanHeadIn.model_fields["review_every_days"].default


def test_rag_is_coloured_and_the_key_says_what_each_means(workbook) -> None:
    from compiler.render.theme import load_theme

    ws = workbook["Actions"]
    letter = column_of(ws, "RAG")
    rules = [(str(cf.sqref), rule) for cf in ws.conditional_formatting for rule in cf.rules]
    colours = load_theme().colours
    seen = {}
    for where, rule in rules:
        assert where == f"{letter}2:{letter}501"
        assert rule.type == "cellIs" and rule.operator == "equal"
        seen[rule.formula[0].strip('"')] = rule.dxf.fill.fgColor.rgb[-6:] if rule.dxf.fill.fgColor.rgb else None
    assert seen == {rag: colours[f"rag_{rag}"].lstrip("#").upper() for rag in vocabularies()["rags"]}
    key = workbook["Key"]
    meanings = {row[0].value: (row[1].value, row[0].fill.fgColor.rgb[-6:])
                for row in key.iter_rows(max_col=2) if row[0].value in seen}
    assert set(meanings) == set(seen)
    words = {"blue": "complete and impact evidenced", "green": "on track", "amber": "at risk", "red": "off track"}
    for rag, (meaning, fill) in meanings.items():
        assert meaning.lower().startswith(words[rag]), (rag, meaning)
        assert fill == seen[rag]
    assert "complete" in meanings["green"][0].lower()
    texts = " ".join(str(c.value) for row in key.iter_rows() for c in row if c.value)
    for name in ("kinds", "statuses", "evidence_types", "abuse_types", "quality_statements"):
        assert all(v in texts for v in vocabularies()[name]), f"the Key sheet leaves out some {name}"


def test_the_template_is_the_same_bytes_every_time(tmp_path: Path) -> None:
    first = template_xlsx()
    assert template_xlsx() == first
    result = invoke("plan", "--xlsx", "--out", str(tmp_path / "t.xlsx"))
    assert result.exit_code == 0, result.output
    assert (tmp_path / "t.xlsx").read_bytes() == first
    with zipfile.ZipFile(io.BytesIO(first)) as z:
        assert {info.date_time for info in z.infolist()} == {(1980, 1, 1, 0, 0, 0)}
        core = z.read("docProps/core.xml").decode()
    assert "2026-04-01T00:00:00Z" in core and "sgpack" in core


# ------------------------------------------------------------------------------------------------ LibreOffice

TABLE = "urn:oasis:names:tc:opendocument:xmlns:table:1.0"


def _ods_validations(ods: Path) -> dict[tuple[str, str], tuple[str, list[str]]]:
    """{(sheet, heading or label): (condition, the list's values)} for every cell of the .ods holding a
    validation, read from content.xml with lxml (a range of the Lists sheet resolved to its cells)."""
    from lxml import etree

    with zipfile.ZipFile(ods) as z:
        root = etree.fromstring(z.read("content.xml"))
    t = f"{{{TABLE}}}"
    conditions = {v.get(t + "name"): v.get(t + "condition") or ""
                  for v in root.iter(t + "content-validation")}
    grids: dict[str, dict[tuple[int, int], str]] = {}
    used: dict[str, list[tuple[int, int, str]]] = {}
    for table in root.iter(t + "table"):
        name, grid, row_no = table.get(t + "name"), {}, 0
        for row in table.iter(t + "table-row"):
            rows = int(row.get(t + "number-rows-repeated", "1"))
            col_no = 0
            for cell in row:
                if cell.tag not in (t + "table-cell", t + "covered-table-cell"):
                    continue
                cols = int(cell.get(t + "number-columns-repeated", "1"))
                text = "".join(cell.itertext())
                if text:
                    grid[(row_no + 1, col_no + 1)] = text
                if cell.get(t + "content-validation-name"):
                    used.setdefault(name, []).append((row_no + 1, col_no + 1, cell.get(t + "content-validation-name")))
                col_no += cols
            row_no += rows
        grids[name] = grid
    out = {}
    for sheet, cells in used.items():
        for row, col, validation in cells:
            label = grids[sheet].get((1, col)) if sheet == "Actions" else grids[sheet].get((row, 1))
            condition = conditions[validation]
            values: list[str] = []
            match = re.search(r"cell-content-is-in-list\(\[\$?(\w+)\.\$?([A-Z]+)\$?(\d+):\.\$?([A-Z]+)\$?(\d+)\]\)",
                              condition)
            if match:
                column = sum((ord(ch) - 64) * 26 ** i for i, ch in enumerate(reversed(match[2])))
                values = [grids[match[1]].get((r, column), "") for r in range(int(match[3]), int(match[5]) + 1)]
            out[(sheet, label)] = (condition, values)
    return out


def test_libreoffice_keeps_the_drop_downs(tmp_path: Path) -> None:
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        if not os.environ.get("CI"):
            pytest.skip("LibreOffice is not installed (apt-get install --no-install-recommends libreoffice-calc)")
        pytest.fail("CI must have LibreOffice: .ci/run installs libreoffice-calc")
    xlsx = tmp_path / "plan.xlsx"
    assert invoke("plan", "--xlsx", "--out", str(xlsx)).exit_code == 0
    profile = (tmp_path / "profile").as_uri()      # a profile of its own: no clash with a user's LibreOffice
    done = subprocess.run([soffice, f"-env:UserInstallation={profile}", "--headless", "--convert-to", "ods",
                           "--outdir", str(tmp_path / "ods"), str(xlsx)],
                          capture_output=True, text=True, timeout=300)
    ods = tmp_path / "ods" / "plan.ods"
    assert done.returncode == 0 and ods.is_file(), done.stdout + done.stderr
    found = _ods_validations(ods)
    for sheet, heading, name in DROP_DOWNS:
        assert (sheet, heading) in found, f"{sheet} {heading}: no validation after LibreOffice; found {sorted(found)}"
        condition, values = found[(sheet, heading)]
        assert "cell-content-is-in-list" in condition, (sheet, heading, condition)
        assert values == vocabularies()[name], f"{sheet} {heading}: the list became {values}"
    for heading in ("Opened", "Due", "Closed"):
        assert "cell-content-is-date" in found[("Actions", heading)][0]
