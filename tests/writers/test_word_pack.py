"""The Word packs as their recipients read them: every demo pack's .docx converted to PDF with LibreOffice and
checked page by page (footers, words in cells, contents), and its XML checked (column widths, RAG cells,
the gap report's order, where exhibits are in the PDF bundle)."""
from __future__ import annotations

import datetime as dt
import os
import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import pypdfium2 as pdfium
import pytest
from lxml import etree

from compiler import pipeline

ROOT = Path(__file__).resolve().parents[2]
PLANS = ROOT / "examples" / "plans"
EVIDENCE = ROOT / "examples" / "evidence"
AS_OF = dt.date(2026, 11, 20)
PACKS = ("cqc", "commissioner", "governance", "board", "owners")
W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
NS = {"w": W}
MM = 72 / 25.4                      # PDF points in a millimetre
BREAKS = ("-", "/", "\u2013", "\u2014")      # a line may end after these inside a word
# An owner with a name and role too long for one footer line, at a provider with a long name
LONG_OWNER = ("Bartholomew Alexander Fitzgerald-Montgomery (Deputy Head of Quality, Safeguarding and Professional "
              "Standards for the North and East Localities)")
LONG_PLAN = f"""\
format: sgpack/plan@1
provider: The Very Long Named Community Interest Company for Supported Living and Domiciliary Care in the North
plan:
  id: SAP-2026-090
  title: Night checks
  service: Oakview
  origin: Safeguarding concern SC-2026-090
  risk: medium
  opened: 2026-06-01
actions:
  - id: NC-01
    title: Night checks recorded every two hours
    kind: oversight
    owner: {LONG_OWNER}
    due: 2026-12-31
    status: in_progress
    rag: amber
    requires:
      - type: audit
        count: 2
"""


def w(tag: str) -> str:
    return f"{{{W}}}{tag}"


def text_of(el: etree._Element) -> str:
    """An element's text as a reader sees it: line breaks and tabs as spaces, no-break spaces as spaces."""
    return "".join((t.text or "") if t.tag == w("t") else " "
                   for t in el.iter(w("t"), w("br"), w("tab"))).replace("\u00a0", " ")


def part(docx: Path, name: str = "word/document.xml") -> etree._Element:
    with zipfile.ZipFile(docx) as archive:
        return etree.fromstring(archive.read(name))


def pdf_pages(pdf: Path) -> list[str]:
    """Each page's text (PDFium gives a hyphen a line broke after as U+FFFE, and joins the two lines)."""
    doc = pdfium.PdfDocument(str(pdf))
    return [doc[i].get_textpage().get_text_range().replace("\u00a0", " ").replace("\ufffe", "-")
            for i in range(len(doc))]


def flat(text: str) -> str:
    """Text with its whitespace collapsed and its lines joined where they broke after a hyphen or dash."""
    return re.sub(r"(?<=[-/\u2013\u2014]) ", "", re.sub(r"\s+", " ", text)).strip()


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> dict[str, Path]:
    """Every pack built as `sgpack demo` builds it, and an owners pack whose footer and header are too long."""
    root = tmp_path_factory.mktemp("word-packs")
    # the commissioner pack holds only plans under a contract: built from the example with each plan under one,
    # it has a section per contract and an overdue action's RAG
    contracted = root / "contracted"
    shutil.copytree(PLANS, contracted)
    for name, contract in (("oakview-restrictive-practice.yaml", "NCC-RES-2026-004"),
                           ("record-quality-escalation.yaml", "NCC-QUA-2026-001")):
        text = (contracted / name).read_text(encoding="utf-8")
        (contracted / name).write_text(text.replace("\n  risk: ", f"\n  contract: {contract}\n  risk: ", 1),
                                       encoding="utf-8")
    out = {name: pipeline.build([contracted if name == "commissioner" else PLANS], EVIDENCE, name, as_of=AS_OF,
                                out=root / name)[0] for name in PACKS}
    plans, evidence = root / "long-plans", root / "long-evidence"
    plans.mkdir()
    (evidence / "audits").mkdir(parents=True)
    (plans / "long.yaml").write_text(LONG_PLAN, encoding="utf-8")
    (evidence / "audits" / "2026-07-01 night check audit.md").write_text("# Night check audit\n\nNC-01 checked.\n")
    out["long"] = pipeline.build([plans], evidence, "owners", as_of=AS_OF, out=root / "long")[0]
    return out


def word_files(built: dict[str, Path]) -> list[Path]:
    """Every Word pack built (the exhibits folder holds evidence, not packs)."""
    return sorted(p for folder in built.values() for p in folder.rglob("*.docx") if p.parent.name != "exhibits")


def soffice() -> str:
    found = shutil.which("soffice") or shutil.which("libreoffice")
    if found is None:
        if os.environ.get("CI") == "true":
            pytest.fail("CI must have LibreOffice: .ci/run installs libreoffice-writer")
        pytest.skip("LibreOffice is not installed (apt-get install --no-install-recommends libreoffice-writer)")
    return found


@pytest.fixture(scope="module")
def converted(built, tmp_path_factory) -> dict[Path, Path]:
    """Each Word pack -> the PDF LibreOffice makes of it (all in one run: LibreOffice starts slowly)."""
    program = soffice()
    tmp = tmp_path_factory.mktemp("lo")
    sources = word_files(built)
    assert len({p.name for p in sources}) == len(sources)          # one folder of PDFs: no name twice
    profile = (tmp / "profile").as_uri()        # a profile of its own: no clash with a user's LibreOffice
    done = subprocess.run([program, f"-env:UserInstallation={profile}", "--headless", "--convert-to", "pdf",
                           "--outdir", str(tmp / "pdf"), *map(str, sources)], capture_output=True, text=True,
                          timeout=900)
    out = {source: tmp / "pdf" / f"{source.stem}.pdf" for source in sources}
    missing = [source.name for source, pdf in out.items() if not pdf.is_file()]
    if missing:
        message = f"LibreOffice did not convert {missing}: {done.stdout}{done.stderr}"
        if os.environ.get("CI") == "true":
            pytest.fail(message + " (.ci/run installs libreoffice-writer)")
        pytest.skip(message + " (is libreoffice-writer installed?)")
    return out


# ------------------------------------------------------------------------------------------------ tables

def test_columns_are_sized_from_content_alike_in_grid_and_cells(built) -> None:
    for docx in word_files(built):
        body = part(docx).find("w:body", NS)
        section = body.find("w:sectPr", NS)
        size, margins = section.find("w:pgSz", NS), section.find("w:pgMar", NS)
        text_width = int(size.get(w("w"))) - int(margins.get(w("left"))) - int(margins.get(w("right")))
        tables = body.findall("w:tbl", NS)
        assert tables, docx.name
        for table in tables:
            grid = [int(g.get(w("w"))) for g in table.findall("w:tblGrid/w:gridCol", NS)]
            assert sum(grid) == text_width, (docx.name, grid)
            assert table.find("w:tblPr/w:tblLayout", NS).get(w("type")) == "fixed"
            tbl_w = table.find("w:tblPr/w:tblW", NS)
            assert (tbl_w.get(w("type")), int(tbl_w.get(w("w")))) == ("dxa", text_width)
            rows = table.findall("w:tr", NS)
            if rows[0].find("w:trPr/w:tblHeader", NS) is not None:      # a list: each row kept on one page
                assert all(r.find("w:trPr/w:cantSplit", NS) is not None for r in rows[1:]), docx.name
            for row in rows:
                col = 0
                for cell in row.findall("w:tc", NS):
                    span = cell.find("w:tcPr/w:gridSpan", NS)
                    span = int(span.get(w("val"))) if span is not None else 1
                    tcw = cell.find("w:tcPr/w:tcW", NS)
                    assert tcw.get(w("type")) == "dxa" and int(tcw.get(w("w"))) == sum(grid[col:col + span]), \
                        (docx.name, text_of(row)[:60])
                    col += span
                assert col == len(grid)

    def widths(docx: Path, heading: str) -> dict[str, int]:
        for table in part(docx).iter(w("tbl")):
            first = table.find("w:tr", NS)
            names = [text_of(c) for c in first.findall("w:tc", NS)]
            if names[:2] == ["Action", "Title"] or names[:2] == ["Exhibit", "Title"]:
                if heading in names:
                    grid = [int(g.get(w("w"))) for g in table.findall("w:tblGrid/w:gridCol", NS)]
                    return dict(zip(names, grid))
        raise AssertionError(f"no table with a {heading} column in {docx.name}")

    cqc = built["cqc"] / "cqc-pack.docx"
    summary = widths(cqc, "Owner")                     # the summary of actions
    assert summary["Title"] == max(summary.values())
    assert summary["Title"] > 2 * summary["Action"] and summary["Title"] > 2 * summary["Declared"]
    index = widths(cqc, "Bundle pages")                # the evidence index
    assert index["Title"] == max(index.values())
    assert index["Exhibit"] < index["Title"] / 2 and index["Date"] < index["Title"] / 2


def cell_words(docx: Path) -> set[str]:
    """Every word in the document's table cells."""
    words: set[str] = set()
    for cell in part(docx).iter(w("tc")):
        for paragraph in cell.findall("w:p", NS):
            words.update(text_of(paragraph).split())
    return words


def test_no_table_cell_splits_a_word(built, converted) -> None:
    split = []
    for docx, pdf in converted.items():
        words = cell_words(docx)
        for n, page in enumerate(pdf_pages(pdf), 1):
            lines = [line.split() for line in page.splitlines() if line.split()]
            for this, following in zip(lines, lines[1:]):
                end, start = this[-1], following[0]
                # a word of a cell, its head at the end of one line and its tail at the start of the next, not
                # broken after a hyphen, slash or dash (where Word and LibreOffice may break a line)
                if end + start in words and not end.endswith(BREAKS):
                    split.append(f"{docx.name} page {n}: {end}|{start}")
    assert not split, split


# ------------------------------------------------------------------------------------------------ furniture

def band(pdf: Path, part: str) -> list[list[str]]:
    """Each page's lines of text in its top 19 mm (the header), its bottom 19 mm (the footer) or between."""
    doc = pdfium.PdfDocument(str(pdf))
    out = []
    for i in range(len(doc)):
        width, height = doc[i].get_size()
        bottom, limit = {"header": (height - 19 * MM, height), "footer": (0, 19 * MM),
                         "body": (19 * MM, height - 19 * MM)}[part]
        text = doc[i].get_textpage().get_text_bounded(0, bottom, width, limit).replace("\u00a0", " ")
        out.append([line.strip() for line in text.splitlines() if line.strip()])
    return out


def test_headers_and_footers_are_one_line_on_every_page(built, converted) -> None:
    for docx, pdf in converted.items():
        footers, headers, bodies = band(pdf, "footer"), band(pdf, "header"), band(pdf, "body")
        for n, (footer, header, body) in enumerate(zip(footers, headers, bodies), 1):
            assert len(footer) == 1 and footer[0].endswith(f"page {n} of {len(footers)}"), (docx.name, n, footer)
            assert len(header) == 1 and header[0].endswith("OFFICIAL-SENSITIVE"), (docx.name, n, header)
            assert body, f"{docx.name} page {n} is empty"     # a table filling a page leaves no blank one after
    long = next(p for d, p in converted.items() if d.is_relative_to(built["long"]))
    footer, header = band(long, "footer")[0][0], band(long, "header")[0][0]
    assert "\u2026" in footer and "as of 20 November 2026" in footer           # the title shortened, the date kept
    assert "\u2026" in header


# ------------------------------------------------------------------------------------------------ contents

def contents(docx: Path) -> list[tuple[str, str]]:
    """(anchor, text) of each contents line, and the text of each bookmarked heading."""
    root = part(docx)
    lines = []
    for paragraph in root.iter(w("p")):
        style = paragraph.find("w:pPr/w:pStyle", NS)
        if style is not None and style.get(w("val")) in ("TOC1", "TOC2"):
            link = paragraph.find("w:hyperlink", NS)
            lines.append((link.get(w("anchor")), text_of(paragraph)))
    return lines


def headings(docx: Path) -> dict[str, str]:
    out = {}
    for start in part(docx).iter(w("bookmarkStart")):
        paragraph = start.getparent()
        if paragraph.find("w:pPr/w:pStyle", NS) is not None and \
                paragraph.find("w:pPr/w:pStyle", NS).get(w("val")).startswith("Heading"):
            out[start.get(w("name"))] = text_of(paragraph)
    return out


def test_contents_hold_no_number_but_the_page_their_entry_lands_on(built, converted) -> None:
    for name in ("cqc", "governance", "commissioner"):
        docx = built[name] / f"{name}-pack.docx"
        lines, marked = contents(docx), headings(docx)
        assert len(lines) >= 3
        for anchor, text in lines:
            # the heading, and a count in brackets where the PDF's contents give one: no page number written in
            assert re.fullmatch(re.escape(marked[anchor]) + r"( \(\d+\))?", text.strip()), (name, anchor, text)
        pages = pdf_pages(converted[docx])
        first = next(i for i, page in enumerate(pages) if "Contents" in page)
        shown = flat(" ".join(pages[first:first + 2]))
        for anchor, text in lines:
            at = shown.find(flat(text))
            assert at >= 0, (name, text)
            after = re.match(r"[ .…]*(\d+)\b", shown[at + len(flat(text)):])
            if after:                                # a number after the entry must be the page it lands on
                lands = next(i for i, page in enumerate(pages)
                             if i > first and flat(marked[anchor]) in flat(page)) + 1
                assert int(after.group(1)) == lands, (name, text, after.group(1), lands)


# ------------------------------------------------------------------------------------------------ RAG

def luminance(hex_colour: str) -> float:
    def channel(v: int) -> float:
        c = v / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4
    r, g, b = (int(hex_colour[i:i + 2], 16) for i in (0, 2, 4))
    return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)


def contrast(a: str, b: str) -> float:
    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def test_rag_cells_are_shaded_in_their_colour_with_readable_text(built) -> None:
    for docx in word_files(built):
        styles = {s.get(w("styleId")): s for s in part(docx, "word/styles.xml").findall("w:style", NS)}
        chips = {ident: (s.find("w:rPr/w:shd", NS).get(w("fill")), s.find("w:rPr/w:color", NS).get(w("val")))
                 for ident, s in styles.items() if ident.startswith("Rag")}
        assert set(chips) >= {"RagRed", "RagAmber", "RagGreen", "RagBlue", "RagNone"}
        shaded = 0
        for run in part(docx).iter(w("r")):
            style = run.find("w:rPr/w:rStyle", NS)
            if style is None or style.get(w("val")) not in chips:
                continue
            fill, colour = chips[style.get(w("val"))]
            cell = next(run.iterancestors(w("tc")), None)
            assert cell is not None, f"{docx.name}: a RAG chip outside a table cell is a highlighted word"
            shd = cell.find("w:tcPr/w:shd", NS)
            assert shd is not None and shd.get(w("fill")) == fill, (docx.name, text_of(cell))
            assert run.find("w:rPr/w:shd", NS).get(w("fill")) == "auto"      # the word itself is not highlighted
            assert contrast(fill, colour) >= 4.5, (style.get(w("val")), fill, colour)
            shaded += 1
        assert shaded, f"{docx.name} shows no RAG"


# ------------------------------------------------------------------------------------------------ the CQC pack

def table_after(root: etree._Element, anchor: str) -> etree._Element:
    mark = next(b for b in root.iter(w("bookmarkStart")) if b.get(w("name")) == anchor)
    return next(mark.getparent().itersiblings(w("tbl")))


def test_gap_report_is_in_the_pdf_packs_order(built) -> None:
    pack = built["cqc"]
    rows = table_after(part(pack / "cqc-pack.docx"), "sec_gaps").findall("w:tr", NS)[1:]
    word = [(text_of(r.findall("w:tc", NS)[1].find("w:p", NS)), text_of(r.findall("w:tc", NS)[2]).strip())
            for r in rows]
    text = "\n".join(pdf_pages(pack / "cqc-pack.pdf"))
    section = re.search(r"Gap report\s+Severity\s+Rule\s+Where\s+Finding(.*?)Unreadable evidence",
                        text, re.S).group(1)
    pdf = re.findall(r"^(?:error|warning|info)\s+(SG\d{3})\s+(\S+)", section, re.M | re.I)
    assert len(word) >= 5 and len(word) == len(pdf)
    for (rule, where), (pdf_rule, pdf_where) in zip(word, pdf):
        assert rule == pdf_rule and where.startswith(pdf_where), (word, pdf)   # "SAP-2026-014 › RQ-02" wraps


def test_exhibit_references_say_where_they_are_in_the_bundle(built) -> None:
    pack = built["cqc"]
    bundle = pdf_pages(pack / "cqc-pack.pdf")
    root = part(pack / "cqc-pack.docx")
    refs = [text_of(link) for link in root.iter(w("hyperlink")) if link.get(w("anchor"), "").startswith("ex_")]
    assert len(refs) > 50
    for ref in set(refs):
        found = re.fullmatch(r"(E-\d{3}) \(bundle (?:p\. (\d+)|pp\. (\d+)–(\d+))\)", ref)
        assert found, ref
        number, single, first, last = found.groups()
        first, last = int(single or first), int(single or last)
        count = last - first + 1
        # the first page is the exhibit's sheet, the last its last page: the bundle stamps them so
        assert f"{number} · 1 of {count}" in bundle[first - 1], ref
        assert f"{number} · {count} of {count}" in bundle[last - 1], ref
    index = table_after(root, "sec_index")
    assert [text_of(c) for c in index.find("w:tr", NS).findall("w:tc", NS)][-1] == "Bundle pages"


# ------------------------------------------------------------------------------------------------ the commissioner pack

def test_commissioner_word_pack_says_what_its_pdf_says_about_data_protection(built, converted) -> None:
    """As LibreOffice lays the Word pack out, its cover's claim and its data-protection section are the PDF's,
    word for word and in the PDF's order (the scan's result first, then the tables, then how); none of the
    sentences the template once printed whatever the build did."""
    pack = built["commissioner"]
    docx = pack / "commissioner-pack.docx"

    def body(pdf: Path) -> str:
        # Word's bullets are a private-use glyph (U+F0B7), the PDF's a bullet; a hyphen LibreOffice broke a line
        # after comes out as U+0002
        text = " ".join(" ".join(lines) for lines in band(pdf, "body"))
        return flat(re.sub(r"[\u2022\uf000-\uf8ff]", " ", text.replace("\x02", "-").replace("\ufffe", "-")))

    word, pdf = body(converted[docx]), body(pack / "commissioner-pack.pdf")
    assert word[word.rindex("Data protection Purpose"):] == pdf[pdf.rindex("Data protection Purpose"):]
    claim = re.search(r"People who use services .*? on what lawful basis\.", pdf).group(0)
    assert claim in word[:word.index("Contents")]
    for fixed in ("Counts below 5 are shown as", "The data-protection section at the end"):
        assert fixed not in word
