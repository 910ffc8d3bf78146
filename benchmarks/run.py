"""Benchmark sgpack on generated corpora: median wall time, spread, ratio to an I/O floor, peak memory.

    python benchmarks/run.py --corpus benchmarks/corpus/provider                      # the check scenarios
    python benchmarks/run.py --corpus benchmarks/corpus/service --corpus benchmarks/corpus/provider \\
        --all --runs 3 --write benchmarks/RESULTS.md                                    # the issue-6 set
    python benchmarks/run.py --corpus benchmarks/corpus/build --scenario build-cqc-cold --runs 3
    python benchmarks/run.py --corpus benchmarks/corpus/c2000 --runs 1 --cprofile /tmp/check.prof
    git worktree add /tmp/sgpack-before <commit>
    python benchmarks/run.py --corpus benchmarks/corpus/provider --scenario check-cold \
        --baseline /tmp/sgpack-before --runs 5                                     # this tree ÷ that commit

Scenarios (`--scenario NAME`, repeatable; `--all` for every one; default: the check-* ones):

    check-cold              check, empty cache
    check-warm              check, after one untimed identical check with the same cache
    check-changed           check of a hard-linked work copy of the corpus, after one untimed check
                            warmed the cache on it and one evidence file was then replaced by new bytes
    build-cqc-service-cold  build --pack cqc --service <first plan's service>, empty cache
    build-cqc-service-warm  the same, after one untimed identical build with the same cache
    build-cqc-cold          build --pack cqc, every plan, empty cache
    build-cqc-warm          the same, after one untimed identical build with the same cache

Every timed run is a fresh `python -m compiler.cli ...` subprocess in its own work folder: its
own sgpack cache (`--cache-dir WORK/cache`), a fresh `--out`, stdout to /dev/null. Wall time is
measured around spawn and exit. Memory: the child's ru_maxrss from os.wait4 (on Linux the
largest single process among the child and its reaped descendants - a maximum, not a sum) and
the sum of VmRSS over the child's whole process tree, sampled from /proc while it runs. The I/O
floor - reading every byte of the corpus once - is measured in the same invocation, right before
each timed run, so each ratio compares like with like. The stages of a build are timed in one
process by benchmarks/build_stages.py.

With `--baseline TREE` (a checkout of an earlier commit, e.g. a git worktree), every timed run of this
tree is paired with one of TREE's, alternating, in the same invocation and work-folder set-up: the
table gets a row for each, and the ratio of the medians (this tree ÷ baseline) is printed below it.
"""
from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

ROOT = Path(__file__).resolve().parent.parent
AS_OF = "2026-11-20"
EXIT_OK_CODES = (0, 1)          # 1 = findings at or above --fail-on: the run itself worked
MiB = 1 << 20
GiB = 1 << 30
# evidence_store/cache.py RACY_SECONDS: a file whose ctime is this recent when a run starts is hashed
# again by the next run. Hard-linking a work copy sets every inode's ctime, so check-changed waits
# this long (plus a margin) after linking before it warms the cache, as if the files were old.
RACY_SECONDS = 2.0
BEGIN = "<!-- benchmarks/run.py: begin (this section is rewritten by run.py --write) -->"
END = "<!-- benchmarks/run.py: end -->"
# sgpack's own settings are set here, never inherited from the caller's shell
_STRIPPED_ENV = ("SGPACK_CACHE_DIR", "SGPACK_NO_CACHE", "SGPACK_CACHE_MAX_BYTES", "SGPACK_KEY_DIR")


# ------------------------------------------------------------------------------------------ corpus

@dataclass
class Corpus:
    root: Path

    @property
    def name(self) -> str:
        return self.root.name

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

    def plan_files(self) -> list[Path]:
        return sorted(p for p in self.plans.rglob("*") if p.is_file() and p.suffix in (".yaml", ".yml"))

    def first_service(self) -> str:
        """The `service:` of the first plan (plan files in name order)."""
        for path in self.plan_files():
            doc = _load_yaml(path)
            service = (doc.get("plan") or {}).get("service") if isinstance(doc, dict) else None
            if service:
                return str(service)
        raise SystemExit(f"{self.plans}: no plan with a service: field")

    def summary(self) -> str:
        plans = self.plan_files()
        actions = 0
        for path in plans:
            doc = _load_yaml(path)
            actions += len(doc.get("actions") or []) if isinstance(doc, dict) else 0
        files = self.files()
        size = sum(p.stat().st_size for p in files)
        return (f"`{self.name}`: {len(plans)} plan{'s' * (len(plans) != 1)}, {actions} actions, "
                f"{self.evidence_files:,} evidence files, {size / 1e6:.1f} MB in all")


def _load_yaml(path: Path):
    import yaml

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    with open(path, encoding="utf-8") as fh:
        return yaml.load(fh, Loader=loader)  # noqa: S506 - a safe loader


# ------------------------------------------------------------------------------------------ runs

@dataclass
class Session:
    """What one invocation shares between runs: a temp folder for work copies of corpora, the
    child environment's XDG cache home (matplotlib's font list etc., never sgpack's cache)."""
    tmp: Path
    python: str
    copies: dict[Path, Path] = field(default_factory=dict)
    root: Path = ROOT                 # the source tree whose sgpack runs (--baseline swaps it per run)

    def master_copy(self, corpus: Corpus) -> Path:
        """A plain copy of the corpus, made once per invocation: check-changed hard-links each
        run's work copy from it, so the corpus itself is never linked, touched or changed."""
        if corpus.root not in self.copies:
            dest = self.tmp / "copies" / corpus.name
            print(f"  copying {corpus.root} -> {dest} (once, untimed)", file=sys.stderr)
            shutil.copytree(corpus.root, dest, symlinks=True)
            self.copies[corpus.root] = dest
        return self.copies[corpus.root]


@dataclass
class Ctx:
    """One run: `corpus` is what the timed command reads (a work copy for check-changed),
    `source` the corpus named on the command line (the one the I/O floor reads)."""
    source: Corpus
    corpus: Corpus
    workdir: Path
    env: dict[str, str]
    session: Session
    state: dict = field(default_factory=dict)

    @property
    def cache(self) -> Path:
        return self.workdir / "cache"

    def sgpack(self, args: list[str], what: str) -> float:
        """Run sgpack untimed for a prepare step; abort on a failed run. Returns its wall time."""
        t0 = time.perf_counter()
        wall, _, rc, stderr, _ = run_child(sgpack_cmd(self.session.python, args), self.env, self.session.root,
                                           sample=None)
        if rc not in EXIT_OK_CODES:
            sys.stderr.write(stderr.decode(errors="replace")[-4000:])
            raise SystemExit(f"{what}: exit {rc}")
        return time.perf_counter() - t0


@dataclass
class Target:
    wall: float | None = None        # median wall seconds, strictly less
    ratio: float | None = None       # median wall / median I/O floor, strictly less
    memory: float = GiB              # peak memory of the process tree, bytes, strictly less
    memory_label: str = "1 GiB"


@dataclass
class Scenario:
    """One thing to time. `prepare` runs untimed before each timed run, in the run's own work
    folder (warm a cache, make a work copy, change one evidence file); `verify` runs untimed after it."""
    name: str
    description: str
    argv: Callable[[Ctx], list[str]]                        # -> sgpack arguments
    prepare: Callable[[Ctx], None] | None = None
    verify: Callable[[Ctx], None] | None = None
    default: bool = True             # run when no --scenario is given
    target: Target = field(default_factory=Target)          # on the provider corpus


def _check_argv(ctx: Ctx) -> list[str]:
    return ["check", str(ctx.corpus.plans), "--evidence", str(ctx.corpus.evidence), "--as-of", AS_OF,
            "--format", "json", "--cache-dir", str(ctx.cache)]


def _build_argv(service: bool, out: str = "pack") -> Callable[[Ctx], list[str]]:
    def argv(ctx: Ctx) -> list[str]:
        args = ["build", str(ctx.corpus.plans), "--evidence", str(ctx.corpus.evidence), "--pack", "cqc",
                "--out", str(ctx.workdir / out), "--as-of", AS_OF, "--cache-dir", str(ctx.cache)]
        if service:
            args += ["--service", ctx.corpus.first_service()]
        return args
    return argv


def _warm(argv: Callable[[Ctx], list[str]]) -> Callable[[Ctx], None]:
    """prepare: one untimed identical run with the run's cache (a build writes to its own --out)."""
    def prepare(ctx: Ctx) -> None:
        args = argv(ctx)
        if "--out" in args:
            args[args.index("--out") + 1] = str(ctx.workdir / "pack-warm-up")
        wall = ctx.sgpack(args, f"warm-up run ({' '.join(args[:1])})")
        print(f"    warm-up run (untimed): {wall:.2f} s", file=sys.stderr)
    return prepare


def link_tree(src: Path, dst: Path) -> None:
    """`cp -al src dst` in Python: new folders, every file a hard link to the same inode."""
    for folder, dirs, files in os.walk(src):
        rel = os.path.relpath(folder, src)
        target = dst / rel if rel != "." else dst
        target.mkdir(parents=True, exist_ok=True)
        for name in files:
            os.link(os.path.join(folder, name), target / name, follow_symlinks=False)


def changed_file(evidence: Path) -> Path:
    """The file check-changed rewrites: the largest PDF (the costliest format to read again);
    without PDFs, the largest Markdown or text file."""
    for pattern in ("*.pdf", "*.md", "*.txt"):
        found = [p for p in evidence.rglob(pattern) if p.is_file()]
        if found:
            return max(found, key=lambda p: (p.stat().st_size, str(p)))
    raise SystemExit(f"{evidence}: no .pdf, .md or .txt file to change")


def _prepare_changed(ctx: Ctx) -> None:
    master = ctx.session.master_copy(ctx.source)
    copy = ctx.workdir / "corpus"
    link_tree(master, copy)
    linked = time.time()
    ctx.corpus = Corpus(copy)
    # wait until the links' ctimes are older than the cache's racy window, as a real folder's are
    time.sleep(max(0.0, linked + RACY_SECONDS + 0.5 - time.time()))
    wall = ctx.sgpack(_check_argv(ctx), "warm-up check on the work copy")
    # the change: a fresh file (new inode) replaces the hard link; the master copy keeps its bytes
    path = changed_file(ctx.corpus.evidence)
    data = path.read_bytes()
    stamp = f"sgpack benchmark: changed {time.time_ns()}".encode()
    new = data + (b"\n%" + stamp + b"\n" if path.suffix == ".pdf" else b"\n" + stamp + b"\n")
    tmp = path.with_name(f".{path.name}.bench-tmp")
    tmp.write_bytes(new)
    os.replace(tmp, path)
    import hashlib

    ctx.state["changed"] = (path, hashlib.sha256(new).hexdigest())
    print(f"    warm-up check on the work copy (untimed): {wall:.2f} s; changed "
          f"{path.relative_to(ctx.corpus.evidence)} ({len(data):,} -> {len(new):,} bytes)", file=sys.stderr)


def _verify_changed(ctx: Ctx) -> None:
    """The timed run must have read the changed file: its new hash is now in the cache."""
    import sqlite3

    path, sha = ctx.state["changed"]
    dbs = list(ctx.cache.glob("evidence-v*.sqlite3"))
    try:
        if len(dbs) != 1:
            raise sqlite3.Error(f"{len(dbs)} cache databases in {ctx.cache}")
        with sqlite3.connect(f"file:{dbs[0]}?mode=ro", uri=True) as db:
            hits = db.execute("SELECT count(*) FROM entries WHERE sha256 = ?", (sha,)).fetchone()[0]
    except sqlite3.Error as exc:
        print(f"    warning: could not confirm the changed file was read again ({exc})", file=sys.stderr)
        return
    if not hits:
        raise SystemExit(f"check-changed: the timed run left no cache entry for the new bytes of {path}")
    print(f"    confirmed: the timed run read the changed file ({hits} cache entries for its new hash)",
          file=sys.stderr)


_CHECK_COLD = Scenario("check-cold", "check, empty cache", _check_argv, target=Target(wall=90))
SCENARIOS: dict[str, Scenario] = {s.name: s for s in [
    _CHECK_COLD,
    Scenario("check-warm", "check, after one untimed identical check with the same cache",
             _check_argv, prepare=_warm(_check_argv), target=Target(wall=5, ratio=3)),
    Scenario("check-changed", "check a hard-linked work copy after a warm-up check on it and one "
             "evidence file replaced (largest PDF, new bytes, new inode)",
             _check_argv, prepare=_prepare_changed, verify=_verify_changed, target=Target(wall=6)),
    Scenario("build-cqc-service-cold", "build --pack cqc --service <first plan's service>, empty cache",
             _build_argv(True), default=False),
    Scenario("build-cqc-service-warm", "the same after one untimed identical build, same cache",
             _build_argv(True), prepare=_warm(_build_argv(True)), default=False, target=Target(wall=10)),
    Scenario("build-cqc-cold", "build --pack cqc, every plan, empty cache",
             _build_argv(False), default=False, target=Target(wall=300)),
    Scenario("build-cqc-warm", "the same after one untimed identical build, same cache",
             _build_argv(False), prepare=_warm(_build_argv(False)), default=False),
]}


@dataclass
class Run:
    wall: float
    maxrss: float                    # bytes: the largest single process (wait4 ru_maxrss)
    tree: float                      # bytes: max over samples of the tree's summed VmRSS
    tree_bound: float                # bytes: sum over the tree's processes of their own peaks (VmHWM)
    samples: int
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


class TreeSampler(threading.Thread):
    """Samples the process tree under `pid` from /proc every `interval` seconds: the largest sum
    of VmRSS seen at one moment (a lower bound on the tree's true peak: it misses spikes between
    samples) and, per process, its own peak VmHWM (their sum bounds the true peak from above,
    for processes alive at some sample). Shared pages (libraries) count once per process."""

    def __init__(self, pid: int, interval: float):
        super().__init__(daemon=True)
        self.pid, self.interval = pid, interval
        self.stop = threading.Event()
        self.peak_sum = 0
        self.hwm: dict[tuple[int, str], int] = {}
        self.samples = 0
        self.known: dict[int, tuple[int, str]] = {}     # pid -> (ppid, start time), every process

    @staticmethod
    def _stat(pid: str) -> tuple[int, str] | None:
        try:
            with open(f"/proc/{pid}/stat", "rb") as fh:
                text = fh.read().decode(errors="replace")
        except OSError:
            return None
        fields_ = text[text.rfind(")") + 2:].split()
        return int(fields_[1]), fields_[19]           # ppid, starttime

    def _tree(self) -> dict[int, str]:
        """pid -> start time for the root and its descendants. The parent of every process on the
        machine is read once, when it first appears (a pid gone from /proc is forgotten), so a
        sample costs one listdir plus the new processes' stat files."""
        now = {int(e) for e in os.listdir("/proc") if e.isdigit()}
        for pid in self.known.keys() - now:
            del self.known[pid]
        for pid in now - self.known.keys():
            st = self._stat(str(pid))
            if st:
                self.known[pid] = st
        children: dict[int, list[int]] = {}
        for pid, (ppid, _) in self.known.items():
            children.setdefault(ppid, []).append(pid)
        tree, todo = {}, [self.pid]
        while todo:
            pid = todo.pop()
            if pid in self.known:
                tree[pid] = self.known[pid][1]
                todo.extend(children.get(pid, ()))
        return tree

    def sample(self) -> None:
        total = 0
        for pid, started in self._tree().items():
            try:
                with open(f"/proc/{pid}/status", "rb") as fh:
                    status = fh.read()
            except OSError:
                continue
            rss = re.search(rb"^VmRSS:\s+(\d+) kB", status, re.M)
            hwm = re.search(rb"^VmHWM:\s+(\d+) kB", status, re.M)
            if rss:                                    # zombies have none
                total += int(rss.group(1)) * 1024
            if hwm:
                key = (pid, started)
                self.hwm[key] = max(self.hwm.get(key, 0), int(hwm.group(1)) * 1024)
        self.peak_sum = max(self.peak_sum, total)
        self.samples += 1

    def run(self) -> None:
        while True:
            with _suppress_os_errors():
                self.sample()
            if self.stop.wait(self.interval):
                return


class _suppress_os_errors:
    def __enter__(self):
        return self

    def __exit__(self, kind, exc, tb):
        return kind is not None and issubclass(kind, (OSError, ValueError, IndexError))


def run_child(argv: list[str], env: dict[str, str], cwd: Path, sample: float | None
              ) -> tuple[float, float, int, bytes, TreeSampler | None]:
    """Run one child; return wall seconds, its ru_maxrss in bytes, exit code, stderr, the sampler."""
    with tempfile.TemporaryFile() as err:
        t0 = time.perf_counter()
        proc = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=err, stdin=subprocess.DEVNULL,
                                env=env, cwd=cwd)
        sampler = None
        if sample and os.path.isdir(f"/proc/{proc.pid}"):
            sampler = TreeSampler(proc.pid, sample)
            sampler.start()
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - t0
        if sampler:
            sampler.stop.set()
            sampler.join()
        proc.returncode = os.waitstatus_to_exitcode(status)    # we reaped it; tell Popen
        err.seek(0)
        stderr = err.read()
    # ru_maxrss is KiB on Linux, bytes on macOS
    rss = usage.ru_maxrss if sys.platform == "darwin" else usage.ru_maxrss * 1024
    return wall, rss, proc.returncode, stderr, sampler


def sgpack_cmd(python: str, args: list[str], profile: Path | None = None) -> list[str]:
    if profile:
        return [python, "-m", "cProfile", "-o", str(profile), "-m", "compiler.cli", *args]
    return [python, "-m", "compiler.cli", *args]


def compile_tree(tree: Path, python: str) -> None:
    """Byte-compile the tree's packages, untimed, as installing sgpack does: every child then loads them compiled,
    even where PYTHONDONTWRITEBYTECODE keeps Python from writing them itself (otherwise each run would compile
    sgpack's modules from source again, ~0.1 s)."""
    subprocess.run([python, "-m", "compileall", "-q", "compiler", "evidence_store"], cwd=tree, check=True,
                   stdout=subprocess.DEVNULL)


def child_env(session: Session) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in _STRIPPED_ENV}
    env.update(PYTHONHASHSEED="0", XDG_CACHE_HOME=str(session.tmp / "xdg-cache"),
               SGPACK_KEY_DIR=str(session.tmp / "keys"))
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(session.root), os.environ.get("PYTHONPATH")]))
    return env


def run_scenario(scenario: Scenario, corpus: Corpus, runs: int, session: Session, sample: float,
                 profile: Path | None = None) -> list[Run]:
    results = []
    io_floor(corpus)                                  # warm the page cache, untimed
    # with a profile, one extra run at the end under cProfile, not counted in the timings
    for i in range(runs + (1 if profile else 0)):
        with tempfile.TemporaryDirectory(prefix="sgpack-bench-", dir=session.tmp) as tmp:
            ctx = Ctx(corpus, corpus, Path(tmp), child_env(session), session)
            if scenario.prepare:
                scenario.prepare(ctx)
            floor = io_floor(corpus)                  # right before the timed run, after prepare
            wall, rss, rc, stderr, sampler = run_child(
                sgpack_cmd(session.python, scenario.argv(ctx), profile if i == runs else None),
                ctx.env, session.root, sample=None if i == runs else sample)
            if rc not in EXIT_OK_CODES:
                sys.stderr.write(stderr.decode(errors="replace")[-4000:])
                raise SystemExit(f"{scenario.name} on {corpus.root}: exit {rc}")
            if scenario.verify:
                scenario.verify(ctx)
        if i == runs:
            print(f"  {scenario.name} profiled run: {wall:.2f} s -> {profile}", file=sys.stderr)
            break
        tree = sampler.peak_sum if sampler else 0
        bound = sum(sampler.hwm.values()) if sampler else 0
        results.append(Run(wall, rss, tree, max(bound, rss), sampler.samples if sampler else 0, rc, floor))
        print(f"  {scenario.name} run {i + 1}/{runs}: {wall:.2f} s, exit {rc}, largest process "
              f"{rss / MiB:.0f} MiB, tree {tree / MiB:.0f} MiB sampled ({results[-1].samples} samples, "
              f"sum of peaks {bound / MiB:.0f} MiB), I/O floor {floor:.3f} s, load {_load()}", file=sys.stderr)
    return results


# ------------------------------------------------------------------------------------------ table

def _load() -> str:
    try:
        return "{:.2f} {:.2f} {:.2f}".format(*os.getloadavg())
    except OSError:
        return "?"


def _secs(x: float) -> str:
    return f"{x:.0f}" if x >= 100 else f"{x:.1f}" if x >= 10 else f"{x:.2f}"


def verdict(target: Target, med: float, ratio: float, tree: float) -> str:
    parts, missed = [], False
    if target.wall is not None:
        ok = med < target.wall
        missed |= not ok
        parts.append(f"< {target.wall:g} s {'met' if ok else 'MISSED'}")
    if target.ratio is not None:
        ok = ratio < target.ratio
        missed |= not ok
        parts.append(f"< {target.ratio:g}× floor {'met' if ok else 'MISSED'}")
    ok = tree < target.memory
    parts.append(f"< {target.memory_label} {'met' if ok else 'MISSED'}")
    return "; ".join(parts)


# Issue 15's targets, for the group corpora (make_corpus.py --profile group, README): ~6,000 files (`group`: 10
# services of 9 sites; `group90`: 90 services of one) and ~60,000 (`group100`: 100 of 9; `group900`: 900 of one);
# memory in bytes, 2 GB = 2,000,000,000
_SMALL = {"check-cold": Target(wall=8), "check-warm": Target(wall=0.5), "check-changed": Target(wall=1.5)}
_LARGE = {"check-cold": Target(wall=80, memory=2e9, memory_label="2 GB"),
          "check-changed": Target(wall=5, memory=2e9, memory_label="2 GB")}
GROUP_TARGETS = {"group": _SMALL, "group90": _SMALL, "group100": _LARGE, "group900": _LARGE}


def target_for(scenario: Scenario, corpus: Corpus, mode: str) -> Target | None:
    """The target a row is judged by: the group corpora's by their folder name, issue 6's on `provider` (and on
    any corpus with --targets on); None: not judged."""
    if mode == "off":
        return None
    if corpus.name in GROUP_TARGETS:
        large = GROUP_TARGETS[corpus.name] is _LARGE
        return GROUP_TARGETS[corpus.name].get(scenario.name, Target(memory=2e9, memory_label="2 GB") if large
                                              else Target())
    return scenario.target if mode == "on" or corpus.name == "provider" else None


def table_row(scenario: Scenario, corpus: Corpus, runs: list[Run], target: Target | None, load: str) -> str:
    walls = [r.wall for r in runs]
    med = statistics.median(walls)
    floor = statistics.median(r.floor for r in runs)
    tree = max(max(r.tree, r.maxrss) for r in runs)          # the tree holds at least its largest process
    bound = max(r.tree_bound for r in runs)
    judged = verdict(target, med, med / floor, tree) if target is not None else "—"
    return (f"| {scenario.name} | {corpus.name} | {corpus.evidence_files} | {len(runs)} | {_secs(med)} | "
            f"{_secs(min(walls))} | {_secs(max(walls))} | {floor:.3f} | {med / floor:,.0f}× | "
            f"{max(r.maxrss for r in runs) / MiB:.0f} | {tree / MiB:.0f} (≤ {bound / MiB:.0f}) | {load} | "
            f"{judged} |")


HEADER = ("| scenario | corpus | evidence files | runs | median wall s | min | max | I/O floor s | "
          "median ÷ floor | peak RSS MiB, largest process | peak MiB, process tree (bound) | load 1-min "
          "start → end | target |\n"
          "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|---|")


def machine() -> str:
    cpu = ""
    with _suppress_os_errors():
        with open("/proc/cpuinfo", encoding="utf-8") as fh:
            m = re.search(r"^model name\s*:\s*(.+)$", fh.read(), re.M)
            cpu = f", {m.group(1).strip()}" if m else ""
    mem = ""
    with _suppress_os_errors():
        mem = f", {os.sysconf('SC_PAGE_SIZE') * os.sysconf('SC_PHYS_PAGES') / GiB:.0f} GiB RAM"
    nproc = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else "?"
    return (f"{platform.system()} {platform.machine()}, {os.cpu_count()} CPUs (nproc {nproc}){cpu}{mem}, "
            f"Python {platform.python_version()}")


def write_results(path: Path, section: str) -> None:
    """Put `section` between the markers in `path`, keeping everything else. A file without the
    markers (written by an older run.py) has its text between the title and the first `## `
    heading replaced - where run.py wrote before - and keeps the rest (the build-stages section)."""
    block = f"{BEGIN}\n{section.rstrip()}\n{END}\n"
    if not path.exists():
        path.write_text(f"# Benchmark results\n\n{block}", encoding="utf-8")
        return
    text = path.read_text(encoding="utf-8")
    if BEGIN in text and END in text:
        head, rest = text.split(BEGIN, 1)
        tail = rest.split(END, 1)[1].lstrip("\n")
        new = head + block + ("\n" + tail if tail else "")
    else:
        lines = text.splitlines(keepends=True)
        title = lines[0] if lines and lines[0].startswith("# ") else "# Benchmark results\n"
        body = "".join(lines[1:]) if lines and lines[0].startswith("# ") else text
        m = re.search(r"^## ", body, re.M)
        tail = body[m.start():] if m else ""
        new = f"{title}\n{block}" + ("\n" + tail if tail else "")
    path.write_text(new, encoding="utf-8")


def print_profile(path: Path, top: int = 25) -> None:
    import pstats

    stats = pstats.Stats(str(path), stream=sys.stderr)
    stats.sort_stats("cumulative").print_stats(top)
    stats.sort_stats("tottime").print_stats(top)


def _commit(tree: Path) -> str:
    """The short commit a source tree is at (and '+changes' when it has uncommitted ones)."""
    try:
        head = subprocess.run(["git", "-C", str(tree), "rev-parse", "--short", "HEAD"], capture_output=True,
                              text=True, check=True).stdout.strip()
        dirty = subprocess.run(["git", "-C", str(tree), "status", "--porcelain", "--untracked-files=no"],
                               capture_output=True, text=True, check=True).stdout.strip()
        return head + ("+changes" if dirty else "")
    except (OSError, subprocess.CalledProcessError):
        return tree.name


def _paired(scenario: Scenario, corpus: Corpus, args: argparse.Namespace, session: Session
            ) -> tuple[list[Run], list[Run]]:
    """Timed runs of this tree and of the baseline, alternating (baseline first), one each at a time."""
    runs: list[Run] = []
    before: list[Run] = []
    for _ in range(args.runs):
        for tree, into in ((args.baseline.resolve(), before), (ROOT, runs)):
            session.root = tree
            try:
                into += run_scenario(scenario, corpus, 1, session, args.sample_ms / 1000)
            finally:
                session.root = ROOT
    return runs, before


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--corpus", type=Path, action="append", required=True,
                    help="a folder made by make_corpus.py (plans/ and evidence/); repeatable")
    ap.add_argument("--scenario", action="append", choices=list(SCENARIOS),
                    help="repeatable; default: " + ", ".join(n for n, s in SCENARIOS.items() if s.default))
    ap.add_argument("--all", action="store_true", help="every scenario (the builds take minutes a run on "
                    "the provider corpus)")
    ap.add_argument("--runs", type=int, default=5, help="timed runs a scenario (median of these); default 5")
    ap.add_argument("--python", default=sys.executable, help="interpreter for the children")
    ap.add_argument("--write", type=Path, help="also write the table into this Markdown file, between "
                    "run.py's markers (the rest of the file is kept)")
    ap.add_argument("--targets", choices=("auto", "on", "off"), default="auto",
                    help="judge rows against the targets: auto = issue 6's on a corpus folder named 'provider', "
                    "issue 15's on 'group', 'group90', 'group100' and 'group900'; on = issue 6's on any other "
                    "corpus too")
    ap.add_argument("--sample-ms", type=float, default=50,
                    help="how often the process tree's memory is sampled from /proc (default 50 ms; 0 = off)")
    ap.add_argument("--tmp", type=Path, help="where work folders go (default: the system temp folder)")
    ap.add_argument("--cprofile", type=Path,
                    help="after the timed runs, one extra untimed run under cProfile into this file; "
                    "print the top functions")
    ap.add_argument("--baseline", type=Path, metavar="TREE",
                    help="a source tree of an earlier commit: each timed run is paired with one of its own, "
                    "alternating, and the ratio of the medians is printed")
    args = ap.parse_args(argv)
    if args.baseline is not None and not (args.baseline / "compiler" / "cli.py").is_file():
        ap.error(f"--baseline {args.baseline}: not an sgpack source tree")
    if args.runs < 1:
        ap.error("--runs must be at least 1")
    names = list(SCENARIOS) if args.all else [n for n in SCENARIOS if n in (args.scenario or [])] \
        or [n for n, s in SCENARIOS.items() if s.default]

    corpora = []
    for corpus_path in args.corpus:
        corpus = Corpus(corpus_path.resolve())
        if not corpus.plans.is_dir() or not corpus.evidence.is_dir():
            raise SystemExit(f"{corpus_path}: not a corpus (needs plans/ and evidence/)")
        corpora.append(corpus)

    started = dt.datetime.now()
    load_start = _load()
    print(f"{machine()}; load average {load_start} at start", file=sys.stderr)
    rows: list[str] = []
    ratios: list[str] = []
    with tempfile.TemporaryDirectory(prefix="sgpack-bench-session-", dir=args.tmp) as tmp:
        session = Session(Path(tmp), args.python)
        for tree in filter(None, (ROOT, args.baseline)):
            compile_tree(tree, args.python)
        if any(n.startswith("build") for n in names):
            # matplotlib builds its font list once per cache home; do that here, not in the first cold build
            subprocess.run([args.python, "-c", "import matplotlib.font_manager"], env=child_env(session),
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
        for corpus in corpora:
            for name in names:
                scenario = SCENARIOS[name]
                print(f"{scenario.name} on {corpus.name}: {scenario.description}", file=sys.stderr)
                load0 = os.getloadavg()[0]
                if args.baseline is None:
                    runs = run_scenario(scenario, corpus, args.runs, session, args.sample_ms / 1000, args.cprofile)
                else:
                    runs, before = _paired(scenario, corpus, args, session)
                    label = f"{scenario.name} (baseline {_commit(args.baseline)})"
                    rows.append(table_row(dataclasses.replace(scenario, name=label), corpus, before,
                                          target_for(scenario, corpus, args.targets),
                                          f"{load0:.1f} → {os.getloadavg()[0]:.1f}"))
                    ratios.append(f"- {scenario.name} on {corpus.name}: this tree ({_commit(ROOT)}) "
                                  f"{statistics.median(r.wall for r in runs):.2f} s ÷ baseline "
                                  f"({_commit(args.baseline)}) {statistics.median(r.wall for r in before):.2f} s = "
                                  f"{statistics.median(r.wall for r in runs) / statistics.median(r.wall for r in before):.2f}×")
                rows.append(table_row(scenario, corpus, runs, target_for(scenario, corpus, args.targets),
                                      f"{load0:.1f} → {os.getloadavg()[0]:.1f}"))
                if args.cprofile:
                    print_profile(args.cprofile)
    load_end = _load()

    section = "\n".join([
        "## Check and build timings (benchmarks/run.py)",
        "",
        f"Machine: {machine()}. Measured {started:%Y-%m-%d %H:%M}–{dt.datetime.now():%H:%M}; as-of {AS_OF}; "
        f"median of {args.runs} fresh subprocess{'es' if args.runs > 1 else ''} a row. Load average "
        f"(1, 5, 15 min) {load_start} at the start, {load_end} at the end.",
        "",
        *[f"- Corpus {c.summary()}." for c in corpora],
        "",
        HEADER,
        *rows,
        "",
        *([*ratios, ""] if ratios else []),
        "Median ÷ floor: median wall time over the I/O floor (reading every byte of the corpus once, "
        "page cache warm, measured before each timed run). Memory: largest process = ru_maxrss from "
        "wait4; process tree = the largest sum of VmRSS over sgpack and its reader processes seen in "
        f"/proc samples every {args.sample_ms:g} ms (bound = the sum of each process's own peak, VmHWM); "
        "the memory target is judged on the sampled tree figure. Targets (2 cores): issue 6's on the provider "
        "corpus (build-cqc-service-cold and build-cqc-warm have only the memory target), issue 15's on the group "
        "corpora.",
    ])
    print(section)
    if args.write:
        write_results(args.write, section)
        print(f"written to {args.write}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
