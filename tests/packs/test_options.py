"""What the person building a pack asks for reaches every pack: the preparer's name on every cover, the
provider's theme in every chart (both were lost on the way to one pack before the packs built their own views)."""
from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from pathlib import Path

import pypdfium2 as pdfium
import pytest
from PIL import Image

from compiler import pipeline
from compiler.packs.registry import pack_names

ROOT = Path(__file__).resolve().parents[2]
PLANS, EVIDENCE = ROOT / "examples" / "plans", ROOT / "examples" / "evidence"
AS_OF = dt.date(2026, 11, 20)
PREPARER = "Dana Whitfield, Head of Quality"
PURPLE, DEFAULT_BLUE = (0x70, 0x30, 0xA0), (0x00, 0xB0, 0xF0)


def first_page(pdf: Path) -> str:
    doc = pdfium.PdfDocument(str(pdf))
    return re.sub(r"\s+", " ", doc[0].get_textpage().get_text_range())


def word_text(docx: Path) -> str:
    with zipfile.ZipFile(docx) as archive:
        return re.sub(r"<[^>]+>", "", archive.read("word/document.xml").decode("utf-8"))


@pytest.mark.parametrize("name", pack_names())
def test_prepared_by_is_on_every_packs_cover(tmp_path, name):
    folder, _ = pipeline.build([PLANS], EVIDENCE, name, as_of=AS_OF, out=tmp_path / name, prepared_by=PREPARER)
    pdfs = sorted(folder.rglob("*.pdf"))
    docs = sorted(folder.rglob("*.docx"))
    body = [p for p in pdfs if p.parent.name != "exhibits"]
    assert body and docs
    for pdf in body:
        assert f"Prepared by {PREPARER}" in first_page(pdf), pdf.name
    for doc in (d for d in docs if d.parent.name != "exhibits"):
        assert PREPARER in word_text(doc), doc.name


def colour_count(png: bytes, colour: tuple[int, int, int], tol: int = 12) -> int:
    image = Image.open(io.BytesIO(png)).convert("RGB")
    return sum(n for n, rgb in image.getcolors(maxcolors=1 << 24)
               if all(abs(a - b) <= tol for a, b in zip(rgb, colour)))


@pytest.mark.parametrize("name", ["cqc", "board", "commissioner"])
def test_charts_are_drawn_in_the_providers_theme(tmp_path, name):
    templates = tmp_path / "brand"
    templates.mkdir()
    theme = (ROOT / "templates" / "theme.yaml").read_text(encoding="utf-8")
    (templates / "theme.yaml").write_text(theme.replace('spc_improvement: "#00b0f0"', 'spc_improvement: "#7030a0"'),
                                          encoding="utf-8")
    folder, _ = pipeline.build([PLANS], EVIDENCE, name, as_of=AS_OF, out=tmp_path / name, templates=templates,
                               formats=("docx",))
    with zipfile.ZipFile(folder / f"{name}-pack.docx") as archive:
        charts = [archive.read(n) for n in archive.namelist() if n.startswith("word/media/") and n.endswith(".png")]
    assert charts
    assert sum(colour_count(png, PURPLE) for png in charts) > 100          # improvement points in the theme's colour
    assert sum(colour_count(png, DEFAULT_BLUE) for png in charts) == 0     # none in the default
