"""Benchmark sgpack on generated corpora: median wall time, spread, ratio to an I/O floor, child peak RSS.

    python benchmarks/run.py --corpus benchmarks/corpus/c2000 --runs 5
    python benchmarks/run.py --corpus benchmarks/corpus/c2000 --write benchmarks/RESULTS.md
    python benchmarks/run.py --corpus benchmarks/corpus/c2000 --runs 1 --cprofile /tmp/check.prof
    python benchmarks/run.py --corpus benchmarks/corpus/build --scenario build-cqc --runs 3

The stages of a build (body and bundle pages per second, memory per stage, a LibreOffice
baseline) are timed in one process by benchmarks/build_stages.py.

Every timed run is a fresh `python -m compiler.cli ...` subprocess with its own empty cache
directory (XDG_CACHE_HOME), stdout to /dev/null. Its wall time is measured around spawn and
exit; its peak RSS is the child's own ru_maxrss from os.wait4 (not the cumulative
RUSAGE_CHILDREN maximum). The I/O floor - reading every byte of the corpus once - is measured
in the same invocation, once before each timed run, so the ratio compares like with like.
"""
from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

ROOT = Path(__file__).resolve().parent.parent
AS_OF = "2026-11-20"
EXIT_OK_CODES = (0, 1)          # 1 = findings at or above --fail-on: the run itself worked


@dataclass
class Corpus:
    root: Path

    @property
    def plans(self) -> Path:
        return self.root / "plans"

    @property
    def evidence(self) -> Path:
        return self.root / "evidence"

    def files(self) -> list[Path]:
        return sorted(p for p in self.root.rglob("*") if p.is_file())

    @property
    def evidence_files(self) -> int:
        return sum(1 for p in self.evidence.rglob("*") if p.is_file())


@dataclass
class Scenario:
    """One thing to time. `prepare` runs untimed before each timed run, in the run's own
    work folder (cache dir, output dir), e.g. to warm a cache or change one evidence file."""
    name: str
    description: str
    argv: Callable[[Corpus, Path], list[str]]               # (corpus, workdir) -> sgpack arguments
    prepare: Callable[[Corpus, Path, dict], None] | None = None
    notes: list[str] = field(default_factory=list)
    default: bool = True             # run when no --scenario is given


def _check_argv(corpus: Corpus, workdir: Path) -> list[str]:
    return ["check", str(corpus.plans), "--evidence", str(corpus.evidence), "--as-of", AS_OF,
            "--format", "json"]


def _build_cqc_argv(corpus: Corpus, workdir: Path) -> list[str]:
    return ["build", str(corpus.plans), "--evidence", str(corpus.evidence), "--pack", "cqc",
            "--out", str(workdir / "pack"), "--as-of", AS_OF]


# Add later scenarios here once the feature they measure exists, e.g.
#   "check-warm":  prepare = run the same check once untimed with the same XDG_CACHE_HOME
#   "check-1-changed": prepare = warm the cache, then rewrite one evidence file in a copy of the corpus
SCENARIOS: dict[str, Scenario] = {
    "check-cold": Scenario("check-cold", "check, empty cache", _check_argv),
    # the whole CQC pack (PDF bundle with every exhibit, Word pack, exhibits/, manifest), empty cache
    "build-cqc": Scenario("build-cqc", "build --pack cqc, empty cache", _build_cqc_argv, default=False),
}


@dataclass
class Run:
    wall: float
    maxrss_mb: float
    returncode: int
    floor: float


def io_floor(corpus: Corpus) -> float:
    """Seconds to walk the corpus and read every byte once (1 MiB reads)."""
    t0 = time.perf_counter()
    total = 0
    for path in corpus.files():
        with open(path, "rb", buffering=0) as fh:
            for chunk in iter(lambda: fh.read(1 << 20), b""):
                total += len(chunk)
    elapsed = time.perf_counter() - t0
    assert total == sum(p.stat().st_size for p in corpus.files()), "the corpus changed while it was read"
    return elapsed


def run_child(argv: list[str], env: dict[str, str], cwd: Path) -> tuple[float, float, int, bytes]:
    """Run one child; return wall seconds, its own peak RSS in MB, exit code, stderr."""
    with tempfile.TemporaryFile() as err:
        t0 = time.perf_counter()
        proc = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=err, stdin=subprocess.DEVNULL,
                                env=env, cwd=cwd)
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - t0
        proc.returncode = os.waitstatus_to_exitcode(status)    # we reaped it; tell Popen
        err.seek(0)
        stderr = err.read()
    # ru_maxrss is KiB on Linux, bytes on macOS
    rss = usage.ru_maxrss / (1 << 20) if sys.platform == "darwin" else usage.ru_maxrss / 1024
    return wall, rss, proc.returncode, stderr


def sgpack_cmd(python: str, args: list[str], profile: Path | None = None) -> list[str]:
    if profile:
        return [python, "-m", "cProfile", "-o", str(profile), "-m", "compiler.cli", *args]
    return [python, "-m", "compiler.cli", *args]


def run_scenario(scenario: Scenario, corpus: Corpus, runs: int, python: str,
                 profile: Path | None = None) -> list[Run]:
    results = []
    io_floor(corpus)                                  # warm the page cache, untimed
    # with a profile, one extra run at the end under cProfile, not counted in the timings
    for i in range(runs + (1 if profile else 0)):
        floor = io_floor(corpus)
        with tempfile.TemporaryDirectory(prefix="sgpack-bench-") as tmp:
            workdir = Path(tmp)
            env = dict(os.environ, XDG_CACHE_HOME=str(workdir / "cache"), PYTHONHASHSEED="0")
            env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
            state: dict = {}
            if scenario.prepare:
                scenario.prepare(corpus, workdir, state)
            wall, rss, rc, stderr = run_child(sgpack_cmd(python, scenario.argv(corpus, workdir),
                                                         profile if i == runs else None), env, ROOT)
        if rc not in EXIT_OK_CODES:
            sys.stderr.write(stderr.decode(errors="replace")[-4000:])
            raise SystemExit(f"{scenario.name} on {corpus.root}: exit {rc}")
        if i == runs:
            print(f"  {scenario.name} profiled run: {wall:.2f} s -> {profile}", file=sys.stderr)
            break
        results.append(Run(wall, rss, rc, floor))
        print(f"  {scenario.name} run {i + 1}/{runs}: {wall:.2f} s, {rss:.0f} MB, exit {rc}, "
              f"I/O floor {floor:.3f} s", file=sys.stderr)
    return results


def table_row(scenario: Scenario, corpus: Corpus, runs: list[Run]) -> str:
    walls = [r.wall for r in runs]
    med = statistics.median(walls)
    floor = statistics.median(r.floor for r in runs)
    return (f"| {scenario.name} | {corpus.root.name} | {corpus.evidence_files} | {len(runs)} | {med:.2f} | "
            f"{min(walls):.2f} | {max(walls):.2f} | {med / floor:.0f}× ({floor:.3f} s) | "
            f"{max(r.maxrss_mb for r in runs):.0f} |")


HEADER = ("| scenario | corpus | files | runs | median wall s | min | max | ratio to I/O floor (floor) "
          "| peak RSS MB |\n|---|---|---:|---:|---:|---:|---:|---:|---:|")


def machine() -> str:
    return (f"{platform.system()} {platform.machine()}, {os.cpu_count()} CPUs "
            f"(nproc {len(os.sched_getaffinity(0)) if hasattr(os, 'sched_getaffinity') else '?'}), "
            f"Python {platform.python_version()}")


def print_profile(path: Path, top: int = 25) -> None:
    import pstats

    stats = pstats.Stats(str(path), stream=sys.stderr)
    stats.sort_stats("cumulative").print_stats(top)
    stats.sort_stats("tottime").print_stats(top)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--corpus", type=Path, action="append", required=True,
                    help="a folder made by make_corpus.py (plans/ and evidence/); repeatable")
    ap.add_argument("--scenario", action="append", choices=sorted(SCENARIOS),
                    help="default: every scenario but build-cqc (minutes a run on a provider corpus)")
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--python", default=sys.executable, help="interpreter for the children")
    ap.add_argument("--write", type=Path, help="also write the table to this Markdown file")
    ap.add_argument("--cprofile", type=Path,
                    help="after the timed runs, one extra untimed run under cProfile into this file; print the top functions")
    args = ap.parse_args(argv)

    rows = []
    for corpus_path in args.corpus:
        corpus = Corpus(corpus_path.resolve())
        if not corpus.plans.is_dir() or not corpus.evidence.is_dir():
            raise SystemExit(f"{corpus_path}: not a corpus (needs plans/ and evidence/)")
        for name in args.scenario or [n for n, s in SCENARIOS.items() if s.default]:
            scenario = SCENARIOS[name]
            runs = run_scenario(scenario, corpus, args.runs, args.python, args.cprofile)
            rows.append(table_row(scenario, corpus, runs))
            if args.cprofile:
                print_profile(args.cprofile)

    stamp = dt.datetime.now().strftime("%Y-%m-%d %H:%M")
    text = (f"Machine: {machine()}. Measured {stamp}; as-of {AS_OF}; median of N fresh subprocesses.\n\n"
            f"{HEADER}\n" + "\n".join(rows) + "\n")
    print(text)
    if args.write:
        args.write.write_text("# Benchmark results\n\n" + text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
