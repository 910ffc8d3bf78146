"""`sgpack new plan`: a commented starter plan file, or an Excel template with drop-downs, to begin a plan from."""
from __future__ import annotations

import datetime as dt
import io
import os
import re
import string
import textwrap
import typing
from functools import lru_cache
from importlib import resources
from pathlib import Path

import click
import yaml

from compiler.errors import SgpackError
from compiler.model.plan import RAG, Kind, Risk, Status
from compiler.plans.files import PLAN_SUFFIXES
from compiler.vocab import vocab

__all__ = ["ACTION_HEADINGS", "LISTS", "PLAN_LABELS", "new", "starter_plan", "template_xlsx", "vocabularies",
           "write_new"]

# The Excel template's headings and the plan field each one holds (an importer reads them back by these words).
PLAN_LABELS: dict[str, str] = {
    "Provider": "provider", "Plan ID": "plan.id", "Plan title": "plan.title", "Service": "plan.service",
    "CQC location ID": "plan.location_id", "Contract": "plan.contract", "Origin": "plan.origin", "Abuse types": "plan.abuse_types", "Risk": "plan.risk",
    "Opened": "plan.opened", "Review every (days)": "plan.review_every_days",
    "Governance forum": "plan.governance_forum", "Quality statements": "plan.quality_statements",
}
ACTION_HEADINGS: dict[str, str] = {
    "ID": "id", "Action": "title", "Kind": "kind", "Owner": "owner", "Risk": "risk", "Opened": "opened",
    "Due": "due", "Status": "status", "Closed": "closed", "RAG": "rag", "Progress update": "narrative",
    "Evidence required": "requires", "Indicators": "indicators", "Quality statements": "quality_statements",
    "Update for commissioner": "commissioner_update",
}
# The Lists sheet: one column per drop-down list, heading in row 1 (the order is the columns' order).
LISTS: dict[str, str] = {
    "kinds": "Kind", "statuses": "Status", "rags": "RAG", "risks": "Risk", "evidence_types": "Evidence type",
    "abuse_types": "Abuse type", "quality_statements": "Quality statement",
}
_DROP_DOWNS = {"Kind": "kinds", "Status": "statuses", "RAG": "rags", "Risk": "risks",
               "Evidence required": "evidence_types", "Abuse types": "abuse_types",
               "Quality statements": "quality_statements"}
_SEVERAL = {"Evidence required", "Abuse types", "Quality statements"}   # a cell may hold several, with ';'
_DATES = {"Opened", "Due", "Closed"}
_ACTION_ROWS = 500          # rows of the Actions sheet that get the drop-downs and date checks
_WIDTHS = {"ID": 10, "Action": 60, "Kind": 18, "Owner": 32, "Risk": 10, "Opened": 12, "Due": 12, "Status": 14,
           "Closed": 12, "RAG": 9, "Progress update": 60, "Evidence required": 36, "Indicators": 24,
           "Quality statements": 36, "Update for commissioner": 60}
# A template has no as-of date: a fixed one keeps its bytes the same from run to run.
_TEMPLATE_DATE = "2026-04-01"
_TITLE = "sgpack action plan template"
_LIST_LINE = re.compile(r"(?P<indent>\s*)#\s*\$\{(?P<name>\w+)\}\s*")
_COMMENT = re.compile(r"(?P<value>.*?\S)(?P<gap>\s{2,})(?P<comment>#.*)")


@lru_cache(maxsize=1)
def _words() -> dict[str, typing.Any]:
    text = resources.files("compiler").joinpath("data", "starter.yaml").read_text(encoding="utf-8")
    return yaml.safe_load(text)


def vocabularies() -> dict[str, list[str]]:
    """Every list a plan's values come from, in the order the vocabularies give them."""
    from compiler.plans.schema import IndicatorIn

    v = vocab()
    return {
        "kinds": list(typing.get_args(Kind)), "statuses": list(typing.get_args(Status)),
        "rags": list(typing.get_args(RAG)), "risks": list(typing.get_args(Risk)),
        "better": list(typing.get_args(IndicatorIn.model_fields["better"].annotation)),
        "counts": list(typing.get_args(IndicatorIn.model_fields["counts"].annotation)),
        "evidence_types": list(v.evidence_categories), "abuse_types": list(v.abuse_profiles),
        "quality_statements": list(v.quality_statements),
    }


# ------------------------------------------------------------------------------------------------ YAML

def _comment_lines(indent: str, name: str, lists: dict[str, list[str]]) -> list[str]:
    """A long list as comment lines under the key it belongs to; quality statements by key question."""
    if name == "quality_statements":
        by_question: dict[str, list[str]] = {}
        for sid, (question, _) in vocab().quality_statements.items():
            by_question.setdefault(question, []).append(sid)
        paragraphs = [f"{question}: {', '.join(ids)}" for question, ids in by_question.items()]
    else:
        paragraphs = [", ".join(lists[name])]
    lines = []
    for paragraph in paragraphs:
        lines += textwrap.wrap(paragraph, width=110 - len(indent), initial_indent=f"{indent}#   ",
                               subsequent_indent=f"{indent}#     ", break_on_hyphens=False)
    return lines


def _aligned(template: str, line: str) -> str:
    """`line` with its trailing comment back in the column the template put it in."""
    before, after = _COMMENT.fullmatch(template), _COMMENT.fullmatch(line)
    if before is None or after is None:
        return line
    column = len(before["value"]) + len(before["gap"])
    return after["value"].ljust(max(column, len(after["value"]) + 2)) + after["comment"]


def starter_plan(today: dt.date) -> str:
    """The commented starter plan file, opened `today` (its first action due a quarter later)."""
    lists = vocabularies()
    inline = {name: ", ".join(values) for name, values in lists.items()}
    inline.update(today=today.isoformat(), due=(today + dt.timedelta(days=91)).isoformat())
    out = []
    for line in _words()["plan"].splitlines():
        match = _LIST_LINE.fullmatch(line)
        if match:
            out += _comment_lines(match["indent"], match["name"], lists)
        else:
            out.append(_aligned(line, string.Template(line).substitute(inline).rstrip()))
    return "\n".join(out) + "\n"


# ------------------------------------------------------------------------------------------------ Excel

def _list_range(name: str, lists: dict[str, list[str]]) -> str:
    from openpyxl.utils import get_column_letter

    column = get_column_letter(list(LISTS).index(name) + 1)
    return f"Lists!${column}$2:${column}${len(lists[name]) + 1}"


def _validation(heading: str, prompts: dict[str, str], lists: dict[str, list[str]]):
    """The drop-down, date or number check of a heading's cells, with its prompt; None for free text."""
    from openpyxl.worksheet.datavalidation import DataValidation

    if heading in _DROP_DOWNS:
        several = heading in _SEVERAL
        check = DataValidation(type="list", formula1=_list_range(_DROP_DOWNS[heading], lists), allow_blank=True,
                               # a cell of several values (a; b) is allowed after a warning, not refused
                               errorStyle="warning" if several else "stop",
                               error=("Not one of the list: keep it only for several values separated by ';'."
                                      if several else "Pick a value from the list."))
    elif heading in _DATES:
        # 1 January 2000 onwards: a date, never text such as "end of April" that no one can hold to
        check = DataValidation(type="date", operator="greaterThanOrEqual", formula1="36526", allow_blank=True,
                               error="Type a date, day first, e.g. 30/09/2026.")
    elif heading == "Review every (days)":
        check = DataValidation(type="whole", operator="greaterThanOrEqual", formula1="1", allow_blank=True,
                               error="A whole number of days, 1 or more.")
    else:
        return None
    check.errorTitle, check.promptTitle, check.prompt = "sgpack", heading, prompts[heading]
    check.showErrorMessage = check.showInputMessage = True
    return check


def _header(ws, headings: list[str], widths: list[float]) -> None:
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    ws.append(headings)
    for column, width in enumerate(widths, 1):
        cell = ws.cell(row=1, column=column)
        cell.font = Font(bold=True, color="FFFFFF")
        cell.fill = PatternFill("solid", start_color="003A5D", end_color="003A5D")
        cell.alignment = Alignment(vertical="top", wrap_text=True)
        ws.column_dimensions[get_column_letter(column)].width = width
    ws.freeze_panes = "A2"
    ws.print_title_rows = "1:1"
    _printed(ws)


def _printed(ws) -> None:
    """Printed landscape on A4, one page wide."""
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0


def _rag_fills() -> dict[str, tuple[str, str]]:
    """{rag: (fill, text colour)} from the shipped theme, as Excel writes colours (RRGGBB)."""
    from compiler.render.theme import load_theme

    colours = load_theme().colours
    return {rag: (colours[f"rag_{rag}"].lstrip("#").upper(), "0B0C0C" if rag == "amber" else "FFFFFF")
            for rag in typing.get_args(RAG)}


def _plan_sheet(ws, prompts: dict[str, str], lists: dict[str, list[str]]) -> None:
    from openpyxl.styles import Alignment, Font

    from compiler.plans.schema import PlanFileIn, PlanHeadIn

    _header(ws, ["Field", "Value", "What to write"], [24, 48, 70])
    for row, (label, field) in enumerate(PLAN_LABELS.items(), 2):
        model, key = (PlanHeadIn, field[len("plan."):]) if field.startswith("plan.") else (PlanFileIn, field)
        note = ("Required. " if model.model_fields[key].is_required() else "") + prompts[label]
        ws.append([label, 28 if label == "Review every (days)" else None, note])
        ws.cell(row=row, column=1).font = Font(bold=True)
        ws.cell(row=row, column=3).alignment = Alignment(wrap_text=True, vertical="top")
        if label in _DATES:
            ws.cell(row=row, column=2).number_format = "DD/MM/YYYY"
        check = _validation(label, prompts, lists)
        if check is not None:
            check.add(f"B{row}")
            ws.add_data_validation(check)


def _actions_sheet(ws, prompts: dict[str, str], lists: dict[str, list[str]]) -> None:
    from openpyxl.formatting.rule import CellIsRule
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    headings = list(ACTION_HEADINGS)
    _header(ws, headings, [_WIDTHS[h] for h in headings])
    last = _ACTION_ROWS + 1
    for column, heading in enumerate(headings, 1):
        letter = get_column_letter(column)
        cells = f"{letter}2:{letter}{last}"
        check = _validation(heading, prompts, lists)
        if check is None:   # free text still shows what to write when the cell is chosen
            from openpyxl.worksheet.datavalidation import DataValidation

            check = DataValidation(allow_blank=True, promptTitle=heading, prompt=prompts[heading])
            check.showInputMessage = True
        check.add(cells)
        ws.add_data_validation(check)
        dimension = ws.column_dimensions[letter]
        if heading in _DATES:
            dimension.number_format = "DD/MM/YYYY"
        elif heading in ("Action", "Progress update", "Evidence required", "Update for commissioner"):
            dimension.alignment = Alignment(wrap_text=True, vertical="top")
        if heading == "RAG":
            for rag, (fill, text) in _rag_fills().items():
                ws.conditional_formatting.add(cells, CellIsRule(
                    operator="equal", formula=[f'"{rag}"'], font=Font(color=text, bold=True),
                    fill=PatternFill("solid", start_color=fill, end_color=fill, bgColor=fill)))


def _key_sheet(ws, lists: dict[str, list[str]]) -> None:
    from openpyxl.styles import Alignment, Font, PatternFill

    words, v = _words(), vocab()
    ws.column_dimensions["A"].width, ws.column_dimensions["B"].width = 36, 90
    ws.column_dimensions["C"].width = 50
    _printed(ws)

    def section(heading: tuple[str, ...], rows: list[tuple[str, ...]]) -> None:
        ws.append([])
        ws.append(list(heading))
        for column in range(1, len(heading) + 1):
            ws.cell(row=ws.max_row, column=column).font = Font(bold=True, size=12)
        for row in rows:
            ws.append(list(row))
            ws.cell(row=ws.max_row, column=2).alignment = Alignment(wrap_text=True, vertical="top")

    ws.append(["Key: what the template's values mean. Dates are day first (30/09/2026); each drop-down's "
               "list is on the hidden sheet Lists."])
    ws.cell(row=1, column=1).font = Font(bold=True)
    section(("RAG", "What it means"), [(rag, words["rag"][rag]) for rag in lists["rags"]])
    for row in ws.iter_rows(min_row=ws.max_row - len(lists["rags"]) + 1, max_col=1):
        fill, text = _rag_fills()[row[0].value]
        row[0].fill = PatternFill("solid", start_color=fill, end_color=fill)
        row[0].font = Font(color=text, bold=True)
    section(("Kind", "What it is"), [(kind, words["kinds"][kind]) for kind in lists["kinds"]])
    section(("Status", "What it means"), [(status, words["statuses"][status]) for status in lists["statuses"]])
    section(("Evidence type", "CQC evidence category"),
            [(t, v.evidence_categories[t] or "—") for t in lists["evidence_types"]])
    section(("Abuse type", "Evidence a plan of this type usually needs"),
            [(a, ", ".join(v.abuse_profiles[a])) for a in lists["abuse_types"]])
    section(("Quality statement", "CQC's name", "Key question"),
            [(q, v.quality_statements[q][1], v.quality_statements[q][0]) for q in lists["quality_statements"]])


def template_xlsx() -> bytes:
    """The Excel plan template: Plan, Actions, Key and (hidden) Lists sheets; the same bytes every time."""
    from openpyxl import Workbook

    from compiler.render.docx.template import normalise_docx

    prompts, lists = _words()["prompts"], vocabularies()
    wb = Workbook()
    _plan_sheet(wb.active, prompts, lists)
    wb.active.title = "Plan"
    _actions_sheet(wb.create_sheet("Actions"), prompts, lists)
    _key_sheet(wb.create_sheet("Key"), lists)
    ws = wb.create_sheet("Lists")
    for column, (name, heading) in enumerate(LISTS.items(), 1):
        ws.cell(row=1, column=column, value=heading)
        for row, value in enumerate(lists[name], 2):
            ws.cell(row=row, column=column, value=value)
    ws.sheet_state = "hidden"
    when = dt.datetime.fromisoformat(_TEMPLATE_DATE)
    props = wb.properties
    props.creator, props.lastModifiedBy, props.title = "sgpack", None, _TITLE
    props.created = props.modified = when
    out = io.BytesIO()
    wb.save(out)
    return normalise_docx(out.getvalue(), title=_TITLE, as_of_iso=_TEMPLATE_DATE)


# ------------------------------------------------------------------------------------------------ writing

def write_new(path: Path, data: bytes) -> None:
    """Write `data` to `path` whole or not at all, never over an existing file."""
    if path.exists() or path.is_symlink():
        raise SgpackError("already exists; sgpack new never overwrites a file: move it away or give another "
                          "--out", file=str(path))
    if not path.parent.is_dir():
        raise SgpackError(f"the folder {path.parent} does not exist", file=str(path))
    part = path.with_name(f".{path.name}.{os.getpid()}.part")
    try:
        fd = os.open(part, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        try:
            os.link(part, path)          # a link fails if the name exists, even one made since the check above
        except FileExistsError:
            raise SgpackError("already exists; sgpack new never overwrites a file", file=str(path)) from None
        except OSError:                  # a file system without hard links: the check above has to do
            if path.exists():
                raise SgpackError("already exists; sgpack new never overwrites a file", file=str(path)) from None
            os.rename(part, path)
    except OSError as exc:
        raise SgpackError(f"cannot write: {exc.strerror or exc}", file=str(path)) from None
    finally:
        if part.exists():
            part.unlink()


class _Refused(click.ClickException):
    """A user error: one line on stderr, exit 2 (as every sgpack command does)."""
    exit_code = 2

    def show(self, file=None) -> None:
        click.echo(f"error: {self.message}", err=True)


@click.group()
def new() -> None:
    """Start something new: a plan file, or an Excel plan template."""


@new.command("plan")
@click.option("--xlsx", "xlsx", is_flag=True, help="Write an Excel template with drop-downs instead of a YAML plan.")
@click.option("--out", "out", metavar="FILE", type=click.Path(dir_okay=False),
              help="The file to write (default ./plan.yaml, or ./plan.xlsx with --xlsx); never overwritten.")
def plan(xlsx: bool, out: str | None) -> None:
    """Write a commented starter plan that `sgpack check` reads, or an Excel template to fill in."""
    path = Path(out or ("plan.xlsx" if xlsx else "plan.yaml"))
    suffix = path.suffix.lower()
    if xlsx and suffix != ".xlsx":
        raise _Refused(f"{path}: the Excel template is an .xlsx file; give --out NAME.xlsx")
    if not xlsx and suffix not in PLAN_SUFFIXES:
        raise _Refused(f"{path}: a plan file ends .yaml or .yml (sgpack reads no other); "
                       f"for the Excel template add --xlsx")
    try:
        write_new(path, template_xlsx() if xlsx else starter_plan(dt.date.today()).encode("utf-8"))
    except SgpackError as exc:
        raise _Refused(str(exc)) from None
    if xlsx:
        click.echo(f"plan template written to {path}: fill in its Plan and Actions sheets")
    else:
        click.echo(f"starter plan written to {path}; check it with: sgpack check {path} --evidence FOLDER")
