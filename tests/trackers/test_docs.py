"""docs/trackers.md lists the headings the importer knows, every one of them (they are data: tracker_words.yaml)."""
from __future__ import annotations

from importlib import resources
from pathlib import Path

import yaml

from compiler.trackers.words import plain

DOC = Path(__file__).resolve().parents[2] / "docs" / "trackers.md"


def test_the_columns_table_lists_every_heading_the_importer_knows():
    raw = yaml.safe_load(resources.files("compiler").joinpath("data", "tracker_words.yaml").read_text("utf-8"))
    text = DOC.read_text(encoding="utf-8")
    table = text[text.index("| field | headings |"):text.index("**No column is dropped.**")]
    rows = {line.split("|")[1]: plain(line.split("|")[2]) for line in table.splitlines()[2:] if line.startswith("|")}
    cells = list(rows.values())
    for field, phrases in raw["columns"].items():
        row = next((c for c in cells if all(f" {plain(p)} " in f" {c} " for p in phrases)), None)
        assert row is not None, f"docs/trackers.md: the row of {field} does not list all of {phrases}"
