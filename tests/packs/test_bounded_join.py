"""The CQC bundle's pages are joined in a process of its own, under a time limit and a memory limit: a file
that would make qpdf loop or balloon costs the PDF, never the machine, and leaves no half-written pack."""
from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path

import pytest

from compiler import pipeline
from compiler.errors import SgpackError
from compiler.render.bounded import OutOfBounds, run_bounded
from evidence_store.limits import DEFAULT_LIMITS

ROOT = Path(__file__).resolve().parents[2]
PLANS, EVIDENCE = ROOT / "examples" / "plans", ROOT / "examples" / "evidence"
AS_OF = dt.date(2026, 11, 20)


def build(out: Path, **limits):
    return pipeline.build([PLANS], EVIDENCE, "cqc", as_of=AS_OF, out=out,
                          limits=dataclasses.replace(DEFAULT_LIMITS, **limits))


def test_the_join_runs_in_another_process(tmp_path, monkeypatch):
    def here(*args, **kwargs):
        raise AssertionError("the bundle was joined in the build's own process")

    monkeypatch.setattr("compiler.render.pdf.bundle.join", here)   # a child imports its own, untouched
    folder, _ = build(tmp_path / "pack")
    assert (folder / "cqc-pack.pdf").read_bytes().startswith(b"%PDF-")


def test_a_join_past_its_time_fails_the_build_and_leaves_nothing(tmp_path):
    with pytest.raises(SgpackError, match=r"joining the bundle's pages took longer than 0\.01 s.*--formats docx"):
        build(tmp_path / "pack", join_seconds=0.01)
    assert not (tmp_path / "pack").exists()
    assert [p.name for p in tmp_path.iterdir()] == []


def test_a_join_past_its_memory_fails_the_build_and_leaves_nothing(tmp_path):
    with pytest.raises(SgpackError, match="joining the bundle's pages needed more than 64 MB"):
        build(tmp_path / "pack", join_memory=64 * 2**20)
    assert not (tmp_path / "pack").exists()


def test_an_error_in_the_child_is_raised_here(tmp_path):
    with pytest.raises(ZeroDivisionError):
        run_bounded(divmod, (1, 0), seconds=60, memory=DEFAULT_LIMITS.join_memory, scratch=tmp_path, what="dividing")
    assert run_bounded(divmod, (7, 2), seconds=60, memory=DEFAULT_LIMITS.join_memory, scratch=tmp_path,
                       what="dividing") == (3, 1)
    assert list(tmp_path.iterdir()) == []
    with pytest.raises(OutOfBounds, match="sleeping took longer than 0.2 s"):
        import time

        run_bounded(time.sleep, (30,), seconds=0.2, memory=DEFAULT_LIMITS.join_memory, scratch=tmp_path,
                    what="sleeping")
