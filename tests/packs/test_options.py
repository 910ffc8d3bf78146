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


def logo_png(size=(360, 100)) -> bytes:
    image = Image.new("RGB", size, (0x00, 0x69, 0x78))
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def branded(tmp_path: Path, logo: str, data: bytes | None = None) -> Path:
    folder = tmp_path / "brand"
    folder.mkdir(exist_ok=True)
    theme = (ROOT / "templates" / "theme.yaml").read_text(encoding="utf-8").replace("logo: null", f"logo: {logo}")
    (folder / "theme.yaml").write_text(theme, encoding="utf-8")
    if data is not None:
        (folder / logo).write_bytes(data)
    return folder


def test_the_themes_logo_is_on_the_cover_of_every_pdf(tmp_path):
    templates = branded(tmp_path, "logo.png", logo_png())
    for name in ("governance", "cqc"):
        folder, _ = pipeline.build([PLANS], EVIDENCE, name, as_of=AS_OF, out=tmp_path / name, templates=templates,
                                   formats=("pdf",))
        doc = pdfium.PdfDocument(str(folder / f"{name}-pack.pdf"))
        images = [o for o in doc[0].get_objects() if o.type == pdfium.raw.FPDF_PAGEOBJ_IMAGE]
        assert len(images) == 1, name
        left, bottom, right, top = images[0].get_bounds()
        width, height = doc[0].get_size()
        assert right > width * 0.8 and top > height * 0.8          # top right


@pytest.mark.parametrize("logo, data, why", [
    ("../logo.png", None, "must be a file in the same folder as theme.yaml"),
    ("missing.png", None, "no such logo file beside theme.yaml"),
    ("logo.png", b"<svg onload='alert(1)'/>", "must be a PNG or JPEG image"),
    ("logo.png", logo_png((3000, 3000)), "more than 4,000,000 pixels"),
    ("logo.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 40, "cannot be read"),
])
def test_a_logo_that_is_not_a_small_image_beside_the_theme_is_refused(tmp_path, logo, data, why):
    from compiler.errors import SgpackError
    from compiler.render.theme import load_theme

    templates = branded(tmp_path, logo, data if "/" not in logo else None)
    with pytest.raises(SgpackError, match=why) as caught:
        load_theme(templates)
    assert str(caught.value).startswith(f"{templates / 'theme.yaml'}: logo: ")
