"""The bundled example: its debrief names a resident with NHS number and DOB; redaction removes them."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

from compiler.privacy.pseudonym import Pseudonymiser, load_key, redact_text
from compiler.privacy.roster import find_roster, load_roster
from compiler.privacy.scan import scan_document, scan_text

ROOT = Path(__file__).resolve().parents[2]
DEBRIEF = ROOT / "examples" / "evidence" / "debriefs" / "2026-09-04-post-incident-debrief.md"
TODAY = dt.date(2026, 11, 1)


def test_example_debrief(tmp_path):
    roster = load_roster(find_roster([ROOT / "examples" / "plans"]))
    text = DEBRIEF.read_text(encoding="utf-8")
    paragraphs = [(f"paragraph {i}", p) for i, p in enumerate(text.split("\n\n"), 1)]

    located = scan_document(paragraphs, roster, TODAY)
    found = {(x.location, x.hit.kind, x.hit.detail) for x in located}
    assert ("paragraph 2", "roster_name", "full name") in found
    assert ("paragraph 2", "nhs_number", "roster NHS number") in found
    assert ("paragraph 2", "date_of_birth", "roster date of birth") in found
    assert any(kind == "roster_name" and detail == "given name or surname" for _, kind, detail in found)
    report = "\n".join(x.describe() for x in located)
    for value in ("Jamie", "Thornton", "999 000 0018", "14/03/1994"):
        assert value not in report

    pseudonymiser = Pseudonymiser(load_key("commissioner", tmp_path / "keys",
                                           forbidden=[ROOT / "examples" / "evidence"]))
    out, counts = redact_text(text, roster, pseudonymiser, today=TODAY)
    assert scan_text(out, roster, TODAY) == []
    for value in ("Jamie", "Thornton", "9990000018", "999 000 0018", "14/03/1994"):
        assert value not in out
    assert counts["name"] == 5 and counts["nhs_number"] == 1 and counts["date_of_birth"] == 1
    assert pseudonymiser.person("Jamie Thornton") in out
    # staff and dates of the incident survive
    assert "2 September 2026" in out and "4 September" in out
