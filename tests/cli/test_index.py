"""An evidence index kept outside the folder (--index), the index sgpack suggests (--suggest), and `evidence -v`."""
from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from click.testing import CliRunner

from compiler.cli import cli


def folder_state(root: Path) -> dict[str, tuple]:
    """Every path under root with its size, mtime and bytes: what sgpack must leave as it was."""
    state = {}
    for path in sorted(root.rglob("*")):
        st = path.lstat()
        state[str(path.relative_to(root))] = (st.st_size, st.st_mtime_ns, path.read_bytes() if path.is_file() else None)
    state["."] = root.lstat().st_mtime_ns
    return state

PLAN = """\
format: sgpack/plan@1
provider: Example Care Ltd
plan:
  id: SAP-2026-007
  title: Restrictive practice at Oakview
  service: Oakview
  abuse_types: [restrictive_practice]
  risk: medium
  opened: 2026-02-14
actions:
  - id: RP-01
    title: Managers review restrictive practice logs weekly
    kind: oversight
    owner: Priya Shah (Registered Manager)
    due: 2026-12-31
    status: in_progress
    rag: green
    narrative: Weekly reviews started 3 March.
    requires:
      - type: supervision
        count: 1
"""


def _write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def setup(tmp_path):
    ev = tmp_path / "evidence"
    _write(ev / "notes" / "TO 14 May.md", "# Notes\n\nWeekly log review for RP01 done.\n")
    _write(ev / "notes" / "PS.md", "# Notes\n\nNothing here.\n")
    _write(ev / "evidence.yaml", '"notes/TO 14 May.md":\n  type: audit\n  date: 2026-05-01\n'
                                 '"notes/PS.md":\n  type: audit\n')
    _write(ev / "notes" / "PS.md.meta.yaml", "date: 2026-06-02\n")
    plan = _write(tmp_path / "plans" / "oakview.yaml", PLAN)
    return tmp_path, ev, plan


def _catalogue(args) -> dict:
    result = CliRunner().invoke(cli, ["evidence", *args, "--format", "json", "--as-of", "2026-11-20"])
    assert result.exit_code == 0, result.output
    return {i["path"]: i for i in json.loads(result.stdout)["items"]}


def test_per_key_a_sidecar_beats_the_index_which_beats_evidence_yaml(setup):
    tmp, ev, plan = setup
    index = _write(tmp / "kept" / "index.yaml", '"notes/TO 14 May.md":\n  type: supervision\n  date: 2026-05-14\n'
                                                 '"notes/PS.md":\n  date: 2026-07-01\n  type: supervision\n')
    items = _catalogue([str(ev), str(plan), "--index", str(index)])
    to, ps = items["notes/TO 14 May.md"], items["notes/PS.md"]
    assert (to["type"], to["date"]) == ("supervision", "2026-05-14")
    assert to["provenance"]["date"] == "index file index.yaml"
    assert (ps["type"], ps["date"]) == ("supervision", "2026-06-02")      # the sidecar's date wins
    assert ps["provenance"]["date"].startswith("sidecar ")
    # without --index the folder's evidence.yaml applies
    assert _catalogue([str(ev), str(plan)])["notes/TO 14 May.md"]["type"] == "audit"


def test_check_uses_the_index_and_a_changed_index_is_not_served_from_the_cache(setup, tmp_path):
    tmp, ev, plan = setup
    index = _write(tmp / "kept" / "index.yaml", '"notes/TO 14 May.md":\n  type: supervision\n  date: 2026-05-14\n')
    runner = CliRunner()
    args = ["check", str(plan), "--evidence", str(ev), "--as-of", "2026-11-20", "--index", str(index)]
    first = runner.invoke(cli, args)
    assert first.exit_code == 0, first.output                    # the supervision requirement is met
    _write(index, '"notes/TO 14 May.md":\n  type: audit\n')
    second = runner.invoke(cli, args)
    assert second.exit_code == 1 and "SG301" in second.output


def test_a_missing_or_broken_index_stops_the_run_naming_file_and_line(setup):
    tmp, ev, plan = setup
    result = CliRunner().invoke(cli, ["check", str(plan), "--evidence", str(ev), "--index", str(tmp / "none.yaml")])
    assert result.exit_code == 2 and "none.yaml: index file not found" in result.output
    bad = _write(tmp / "bad.yaml", '"notes/PS.md":\n  type: audit\n"notes/PS.md":\n  type: policy\n')
    result = CliRunner().invoke(cli, ["evidence", str(ev), "--index", str(bad)])
    assert result.exit_code == 2 and "bad.yaml:3: invalid YAML: duplicate key" in result.output


def test_an_index_entry_outside_the_folder_or_naming_no_file_is_listed(setup):
    tmp, ev, plan = setup
    index = _write(tmp / "index.yaml", '"../secret.md":\n  type: audit\n"notes/gone.md":\n  type: audit\n')
    result = CliRunner().invoke(cli, ["evidence", str(ev), "--index", str(index), "--format", "json"])
    problems = json.loads(result.stdout)["problems"]
    assert any(p.startswith("index file index.yaml: entry ../secret.md ignored") for p in problems)
    assert "index file index.yaml: entry notes/gone.md names no file in the evidence folder" in problems


def test_suggest_writes_an_index_that_round_trips_and_never_touches_the_folder(setup):
    tmp, ev, plan = setup
    _write(ev / "evidence.yaml", "")                  # nothing explicit: every value is inferred
    (ev / "notes" / "PS.md.meta.yaml").unlink()
    _write(ev / "Supervision notes T Okafor 14-05-2026.md", "# Supervision\n\nManagers reviewed the restrictive "
                                                           "practice logs weekly.\n")
    before = folder_state(ev)
    suggested = tmp / "kept" / "suggested.yaml"
    suggested.parent.mkdir()
    result = CliRunner().invoke(cli, ["evidence", str(ev), str(plan), "--suggest", str(suggested),
                                      "--as-of", "2026-11-20"])
    assert result.exit_code == 0, result.output
    text = suggested.read_text(encoding="utf-8")
    assert '"notes/TO 14 May.md":' in text and "# from " in text and "RP-01" in text
    assert folder_state(ev) == before
    plain = _catalogue([str(ev), str(plan)])
    indexed = _catalogue([str(ev), str(plan), "--index", str(suggested)])

    def values(items):
        return {p: (i["id"], i["type"], i["date"], i["period_end"], i["title"], i["record"],
                    sorted({link["target"] for link in i["links"]})) for p, i in items.items()}
    assert values(indexed) == values(plain)
    assert any(link["source"] == "index" for i in indexed.values() for link in i["links"])


def test_suggest_never_replaces_a_file_nor_writes_into_the_evidence_folder(setup):
    tmp, ev, plan = setup
    kept = _write(tmp / "index.yaml", "# my reviewed index\n")
    result = CliRunner().invoke(cli, ["evidence", str(ev), "--suggest", str(kept)])
    assert result.exit_code == 2 and "file exists" in result.output
    assert kept.read_text(encoding="utf-8") == "# my reviewed index\n"
    before = folder_state(ev)
    result = CliRunner().invoke(cli, ["evidence", str(ev), "--suggest", str(ev / "suggested.yaml")])
    assert result.exit_code == 2 and "never writes" in result.output
    assert folder_state(ev) == before
    assert not [n for n in os.listdir(tmp) if ".sgpack-tmp-" in n]


def test_evidence_verbose_shows_where_every_value_came_from(setup):
    tmp, ev, plan = setup
    _write(ev / "QSC Agenda 12.03.26 DRAFT.md", "# Agenda\n\n1. RP-01\n")
    result = CliRunner().invoke(cli, ["evidence", str(ev), str(plan), "-v", "--as-of", "2026-11-20"])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("qsc-agenda-12-03-26-draft "))
    end = next(i for i in range(start + 1, len(lines)) if not lines[i].startswith(" "))
    block = "\n".join(lines[start:end])
    assert "[not a record]" in block and "[draft]" in block
    assert "not a record: an agenda (file name 'QSC Agenda 12.03.26 DRAFT.md': 'agenda')" in block
    assert "draft: file name 'QSC Agenda 12.03.26 DRAFT.md': 'draft'" in block
    assert "links RP-01" not in block
    short = CliRunner().invoke(cli, ["evidence", str(ev), str(plan), "--as-of", "2026-11-20"]).output
    assert "draft: file name" not in short and "not a record: an agenda" in short
