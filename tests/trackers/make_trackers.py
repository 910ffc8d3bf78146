"""Action-plan trackers as providers, boards and councils keep them, and what a careful reader takes from each.

    python tests/trackers/make_trackers.py OUT_DIR      # writes the trackers and OUT_DIR/truth.json

`make_all(out)` writes every tracker into `out` and returns the truth (also written as truth.json). The same code
gives the same bytes: fixed zip entry times and document properties, no random ids. Every person, service and
council is invented. The truth is written by hand beside the cells it describes, never computed by sgpack's code;
it records a reader's judgement (a date's day-first reading, a key's meaning, an initial looked up on a Key
sheet) with the reason in words. This module is over 400 lines because it is one generator per layout and the
truth beside each: split, the truth would drift from the cells it describes.

The truth:
    about
    files: {file name: {
        layout, modelled_on, format (xlsx | xlsm | docx | csv), written (false: no file, see notes),
        encoding (csv only), readable, unreadable_why, exercises: [what the file tests],
        options: {"--provider" | "--service" | "--risk" | "--sheet": the value a user gives}, options_why: {...},
        sheets: [{sheet, hidden, holds (plan | key | figures | old_plan), why}],
        key: null | {where, colours: [{cell, text, fill, means: {cell, text} | null, rag, status}],
                     owners: [{cell, text, initials, name, role}]},
        notes: [...],
        plans: [{sheet, provider, service,
                 fields: {plan field: {value, from: [{cell, text}], option, why}},
                 header_row, columns: [{cell, text, field}], header_extra: [{cell, text}],
                 action_count, actions: [action], not_actions: [{row, cells: [{cell, text}], why}]}]}}
    action:
        row, ref: {cell, text}, title: {cell, text},
        owner: {cell, text, name, role, why}, due: {cell, text, value (ISO | null), why},
        status: {value (planned | in_progress | completed | closed), cell, text, why},
        rag: {value (red | amber | green | blue | null), cell, text, fill, fill_how, why},
        narrative: {cell, text} | null, extra: [{column, cell, text, merged_over}],
        hesitations: [{cell, text, why}], kind: {value, also, why}, evidence_types: {value, cell, text, why},
        opened: {cell, text, value, why} (only where the tracker has a start date column)

A cell is "Sheet!B7" (a Word table is "Table 1", a CSV's sheet is its file's stem; a Word paragraph before the
table is "paragraph 3", counting from 1). `text` is what the cell holds as openpyxl (data_only), python-docx or
the csv module reads it back: text as written, a number as Python prints it, a date cell as its ISO date, "" for
an empty cell. `fill` is the colour the cell shows, "#RRGGBB" (`fill_how` says when it comes from a conditional
format rather than the cell's own fill). A value whose cell is among the action's hesitations is a reader's best
reading, not a certainty: an importer that leaves it empty and says why is also right there. `kind.also` lists the
other kinds a reader could defend for the same words.
"""
from __future__ import annotations

import colorsys
import csv
import datetime as dt
import io
import json
import re
import sys
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

BLUE, GREEN, AMBER, RED = "#0070C0", "#00B050", "#FFC000", "#FF0000"
LIGHT_BLUE = "#00B0F0"
PROVIDER = "Example Care Ltd"
STAMP = dt.datetime(2026, 11, 2, 9, 0, 0)       # every file's created/modified property and zip entry time
LARGE_ROWS = 50_000


# --------------------------------------------------------------------------------------------
# writing: fixed bytes, and cells remembered as the truth names them
# --------------------------------------------------------------------------------------------

def shown(value: Any) -> str:
    """A cell's value as the truth's `text`: what a reader library hands back, as text."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def _fixed_zip(data: bytes, *, replace: dict[str, bytes] | None = None) -> bytes:
    """Re-zip an OOXML package with fixed entry times and core-property dates (and any parts replaced)."""
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    stamp = STAMP.strftime("%Y-%m-%dT%H:%M:%SZ")
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            body = (replace or {}).get(info.filename, src.read(info.filename))
            if info.filename == "docProps/core.xml":
                text = body.decode("utf-8")
                for tag in ("created", "modified"):
                    text = re.sub(rf"(<dcterms:{tag}[^>]*>)[^<]*(</dcterms:{tag}>)", rf"\g<1>{stamp}\g<2>", text)
                body = text.encode("utf-8")
            entry = zipfile.ZipInfo(info.filename, date_time=STAMP.timetuple()[:6])
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o644 << 16
            dst.writestr(entry, body)
    return out.getvalue()


def _workbook_bytes(wb: Any) -> bytes:
    wb.properties.creator = PROVIDER
    wb.properties.lastModifiedBy = PROVIDER
    wb.properties.created = STAMP
    wb.properties.modified = STAMP
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def _fill(colour: str) -> Any:
    from openpyxl.styles import PatternFill
    argb = "FF" + colour.lstrip("#")
    return PatternFill(fill_type="solid", start_color=argb, end_color=argb)


class Grid:
    """A worksheet being written: cells put by reference, and named in the truth as they were put."""

    def __init__(self, ws: Any) -> None:
        self.ws = ws
        self.name = ws.title
        self.merges: dict[str, str] = {}        # a merged cell -> its range ("B7" -> "B7:B9")

    def put(self, ref: str, value: Any, *, fill: str | None = None, date_format: bool = False,
            bold: bool = False, wrap: bool = False) -> None:
        from openpyxl.styles import Alignment, Font
        cell = self.ws[ref]
        cell.value = value
        if fill:
            cell.fill = _fill(fill)
        if date_format:
            cell.number_format = "dd/mm/yyyy"
        if bold:
            cell.font = Font(bold=True)
        if wrap:
            cell.alignment = Alignment(wrap_text=True, vertical="top")

    def merge(self, first: str, last: str) -> None:
        self.ws.merge_cells(f"{first}:{last}")
        self.merges[first] = f"{first}:{last}"

    def cell(self, ref: str) -> dict[str, str]:
        return {"cell": f"{self.name}!{ref}", "text": shown(self.ws[ref].value)}

    def widths(self, widths: dict[str, int]) -> None:
        for column, width in widths.items():
            self.ws.column_dimensions[column].width = width


def header_row(g: Grid, row: int, headings: list[str], fields: list[str | None], *, fill: Any = None) -> list[dict]:
    """Write a table's header row; return the truth's `columns`."""
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter
    columns = []
    for index, (heading, name) in enumerate(zip(headings, fields), start=1):
        ref = f"{get_column_letter(index)}{row}"
        g.put(ref, heading, wrap=True)
        g.ws[ref].font = Font(bold=True)
        if fill is not None:
            g.ws[ref].fill = fill
        columns.append(g.cell(ref) | {"field": name})
    return columns


# --------------------------------------------------------------------------------------------
# the reader's take on one action
# --------------------------------------------------------------------------------------------

@dataclass
class Take:
    """What a careful reader takes from one row, beside what is written in it."""
    owner: tuple[str | None, str | None, str]          # name, role, why
    due: tuple[str | None, str]                        # ISO date or None, why
    status: tuple[str, str]                            # value, why
    rag: tuple[str | None, str]                        # value, why
    kind: tuple[str, str] | tuple[str, str, list[str]]  # value, why (, other kinds a reader could defend)
    types: tuple[list[str], str]                       # evidence types, why
    hesitate: list[tuple[str, str]] = field(default_factory=list)   # (column role, why)


def action_truth(cell: Any, row: int, cols: dict[str, str], extras: list[tuple[str, str]], take: Take,
                 *, merged: dict[str, tuple[str, str]] | None = None, rag_fill: str | None = None,
                 fill_how: str | None = None) -> dict:
    """The truth of one action. `cell(ref)` names a cell; `cols` maps ref, title, owner, due, status, rag,
    narrative and evidence to column letters; `extras` are (heading, letter) of the columns no plan field takes;
    `merged` maps a column letter to (the merge's first row, its range) when a merge covers this row."""
    def at(role: str) -> dict[str, str] | None:
        return cell(f"{cols[role]}{row}") if role in cols else None

    name, role, owner_why = take.owner
    due_value, due_why = take.due
    truth: dict[str, Any] = {
        "row": row,
        "ref": at("ref"),
        "title": at("title"),
        "owner": (at("owner") or {}) | {"name": name, "role": role, "why": owner_why},
        "due": (at("due") or {}) | {"value": due_value, "why": due_why},
        "status": {"value": take.status[0]} | (at("status") or {}) | {"why": take.status[1]},
        "rag": {"value": take.rag[0]} | (at("rag") or {}) | {"fill": rag_fill, "why": take.rag[1]},
        "narrative": at("narrative") if at("narrative") and at("narrative")["text"] else None,
        "extra": [],
        "hesitations": [],
        "kind": {"value": take.kind[0], "also": list(take.kind[2]) if len(take.kind) > 2 else [],
                 "why": take.kind[1]},
        "evidence_types": {"value": take.types[0]} | (at("evidence") or {}) | {"why": take.types[1]},
    }
    if fill_how:
        truth["rag"]["fill_how"] = fill_how
    for heading, letter in extras:
        if merged and letter in merged:
            first, span = merged[letter]
            truth["extra"].append({"column": heading} | cell(first) | {"merged_over": span})
        else:
            truth["extra"].append({"column": heading} | cell(f"{letter}{row}") | {"merged_over": None})
    for role_name, why in take.hesitate:
        truth["hesitations"].append(cell(f"{cols[role_name]}{row}") | {"why": why})
    return truth


def field_truth(value: Any, sources: list[dict[str, str]], why: str, option: str | None = None) -> dict:
    return {"value": value, "from": sources, "option": option, "why": why}


def option_field(value: str, option: str, why: str) -> dict:
    return {"value": value, "from": [], "option": option, "why": why}


def no_opened(why: str = "the file gives no date for the plan: a reader would ask when it was agreed") -> dict:
    return {"value": None, "from": [], "option": None, "why": why}


# --------------------------------------------------------------------------------------------
# a. a multi-agency SAR action plan (a Safeguarding Adults Board's)
# --------------------------------------------------------------------------------------------

SAR_KEY = [("Blue", BLUE, "Complete and impact evidenced", "blue", "closed"),
           ("Green", GREEN, "Complete", "green", "completed"),
           ("Amber", AMBER, "On track", "green", "in_progress"),
           ("Red", RED, "Off track / not started", "red", None)]


def _sar_rag(colour: str | None) -> tuple[str | None, str]:
    for word, fill, means, rag, _ in SAR_KEY:
        if fill == colour:
            return rag, (f"filled {word.lower()} ({fill}) with no text: the Key says {word} = '{means}'"
                         + (", which sgpack calls green" if word == "Amber" else ""))
    return None, "no fill and no text: not rated"


def sar_xlsx(out: Path) -> dict:
    from openpyxl import Workbook
    wb = Workbook()
    g = Grid(wb.active)
    g.ws.title = "Action plan"
    g.name = "Action plan"
    g.put("A1", "Safeguarding Adults Review: Adult B – Action Plan", bold=True)
    g.merge("A1", "I1")
    g.put("A2", "Northfield Safeguarding Adults Board")
    g.put("A3", "Date agreed: 12/03/2026")
    g.put("A4", "Monitored by: SAR Oversight Subgroup")
    headings = ["Ref", "Recommendation", "Action", "Lead agency / officer", "By when", "Progress update", "RAG",
                "Evidence of impact", "Critical friend comments"]
    columns = header_row(g, 6, headings, ["ref", None, "title", "owner", "due", "narrative", "rag", "evidence",
                                          None], fill=_fill("#D9D9D9"))
    cols = {"ref": "A", "title": "C", "owner": "D", "due": "E", "narrative": "F", "rag": "G", "evidence": "H"}
    extras = [("Recommendation", "B"), ("Critical friend comments", "I")]
    recommendations = [
        (7, 9, "1. Partner agencies should make sure that when an adult with care and support needs repeatedly "
               "declines services, a multi-agency risk management meeting is held and the adult's capacity to make "
               "that decision is assessed and recorded."),
        (10, 11, "2. The Board should seek assurance that care providers recognise and escalate self-neglect when "
                 "a person declines personal care."),
        (12, 14, "3. Partners should make sure that a person who declines care is not discharged from hospital "
                 "without a plan that addresses the risk of self-neglect."),
    ]
    marsh = ("P. Marsh", "Head of Safeguarding, ASC", "a name, then the role and agency after commas")
    okoro = ("J. Okoro", "ICB Designated Nurse", "a role with the name in brackets: the brackets hold the name")
    rows = [
        ("1.1", "Issue a 7-minute briefing on self-neglect and multi-agency risk management to all partner agencies",
         "P. Marsh, Head of Safeguarding, ASC", "25th September 2026",
         "Briefing agreed at the Learning and Development Subgroup on 4 June and issued to all partners on 12 June "
         "2026.", GREEN, "Briefing sessions attended by 186 staff across partners (training records)",
         "Good reach. How will we know practice has changed?",
         Take(marsh, ("2026-09-25", "the date written, '25th September 2026' (an ordinal day, then month and year)"),
              ("completed", "the Key's 'Complete' for its green fill; the update says the briefing was issued"),
              _sar_rag(GREEN), ("practice_change", "'Issue a 7-minute briefing ... to all partner agencies': what "
                                "staff know and do differently"),
              (["training"], "'briefing sessions attended' and 'training records'"))),
        ("1.2", "Audit 20 self-neglect cases to check that a multi-agency risk management meeting was held where "
                "services were declined", "ICB Designated Nurse (J. Okoro)", "01/01/27",
         "Audit tool agreed; case sample being drawn by the Quality Assurance Subgroup.", AMBER,
         "Multi-agency case file audit report", "",
         Take(okoro, ("2027-01-01", "the date written, '01/01/27' (day first, a two-digit year in this century)"),
              ("in_progress", "the Key's 'On track' for its amber fill; the update says the audit is under way"),
              _sar_rag(AMBER), ("evidence_measure", "'Audit 20 self-neglect cases to check that ...': a one-off "
                                "audit gathering proof of what happened, not a manager's routine check",
                                ["oversight"]),
              (["audit"], "'case file audit report'"))),
        ("1.3", "Amend the multi-agency self-neglect procedure so that a mental capacity assessment is recorded when "
                "services are declined", "Safeguarding Adults Board Business Manager (K. Doyle)", "September 2026",
         "Revised procedure approved by the Board on 16 September 2026 and published.", BLUE,
         "Procedure published; case file audit found capacity recorded in 17 of 20 cases",
         "Assured: impact evidenced by the audit.",
         Take(("K. Doyle", "Safeguarding Adults Board Business Manager", "a role with the name in brackets"),
              ("2026-09-30", "a month only, 'September 2026': a reader takes its last day"),
              ("closed", "the Key's 'Complete and impact evidenced' for its blue fill: closed on evidence"),
              _sar_rag(BLUE), ("practice_change", "'Amend the ... procedure': what staff are asked to do "
                               "differently"),
              (["policy", "audit"], "'Procedure published' and 'case file audit'"))),
        ("2.1", "Train all domiciliary care and care home staff in recognising and escalating self-neglect",
         "Head of Commissioning, ASC (R. Ahmed)", "end of April", "Not started: training provider being "
         "commissioned.", RED, "Training records from providers", "Slipped: please give a revised date.",
         Take(("R. Ahmed", "Head of Commissioning, ASC", "a role with the name in brackets"),
              ("2026-04-30", "free text 'end of April' with no year: the first end of April after the plan was "
                             "agreed (12/03/2026), so 30 April 2026"),
              ("planned", "the Key's 'Off track / not started' for its red fill, and the update says 'Not "
                          "started'"),
              _sar_rag(RED), ("practice_change", "'Train all ... staff': what staff do differently"),
              (["training"], "'Training records'"),
              [("due", "'end of April' gives no year: a reader takes April 2026 from the date agreed and would "
                       "confirm it")])),
        ("2.2", "Report provider escalation data for self-neglect to the Board each quarter",
         "P. Marsh, Head of Safeguarding, ASC", "Q2 2026/27", "First quarterly report presented to the Board in "
         "July 2026.", AMBER, "Quarterly Board report", "",
         Take(marsh, ("2026-09-30", "a financial quarter, 'Q2 2026/27' (July to September 2026): its last day"),
              ("in_progress", "the Key's 'On track' for its amber fill; the update says reporting has started"),
              _sar_rag(AMBER), ("evidence_measure", "'Report ... data to the Board each quarter': what proof is "
                                "gathered"),
              (["board_report"], "'Board report'"))),
        ("3.1", "Stop discharging people who decline care without a multi-agency discharge risk meeting, with "
                "immediate effect", "S. Kaur, Head of Patient Flow, NGH", "April 2026",
         "Standard operating procedure in place since 1 April 2026; two exceptions escalated in May.", GREEN,
         "Discharge exception log", "",
         Take(("S. Kaur", "Head of Patient Flow, NGH", "a name, then the role and agency after commas"),
              ("2026-04-30", "a month only, 'April 2026': a reader takes its last day"),
              ("completed", "the Key's 'Complete' for its green fill"),
              _sar_rag(GREEN), ("risk_control", "'Stop discharging ... with immediate effect': how harm is "
                                "prevented now"),
              (["incident_log"], "'exception log': a log of the cases escalated"))),
        ("3.2", "Hospital discharge team manager to audit monthly the discharges of people who declined care",
         "Discharge Team Manager", "Ongoing", "Monthly audit started May 2026: 14 discharges reviewed, all with a "
         "risk meeting.", AMBER, "Monthly discharge audit results", "Please name the manager.",
         Take((None, "Discharge Team Manager", "a role with no name"),
              (None, "'Ongoing' names no date"),
              ("in_progress", "the Key's 'On track' for its amber fill; the update says audits are under way"),
              _sar_rag(AMBER), ("oversight", "'manager to audit monthly': how managers know"),
              (["audit"], "'Monthly discharge audit results'"),
              [("owner", "a role, not a named person"), ("due", "'Ongoing': no due date to hold the action to")])),
        ("3.3", "Share the learning from this review with GP practices through the ICB safeguarding newsletter",
         "ICB Designated Nurse (J. Okoro)", "June 2026", "", None, "", "",
         Take(okoro, ("2026-06-30", "a month only, 'June 2026': a reader takes its last day"),
              ("planned", "no update and no colour: nothing says it has started (sgpack's default)"),
              _sar_rag(None), ("practice_change", "'Share the learning ... with GP practices': what others do "
                               "differently"),
              ([], "no evidence written and no evidence words in the action"),
              [("rag", "no colour and no update on an action due in June 2026")])),
    ]
    merged_for: dict[int, dict[str, tuple[str, str]]] = {}
    for first, last, text in recommendations:
        g.put(f"B{first}", text, wrap=True)
        if last > first:
            g.merge(f"B{first}", f"B{last}")
        for r in range(first, last + 1):
            merged_for[r] = {"B": (f"B{first}", f"B{first}:B{last}")}
    actions = []
    for offset, (ref, title, owner, due, progress, fill, evidence, friend, take) in enumerate(rows):
        r = 7 + offset
        for letter, value in zip("ACDEFHI", (ref, title, owner, due, progress, evidence, friend)):
            g.put(f"{letter}{r}", value or None, wrap=True)
        if fill:
            g.put(f"G{r}", None, fill=fill)
        actions.append(action_truth(g.cell, r, cols, extras, take, merged=merged_for[r], rag_fill=fill))
    g.widths({"A": 6, "B": 40, "C": 44, "D": 28, "E": 16, "F": 40, "G": 8, "H": 32, "I": 28})

    key = wb.create_sheet("Key")
    k = Grid(key)
    k.put("A1", "Key", bold=True)
    k.put("A2", "RAG", bold=True)
    k.put("B2", "Meaning", bold=True)
    colours = []
    for offset, (word, fill, means, rag, status) in enumerate(SAR_KEY):
        r = 3 + offset
        k.put(f"A{r}", word, fill=fill)
        k.put(f"B{r}", means)
        colours.append(k.cell(f"A{r}") | {"fill": fill, "means": k.cell(f"B{r}"), "rag": rag, "status": status})
    k.put("A8", "Please update the progress column and RAG before each Oversight Subgroup meeting.")
    (out / "sar-adult-b-action-plan.xlsx").write_bytes(_fixed_zip(_workbook_bytes(wb)))

    plan = {
        "sheet": "Action plan", "provider": "Northfield Safeguarding Adults Board", "service": "Northfield",
        "fields": {
            "provider": field_truth("Northfield Safeguarding Adults Board", [g.cell("A2")],
                                    "the organisation named under the title: the Board whose plan it is"),
            "service": option_field("Northfield", "--service", "a multi-agency plan names no service"),
            "risk": option_field("high", "--risk", "the tracker does not rate the plan's risk"),
            "title": field_truth("Safeguarding Adults Review: Adult B – Action Plan", [g.cell("A1")],
                                 "the title row"),
            "origin": field_truth("Safeguarding Adults Review: Adult B", [g.cell("A1")],
                                  "the review the plan answers, from the title"),
            "opened": field_truth("2026-03-12", [g.cell("A3")], "date from the text in A3: 'Date agreed: "
                                                                  "12/03/2026' (day first)"),
            "governance_forum": field_truth("SAR Oversight Subgroup", [g.cell("A4")],
                                            "'Monitored by: SAR Oversight Subgroup'"),
        },
        "header_row": 6, "columns": columns, "header_extra": [],
        "action_count": len(actions), "actions": actions, "not_actions": [],
    }
    return {
        "layout": "sar_xlsx", "modelled_on": "a Safeguarding Adults Board's published SAR action plan",
        "format": "xlsx", "written": True, "encoding": None, "readable": True, "unreadable_why": None,
        "exercises": ["title rows above the header", "a recommendation merged over two or three action rows",
                      "refs 1.1, 1.2, 2.1", "owners as 'name, role, agency' and 'role (name)'",
                      "RAG as fill only, read through a Key sheet where Green means complete and Amber on track",
                      "due dates '25th September 2026', '01/01/27', 'September 2026', 'Q2 2026/27', "
                      "'end of April', 'Ongoing'",
                      "an unrated action with no update", "critical friend comments kept"],
        "options": {"--service": "Northfield", "--risk": "high"},
        "options_why": {"--service": "a multi-agency plan names no CQC location or service",
                        "--risk": "the tracker does not rate the plan's risk"},
        "sheets": [{"sheet": "Action plan", "hidden": False, "holds": "plan", "why": "the action table"},
                   {"sheet": "Key", "hidden": False, "holds": "key", "why": "the meaning of each RAG colour"}],
        "key": {"where": "Key", "colours": colours, "owners": []},
        "notes": ["By this Key, Green means complete and Amber means on track: an amber cell is sgpack's green, a "
                  "green cell is complete (green, completed), and only blue is closed on evidence.",
                  "The recommendation in B7:B9, B10:B11 and B12:B14 belongs to every row it is merged over.",
                  "Red's key, 'Off track / not started', gives no status by itself: the update says which (2.1 says "
                  "'Not started': planned).",
                  "A2 names the Board without a label: a reader takes it as the organisation whose plan this is. An "
                  "importer that cannot tell may ask for --provider instead, and say so."],
        "plans": [plan],
    }


# --------------------------------------------------------------------------------------------
# b. a care home's CQC improvement plan
# --------------------------------------------------------------------------------------------

CQC_OWNERS = [("PS", "Priya Shah", "Registered Manager"), ("DO", "Daniel Okafor", "PBS Practitioner"),
              ("GM", "Grace Mensah", "Deputy Manager"), ("TH", "Tom Hughes", "Quality Lead")]
CQC_KEY = [("G", GREEN, "On track or complete", "green"), ("A", AMBER, "Some progress: at risk", "amber"),
           ("R", RED, "Not started or off track", "red")]


def _initials(code: str) -> tuple[str, str, str]:
    for initials, name, role in CQC_OWNERS:
        if initials == code:
            return name, role, f"initials {code} looked up on the Key sheet: '{code} – {name}, {role}'"
    raise KeyError(code)


def _cqc_rag(letter: str) -> tuple[str, str]:
    for text, _, means, rag in CQC_KEY:
        if text == letter:
            return rag, f"the text '{letter}': the Key says {letter} = '{means}'"
    raise KeyError(letter)


def cqc_xlsx(out: Path) -> dict:
    from openpyxl import Workbook
    wb = Workbook()
    g = Grid(wb.active)
    g.ws.title = g.name = "Improvement plan"
    g.put("A1", "CQC Improvement Plan", bold=True)
    for r, (label, value) in enumerate([("Service:", "Oakview"), ("Registered manager:", "Priya Shah"),
                                        ("Date:", "02/06/2026"), ("Provider:", PROVIDER),
                                        ("Inspection:", "CQC inspection 18–19 March 2026, report published "
                                                        "14/05/2026: Requires improvement")], start=2):
        g.put(f"A{r}", label, bold=True)
        g.put(f"B{r}", value)
    headings = ["No.", "Regulation", "Key question", "Issue identified", "Action to be taken", "Responsible person",
                "Target date", "Status", "RAG", "Evidence", "Signed off"]
    columns = header_row(g, 8, headings, ["ref", None, None, None, "title", "owner", "due", "status", "rag",
                                          "evidence", None], fill=_fill("#DDEBF7"))
    cols = {"ref": "A", "title": "E", "owner": "F", "due": "G", "status": "H", "rag": "I", "evidence": "J"}
    extras = [("Regulation", "B"), ("Key question", "C"), ("Issue identified", "D"), ("Signed off", "K")]
    reg13 = "Regulation 13: Safeguarding service users from abuse and improper treatment"
    reg17 = "Regulation 17: Good governance"
    prone = "Prone restraint was used twice in January 2026 with no debrief and no review."
    # (no., regulation, key question, issue, action, owner, due, due as a date cell?, status, rag, fill, evidence,
    #  signed off, take)
    rows = [
        (1, reg13, "Safe", prone, "Stop using prone restraint immediately; the shift lead authorises every "
         "restrictive intervention", "PS", dt.datetime(2026, 3, 31), True, "Complete", "G", GREEN,
         "restrictive practice log; debrief records", "PS 02/04/2026",
         Take(_initials("PS"), ("2026-03-31", "an Excel date cell"), ("completed", "Status 'Complete'"),
              _cqc_rag("G"), ("risk_control", "'Stop using prone restraint immediately': how harm is prevented "
                              "now"),
              (["incident_log", "debrief"], "'restrictive practice log' and 'debrief records'"))),
        (2, reg13, "Safe", prone, "Train all staff in positive behaviour support and de-escalation", "DO",
         "30.06.2026", False, "In progress", "A", GREEN, "training records; competency observations", "",
         Take(_initials("DO"), ("2026-06-30", "the date written, '30.06.2026' (day first)"),
              ("in_progress", "Status 'In progress'"),
              ("amber", "the text 'A' (the Key: A = 'Some progress: at risk'); the cell is filled green, and a "
                        "reader takes the text over the fill"),
              ("practice_change", "'Train all staff': what staff do differently"),
              (["training", "competency"], "'training records' and 'competency observations'"),
              [("rag", "the text says A (amber) but the cell is filled green: which did the manager mean?")])),
        (3, reg17, "Well-led", "Audits did not find that restrictive interventions had not been reviewed.",
         "Manager to audit the restrictive practice log monthly and report findings to the Quality and "
         "Safeguarding Committee", "PS", 46203, False, "In progress", "G", GREEN,
         "monthly audit of restrictive practice log; QSC minutes", "",
         Take(_initials("PS"), ("2026-06-30", "an Excel serial number, 46203, in a cell not formatted as a date: "
                                              "day 46203 of Excel's calendar is 30 June 2026"),
              ("in_progress", "Status 'In progress'"), _cqc_rag("G"),
              ("oversight", "'Manager to audit ... monthly': how managers know", ["evidence_measure"]),
              (["audit", "governance_minutes"], "'monthly audit' and 'QSC minutes' (the Quality and Safeguarding "
                                                "Committee's)"))),
        (4, "Regulation 12: Safe care and treatment", "Safe", "PRN medicines for distress were given without a "
         "protocol.", "Write a PRN protocol, agreed with the GP, for each person prescribed medicines for distress",
         "GM", "2026-07-31", False, "Not started", "R", RED, "PRN protocols; MAR audit", "",
         Take(_initials("GM"), ("2026-07-31", "an ISO date written as text, '2026-07-31'"),
              ("planned", "Status 'Not started'"), _cqc_rag("R"),
              ("practice_change", "'Write a PRN protocol ... for each person': how each person's care is given"),
              (["support_plan", "audit"], "'PRN protocols' (part of each person's care plan) and 'MAR audit'"))),
        (5, "Regulation 18: Staffing", "Effective", "Staff were not supervised as often as the provider's policy "
         "requires.", "Hold supervision with every member of staff every 8 weeks and record it", "PS/GM",
         dt.datetime(2026, 9, 30), True, "In progress", "A", AMBER, "supervision records; supervision matrix", "",
         Take(("Priya Shah", "Registered Manager", "two owners, 'PS/GM': a reader takes the first, PS, looked up "
                                                    "on the Key sheet, as the one accountable"),
              ("2026-09-30", "an Excel date cell"), ("in_progress", "Status 'In progress'"), _cqc_rag("A"),
              ("oversight", "'Hold supervision with every member of staff': how managers know what staff do",
               ["practice_change"]),
              (["supervision"], "'supervision records' and 'supervision matrix'"),
              [("owner", "two owners, PS and GM: sgpack holds one person accountable")])),
        (6, reg17, "Well-led", "The provider did not collect data on restrictive interventions.",
         "Report restrictive intervention data to the Board every quarter", "JB", "2026-10-31", False,
         "Not started", "R", RED, "Board report; monthly figures", "",
         Take((None, None, "initials JB are not on the Key sheet: the owner cannot be named"),
              ("2026-10-31", "an ISO date written as text, '2026-10-31'"), ("planned", "Status 'Not started'"),
              _cqc_rag("R"), ("evidence_measure", "'Report ... data to the Board': what proof is gathered"),
              (["board_report", "indicator"], "'Board report' and 'monthly figures'"),
              [("owner", "initials 'JB' are not on the Key sheet")])),
        (7, "Regulation 9: Person-centred care", "Responsive", "Behaviour support plans were not written with "
         "people and their families.", "Review each person's behaviour support plan with them, their family and "
         "advocate", "DO", dt.datetime(2026, 8, 31), True, "Complete", "G", GREEN,
         "behaviour support plans; family feedback", "PS 04/09/2026",
         Take(_initials("DO"), ("2026-08-31", "an Excel date cell"), ("completed", "Status 'Complete'"),
              _cqc_rag("G"), ("practice_change", "'Review each person's behaviour support plan with them': how "
                              "each person's support is planned"),
              (["support_plan", "feedback"], "'behaviour support plans' and 'family feedback'"))),
    ]
    actions = []
    for offset, (no, reg, kq, issue, title, owner, due, due_is_date, status, rag, fill, evidence, signed,
                 take) in enumerate(rows):
        r = 9 + offset
        for letter, value in zip("ABCDEFHJK", (no, reg, kq, issue, title, owner, status, evidence, signed)):
            g.put(f"{letter}{r}", value or None, wrap=True)
        g.put(f"G{r}", due, date_format=due_is_date)
        g.put(f"I{r}", rag, fill=fill)
        actions.append(action_truth(g.cell, r, cols, extras, take, rag_fill=fill))
    g.widths({"A": 5, "B": 28, "C": 12, "D": 36, "E": 44, "F": 12, "G": 12, "H": 12, "I": 6, "J": 30, "K": 14})

    k = Grid(wb.create_sheet("Key"))
    k.put("A1", "Key", bold=True)
    k.put("A3", "Responsible person", bold=True)
    owners = []
    for offset, (initials, name, role) in enumerate(CQC_OWNERS):
        r = 4 + offset
        k.put(f"A{r}", f"{initials} – {name}, {role}")
        owners.append(k.cell(f"A{r}") | {"initials": initials, "name": name, "role": role})
    k.put("A9", "RAG", bold=True)
    colours = []
    for offset, (text, fill, means, rag) in enumerate(CQC_KEY):
        r = 10 + offset
        k.put(f"A{r}", text, fill=fill)
        k.put(f"B{r}", means)
        colours.append(k.cell(f"A{r}") | {"fill": fill, "means": k.cell(f"B{r}"), "rag": rag, "status": None})
    (out / "oakview-cqc-improvement-plan.xlsx").write_bytes(_fixed_zip(_workbook_bytes(wb)))

    plan = {
        "sheet": "Improvement plan", "provider": PROVIDER, "service": "Oakview",
        "fields": {
            "provider": field_truth(PROVIDER, [g.cell("A5"), g.cell("B5")], "'Provider:' in the header block"),
            "service": field_truth("Oakview", [g.cell("A2"), g.cell("B2")], "'Service:' in the header block"),
            "risk": option_field("high", "--risk", "the tracker does not rate the plan's risk"),
            "title": field_truth("CQC Improvement Plan", [g.cell("A1")], "the title row"),
            "origin": field_truth("CQC inspection 18–19 March 2026, report published 14/05/2026: Requires "
                                  "improvement", [g.cell("A6"), g.cell("B6")], "'Inspection:' in the header block"),
            "opened": field_truth("2026-06-02", [g.cell("A4"), g.cell("B4")],
                                  "date from the header block: 'Date:' '02/06/2026' (day first)"),
        },
        "header_row": 8, "columns": columns, "header_extra": [g.cell("A3"), g.cell("B3")],
        "action_count": len(actions), "actions": actions, "not_actions": [],
    }
    return {
        "layout": "cqc_improvement_xlsx", "modelled_on": "a care home's improvement plan after a CQC inspection",
        "format": "xlsx", "written": True, "encoding": None, "readable": True, "unreadable_why": None,
        "exercises": ["a header block of labels and values in two columns",
                      "owners as initials explained on a Key sheet", "an owner's initials not on the Key",
                      "two owners in one cell", "RAG as text G/A/R with matching fills",
                      "a cell whose text (A) and fill (green) disagree",
                      "Status 'In progress', 'Complete', 'Not started'",
                      "dates as Excel date cells, '30.06.2026', a serial number (46203) in a General cell, ISO text",
                      "Regulation, Key question, Issue identified and Signed off kept"],
        "options": {"--risk": "high"},
        "options_why": {"--risk": "the tracker does not rate the plan's risk"},
        "sheets": [{"sheet": "Improvement plan", "hidden": False, "holds": "plan", "why": "the action table"},
                   {"sheet": "Key", "hidden": False, "holds": "key", "why": "owners' initials and the RAG letters"}],
        "key": {"where": "Key", "colours": colours, "owners": owners},
        "notes": ["'Signed off' holds who signed an action off and when ('PS 02/04/2026'); the Status column, not "
                  "the sign-off, gives the status.",
                  "B3, 'Registered manager: Priya Shah', names the plan's manager: no plan field holds it."],
        "plans": [plan],
    }


# --------------------------------------------------------------------------------------------
# c. a PAMMS action plan (a council's quality assessment of a homecare service), with a KPI sheet
# --------------------------------------------------------------------------------------------

PAMMS_KEY = [("Delivered and Complete", GREEN, "green", "completed"),
             ("Some issues outstanding", AMBER, "amber", "in_progress"),
             ("Not delivered and needs action", RED, "red", None)]


def _pamms_rag(words: str) -> tuple[str, str]:
    for text, _, rag, _ in PAMMS_KEY:
        if text == words:
            return rag, f"Status '{words}', a phrase of the key under the table (filled {rag})"
    raise KeyError(words)


def pamms_xlsx(out: Path) -> dict:
    from openpyxl import Workbook
    wb = Workbook()
    g = Grid(wb.active)
    g.ws.title = g.name = "Action plan"
    block = ["PAMMS Assessment – Provider Action Plan", f"Provider: {PROVIDER}", "Service: Riverside Homecare",
             "Local authority: Northfield County Council", "Date of assessment: 20/05/2026",
             "Overall rating: Requires Improvement", "Action plan agreed: 03/06/2026"]
    for r, text in enumerate(block, start=1):
        g.put(f"A{r}", text, bold=(r == 1))
    headings = ["PAMMS ref", "Domain", "Standard", "Finding", "Action", "Owner", "Timescale", "Update", "Status"]
    columns = header_row(g, 9, headings, ["ref", None, None, None, "title", "owner", "due", "narrative", "status"],
                         fill=_fill("#E2EFDA"))
    cols = {"ref": "A", "title": "E", "owner": "F", "due": "G", "narrative": "H", "status": "I", "rag": "I"}
    extras = [("Domain", "B"), ("Standard", "C"), ("Finding", "D")]
    bell = ("Marcus Bell", "Registered Manager", "'Name (Role)': the text in brackets is the role")
    rows = [
        ("SS3.2", "Safeguarding and Safety", "Safeguarding", "Two safeguarding concerns about missed calls were not "
         "referred to the local authority.", "Refer every missed call that causes harm to the local authority "
         "safeguarding team the same day, and log it", "Marcus Bell (Registered Manager)", "Immediate",
         "All missed calls reviewed daily by the office; three referrals made in June.", "Delivered and Complete",
         Take(bell, ("2026-06-03", "'Immediate': due at once, from the day the plan was agreed (A7, 03/06/2026)"),
              ("completed", "Status 'Delivered and Complete'"), _pamms_rag("Delivered and Complete"),
              ("risk_control", "'Refer every missed call that causes harm ... the same day': how harm is prevented "
                               "now"),
              (["incident_log"], "'and log it': a log of the referrals made"),
              [("due", "'Immediate' names no date: a reader takes the day the plan was agreed")])),
        ("SS3.4", "Safeguarding and Safety", "Safeguarding", "Staff could not say how to raise a safeguarding "
         "concern out of hours.", "Train all care workers in the out-of-hours safeguarding procedure",
         "Lena Novak (Care Coordinator)", "31/07/2026", "24 of 31 care workers trained; the other 7 are booked for "
         "August.", "Some issues outstanding",
         Take(("Lena Novak", "Care Coordinator", "'Name (Role)'"),
              ("2026-07-31", "the date written, '31/07/2026' (day first)"),
              ("in_progress", "Status 'Some issues outstanding'; the update says training is part done"),
              _pamms_rag("Some issues outstanding"), ("practice_change", "'Train all care workers'"),
              (["training"], "'care workers trained' in the update"))),
        ("QM5.1", "Quality of Management", "Governance", "Managers did not review call monitoring data.",
         "Registered manager to review call monitoring data weekly and report late and missed calls to the monthly "
         "quality meeting", "Marcus Bell (Registered Manager)", "Within 1 month",
         "Weekly review in place since 10 June 2026.", "Delivered and Complete",
         Take(bell, ("2026-07-03", "'Within 1 month' of the plan being agreed (A7, 03/06/2026)"),
              ("completed", "Status 'Delivered and Complete'"), _pamms_rag("Delivered and Complete"),
              ("oversight", "'Registered manager to review ... weekly': how managers know", ["evidence_measure"]),
              (["indicator", "governance_minutes"], "'call monitoring data' and 'the monthly quality meeting'"),
              [("due", "'Within 1 month': a reader counts from the day the plan was agreed and would confirm it")])),
        ("SU4.2", "Suitability of Staffing", "Recruitment", "Two staff files had no second reference.",
         "Audit all staff files and obtain the missing references", "Office Manager", "Q2 2026/27",
         "Audit of 45 files complete; 3 references still outstanding.", "Some issues outstanding",
         Take((None, "Office Manager", "a role with no name"),
              ("2026-09-30", "a financial quarter, 'Q2 2026/27' (July to September 2026): its last day"),
              ("in_progress", "Status 'Some issues outstanding'"), _pamms_rag("Some issues outstanding"),
              ("evidence_measure", "'Audit all staff files': a one-off check gathering proof, not a routine",
               ["oversight", "risk_control"]),
              (["audit"], "'Audit all staff files'"),
              [("owner", "a role, not a named person")])),
        ("PC2.3", "Personalised Care and Support", "Care planning", "Care plans did not record people's preferred "
         "call times.", "Review every care plan with the person to record their preferred call times",
         "Care Coordinators", "3 months", "", "Not delivered and needs action",
         Take((None, None, "'Care Coordinators' names a group, not a person"),
              ("2026-09-03", "'3 months' from the day the plan was agreed (A7, 03/06/2026)"),
              ("planned", "Status 'Not delivered and needs action' and no update: nothing says work has started"),
              _pamms_rag("Not delivered and needs action"),
              ("practice_change", "'Review every care plan with the person': how each person's care is planned"),
              (["support_plan"], "'care plan'"),
              [("owner", "a group, not a named person"),
               ("due", "'3 months': a reader counts from the day the plan was agreed and would confirm it"),
               ("status", "'Not delivered' with no update: not started, or started and stalled?")])),
        ("II1.1", "Involvement and Information", "Information", "The service user guide was out of date.",
         "Update the service user guide and give a copy to everyone who uses the service",
         "Marcus Bell (Registered Manager)", "30.09.2026", "Draft guide with the provider's communications team.",
         "Some issues outstanding",
         Take(bell, ("2026-09-30", "the date written, '30.09.2026' (day first)"),
              ("in_progress", "Status 'Some issues outstanding'; a draft exists"),
              _pamms_rag("Some issues outstanding"),
              ("practice_change", "'Update the service user guide': what people are told"),
              ([], "no evidence words"))),
    ]
    fills = {text: fill for text, fill, _, _ in PAMMS_KEY}
    actions = []
    for offset, (ref, domain, standard, finding, title, owner, due, update, status, take) in enumerate(rows):
        r = 10 + offset
        for letter, value in zip("ABCDEFGH", (ref, domain, standard, finding, title, owner, due, update)):
            g.put(f"{letter}{r}", value or None, wrap=True)
        g.put(f"I{r}", status, fill=fills[status])
        actions.append(action_truth(g.cell, r, cols, extras, take, rag_fill=fills[status]))
    legend_row = 10 + len(rows) + 1
    g.put(f"A{legend_row}", "Key", bold=True)
    colours = []
    not_actions = [{"row": legend_row, "cells": [g.cell(f"A{legend_row}")],
                    "why": "the key's heading, under the table after a blank row"}]
    for offset, (text, fill, rag, status) in enumerate(PAMMS_KEY):
        r = legend_row + 1 + offset
        g.put(f"A{r}", text, fill=fill)
        colours.append(g.cell(f"A{r}") | {"fill": fill, "means": None, "rag": rag, "status": status})
        not_actions.append({"row": r, "cells": [g.cell(f"A{r}")], "why": "a line of the key, not an action"})
    g.widths({"A": 10, "B": 24, "C": 14, "D": 36, "E": 44, "F": 28, "G": 14, "H": 40, "I": 26})

    kpi = Grid(wb.create_sheet("KPIs"))
    kpi.put("A1", "Riverside Homecare – monthly KPIs reported to Northfield County Council", bold=True)
    for letter, heading in zip("ABCDE", ["Month", "Planned calls", "Missed calls", "Late calls (>30 min)",
                                         "Late calls %"]):
        kpi.put(f"{letter}3", heading, bold=True)
    figures = [(4, 6120, 9, 551), (5, 6205, 7, 503), (6, 6188, 4, 371), (7, 6240, 3, 312), (8, 6102, 2, 275),
               (9, 6150, 2, 246), (10, 6233, 1, 231)]
    for offset, (month, planned, missed, late) in enumerate(figures):
        r = 4 + offset
        kpi.put(f"A{r}", dt.datetime(2026, month, 1))
        kpi.ws[f"A{r}"].number_format = "mmm-yy"
        for letter, value in zip("BCDE", (planned, missed, late, round(100 * late / planned, 1))):
            kpi.put(f"{letter}{r}", value)
    (out / "riverside-pamms-action-plan.xlsx").write_bytes(_fixed_zip(_workbook_bytes(wb)))

    plan = {
        "sheet": "Action plan", "provider": PROVIDER, "service": "Riverside Homecare",
        "fields": {
            "provider": field_truth(PROVIDER, [g.cell("A2")], "'Provider: Example Care Ltd'"),
            "service": field_truth("Riverside Homecare", [g.cell("A3")], "'Service: Riverside Homecare'"),
            "risk": option_field("medium", "--risk", "the tracker does not rate the plan's risk"),
            "title": field_truth("PAMMS Assessment – Provider Action Plan", [g.cell("A1")], "the title row"),
            "origin": field_truth("PAMMS assessment by Northfield County Council, 20/05/2026: Requires "
                                  "Improvement", [g.cell("A4"), g.cell("A5"), g.cell("A6")],
                                  "the assessment the plan answers: its council, date and rating"),
            "opened": field_truth("2026-06-03", [g.cell("A7")], "date from the text in A7: 'Action plan agreed: "
                                  "03/06/2026' (the plan's own date, not the assessment's)"),
        },
        "header_row": 9, "columns": columns, "header_extra": [],
        "action_count": len(actions), "actions": actions, "not_actions": not_actions,
    }
    return {
        "layout": "pamms_xlsx",
        "modelled_on": "a local authority's PAMMS provider action plan for a homecare service",
        "format": "xlsx", "written": True, "encoding": None, "readable": True, "unreadable_why": None,
        "exercises": ["labels and values in one cell ('Service: Riverside Homecare')",
                      "a word-only key under the table, after a blank row: its lines are not actions",
                      "Status holding the key's words, filled to match: the RAG comes from the words",
                      "a KPI sheet of monthly figures that holds no actions",
                      "timescales 'Immediate', 'Within 1 month', '3 months', 'Q2 2026/27', '31/07/2026', "
                      "'30.09.2026'",
                      "owners as 'Name (Role)', a role alone, a group",
                      "Domain, Standard and Finding kept"],
        "options": {"--risk": "medium"},
        "options_why": {"--risk": "the tracker does not rate the plan's risk"},
        "sheets": [{"sheet": "Action plan", "hidden": False, "holds": "plan", "why": "the action table and its key"},
                   {"sheet": "KPIs", "hidden": False, "holds": "figures",
                    "why": "monthly call figures for the council, not actions"}],
        "key": {"where": f"Action plan!A{legend_row}:A{legend_row + 3}", "colours": colours, "owners": []},
        "notes": ["The Status words are the key: no separate RAG column. 'Not delivered and needs action' is red.",
                  "Relative timescales count from the day the plan was agreed (A7), not the assessment (A5)."],
        "plans": [plan],
    }


# --------------------------------------------------------------------------------------------
# d. a SAR action plan kept as a Word table
# --------------------------------------------------------------------------------------------

def _shade(cell: Any, colour: str) -> None:
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    shading = OxmlElement("w:shd")
    shading.set(qn("w:val"), "clear")
    shading.set(qn("w:color"), "auto")
    shading.set(qn("w:fill"), colour.lstrip("#"))
    cell._tc.get_or_add_tcPr().append(shading)


def _docx_bytes(document: Any, title: str) -> bytes:
    props = document.core_properties
    props.title = title
    props.author = props.last_modified_by = PROVIDER
    props.created = props.modified = props.last_printed = STAMP
    props.revision = 1
    buffer = io.BytesIO()
    document.save(buffer)
    return _fixed_zip(buffer.getvalue())


def sar_docx(out: Path) -> dict:
    import docx
    document = docx.Document()
    paragraphs = ["Safeguarding Adults Review – Mr C: Riverside Homecare action plan", "Service: Riverside Homecare",
                  "Lead: Marcus Bell (Registered Manager)", "Date: 14 May 2026",
                  "This plan answers the recommendations of Northfield Safeguarding Adults Board's review of the "
                  "care of Mr C that apply to homecare providers."]
    document.add_heading(paragraphs[0], level=0)
    for text in paragraphs[1:]:
        document.add_paragraph(text)

    def para(n: int) -> dict[str, str]:
        return {"cell": f"paragraph {n}", "text": paragraphs[n - 1]}

    headings = ["Recommendation", "Action", "Lead", "Timescale", "Progress", "RAG"]
    recommendations = [
        (2, 4, "1. Homecare providers should have a clear procedure for when a care worker cannot get into a "
               "person's home."),
        (5, 6, "2. Providers should make sure that concerns about a person's failing health are passed to their "
               "GP or district nurse the same day."),
        (7, 7, "3. The Board should receive assurance that the learning from this review has been embedded."),
    ]
    bell = ("Marcus Bell", None, "a name alone (the role is in the paragraph 'Lead: Marcus Bell (Registered "
                                 "Manager)')")
    no_key = "no key in the document: the shading read by its usual meaning"
    rows = [
        ("Write a no-access procedure: the care worker phones the office, the office phones the next of kin and, "
         "with no answer in 30 minutes, the police", "Marcus Bell", "June 2026",
         "Complete: procedure issued on 2 June 2026; every member of staff has signed to say they have read it.",
         GREEN,
         Take(bell, ("2026-06-30", "a month only, 'June 2026': a reader takes its last day"),
              ("completed", "the progress begins 'Complete'"), ("green", f"shaded green ({GREEN}): {no_key}"),
              ("practice_change", "'Write a no-access procedure': what staff do when they cannot get in"),
              (["policy"], "'procedure issued' in the progress"))),
        ("Train all care workers and office staff in the no-access procedure", "Lena Novak, Care Coordinator",
         "30/09/2026", "38 of 45 staff trained (training matrix, August).", AMBER,
         Take(("Lena Novak", "Care Coordinator", "a name, then the role after a comma"),
              ("2026-09-30", "the date written, '30/09/2026' (day first)"),
              ("in_progress", "the progress says training is part done"),
              ("amber", f"shaded amber ({AMBER}): {no_key}"), ("practice_change", "'Train all care workers'"),
              (["training"], "'training matrix' in the progress"))),
        ("Office manager to check every no-access call on the call monitoring system each week",
         "Office Manager (Sam Reid)", "3 months", "Weekly checks since 1 July; two no-access calls, both escalated "
         "within 30 minutes.", GREEN,
         Take(("Sam Reid", "Office Manager", "a role with the name in brackets"),
              ("2026-08-14", "'3 months' from the plan's date (paragraph 4, 'Date: 14 May 2026')"),
              ("in_progress", "weekly checks under way"), ("green", f"shaded green ({GREEN}): {no_key}"),
              ("oversight", "'Office manager to check every no-access call ... each week': how managers know"),
              (["spot_check"], "'checks' of calls on the monitoring system"),
              [("due", "'3 months': a reader counts from the plan's date and would confirm it")])),
        ("Stop leaving concerns about failing health in the daily notes alone: care workers phone the office, "
         "which tells the GP the same day", "Marcus Bell", "Immediate", "In place from 15 May 2026; six concerns "
         "passed to GPs in June and July.", GREEN,
         Take(bell, ("2026-05-14", "'Immediate': due at once, from the plan's date (paragraph 4)"),
              ("in_progress", "a control in place and continuing; nothing says it is complete"),
              ("green", f"shaded green ({GREEN}): {no_key}"),
              ("risk_control", "'Stop leaving concerns ... in the daily notes alone': how harm is prevented now"),
              ([], "no evidence words"),
              [("due", "'Immediate' names no date: a reader takes the plan's date")])),
        ("Report the number of health concerns passed to GPs each month to the quality meeting",
         "Tom Hughes (Quality Lead)", "Ongoing", "", None,
         Take(("Tom Hughes", "Quality Lead", "'Name (Role)'"), (None, "'Ongoing' names no date"),
              ("planned", "no progress and no shading: nothing says it has started"),
              (None, "no shading: not rated"),
              ("evidence_measure", "'Report the number ... each month': what proof is gathered"),
              (["indicator", "governance_minutes"], "'the number ... each month' and 'the quality meeting'"),
              [("due", "'Ongoing': no due date"), ("rag", "no shading and no progress")])),
        ("Present a report on how the learning has been embedded to the Safeguarding Adults Board",
         "Marcus Bell (Registered Manager)", "December 2026", "Not started.", RED,
         Take(("Marcus Bell", "Registered Manager", "'Name (Role)'"),
              ("2026-12-31", "a month only, 'December 2026': a reader takes its last day"),
              ("planned", "the progress says 'Not started'"), ("red", f"shaded red ({RED}): {no_key}"),
              ("evidence_measure", "'Present a report ... to the Safeguarding Adults Board': proof for the Board"),
              (["board_report"], "'a report ... to the ... Board'"))),
    ]
    table = document.add_table(rows=1 + len(rows), cols=len(headings))
    table.style = "Table Grid"
    for c, heading in enumerate(headings):
        table.cell(0, 0 + c).text = heading
        table.cell(0, c).paragraphs[0].runs[0].bold = True
    for first, last, text in recommendations:
        if last > first:
            table.cell(first - 1, 0).merge(table.cell(last - 1, 0))
        table.cell(first - 1, 0).text = text
    for offset, (title, lead, timescale, progress, shade, _) in enumerate(rows):
        cells = table.rows[1 + offset].cells
        for c, value in zip(range(1, 5), (title, lead, timescale, progress)):
            cells[c].text = value
        if shade:
            _shade(cells[5], shade)
    (out / "riverside-sar-mr-c-action-plan.docx").write_bytes(
        _docx_bytes(document, "SAR Mr C – Riverside Homecare action plan"))

    def cell(ref: str) -> dict[str, str]:
        column, row = ref[0], int(ref[1:])
        return {"cell": f"Table 1!{ref}", "text": table.cell(row - 1, ord(column) - ord("A")).text}

    cols = {"title": "B", "owner": "C", "due": "D", "narrative": "E", "rag": "F"}
    actions = []
    for offset, (*_, shade, take) in enumerate(rows):
        r = 2 + offset
        first, last, _ = next(rec for rec in recommendations if rec[0] <= r <= rec[1])
        truth = action_truth(cell, r, cols, [("Recommendation", "A")], take,
                             merged={"A": (f"A{first}", f"A{first}:A{last}")}, rag_fill=shade)
        truth["ref"] = None
        actions.append(truth)
    columns = [cell(f"{chr(ord('A') + c)}1") | {"field": name} for c, name in
               enumerate([None, "title", "owner", "due", "narrative", "rag"])]
    plan = {
        "sheet": "Table 1", "provider": PROVIDER, "service": "Riverside Homecare",
        "fields": {
            "provider": option_field(PROVIDER, "--provider", "the document does not name the provider"),
            "service": field_truth("Riverside Homecare", [para(2)], "'Service: Riverside Homecare'"),
            "risk": option_field("high", "--risk", "the document does not rate the plan's risk"),
            "title": field_truth(paragraphs[0], [para(1)], "the document's title"),
            "origin": field_truth("Safeguarding Adults Review – Mr C (Northfield Safeguarding Adults Board)",
                                  [para(1), para(5)], "the review the plan answers"),
            "opened": field_truth("2026-05-14", [para(4)], "date from the paragraph 'Date: 14 May 2026'"),
        },
        "header_row": 1, "columns": columns, "header_extra": [para(3)],
        "action_count": len(actions), "actions": actions, "not_actions": [],
    }
    return {
        "layout": "sar_docx", "modelled_on": "a provider's single-agency SAR action plan kept as a Word table",
        "format": "docx", "written": True, "encoding": None, "readable": True, "unreadable_why": None,
        "exercises": ["paragraphs before the table holding the service, lead and date",
                      "recommendations merged vertically over the actions they cover", "no reference column",
                      "RAG as cell shading, with no key", "status read from the progress words",
                      "timescales 'June 2026', '30/09/2026', '3 months', 'Immediate', 'Ongoing', 'December 2026'"],
        "options": {"--provider": PROVIDER, "--risk": "high"},
        "options_why": {"--provider": "the document does not name the provider",
                        "--risk": "the document does not rate the plan's risk"},
        "sheets": [{"sheet": "Table 1", "hidden": False, "holds": "plan", "why": "the document's one table"}],
        "key": None,
        "notes": ["No reference column: a reader numbers the actions by row; the truth's ref is null.",
                  "Paragraph 3, 'Lead: Marcus Bell (Registered Manager)', names the plan's lead: no plan field holds "
                  "it, but it gives the role of the 'Marcus Bell' rows.",
                  "The grid model (evidence_store/grid.py) holds Word tables only; the paragraphs are named here as "
                  "'paragraph N'."],
        "plans": [plan],
    }


# --------------------------------------------------------------------------------------------
# e. a CSV export from a governance tool, in Windows-1252
# --------------------------------------------------------------------------------------------

def governance_csv(out: Path) -> dict:
    stem = "governance-actions-export"
    header = ["ID", "Action", "Owner", "Due Date", "Status", "RAG", "Last Update", "Evidence"]
    no_key = "the text, read by its usual meaning (the export has no key)"
    rows = [
        (["QA-7", "Spot check daily records at Riverside Homecare every week and give the care worker feedback the "
          "same day", "Tom Hughes – Quality Lead", "2026-08-28", "In Progress", "Green",
          "Weekly spot checks since July; feedback given in every case – see the spot check log.",
          "spot check records; supervision records"],
         Take(("Tom Hughes", "Quality Lead", "a name, a dash, the role"),
              ("2026-08-28", "an ISO date, '2026-08-28'"), ("in_progress", "Status 'In Progress'"),
              ("green", f"'Green': {no_key}"), ("oversight", "'Spot check daily records ... every week': how "
                                                             "managers know"),
              (["spot_check", "supervision"], "'spot check records' and 'supervision records'"))),
        (["QA-8", "Train all office staff in recording and escalating late calls", "Lena Novak – Care Coordinator",
          "15/09/2026", "Closed", "Blue", "All 9 office staff trained; competency checked by the manager.",
          "training records; competency sign-offs"],
         Take(("Lena Novak", "Care Coordinator", "a name, a dash, the role"),
              ("2026-09-15", "a UK date, '15/09/2026' (day first)"), ("closed", "Status 'Closed'"),
              ("blue", f"'Blue': {no_key} (complete and evidenced)"), ("practice_change", "'Train all office staff'"),
              (["training", "competency"], "'training records' and 'competency sign-offs'"))),
        (["QA-9", "Report record-quality audit scores to the Quality and Safeguarding Committee each month",
          "Helen Carter – Head of Quality and Safeguarding", "2026-12-31", "Open", "Amber",
          "Committee didn’t receive the September figures; October’s report due 12/11/2026.",
          "QSC minutes; audit scores"],
         Take(("Helen Carter", "Head of Quality and Safeguarding", "a name, a dash, the role"),
              ("2026-12-31", "an ISO date, '2026-12-31' (the date in the update is when a report is due, not the "
                             "action)"),
              ("in_progress", "Status 'Open' with an update showing work done: open and under way"),
              ("amber", f"'Amber': {no_key}"), ("evidence_measure", "'Report ... audit scores ... each month'"),
              (["governance_minutes", "audit"], "'QSC minutes' and 'audit scores'"))),
        (["QA-10", "Stop agency staff working alone on double-up calls, with immediate effect",
          "Marcus Bell – Registered Manager", "05/06/2026", "Complete", "Green",
          "Rota rule in place from 5 June; no lone agency double-ups since.", "rota audit"],
         Take(("Marcus Bell", "Registered Manager", "a name, a dash, the role"),
              ("2026-06-05", "a UK date, '05/06/2026' (day first: 5 June, not 6 May)"),
              ("completed", "Status 'Complete'"), ("green", f"'Green': {no_key}"),
              ("risk_control", "'Stop agency staff working alone ... with immediate effect'"),
              (["audit"], "'rota audit'"))),
        (["QA-11", "Manager to audit the daily records of the people with the most calls each month", "TBC",
          "07/08/2026", "Overdue", "Red", "Not started – owner to be agreed.", ""],
         Take((None, None, "'TBC': no owner yet"),
              ("2026-08-07", "a UK date, '07/08/2026' (day first: 7 August, not 8 July)"),
              ("planned", "Status 'Overdue' and the update says 'Not started'"), ("red", f"'Red': {no_key}"),
              ("oversight", "'Manager to audit ... each month': how managers know"),
              (["audit"], "no evidence written; 'audit' in the action"),
              [("owner", "'TBC': a placeholder, not a person")])),
        (["QA-12", "Ask the people who use the service and their families about call times in a survey every "
          "quarter", "Sofia Marin – Quality and Compliance Officer", "30/09/26", "In Progress", "Amber",
          "First survey sent in September; 41% responded so far.", "survey results"],
         Take(("Sofia Marin", "Quality and Compliance Officer", "a name, a dash, the role"),
              ("2026-09-30", "a UK date with a two-digit year, '30/09/26'"), ("in_progress", "Status 'In Progress'"),
              ("amber", f"'Amber': {no_key}"), ("evidence_measure", "'in a survey every quarter': what proof is "
                                                                    "gathered"),
              (["feedback"], "'survey results'"))),
    ]
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(values for values, _ in rows)
    (out / f"{stem}.csv").write_bytes(buffer.getvalue().encode("cp1252"))

    table = [header] + [values for values, _ in rows]

    def cell(ref: str) -> dict[str, str]:
        column, row = ref[0], int(ref[1:])
        return {"cell": f"{stem}!{ref}", "text": table[row - 1][ord(column) - ord("A")]}

    cols = {"ref": "A", "title": "B", "owner": "C", "due": "D", "status": "E", "rag": "F", "narrative": "G",
            "evidence": "H"}
    actions = [action_truth(cell, 2 + offset, cols, [], take) for offset, (_, take) in enumerate(rows)]
    columns = [cell(f"{chr(ord('A') + c)}1") | {"field": name} for c, name in
               enumerate(["ref", "title", "owner", "due", "status", "rag", "narrative", "evidence"])]
    plan = {
        "sheet": stem, "provider": PROVIDER, "service": "Riverside Homecare",
        "fields": {
            "provider": option_field(PROVIDER, "--provider", "an export has no header block"),
            "service": option_field("Riverside Homecare", "--service", "an export has no header block"),
            "risk": option_field("medium", "--risk", "an export has no header block"),
            "opened": no_opened("an export has no date for the plan; its earliest due date is not when it opened"),
        },
        "header_row": 1, "columns": columns, "header_extra": [],
        "action_count": len(actions), "actions": actions, "not_actions": [],
    }
    return {
        "layout": "governance_csv", "modelled_on": "an action log exported from a governance tool as CSV",
        "format": "csv", "written": True, "encoding": "cp1252", "readable": True, "unreadable_why": None,
        "exercises": ["Windows-1252 text ('–' is byte 0x96, '’' byte 0x92), CRLF line ends",
                      "ids like QA-7", "ISO and UK dates side by side, two of them that read differently "
                                       "month-first",
                      "RAG as words with no key, Blue among them", "Status 'Open', 'Overdue', 'Closed'",
                      "owners as 'Name – Role' and 'TBC'", "a date in the update that is not the due date"],
        "options": {"--provider": PROVIDER, "--service": "Riverside Homecare", "--risk": "medium"},
        "options_why": {"--provider": "an export has no header block", "--service": "an export has no header block",
                        "--risk": "an export has no header block"},
        "sheets": [{"sheet": stem, "hidden": False, "holds": "plan", "why": "the whole file"}],
        "key": None,
        "notes": ["Read as UTF-8 the file fails at the first '–' (byte 0x96): it is Windows-1252, as Excel and "
                  "many tools save CSV on Windows."],
        "plans": [plan],
    }


# --------------------------------------------------------------------------------------------
# f. one workbook, three services' plans (a sheet each), a hidden old plan and a Key
# --------------------------------------------------------------------------------------------

SERVICES_KEY = [("Red", RED, "Off track", "red", "in_progress"), ("Amber", AMBER, "At risk", "amber", "in_progress"),
                ("Green", GREEN, "On track", "green", "in_progress"),
                ("Blue", LIGHT_BLUE, "Complete and evidenced", "blue", "closed")]
ACCENT1, HEADER_TINT = "#4F81BD", 0.5999938962981048     # openpyxl's default theme; Excel's 'Lighter 60%'


def _tinted(colour: str, tint: float) -> str:
    """A theme colour lightened by a positive tint, as Excel does it (in HLS)."""
    r, g, b = (int(colour[i:i + 2], 16) / 255 for i in (1, 3, 5))
    h, light, s = colorsys.rgb_to_hls(r, g, b)
    light = light * (1 - tint) + tint
    return "#" + "".join(f"{round(v * 255):02X}" for v in colorsys.hls_to_rgb(h, light, s))


def _services_rag(word: str) -> tuple[str, str]:
    for text, fill, means, rag, _ in SERVICES_KEY:
        if text == word:
            return rag, f"the text '{word}' (coloured {fill} by the sheet's conditional formatting): the Key says " \
                        f"{word} = '{means}'"
    raise KeyError(word)


def services_xlsx(out: Path) -> dict:
    from openpyxl import Workbook
    from openpyxl.formatting.rule import CellIsRule
    from openpyxl.styles import Color, Font, PatternFill
    wb = Workbook()
    wb.remove(wb.active)
    theme_fill = PatternFill(fill_type="solid", fgColor=Color(theme=4, tint=HEADER_TINT))
    headings = ["Ref", "Action", "Owner", "Due", "RAG", "Update", "Evidence"]
    fields = ["ref", "title", "owner", "due", "rag", "narrative", "evidence"]
    cols = dict(zip(["ref", "title", "owner", "due", "rag", "narrative", "evidence"], "ABCDEFG"))
    person = "'Name (Role)': the text in brackets is the role"
    plans_rows = {
        "Oakview": ("2026-04-01", [
            ("OV-1", "Monthly audit of PBS plans against the restrictive practice log", "Tom Hughes (Quality Lead)",
             dt.datetime(2026, 12, 31), "Amber", "Audits restart in December after a gap since August.",
             "monthly audit of PBS plans; supervision records",
             Take(("Tom Hughes", "Quality Lead", person), ("2026-12-31", "an Excel date cell"),
                  ("in_progress", "the Key's 'At risk' for Amber, and the update says audits restart"),
                  _services_rag("Amber"),
                  ("evidence_measure", "'Monthly audit of PBS plans against the ... log': proof the plans match "
                                       "what happens", ["oversight"]),
                  (["audit", "supervision"], "'monthly audit of PBS plans' and 'supervision records'"))),
            ("OV-2", "De-escalation refresher training for all staff", "Grace Mensah (Deputy Manager)", "30/09/2026",
             "Blue", "All 32 staff completed the refresher; competency observations show it is used.",
             "training records; competency observations",
             Take(("Grace Mensah", "Deputy Manager", person), ("2026-09-30", "the date written, '30/09/2026'"),
                  ("closed", "the Key's 'Complete and evidenced' for Blue"), _services_rag("Blue"),
                  ("practice_change", "'refresher training for all staff'"),
                  (["training", "competency"], "'training records' and 'competency observations'"))),
            ("OV-3", "Registered manager reviews every restrictive intervention within 72 hours",
             "Priya Shah (Registered Manager)", "Ongoing", "Green", "Reviewed within 72 hours in 11 of 12 cases in "
             "October.", "restrictive practice log; debrief records",
             Take(("Priya Shah", "Registered Manager", person), (None, "'Ongoing' names no date"),
                  ("in_progress", "the Key's 'On track' for Green"), _services_rag("Green"),
                  ("oversight", "'Registered manager reviews every restrictive intervention'"),
                  (["incident_log", "debrief"], "'restrictive practice log' and 'debrief records'"),
                  [("due", "'Ongoing': no due date")])),
        ]),
        "Riverside Homecare": ("2026-04-20", [
            ("RV-1", "Stop scheduling calls with less than 15 minutes' travel time between them",
             "Marcus Bell (Registered Manager)", dt.datetime(2026, 7, 31), "Blue",
             "Scheduling rule live since 1 July; late calls down from 9% to 4%.", "rota audit; monthly figures",
             Take(("Marcus Bell", "Registered Manager", person), ("2026-07-31", "an Excel date cell"),
                  ("closed", "the Key's 'Complete and evidenced' for Blue"), _services_rag("Blue"),
                  ("risk_control", "'Stop scheduling calls with less than 15 minutes' travel time'"),
                  (["audit", "indicator"], "'rota audit' and 'monthly figures'"))),
            ("RV-2", "Spot checks of care workers in people's homes every month", "Lena Novak (Care Coordinator)",
             dt.datetime(2026, 10, 31), "Red", "Only 2 spot checks since August: coordinator post vacant.",
             "spot check records",
             Take(("Lena Novak", "Care Coordinator", person), ("2026-10-31", "an Excel date cell"),
                  ("in_progress", "the Key's 'Off track' for Red; some checks were done"), _services_rag("Red"),
                  ("oversight", "'Spot checks of care workers ... every month': how managers know"),
                  (["spot_check"], "'spot check records'"))),
            ("RV-3", "Report missed and late calls to the commissioner every month",
             "Marcus Bell (Registered Manager)", dt.datetime(2027, 3, 31), "Green", "Sent every month since May.",
             "contract monitoring visit notes; monthly figures",
             Take(("Marcus Bell", "Registered Manager", person), ("2027-03-31", "an Excel date cell"),
                  ("in_progress", "the Key's 'On track' for Green"), _services_rag("Green"),
                  ("evidence_measure", "'Report missed and late calls to the commissioner'"),
                  (["partner_feedback", "indicator"], "'contract monitoring visit notes' and 'monthly figures'"))),
        ]),
        "Meadow Court": ("2026-09-01", [
            ("MC-1", "Reposition people at risk of pressure ulcers as their care plans set out, and record it",
             "Amara Nwosu (Clinical Lead)", dt.datetime(2026, 11, 30), "Amber",
             "Repositioning charts complete in 85% of checks.", "care plan audits; competency observations",
             Take(("Amara Nwosu", "Clinical Lead", person), ("2026-11-30", "an Excel date cell"),
                  ("in_progress", "the Key's 'At risk' for Amber"), _services_rag("Amber"),
                  ("practice_change", "'Reposition people ... as their care plans set out': what staff do"),
                  (["audit", "competency"], "'care plan audits' and 'competency observations'"))),
            ("MC-2", "Clinical lead to check repositioning charts daily and escalate gaps to the nurse in charge",
             "Amara Nwosu (Clinical Lead)", "Ongoing", "Green", "Daily checks since September.",
             "spot check records; QSC minutes",
             Take(("Amara Nwosu", "Clinical Lead", person), (None, "'Ongoing' names no date"),
                  ("in_progress", "the Key's 'On track' for Green"), _services_rag("Green"),
                  ("oversight", "'Clinical lead to check ... daily': how managers know"),
                  (["spot_check", "governance_minutes"], "'spot check records' and 'QSC minutes'"),
                  [("due", "'Ongoing': no due date")])),
            ("MC-3", "Train all nurses and care assistants in pressure ulcer prevention (React to Red)",
             "Meadow Court training lead", dt.datetime(2026, 10, 31), "Red", "Training postponed twice.",
             "training records",
             Take((None, "Meadow Court training lead", "a role with no name"), ("2026-10-31", "an Excel date cell"),
                  ("in_progress", "the Key's 'Off track' for Red"), _services_rag("Red"),
                  ("practice_change", "'Train all nurses and care assistants'"),
                  (["training"], "'training records'"),
                  [("owner", "a role, not a named person")])),
        ]),
    }
    plans, sheets = [], []
    for service, (opened, rows) in plans_rows.items():
        g = Grid(wb.create_sheet(service))
        g.put("A1", "Service improvement plan 2026/27")
        g.ws["A1"].font = Font(bold=True, size=14, color=Color(theme=4, tint=-0.249977111117893))
        g.put("A2", f"Provider: {PROVIDER}")
        g.put("A3", f"Service: {service}")
        g.put("A4", f"Plan opened: {dt.date.fromisoformat(opened):%d/%m/%Y}")
        g.put("A5", "Reviewed by: Quality and Safeguarding Committee")
        columns = header_row(g, 7, headings, fields, fill=theme_fill)
        actions = []
        for offset, (ref, title, owner, due, rag, update, evidence, take) in enumerate(rows):
            r = 8 + offset
            for letter, value in zip("ABCDEFG", (ref, title, owner, due, rag, update, evidence)):
                g.put(f"{letter}{r}", value, wrap=True, date_format=isinstance(value, dt.datetime))
            fill = next(f for text, f, *_ in SERVICES_KEY if text == rag)
            actions.append(action_truth(g.cell, r, cols, [], take, rag_fill=fill,
                                        fill_how=f"conditional formatting: the cell equals \"{rag}\""))
        last = 7 + len(rows)
        for text, fill, *_ in SERVICES_KEY:
            argb = "FF" + fill.lstrip("#")
            g.ws.conditional_formatting.add(f"E8:E{last + 20}", CellIsRule(
                operator="equal", formula=[f'"{text}"'],
                fill=PatternFill(fill_type="solid", start_color=argb, end_color=argb)))
        g.widths({"A": 7, "B": 48, "C": 30, "D": 12, "E": 8, "F": 40, "G": 36})
        plans.append({
            "sheet": service, "provider": PROVIDER, "service": service,
            "fields": {
                "provider": field_truth(PROVIDER, [g.cell("A2")], "'Provider: Example Care Ltd'"),
                "service": field_truth(service, [g.cell("A3")], f"'Service: {service}' (the sheet's name too)"),
                "risk": option_field("medium", "--risk", "the workbook does not rate the plans' risk"),
                "title": field_truth(f"Service improvement plan 2026/27 – {service}", [g.cell("A1"), g.cell("A3")],
                                     "the title row, with the service (every sheet has the same title)"),
                "opened": field_truth(opened, [g.cell("A4")], f"date from the text in A4: '{g.cell('A4')['text']}'"
                                                              " (day first)"),
                "governance_forum": field_truth("Quality and Safeguarding Committee", [g.cell("A5")],
                                                "'Reviewed by: Quality and Safeguarding Committee'"),
            },
            "header_row": 7, "columns": columns, "header_extra": [],
            "action_count": len(actions), "actions": actions, "not_actions": [],
        })
        sheets.append({"sheet": service, "hidden": False, "holds": "plan", "why": f"{service}'s plan"})

    old = Grid(wb.create_sheet("Old plan"))
    old.ws.sheet_state = "hidden"
    old.put("A1", "Service improvement plan 2025/26 (superseded)")
    for letter, heading in zip("ABCDE", headings):
        old.put(f"{letter}3", heading, bold=True)
    for r, values in enumerate([("OV-2025-1", "Refresh the restrictive practice policy", "Priya Shah",
                                 "31/03/2026", "Green"),
                                ("OV-2025-2", "Quarterly restrictive practice audit", "Tom Hughes", "31/03/2026",
                                 "Amber")], start=4):
        for letter, value in zip("ABCDE", values):
            old.put(f"{letter}{r}", value)
    sheets.append({"sheet": "Old plan", "hidden": True, "holds": "old_plan",
                   "why": "hidden, and its title says superseded: last year's plan, not to be imported"})

    k = Grid(wb.create_sheet("Key"))
    k.put("A1", "RAG", bold=True)
    k.put("B1", "Meaning", bold=True)
    colours = []
    for offset, (text, fill, means, rag, status) in enumerate(SERVICES_KEY):
        r = 2 + offset
        k.put(f"A{r}", text, fill=fill)
        k.put(f"B{r}", means)
        colours.append(k.cell(f"A{r}") | {"fill": fill, "means": k.cell(f"B{r}"), "rag": rag, "status": status})
    sheets.append({"sheet": "Key", "hidden": False, "holds": "key", "why": "the meaning of each RAG word"})
    (out / "service-improvement-plans.xlsx").write_bytes(_fixed_zip(_workbook_bytes(wb)))

    header = _tinted(ACCENT1, HEADER_TINT)
    return {
        "layout": "services_workbook", "modelled_on": "a provider's workbook of its services' improvement plans",
        "format": "xlsx", "written": True, "encoding": None, "readable": True, "unreadable_why": None,
        "exercises": ["three plans in one workbook, a sheet each", "a hidden sheet holding last year's plan",
                      "a Key sheet where Green means on track and Blue complete and evidenced",
                      "RAG as text coloured by conditional formatting (no fill of its own)",
                      "theme colours with a tint on the header row and the title's font",
                      "an Evidence column in words that name evidence types",
                      "--sheet to import one service's plan"],
        "options": {"--risk": "medium"},
        "options_why": {"--risk": "the workbook does not rate the plans' risk",
                        "--sheet": "optional: e.g. --sheet Oakview imports that service's plan alone"},
        "sheets": sheets,
        "key": {"where": "Key", "colours": colours, "owners": []},
        "notes": [f"The header rows are filled with theme colour 4 (accent 1, {ACCENT1} in the workbook's theme) "
                  f"lightened 60%, which shows as about {header}: a header's colour, not a RAG.",
                  "The RAG cells have no fill of their own: conditional formatting colours them by their text, in "
                  "the Key's colours.",
                  "The hidden 'Old plan' sheet's rows (OV-2025-1, OV-2025-2) must not become actions."],
        "plans": plans,
    }


# --------------------------------------------------------------------------------------------
# bad inputs: too many rows, no rows, macros, refs that look like dates, formulas, a password
# --------------------------------------------------------------------------------------------

def _simple_plan(sheet: str, header_row: int, columns: list[dict], actions: list[dict], fields: dict,
                 *, action_count: int | None = None) -> dict:
    fields.setdefault("opened", no_opened())
    return {"sheet": sheet, "provider": fields["provider"]["value"], "service": fields["service"]["value"],
            "fields": fields, "header_row": header_row, "columns": columns, "header_extra": [],
            "action_count": len(actions) if action_count is None else action_count, "actions": actions,
            "not_actions": []}


def _bad(layout: str, modelled_on: str, exercises: list[str], options: dict[str, str], sheets: list[dict],
         notes: list[str], plans: list[dict], fmt: str = "xlsx") -> dict:
    why = {"--provider": "the file names no provider", "--service": "the file names no service",
           "--risk": "the file does not rate the plan's risk"}
    return {"layout": layout, "modelled_on": modelled_on, "format": fmt, "written": True, "encoding": None,
            "readable": True, "unreadable_why": None, "exercises": exercises, "options": options,
            "options_why": {name: why[name] for name in options}, "sheets": sheets, "key": None, "notes": notes,
            "plans": plans}


LARGE_TITLES = ["Check the daily records of each person supported this week",
                "Review the medication administration records for gaps",
                "Hold a debrief after every restrictive intervention",
                "Spot check call times against the rota",
                "Update each person's risk assessment after a fall"]
LARGE_OWNERS = [("Priya Shah (Registered Manager)", "Priya Shah", "Registered Manager"),
                ("Grace Mensah (Deputy Manager)", "Grace Mensah", "Deputy Manager"),
                ("Tom Hughes (Quality Lead)", "Tom Hughes", "Quality Lead")]
LARGE_STATUS = [("In progress", "in_progress", "Green", "green"), ("Not started", "planned", "Red", "red"),
                ("Complete", "completed", "Green", "green"), ("In progress", "in_progress", "Amber", "amber")]


def _large_row(i: int) -> list[Any]:
    due = dt.date(2026, 4, 1) + dt.timedelta(days=i % 365)
    return [f"L-{i:05d}", f"{LARGE_TITLES[i % 5]} (item {i})", LARGE_OWNERS[i % 3][0], f"{due:%d/%m/%Y}",
            LARGE_STATUS[i % 4][0], LARGE_STATUS[i % 4][2]]


def large_xlsx(out: Path, rows: int = LARGE_ROWS) -> dict:
    from openpyxl import Workbook
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("Actions")
    headings = ["Ref", "Action", "Owner", "Due date", "Status", "RAG"]
    ws.append(headings)
    for i in range(1, rows + 1):
        ws.append(_large_row(i))
    (out / "large-tracker.xlsx").write_bytes(_fixed_zip(_workbook_bytes(wb)))

    table_cell = lambda ref: {"cell": f"Actions!{ref}", "text": _large_text(ref, headings)}   # noqa: E731
    cols = dict(zip(["ref", "title", "owner", "due", "status", "rag"], "ABCDEF"))
    actions = []
    for i in (1, rows):
        written, name, role = LARGE_OWNERS[i % 3]
        status_text, status, rag_text, rag = LARGE_STATUS[i % 4]
        due = dt.date(2026, 4, 1) + dt.timedelta(days=i % 365)
        kind = ("oversight", "'Check ...', 'Review ...', 'Spot check ...': how managers know") if i % 5 in (0, 1, 3) \
            else ("practice_change", "what staff do differently")
        actions.append(action_truth(table_cell, i + 1, cols, [], Take(
            (name, role, "'Name (Role)'"), (due.isoformat(), f"the date written, '{due:%d/%m/%Y}' (day first)"),
            (status, f"Status '{status_text}'"), (rag, f"'{rag_text}', read by its usual meaning (no key)"),
            kind, ([], "no evidence column"))))
    fields = {"provider": option_field(PROVIDER, "--provider", "the file names no provider"),
              "service": option_field("Oakview", "--service", "the file names no service"),
              "risk": option_field("low", "--risk", "the file does not rate the plan's risk")}
    columns = [table_cell(f"{chr(ord('A') + c)}1") | {"field": f} for c, f in enumerate(cols)]
    return _bad("large", "a tracker grown to 50,000 rows (a log pasted in, years of rows)",
                [f"{rows:,} action rows on one sheet: read whole (under the reader's row limit), or cut short with a "
                 "note, never silently; time and memory stay bounded",
                 "written as a stream, as large exports are: inline strings and no <dimension>, so the sheet cannot "
                 "say its size before it is read"],
                {"--provider": PROVIDER, "--service": "Oakview", "--risk": "low"},
                [{"sheet": "Actions", "hidden": False, "holds": "plan", "why": "the one sheet"}],
                [f"`actions` lists the first and the last of the {rows:,}; every row follows the same pattern "
                 "(make_trackers._large_row)."],
                [_simple_plan("Actions", 1, columns, actions, fields, action_count=rows)])


def _large_text(ref: str, headings: list[str]) -> str:
    column, row = ord(ref[0]) - ord("A"), int(ref[1:])
    return headings[column] if row == 1 else str(_large_row(row - 1)[column])


def header_only_xlsx(out: Path) -> dict:
    from openpyxl import Workbook
    wb = Workbook()
    g = Grid(wb.active)
    g.ws.title = g.name = "Action plan"
    g.put("A1", "Action plan", bold=True)
    g.put("A2", f"Provider: {PROVIDER}")
    g.put("A3", "Service: Meadow Court")
    columns = header_row(g, 5, ["Ref", "Action", "Owner", "Due date", "Status", "RAG", "Progress update"],
                         ["ref", "title", "owner", "due", "status", "rag", "narrative"])
    (out / "header-only.xlsx").write_bytes(_fixed_zip(_workbook_bytes(wb)))
    fields = {"provider": field_truth(PROVIDER, [g.cell("A2")], "'Provider: Example Care Ltd'"),
              "service": field_truth("Meadow Court", [g.cell("A3")], "'Service: Meadow Court'"),
              "risk": option_field("medium", "--risk", "the file does not rate the plan's risk"),
              "title": field_truth("Action plan", [g.cell("A1")], "the title row")}
    return _bad("header_only", "a tracker template saved before anyone filled it in",
                ["a header block and a header row, and no actions: a plan with no actions, which check reports, "
                 "or an import that says there is nothing to import; never an error about a missing row"],
                {"--risk": "medium"}, [{"sheet": "Action plan", "hidden": False, "holds": "plan",
                                        "why": "the columns of a plan, with no rows"}],
                ["No opened date: the header block has none, so a plan needs one from elsewhere."],
                [_simple_plan("Action plan", 5, columns, [], fields)])


MACRO_ENABLED = "application/vnd.ms-excel.sheet.macroEnabled.main+xml"
WORKBOOK_MAIN = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"


def xlsm(out: Path) -> dict:
    from openpyxl import Workbook
    wb = Workbook()
    g = Grid(wb.active)
    g.ws.title = g.name = "Tracker"
    g.put("A1", "Meadow Court – quality improvement tracker", bold=True)
    g.put("A2", f"Provider: {PROVIDER}")
    g.put("A3", "Service: Meadow Court")
    g.put("E1", "Press 'Update dates' to refresh the overdue flags (macro).")
    headings = ["Action no.", "Action", "Action owner", "Target completion date", "Status", "Comments"]
    columns = header_row(g, 5, headings, ["ref", "title", "owner", "due", "status", "narrative"])
    cols = dict(zip(["ref", "title", "owner", "due", "status", "narrative"], "ABCDEF"))
    amara = ("Amara Nwosu", "Clinical Lead", "'Name (Role)'")
    no_rag = (None, "no RAG column, and a status is not a rating")
    rows = [
        ("MC-01", "Stop using bed rails for anyone without a current bed rail risk assessment",
         "Amara Nwosu (Clinical Lead)", dt.datetime(2026, 9, 30), "Complete", "All 14 bed rails assessed.",
         Take(amara, ("2026-09-30", "an Excel date cell"), ("completed", "Status 'Complete'"), no_rag,
              ("risk_control", "'Stop using bed rails for anyone without ...'"),
              (["audit"], "'All 14 bed rails assessed'"))),
        ("MC-02", "Train all nurses in pressure ulcer grading", "Amara Nwosu (Clinical Lead)",
         dt.datetime(2026, 10, 31), "In progress", "9 of 12 nurses trained.",
         Take(amara, ("2026-10-31", "an Excel date cell"), ("in_progress", "Status 'In progress'"), no_rag,
              ("practice_change", "'Train all nurses'"), (["training"], "'nurses trained'"))),
        ("MC-03", "Nurse in charge to check repositioning charts at every handover", "Joseph Adu (Deputy Manager)",
         dt.datetime(2026, 11, 30), "In progress", "Checks recorded on the handover sheet.",
         Take(("Joseph Adu", "Deputy Manager", "'Name (Role)'"), ("2026-11-30", "an Excel date cell"),
              ("in_progress", "Status 'In progress'"), no_rag,
              ("oversight", "'Nurse in charge to check ... at every handover'"), ([], "no evidence words"))),
        ("MC-04", "Report pressure ulcers by category to the Quality and Safeguarding Committee each month",
         "Amara Nwosu (Clinical Lead)", dt.datetime(2026, 12, 31), "Not started", "",
         Take(amara, ("2026-12-31", "an Excel date cell"), ("planned", "Status 'Not started'"), no_rag,
              ("evidence_measure", "'Report pressure ulcers by category ... each month'"),
              (["indicator", "governance_minutes"], "'by category ... each month' and 'the ... Committee'"))),
        ("MC-05", "Review each person's nutrition care plan with them and their family", "Joseph Adu (Deputy "
         "Manager)", dt.datetime(2026, 12, 31), "On hold", "Waiting for the dietitian's visit.",
         Take(("Joseph Adu", "Deputy Manager", "'Name (Role)'"), ("2026-12-31", "an Excel date cell"),
              ("in_progress", "Status 'On hold': open, neither planned nor done"), no_rag,
              ("practice_change", "'Review each person's nutrition care plan with them'"),
              (["support_plan"], "'care plan'"), [("status", "'On hold' is none of sgpack's statuses")])),
    ]
    actions = []
    for offset, (ref, title, owner, due, status, comments, take) in enumerate(rows):
        r = 6 + offset
        for letter, value in zip("ABCDEF", (ref, title, owner, due, status, comments)):
            g.put(f"{letter}{r}", value or None, date_format=isinstance(value, dt.datetime))
        actions.append(action_truth(g.cell, r, cols, [], take))
    data = _workbook_bytes(wb)
    types = zipfile.ZipFile(io.BytesIO(data)).read("[Content_Types].xml").decode("utf-8")
    assert WORKBOOK_MAIN in types
    types = types.replace(WORKBOOK_MAIN, MACRO_ENABLED)
    (out / "meadow-court-tracker.xlsm").write_bytes(
        _fixed_zip(data, replace={"[Content_Types].xml": types.encode("utf-8")}))
    fields = {"provider": field_truth(PROVIDER, [g.cell("A2")], "'Provider: Example Care Ltd'"),
              "service": field_truth("Meadow Court", [g.cell("A3")], "'Service: Meadow Court'"),
              "risk": option_field("medium", "--risk", "the file does not rate the plan's risk"),
              "title": field_truth("Meadow Court – quality improvement tracker", [g.cell("A1")], "the title row")}
    return _bad("xlsm", "a tracker saved macro-enabled (a button that refreshes overdue flags)",
                [f"an .xlsm package (workbook content type {MACRO_ENABLED}): read like an .xlsx, its macros never "
                 "run, with a note saying so", "a status ('On hold') that is none of sgpack's"],
                {"--risk": "medium"}, [{"sheet": "Tracker", "hidden": False, "holds": "plan", "why": "the one sheet"}],
                ["The package has the macro-enabled content type but no VBA part: no macro could run anyway.",
                 "E1 is a note to users about the macro, not part of the header block."],
                [_simple_plan("Tracker", 5, columns, actions, fields)], fmt="xlsm")


def refs_like_dates_xlsx(out: Path) -> dict:
    from openpyxl import Workbook
    wb = Workbook()
    g = Grid(wb.active)
    g.ws.title = g.name = "Actions"
    headings = ["Ref", "Action", "Lead", "Due date", "Status"]
    columns = header_row(g, 1, headings, ["ref", "title", "owner", "due", "status"])
    cols = dict(zip(["ref", "title", "owner", "due", "status"], "ABCDE"))
    carter = ("Helen Carter", "Head of Quality and Safeguarding", "'Name (Role)'")
    no_rag = (None, "no RAG column")
    rows = [
        ("1.9", "Share the safeguarding lessons learned bulletin with every team", "Helen Carter (Head of Quality "
         "and Safeguarding)", "31/07/2026", "Complete",
         Take(carter, ("2026-07-31", "the date written, '31/07/2026'"), ("completed", "Status 'Complete'"), no_rag,
              ("practice_change", "'Share the ... lessons learned bulletin'"), ([], "no evidence words"))),
        ("1.10", "Train all team leaders in making safeguarding referrals", "Helen Carter (Head of Quality and "
         "Safeguarding)", "30/09/2026", "In progress",
         Take(carter, ("2026-09-30", "the date written, '30/09/2026'"), ("in_progress", "Status 'In progress'"),
              no_rag, ("practice_change", "'Train all team leaders'"), (["training"], "'Train'"))),
        ("2.12", "Audit safeguarding referrals each quarter for timeliness", "Tom Hughes (Quality Lead)",
         "31/12/2026", "In progress",
         Take(("Tom Hughes", "Quality Lead", "'Name (Role)'"), ("2026-12-31", "the date written, '31/12/2026'"),
              ("in_progress", "Status 'In progress'"), no_rag,
              ("oversight", "'Audit ... each quarter': how managers know", ["evidence_measure"]),
              (["audit"], "'Audit'"))),
        (3.1, "Stop agency staff giving medicines until their competency is signed off", "Priya Shah (Registered "
         "Manager)", "30/06/2026", "Complete",
         Take(("Priya Shah", "Registered Manager", "'Name (Role)'"), ("2026-06-30", "the date written, "
                                                                                     "'30/06/2026'"),
              ("completed", "Status 'Complete'"), no_rag, ("risk_control", "'Stop agency staff giving medicines'"),
              (["competency"], "'competency is signed off'"))),
        ("3.11", "Report referral timeliness to the Board each quarter", "Helen Carter (Head of Quality and "
         "Safeguarding)", "31/03/2027", "Not started",
         Take(carter, ("2027-03-31", "the date written, '31/03/2027'"), ("planned", "Status 'Not started'"), no_rag,
              ("evidence_measure", "'Report ... to the Board'"), (["board_report"], "'to the Board'"))),
    ]
    actions = []
    for offset, (ref, title, lead, due, status, take) in enumerate(rows):
        r = 2 + offset
        for letter, value in zip("ABCDE", (ref, title, lead, due, status)):
            g.put(f"{letter}{r}", value)
        if isinstance(ref, str):
            g.ws[f"A{r}"].quotePrefix = True     # as Excel keeps a value typed '1.10: text, shown as typed
        actions.append(action_truth(g.cell, r, cols, [], take))
    (out / "refs-like-dates.xlsx").write_bytes(_fixed_zip(_workbook_bytes(wb)))
    fields = {"provider": option_field(PROVIDER, "--provider", "the file names no provider"),
              "service": option_field("Oakview", "--service", "the file names no service"),
              "risk": option_field("medium", "--risk", "the file does not rate the plan's risk")}
    return _bad("refs_like_dates", "a tracker numbered 1.9, 1.10, 2.12, 3.1 (recommendation.action)",
                ["references that read as day.month dates ('1.10', '2.12', '3.11') or a number (3.1): a reader "
                 "knows they are references, never dates or numbers to reformat",
                 "text refs kept with Excel's quote prefix beside a ref stored as the number 3.1"],
                {"--provider": PROVIDER, "--service": "Oakview", "--risk": "medium"},
                [{"sheet": "Actions", "hidden": False, "holds": "plan", "why": "the one sheet"}],
                ["3.1 is a number cell (Excel stores a typed 3.1 as a number); its reference is '3.1'. '1.10' typed "
                 "without the quote would have become the number 1.1: here it is text, and stays '1.10'."],
                [_simple_plan("Actions", 1, columns, actions, fields)])


def _cache_formulas(data: bytes, sheet: str, cached: dict[str, Any]) -> bytes:
    """Write formula results into a saved workbook, as Excel keeps them: openpyxl saves formulas with no value.
    `cached` maps a cell to its value (text, or a number), or None to leave the formula with no value saved."""
    part = f"xl/worksheets/{sheet}.xml"
    xml = zipfile.ZipFile(io.BytesIO(data)).read(part).decode("utf-8")
    for ref, value in cached.items():
        pattern = re.compile(rf'<c r="{ref}"([^>]*)><f>(.*?)</f><v\s*/?>(?:</v>)?</c>')
        match = pattern.search(xml)
        if match is None:
            raise ValueError(f"no formula in {ref}")
        attrs, formula = match.group(1), match.group(2)
        if value is None:
            body = f'<c r="{ref}"{attrs}><f>{formula}</f></c>'
        elif isinstance(value, str):
            body = f'<c r="{ref}"{attrs} t="str"><f>{formula}</f><v>{value}</v></c>'
        else:
            body = f'<c r="{ref}"{attrs}><f>{formula}</f><v>{value}</v></c>'
        xml = xml[:match.start()] + body + xml[match.end():]
    return _fixed_zip(data, replace={part: xml.encode("utf-8")})


def formulas_xlsx(out: Path) -> dict:
    from openpyxl import Workbook
    wb = Workbook()
    g = Grid(wb.active)
    g.ws.title = g.name = "Tracker"
    g.put("A1", "Oakview action tracker (due dates and RAG calculated)", bold=True)
    headings = ["Ref", "Action", "Owner", "Start date", "Due date", "Status", "RAG", "Progress update"]
    columns = header_row(g, 3, headings, ["ref", "title", "owner", "opened", "due", "status", "rag", "narrative"])
    cols = dict(zip(["ref", "title", "owner", "opened", "due", "status", "rag", "narrative"], "ABCDEFGH"))
    rag_for = {"Complete": "Green", "Not started": "Red", "In progress": "Amber"}
    person = "'Name (Role)'"
    rows = [
        ("Daily check that every restrictive intervention has a debrief", "Priya Shah (Registered Manager)",
         dt.date(2026, 4, 1), "Complete", "Checks in place; every intervention since April debriefed.",
         ("Priya Shah", "Registered Manager"), "completed", "oversight", "'Daily check that ...': how managers know",
         ["debrief"], "'has a debrief'"),
        ("Train all staff in the updated restrictive practice policy", "Grace Mensah (Deputy Manager)",
         dt.date(2026, 5, 1), "In progress", "27 of 32 staff trained.", ("Grace Mensah", "Deputy Manager"),
         "in_progress", "practice_change", "'Train all staff'", ["training", "policy"], "'Train' and 'policy'"),
        ("Rewrite the PBS plans of the people restricted this year", "Daniel Okafor (PBS Practitioner)",
         dt.date(2026, 6, 1), "In progress", "Three of four rewritten.", ("Daniel Okafor", "PBS Practitioner"),
         "in_progress", "practice_change", "'Rewrite the PBS plans'", ["support_plan"], "'PBS plans'"),
        ("Report the monthly count of restrictive interventions to the Committee", "Tom Hughes (Quality Lead)",
         dt.date(2026, 7, 1), "Not started", "", ("Tom Hughes", "Quality Lead"), "planned", "evidence_measure",
         "'Report the monthly count ...'", ["indicator", "governance_minutes"], "'monthly count' and 'the Committee'"),
        ("Stop using the quiet room as a seclusion room", "Priya Shah (Registered Manager)", dt.date(2026, 8, 1),
         "Complete", "Room redecorated as a sensory room; door lock removed.", ("Priya Shah", "Registered Manager"),
         "completed", "risk_control", "'Stop using the quiet room as a seclusion room'", [], "no evidence words"),
    ]
    cached: dict[str, Any] = {}
    actions = []
    for offset, (title, owner, start, status, update, (name, role), status_value, kind, kind_why, types,
                 types_why) in enumerate(rows):
        r = 4 + offset
        no_cache = offset == len(rows) - 1
        g.put(f"A{r}", '="OF-"&(ROW()-3)')
        g.put(f"B{r}", title)
        g.put(f"C{r}", owner)
        g.put(f"D{r}", dt.datetime.combine(start, dt.time()), date_format=True)
        g.put(f"E{r}", f"=D{r}+90", date_format=True)
        g.put(f"F{r}", status)
        g.put(f"G{r}", f'=IF(F{r}="Complete","Green",IF(F{r}="Not started","Red","Amber"))')
        g.put(f"H{r}", update or None)
        due = start + dt.timedelta(days=90)
        cached[f"A{r}"] = f"OF-{offset + 1}"
        cached[f"E{r}"] = None if no_cache else (due - dt.date(1899, 12, 30)).days
        cached[f"G{r}"] = rag_for[status]
        # What a reader sees is the cached value, so the truth's text is that, not the formula.
        shown_cells = {f"A{r}": f"OF-{offset + 1}", f"E{r}": "" if no_cache else due.isoformat(),
                       f"G{r}": rag_for[status]}
        cell = lambda ref, _shown=shown_cells: {"cell": f"Tracker!{ref}",                      # noqa: E731
                                                "text": _shown.get(ref, shown(g.ws[ref].value))}
        rag_word = rag_for[status]
        take = Take((name, role, person),
                    (None, "a formula with no value saved: the cell shows nothing") if no_cache else
                    (due.isoformat(), "the formula's saved value (start date + 90 days), an Excel date"),
                    (status_value, f"Status '{status}'"),
                    (rag_word.lower(), f"the formula's saved value '{rag_word}', read by its usual meaning"),
                    (kind, kind_why), (types, types_why),
                    [("due", "a formula (=D8+90) whose value was never saved: a reader opening the file in Excel "
                             "would see a date, but nothing in the file says which")] if no_cache else [])
        actions.append(action_truth(cell, r, cols, [], take))
        actions[-1]["opened"] = cell(f"D{r}") | {"value": start.isoformat(), "why": "Start date, an Excel date cell"}
    (out / "formulas.xlsx").write_bytes(_cache_formulas(_workbook_bytes(wb), "sheet1", cached))
    fields = {"provider": option_field(PROVIDER, "--provider", "the file names no provider"),
              "service": field_truth("Oakview", [{"cell": "Tracker!A1", "text": g.ws["A1"].value}],
                                     "the service named in the title"),
              "risk": option_field("high", "--risk", "the file does not rate the plan's risk"),
              "opened": no_opened("no date for the plan: each action has its own Start date (the earliest, "
                                  "01/04/2026 in D4, is when the first action opened)"),
              "title": field_truth("Oakview action tracker (due dates and RAG calculated)",
                                   [{"cell": "Tracker!A1", "text": g.ws["A1"].value}], "the title row")}
    return _bad("formulas", "a tracker whose refs, due dates and RAG are Excel formulas",
                ["formula cells read by their saved (cached) values, never the formula text, never evaluated",
                 "one formula (E8) with no saved value: nothing to read, a hesitation, not a guess",
                 "a Start date column (the action's opened date)"],
                {"--provider": PROVIDER, "--risk": "high"},
                [{"sheet": "Tracker", "hidden": False, "holds": "plan", "why": "the one sheet"}],
                ["openpyxl saves formulas without values; the generator writes Excel's cached values into the "
                 "sheet's XML afterwards (t=\"str\" for text), so data_only reads them."],
                [_simple_plan("Tracker", 3, columns, actions, fields)])


def password_protected(out: Path) -> dict:
    """Not written: an encrypted workbook needs msoffcrypto-tool, which is not among the project's dependencies."""
    return {"layout": "password_protected", "modelled_on": "a tracker saved with 'Encrypt with Password'",
            "format": "xlsx", "written": False, "encoding": None, "readable": False,
            "unreadable_why": "the workbook is encrypted (an OLE compound file holding EncryptionInfo and "
                              "EncryptedPackage, not a zip): sgpack cannot open it without the password and should "
                              "say so in one line, naming the file",
            "exercises": ["a password-protected workbook: refused with a clear message, no traceback"],
            "options": {}, "options_why": {}, "sheets": [], "key": None,
            "notes": ["Not written: making an encrypted workbook needs msoffcrypto-tool (or a hand-written OLE "
                      "container and AES), which the project does not depend on. The grid reader's tests cover the "
                      "case."],
            "plans": []}


# --------------------------------------------------------------------------------------------
# all of them
# --------------------------------------------------------------------------------------------

FILES = {
    "sar-adult-b-action-plan.xlsx": sar_xlsx,
    "oakview-cqc-improvement-plan.xlsx": cqc_xlsx,
    "riverside-pamms-action-plan.xlsx": pamms_xlsx,
    "riverside-sar-mr-c-action-plan.docx": sar_docx,
    "governance-actions-export.csv": governance_csv,
    "service-improvement-plans.xlsx": services_xlsx,
    "large-tracker.xlsx": large_xlsx,
    "header-only.xlsx": header_only_xlsx,
    "meadow-court-tracker.xlsm": xlsm,
    "refs-like-dates.xlsx": refs_like_dates_xlsx,
    "formulas.xlsx": formulas_xlsx,
    "password-protected.xlsx": password_protected,
}


def make_all(out: Path) -> dict:
    """Write every tracker into `out` (created if need be) and truth.json beside them; return the truth."""
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    truth = {"about": "What a careful reader takes from each tracker beside this file: written by "
                      "tests/trackers/make_trackers.py beside the cells it describes, never by sgpack.",
             "files": {name: make(out) for name, make in FILES.items()}}
    (out / "truth.json").write_text(json.dumps(truth, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    return truth


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print("usage: python tests/trackers/make_trackers.py OUT_DIR", file=sys.stderr)
        return 2
    truth = make_all(Path(argv[0]))
    for name, entry in truth["files"].items():
        count = sum(plan["action_count"] for plan in entry["plans"])
        print(f"{name}: {entry['layout']}, {len(entry['plans'])} plan(s), {count} action(s)"
              + ("" if entry["written"] else " (not written)"))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
