"""A check whose every input is unchanged prints its kept output (compiler.results); any change to
an input - a plan, an evidence file's bytes, --as-of, the format, the code - runs the check again
and prints what a run without the cache prints."""
from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

import evidence_store.cache as cache_module
from compiler import pipeline, results
from compiler.cli import cli
from evidence_store.cache import DB_NAME, EvidenceCache

ROOT = Path(__file__).resolve().parents[2]
AS_OF = "2026-11-20"


@pytest.fixture
def runs(monkeypatch) -> list[int]:
    """One entry per check that really ran (pipeline.check was called)."""
    called: list[int] = []
    real = pipeline.check

    def counting(*args, **kwargs):  # noqa: ANN002, ANN003, ANN202
        called.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(pipeline, "check", counting)
    return called


def check(plans: Path, evidence: Path, cache: Path | None, *extra: str, as_of: str = AS_OF,
          fmt: str = "json") -> tuple[str, int]:
    args = ["check", str(plans), "--evidence", str(evidence), "--as-of", as_of, "--format", fmt, *extra]
    args += ["--cache-dir", str(cache)] if cache is not None else ["--no-cache"]
    result = CliRunner().invoke(cli, args, catch_exceptions=False)
    assert result.exit_code in (0, 1), result.output + result.stderr
    return result.stdout, result.exit_code


def kept(cache: Path) -> list[tuple]:
    with sqlite3.connect(cache / DB_NAME) as db:
        return db.execute("SELECT sha256, version FROM entries WHERE kind = ?", (results.KIND,)).fetchall()


@pytest.mark.parametrize("options", [("--format", "json"), ("--format", "text"), ("--format", "text", "-v"),
                                     ("--format", "json", "--fail-on", "never")])
def test_a_hit_prints_exactly_what_no_cache_prints(case, runs, options):
    plans, evidence, cache = case
    fmt, extra = options[1], options[2:]
    plain = check(plans, evidence, None, *extra, fmt=fmt)
    assert check(plans, evidence, cache, *extra, fmt=fmt) == plain
    assert len(kept(cache)) == 1
    before = len(runs)
    assert check(plans, evidence, cache, *extra, fmt=fmt) == plain
    assert len(runs) == before, "the unchanged check ran again"
    if "never" in extra:
        assert plain[1] == 0
    else:
        assert plain[1] == 1


def change_plan(plans: Path, evidence: Path) -> None:
    plan = plans / "oakview-restrictive-practice.yaml"
    plan.write_text(plan.read_text(encoding="utf-8").replace("status: in_progress", "status: planned", 1),
                    encoding="utf-8")


def change_evidence_bytes(plans: Path, evidence: Path) -> None:
    target = next(p for p in sorted(evidence.rglob("*.md")) if "RP-01" in p.read_text(errors="replace"))
    target.write_text(target.read_text(encoding="utf-8").replace("RP-01", "RP-02"), encoding="utf-8")


def add_evidence_file(plans: Path, evidence: Path) -> None:
    (evidence / "minutes" / "2026-11-01 extra minutes.txt").write_text("RP-01 challenged and assured.\n")


@pytest.mark.parametrize("change", [change_plan, change_evidence_bytes, add_evidence_file])
def test_a_changed_input_runs_the_check_again(case, runs, change):
    plans, evidence, cache = case
    old = check(plans, evidence, cache)
    assert check(plans, evidence, cache) == old
    change(plans, evidence)
    plain = check(plans, evidence, None)
    assert plain != old, "the change should show in the output"
    before = len(runs)
    assert check(plans, evidence, cache) == plain
    assert len(runs) == before + 1
    assert check(plans, evidence, cache) == plain               # and kept for next time
    assert len(runs) == before + 1
    assert len(kept(cache)) == 1                                # the newer took the older's place


def test_another_as_of_or_format_is_another_output(case, runs):
    plans, evidence, cache = case
    check(plans, evidence, cache)
    for as_of, fmt in (("2026-12-31", "json"), (AS_OF, "text"), ("2027-06-01", "text")):
        before = len(runs)
        got = check(plans, evidence, cache, as_of=as_of, fmt=fmt)
        assert len(runs) == before + 1
        assert got == check(plans, evidence, None, as_of=as_of, fmt=fmt)
    assert json.loads(check(plans, evidence, cache, as_of="2026-12-31")[0])["as_of"] == "2026-12-31"


def test_other_code_runs_the_check_again(case, runs, monkeypatch):
    plans, evidence, cache = case
    plain = check(plans, evidence, None)
    check(plans, evidence, cache)
    monkeypatch.setattr(results, "_code", "another version of sgpack")
    before = len(runs)
    assert check(plans, evidence, cache) == plain
    assert len(runs) == before + 1


def test_the_code_digest_covers_the_compiler_and_its_libraries():
    digest = results.code_digest()
    assert "click=" in digest and "pydantic=" in digest and sys.version in digest


def damage_blob(cache: Path) -> None:
    with sqlite3.connect(cache / DB_NAME) as db:
        db.execute("UPDATE entries SET data = ? WHERE kind = ?", (b"not what was stored", results.KIND))


def wrong_shape(cache: Path) -> None:
    (sha, version), = kept(cache)
    with EvidenceCache(cache) as store:           # a checksum that matches, but not a check's output
        store.put(results.KIND, sha, version, {"format": results.FORMAT, "exit": "one"}, b"\xff\xfe")


@pytest.mark.parametrize("damage", [damage_blob, wrong_shape])
def test_a_damaged_entry_is_dropped_and_the_check_runs(case, runs, damage):
    plans, evidence, cache = case
    plain = check(plans, evidence, None)
    check(plans, evidence, cache)
    damage(cache)
    before = len(runs)
    assert check(plans, evidence, cache) == plain
    assert len(runs) == before + 1
    assert check(plans, evidence, cache) == plain              # kept again, sound this time
    assert len(runs) == before + 1


def test_no_cache_never_uses_a_kept_output(case, runs):
    plans, evidence, cache = case
    check(plans, evidence, cache)
    before = len(runs)
    check(plans, evidence, None)
    assert len(runs) == before + 1


def test_a_user_error_is_still_reported(case):
    plans, evidence, cache = case
    check(plans, evidence, cache)
    result = CliRunner().invoke(cli, ["check", str(plans), "--evidence", str(evidence / "missing"),
                                      "--as-of", AS_OF, "--cache-dir", str(cache)])
    assert result.exit_code == 2
    assert "evidence folder not found" in result.stderr


def test_a_hit_loads_no_models_or_rules(tmp_path):
    """The shortcut is for speed: a kept check starts no pydantic models, rules or assessment."""
    shutil.copytree(ROOT / "examples" / "plans", tmp_path / "plans")
    shutil.copytree(ROOT / "examples" / "evidence", tmp_path / "evidence")
    time.sleep(cache_module.RACY_SECONDS + 0.2)          # the copies' stat is trusted only once it is old
    probe = ("import atexit, sys\n"
             "atexit.register(lambda: print(sorted(m for m in ('pydantic', 'compiler.rules', 'compiler.assess', "
             "'evidence_store.model') if m in sys.modules), file=sys.stderr))\n"
             "from compiler.cli import main\nmain()\n")
    args = [sys.executable, "-c", probe, "check", str(tmp_path / "plans"), "--evidence", str(tmp_path / "evidence"),
            "--as-of", AS_OF, "--format", "json", "--cache-dir", str(tmp_path / "cache")]
    env = {k: v for k, v in os.environ.items() if not k.startswith("SGPACK_")}
    first = subprocess.run(args, capture_output=True, text=True, cwd=ROOT, env=env)
    second = subprocess.run(args, capture_output=True, text=True, cwd=ROOT, env=env)
    assert first.returncode == second.returncode == 1, first.stderr + second.stderr
    assert second.stdout == first.stdout
    assert "pydantic" in first.stderr
    assert second.stderr.strip().splitlines()[-1] == "[]"
