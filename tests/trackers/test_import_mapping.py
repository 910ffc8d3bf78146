"""How a tracker's table becomes a plan (compiler.trackers), on grids as the readers give them: columns by their
headings, RAG by the tracker's own key, owners through initials, dates, ids, kinds, evidence, and nothing lost."""
from __future__ import annotations

import datetime as dt

import pytest

from compiler.plans.loader import load_plan_text
from compiler.trackers.fields import Options, Report, plan_from_table
from compiler.trackers.layout import chosen, find_tables
from compiler.trackers.yamlout import emit
from evidence_store.grid import Book, Cell, Sheet

C = Cell
GREEN, AMBER, RED, BLUE = "#00B050", "#FFC000", "#FF0000", "#0070C0"

HEADER = [C("No."), C("Regulation"), C("Action to be taken"), C("Responsible person"), C("Target date"), C("Status"),
          C("RAG"), C("Evidence")]


def _care_home(key_rows: list[list[Cell]] | None = None, rows: list[list[Cell]] | None = None) -> Book:
    top = [[C("Oakview improvement plan")], [C("Provider:"), C("Example Care Ltd")], [C("Service: Oakview")],
           [C("Date: 02/06/2026")], [], HEADER]
    body = rows or [
        [C(1), C("Reg 13"), C("Stop prone restraint immediately"), C("PS"), C("30.06.2026"), C("In progress"),
         C("G", fill=GREEN), C("monthly audit of PBS plans; supervision records")],
        [C(2), C("Reg 12"), C("Manager to audit the restrictive practice log monthly"), C("DO"), C(46203),
         C("Complete"), C("A", fill=GREEN), C("QSC minutes")],
        [C(3), C("Reg 17"), C("Train all staff in de-escalation"), C("XY"), C("end of April"), C("Not started"),
         C(None, fill=RED), C("")],
    ]
    key = key_rows if key_rows is not None else [
        [C("PS – Priya Shah, Registered Manager")], [C("DO"), C("Daniel Okafor, PBS Practitioner")],
        [C("Green", fill=GREEN), C("Complete")], [C("Blue = Complete and impact evidenced")]]
    return Book("xlsx", [Sheet("Action plan", top + body), Sheet("Key", key)])


def _import(book: Book, stem: str = "oakview-plan", options: Options | None = None):
    notes: list[str] = []
    every = find_tables(book, notes)
    tables = chosen(book, every, (options or Options()).sheet, notes)
    report = Report()
    drafts = [plan_from_table(t, stem, len(every) > 1, options or Options(), report) for t in tables]
    return drafts, report, notes


def _values(draft) -> list[dict]:
    return [{k: v.value for k, v in action.items()} for action in draft.actions]


def test_a_care_home_plan_reads_as_a_reader_would():
    (draft,), report, _ = _import(_care_home())
    assert draft.provider.value == "Example Care Ltd" and draft.provider.source == "Action plan!B2"
    assert {k: v.value for k, v in draft.head.items()} == {
        "id": "OAKVIEW-PLAN", "title": "Oakview improvement plan", "service": "Oakview", "risk": "medium",
        "opened": dt.date(2026, 6, 2)}
    first, second, third = _values(draft)
    assert (first["id"], first["title"], first["due"], first["status"], first["rag"], first["kind"]) == (
        "OAKVIEW-PLAN-1", "Stop prone restraint immediately", dt.date(2026, 6, 30), "in_progress", "green",
        "risk_control")
    assert (first["owner"].name, first["owner"].role) == ("Priya Shah", "Registered Manager")
    assert first["requires"] == [{"type": "audit", "count": 1}, {"type": "supervision", "count": 1}]
    assert "Regulation: Reg 13" in first["narrative"]                 # an unmapped column is kept, never lost
    assert (second["owner"].name, second["due"], second["status"], second["kind"]) == (
        "Daniel Okafor", dt.date(2026, 6, 30), "completed", "oversight")     # an Excel day number in a due cell
    assert (third["due"], third["status"], third["rag"], third["kind"]) == (
        dt.date(2027, 4, 30), "planned", "red", "practice_change")         # "end of April" after 2 June 2026
    assert any("Action plan!G8: the text says 'A' but the cell is filled green" in w for w in report.warnings)
    assert any("Action plan!D9: owner 'XY' looks like initials" in w for w in report.warnings)
    assert any("'Regulation'" in k for k in report.kept)


def test_green_means_what_the_trackers_key_says():
    sar_key = [[C("Blue", fill=BLUE), C("Complete and impact evidenced")], [C("Green", fill=GREEN), C("Complete")],
               [C("Amber", fill=AMBER), C("On track")], [C("Red", fill=RED), C("Off track / not started")]]
    rows = [[C(1), C(""), C("Review every restraint within 72 hours"), C("P. Marsh, Head of Safeguarding, ASC"),
             C("25th September 2026"), C(""), C(None, fill=GREEN), C("")],
            [C(2), C(""), C("Audit the log monthly"), C("ICB Designated Nurse (J. Okoro)"), C("September 2026"), C(""),
             C(None, fill=AMBER), C("")],
            [C(3), C(""), C("Report figures to the Board"), C("PS"), C("01/01/27"), C(""), C(None, fill=BLUE), C("")]]
    (draft,), report, _ = _import(_care_home(sar_key, rows))
    one, two, three = _values(draft)
    assert (one["rag"], one["status"]) == ("green", "completed")       # Green = Complete in this tracker
    assert (two["rag"], two["status"]) == ("green", "in_progress")     # Amber = On track
    assert (three["rag"], three["status"]) == ("blue", "completed")
    assert (one["owner"].name, one["owner"].role) == ("P. Marsh", "Head of Safeguarding, ASC")
    assert (two["owner"].name, two["owner"].role) == ("J. Okoro", "ICB Designated Nurse")
    assert (one["due"], two["due"], three["due"]) == (dt.date(2026, 9, 25), dt.date(2026, 9, 30),
                                                      dt.date(2027, 1, 1))
    assert draft.actions[0]["rag"].source == "Action plan!G7 fill green means green: Key!B2: 'Complete'"


def test_without_a_key_green_is_on_track_and_blue_complete_and_evidenced():
    rows = [[C("QA-7"), C(""), C("Audit records"), C("Ann Lee (Manager)"), C("2026-09-30"), C(""),
             C("Green"), C("")],
            [C("QA-8"), C(""), C("Audit care plans"), C("Ann Lee (Manager)"), C("2026-09-30"), C(""),
             C(None, fill=BLUE), C("")]]
    (draft,), _, _ = _import(_care_home([], rows))
    one, two = _values(draft)
    assert (one["id"], one["rag"], one["status"]) == ("QA-7", "green", "in_progress")   # an id kept as written
    assert (two["rag"], two["status"]) == ("blue", "completed")


def test_a_merged_recommendation_belongs_to_each_action_under_it():
    header = [C("Ref"), C("Recommendation"), C("Action"), C("Lead"), C("By when"), C("Progress update")]
    rows = [header,
            [C("1.1"), C("Adult B's voice was not heard"), C("Hold a family meeting before each review"),
             C("Ann Lee (Manager)"), C("30/09/2026"), C("Two held.")],
            [C("1.2"), C(None, merged=True), C("Record the person's views in every review"), C("Ann Lee (Manager)"),
             C("30/09/2026"), C("")],
            [C("2.1"), C("Staff lacked MCA training"), C("Train all staff in the MCA"), C("Bo Yu (Trainer)"),
             C("end of April"), C("")]]
    sheet = Sheet("SAR plan", [[C("Safeguarding Adults Review: Adult B – Action Plan")], [C("Date agreed: 12/03/2026")],
                               *rows], merges=[(4, 2, 5, 2)])
    (draft,), report, _ = _import(Book("xlsx", [sheet]), stem="sar-adult-b")
    one, two, three = _values(draft)
    assert [a["id"] for a in (one, two, three)] == ["SAR-ADULT-B-1.1", "SAR-ADULT-B-1.2", "SAR-ADULT-B-2.1"]
    assert "Recommendation: Adult B's voice was not heard" in two["narrative"]
    assert one["narrative"].startswith("Two held.")
    assert three["due"] == dt.date(2026, 4, 30)          # after the tracker's date, 12 March 2026
    assert draft.head["opened"].value == dt.date(2026, 3, 12)


def test_a_free_text_date_with_no_tracker_date_is_left_empty_with_a_warning():
    header = [C("Action"), C("Owner"), C("Due"), C("Status")]
    sheet = Sheet("Plan", [header, [C("Audit the log"), C("Ann Lee (Manager)"), C("end of April"), C("On track")],
                           [C("Train staff"), C("Ann Lee (Manager)"), C("30/09/2026"), C("On track")]])
    (draft,), report, _ = _import(Book("csv", [sheet]), stem="plan")
    one, two = _values(draft)
    assert "due" not in one and two["due"] == dt.date(2026, 9, 30)
    assert any(w.startswith("Plan!C2: 'end of April' names no year") for w in report.warnings)
    assert draft.head["opened"].value == dt.date(2026, 9, 30)          # the earliest date in the tracker
    assert (one["status"], "rag" in one) == ("in_progress", False)      # a status column: status only


def test_one_plan_per_sheet_hidden_and_data_sheets_skipped():
    header = [C("Action"), C("Owner"), C("Due"), C("RAG")]
    sheets = [Sheet(name, [header, [C(f"Audit {name} records"), C("Ann Lee (Manager)"), C("30/09/2026"), C("Red")]])
              for name in ("Oakview", "Riverside Homecare")]
    sheets += [Sheet("Old plan", [header, [C("x"), C("y"), C("z"), C("Red")]], hidden=True),
               Sheet("KPI", [header, [C("x"), C("y"), C("z"), C("Red")]]),
               Sheet("Empty", [header])]
    drafts, _, notes = _import(Book("xlsx", sheets), stem="group")
    assert [(d.head["id"].value, d.head["service"].value) for d in drafts] == [
        ("OAKVIEW", "Oakview"), ("RIVERSIDE-HOMECARE", "Riverside Homecare")]
    assert "hidden sheet 'Old plan' skipped" in notes
    assert any(n.startswith("sheet 'KPI' holds no actions") for n in notes)
    assert any(n.startswith("sheet 'Empty': a header row and no actions") for n in notes)
    only, _, _ = _import(Book("xlsx", sheets), stem="group", options=Options(sheet="riverside homecare"))
    assert [d.head["id"].value for d in only] == ["RIVERSIDE-HOMECARE"]


def test_the_yaml_loads_and_says_where_each_value_came_from():
    (draft,), _, _ = _import(_care_home())
    emitted = emit(draft, "oakview.xlsx")
    plan = load_plan_text(emitted.text.encode(), "oakview.xlsx")
    assert [a.id for a in plan.actions] == ["OAKVIEW-PLAN-1", "OAKVIEW-PLAN-2", "OAKVIEW-PLAN-3"]
    assert plan.actions[0].owner.name == "Priya Shah" and plan.actions[0].requires[0].type == "audit"
    assert 'owner: {name: "Priya Shah", role: "Registered Manager"}   # Action plan!D7' in emitted.text
    owner_line = plan.actions[0].line_of("owner")
    assert emitted.cells[owner_line] == "Action plan!D7"


def test_a_reimport_keeps_what_the_user_added_by_hand():
    (draft,), _, _ = _import(_care_home())
    first = emit(draft, "oakview.xlsx")
    from compiler.plans.loader import plan_data
    data = plan_data(first.text.encode(), "plan.yaml")
    data["actions"][2]["kind"] = "oversight"                  # the user corrected an inferred kind
    data["actions"][0]["reviews"] = [{"date": "2026-07-01", "forum": "QSC", "narrative": "Checked"}]
    data["actions"][0]["due"] = "2026-01-01"                  # and changed a cell's value (the tracker wins)
    data["actions"].append({"id": "HAND-1", "title": "Added by hand", "kind": "oversight"})
    again = emit(draft, "oakview.xlsx", kept=data)
    plan = load_plan_text(again.text.encode(), "plan.yaml")
    by_id = {a.id: a for a in plan.actions}
    assert by_id["OAKVIEW-PLAN-3"].kind == "oversight"
    assert by_id["OAKVIEW-PLAN-1"].reviews[0].forum == "QSC"
    assert by_id["OAKVIEW-PLAN-1"].due == dt.date(2026, 6, 30)
    assert "HAND-1" in by_id


@pytest.mark.parametrize("heading, field", [("By when", "due"), ("Lead agency / officer", "owner"),
                                            ("Timescale", "due"), ("Progress update", "progress"),
                                            ("Action to be taken", "title"), ("No.", "ref"),
                                            ("Critical friend comments", None), ("Evidence of impact", "evidence")])
def test_headings_name_fields(heading, field):
    from compiler.trackers.words import field_of, words
    assert field_of(heading, words().columns) == field


def test_every_phrase_in_the_vocabulary_is_text():
    import yaml
    from importlib import resources

    raw = yaml.safe_load(resources.files("compiler").joinpath("data", "tracker_words.yaml").read_text("utf-8"))

    def leaves(value):
        if isinstance(value, dict):
            for v in value.values():
                yield from leaves(v)
        elif isinstance(value, list):
            for v in value:
                yield from leaves(v)
        else:
            yield value
    assert all(isinstance(v, str) for v in leaves(raw))          # "no" unquoted would be False


def test_excel_day_numbers_in_both_date_systems():
    header = [C("Action"), C("Owner"), C("Due"), C("Status")]
    rows = [header, [C("Audit the log"), C("Ann Lee (Manager)"), C(46203), C("On track")]]
    (draft,), _, _ = _import(Book("xlsx", [Sheet("Plan", rows)]), stem="p")
    assert draft.actions[0]["due"].value == dt.date(2026, 6, 30)
    (draft,), _, _ = _import(Book("xlsx", [Sheet("Plan", rows)], epoch_1904=True), stem="p")
    assert draft.actions[0]["due"].value == dt.date(2030, 7, 1)          # 1,462 days later
    assert "1904" in draft.actions[0]["due"].source
