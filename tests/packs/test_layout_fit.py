"""Exhibit copies named with every character a title may keep, and chart axes that follow the data (issue 16).

A CQC pack of the example evidence, with files whose names hold every character Windows allows in a file
name (and some it does not), is built once for the module through the command line."""
from __future__ import annotations

import datetime as dt
import io
import shutil
import unicodedata
from pathlib import Path

import pytest
from click.testing import CliRunner
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen.canvas import Canvas

from compiler.cli import cli
from compiler.packs.names import safe_file_title
from compiler.render.charts import y_range

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples"
AS_OF = dt.date(2026, 11, 20)
KEPT = "2026-10-01 Réunion d'équipe (escalade) 95% & plus; a=b+c #2, été.txt"
STRIPPED = '2026-10-02 Audit: what went wrong? <draft> | "v2" *final*.txt'


# ------------------------------------------------------------------------------------------------ the packs

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


# ------------------------------------------------------------------------------------------- split words

# -------------------------------------------------------------------------------- pages, headings, sections

# ---------------------------------------------------------------------------------------- heads and stamps

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
