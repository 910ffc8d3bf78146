"""`sgpack build`, `verify` and `demo` end to end: pack folder, determinism, atomicity, links and pages."""
from __future__ import annotations

import io
import json
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
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def build(out: Path, *extra: str, plans: Path = PLANS, evidence: Path = EVIDENCE):
    return CliRunner().invoke(cli, ["build", str(plans), "--evidence", str(evidence), "--pack", "cqc",
                                    "--service", "Oakview", "--as-of", "2026-11-20", "--out", str(out), *extra],
                              catch_exceptions=False)


@pytest.fixture(scope="module")
def pack(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("packs") / "oakview"
    result = build(out)
    assert result.exit_code == 0, result.output
    return out


def pdf_pages(path: Path) -> list[str]:
    doc = pdfium.PdfDocument(str(path))
    return [doc[i].get_textpage().get_text_range() for i in range(len(doc))]


def test_pack_folder_holds_bundle_word_exhibits_and_manifest(pack: Path) -> None:
    names = sorted(p.name for p in pack.iterdir())
    assert names == ["cqc-pack.docx", "cqc-pack.pdf", "exhibits", "manifest.json"]
    manifest = json.loads((pack / "manifest.json").read_text())
    assert manifest["as_of"] == "2026-11-20" and manifest["pack"] == "cqc"
    assert manifest["profile"]["name"] == "cqc"
    written = {o["path"] for o in manifest["outputs"]}
    assert {"cqc-pack.pdf", "cqc-pack.docx"} <= written
    exhibits = sorted(p.name for p in (pack / "exhibits").iterdir())
    assert exhibits and all(re.match(r"E-\d{3} .+\.\w+$", n) for n in exhibits)
    assert {f"exhibits/{n}" for n in exhibits} <= written
    read = {i["path"]: i["sha256"] for i in manifest["inputs"]}
    assert "audits/oakview-restrictive-practice-log-audit-scores.csv" in read


def test_every_exhibit_bookmark_lands_on_its_stamp(pack: Path) -> None:
    reader = PdfReader(str(pack / "cqc-pack.pdf"))
    texts = pdf_pages(pack / "cqc-pack.pdf")

    def walk(items):
        for item in items:
            if isinstance(item, list):
                yield from walk(item)
            else:
                yield item

    exhibit_marks = [o for o in walk(reader.outline) if re.match(r"E-\d{3}", o.title)]
    assert exhibit_marks
    for mark in exhibit_marks:
        number = mark.title.split()[0]
        page = reader.get_destination_page_number(mark)
        assert f"{number} · 1 of" in texts[page], (mark.title, page + 1)


def test_every_page_is_numbered_and_links_resolve(pack: Path) -> None:
    reader = PdfReader(str(pack / "cqc-pack.pdf"))
    texts = pdf_pages(pack / "cqc-pack.pdf")
    total = len(texts)
    for n, text in enumerate(texts, start=1):
        assert f"page {n} of {total}" in text
    links = 0
    for page in reader.pages:
        for annot in page.get("/Annots") or []:
            annot = annot.get_object()
            if annot.get("/Subtype") == "/Link":
                links += 1
                assert "/A" not in annot or "/URI" not in annot["/A"], "an unresolved URI link is left"
                dest = annot["/Dest"]
                assert reader.get_page_number(dest[0].get_object()) is not None
    assert links > 20


def test_word_pack_carries_the_pdf_page_numbers_and_resolving_links(pack: Path) -> None:
    texts = pdf_pages(pack / "cqc-pack.pdf")
    with zipfile.ZipFile(pack / "cqc-pack.docx") as archive:
        root = etree.fromstring(archive.read("word/document.xml"))
    bookmarks = {b.get(f"{W}name") for b in root.iter(f"{W}bookmarkStart")}
    anchors = [h.get(f"{W}anchor") for h in root.iter(f"{W}hyperlink") if h.get(f"{W}anchor")]
    assert anchors and set(anchors) <= bookmarks
    # the index row for each exhibit gives the page range where the PDF stamps it
    paragraphs = ["".join(t.text or "" for t in p.iter(f"{W}t")) for p in root.iter(f"{W}p")]
    ranges = [m for p in paragraphs for m in re.findall(r"^(?:pp?\. )?(\d+)(?:–(\d+))?$", p)]
    rows = []
    for tbl in root.iter(f"{W}tr"):
        cells = ["".join(t.text or "" for t in c.iter(f"{W}t")) for c in tbl.iter(f"{W}tc")]
        if cells and re.fullmatch(r"E-\d{3}", cells[0]):
            rows.append(cells)
    assert rows
    for cells in rows:
        number = cells[0]
        pages = next(c for c in cells if re.fullmatch(r"(?:pp?\. )?\d+(?:–\d+)?", c))
        first = int(re.findall(r"\d+", pages)[0])
        assert f"{number} · 1 of" in texts[first - 1], (number, pages)
    assert ranges is not None


def test_two_builds_are_byte_identical(pack: Path, tmp_path: Path) -> None:
    again = tmp_path / "again"
    assert build(again).exit_code == 0
    for name in ("cqc-pack.pdf", "cqc-pack.docx", "manifest.json"):
        assert (again / name).read_bytes() == (pack / name).read_bytes(), name


def test_verify_passes_then_names_a_changed_file(pack: Path, tmp_path: Path) -> None:
    copy = tmp_path / "copy"
    shutil.copytree(pack, copy)
    ok = CliRunner().invoke(cli, ["verify", str(copy)])
    assert ok.exit_code == 0, ok.output
    data = bytearray((copy / "cqc-pack.pdf").read_bytes())
    data[len(data) // 2] ^= 0x01
    (copy / "cqc-pack.pdf").write_bytes(bytes(data))
    bad = CliRunner().invoke(cli, ["verify", str(copy)])
    assert bad.exit_code == 1 and "cqc-pack.pdf" in bad.output


def test_a_failed_build_leaves_no_pack_and_keeps_the_previous_one(pack: Path, tmp_path: Path, monkeypatch) -> None:
    out = tmp_path / "kept"
    shutil.copytree(pack, out)
    before = {p.name: p.read_bytes() for p in out.iterdir() if p.is_file()}
    from compiler.packs import output

    write_file = output.write_file

    def explode(stage, relative, data):
        if relative.endswith(".docx"):               # half-way: the PDF is written, the Word pack is not
            raise OSError(28, "No space left on device")
        return write_file(stage, relative, data)

    monkeypatch.setattr(output, "write_file", explode)
    result = build(out)
    assert result.exit_code == 2
    assert "No space left on device" in result.output and "Traceback" not in result.output
    assert {p.name: p.read_bytes() for p in out.iterdir() if p.is_file()} == before
    assert not [p for p in tmp_path.iterdir() if "sgpack-tmp" in p.name]
    fresh = tmp_path / "fresh"
    assert build(fresh).exit_code == 2
    assert not fresh.exists()


HOSTILE = '{{ config }} {% for x in y %} <script>alert(1)</script> <img src="file:///etc/passwd">'

HOSTILE_PLAN = f"""\
format: sgpack/plan@1
provider: Example Care Ltd
plan:
  id: SAP-2026-099
  title: Night checks at Oakview
  service: Oakview
  risk: medium
  opened: 2026-06-01
actions:
  - id: NC-01
    title: "Night checks recorded {{{{ config }}}}"
    kind: oversight
    owner: Priya Shah (Registered Manager)
    due: 2026-12-31
    status: in_progress
    rag: amber
    narrative: '{HOSTILE}'
    requires:
      - type: audit
"""


def test_user_text_is_data_and_nothing_from_outside_gets_in(tmp_path: Path) -> None:
    plans = tmp_path / "plans"
    evidence = tmp_path / "evidence"
    plans.mkdir()
    (plans / "hostile.yaml").write_text(HOSTILE_PLAN)
    (evidence / "audits").mkdir(parents=True)
    (evidence / "audits" / "2026-07-01 night check audit.md").write_text(
        f"# Night check audit\n\nNC-01 checked. {HOSTILE}\n\n![x](file:///etc/passwd)\n")
    (tmp_path / "secret.txt").write_text("TOP-SECRET-OUTSIDE")
    (evidence / "audits" / "2026-07-02 link.md").symlink_to(tmp_path / "secret.txt")
    result = build(tmp_path / "out", plans=plans, evidence=evidence)
    assert result.exit_code == 0, result.output
    body = "\n".join(pdf_pages(tmp_path / "out" / "cqc-pack.pdf"))
    for text in ("{{ config }}", "{% for x in y %}", "<script>alert(1)</script>", '<img src="file:///etc/passwd">'):
        assert text in body, text
    assert "TOP-SECRET-OUTSIDE" not in body and "root:x:0" not in body
    copies = b"".join(p.read_bytes() for p in (tmp_path / "out" / "exhibits").iterdir())
    assert b"TOP-SECRET-OUTSIDE" not in copies
    with zipfile.ZipFile(tmp_path / "out" / "cqc-pack.docx") as archive:
        document = archive.read("word/document.xml").decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in document
    assert "root:x:0" not in document and "TOP-SECRET-OUTSIDE" not in document


def test_demo_builds_every_available_pack(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["demo", "--out", str(tmp_path / "demo")], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    for name in pipeline.pack_names():
        assert (tmp_path / "demo" / name / "manifest.json").is_file()
        assert f"{name} pack written to" in result.output


def test_a_killed_build_keeps_the_previous_pack_and_leaves_nothing_after_the_next(pack: Path, tmp_path: Path) -> None:
    """SIGKILL mid-build: the previous pack is untouched; the next build clears the dead build's staging."""
    import os
    import signal
    import subprocess
    import sys
    import time

    out = tmp_path / "pack"
    shutil.copytree(pack, out)
    before = {p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file()}
    args = [sys.executable, "-m", "compiler.cli", "build", str(PLANS), "--evidence", str(EVIDENCE), "--pack", "cqc",
            "--service", "Oakview", "--as-of", "2026-11-20", "--out", str(out)]
    proc = subprocess.Popen(args, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 120
    while not list(tmp_path.glob(".pack.sgpack-tmp-*")) and time.monotonic() < deadline and proc.poll() is None:
        time.sleep(0.05)
    time.sleep(0.5)                    # well inside the build: staging exists, nothing renamed yet
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    assert {p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file()} == before
    assert sorted(p.name for p in tmp_path.iterdir() if not p.name.startswith(".")) == ["pack"]
    assert build(out).exit_code == 0
    assert not list(tmp_path.glob(".pack.sgpack-*")), "the dead build's staging folder was not cleared"


def test_templates_rebrand_the_pdf_theme_and_the_word_template(tmp_path: Path) -> None:
    """--templates DIR: a provider's theme.yaml and cqc.docx are used instead of the shipped ones."""
    import yaml

    brand = tmp_path / "brand"
    brand.mkdir()
    theme = yaml.safe_load((ROOT / "templates" / "theme.yaml").read_text())
    theme["colours"]["heading"] = "#8a2be2"          # a colour nothing else in the pack uses
    (brand / "theme.yaml").write_text(yaml.safe_dump(theme))
    with zipfile.ZipFile(ROOT / "templates" / "cqc.docx") as source, \
            zipfile.ZipFile(brand / "cqc.docx", "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = source.read(info)
            if info.filename == "word/document.xml":
                data = data.replace(b"<w:body>", b"<w:body><w:p><w:r><w:t>ACME CARE GROUP</w:t></w:r></w:p>", 1)
            target.writestr(info, data)
    out = tmp_path / "branded"
    assert build(out, "--templates", str(brand)).exit_code == 0
    with zipfile.ZipFile(out / "cqc-pack.docx") as archive:
        assert b"ACME CARE GROUP" in archive.read("word/document.xml")
    image = pdfium.PdfDocument(str(out / "cqc-pack.pdf"))[0].render(scale=1).to_pil().convert("RGB")
    assert image.getcolors(1 << 20) and dict((c, n) for n, c in image.getcolors(1 << 20)).get((0x8A, 0x2B, 0xE2), 0) > 50
    assert build(tmp_path / "bad", "--templates", str(tmp_path / "missing")).exit_code == 2
