"""End to end on the bundled example: the mix of findings it is built to show (examples/README.md)."""
from __future__ import annotations

import json
import os
import pty
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from compiler import pipeline
from compiler.cli import cli

ROOT = Path(__file__).resolve().parents[2]
PLANS = ROOT / "examples" / "plans"
EVIDENCE = ROOT / "examples" / "evidence"
AS_OF = "2026-11-20"


@pytest.fixture(scope="module")
def assessment():
    import datetime as dt

    return pipeline.check([PLANS], EVIDENCE, dt.date.fromisoformat(AS_OF))


def fired(assessment, rule: str) -> set[str | None]:
    return {f.action or f.evidence for f in assessment.counted() if f.rule == rule}


def test_the_example_shows_the_mix_it_was_built_for(assessment) -> None:
    assert fired(assessment, "SG402") == {"RH-02"}          # declared green without its evidence
    assert fired(assessment, "SG302") == {"RH-02"}
    assert fired(assessment, "SG201") == {"RH-04"}          # "On-call team"
    assert fired(assessment, "SG102") == {"RQ-03"}          # tick-box, plan lacks practice change
    assert "RH-05" not in fired(assessment, "SG102")        # tick-box title, but its plan holds both
    assert fired(assessment, "SG303") == {"RP-04"}          # stale audits
    assert fired(assessment, "SG403") == {"RQ-04"}          # overdue
    assert fired(assessment, "SG304") == {"RQ-02"}          # truncated minutes PDF
    assert fired(assessment, "SG308") == {"RP-02"}          # undated support plan review
    counts = {s: sum(1 for f in assessment.counted() if f.severity == s) for s in ("error", "warning", "info")}
    assert counts == {"error": 4, "warning": 4, "info": 1}


def test_the_closed_action_passes_the_closure_test_with_its_evidence(assessment) -> None:
    rp03 = assessment.action("RP-03")
    assert rp03.assessed_rag == "blue" and rp03.closure.ready
    for part in (rp03.closure.indicators, rp03.closure.audit, rp03.closure.staff, rp03.closure.governance):
        assert part.result == "pass" and part.evidence, part
    spc = rp03.indicators[0].spc
    assert spc.improvement and not spc.concern and not spc.fallback
    assert not [f for f in assessment.counted() if f.action == "RP-03"]


def test_cli_exit_code_and_json(tmp_path: Path) -> None:
    runner = CliRunner()
    result = runner.invoke(cli, ["check", str(PLANS), "--evidence", str(EVIDENCE), "--as-of", AS_OF,
                                 "--format", "json"])
    assert result.exit_code == 1
    data = json.loads(result.output)
    assert data["summary"] == {"plans": 3, "actions": 16, "findings": {"error": 4, "warning": 4, "info": 1}}
    rh02 = next(a for a in data["actions"] if a["id"] == "RH-02")
    assert (rh02["declared_rag"], rh02["assessed_rag"]) == ("green", "amber")


def _listing(folder: Path) -> list[tuple[str, int, int]]:
    return sorted((str(p.relative_to(folder)), p.stat().st_size, p.stat().st_mtime_ns)
                  for p in folder.rglob("*"))


def test_the_evidence_folder_is_not_touched(assessment) -> None:
    before = _listing(EVIDENCE)
    CliRunner().invoke(cli, ["check", str(PLANS), "--evidence", str(EVIDENCE), "--as-of", AS_OF])
    CliRunner().invoke(cli, ["evidence", str(EVIDENCE), str(PLANS)])
    assert _listing(EVIDENCE) == before


def _run_on_terminal(args: list[str]) -> str:
    """Run sgpack with stdout and stderr on a pseudo-terminal; return what the terminal showed."""
    leader, follower = pty.openpty()
    proc = subprocess.Popen([sys.executable, "-m", "compiler.cli", *args], cwd=ROOT,
                            stdout=follower, stderr=follower, env={**os.environ, "COLUMNS": "100"})
    os.close(follower)
    chunks = []
    while True:
        try:
            data = os.read(leader, 65536)
        except OSError:
            break
        if not data:
            break
        chunks.append(data)
    proc.wait(timeout=120)
    os.close(leader)
    return b"".join(chunks).decode("utf-8", "replace")


def test_progress_bar_on_a_terminal_only() -> None:
    # --no-cache: a check whose inputs are all unchanged prints its kept output and reads nothing
    args = ["check", str(PLANS), "--evidence", str(EVIDENCE), "--as-of", AS_OF, "--no-cache"]
    shown = _run_on_terminal(args)
    assert "reading evidence" in shown
    piped = subprocess.run([sys.executable, "-m", "compiler.cli", *args], cwd=ROOT,
                           capture_output=True, text=True, timeout=120)
    assert piped.returncode == 1
    assert piped.stderr == ""
    assert "reading evidence" not in piped.stdout
