"""Write an untidy copy of the bundled example (the same facts, kept as a provider keeps them) and its truth.

    python examples/untidy/generate.py                                   # the committed folder
    python examples/untidy/generate.py --seed 7 --patterns all --out DIR  # a held-out folder

Writes DIR/evidence/ (a shared drive: folders people make, names people type, dates written the English
way, action ids written loosely or not at all, tables exported with title rows, agendas, blank forms and
drafts; no evidence.yaml, sidecars, front matter or typed document properties), DIR/plans/ (the example's
plans, pointing at the moved indicator files) and DIR/truth.json (what a careful reader would say about
every file). The content is examples/generate.py's: its writers are run once with their calls captured,
and each captured document is written again here, untidily. Deterministic: the same arguments give
byte-identical files. The committed folder uses the default seed and holds back some naming patterns, so
that figures measured on a held-out folder (`--patterns all`) are not tuned to what they measure.
"""
from __future__ import annotations

import argparse
import csv
import datetime as dt
import importlib.util
import io
import json
import pathlib
import random
import re
import shutil
import sys
import tempfile
from dataclasses import dataclass, field
from typing import Any, Callable

HERE = pathlib.Path(__file__).resolve().parent
EXAMPLES = HERE.parent
DEFAULT_SEED = 2026
AS_OF = dt.date(2026, 11, 20)


def _tidy_generator() -> Any:
    spec = importlib.util.spec_from_file_location("sgpack_example_generate", EXAMPLES / "generate.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


gen = _tidy_generator()


# --------------------------------------------------------------------------------------------
# the tidy example's content, captured from its writers
# --------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Source:
    """One file examples/generate.py writes: the writer it called and what it passed."""
    rel: str
    writer: str                    # docx | pdf | md | csv | xlsx | text | png
    args: dict[str, Any]


def capture() -> dict[str, Source]:
    """Run the tidy generator's content functions with its writers replaced by recorders."""
    found: dict[str, Source] = {}

    def recorder(writer: str, names: tuple[str, ...]) -> Callable[..., None]:
        def record(rel: str, *args: Any, **kwargs: Any) -> None:
            found[rel] = Source(rel, writer, dict(zip(names, args)) | kwargs)
        return record

    patched = {
        "write_docx": recorder("docx", ()), "write_pdf": recorder("pdf", ()),
        "write_md": recorder("md", ("front", "body")), "write_csv": recorder("csv", ("header", "rows")),
        "write_xlsx": recorder("xlsx", ()), "write_text": recorder("text", ("text",)),
        "write_yaml": recorder("yaml", ("data", "comment")),
    }
    saved = {name: getattr(gen, name) for name in patched} | {"OUT": gen.OUT}
    with tempfile.TemporaryDirectory() as scratch:
        try:
            gen.OUT = pathlib.Path(scratch)          # what is written without a writer (the photo) lands here
            for name, function in patched.items():
                setattr(gen, name, function)
            for part in (gen.meetings, gen.audits, gen.supervision, gen.competency, gen.training, gen.debriefs,
                         gen.support_plans, gen.incidents, gen.spot_checks, gen.feedback, gen.policies,
                         gen.board_reports, gen.indicators, gen.email, gen.photo):
                part()
            for path in sorted(pathlib.Path(scratch).rglob("*.png")):
                rel = path.relative_to(scratch).as_posix()
                found[rel] = Source(rel, "png", {"data": path.read_bytes()})
        finally:
            for name, value in saved.items():
                setattr(gen, name, value)
    # Sidecars and the index are the tidy folder's metadata: the untidy folder has none.
    return {rel: s for rel, s in found.items() if s.writer != "yaml"}


# --------------------------------------------------------------------------------------------
# dates, written the English way
# --------------------------------------------------------------------------------------------

def ordinal(n: int) -> str:
    return f"{n}{'th' if 10 <= n % 100 <= 20 else {1: 'st', 2: 'nd', 3: 'rd'}.get(n % 10, 'th')}"


# Day-first numeric forms: reading one month-first gives a different day when the day is 12 or less.
NUMERIC = {"dd.mm.yy", "dd-mm-yyyy", "dd.mm.yyyy", "dd/mm/yyyy", "dd_mm_yyyy"}
FORMS: dict[str, Callable[[dt.date], str]] = {
    "dd.mm.yy": lambda d: f"{d:%d.%m.%y}",
    "dd-mm-yyyy": lambda d: f"{d:%d-%m-%Y}",
    "dd.mm.yyyy": lambda d: f"{d:%d.%m.%Y}",
    "dd/mm/yyyy": lambda d: f"{d:%d/%m/%Y}",
    "dd_mm_yyyy": lambda d: f"{d:%d_%m_%Y}",
    "yyyymmdd": lambda d: f"{d:%Y%m%d}",
    "yyyy-mm-dd": lambda d: d.isoformat(),
    "yyyy.mm.dd": lambda d: f"{d:%Y.%m.%d}",
    "ordinal day month year": lambda d: f"{ordinal(d.day)} {d:%B %Y}",
    "day month year": lambda d: f"{d.day} {d:%B %Y}",
    "weekday day month year": gen.long_date,
    "d Mon yy": lambda d: f"{d.day} {d:%b %y}",
}


def month_end(day: dt.date) -> dt.date:
    following = dt.date(day.year + day.month // 12, day.month % 12 + 1, 1)
    return following - dt.timedelta(days=1)


def quarter_end(day: dt.date) -> dt.date:
    return month_end(dt.date(day.year, (day.month - 1) // 3 * 3 + 3, 1))


def month_words(day: dt.date, rng: random.Random) -> str:
    """May 2026, or as people shorten it: Sep 2026, Sept 2026."""
    choices = [f"{day:%B %Y}", f"{day:%b %Y}"] + ([f"Sept {day.year}"] if day.month == 9 else [])
    return rng.choice(choices)


def fy_quarter_words(day: dt.date) -> str:
    """The financial quarter a day is in, as a name gives it: April-June 2026 is "Q1 2026-27"."""
    year = day.year if day.month >= 4 else day.year - 1
    return f"Q{(day.month - 4) % 12 // 3 + 1} {year}-{(year + 1) % 100:02d}"


# --------------------------------------------------------------------------------------------
# what a file is being made into: the record of one file's truth as it is written
# --------------------------------------------------------------------------------------------

@dataclass
class Made:
    """What the generator knows about one untidy file while it writes it."""
    rng: random.Random
    loose: dict[str, set[str]] = field(default_factory=dict)          # id -> the forms written
    described: dict[str, str] = field(default_factory=dict)           # id -> the words that describe it
    ids: set[str] = field(default_factory=set)                        # ids named in the canonical text
    month_first: set[str] = field(default_factory=set)
    distractors: list[dict[str, str]] = field(default_factory=list)
    text_date_form: str | None = None
    text_full: bool = False                                          # the text carries the file's own day
    table: dict[str, Any] | None = None
    notes: list[str] = field(default_factory=list)

    def date(self, day: dt.date, form: str) -> str:
        """`day` written in `form`; a day-first numeric date is noted with its month-first misreading."""
        if form in NUMERIC and day.day <= 12 and day.day != day.month:
            self.month_first.add(dt.date(day.year, day.day, day.month).isoformat())
        return FORMS[form](day)

    def distractor(self, day: dt.date, why: str) -> None:
        entry = {"date": day.isoformat(), "why": why}
        if entry not in self.distractors:
            self.distractors.append(entry)

    def describe(self, action: str, words: str) -> str:
        self.described[action] = words
        return words


# --------------------------------------------------------------------------------------------
# action ids, written as people write them
# --------------------------------------------------------------------------------------------

ACTION = re.compile(r"\b(RP|RH|RQ)-(\d\d)\b")
PLAN = re.compile(r"\bSAP-(\d{4})-(\d{3})\b")
RANGE = re.compile(r"\b(RP|RH|RQ)-(\d\d) to (?:\1)-(\d\d)\b")
ACTION_FORMS = {
    "RP-01": lambda p, n: f"{p}-{n:02d}",
    "RP01": lambda p, n: f"{p}{n:02d}",
    "RP 01": lambda p, n: f"{p} {n:02d}",
    "RP-1": lambda p, n: f"{p}-{n}",
    "action RP-01": lambda p, n: f"action {p}-{n:02d}",
    "item RP 01": lambda p, n: f"item {p} {n:02d}",
}
PLAN_FORMS = {
    "SAP-2026-007": lambda y, n: f"SAP-{y}-{n}",
    "SAP 2026-007": lambda y, n: f"SAP {y}-{n}",
    "SAP 2026/007": lambda y, n: f"SAP {y}/{n}",
}


def ids_named(text: str) -> set[str]:
    """The action and plan ids a text names, a range ("RH-01 to RH-06") naming every id in it."""
    found = set(ACTION.findall(text))
    named = {f"{p}-{n}" for p, n in found} | set(re.findall(r"\bSAP-\d{4}-\d{3}\b", text))
    for prefix, first, last in RANGE.findall(text):
        named |= {f"{prefix}-{n:02d}" for n in range(int(first), int(last) + 1)}
    return named


def loosen(text: str, made: Made) -> str:
    """Note the ids `text` names, then write each mention in a form people use (seeded)."""
    made.ids |= ids_named(text)
    for match in RANGE.finditer(text):
        note = f"'{match.group(0)}' names every action from the first to the last"
        if note not in made.notes:
            made.notes.append(note)

    def action(match: re.Match[str]) -> str:
        before = text[max(0, match.start() - 9):match.start()].lower()
        forms = list(ACTION_FORMS)
        if re.search(r"(action|item|actions)\s$", before):
            forms = forms[:4]
        weights = [4 if f == "RP-01" else 1.2 for f in forms]
        form = made.rng.choices(forms, weights)[0]
        written = ACTION_FORMS[form](match.group(1), int(match.group(2)))
        if form.startswith(("action", "item")) and (match.start() == 0 or text[:match.start()].endswith(". ")):
            written = written[0].upper() + written[1:]
        made.loose.setdefault(f"{match.group(1)}-{match.group(2)}", set()).add(written)
        return written

    def plan(match: re.Match[str]) -> str:
        form = made.rng.choices(list(PLAN_FORMS), [3, 1, 1])[0]
        written = PLAN_FORMS[form](match.group(1), match.group(2))
        made.loose.setdefault(match.group(0), set()).add(written)
        return written

    return PLAN.sub(plan, ACTION.sub(action, text))


def loosen_blocks(blocks: list, made: Made) -> list:
    out = []
    for kind, payload in blocks:
        if isinstance(payload, str):
            out.append((kind, loosen(payload, made)))
        elif kind == "table":
            out.append((kind, [[loosen(str(cell), made) for cell in row] for row in payload]))
        else:
            out.append((kind, [loosen(line, made) for line in payload]))
    return out


# --------------------------------------------------------------------------------------------
# naming patterns: how a file's name is typed, and the date form it carries
# --------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Pattern:
    name: str
    date_form: str | None          # the form of the date the name carries (None: no date)
    full_date: bool                # the name carries the file's own day
    make: Callable[[str, dt.date, random.Random], str]


def _scan_stamp(words: str, day: dt.date, rng: random.Random) -> str:
    scanned = day + dt.timedelta(days=rng.randint(1, 3))
    return f"Scan_{scanned:%Y%m%d}_{rng.randint(8, 17):02d}{rng.randint(0, 59):02d}"


PATTERNS: dict[str, Pattern] = {p.name: p for p in [
    Pattern("words dd.mm.yy", "dd.mm.yy", True, lambda w, d, r: f"{w} {FORMS['dd.mm.yy'](d)}"),
    Pattern("words - dd-mm-yyyy", "dd-mm-yyyy", True, lambda w, d, r: f"{w} - {FORMS['dd-mm-yyyy'](d)}"),
    Pattern("words dd.mm.yyyy", "dd.mm.yyyy", True, lambda w, d, r: f"{w} {FORMS['dd.mm.yyyy'](d)}"),
    Pattern("words ordinal date", "ordinal day month year", True,
            lambda w, d, r: f"{w} {FORMS['ordinal day month year'](d)}"),
    Pattern("words month year", "month year", False, lambda w, d, r: f"{w} {month_words(d, r)}"),
    Pattern("words calendar quarter", "calendar quarter", False,
            lambda w, d, r: f"{w} Q{(d.month - 1) // 3 + 1} {d.year}"),
    Pattern("financial quarter words", "financial quarter", False, lambda w, d, r: f"{fy_quarter_words(d)} {w}"),
    Pattern("words week number", "week number", False, lambda w, d, r: f"{w} wk {d.isocalendar()[1]}"),
    Pattern("scanner", "yyyymmdd (the day it was scanned)", False, _scan_stamp),
    Pattern("camera", "yyyymmdd", True,
            lambda w, d, r: f"IMG_{d:%Y%m%d}_{r.randint(8, 17):02d}{r.randint(0, 59):02d}{r.randint(0, 59):02d}"),
    Pattern("iso date words", "yyyy-mm-dd", True, lambda w, d, r: f"{d.isoformat()} {w}"),
    Pattern("words year", "year", False, lambda w, d, r: f"{w} {d.year}"),
    Pattern("email subject", "day month (no year)", False, lambda w, d, r: w),
    Pattern("words only", None, False, lambda w, d, r: w),
    # Held back from the committed folder: only a held-out folder (--patterns all) uses these.
    Pattern("words d Mon yy", "d Mon yy", True, lambda w, d, r: f"{w} {FORMS['d Mon yy'](d)}"),
    Pattern("yyyy.mm.dd words", "yyyy.mm.dd", True, lambda w, d, r: f"{FORMS['yyyy.mm.dd'](d)} {w}"),
    Pattern("words Mon-yy", "Mon-yy", False, lambda w, d, r: f"{w} {d:%b}-{d:%y}"),
    Pattern("words_dd_mm_yyyy", "dd_mm_yyyy", True,
            lambda w, d, r: re.sub(r"[\s\-]+", "_", w) + "_" + FORMS["dd_mm_yyyy"](d)),
]}
HELD_BACK = ("words d Mon yy", "yyyy.mm.dd words", "words Mon-yy", "words_dd_mm_yyyy")
COMMITTED = tuple(p for p in PATTERNS if p not in HELD_BACK)

# Pattern sets for kinds of file (held-back ones are dropped for the committed folder).
MEETING = ("words dd.mm.yy", "words dd.mm.yyyy", "iso date words", "words only", "words ordinal date",
           "words - dd-mm-yyyy", "words d Mon yy", "yyyy.mm.dd words", "words_dd_mm_yyyy")
DATED = ("words dd.mm.yy", "words dd.mm.yyyy", "iso date words", "words ordinal date", "words - dd-mm-yyyy",
         "words d Mon yy", "yyyy.mm.dd words", "words_dd_mm_yyyy")
PERSONAL = ("words - dd-mm-yyyy", "words dd.mm.yy", "words only", "words ordinal date", "words_dd_mm_yyyy",
            "words d Mon yy")
MONTHLY = ("words month year", "words Mon-yy")


# --------------------------------------------------------------------------------------------
# where a provider keeps things: folder names people make (one chosen per seed)
# --------------------------------------------------------------------------------------------

PLACES: dict[str, tuple[str, ...]] = {
    "qsc": ("Shared/Governance/QSC 2026", "Shared/Governance/Quality and Safeguarding Committee/2026"),
    "qsc_oakview": ("Oakview/Governance/QSC 2026",),
    "board": ("Shared/Governance/Board", "Shared/Board papers 2026"),
    "health_safety": ("Shared/Health and Safety", "Shared/H&S"),
    "shared_audits": ("Shared/Audits", "Shared/Quality/Audits"),
    "shared_audits_q2": ("Shared/Audits/Q2",),
    "oakview_audits": ("Oakview/Audits", "Oakview/Quality/Audits 2026"),
    "riverside_audits": ("Riverside/Audits", "Riverside/Quality"),
    "oakview_competency": ("Oakview/Staff/Competencies", "Oakview/Staff/Observations"),
    "riverside_competency": ("Riverside/Staff/Competencies", "Riverside/Staff/Med competencies"),
    "record_quality": ("Shared/Record quality", "Shared/Quality/Record quality plan"),
    "spot_checks": ("Shared/Spot checks 2026", "Shared/Record quality/Spot checks"),
    "spot_follow_up": ("{spot_checks}/Follow-up", "Shared/Record quality/Follow-up 1-1s"),
    "oakview_supervision": ("Oakview/Staff/Supervision", "Oakview/Supervisions"),
    "riverside_supervision": ("Riverside/Supervisions",),
    "oakview_debriefs": ("Oakview/Debriefs", "Oakview/Incidents/Debriefs"),
    "oakview_pbs": ("Oakview/PBS plans", "Oakview/Support plans/PBS"),
    "oakview_rp_log": ("Oakview/RP log", "Oakview/Incidents/RP log"),
    "oakview_data": ("Oakview/Data", "Oakview/Monthly figures"),
    "oakview_photos": ("Oakview/Photos",),
    "riverside_data": ("Riverside/Data", "Riverside/Contract monitoring/Monthly data"),
    "riverside_contract": ("Riverside/Contract monitoring", "Riverside/Commissioner"),
    "riverside_on_call": ("Riverside/On call", "Riverside/Out of hours"),
    "riverside_feedback": ("Riverside/Feedback", "Riverside/Client survey"),
    "shared_data": ("Shared/Data", "Shared/Quality dashboard"),
    "shared_feedback": ("Shared/Feedback", "Shared/Surveys"),
    "policies": ("Shared/Policies", "Shared/Policies and procedures"),
    "riverside_policies": ("Riverside/Policies",),
    "training": ("Shared/Training", "Shared/HR/Training"),
    "scans": ("Scans",),
}


# --------------------------------------------------------------------------------------------
# recipes: each tidy file (and each not-a-record added), what it is, where it goes, how it is named
# --------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Recipe:
    src: str                           # the tidy file, or "+name" for a file the tidy folder does not have
    render: str                        # the renderer below
    place: str
    words: tuple[str, ...]             # what people call it in a name (one chosen per seed)
    patterns: tuple[str, ...]
    type: str | None                   # evidence type; None for a file that is not a record
    date: dt.date | None = None        # default: the tidy file's date
    period_end: dt.date | None = None
    ext: str = ""                      # default: the tidy file's
    suffix: str = ""                   # " DRAFT", " signed", " v4 FINAL"
    draft: bool = False
    readable: bool = True
    not_record: str | None = None      # agenda | blank | template | tool
    also: tuple[str, ...] = ()         # links a careful reader may make or not: the text states what the action
                                       # asks without naming it as its purpose (neither required nor wrong)
    name_month: dt.date | None = None  # the month a name without a day gives (default: period_end, else date)
    note: str = ""                     # why the truth differs from the tidy folder, when it does


def _tidy_date(rel: str) -> dt.date | None:
    match = re.search(r"(\d{4}-\d\d-\d\d)", rel)
    return dt.date.fromisoformat(match.group(1)) if match else None


def R(src: str, render: str, place: str, words: tuple[str, ...] | str, patterns: tuple[str, ...], type_: str | None,
      **kw: Any) -> Recipe:
    return Recipe(src, render, place, (words,) if isinstance(words, str) else words, patterns, type_, **kw)


d = dt.date
Q = "minutes/{}-quality-and-safeguarding-committee"
QSC_WORDS = ("QSC Minutes", "QSC minutes", "Minutes QSC")
RECIPES: list[Recipe] = [
    # governance minutes (and two agendas, which are not minutes)
    R(Q.format("2026-03-12") + ".docx", "minutes", "qsc_oakview", QSC_WORDS, MEETING, "governance_minutes"),
    R(Q.format("2026-04-09") + ".pdf", "minutes", "qsc_oakview", QSC_WORDS, MEETING + ("scanner",),
      "governance_minutes"),
    R(Q.format("2026-05-14") + ".docx", "minutes", "qsc", QSC_WORDS, MEETING, "governance_minutes"),
    R(Q.format("2026-06-11") + ".pdf", "minutes", "scans", "", ("scanner",), "governance_minutes"),
    R("minutes/2026-06-18-health-and-safety-committee.docx", "minutes", "health_safety",
      ("H&S committee minutes", "Health and Safety Committee minutes"), MEETING, "governance_minutes"),
    R(Q.format("2026-07-09") + ".docx", "minutes", "qsc", QSC_WORDS, MEETING, "governance_minutes"),
    R("minutes/2026-07-23-board-of-directors.docx", "minutes", "board", ("Board minutes", "Minutes of the Board"),
      MEETING, "governance_minutes"),
    R(Q.format("2026-08-13") + ".pdf", "minutes", "qsc", QSC_WORDS, MEETING + ("scanner",), "governance_minutes"),
    R(Q.format("2026-09-17") + ".docx", "minutes", "qsc", ("QSC minutes",), MEETING, "governance_minutes",
      suffix=" DRAFT", draft=True),
    R(Q.format("2026-09-17") + "-signed-truncated.pdf", "truncated", "qsc", ("QSC minutes",), DATED,
      "governance_minutes", suffix=" signed", readable=False,
      note="the signed copy did not upload completely: unreadable, so its content links nothing"),
    R(Q.format("2026-10-15") + ".docx", "minutes", "qsc", QSC_WORDS, MEETING, "governance_minutes"),
    R("minutes/2026-10-22-board-of-directors.pdf", "minutes", "board", ("Board minutes", "Minutes of the Board"),
      MEETING + ("scanner",), "governance_minutes"),
    R(Q.format("2026-11-12") + ".pdf", "minutes", "qsc", QSC_WORDS, MEETING + ("scanner",), "governance_minutes"),
    R("+agenda-qsc", "agenda_qsc", "qsc", ("Agenda QSC", "QSC agenda"), MEETING, None, date=d(2026, 10, 15),
      ext=".docx", not_record="agenda"),
    R("+agenda-board", "agenda_board", "board", ("Board agenda", "Agenda - Board"), DATED, None,
      date=d(2026, 10, 22), ext=".pdf", not_record="agenda"),
    # audits
    *[R(f"audits/{day}-oakview-pbs-plan-audit.docx", "dated_doc", "oakview_audits",
        ("PBS plan audit", "BSP audit Oakview", "Behaviour support plan audit"),
        ("words week number", "words month year", "words dd.mm.yy", "words - dd-mm-yyyy", "words Mon-yy",
         "words d Mon yy"), "audit", also=("RP-02",))
      for day in ("2026-05-28", "2026-06-25", "2026-07-30", "2026-08-27")],
    R("audits/2026-09-30-oakview-restrictive-practice-log-audit-q3.pdf", "dated_doc", "shared_audits_q2",
      ("Restrictive practice log audit", "RP log audit report"),
      ("words calendar quarter", "financial quarter words"), "audit", period_end=d(2026, 9, 30), also=("RP-01",)),
    R("audits/2026-10-29-riverside-mar-audit.pdf", "month_doc", "riverside_audits",
      ("MAR audit", "Medication MAR audit"),
      MONTHLY, "audit", date=d(2026, 10, 31), period_end=d(2026, 10, 31),
      note="only the month is written (October 2026): dated by its last day"),
    R("audits/daily-record-audit-scores-2026.csv", "daily_record_scores", "shared_audits",
      ("Daily record audit", "Daily records and escalation audit scores"), ("words year",), "audit",
      date=d(2026, 11, 13)),
    R("audits/oakview-restrictive-practice-log-audit-scores.csv", "rp_log_scores", "oakview_audits",
      ("RP log audit scores", "Restrictive practice log audit"), ("words year", "words only"), "audit",
      date=d(2026, 11, 13)),
    R("audits/riverside-rota-and-call-audit-scores.xlsx", "rota_scores", "riverside_audits",
      ("Rota audit scores", "Rota and call time audit"), ("words only", "words year"), "audit",
      date=d(2026, 10, 30)),
    R("+audit-tool", "audit_tool", "shared_audits_q2", ("Copy of RP log audit tool",), ("words only",), None,
      ext=".xlsx", not_record="tool"),
    # board reports
    R("board/2026-07-16-safeguarding-assurance-report-q1.docx", "board_report", "board",
      ("safeguarding report", "safeguarding assurance report"), ("financial quarter words",), "board_report",
      period_end=d(2026, 6, 30)),
    R("board/2026-10-15-safeguarding-assurance-report-q2.pdf", "board_report", "board",
      ("Board paper", "Safeguarding board paper"), ("words month year", "financial quarter words", "words Mon-yy"),
      "board_report", period_end=d(2026, 9, 30), name_month=d(2026, 10, 15)),
    # competency sign-offs
    R("competency/2026-06-10-de-escalation-observation-liam-novak.docx", "dated_doc", "oakview_competency",
      ("Competency - L Novak", "De-escalation obs Liam N", "Liam Novak de-escalation observation"),
      PERSONAL + ("words dd.mm.yyyy",), "competency"),
    R("competency/2026-07-08-time-critical-medication-competency-kwame-asante.docx", "dated_doc",
      "riverside_competency", ("Competency - K Asante", "Med competency Kwame A", "Kwame Asante medication competency"),
      PERSONAL + ("words dd.mm.yyyy",), "competency"),
    R("competency/2026-07-15-de-escalation-observation-bethany-clarke.docx", "dated_doc", "oakview_competency",
      ("Competency - B Clarke", "De-escalation obs Bethany C", "Bethany Clarke de-escalation observation"),
      PERSONAL + ("words dd.mm.yyyy",), "competency"),
    R("competency/2026-08-12-escalation-competency-chloe-pritchard.docx", "dated_doc", "record_quality",
      ("Competency - C Pritchard", "Escalation obs Chloe P", "Chloe Pritchard escalation competency"),
      PERSONAL + ("words dd.mm.yyyy",), "competency"),
    R("competency/2026-09-09-de-escalation-observation-olu-adebayo.pdf", "dated_doc", "oakview_competency",
      ("Competency - O Adebayo", "De-escalation obs Olu A"), PERSONAL + ("scanner",), "competency"),
    R("competency/2026-09-16-time-critical-medication-competency-joanna-wilk.pdf", "dated_doc", "riverside_competency",
      ("Competency - J Wilk", "Med competency Joanna W"), PERSONAL + ("scanner",), "competency"),
    R("competency/2026-10-07-escalation-competency-rhys-morgan.pdf", "dated_doc", "record_quality",
      ("Competency - R Morgan", "Escalation obs Rhys M"), PERSONAL + ("scanner",), "competency"),
    # the commissioner's email
    R("correspondence/2026-10-28-fw-riverside-contract-monitoring-visit.eml", "email", "riverside_contract",
      ("FW Riverside Homecare - contract monitoring visit 27 October (LA-DOM-2025-12)",), ("email subject",),
      "partner_feedback", date=d(2026, 10, 27),
      note="the commissioner wrote on 27 October (the visit); the forward is dated 28 October"),
    # debriefs
    R("debriefs/2026-04-17-post-incident-debrief.md", "debrief", "oakview_debriefs",
      ("Debrief", "Debrief MB", "Post incident debrief - MB"), PERSONAL, "debrief"),
    R("debriefs/2026-09-04-post-incident-debrief.md", "debrief", "oakview_debriefs",
      ("Debrief - Jamie T", "Post incident debrief - JT"), PERSONAL, "debrief"),
    R("debriefs/2026-10-09-post-incident-debrief.md", "debrief", "oakview_debriefs",
      ("Debrief AR", "Post incident debrief - AR"), PERSONAL, "debrief"),
    R("debriefs/2026-11-06-post-incident-debrief.md", "debrief", "oakview_debriefs",
      ("Debrief MB", "Post incident debrief - MB"), PERSONAL, "debrief"),
    # feedback
    R("feedback/2026-09-30-people-and-families-feedback-summary.docx", "month_doc", "shared_feedback",
      ("People and families feedback", "Feedback summary - people and families"), MONTHLY, "feedback",
      period_end=d(2026, 9, 30)),
    R("feedback/2026-10-23-riverside-client-telephone-survey.md", "survey", "riverside_feedback",
      ("Client telephone survey", "Riverside telephone survey"), MONTHLY, "feedback", date=d(2026, 10, 31),
      period_end=d(2026, 10, 31), note="only the month is written (October 2026): dated by its last day"),
    # incident logs
    R("incidents/2026-10-oakview-restrictive-practice-log.csv", "rp_log_export", "oakview_rp_log",
      ("RP log export", "Restrictive practice log"), MONTHLY, "incident_log", date=d(2026, 11, 3),
      period_end=d(2026, 10, 31)),
    R("incidents/2026-10-riverside-on-call-escalation-log.csv", "on_call_log", "riverside_on_call",
      ("On call log", "On-call escalations"), MONTHLY, "incident_log", date=d(2026, 10, 31),
      period_end=d(2026, 10, 31), note="only the month is written (October 2026): dated by its last day"),
    # indicator series
    R("indicators/oakview-restrictive-interventions.csv", "series_oakview", "oakview_data",
      ("Restrictive interventions by month", "RI monthly figures"), ("words only",), "indicator",
      date=d(2026, 11, 5), period_end=d(2026, 10, 31)),
    R("indicators/riverside-missed-calls-per-1000.csv", "series_missed", "riverside_data",
      ("Missed calls per 1000", "Missed calls"), ("words only",), "indicator", date=d(2026, 11, 4),
      period_end=d(2026, 10, 31)),
    R("indicators/riverside-late-calls.xlsx", "series_late", "riverside_data", ("Late calls", "Late calls report"),
      ("words only",), "indicator", date=d(2026, 11, 4), period_end=d(2026, 10, 31)),
    R("indicators/escalation-within-24h.csv", "series_escalation", "shared_data",
      ("Escalation within 24 hours", "Same day escalation figures"), ("words only",), "indicator",
      date=d(2026, 11, 6), period_end=d(2026, 10, 31)),
    R("indicators/provider-monthly-quality-dashboard.csv", "series_dashboard", "shared_data",
      ("Quality dashboard", "Monthly quality dashboard"), ("words only", "words month year", "words Mon-yy"),
      "indicator", date=d(2026, 11, 6), period_end=d(2026, 10, 31)),
    # the photo
    R("photos/2026-10-20-oakview-notice-board.png", "photo", "oakview_photos", "", ("camera",), "other"),
    # policies
    R("policies/2026-05-06-call-monitoring-and-missed-calls-policy-v4.docx", "dated_doc", "riverside_policies",
      ("Call monitoring policy", "Call monitoring and missed calls policy"), ("words only",), "policy",
      suffix=" v4 FINAL", also=("RH-02", "RH-04")),
    R("policies/2026-06-22-record-keeping-and-escalation-policy-v3.docx", "dated_doc", "policies",
      ("Record keeping and escalation policy", "Record keeping policy"), ("words only",), "policy", suffix=" v3",
      also=("RQ-01",)),
    # spot checks (and the blank form)
    *[R(f"spot-checks/{day}-spot-check-{slug}.docx", "dated_doc", "spot_checks",
        (f"Spot check {name}", f"Unannounced visit {name}"),
        ("words week number", "words - dd-mm-yyyy", "words dd.mm.yyyy", "words month year", "words d Mon yy",
         "yyyy.mm.dd words"), "spot_check")
      for day, slug, name in (("2026-07-16", "oakview", "Oakview"), ("2026-08-20", "meadow-court", "Meadow Court"),
                              ("2026-09-24", "hillside-house", "Hillside"), ("2026-10-22", "the-willows", "Willows"))],
    R("+spot-check-form", "blank_spot_check", "spot_checks", ("Spot check form - blank",), ("words only",), None,
      ext=".docx", not_record="blank"),
    # supervision (and the template)
    R("supervision/2026-05-20-supervision-liam-novak.md", "supervision", "oakview_supervision",
      ("Supervision notes - L Novak", "Liam N supervision", "1-1 Liam Novak"), PERSONAL, "supervision", ext=".docx"),
    R("supervision/2026-08-26-supervision-bethany-clarke.md", "supervision", "oakview_supervision",
      ("Supervision notes - B Clarke", "Bethany C supervision", "1-1 Bethany Clarke"), PERSONAL, "supervision",
      ext=".docx"),
    R("supervision/2026-10-14-supervision-kwame-asante.md", "supervision", "riverside_supervision",
      ("Supervision notes - K Asante", "Kwame A supervision", "1-1 Kwame Asante"), PERSONAL, "supervision",
      ext=".docx", also=("RH-03",)),
    R("supervision/2026-08-05-supervision-chloe-pritchard.md", "supervision", "spot_follow_up",
      ("Supervision notes - C Pritchard", "Chloe P supervision", "1-1 Chloe Pritchard"), PERSONAL, "supervision",
      ext=".docx", also=("RQ-01",)),
    R("supervision/2026-09-10-supervision-rhys-morgan.md", "supervision", "spot_follow_up",
      ("Supervision notes - R Morgan", "Rhys M supervision", "1-1 Rhys Morgan"), PERSONAL, "supervision",
      ext=".docx"),
    R("supervision/2026-10-21-supervision-emily-dawson.md", "supervision", "spot_follow_up",
      ("Supervision notes - E Dawson", "Emily D supervision", "1-1 Emily Dawson"), PERSONAL, "supervision",
      ext=".docx"),
    R("+supervision-template", "supervision_template", "riverside_supervision",
      ("Supervision notes template", "Supervision record template"), ("words only",), None, ext=".docx",
      not_record="template"),
    # behaviour support plans
    *[R(f"support-plans/{day}-pbs-plan-review-{who}.md", "support_plan", "oakview_pbs",
        (f"PBS plan review {who}", f"{who} behaviour support plan"),
        ("words dd.mm.yy", "words only", "words - dd-mm-yyyy", "iso date words", "yyyy.mm.dd words"), "support_plan",
        ext=".docx")
      for day, who in (("2026-06-19", "JT"), ("2026-07-24", "MB"), ("2026-08-21", "AR"))],
    R("support-plans/pbs-plan-review-KL-draft.md", "support_plan", "oakview_pbs",
      ("PBS plan KL", "KL behaviour support plan"),
      ("words only",), "support_plan", ext=".docx", suffix=" DRAFT", draft=True),
    # training
    R("training/2026-11-02-training-matrix.csv", "training", "training", ("Training matrix", "Training matrix extract"),
      ("words only",), "training"),
]
del d


# --------------------------------------------------------------------------------------------
# words changed so that an action is named by what it is, not by its id
# --------------------------------------------------------------------------------------------

DESCRIBED: dict[str, list[tuple[str, str, str]]] = {     # tidy file -> (old words, new words, the action)
    Q.format("2026-04-09") + ".pdf": [
        ("RP-05: Priya Shah has reviewed",
         "We discussed the weekly review of restrictive practice logs by managers: Priya Shah has reviewed", "RP-05")],
    Q.format("2026-06-11") + ".pdf": [
        ("RP-05: interventions were 8 in May.",
         "Action 5 (manager reviews the restrictive practice log weekly): interventions were 8 in May.", "RP-05")],
    Q.format("2026-08-13") + ".pdf": [
        ("RQ-04: first spot check (Oakview, 16 July) done.",
         "Unannounced spot checks of daily records: the first (Oakview, 16 July) is done.", "RQ-04")],
    "feedback/2026-09-30-people-and-families-feedback-summary.docx": [
        ("Action RQ-05.",
         "Part of the record quality plan: people and families asked whether concerns are acted on.", "RQ-05")],
}
# Lines a person added to a note that the tidy copy carried in its front matter (tidy file -> (line, action)).
ADDED: dict[str, tuple[str, str | None]] = {
    "supervision/2026-08-05-supervision-chloe-pritchard.md":
        ("Follow-up of the unannounced spot check of daily records, as the record quality plan asks.", "RQ-04"),
    "supervision/2026-09-10-supervision-rhys-morgan.md":
        ("Record quality plan, action 4 (spot check findings followed up in supervision).", "RQ-04"),
    "supervision/2026-10-21-supervision-emily-dawson.md": ("Spot check follow-up (RQ-04).", None),
}
# A real note made from the template keeps the template's title property: a record all the same.
STALE_TITLE = {"supervision/2026-08-26-supervision-bethany-clarke.md": "Supervision record template"}


def described(rel: str, text: str, made: Made) -> str:
    for old, new, action in DESCRIBED.get(rel, []):
        if old in text:
            text = text.replace(old, new)
            made.describe(action, new)
    return text


def described_blocks(rel: str, blocks: list, made: Made) -> list:
    out = [(kind, described(rel, payload, made) if isinstance(payload, str) else payload) for kind, payload in blocks]
    missing = {action for _old, _new, action in DESCRIBED.get(rel, [])} - set(made.described)
    if missing:
        raise SystemExit(f"{rel}: the words to rewrite for {sorted(missing)} are no longer in examples/generate.py")
    return out


# --------------------------------------------------------------------------------------------
# writers
# --------------------------------------------------------------------------------------------

@dataclass
class Job:
    """One untidy file to write."""
    recipe: Recipe
    source: Source | None
    sources: dict[str, Source]
    day: dt.date | None            # the file's date (its truth)
    name_dated: bool               # the name carries that day
    rel: str                       # path inside evidence/
    root: pathlib.Path             # evidence/
    made: Made

    @property
    def path(self) -> pathlib.Path:
        path = self.root / self.rel
        path.parent.mkdir(parents=True, exist_ok=True)
        return path

    def saved(self) -> dt.date:
        """The day the file was last saved: what created/modified properties say, never the file's date."""
        return (self.day or AS_OF - dt.timedelta(days=60)) + dt.timedelta(days=self.made.rng.randint(1, 21))


def write_docx(job: Job, blocks: list, title: str, author: str) -> None:
    saved = gen.OUT
    try:
        gen.OUT = job.root
        gen.write_docx(job.rel, day=job.saved(), title=title, blocks=blocks, author=author)
    finally:
        gen.OUT = saved


def write_pdf(job: Job, blocks: list, author: str, cut: int | None = None) -> None:
    data = gen.pdf_bytes(day=job.saved(), title="", blocks=blocks, author=author)
    job.path.write_bytes(data[:cut] if cut else data)


def write_csv(job: Job, rows: list[list[Any]], bom: bool = False) -> None:
    """As Excel saves a CSV: every row padded to the table's width, CRLF line ends."""
    width = max(len(row) for row in rows)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerows([list(row) + [""] * (width - len(row)) for row in rows])
    job.path.write_bytes(("\ufeff" if bom else "").encode() + buffer.getvalue().encode("utf-8"))


def write_xlsx(job: Job, rows: list[list[Any]], sheet: str, author: str, formats: dict[int, str] | None = None,
               header_row: int = 1) -> None:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    wb = Workbook()
    ws = wb.active
    ws.title = sheet
    for row in rows:
        ws.append(row)
    ws.cell(row=1, column=1).font = Font(bold=True, size=13)
    for cell in ws[header_row]:
        cell.font = Font(bold=True)
    for column, number_format in (formats or {}).items():
        for (cell,) in ws.iter_rows(min_row=header_row + 1, min_col=column, max_col=column):
            cell.number_format = number_format
    for letter, width in zip("ABCDE", (16, 30, 14, 12, 12)):
        ws.column_dimensions[letter].width = width
    saved = job.saved()
    stamp = dt.datetime(saved.year, saved.month, saved.day, 9, 0, 0)
    wb.properties.creator = author
    wb.properties.lastModifiedBy = author
    wb.properties.created = stamp
    wb.properties.modified = stamp
    buffer = io.BytesIO()
    wb.save(buffer)
    job.path.write_bytes(gen._normalise_ooxml(buffer.getvalue(), saved))


def md_blocks(body: str) -> list:
    """A Markdown note as a Word document's blocks: headings, paragraphs, bullets; emphasis dropped."""
    blocks: list = []
    para: list[str] = []
    bullets: list[str] = []

    def plain(text: str) -> str:
        return re.sub(r"\*{1,2}([^*]+)\*{1,2}", r"\1", text).strip()

    def flush() -> None:
        if para:
            blocks.append(("p", " ".join(para)))
            para.clear()
        if bullets:
            blocks.append(("bullets", list(bullets)))
            bullets.clear()

    for line in body.strip().splitlines():
        if line.startswith("#"):
            flush()
            level, _, text = line.partition(" ")
            blocks.append(("title" if level == "#" else "h1", plain(text)))
        elif line.startswith("- "):
            if para:
                flush()
            bullets.append(plain(line[2:]))
        elif not line.strip():
            flush()
        else:
            if bullets:
                flush()
            para.append(plain(line))
    flush()
    return blocks


def docx_title(job: Job, tidy_title: str) -> str:
    """Word leaves the title property empty unless someone fills it in; some did."""
    stale = STALE_TITLE.get(job.recipe.src)
    if stale:
        job.made.notes.append(f"its title property is the template's ('{stale}'): a record all the same")
        return stale
    return tidy_title if job.made.rng.random() < 0.5 else ""


# --------------------------------------------------------------------------------------------
# renderers: one per kind of file, each writing the file and noting what the text carries
# --------------------------------------------------------------------------------------------

MEETING_LINES: dict[str, Callable[[Made, dt.date, str], str]] = {
    "weekday day month year": lambda m, day, rest: f"{m.date(day, 'weekday day month year')}{rest}",
    "'held on' weekday day month year":
        lambda m, day, rest: f"Meeting held on {m.date(day, 'weekday day month year')}{rest}",
    "'Meeting date:' dd/mm/yyyy": lambda m, day, rest: f"Meeting date: {m.date(day, 'dd/mm/yyyy')}.{rest[1:]}",
    "'Date:' ordinal day month year": lambda m, day, rest: f"Date: {m.date(day, 'ordinal day month year')}{rest}",
    "'Date of meeting:' dd.mm.yyyy": lambda m, day, rest: f"Date of meeting: {m.date(day, 'dd.mm.yyyy')}{rest}",
}
NEXT_MEETING: dict[str, Callable[[Made, dt.date], str]] = {
    "weekday": lambda m, day: f"Next meeting: {m.date(day, 'weekday day month year')}.",
    "labelled": lambda m, day: f"Date of next meeting: {m.date(day, 'dd/mm/yyyy')}.",
    "ordinal": lambda m, day: f"Next meeting: {m.date(day, 'ordinal day month year')}.",
}
TEXT_DATES = ("day month year", "dd/mm/yyyy", "ordinal day month year", "dd.mm.yyyy")


def _minutes_blocks(job: Job) -> list:
    made, day = job.made, job.source.args["day"]
    out = []
    for kind, payload in described_blocks(job.recipe.src, job.source.args["blocks"], made):
        if kind == "meta" and payload.startswith(gen.long_date(day)):
            form = made.rng.choice(list(MEETING_LINES))
            payload = MEETING_LINES[form](made, day, payload[len(gen.long_date(day)):])
            made.text_date_form, made.text_full = form, True
        elif kind == "p" and payload.startswith("Next meeting: "):
            following = dt.datetime.strptime(payload[len("Next meeting: "):].rstrip("."), "%A %d %B %Y").date()
            made.distractor(following, "the date of the next meeting")
            payload = NEXT_MEETING[made.rng.choice(list(NEXT_MEETING))](made, following)
        elif kind == "table" and payload[0] == ["Ref", "Action", "Owner", "By"]:
            for row in payload[1:]:
                made.distractor(dt.datetime.strptime(row[3], "%d %b %Y").date(), "an agreed action's due date")
        out.append((kind, payload))
    return loosen_blocks(out, made)


def render_minutes(job: Job) -> None:
    args = job.source.args
    blocks = _minutes_blocks(job)
    if job.source.writer == "docx":
        write_docx(job, blocks, docx_title(job, args["title"]), args["author"])
    else:
        write_pdf(job, blocks, args["author"])


def render_truncated(job: Job) -> None:
    """The signed minutes, cut off in the upload as the tidy copy is: the header survives, nothing else."""
    job.source = job.sources[Q.format("2026-09-17") + ".docx"]
    write_pdf(job, _minutes_blocks(job), job.source.args["author"], cut=700)
    job.made.text_date_form, job.made.text_full = None, False


def _restyle_day(job: Job, blocks: list, forms: tuple[str, ...] = TEXT_DATES) -> list:
    """Write the document's own day (as the tidy text has it, '28 May 2026') in a form chosen for this file."""
    made, day = job.made, job.day
    written = f"{day.day} {day:%B %Y}"
    out, done = [], False
    for kind, payload in blocks:
        if not done and isinstance(payload, str) and written in payload:
            form = made.rng.choice(forms)
            before = payload[:payload.index(written)].split()[-3:]
            payload = payload.replace(written, made.date(day, form), 1)
            where = f"after '{' '.join(before)}'" if before else "at the start of a line"
            made.text_date_form, made.text_full, done = f"{form} ({where})", True, True
        out.append((kind, payload))
    if not done:
        raise SystemExit(f"{job.recipe.src}: its day ({written}) is not in its text")
    return out


def _dates_in_tables(job: Job, blocks: list) -> list:
    """ISO dates in a document's tables, written as a UK reader would see them."""
    out = []
    for kind, payload in blocks:
        if kind == "table":
            payload = [[job.made.date(dt.date.fromisoformat(c), "dd/mm/yyyy")
                        if isinstance(c, str) and re.fullmatch(r"\d{4}-\d\d-\d\d", c) else c for c in row]
                       for row in payload]
        out.append((kind, payload))
    return out


def render_dated_doc(job: Job) -> None:
    """A document whose text carries its own day: audits, competency sign-offs, spot checks, policies."""
    args = job.source.args
    blocks = described_blocks(job.recipe.src, args["blocks"], job.made)
    blocks = loosen_blocks(_dates_in_tables(job, _restyle_day(job, blocks)), job.made)
    if job.source.writer == "docx":
        write_docx(job, blocks, docx_title(job, args["title"]), args["author"])
    else:
        write_pdf(job, blocks, args["author"])


def render_month_doc(job: Job) -> None:
    """A document that says only which month it is about."""
    args = job.source.args
    blocks = loosen_blocks(described_blocks(job.recipe.src, args["blocks"], job.made), job.made)
    job.made.text_date_form = "month year (in the title)"
    if job.source.writer == "docx":
        write_docx(job, blocks, docx_title(job, args["title"]), args["author"])
    else:
        write_pdf(job, blocks, args["author"])


REPORT_DATES: dict[str, Callable[[Made, dt.date], str]] = {
    "'Report date:' dd/mm/yyyy": lambda m, day: f"Report date: {m.date(day, 'dd/mm/yyyy')}",
    "'Date:' ordinal day month year": lambda m, day: f"Date: {m.date(day, 'ordinal day month year')}",
    "'Written' day month year": lambda m, day: f"Written {m.date(day, 'day month year')}",
}


def render_board_report(job: Job) -> None:
    made, args = job.made, job.source.args
    out = []
    for kind, payload in args["blocks"]:
        if kind == "meta":
            meeting = re.search(r"Board meeting of (\d+ \w+ \d{4})", payload)
            made.distractor(dt.datetime.strptime(meeting.group(1), "%d %B %Y").date(), "the Board meeting it is for")
            form = made.rng.choice(list(REPORT_DATES))
            payload = f"{REPORT_DATES[form](made, job.day)}. {payload}"
            made.text_date_form, made.text_full = form, True
        elif kind == "table":
            payload = [payload[0]] + [[f"{dt.date.fromisoformat(p + '-01'):%B %Y}", v] for p, v in payload[1:]]
        out.append((kind, payload))
    blocks = loosen_blocks(out, made)
    if job.source.writer == "docx":
        write_docx(job, blocks, docx_title(job, args["title"]), args["author"])
    else:
        write_pdf(job, blocks, args["author"])


def render_email(job: Job) -> None:
    text = loosen(job.source.args["text"], job.made)
    job.made.distractor(dt.date(2026, 10, 28), "the day it was forwarded (the Date header)")
    job.made.text_date_form, job.made.text_full = "'Sent:' day month year (the forwarded message)", True
    job.path.write_bytes(text.encode("utf-8"))


def render_photo(job: Job) -> None:
    job.path.write_bytes(job.source.args["data"])


DEBRIEF_HELD = ("dd/mm/yyyy", "ordinal day month year", "dd.mm.yy")


def render_debrief(job: Job) -> None:
    """A debrief's heading has the day of the incident; the day of the debrief is written later, often without
    its year."""
    made, day = job.made, job.day
    body = job.source.args["body"]
    incident = re.search(r"^# Post-incident debrief: Oakview, (\d+ \w+ \d{4})$", body, re.M)
    incident_day = dt.datetime.strptime(incident.group(1), "%d %B %Y").date()
    made.distractor(incident_day, "the day of the incident, not of the debrief")
    if made.rng.random() < 0.5:
        body = body.replace(incident.group(0), "# Post-incident debrief: Oakview\n\n"
                            f"Date of incident: {made.date(incident_day, 'dd/mm/yyyy')}")
    birth = re.search(r"Date of birth (\d\d)/(\d\d)/(\d{4})", body)
    if birth:
        made.distractor(dt.date(int(birth.group(3)), int(birth.group(2)), int(birth.group(1))), "a date of birth")
    held = f"Debrief held: {day.day} {day:%B}"
    if held not in body:
        raise SystemExit(f"{job.recipe.src}: '{held}' is not in its text")
    if not job.name_dated or made.rng.random() < 0.5:
        form = made.rng.choice(DEBRIEF_HELD)
        body = body.replace(held, f"Debrief held: {made.date(day, form)}")
        made.text_date_form, made.text_full = f"'Debrief held:' {form}", True
    else:
        made.text_date_form = "'Debrief held:' day month (no year)"
    job.path.write_bytes((loosen(body.strip(), made) + "\n").encode("utf-8"))


NOTE_DATES: dict[str, Callable[[Made, dt.date], str]] = {
    "'Date:' dd/mm/yyyy": lambda m, day: f"Date: {m.date(day, 'dd/mm/yyyy')}",
    "'Date of supervision:' dd.mm.yyyy": lambda m, day: f"Date of supervision: {m.date(day, 'dd.mm.yyyy')}",
    "'held on' weekday day month year": lambda m, day: f"Supervision held on {m.date(day, 'weekday day month year')}",
}


def render_supervision(job: Job) -> None:
    made, front = job.made, job.source.args["front"]
    blocks = md_blocks(job.source.args["body"])
    at = next(i for i, (kind, text) in enumerate(blocks) if kind == "p" and text.startswith("Supervisor:")) + 1
    added = ADDED.get(job.recipe.src)
    if added:
        line, action = added
        blocks.insert(at, ("p", made.describe(action, line) if action else line))
    if not job.name_dated or made.rng.random() < 0.5:
        form = made.rng.choice(list(NOTE_DATES))
        blocks.insert(at, ("meta", NOTE_DATES[form](made, job.day)))
        made.text_date_form, made.text_full = form, True
    blocks = loosen_blocks(blocks, made)
    write_docx(job, blocks, docx_title(job, blocks[0][1]), front["author"])


REVIEW_DATES: dict[str, Callable[[Made, dt.date], str]] = {
    "'Review date:' dd/mm/yyyy": lambda m, day: f"Review date: {m.date(day, 'dd/mm/yyyy')}",
    "'Reviewed on' ordinal day month year": lambda m, day: f"Reviewed on {m.date(day, 'ordinal day month year')}",
}


def render_support_plan(job: Job) -> None:
    made, front = job.made, job.source.args["front"]
    blocks = md_blocks(job.source.args["body"])
    if job.day and (not job.name_dated or made.rng.random() < 0.5):
        at = next(i for i, (kind, text) in enumerate(blocks) if kind == "p" and text.startswith(("Reviewed with",)))
        form = made.rng.choice(list(REVIEW_DATES))
        blocks.insert(at + 1, ("meta", REVIEW_DATES[form](made, job.day)))
        made.text_date_form, made.text_full = form, True
    blocks = loosen_blocks(blocks, made)
    write_docx(job, blocks, docx_title(job, front.get("title", "")), front["author"])


def render_survey(job: Job) -> None:
    body = loosen(job.source.args["body"].strip(), job.made)
    job.made.text_date_form = "month year (in the heading)"
    job.path.write_bytes((body + "\n").encode("utf-8"))


# ---- tables exported from other systems ---------------------------------------------------------

def _title_rows(job: Job, rows: list[list[Any]]) -> list[list[Any]]:
    return [[loosen(str(cell), job.made) for cell in row] for row in rows]


def _labelled(job: Job, label: str, day: dt.date, form: str = "dd/mm/yyyy") -> str:
    job.made.text_date_form, job.made.text_full = f"'{label}' {form} (title row)", True
    return f"{label} {job.made.date(day, form)}"


def _month(period: str) -> dt.date:
    return dt.date.fromisoformat(period + "-01")


def render_series_oakview(job: Job) -> None:
    points = gen.OAKVIEW
    head = _title_rows(job, [["Oakview - restrictive interventions per month"],
                             [f"Trend for RP-03 and RP-05, from the restrictive practice log. "
                              f"{_labelled(job, 'Produced', job.day)}"], []])
    header = ["Month", "Restrictive interventions"]
    write_csv(job, head + [header] + [[FORMS["dd/mm/yyyy"](_month(p)), v] for p, v in points])
    job.made.table = {"holds": "series", "header_row": len(head) + 1, "columns": header,
                      "points": [[p, v] for p, v in points]}


def render_series_missed(job: Job) -> None:
    points = gen.MISSED
    live = dt.date(2026, 6, 1)
    job.made.distractor(live, "the day the alerts went live")
    head = _title_rows(job, [["Riverside Homecare: missed calls per 1,000 planned calls"],
                             [f"Time-critical call flags and coordinator alerts (RH-01) live from "
                              f"{job.made.date(live, 'dd/mm/yyyy')}. {_labelled(job, 'Report run', job.day)}"]])
    header = ["Month", "Missed calls per 1,000"]
    write_csv(job, head + [header] + [[f"{_month(p):%b-%y}", f"{v:.1f}"] for p, v in points])
    job.made.table = {"holds": "series", "header_row": len(head) + 1, "columns": header,
                      "points": [[p, v] for p, v in points]}


def render_series_late(job: Job) -> None:
    points = gen.LATE
    covered = dt.date(2026, 10, 31)
    job.made.distractor(covered, "the last day the data covers, not the day it was extracted")
    head = _title_rows(job, [["Riverside Homecare - calls started more than 30 minutes late"],
                             [f"Reported monthly to the Committee and the commissioner (RH-06). Data to "
                              f"{job.made.date(covered, 'dd/mm/yyyy')}, {_labelled(job, 'extracted', job.day)}"],
                             []])
    header = ["Month", "Late calls (%)"]
    rows = [[dt.datetime.combine(_month(p), dt.time()), v] for p, v in points]
    write_xlsx(job, head + [header] + rows, "Late calls", "Tom Hughes", {1: "mmm-yy", 2: "0.0"},
               header_row=len(head) + 1)
    job.made.table = {"holds": "series", "header_row": len(head) + 1, "columns": header,
                      "points": [[p, v] for p, v in points]}


def render_series_escalation(job: Job) -> None:
    points = gen.ESCALATION
    head = _title_rows(job, [["Incidents escalated to a manager within 24 hours - all services"],
                             [f"Same-day escalation (RQ-01): monthly figure from the incident system. "
                              f"{_labelled(job, 'Produced', job.day)}"], []])
    header = ["Month", "Escalated within 24 hours"]
    write_csv(job, head + [header] + [[f"{_month(p):%B %Y}", f"{v}%"] for p, v in points])
    job.made.table = {"holds": "series", "header_row": len(head) + 1, "columns": header,
                      "points": [[p, v] for p, v in points]}


def render_series_dashboard(job: Job) -> None:
    tidy = job.source.args["rows"]                      # service, indicator, period, value
    head = _title_rows(job, [["Monthly quality dashboard - agency use and supervision in date"],
                             [f"Reviewed at the Quality and Safeguarding Committee each month with the record "
                              f"quality audit results (RQ-02). {_labelled(job, 'Produced', job.day)}"]])
    header = ["Service", "Measure", "Month", "Value"]
    write_csv(job, head + [header] + [[s, i, FORMS["dd/mm/yyyy"](_month(p)), v] for s, i, p, v in tidy])
    job.made.table = {"holds": "series", "header_row": len(head) + 1, "columns": header,
                      "points": [[s, i, p, v] for s, i, p, v in tidy]}


def render_rp_log_scores(job: Job) -> None:
    tidy = job.source.args["rows"]                      # date, audit, score, max, target
    head = _title_rows(job, [["Oakview restrictive practice log - weekly independent audit (RP-03)"],
                             [f"Standard 90%. {_labelled(job, 'Last updated', job.day)}"], []])
    header = ["Week ending", "Auditor", "Score %"]
    rows = [[FORMS["dd/mm/yyyy"](dt.date.fromisoformat(day)), "Grace Mensah", f"{score}%"]
            for day, _audit, score, _max, _target in tidy]
    write_csv(job, head + [header] + rows)
    job.made.table = {"holds": "scores", "header_row": len(head) + 1, "columns": header, "max": 100, "target": 90,
                      "scores": [[day, score] for day, _a, score, _m, _t in tidy]}


def render_rota_scores(job: Job) -> None:
    tidy = job.source.args["rows"]
    head = _title_rows(job, [["Riverside Homecare - rota and call-time audit (monthly) - RH-03"],
                             [f"Target 90%. {_labelled(job, 'Last updated', job.day, 'dd.mm.yyyy')}"]])
    header = ["Audit date", "Auditor", "Score %"]
    rows = [[dt.datetime.combine(dt.date.fromisoformat(day), dt.time()), "Aisha Rahman", f"{score}%"]
            for day, _audit, score, _max, _target in tidy]
    write_xlsx(job, head + [header] + rows, "Scores", "Aisha Rahman", {1: "dd/mm/yyyy"}, header_row=len(head) + 1)
    job.made.table = {"holds": "scores", "header_row": len(head) + 1, "columns": header, "max": 100, "target": 90,
                      "scores": [[day, score] for day, _a, score, _m, _t in tidy]}


def render_daily_record_scores(job: Job) -> None:
    tidy = job.source.args["rows"]
    head = _title_rows(job, [["Daily records and escalation audit - all services, 2026"],
                             [f"Same-day escalation audit for the record quality plan (RQ-01). "
                              f"{_labelled(job, 'Updated', job.day)}"]])
    header = ["Date", "Service", "Score", "Out of", "Target"]
    rows = [[FORMS["dd/mm/yyyy"](dt.date.fromisoformat(day)), audit.split(": ", 1)[1], score, top, target]
            for day, audit, score, top, target in tidy]
    write_csv(job, head + [header] + rows)
    job.made.table = {"holds": "scores", "header_row": len(head) + 1, "columns": header, "max": 100, "target": 90,
                      "scores": [[day, score] for day, _a, score, _m, _t in tidy]}


def _dated_rows(rows: list[list[Any]]) -> list[list[Any]]:
    return [[FORMS["dd/mm/yyyy"](dt.date.fromisoformat(c)) if re.fullmatch(r"\d{4}-\d\d-\d\d", str(c)) else c
             for c in row] for row in rows]


def render_rp_log_export(job: Job) -> None:
    made = job.made
    first, last = dt.date(2026, 10, 1), dt.date(2026, 10, 31)
    made.distractor(first, "the first day of the period exported")
    made.distractor(last, "the last day of the period exported, not the day of the export")
    words = "Every restrictive intervention authorised by the shift lead, debriefed and reviewed within 72 hours"
    head = [["Restrictive practice log - Oakview"],
            [f"{made.describe('RP-01', words)}. {_labelled(job, 'Exported', job.day)} for "
             f"{made.date(first, 'dd/mm/yyyy')} to {made.date(last, 'dd/mm/yyyy')}"]]
    header, rows = job.source.args["header"], job.source.args["rows"]
    write_csv(job, head + [header] + _dated_rows(rows), bom=True)
    made.table = {"holds": "rows", "header_row": len(head) + 1, "columns": header, "rows": len(rows)}


def render_on_call_log(job: Job) -> None:
    made = job.made
    words = ("Out-of-hours calls that could not be covered: the on-call manager arranges cover or a welfare call "
             "and informs the family")
    head = [["Riverside Homecare - on-call log, October 2026"], [made.describe("RH-04", words)], []]
    made.text_date_form = "month year (title row)"
    header, rows = job.source.args["header"], job.source.args["rows"]
    write_csv(job, head + [header] + _dated_rows(rows))
    made.table = {"holds": "rows", "header_row": len(head) + 1, "columns": header, "rows": len(rows)}


def render_training(job: Job) -> None:
    made = job.made
    header, rows = job.source.args["header"], job.source.args["rows"]
    course = next(row[3] for row in rows if "read and signed" in row[3])
    made.describe("RH-05", course)
    head = [["Training matrix (extract)"], [f"{_labelled(job, 'Run', job.day)} from the learning system"]]
    write_csv(job, head + [header] + _dated_rows(rows))
    made.table = {"holds": "rows", "header_row": len(head) + 1, "columns": header, "rows": len(rows)}


# ---- not records: agendas, a template, a blank form, a tool --------------------------------------

def render_agenda_qsc(job: Job) -> None:
    """The agenda of the 15 October meeting, made from its minutes' headings: an agenda, not minutes."""
    minutes = job.sources[Q.format("2026-10-15") + ".docx"].args["blocks"]
    made = job.made
    leads = iter(["Chair", "Grace Mensah", "Priya Shah", "Marcus Bell", "Helen Carter", "Chair"])
    items = [[heading, next(leads)] for kind, heading in minutes if kind == "h1" and heading[0].isdigit()]
    papers, last = dt.date(2026, 10, 8), dt.date(2026, 9, 17)
    made.distractor(papers, "the day papers go to members")
    made.distractor(last, "the last meeting, whose minutes are to be approved")
    form = made.rng.choice(list(MEETING_LINES))
    when = MEETING_LINES[form](made, job.day, ", 14:00–16:00. Head Office, Meeting Room 2, and Microsoft Teams.")
    made.text_date_form, made.text_full = form, True
    blocks = [("title", "Quality and Safeguarding Committee: agenda"), ("meta", when),
              ("table", [["Item", "Lead"]] + items + [[f"{len(items) + 1}. Any other business", "Chair"]]),
              ("p", f"Minutes of the meeting of {made.date(last, 'day month year')} for approval."),
              ("p", f"Papers to members by {made.date(papers, 'weekday day month year')}.")]
    write_docx(job, loosen_blocks(blocks, made), docx_title(job, "QSC agenda"), "Sofia Marin")


def render_agenda_board(job: Job) -> None:
    minutes = job.sources["minutes/2026-10-22-board-of-directors.pdf"].args["blocks"]
    made = job.made
    items = [heading for kind, heading in minutes if kind == "h1" and heading[0].isdigit()
             and "Decision" not in heading]
    blocks = [("title", "Board of Directors: agenda"),
              ("meta", f"{made.date(job.day, 'weekday day month year')}, 10:00–13:00. Head Office, Board Room."),
              ("bullets", items + [f"{len(items) + 1}. Any other business"]),
              ("p", "Papers: safeguarding assurance report (quarter 2); finance report; risk register.")]
    made.text_date_form, made.text_full = "weekday day month year", True
    write_pdf(job, loosen_blocks(blocks, made), "Karen Whyte")


def render_supervision_template(job: Job) -> None:
    line = "____________"
    blocks = [("title", "Supervision record"),
              ("meta", f"Supervisee: {line}  Role: {line}  Service: {line}"),
              ("meta", f"Supervisor: {line}  Date: ___/___/______  Type: planned one-to-one / follow-up"),
              ("h1", "How things are going"), ("p", ""), ("h1", "Practice discussion"), ("p", ""),
              ("h1", "Wellbeing"), ("p", ""), ("h1", "Agreed"),
              ("table", [["Action", "Who", "By when"], ["", "", ""], ["", "", ""]]),
              ("p", f"Signed (supervisee): {line}   Signed (supervisor): {line}")]
    write_docx(job, blocks, docx_title(job, "Supervision record template"), "Aisha Rahman")


def render_blank_spot_check(job: Job) -> None:
    blocks = [("title", "Unannounced spot check of daily records: ____________"),
              ("meta", "Date: ___/___/______, arrived __:__. Checked by: ____________. Action RQ-04."),
              ("table", [["Check", "Result"], ["Daily records sampled", ""],
                         ["Records with what the person did, how they seemed and what staff did", "__ of __"],
                         ["Falls, injuries, bruising and refusals escalated the same day", ""],
                         ["Body maps completed where needed", ""]]),
              ("h1", "Findings"), ("p", "")]
    write_docx(job, loosen_blocks(blocks, job.made), docx_title(job, "Spot check form"), "Sofia Marin")


def render_audit_tool(job: Job) -> None:
    fields = ["Date and time", "Person", "Duration", "Location", "Restriction type", "Technique", "In PBS plan",
              "Authorised by", "De-escalation tried", "Injury check", "Person's view recorded",
              "Debrief within 72 hours"]
    head = _title_rows(job, [["Restrictive practice log audit tool (weekly, independent) - RP-03"],
                             ["Week ending: __/__/____   Auditor: ____________"], []])
    header = ["Field", "Completed? (Y/N)", "Comment"]
    write_xlsx(job, head + [header] + [[f, None, None] for f in fields] + [["Score %", None, None]],
               "Audit tool", "Grace Mensah", header_row=len(head) + 1)
    job.made.table = {"holds": "nothing", "header_row": len(head) + 1, "columns": header}


RENDERERS: dict[str, Callable[[Job], None]] = {
    name[len("render_"):]: function for name, function in dict(globals()).items() if name.startswith("render_")
}


# --------------------------------------------------------------------------------------------
# the folder, the plans and the truth
# --------------------------------------------------------------------------------------------

def assign_patterns(allowed: tuple[str, ...], seed: int) -> dict[str, str]:
    """A naming pattern for every file (seeded), then every allowed pattern given to at least one file."""
    chosen = {}
    for recipe in RECIPES:
        options = [p for p in recipe.patterns if p in allowed]
        if not options:
            raise SystemExit(f"{recipe.src}: none of its naming patterns is allowed")
        chosen[recipe.src] = random.Random(f"{seed}/pattern/{recipe.src}").choice(options)
    for pattern in allowed:
        if pattern in chosen.values():
            continue
        used = list(chosen.values())
        for recipe in RECIPES:
            if pattern in recipe.patterns and used.count(chosen[recipe.src]) > 1:
                chosen[recipe.src] = pattern
                break
    return chosen


def file_name(recipe: Recipe, pattern: Pattern, words: str, day: dt.date | None, rng: random.Random) -> str:
    if pattern.date_form is not None and day is None:
        raise SystemExit(f"{recipe.src}: '{pattern.name}' needs a date and the file has none")
    if "quarter" in pattern.name:
        day = recipe.period_end or day             # a quarter in a name is the quarter the file covers
    elif not pattern.full_date and pattern.name != "scanner":
        day = recipe.name_month or recipe.period_end or day
    return pattern.make(words, day, rng) + recipe.suffix


def yaml_scalar(text: str) -> str:
    """`text` as a YAML value: plain when YAML reads it back as it is, quoted otherwise."""
    import yaml

    written = yaml.safe_dump({"k": text}, width=1000)[len("k: "):].rstrip("\n")
    return written


def write_plans(out: pathlib.Path, moved: dict[str, str]) -> None:
    """The example's plans: an indicator's data path to where the file is now, no evidence ids (the untidy
    folder's ids are slugs of paths), the roster as it is."""
    out.mkdir(parents=True)
    for path in sorted((EXAMPLES / "plans").iterdir()):
        text = path.read_text(encoding="utf-8")
        if path.suffix == ".yaml":
            for line in re.findall(r"^ *data: (.+)$", text, re.M):
                if line not in moved:
                    raise SystemExit(f"plans/{path.name}: indicator data {line} has no untidy copy")
                text = text.replace(f"data: {line}\n", f"data: {yaml_scalar(moved[line])}\n")
            text = re.sub(r"^ *evidence: \[[^\]]*\]\n", "", text, flags=re.M)
            text = text.replace("sgpack check examples/plans --evidence examples/evidence",
                                "sgpack check examples/untidy/plans --evidence examples/untidy/evidence")
        (out / path.name).write_bytes(text.encode("utf-8"))


def generate(out: pathlib.Path, seed: int = DEFAULT_SEED, patterns: str = "committed") -> dict[str, Any]:
    """Write out/evidence, out/plans and out/truth.json; return the truth."""
    allowed = COMMITTED if patterns == "committed" else tuple(PATTERNS)
    sources = capture()
    # The truncated PDF is cut from the draft's content, not written by a writer.
    tidy = {r.src for r in RECIPES if not r.src.startswith("+") and r.render != "truncated"}
    if tidy != set(sources):
        raise SystemExit(f"examples/generate.py and the recipes disagree: no recipe for "
                         f"{sorted(set(sources) - tidy)}, no tidy file for {sorted(tidy - set(sources))}")
    evidence, plans, truth_path = out / "evidence", out / "plans", out / "truth.json"
    for folder in (evidence, plans):
        if folder.exists():
            shutil.rmtree(folder)
    evidence.mkdir(parents=True)
    folders = {key: random.Random(f"{seed}/place/{key}").choice(options) for key, options in PLACES.items()}
    folders = {key: folder.format(**folders) for key, folder in folders.items()}
    chosen = assign_patterns(allowed, seed)
    files: dict[str, dict[str, Any]] = {}
    moved: dict[str, str] = {}
    for recipe in RECIPES:
        rng = random.Random(f"{seed}/file/{recipe.src}")
        source = sources.get(recipe.src)
        day = None if recipe.not_record in ("blank", "template", "tool") else recipe.date or _tidy_date(recipe.src)
        pattern = PATTERNS[chosen[recipe.src]]
        made = Made(rng)
        name = file_name(recipe, pattern, rng.choice(recipe.words), day, rng)
        if pattern.date_form in NUMERIC:
            made.date(day, pattern.date_form)              # its month-first misreading, noted
        scan = re.match(r"Scan_(\d{8})_", name)
        if scan:
            made.distractor(dt.datetime.strptime(scan.group(1), "%Y%m%d").date(), "the day it was scanned")
        folder = folders["scans" if pattern.name == "scanner" else recipe.place]
        ext = recipe.ext or pathlib.PurePath(recipe.src).suffix
        rel, n = f"{folder}/{name}{ext}", 2
        while rel in files:
            rel, n = f"{folder}/{name} ({n}){ext}", n + 1
        job = Job(recipe, source, sources, day, pattern.full_date, rel, evidence, made)
        RENDERERS[recipe.render](job)
        if source is not None:
            moved[recipe.src] = rel
        files[rel] = truth_entry(job, pattern)
    write_plans(plans, moved)
    truth = {
        "about": "What a careful reader would say about every file of the untidy evidence folder beside this "
                 "file (examples/untidy/README.md). Written by the generator from what it wrote, never from sgpack.",
        "seed": seed,
        "patterns": "committed" if patterns == "committed" else "all",
        "held_back": list(HELD_BACK) if patterns == "committed" else [],
        "as_of": AS_OF.isoformat(),
        "files": dict(sorted(files.items())),
    }
    truth_path.write_text(json.dumps(truth, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    return truth


def truth_entry(job: Job, pattern: Pattern) -> dict[str, Any]:
    recipe, made, day = job.recipe, job.made, job.day
    dated_by = [where for where, has in (("name", job.name_dated), ("text", made.text_full)) if has]
    if not dated_by and day is not None:
        dated_by = ["the month or quarter it covers (its last day)"]
    links = sorted(made.ids | set(made.described)) if recipe.readable else []
    forms = {i: sorted(made.loose.get(i, ())) + ([f"described: '{made.described[i]}'"] if i in made.described else [])
             for i in links}
    iso = day.isoformat() if day else None
    return {
        "source": None if recipe.src.startswith("+") else recipe.src,
        "record": recipe.not_record is None,
        "not_record": recipe.not_record,
        "type": recipe.type,
        "draft": recipe.draft,
        "readable": recipe.readable,
        "date": iso,
        "period_end": recipe.period_end.isoformat() if recipe.period_end else None,
        "dated_by": dated_by,
        "links": links,
        "links_optional": sorted(set(recipe.also) - set(links)) if recipe.readable else [],
        "link_forms": forms,
        "name_pattern": pattern.name,
        "name_date_form": pattern.date_form,
        "text_date_form": made.text_date_form if recipe.readable else None,
        "distractors": [x for x in made.distractors if x["date"] != iso],
        "month_first": sorted(made.month_first - {iso}),
        "table": made.table,
        "notes": ([recipe.note] if recipe.note else []) + made.notes,
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help=f"default {DEFAULT_SEED} (the committed folder)")
    parser.add_argument("--patterns", choices=("committed", "all"), default="committed",
                        help="'all' adds the naming patterns held back from the committed folder")
    parser.add_argument("--out", type=pathlib.Path, default=HERE,
                        help="where evidence/, plans/ and truth.json go (default: beside this script)")
    args = parser.parse_args(argv)
    truth = generate(args.out, args.seed, args.patterns)
    print(f"wrote {len(truth['files'])} evidence files, the plans and truth.json to {args.out}")


if __name__ == "__main__":
    main(sys.argv[1:])
