"""Each pack covers what its recipient asked for, through builds of the bundled example (or a copy of it edited
here). The CQC pack shows an action under its own quality statements, in full under the first and named with
its page under each other; the Board pack covers every plan, the high-risk ones in full and the others by
exception; the commissioner pack holds the plans of one contract (`--contract`), or of each contract in a
section of its own, and never a plan without a contract reference."""
from __future__ import annotations

import csv
import datetime as dt
import io
import re
import shutil
import zipfile
from pathlib import Path

import pikepdf
import pypdfium2 as pdfium
import pytest
from click.testing import CliRunner
from lxml import etree
from openpyxl import load_workbook

from compiler import pipeline
from compiler.cli import cli

ROOT = Path(__file__).resolve().parents[2]
PLANS = ROOT / "examples" / "plans"
EVIDENCE = ROOT / "examples" / "evidence"
AS_OF = dt.date(2026, 11, 20)
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
ACTIONS = "Actions by key question and quality statement"
OAKVIEW_CONTRACT = "NCC-RES-2026-004"


# ------------------------------------------------------------------------------------------ reading packs

def pdf_pages(path: Path) -> list[str]:
    doc = pdfium.PdfDocument(str(path))
    return [re.sub(r"\s+", " ", doc[i].get_textpage().get_text_range()) for i in range(len(doc))]


def bookmarks(path: Path) -> list[tuple[list[str], int]]:
    """Every bookmark as (its titles from the top, the 1-based page it opens)."""
    with pikepdf.open(path) as pdf:
        pages = {page.obj.objgen: n for n, page in enumerate(pdf.pages, 1)}
        found: list[tuple[list[str], int]] = []

        def walk(items, above: list[str]) -> None:
            for item in items:
                found.append((above + [item.title], pages[item.destination[0].objgen]))
                walk(item.children, above + [item.title])

        with pdf.open_outline() as outline:
            walk(outline.root, [])
    return found


def docx_paragraphs(path: Path) -> list[etree._Element]:
    with zipfile.ZipFile(path) as archive:
        return list(etree.fromstring(archive.read("word/document.xml")).iter(f"{W}p"))


def text_of(element: etree._Element) -> str:
    return "".join(t.text or "" for t in element.iter(f"{W}t"))


def copy_example(tmp: Path) -> tuple[Path, Path]:
    """A copy of the bundled plans and evidence to edit: (plans folder, evidence folder)."""
    plans, evidence = tmp / "plans", tmp / "evidence"
    shutil.copytree(PLANS, plans)
    shutil.copytree(EVIDENCE, evidence)
    return plans, evidence


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, f"{old!r} in {path.name}"
    path.write_text(text.replace(old, new), encoding="utf-8")


# ------------------------------------------------------------------------------------------ the CQC pack

@pytest.fixture(scope="module")
def cqc(tmp_path_factory) -> Path:
    folder, _ = pipeline.build([PLANS], EVIDENCE, "cqc", as_of=AS_OF, out=tmp_path_factory.mktemp("scope") / "cqc")
    return folder


def shown_in_full(marks: list[tuple[list[str], int]]) -> dict[str, tuple[str, str, int]]:
    """{action id: (key question, quality statement, page)} from the bookmarks of the actions section."""
    shown: dict[str, tuple[str, str, int]] = {}
    for titles, page in marks:
        if titles[0] == ACTIONS and len(titles) == 4:
            action = titles[3].split()[0]
            assert action not in shown, f"{action} is shown in full twice"
            shown[action] = (titles[1], titles[2], page)
    return shown


def test_actions_are_shown_under_their_own_quality_statements(cqc) -> None:
    pdf = cqc / "cqc-pack.pdf"
    texts, shown = pdf_pages(pdf), shown_in_full(bookmarks(pdf))
    # the first of an action's own statements, else of its plan's; each of the 16 shown in full once
    assert len(shown) == 16
    assert shown["RH-03"][:2] == ("Safe", "Medicines optimisation")
    assert shown["RH-02"][:2] == ("Safe", "Safe and effective staffing")
    assert shown["RP-02"][:2] == ("Responsive", "Person-centred care")
    assert shown["RQ-05"][:2] == ("Responsive", "Listening to and involving people")
    assert shown["RP-05"][:2] == ("Well-led", "Governance, management and sustainability")
    assert shown["RP-01"][:2] == shown["RH-04"][:2] == ("Safe", "Safeguarding")
    # the page says where it is: its statement's heading above it
    page = texts[shown["RH-03"][2] - 1]
    assert page.index("Quality statement: Medicines optimisation") < page.index("RH-03 Rotas planned")
    # the contents follow: the statement, then the action, with the page it is on
    contents = " ".join(texts[1:3])
    assert re.search(r"Medicines optimisation \d+ RH-03 Rotas planned.*? " + str(shown["RH-03"][2]) + " ", contents)


def test_an_action_under_two_statements_is_shown_once_and_referenced_from_the_other(cqc) -> None:
    pdf = cqc / "cqc-pack.pdf"
    texts, marks = pdf_pages(pdf), bookmarks(pdf)
    rp02 = shown_in_full(marks)["RP-02"][2]
    body = " ".join(texts)
    line = f"RP-02 \u2014 see Responsive \u203a Person-centred care, p. {rp02}"     # text with its spaces made one
    assert body.count("RP-02 \u2014 see") == 1 and line in body
    # under its other statement, Safe › Involving people to manage risks: the statement's bookmark opens that page
    involving = next(page for titles, page in marks if titles[1:] == ["Safe", "Involving people to manage risks"])
    assert line in texts[involving - 1] and "Quality statement: Involving people to manage risks" in texts[involving - 1]
    # an action shown under the plan's first statement is named under each of the plan's others
    assert body.count("RP-01 \u2014 see Safe \u203a Safeguarding") == 3

    # the Word pack: the same line, without a page, its id a link to the action's one bookmark
    paragraphs = docx_paragraphs(cqc / "cqc-pack.docx")
    refs = [p for p in paragraphs if "RP-02 \u2014 see" in text_of(p)]
    assert len(refs) == 1 and text_of(refs[0]).startswith("RP-02 \u2014 see Responsive \u203a Person-centred care")
    assert [h.get(f"{W}anchor") for h in refs[0].iter(f"{W}hyperlink")] == ["act_RP02"]
    marks_word = [b.get(f"{W}name") for p in paragraphs for b in p.iter(f"{W}bookmarkStart")]
    assert marks_word.count("act_RP02") == 1


def test_the_word_pack_groups_actions_as_the_pdf_does(cqc) -> None:
    def style(p: etree._Element) -> str:
        found = p.find(f"{W}pPr/{W}pStyle")
        return "" if found is None else found.get(f"{W}val")

    shown = [(style(p), text_of(p)) for p in docx_paragraphs(cqc / "cqc-pack.docx")]
    shown = [(s, t) for s, t in shown if s.startswith("Heading")]
    well_led = shown.index(("Heading2", "Well-led"))
    governance = shown.index(("Heading3", "Governance, management and sustainability"))
    medicines = shown.index(("Heading3", "Medicines optimisation"))
    # each action's heading follows its statement's, with no other heading of a statement in between
    assert shown[governance + 1] == ("Heading4", "RP-05 Registered manager reviews the restrictive practice log "
                                                 "weekly; trend data reviewed monthly at the Quality and Safeguarding "
                                                 "Committee")
    assert shown[medicines + 1][0] == "Heading4" and shown[medicines + 1][1].startswith("RH-03 Rotas planned")
    assert medicines < well_led < governance
    # the contents hold each key question and statement, linked to its heading
    with zipfile.ZipFile(cqc / "cqc-pack.docx") as archive:
        xml = archive.read("word/document.xml").decode()
    assert 'w:anchor="kq_wellled"' in xml and 'w:name="kq_wellled"' in xml
    assert 'w:anchor="qs_medicinesoptimisation"' in xml and 'w:name="qs_medicinesoptimisation"' in xml


# ------------------------------------------------------------------------------------------ the Board pack

@pytest.fixture(scope="module")
def board(tmp_path_factory) -> Path:
    folder, _ = pipeline.build([PLANS], EVIDENCE, "board", as_of=AS_OF, out=tmp_path_factory.mktemp("scope") / "board")
    return folder


def test_the_board_pack_covers_every_plan(board) -> None:
    texts = pdf_pages(board / "board-pack.pdf")
    assert len(texts) == 2                      # the high-risk plan in full, two medium-risk ones by exception
    body = " ".join(texts)
    assert "Scope 3 plans: 1 high-risk in full, 2 by exception" in body
    assert "Line of sight" in body and "Section 42 enquiry LA-2026-0042" in body     # the high-risk plan in full
    others = body[body.index("Other plans, by exception"):]
    # the medium-risk Riverside plan: its overstated RAG and its action with no named owner
    riverside = others[others.index("SAP-2026-011 Missed and late calls at Riverside Homecare"):]
    assert re.search(r"RH-02 SG402 rag-overstated RH-02 declared green but assessed amber", riverside)
    assert re.search(r"RH-04 SG201 owner-not-named RH-04 has no named owner \('On-call team'\)", riverside)
    assert "RQ-04 SG403 action-overdue" in others
    # by exception: an action with none is not listed
    for quiet in ("RH-01", "RH-03", "RQ-01", "RQ-05"):
        assert quiet not in others

    words = " ".join(text_of(p) for p in docx_paragraphs(board / "board-pack.docx"))
    assert "Other plans, by exception" in words and "SG402 rag-overstated" in words and "SG201 owner-not-named" in words


def test_a_plan_without_exceptions_is_one_line_and_an_indicator_concern_is_one(tmp_path) -> None:
    plans, evidence = copy_example(tmp_path)
    # RQ-04 due at the end of the year: the record-quality plan has nothing for the Board
    edit(plans / "record-quality-escalation.yaml", "    due: 2026-10-31\n", "    due: 2026-12-31\n")
    # missed calls back up beyond the upper process limit in the last three months: a concern on RH-01
    edit(evidence / "indicators" / "riverside-missed-calls-per-1000.csv", "2026-08,1.6\n2026-09,0.9\n2026-10,0.9",
         "2026-08,7.5\n2026-09,8.1\n2026-10,8.4")
    folder, _ = pipeline.build([plans], evidence, "board", as_of=AS_OF, out=tmp_path / "board")
    body = " ".join(pdf_pages(folder / "board-pack.pdf"))
    assert "SAP-2026-014 Record quality and delayed escalation (Provider-wide, medium risk): no exceptions." in body
    assert "RQ-04" not in body
    assert re.search(r"RH-01 Indicator concern Missed calls per 1,000 planned calls", body)
    words = [text_of(p) for p in docx_paragraphs(folder / "board-pack.docx")]
    assert "SAP-2026-014 Record quality and delayed escalation (Provider-wide, medium risk): no exceptions." in words


# ------------------------------------------------------------------------------------------ the commissioner pack

@pytest.fixture(scope="module")
def two_contracts(tmp_path_factory) -> Path:
    """The bundled plans with Oakview's under a contract of its own; the record-quality plan has none."""
    plans = tmp_path_factory.mktemp("contracts") / "plans"
    shutil.copytree(PLANS, plans)
    edit(plans / "oakview-restrictive-practice.yaml", "  location_id: 1-2837465019\n",
         f"  location_id: 1-2837465019\n  contract: {OAKVIEW_CONTRACT}\n")
    return plans


def commissioner(plans: Path, out: Path, *extra: str):
    return CliRunner().invoke(cli, ["build", str(plans), "--evidence", str(EVIDENCE), "--pack", "commissioner",
                                    "--as-of", AS_OF.isoformat(), "--out", str(out), *extra])


def everything_written(folder: Path) -> str:
    """The text of the PDF, the Word file, return.xlsx and return.csv, together."""
    parts = pdf_pages(folder / "commissioner-pack.pdf")
    parts += [text_of(p) for p in docx_paragraphs(folder / "commissioner-pack.docx")]
    book = load_workbook(folder / "return.xlsx")
    parts += [str(c) for sheet in book for row in sheet.iter_rows(values_only=True) for c in row if c is not None]
    parts.append((folder / "return.csv").read_text(encoding="utf-8"))
    return "\n".join(parts)


def test_a_commissioner_pack_for_one_contract_holds_only_its_plans(two_contracts, tmp_path) -> None:
    result = commissioner(two_contracts, tmp_path / "pack", "--contract", "la-dom-2025-12")
    assert result.exit_code == 0, result.output
    folder = tmp_path / "pack"
    written = everything_written(folder)
    assert "Contract LA-DOM-2025-12" in written and "SAP-2026-011" in written
    for other in (OAKVIEW_CONTRACT, "SAP-2026-007", "SAP-2026-014", "RP-01", "RQ-01", "Oakview", "Provider-wide"):
        assert other not in written, other
    cover = load_workbook(folder / "return.xlsx")["Cover"]
    assert [r[1] for r in cover.iter_rows(values_only=True) if r[0] == "Contract reference"] == ["LA-DOM-2025-12"]
    rows = list(csv.DictReader(io.StringIO((folder / "return.csv").read_text(encoding="utf-8"))))
    assert rows and {r["location"] for r in rows} == {"Riverside Homecare"}


def test_a_commissioner_pack_holds_each_contract_in_its_own_section(two_contracts, tmp_path) -> None:
    result = commissioner(two_contracts, tmp_path / "pack")
    assert result.exit_code == 0, result.output
    # the plan with no contract reference is left out, and the console says so
    assert ("note: plans with no contract reference are left out of the commissioner pack: "
            "SAP-2026-014 (Provider-wide)") in result.output
    folder = tmp_path / "pack"
    texts = pdf_pages(folder / "commissioner-pack.pdf")
    sections = dict(re.findall(r"(Contract [A-Z0-9-]+) (\d+)", texts[1]))
    assert sorted(sections) == ["Contract LA-DOM-2025-12", f"Contract {OAKVIEW_CONTRACT}"]     # in plan order
    oakview = texts[int(sections[f"Contract {OAKVIEW_CONTRACT}"]) - 1]
    riverside = texts[int(sections["Contract LA-DOM-2025-12"]) - 1]
    assert "SAP-2026-007" in oakview and "SAP-2026-011" not in oakview
    assert "SAP-2026-011" in riverside and "SAP-2026-007" not in riverside
    written = everything_written(folder)
    for absent in ("SAP-2026-014", "RQ-04", "no contract reference", "Provider-wide"):
        assert absent not in written, absent
    words = [text_of(p) for p in docx_paragraphs(folder / "commissioner-pack.docx")]
    assert "Contract LA-DOM-2025-12" in words and f"Contract {OAKVIEW_CONTRACT}" in words


def test_a_contract_no_plan_has_or_another_pack_is_refused(two_contracts, tmp_path) -> None:
    result = commissioner(two_contracts, tmp_path / "none", "--contract", "LA-XYZ-1")
    assert result.exit_code == 2
    assert f"no plan has the contract reference 'LA-XYZ-1'; contracts: LA-DOM-2025-12, {OAKVIEW_CONTRACT}" \
        in result.output
    assert not (tmp_path / "none").exists()
    result = CliRunner().invoke(cli, ["build", str(two_contracts), "--evidence", str(EVIDENCE), "--pack", "board",
                                      "--out", str(tmp_path / "board"), "--contract", "LA-DOM-2025-12"])
    assert result.exit_code == 2 and "the board pack is not made per contract" in result.output
