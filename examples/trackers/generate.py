"""Write the bundled example's Oakview plan as a care home keeps it in Excel (examples/trackers/), deterministically.

    python examples/trackers/generate.py

Reads examples/plans/oakview-restrictive-practice.yaml and writes oakview-improvement-plan.xlsx: the same plan,
its actions (ids, titles, owners, due dates, status, declared RAG, narratives), what each needs as evidence, its
indicator and its governance reviews, laid out the way a registered manager would: a header block above the
action table, RAG words on coloured cells explained on a Key sheet, an Evidence needed column in words, one line
per requirement. The same plan file gives the same bytes: fixed document properties and zip entry times.
examples/generate.py does not use this script; run it after changing the Oakview plan.
"""
from __future__ import annotations

import datetime as dt
import io
import re
import sys
import zipfile
from pathlib import Path
from typing import Any

import yaml

HERE = Path(__file__).resolve().parent
PLAN = HERE.parent / "plans" / "oakview-restrictive-practice.yaml"
OUT = HERE / "oakview-improvement-plan.xlsx"
STAMP = dt.datetime(2026, 11, 13, 9, 0, 0)      # the day the manager last updated the tracker

RAG_KEY = {   # the Key sheet: the colour of each RAG word and what the home means by it
    "blue": ("Blue", "0070C0", "Closed: complete and impact evidenced"),
    "green": ("Green", "00B050", "On track"),
    "amber": ("Amber", "FFC000", "At risk: behind or evidence missing"),
    "red": ("Red", "FF0000", "Off track"),
}
STATUS_WORDS = {"planned": "Not started", "in_progress": "In progress", "completed": "Complete",
                "closed": "Closed"}
KIND_WORDS = {"risk_control": "Risk control", "practice_change": "Practice change", "oversight": "Oversight",
              "evidence_measure": "Evidence / measure"}
# How the home writes each evidence type in the Evidence needed column (one, several).
TYPE_WORDS = {
    "audit": ("audit", "audits"), "supervision": ("supervision record", "supervision records"),
    "competency": ("competency observation", "competency observations"),
    "training": ("training record", "training records"),
    "governance_minutes": ("set of Committee minutes", "sets of Committee minutes"),
    "board_report": ("Board report", "Board reports"),
    "indicator": ("month of indicator data", "months of indicator data"),
    "debrief": ("post-incident debrief", "post-incident debriefs"),
    "support_plan": ("behaviour support plan", "behaviour support plans"),
    "incident_log": ("incident log export", "incident log exports"),
    "policy": ("policy", "policies"), "team_meeting": ("team meeting record", "team meeting records"),
    "feedback": ("feedback survey", "feedback surveys"), "partner_feedback": ("partner feedback", "partner feedback"),
    "spot_check": ("spot check", "spot checks"), "other": ("other record", "other records"),
}
HEADINGS = ["Ref", "Action", "Type of action", "Owner", "Start date", "Target date", "Status", "Date closed", "RAG",
            "Progress update", "Update for commissioner", "Evidence needed", "Indicator", "Linked evidence",
            "Quality statements"]
WIDTHS = [8, 50, 16, 30, 12, 12, 12, 12, 8, 60, 50, 60, 30, 28, 36]
TABLE_ROW = 16      # the action table's header row, under the header block


def requirement_words(req: dict[str, Any]) -> str:
    """One requirement as the home writes it: '8 audits in the last 90 days, scoring 90% or more: note'."""
    count = req.get("count", 1)
    one, many = TYPE_WORDS[req["type"]]
    text = f"{count} {one if count == 1 else many}"
    if req.get("within_days"):
        text += f" in the last {req['within_days']} days"
    if req.get("target") is not None:
        text += f", scoring {req['target']:g}% or more"
    if req.get("note"):
        text += f": {req['note']}"
    return text


def _words(identifier: str) -> str:
    return identifier.replace("_", " ").capitalize()


def _text(value: str | None) -> str | None:
    return " ".join(value.split()) if value else None


def _when(day: dt.date) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day)


def workbook_bytes(plan_file: Path = PLAN) -> bytes:
    """The tracker for the plan in `plan_file`, as the bytes of an .xlsx file."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill

    data = yaml.safe_load(plan_file.read_text(encoding="utf-8"))
    plan, indicators = data["plan"], {i["id"]: i for i in data.get("indicators", [])}
    titles = _quality_statement_names()
    bold, wrap = Font(bold=True), Alignment(wrap_text=True, vertical="top")

    def fill(colour: str) -> PatternFill:
        return PatternFill(fill_type="solid", start_color="FF" + colour, end_color="FF" + colour)

    wb = Workbook()
    ws = wb.active
    ws.title = "Improvement plan"
    ws["A1"] = f"{plan['service']} – improvement plan"
    ws["A1"].font = Font(bold=True, size=14)
    block = [("Provider", data["provider"]), ("Service", plan["service"]),
             ("CQC location ID", plan.get("location_id")), ("Plan ID", plan["id"]),
             ("Plan title", plan["title"]), ("Origin", plan.get("origin")),
             ("Abuse types", "; ".join(_words(t) for t in plan.get("abuse_types", []))),
             ("Risk", plan["risk"].capitalize()), ("Opened", _when(plan["opened"])),
             ("Review every (days)", plan.get("review_every_days", 28)),
             ("Governance forum", plan.get("governance_forum")),
             ("Quality statements", "; ".join(titles[q] for q in plan.get("quality_statements", [])))]
    for row, (label, value) in enumerate(block, start=3):
        ws.cell(row=row, column=1, value=f"{label}:").font = bold
        cell = ws.cell(row=row, column=2, value=value)
        if isinstance(value, dt.datetime):
            cell.number_format = "dd/mm/yyyy"
    for column, (heading, width) in enumerate(zip(HEADINGS, WIDTHS), start=1):
        cell = ws.cell(row=TABLE_ROW, column=column, value=heading)
        cell.font, cell.alignment, cell.fill = bold, wrap, fill("D9E1F2")
        ws.column_dimensions[cell.column_letter].width = width
    for row, action in enumerate(data["actions"], start=TABLE_ROW + 1):
        owner = action.get("owner") or {}
        values = [action["id"], _text(action["title"]), KIND_WORDS[action["kind"]],
                  f"{owner['name']} ({owner['role']})" if owner.get("role") else owner.get("name"),
                  _when(action["opened"]) if action.get("opened") else None,
                  _when(action["due"]) if action.get("due") else None,
                  STATUS_WORDS[action.get("status", "planned")],
                  _when(action["closed"]) if action.get("closed") else None,
                  RAG_KEY[action["rag"]][0] if action.get("rag") else None,
                  _text(action.get("narrative")), _text(action.get("commissioner_update")),
                  "\n".join(requirement_words(r) for r in action.get("requires", [])) or None,
                  "\n".join(indicators[i]["title"] for i in action.get("indicators", [])) or None,
                  "\n".join(action.get("evidence", [])) or None,
                  "; ".join(titles[q] for q in action.get("quality_statements", [])) or None]
        for column, value in enumerate(values, start=1):
            cell = ws.cell(row=row, column=column, value=value)
            cell.alignment = wrap
            if isinstance(value, dt.datetime):
                cell.number_format = "dd/mm/yyyy"
        if action.get("rag"):
            ws.cell(row=row, column=HEADINGS.index("RAG") + 1).fill = fill(RAG_KEY[action["rag"]][1])
    ws.freeze_panes = f"C{TABLE_ROW + 1}"

    reviews = wb.create_sheet("Reviews")
    for column, (heading, width) in enumerate(zip(["Ref", "Date", "Forum", "RAG", "Notes"], [8, 12, 36, 8, 90]),
                                              start=1):
        reviews.cell(row=1, column=column, value=heading).font = bold
        reviews.column_dimensions[reviews.cell(row=1, column=column).column_letter].width = width
    row = 2
    for action in data["actions"]:
        for review in action.get("reviews", []):
            reviews.cell(row=row, column=1, value=action["id"])
            reviews.cell(row=row, column=2, value=_when(review["date"])).number_format = "dd/mm/yyyy"
            reviews.cell(row=row, column=3, value=review.get("forum") or plan.get("governance_forum"))
            if review.get("rag"):
                word, colour, _ = RAG_KEY[review["rag"]]
                reviews.cell(row=row, column=4, value=word).fill = fill(colour)
            reviews.cell(row=row, column=5, value=_text(review.get("narrative"))).alignment = wrap
            row += 1

    sheet = wb.create_sheet("Indicators")
    for column, heading in enumerate(["Indicator", "Title", "Better", "Data file", "Target"], start=1):
        sheet.cell(row=1, column=column, value=heading).font = bold
    for row, indicator in enumerate(indicators.values(), start=2):
        data_file = indicator["data"] if isinstance(indicator["data"], str) else indicator["data"]["file"]
        for column, value in enumerate([indicator["id"], indicator["title"], indicator["better"].capitalize(),
                                        data_file, indicator.get("target")], start=1):
            sheet.cell(row=row, column=column, value=value)
    for column, width in zip("ABCDE", [26, 56, 8, 50, 8]):
        sheet.column_dimensions[column].width = width

    key = wb.create_sheet("Key")
    key["A1"], key["B1"] = "RAG", "Meaning"
    key["A1"].font = key["B1"].font = bold
    for row, (word, colour, meaning) in enumerate(RAG_KEY.values(), start=2):
        key.cell(row=row, column=1, value=word).fill = fill(colour)
        key.cell(row=row, column=2, value=meaning)
    key.column_dimensions["B"].width = 40

    wb.properties.creator = wb.properties.lastModifiedBy = data["provider"]
    wb.properties.title = f"{plan['service']} improvement plan"
    wb.properties.created = wb.properties.modified = STAMP
    buffer = io.BytesIO()
    wb.save(buffer)
    return _fixed_zip(buffer.getvalue())


def _quality_statement_names() -> dict[str, str]:
    """Quality statement ids and the names CQC gives them, from the list that ships with sgpack."""
    path = HERE.parent.parent / "compiler" / "data" / "quality_statements.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    return {sid: name for statements in data.values() if isinstance(statements, dict)
            for sid, name in statements.items()}


def _fixed_zip(data: bytes) -> bytes:
    """Re-zip the package with fixed entry times and core-property dates, so the same plan gives the same bytes."""
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    stamp = STAMP.strftime("%Y-%m-%dT%H:%M:%SZ")
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            body = src.read(info.filename)
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


def main() -> int:
    OUT.write_bytes(workbook_bytes())
    print(f"wrote {OUT.relative_to(HERE.parent.parent)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
