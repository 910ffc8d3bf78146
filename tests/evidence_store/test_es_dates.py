"""The date grammar, the dates found in file names and text, and the choice of the date that dates an item
(docs/evidence.md, Dates)."""
from __future__ import annotations

import datetime as dt
import unicodedata

import pytest
from es_fixtures import docx_bytes
from hypothesis import given, settings
from hypothesis import strategies as st

from evidence_store.dates import (FIRST_LINES, MAX_CHUNKS, MAX_HITS, Choice, Found, Period, Refused, choose_date,
                                  dates_in_name, dates_in_text, find_periods, parse_period)
from evidence_store.limits import Limits
from evidence_store.readers import docx as docx_reader
from evidence_store.readers.base import Chunk

D = dt.date
AS_OF = D(2026, 12, 31)

# Every form the grammar reads: (as written, start, end, grain)
FORMS = [
    ("2026-07-09", D(2026, 7, 9), D(2026, 7, 9), "day"),
    ("2026-07", D(2026, 7, 1), D(2026, 7, 31), "month"),
    ("09/07/2026", D(2026, 7, 9), D(2026, 7, 9), "day"),
    ("9/7/26", D(2026, 7, 9), D(2026, 7, 9), "day"),
    ("12.03.26", D(2026, 3, 12), D(2026, 3, 12), "day"),
    ("14-05-2026", D(2026, 5, 14), D(2026, 5, 14), "day"),
    ("02.07.2026", D(2026, 7, 2), D(2026, 7, 2), "day"),
    ("20260612", D(2026, 6, 12), D(2026, 6, 12), "day"),
    ("14th May 2026", D(2026, 5, 14), D(2026, 5, 14), "day"),
    ("3rd June 2026", D(2026, 6, 3), D(2026, 6, 3), "day"),
    ("1st July 2026", D(2026, 7, 1), D(2026, 7, 1), "day"),
    ("12 March 2026", D(2026, 3, 12), D(2026, 3, 12), "day"),
    ("12th of March 2026", D(2026, 3, 12), D(2026, 3, 12), "day"),
    ("Thursday 12 March 2026", D(2026, 3, 12), D(2026, 3, 12), "day"),
    ("Thurs, 12th March 2026", D(2026, 3, 12), D(2026, 3, 12), "day"),
    ("12-Mar-2026", D(2026, 3, 12), D(2026, 3, 12), "day"),
    ("12 Mar 26", D(2026, 3, 12), D(2026, 3, 12), "day"),
    ("2026-07-09T10:15:00Z", D(2026, 7, 9), D(2026, 7, 9), "day"),
    ("May 2026", D(2026, 5, 1), D(2026, 5, 31), "month"),
    ("Sept 2026", D(2026, 9, 1), D(2026, 9, 30), "month"),
    ("September 2026", D(2026, 9, 1), D(2026, 9, 30), "month"),
    ("Jul-25", D(2025, 7, 1), D(2025, 7, 31), "month"),
    ("July 2025", D(2025, 7, 1), D(2025, 7, 31), "month"),
    ("FEB 2028", D(2028, 2, 1), D(2028, 2, 29), "month"),
    ("07/2026", D(2026, 7, 1), D(2026, 7, 31), "month"),
    ("Q2 2026", D(2026, 4, 1), D(2026, 6, 30), "quarter"),
    ("2026 Q2", D(2026, 4, 1), D(2026, 6, 30), "quarter"),
    ("2026-Q3", D(2026, 7, 1), D(2026, 9, 30), "quarter"),
    ("Q1 2026", D(2026, 1, 1), D(2026, 3, 31), "quarter"),
    ("Q1 2026/27", D(2026, 4, 1), D(2026, 6, 30), "quarter"),
    ("Q1 2026-27", D(2026, 4, 1), D(2026, 6, 30), "quarter"),
    ("2026/27 Q1", D(2026, 4, 1), D(2026, 6, 30), "quarter"),
    ("Q3 FY26/27", D(2026, 10, 1), D(2026, 12, 31), "quarter"),
    ("Q4 2026/27", D(2027, 1, 1), D(2027, 3, 31), "quarter"),
]


@pytest.mark.parametrize("written,start,end,grain", FORMS)
def test_every_form_reads_alone(written, start, end, grain):
    assert parse_period(f"  {written} ") == Period(start, end, grain, written)


@pytest.mark.parametrize("written,start,end,grain", FORMS)
def test_every_form_is_found_inside_a_sentence(written, start, end, grain):
    text = f"Notes of the session ({written}), signed."
    hits = find_periods(text)
    assert len(hits) == 1
    assert text[hits[0].start:hits[0].end] == written
    assert hits[0].reading == Period(start, end, grain, written)


@pytest.mark.parametrize("written,start,end,grain", [f for f in FORMS if "/" not in f[0]])
def test_every_form_a_file_name_can_hold_is_found_in_a_name(written, start, end, grain):
    found = dates_in_name(f"Team notes - {written}.docx")
    assert [(f.period, f.where, f.quote, f.label) for f in found] == [
        (Period(start, end, grain, written), "file name", written, "none")]


def test_a_date_that_reads_both_ways_is_day_first():
    assert parse_period("05/06/2026").start == D(2026, 6, 5)
    assert parse_period("01/07/2026").start == D(2026, 7, 1)
    assert parse_period("12.03.26").start == D(2026, 3, 12)


@pytest.mark.parametrize("written,kind,reason", [
    ("05/14/2026", "month-first", "reads only month-first"),
    ("12-25-2026", "month-first", "reads only month-first"),
    ("31/02/2026", "impossible", "is not a date (February 2026 has no day 31)"),
    ("29/02/2027", "impossible", "is not a date (February 2027 has no day 29)"),
    ("2026-13-01", "impossible", "is not a date (there is no month 13)"),
    ("2026-13", "impossible", "is not a month (there is no month 13)"),
    ("20261301", "impossible", "is not a date (there is no month 13)"),
    ("12/03/1998", "before 2000", "is before 2000"),
    ("March 1999", "before 2000", "is before 2000"),
    ("Q4 1999/00", "before 2000", "is before 2000"),
    ("19991231", "before 2000", "is before 2000"),
    ("Q1 2026/28", "impossible", "is not a financial year (2026/28: the second year must follow the first)"),
    ("Monday 12 March 2026", "weekday", "names the wrong weekday (12 March 2026 was a Thursday)"),
])
def test_refusals_say_why_in_one_line(written, kind, reason):
    reading = parse_period(written)
    assert isinstance(reading, Refused)
    assert (reading.written, reading.kind, reading.reason) == (written, kind, reason)


@pytest.mark.parametrize("text", ["", "May", "2026", "March 12", "12 March", "12/03", "Q5 2026", "next Tuesday",
                                  "12/03/2026 and 13/03/2026", "0931", "v3", "RP-01", "1/1/1"])
def test_what_is_not_one_date_expression_is_refused(text):
    reading = parse_period(text)
    assert isinstance(reading, Refused) and reading.kind == "not a date" and reading.grain is None


@pytest.mark.parametrize("name,quote,day", [
    ("QSC Minutes 12.03.26.docx", "12.03.26", D(2026, 3, 12)),
    ("Supervision notes - T Okafor - 14-05-2026.docx", "14-05-2026", D(2026, 5, 14)),
    ("Scan_20260612_0931.pdf", "20260612", D(2026, 6, 12)),
    ("2026-03-12-quality-and-safeguarding-committee.docx", "2026-03-12", D(2026, 3, 12)),
    ("QSC-2026-03-12.docx", "2026-03-12", D(2026, 3, 12)),
    ("Debrief_12_03_2026_v3.docx", "12_03_2026", D(2026, 3, 12)),
    ("Scan_2026-06-12_09-31-12.pdf", "2026-06-12", D(2026, 6, 12)),
    ("minutes v2 12.03.26 (2).docx", "12.03.26", D(2026, 3, 12)),
])
def test_dates_in_file_names(name, quote, day):
    found = dates_in_name(name)
    assert [(f.quote, f.period.start, f.period.grain) for f in found if f.period] == [(quote, day, "day")]


@pytest.mark.parametrize("name", [
    "RP-01 action evidence.docx", "SAP-2026-007 closure.pdf", "LA-2026-0042 return.xlsx", "SAP-2026-07.docx",
    "audit v3.docx", "audit v2.12.03.26.docx", "Scan 0931.pdf", "call at 09.31.pdf", "meeting 09:31.docx",
    "12 staff, 45 of 50.docx", "policy 2026.docx", "room 12-03.docx", "order 12345678.pdf",
])
def test_ids_versions_times_and_counts_in_a_name_are_not_dates(name):
    assert [f for f in dates_in_name(name) if f.period] == []


def _scripts() -> dict[str, tuple[str, str]]:
    """For each script Unicode names (the first word of a character's name), some of its letters and, where it
    has them, its digits. Generated from the Unicode database, not typed."""
    letters: dict[str, list[str]] = {}
    digits: dict[str, list[str]] = {}
    for point in range(0x20, 0x20000):
        char = chr(point)
        category = unicodedata.category(char)
        if category[0] not in "LN":
            continue
        script = unicodedata.name(char, "?").split(" ")[0]
        if category == "Nd" and point > 0x7F:
            digits.setdefault(script, []).append(char)
        elif category[0] == "L" and len(letters.setdefault(script, [])) < 12:
            letters[script].append(char)
    return {s: ("".join(ls), "".join(digits.get(s, []))) for s, ls in letters.items()}


def test_names_in_every_unicode_script_give_no_date_and_do_not_crash():
    scripts = _scripts()
    assert len(scripts) > 100
    for script, (letters, digits) in scripts.items():
        names = [f"{letters}.docx", f"{letters} {letters[::-1]}_{letters[:3]}.pdf"]
        if len(digits) >= 10:
            d = digits[:10]
            names += [f"{letters} {d[1]}{d[2]}.{d[0]}{d[3]}.{d[2]}{d[6]}.docx",           # 12.03.26 in its digits
                      f"{letters} {d[2]}{d[0]}{d[2]}{d[6]}-{d[0]}{d[7]}-{d[0]}{d[9]}.docx"]  # 2026-07-09
        for name in names:
            assert dates_in_name(name) == [], (script, name)
            assert choose_date(name, [Chunk("on line 1", name)], AS_OF).date is None, (script, name)


def test_dates_in_text_carry_their_label_and_quote():
    chunks = [Chunk("on page 1", "Oakview Quality and Safeguarding Committee\n"
                                 "Meeting date: 09/07/2026\n"
                                 "Incident date: 02/07/2026\n"
                                 "Reporting period: Q1 2026/27\n"
                                 "Attendees met on 3 July 2026 as well.\n"
                                 "Date of next meeting: 14/08/2026\n"
                                 "Resident DOB: 12/03/1948; review by 01/09/2026; due 01/10/2026\n"
                                 "Expiry date: 01/01/2027. Next meeting: Thursday 13 August 2026")]
    found = dates_in_text(chunks)
    assert [(f.where, f.quote, f.label) for f in found] == [
        ("on page 1", "Meeting date: 09/07/2026", "record"),
        ("on page 1", "Incident date: 02/07/2026", "weak"),
        ("on page 1", "Reporting period: Q1 2026/27", "record"),
        ("on page 1", "3 July 2026", "none"),
    ]


@pytest.mark.parametrize("line,label", [
    ("Date: 09/07/2026", "record"),
    ("Minutes: 14th May 2026", "record"),
    ("The meeting was held on Thursday 12 March 2026.", "record"),
    ("Debrief held: 02/07/2026", "record"),
    ("Report date - 30 June 2026", "record"),
    ("Completed 14/05/2026", "record"),
    ("Date of supervision: 14.05.26", "record"),
    ("Date of audit: 14-05-2026", "record"),
    ("Audit date 14 May 2026", "record"),
    ("Observation date: 14/05/2026", "record"),
    ("Date / time: 14/05/2026 14:00", "record"),
    ("Incident date: 02/07/2026", "weak"),
    ("Date of incident 02/07/2026", "weak"),
    ("Signed 02/07/2026", "none"),
    ("Next meeting: 14/08/2026", None),
    ("Date of next review: 01/03/2027", None),
    ("Review by date: 01/03/2027", None),
    ("Date of birth: 12/03/1948", None),
    ("DOB 12/03/1990", None),
    ("Actions due 30/09/2026", None),
    ("Policy expiry: 01/01/2027", None),
    ("To be completed by 30/09/2026", None),
    ("The policy is due for review on 01/09/2026", None),
    ("Minutes of the last QSC meeting held on 12/03/2026", None),
    ("Exported 03/11/2026 09:14", "record"),
    ("Data produced 05/11/2026", "record"),
    ("Report run 04/11/2026", "record"),
    ("Standard 90%. Last updated 13/11/2026", "record"),
    ("Written 16 July 2026.", "record"),
    ("Observed by Aisha Rahman, Care Coordinator on 16th September 2026", "record"),
    ("Audit completed by J Smith on 14/05/2026", "record"),
    ("Reviewed by 01/09/2026", None),
    ("Printed 03/11/2026", None),
])
def test_each_label_group(line, label):
    found = dates_in_text([Chunk("on line 1", line)])
    assert [f.label for f in found] == ([] if label is None else [label])


def test_a_label_in_the_paragraph_or_cell_before_the_date():
    chunks = [Chunk("in paragraph 1", "Date of meeting"), Chunk("in paragraph 2", "12/03/2026"),
              Chunk("in paragraph 3", "Next meeting"), Chunk("in paragraph 4", "14/05/2026")]
    assert [(f.where, f.quote, f.label) for f in dates_in_text(chunks)] == [
        ("in paragraph 2", "Date of meeting 12/03/2026", "record")]


def test_the_text_looked_at_is_the_first_page_or_the_first_paragraphs():
    pages = [Chunk("on page 1", "Quarterly report"), Chunk("on page 2", "Date: 09/07/2026")]
    assert dates_in_text(pages) == []
    paragraphs = [Chunk(f"in paragraph {n}", "Filler text.") for n in range(1, MAX_CHUNKS + 10)]
    paragraphs[MAX_CHUNKS - 1] = Chunk(f"in paragraph {MAX_CHUNKS}", "Date: 09/07/2026")
    paragraphs[MAX_CHUNKS + 1] = Chunk(f"in paragraph {MAX_CHUNKS + 2}", "Date: 10/07/2026")
    assert [f.quote for f in dates_in_text(paragraphs)] == ["Date: 09/07/2026"]


def test_an_unlabelled_date_counts_only_in_the_first_lines():
    lines = [Chunk(f"on line {n}", "text") for n in range(1, 30)]
    lines[FIRST_LINES - 1] = Chunk(f"on line {FIRST_LINES}", "Notes, 12 March 2026")
    lines[FIRST_LINES] = Chunk(f"on line {FIRST_LINES + 1}", "Notes, 13 March 2026")
    lines[20] = Chunk("on line 21", "Meeting date: 14 March 2026")
    assert [(f.quote, f.label) for f in dates_in_text(lines)] == [
        ("12 March 2026", "none"), ("Meeting date: 14 March 2026", "record")]


def test_a_quote_is_at_most_about_80_characters():
    found = dates_in_text([Chunk("on line 1", "Date: " + "x" * 200 + " held on 12 March 2026")])
    assert found[0].quote == "held on 12 March 2026"
    found = dates_in_text([Chunk("on line 1", "Date: 12 March 2026 " * 3)])
    assert all(len(f.quote) <= 80 for f in found)


# --------------------------------------------------------------------------------------------- the choice

def _lines(*texts: str) -> list[Chunk]:
    return [Chunk(f"on line {n}", text) for n, text in enumerate(texts, start=1)]


def test_a_labelled_date_in_the_text_beats_a_scanner_name():
    choice = choose_date("Scan_20260612_0931.pdf", [Chunk("on page 1", "QSC\nMeeting date: 09/07/2026\n")], AS_OF)
    assert choice.date == D(2026, 7, 9) and choice.period_end is None
    assert choice.provenance == "text on page 1: 'Meeting date: 09/07/2026'"
    assert choice.notes == ("the file name's '20260612' not used: a scanner or camera names a file by the day it was "
                            "scanned",)


def test_the_order_of_choice_step_by_step():
    name_day, name_month = "QSC Minutes 12.03.26.docx", "QSC minutes May 2026.docx"
    record_day, record_month = "Meeting date: 09/07/2026", "Reporting period: Q1 2026/27"
    weak, bare = "Incident date: 02/07/2026", "3 July 2026"
    steps = [
        (name_day, _lines(bare, weak, record_month, record_day), D(2026, 7, 9), D(2026, 6, 30),
         "text on line 4: 'Meeting date: 09/07/2026'; the quarter it covers from text on line 3: "
         "'Reporting period: Q1 2026/27'"),
        (name_day, _lines(bare, weak, record_month), D(2026, 3, 12), None, "file name '12.03.26'"),
        (name_month, _lines(bare, weak, record_month), D(2026, 6, 30), D(2026, 6, 30),
         "text on line 3: 'Reporting period: Q1 2026/27' (a quarter: dated by its last day)"),
        (name_month, _lines(bare, weak), D(2026, 5, 31), D(2026, 5, 31),
         "file name 'May 2026' (a month: dated by its last day)"),
        ("minutes.docx", _lines(bare, weak), D(2026, 7, 2), None,
         "text on line 2: 'Incident date: 02/07/2026' (the date of what the record is about: "
         "the record's own date is not given)"),
        ("minutes.docx", _lines(bare), D(2026, 7, 3), None,
         "text on line 1: '3 July 2026' (an unlabelled date in the first lines)"),
        ("minutes.docx", _lines("Minutes"), None, None, "no date in the file name or the first lines of the text"),
    ]
    for name, chunks, date, end, provenance in steps:
        choice = choose_date(name, chunks, AS_OF)
        assert (choice.date, choice.period_end, choice.provenance) == (date, end, provenance)


def test_a_date_after_as_of_is_not_taken_and_the_next_one_is():
    choice = choose_date("notes 12.03.26.docx", _lines("Meeting date: 09/07/2027"), D(2026, 12, 31))
    assert choice.date == D(2026, 3, 12)
    assert choice.notes == ("'Meeting date: 09/07/2027' on line 1 is after the as-of date 2026-12-31; not taken",)
    undated = choose_date("minutes.docx", _lines("Meeting date: 09/07/2027"), D(2026, 12, 31))
    assert undated.date is None and undated.notes == (
        "'Meeting date: 09/07/2027' on line 1 is after the as-of date 2026-12-31; not taken",)


def test_a_month_not_yet_over_on_the_as_of_date_is_not_taken():
    choice = choose_date("RP log May 2026.csv", [], D(2026, 5, 20))
    assert choice.date is None
    assert choice.notes == ("'May 2026' in the file name is after the as-of date 2026-05-20; not taken",)


def test_a_date_before_2000_is_not_taken():
    choice = choose_date("minutes 12.03.1998.docx", _lines("Date: 01/02/1999", "Notes, 3 July 2026"), AS_OF)
    assert choice.date == D(2026, 7, 3)
    assert choice.notes == ("'Date: 01/02/1999' on line 1 is before 2000; not taken",
                            "'12.03.1998' in the file name is before 2000; not taken")


def test_a_month_first_date_in_the_name_or_a_labelled_place_gets_a_note():
    choice = choose_date("Minutes 05-14-2026.docx", _lines("Meeting date: 05/14/2026", "Date: 15/05/2026"), AS_OF)
    assert choice.date == D(2026, 5, 15)
    assert choice.notes == ("'Meeting date: 05/14/2026' on line 1 reads only month-first; not taken",
                            "'05-14-2026' in the file name reads only month-first; not taken")


def test_next_meeting_is_never_chosen():
    for chunks in (_lines("Next meeting: 14/08/2026"), _lines("Date of next meeting", "14/08/2026"),
                   [Chunk("on page 1", "Minutes\nNext meeting Thursday 13 August 2026")]):
        choice = choose_date("minutes.docx", chunks, AS_OF)
        assert choice == Choice(None, None, "no date in the file name or the first lines of the text", ())


def test_file_system_times_and_document_properties_are_not_read():
    # choose_date is handed a name and text only: nothing else can date the item.
    import inspect
    assert list(inspect.signature(choose_date).parameters) == ["name", "chunks", "as_of", "in_text"]  # in_text: the chunks' dates


# ----------------------------------------------------------------------------------------------- bounds

def test_five_thousand_dates_in_a_text_give_a_capped_number_of_hits():
    text = " ".join(f"Meeting date: {n % 28 + 1:02d}/{n % 12 + 1:02d}/2026." for n in range(5_000))
    assert len(find_periods(text)) == MAX_HITS


def test_a_docx_of_five_thousand_dates_is_looked_at_only_in_its_first_paragraphs():
    data = docx_bytes([f"Date: {n % 28 + 1:02d}/03/2026" for n in range(5_000)])
    chunks = docx_reader.read(data, Limits()).chunks
    assert len(chunks) == 5_000
    found = dates_in_text(chunks)
    assert len(found) == MAX_CHUNKS
    assert choose_date("minutes.docx", chunks, AS_OF).date == D(2026, 3, 1)


# --------------------------------------------------------------------------------------------- property

@settings(max_examples=500, deadline=None)
@given(st.one_of(st.text(max_size=60),
                 st.text(alphabet="0123456789/-._ QqFY'’,ofthsndrMayJulSeptMarchThursday:\n", max_size=60)))
def test_parse_period_never_raises_and_every_period_is_sound(text):
    reading = parse_period(text)
    assert isinstance(reading, (Period, Refused))
    if isinstance(reading, Period):
        assert reading.start <= reading.end and reading.start.year >= 2000
    for hit in find_periods(text):
        if isinstance(hit.reading, Period):
            assert hit.reading.start <= hit.reading.end and hit.reading.start.year >= 2000
    assert isinstance(choose_date(text, [Chunk("on line 1", text)], AS_OF), Choice)


def test_found_period_is_none_for_a_refused_reading():
    found = dates_in_name("Minutes 31-02-2026.docx")
    assert len(found) == 1 and isinstance(found[0], Found) and found[0].period is None
    assert found[0].reading.reason == "is not a date (February 2026 has no day 31)"


def test_a_month_or_quarter_under_a_period_label_dates_the_record_but_a_day_under_it_does_not():
    found = dates_in_text(_lines("Month: May 2026", "Reporting period: 01/04/2026 to 30/06/2026"))
    assert [(f.quote, f.label) for f in found] == [("Month: May 2026", "record"),
                                                   ("Reporting period: 01/04/2026", "none"), ("30/06/2026", "none")]


def test_a_scanner_or_camera_name_comes_after_any_date_in_the_text():
    chunks = [Chunk("on page 1", "Competency observation\nJoanna Wilk, Care Worker. Observed by Aisha Rahman, Care "
                                 "Coordinator on 16th\nSeptember 2026.")]
    choice = choose_date("Scan_20260917_1655.pdf", chunks, AS_OF)
    assert (choice.date, choice.provenance) == (
        D(2026, 9, 16), "text on page 1: 'Observed by Aisha Rahman, Care Coordinator on 16th September 2026'")
    unlabelled = choose_date("Scan_20260917_1655.pdf", _lines("Competency", "16 September 2026"), AS_OF)
    assert unlabelled.date == D(2026, 9, 16)
    photo = choose_date("IMG_20261020_084528.png", [], AS_OF)
    assert (photo.date, photo.provenance) == (D(2026, 10, 20),
                                              "file name '20261020' (the day a scanner or camera named it)")
    human = choose_date("20261020 QSC minutes.docx", _lines("QSC", "Notes, 16 September 2026"), AS_OF)
    assert human.date == D(2026, 10, 20)


def test_a_day_opening_a_line_within_the_month_or_quarter_chosen_is_taken_instead():
    spot = choose_date("Spot check Hillside Sept 2026.docx",
                       _lines("Unannounced spot check", "24th September 2026, arrived 07:10 (handover)."), AS_OF)
    assert (spot.date, spot.period_end) == (D(2026, 9, 24), None)
    assert spot.provenance == "text on line 2: '24th September 2026' (an unlabelled date in the first lines)"
    inside = choose_date("Spot check Hillside Sept 2026.docx", _lines("Visited on 24th September 2026"), AS_OF)
    assert (inside.date, inside.period_end) == (D(2026, 9, 30), D(2026, 9, 30))
    outside = choose_date("RP log audit Q3 2026.pdf", _lines("Audit", "07.10.2026 G Mensah"), AS_OF)
    assert (outside.date, outside.period_end) == (D(2026, 9, 30), D(2026, 9, 30))


def test_a_day_after_a_month_or_quarter_it_covers_keeps_that_period():
    rows = [Chunk("in row 1", "Restrictive practice log - Oakview"),
            Chunk("in row 2", "Every intervention reviewed. Exported 03/11/2026 for 01/10/2026 to 31/10/2026"),
            Chunk("in row 3", "event_id\tdate_start\tduration"), Chunk("in row 4", "OV-1\t07/10/2026\t2")]
    choice = choose_date("Restrictive practice log October 2026.csv", rows, AS_OF)
    assert (choice.date, choice.period_end) == (D(2026, 11, 3), D(2026, 10, 31))
    assert choice.provenance == ("text in row 2: 'Exported 03/11/2026'; "
                                 "the month it covers from file name 'October 2026'")
    assert choice.period_end_provenance == "file name 'October 2026'"
    report = choose_date("Q2 2026-27 Safeguarding board paper.pdf", [Chunk("on page 1", "Report date: 15/10/2026")],
                         AS_OF)
    assert (report.date, report.period_end) == (D(2026, 10, 15), D(2026, 9, 30))


def test_an_unlabelled_date_in_a_row_of_data_is_not_the_files_date():
    rows = [Chunk("in row 1", "Week ending\tAuditor\tScore %"), Chunk("in row 2", "09/01/2026\tG Mensah\t52%")]
    assert dates_in_text(rows) == []
    assert choose_date("audit scores.csv", rows, AS_OF).date is None
    single = [Chunk("in row 1", "Oakview figures, 05/11/2026\t\t")]
    assert [f.quote for f in dates_in_text(single)] == ["05/11/2026"]
