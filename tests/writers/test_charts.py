"""SPC charts: a PNG of the right size, byte-identical across runs, Making Data Count colours."""
from __future__ import annotations

import datetime as dt
import io
import subprocess
import sys
from pathlib import Path

import pytest
from PIL import Image

from compiler.assess.spc import analyse
from compiler.render.charts import chart_spec, draw_chart
from compiler.render.theme import load_theme
from compiler.views.common import chart_data


def spc_chart_png(spc, *, title, opened, theme=None, **size) -> bytes:
    """One indicator's chart, as a pack draws it: its view's chart data in the theme (default: the shipped one)."""
    return draw_chart(chart_spec(chart_data(spc, title=title, opened=opened), theme=theme or load_theme(), **size))

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
BLUE = (0x00, 0xB0, 0xF0)     # spc_improvement
ORANGE = (0xE4, 0x6C, 0x0A)   # spc_concern
RED = (0xDE, 0x1B, 0x1B)      # spc_target

WORKED_BASE = [12, 14, 11, 13, 15, 12, 14, 13, 11, 12, 13, 14]   # the worked example of docs/judgement.md
WORKED_AFTER = [10, 9, 8, 9, 8, 7, 8, 9, 8, 7]
ROOT = Path(__file__).resolve().parents[2]


def month(i: int) -> dt.date:
    return dt.date(2025 + i // 12, i % 12 + 1, 1)


def result(base, after, better="lower", target=None):
    values = list(base) + list(after)
    points = [(month(i), month(i).strftime("%Y-%m"), float(v)) for i, v in enumerate(values)]
    opened = month(len(base) - 1) + dt.timedelta(days=14) if base else month(0)
    return analyse(points, opened, better, target), opened


def decode(png: bytes) -> Image.Image:
    assert png.startswith(PNG_MAGIC)
    return Image.open(io.BytesIO(png)).convert("RGB")


def count_near(img: Image.Image, colour: tuple[int, int, int], tol: int = 12) -> int:
    r0, g0, b0 = colour
    return sum(
        n for n, (r, g, b) in img.getcolors(maxcolors=1 << 24)
        if abs(r - r0) <= tol and abs(g - g0) <= tol and abs(b - b0) <= tol
    )


@pytest.fixture(scope="module")
def worked():
    return result(WORKED_BASE, WORKED_AFTER, target=9)


@pytest.fixture(scope="module")
def concern():
    # lower is better; the indicator rises beyond the upper limit after opening
    return result([10, 12, 10, 12, 10, 12, 11, 10], [14, 16, 17, 18])


def test_png_of_the_requested_size(worked):
    spc, opened = worked
    img = decode(spc_chart_png(spc, title="Restrictive interventions", opened=opened))
    assert img.size == (945, 420)   # 6.3 in x 2.8 in at 150 dpi
    img = decode(spc_chart_png(spc, title="Restrictive interventions", opened=opened,
                               width_in=4.0, height_in=2.0, dpi=100))
    assert img.size == (400, 200)


def test_byte_identical_across_calls(worked):
    spc, opened = worked
    a = spc_chart_png(spc, title="Restrictive interventions", opened=opened)
    b = spc_chart_png(spc, title="Restrictive interventions", opened=opened, theme=load_theme())
    assert a == b
    assert b"Software" not in a and b"matplotlib" not in a.lower()


def test_opaque_rgb_without_text_chunks(worked):
    spc, opened = worked
    png = spc_chart_png(spc, title="Restrictive interventions", opened=opened)
    assert png[24:26] == b"\x08\x02"      # IHDR: 8-bit RGB, no alpha channel to store
    assert not any(chunk in png for chunk in (b"tEXt", b"iTXt", b"zTXt", b"tIME"))
    assert Image.open(io.BytesIO(png)).info.get("dpi") == pytest.approx((150, 150), abs=0.1)


def test_byte_identical_in_a_fresh_process(worked, tmp_path):
    spc, opened = worked
    here = spc_chart_png(spc, title="Restrictive interventions", opened=opened)
    script = (
        "import datetime as dt, sys\n"
        "from compiler.model.spc import SpcResult\n"
        "from compiler.render.charts import chart_spec, draw_chart\n"
        "from compiler.render.theme import load_theme\n"
        "from compiler.views.common import chart_data\n"
        "spc = SpcResult.model_validate_json(sys.stdin.read())\n"
        f"data = chart_data(spc, title='Restrictive interventions', opened=dt.date.fromisoformat('{opened.isoformat()}'))\n"
        "sys.stdout.buffer.write(draw_chart(chart_spec(data, theme=load_theme())))\n"
    )
    out = subprocess.run([sys.executable, "-c", script], input=spc.model_dump_json().encode(),
                         capture_output=True, cwd=ROOT, check=True).stdout
    assert out == here


def test_improvement_points_are_blue(worked):
    spc, opened = worked
    assert spc.improvement and not spc.concern
    img = decode(spc_chart_png(spc, title="Restrictive interventions", opened=opened))
    assert count_near(img, BLUE) > 200       # ten filled markers
    assert count_near(img, ORANGE) == 0
    assert count_near(img, RED) > 300        # the target line


def test_concern_points_are_orange(concern):
    spc, opened = concern
    assert spc.concern and not spc.improvement
    img = decode(spc_chart_png(spc, title="Falls", opened=opened))
    assert count_near(img, ORANGE) > 40
    assert count_near(img, BLUE) == 0
    assert count_near(img, RED) == 0         # no target set


def test_fallback_renders():
    spc, opened = result([5, 6, 4], [3, 2, 2])
    assert spc.fallback and spc.upl is None and spc.mean is not None
    img = decode(spc_chart_png(spc, title="Missed medicines", opened=opened))
    assert img.size == (945, 420)


def test_fallback_without_baseline_or_points_renders():
    spc, opened = result([], [3, 2, 2])
    assert spc.fallback and spc.mean is None
    decode(spc_chart_png(spc, title="Missed medicines", opened=opened))
    empty, _ = result([], [])
    decode(spc_chart_png(empty, title="No data yet", opened=dt.date(2026, 3, 1)))


def test_dollar_titles_are_plain_text(worked):
    spc, opened = worked
    for title in ("$x$", "Cost $5 per call", "$\\frac{", "a_b^c $$ 100%"):
        decode(spc_chart_png(spc, title=title, opened=opened))


def test_negative_values_and_opening_outside_the_series():
    spc, _ = result([-3, -1, -4, -2, -3, -1], [-6, -7, -8], better="higher", target=-2)
    decode(spc_chart_png(spc, title="Net change", opened=dt.date(2030, 1, 1)))
