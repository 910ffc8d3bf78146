"""PDF packs laid out for the people who read them: no word split across the lines of a table cell, no body page
holding only a section with nothing in it, headings kept with what follows, running heads and feet never cut
short, exhibit stamps never over an original's own text, exhibit copies named with every character a title may
keep, chart axes that follow the data.

The demo packs are built once for the module through the command line, and so is a CQC pack of the example
evidence with fixture files added: a PDF original with text at every edge of its page, and files whose names hold
every character Windows allows in a file name (and some it does not)."""
from __future__ import annotations

import dataclasses
import datetime as dt
import io
import shutil
import unicodedata
from pathlib import Path

import pypdfium2 as pdfium
import pytest
from click.testing import CliRunner
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import cm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import KeepTogether, Spacer

from compiler import pipeline
from compiler.cli import cli
from compiler.packs.assemble import assemble
from compiler.packs.names import safe_file_title
from compiler.packs.profiles import load_profile
from compiler.render.charts import y_range
from compiler.render.pdf.layout import lay_out
from compiler.render.pdf.look import FRAME_H, Look, esc
from compiler.render.theme import load_theme
from compiler.views.board import board_view
from compiler.views.common import Head, Options
from compiler.views.commissioner import commissioner_view
from compiler.views.cqc import cqc_view
from compiler.views.governance import governance_view
from compiler.views.owners import owners_view
from evidence_store.document import shown_strings
from evidence_store.shown import documents

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples"
AS_OF = dt.date(2026, 11, 20)
THEME = load_theme()
SHEET = "This sheet is bundle page"          # what every exhibit sheet says: the body ends before the first
KEPT = "2026-10-01 Réunion d'équipe (escalade) 95% & plus; a=b+c #2, été.txt"
STRIPPED = '2026-10-02 Audit: what went wrong? <draft> | "v2" *final*.txt'


# ------------------------------------------------------------------------------------------------ the packs

@pytest.fixture(scope="module")
def demo(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("demo")
    result = CliRunner().invoke(cli, ["demo", "--out", str(out)], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return out


def _edge_pdf() -> bytes:
    """An original whose text reaches every edge of its page: a header, a page number in each corner."""
    out = io.BytesIO()
    canv = Canvas(out, pagesize=A4, invariant=1)
    w, h = A4
    for page in (1, 2):
        canv.setFont("Helvetica", 9)
        canv.drawString(12, h - 14, "Edge audit RP-01 header left")
        canv.drawCentredString(w / 2, h - 14, "OFFICIAL-SENSITIVE original header")
        canv.drawRightString(w - 12, h - 14, f"Ref EA-{page} top right")
        canv.drawString(12, 8, "Edge audit footer left")
        canv.drawCentredString(w / 2, 8, "centre of the foot of the original")
        canv.drawRightString(w - 12, 8, f"Page {page} of 2")
        canv.setFont("Helvetica", 11)
        canv.drawString(72, h / 2, "Audit of restrictive practice for RP-01: every entry checked.")
        canv.showPage()
    canv.save()
    return out.getvalue()


@pytest.fixture(scope="module")
def fixture_pack(tmp_path_factory) -> Path:
    base = tmp_path_factory.mktemp("fixture")
    evidence = base / "evidence"
    shutil.copytree(EXAMPLES / "evidence", evidence)
    (evidence / "audits" / "2026-10-20-edge-to-edge-audit.pdf").write_bytes(_edge_pdf())
    for name in (KEPT, STRIPPED):
        (evidence / "debriefs" / name).write_text("Post-incident debrief for RP-01, held within 72 hours.\n",
                                                  encoding="utf-8")
    out = base / "pack"
    result = CliRunner().invoke(cli, ["build", str(EXAMPLES / "plans"), "--evidence", str(evidence), "--pack", "cqc",
                                      "--service", "Oakview", "--as-of", AS_OF.isoformat(), "--out", str(out)],
                                catch_exceptions=False)
    assert (out / "cqc-pack.pdf").is_file(), result.output
    return out


def _pdfs(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*.pdf") if "exhibits" not in p.relative_to(folder).parts)


def _texts(pdf: Path | bytes) -> list[str]:
    doc = pdfium.PdfDocument(str(pdf) if isinstance(pdf, Path) else pdf)
    return [doc[i].get_textpage().get_text_range() for i in range(len(doc))]


def _body(texts: list[str]) -> list[str]:
    """The pages before the first exhibit sheet (every page of a pack with no appendices)."""
    first = next((i for i, text in enumerate(texts) if SHEET in text), len(texts))
    return texts[:first]


# ------------------------------------------------------------------------------------------- split words

def _strings(obj: object, out: list[str]) -> list[str]:
    if isinstance(obj, str):
        out.append(obj)
    elif dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        for f in dataclasses.fields(obj):
            _strings(getattr(obj, f.name), out)
    elif isinstance(obj, dict):
        for k, v in obj.items():
            _strings(k, out)
            _strings(v, out)
    elif isinstance(obj, (list, tuple)):
        for v in obj:
            _strings(v, out)
    return out


@pytest.fixture(scope="module")
def source_words() -> set[str]:
    """Every word the demo packs are made from: their views, and the text of each evidence file they show."""
    assessment = pipeline.check([EXAMPLES / "plans"], EXAMPLES / "evidence", AS_OF)
    texts: list[str] = []
    for name, view in (("cqc", cqc_view), ("governance", governance_view), ("owners", owners_view),
                       ("board", board_view), ("commissioner", commissioner_view)):
        _strings(view(assemble(assessment, load_profile(name)), Options()), texts)
    files = [p for p in (EXAMPLES / "evidence").rglob("*")
             if p.is_file() and p.suffix.lower() in (".csv", ".xlsx", ".md", ".docx", ".txt", ".eml")]
    for doc in documents([(p.suffix[1:].lower(), p.read_bytes()) for p in files]):
        if not isinstance(doc, str):
            texts.extend(shown_strings(doc))
    return {word for text in texts for word in text.split()}


def split_words(texts: list[str], words: set[str]) -> list[str]:
    """Words cut across two lines: a line ending in the start of a word and the next starting with its end,
    neither a word of the source on its own. A break after a hyphen ("Provider-" "wide") is allowed."""
    found = []
    for n, text in enumerate(texts, 1):
        lines = [line.split() for line in text.split("\r\n") if line.split()]
        for this, after in zip(lines, lines[1:]):
            head, tail = this[-1], after[0]
            if not head.endswith("-") and head + tail in words and (head not in words or tail not in words):
                found.append(f"page {n}: {head}/{tail}")
    return found


def test_no_word_is_split_across_the_lines_of_a_table_cell(demo, source_words):
    """Caught before: "Insufficien/t", "Provider-wid/e", "Mediu/m" in cells, "time_star/t" in an exhibit's
    CSV header."""
    split = {pdf.name: split_words(_texts(pdf), source_words) for pdf in _pdfs(demo)}
    assert {name: found for name, found in split.items() if found} == {}


def test_the_check_sees_a_split_word():
    assert split_words(["Requirement Status\r\nsupervision Insufficien\r\nt\r\n"], {"Insufficient", "Status"}) \
        == ["page 1: Insufficien/t"]
    assert split_words(["Service Provider-\r\nwide\r\n"], {"Provider-wide"}) == []


def test_a_table_too_wide_for_its_words_is_set_smaller_not_split():
    """Eight columns of long words cannot share the page at 8.2 pt: the table is set smaller, every word whole."""
    long_words = ["Safeguarding", "Accountability", "Investigations", "Supervision", "Competency", "Governance",
                  "Restrictive", "Commissioning"]

    def story(look: Look, pages, rec) -> list:
        return [look.table(long_words, [[esc(w.lower()) for w in long_words]])]

    doc = pdfium.PdfDocument(lay_out(_head(), THEME, story).pdf)
    tp = doc[0].get_textpage()
    text = tp.get_text_range()
    assert all(w in text.split() and w.lower() in text.split() for w in long_words)
    at = text.index("safeguarding")
    assert 6.4 <= pdfium.raw.FPDFText_GetFontSize(tp.raw, at) < Look(THEME).styles["cell"].fontSize - 0.5



# -------------------------------------------------------------------------------- pages, headings, sections

def test_no_body_page_holds_fewer_than_25_words(demo, fixture_pack):
    """Caught before: a page holding only "Findings" / "No findings." (with its running head and stamps)."""
    thin = {}
    for pdf in [*_pdfs(demo), *_pdfs(fixture_pack)]:
        for n, text in enumerate(_body(_texts(pdf)), 1):
            if len(text.split()) < 25:
                thin[f"{pdf.name} page {n}"] = " ".join(text.split())
    assert thin == {}


def _head(**kw: str) -> Head:
    values = dict(pack="test", title="Layout test pack", audience="Testers", classification="OFFICIAL",
                  provider="Example Care Ltd", service="Oakview", as_of="20 November 2026",
                  as_of_iso="2026-11-20", prepared_by="sgpack", tool_version="0", plans=[])
    return Head(**{**values, **kw})


@pytest.mark.parametrize("style", ["h1", "h2", "h3", "h4", "action"])
@pytest.mark.parametrize("room", [30, 55, 80, 110])
def test_every_heading_is_kept_with_the_start_of_what_follows(style, room):
    """A heading with `room` points left under it on its page: it goes with the table's header and first row."""
    def story(look: Look, pages, rec) -> list:
        rows = [[esc(f"row {n}"), esc("text " * 12)] for n in range(1, 30)]
        return [Spacer(1, FRAME_H - room), look.p(esc("Heading to keep"), style),
                look.table(["Column", "Words"], rows)]

    pages = _texts(lay_out(_head(), THEME, story).pdf)
    where = {n for n, text in enumerate(pages) if "Heading to keep" in text}
    first_row = {n for n, text in enumerate(pages) if "row 1\r\n" in text or "row 1 " in text}
    assert where == first_row


def test_a_heading_is_kept_with_a_chart_block_that_follows_it():
    def story(look: Look, pages, rec) -> list:
        block = KeepTogether([Spacer(1, 5 * cm), look.p(esc("chart caption"), "small")])
        return [Spacer(1, FRAME_H - 3 * cm), *look.sub(esc("Indicator")), block]

    pages = _texts(lay_out(_head(), THEME, story).pdf)
    assert [n for n, t in enumerate(pages) if "Indicator" in t] == [n for n, t in enumerate(pages) if "caption" in t]


@pytest.mark.parametrize("room", [8, 24, 45])
def test_sections_with_nothing_in_them_never_make_a_page_of_their_own(room):
    """At the end of a part (a page break follows), empty sections that do not fit fold onto one line, or are
    left out when not even that fits."""
    def story(look: Look, pages, rec) -> list:
        return [Spacer(1, FRAME_H - room),
                look.empty([(look.sub(esc("Review history"))[0], "No reviews recorded."),
                            (look.sub(esc("Findings"))[0], "No findings.")], last=True)]

    pages = [" ".join(t.split()) for t in _texts(lay_out(_head(), THEME, story).pdf)]
    assert len(pages) == 1
    folded = "Review history: No reviews recorded. Findings: No findings."
    assert (folded in pages[0]) == (room >= 24) and "No findings" not in pages[0].replace(folded, "")


def test_sections_with_nothing_in_them_move_on_with_what_follows():
    def story(look: Look, pages, rec) -> list:
        return [Spacer(1, FRAME_H - 20), look.empty([(look.sub(esc("Findings"))[0], "No findings.")]),
                look.p(esc("What follows them."))]

    pages = [" ".join(t.split()) for t in _texts(lay_out(_head(), THEME, story).pdf)]
    assert len(pages) == 2 and "Findings No findings. What follows them." in pages[1]


def test_the_governance_pack_keeps_each_section_heading_with_its_first_lines(demo):
    texts = [" ".join(t.split()) for t in _texts(demo / "governance" / "governance-pack.pdf")]
    heading = [n for n, t in enumerate(texts) if "Challenge questions Generated from the findings" in t]
    assert heading and "# Subject Question From 1" in texts[heading[0]]


# ---------------------------------------------------------------------------------------- heads and stamps

def _bands(pdf: Path | bytes) -> list[tuple[str, str]]:
    """Each page's text in its top and bottom 1.9 cm: the running head and foot, and the stamps."""
    out = []
    doc = pdfium.PdfDocument(str(pdf) if isinstance(pdf, Path) else pdf)
    for i in range(len(doc)):
        page = doc[i]
        left, bottom, right, top = page.get_mediabox()
        tp = page.get_textpage()
        out.append((tp.get_text_bounded(left, top - 1.9 * cm, right, top),
                    tp.get_text_bounded(left, bottom, right, bottom + 1.9 * cm)))
    return out


def test_no_running_head_or_foot_is_cut_short(demo):
    """Caught before: an owner's foot "Your safeguarding actions: Helen Carter (Hea…"."""
    cut = {f"{pdf.name} page {n}": band for pdf in _pdfs(demo) for n, bands in enumerate(_bands(pdf), 1)
           for band in bands if "…" in band}
    assert cut == {}
    assert all("Helen Carter" in foot for _, foot in _bands(demo / "owners" / "owners" / "helen-carter.pdf"))


def test_a_long_provider_and_title_are_wrapped_whole_not_cut():
    provider = "The Very Long Named Example Care and Support Services Partnership Limited (trading as Riverside)"
    title = "Safeguarding actions for Alexandra Montgomery-Richardson, Deputy Registered Manager (Oakview)"
    head = _head(provider=provider, title=title, classification="OFFICIAL-SENSITIVE: PERSONAL, NOT FOR ONWARD SHARING")
    out = io.BytesIO()
    canv = Canvas(out, pagesize=A4, invariant=1)
    Look(THEME).draw_running(canv, head)
    canv.showPage()
    canv.save()
    (top, foot), = _bands(out.getvalue())
    assert "…" not in top + foot
    assert top.split() == f"{provider} · as at 20 November 2026".split()
    assert [w for w in title.split() if w not in foot.split()] in ([], ["(Oakview)"])


def stamp_overlaps(path: Path, classification: str = "OFFICIAL-SENSITIVE") -> list[str]:
    """Pages where a stamp's box (its text, and the white box drawn around it) lies over text of the page.
    The stamps are drawn last, so their characters are the last of the page's text: the classification at top
    and foot, "page N of T" and, on an exhibit's pages, "E-012 · 2 of 5"."""
    found = []
    doc = pdfium.PdfDocument(str(path))
    total = len(doc)
    for i in range(total):
        tp = doc[i].get_textpage()
        text = tp.get_text_range()
        shown = [k for k, ch in enumerate(text) if not ch.isspace()]
        stamps = [classification, classification, f"page {i + 1} of {total}"]
        label = text.rstrip().rsplit("\r\n", 1)[-1]
        if label.startswith("E-") and " · " in label:
            stamps.append(label)
        boxes, at = [], len(shown)
        for stamp in reversed(stamps):
            size = len(stamp.replace(" ", ""))
            chars = shown[at - size:at]
            assert "".join(text[k] for k in chars) == stamp.replace(" ", ""), (path.name, i + 1, stamp)
            rects = [tp.get_charbox(k) for k in chars]
            boxes.append((min(r[0] for r in rects) - 4, min(r[1] for r in rects) - 3.5,
                          max(r[2] for r in rects) + 4, max(r[3] for r in rects) + 2.5))
            at -= size
        for k in shown[:at]:
            x0, y0, x1, y1 = tp.get_charbox(k)
            for bx0, by0, bx1, by1 in boxes:
                if x0 < bx1 - 0.5 and x1 > bx0 + 0.5 and y0 < by1 - 0.5 and y1 > by0 + 0.5:
                    found.append(f"page {i + 1}: {text[k]!r} under a stamp")
                    break
    return found


def test_no_stamp_lies_over_the_text_of_a_page(demo, fixture_pack):
    """Caught before: the bundle's "page 55 of 174" drawn over an original's own "Page 2 of 3"."""
    overlaps = {pdf.name: stamp_overlaps(pdf) for pdf in (demo / "cqc" / "cqc-pack.pdf",
                                                          fixture_pack / "cqc-pack.pdf")}
    assert {name: found[:5] for name, found in overlaps.items() if found} == {}


def test_an_original_keeps_every_word_of_its_edges_in_the_bundle(fixture_pack):
    texts = [" ".join(t.split()) for t in _texts(fixture_pack / "cqc-pack.pdf")]
    page = [t for t in texts if "Edge audit RP-01 header left" in t]
    assert len(page) == 2
    for words in ("OFFICIAL-SENSITIVE original header", "Ref EA-1 top right", "Edge audit footer left",
                  "centre of the foot of the original", "Page 1 of 2"):
        assert words in page[0]


# ----------------------------------------------------------------------------------------- exhibit names

def test_exhibit_copies_keep_every_character_windows_allows(fixture_pack):
    names = [unicodedata.normalize("NFC", p.name) for p in (fixture_pack / "exhibits").iterdir()]
    kept = unicodedata.normalize("NFC", "Réunion d'équipe (escalade) 95% & plus; a=b+c #2, été.txt")
    assert any(name.endswith(" " + kept) for name in names), names
    assert any(name.endswith(" Audit what went wrong draft v2 final.txt") for name in names), names


@pytest.mark.parametrize("title, expected", [
    ("Incidents escalated within 24 hours (%), all services", "Incidents escalated within 24 hours (%), all services"),
    ("Calls started late (%) #3; a=b + c & d's", "Calls started late (%) #3; a=b + c & d's"),
    ('Audit: "what" went wrong? <v2> | a\\b*c', "Audit what went wrong v2 a b c"),
    ("Follow-up supervision after a late call Kwame Asante, Care Worker (Riverside Homecare)",
     "Follow-up supervision after a late call Kwame Asante, Care Worker"),
    ("Supervision notes for the whole of the support team at the Meadow Court service in March",
     "Supervision notes for the whole of the support team at the Meadow Court service"),
    ("CON", "CON_"), ("aux.notes", "aux_.notes"), ("Zoë’s review…  . ", "Zoë’s review…"),
])
def test_safe_file_titles_keep_characters_and_words(title, expected):
    assert safe_file_title(title) == expected


def test_a_device_name_is_reserved_only_as_the_whole_name():
    assert safe_file_title("CON", prefix="E-001 ") == "E-001 CON"
    assert safe_file_title("aux.notes", prefix="E-002 ") == "E-002 aux.notes"
    assert safe_file_title("", prefix="") == "untitled"


def test_a_long_title_in_many_bytes_is_shortened_within_the_file_systems_limit():
    name = safe_file_title("Réunion " * 40)
    assert len(name.encode("utf-8")) <= 200 and name.split() == ["Réunion"] * len(name.split())


# ---------------------------------------------------------------------------------------------- chart axes

def test_a_percentage_chart_axis_follows_its_data_not_zero():
    """Caught before: values between 75 and 95 drawn on an axis from 0."""
    bottom, top = y_range([78, 81, 76, 80, 83, 79, 88, 91, 93], [79.5, 87.5, 71.5, 95])
    assert 60 < bottom < 71.5 and 95 < top < 110


def test_a_count_chart_axis_stops_near_zero_when_its_lower_limit_is_below_it():
    bottom, top = y_range([0, 2, 5, 3, 1], [2.2, -1.8, 6.2])
    assert -1 < bottom < 0 and 6.2 < top < 9
