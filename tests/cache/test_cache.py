"""The evidence cache gives the same results as no cache: warm, after a change, after a reader
version bump, after damage, shared by two runs; it stays under its size bound and never writes
into the evidence folder."""
from __future__ import annotations

import importlib
import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

import evidence_store.cache as cache_module
import evidence_store.readers.text as text_reader
from compiler.cli import cli
from evidence_store.cache import DB_NAME, EvidenceCache, open_cache
from evidence_store.readers import READERS

scan_module = importlib.import_module("evidence_store.catalogue")
survey_module = importlib.import_module("evidence_store.survey")

pytestmark = pytest.mark.usefixtures("no_result_cache")
ROOT = Path(__file__).resolve().parents[2]
AS_OF = "2026-11-20"


def run(args: list[str]) -> tuple[str, str]:
    result = CliRunner().invoke(cli, args, catch_exceptions=False)
    assert result.exit_code in (0, 1), result.output + result.stderr
    return result.stdout, result.stderr


def check(plans: Path, evidence: Path, cache: Path | None) -> str:
    args = ["check", str(plans), "--evidence", str(evidence), "--as-of", AS_OF, "--format", "json"]
    args += ["--cache-dir", str(cache)] if cache is not None else ["--no-cache"]
    return run(args)[0]


def catalogue(plans: Path, evidence: Path, cache: Path | None) -> str:
    args = ["evidence", str(evidence), str(plans), "--format", "json"]
    args += ["--cache-dir", str(cache)] if cache is not None else ["--no-cache"]
    return run(args)[0]


def both(plans: Path, evidence: Path, cache: Path | None) -> tuple[str, str]:
    return check(plans, evidence, cache), catalogue(plans, evidence, cache)


def entries(cache: Path, where: str = "1") -> list[tuple]:
    with sqlite3.connect(cache / DB_NAME) as db:
        return db.execute(f"SELECT kind, sha256, version FROM entries WHERE {where}").fetchall()


def count_reads(monkeypatch) -> list[str]:
    opened: list[str] = []
    real = scan_module.read_checked

    def counting(target, cap):  # noqa: ANN001
        opened.append(getattr(target, "real", target))
        return real(target, cap)

    for module in (scan_module, survey_module):        # evidence files are read by the scan, metadata by the walk
        monkeypatch.setattr(module, "read_checked", counting)
    return opened


def test_warm_run_gives_what_a_cold_run_and_no_cache_give(case, monkeypatch):
    plans, evidence, cache = case
    plain = both(plans, evidence, None)
    assert not cache.exists()                                   # --no-cache: nothing made
    cold = both(plans, evidence, cache)
    assert entries(cache), "the cold run stored nothing"
    opened = count_reads(monkeypatch)
    warm = both(plans, evidence, cache)
    assert cold == plain
    assert warm == plain
    # unchanged files are not even opened: their hash is known from size, mtime and ctime
    evidence_files = [p for p in opened if not p.endswith(".yaml")]
    assert evidence_files == []


def test_a_file_changed_in_place_with_its_mtime_put_back_is_read_again(case):
    plans, evidence, cache = case
    both(plans, evidence, cache)
    target = next(p for p in sorted(evidence.rglob("*.md")) if "RP-01" in p.read_text())
    before = target.stat()
    text = target.read_text()
    changed = text.replace("RP-01", "XX-99")                    # same size, different bytes
    assert len(changed.encode()) == len(text.encode()) and changed != text
    target.write_text(changed)
    os.utime(target, ns=(before.st_atime_ns, before.st_mtime_ns))  # the mtime trick; ctime still moves
    assert target.stat().st_size == before.st_size and target.stat().st_mtime_ns == before.st_mtime_ns
    warm = both(plans, evidence, cache)
    plain = both(plans, evidence, None)
    assert warm == plain
    assert "XX-99" not in warm[1] and target.name in warm[1]
    # the change shows: the item's hash in the catalogue is the new one
    import hashlib
    new_sha = hashlib.sha256(changed.encode()).hexdigest()
    assert new_sha in warm[1]


def test_a_changed_reader_version_reads_those_files_again_and_only_those(case, monkeypatch):
    plans, evidence, cache = case
    (evidence / "notes").mkdir(exist_ok=True)
    (evidence / "notes" / "extra.txt").write_text("RP-01 was reviewed on 2026-10-01\n")
    first = both(plans, evidence, cache)
    before_pdf = entries(cache, "kind = 'read' AND version LIKE 'pdf:%'")

    # a reader whose output changed, without a version bump: the cache (rightly) still answers
    def changed_reader(data, limits):  # noqa: ANN001
        result = text_reader.read(data, limits)
        for chunk in result.chunks:
            chunk.text = chunk.text.replace("RP-01", "RP-01 and SAP-2026-007")
        return result
    changed_reader.__module__ = text_reader.__name__
    monkeypatch.setitem(READERS, "txt", changed_reader)
    assert both(plans, evidence, cache) == first

    # ... and with the bump, exactly the .txt files are read again
    monkeypatch.setattr(text_reader, "READER_VERSION", "test-2")
    bumped = both(plans, evidence, cache)
    assert bumped == both(plans, evidence, None)
    assert bumped != first
    assert entries(cache, "kind = 'read' AND version LIKE 'txt:test-2:%'")
    assert entries(cache, "kind = 'read' AND version LIKE 'pdf:%'") == before_pdf


def test_a_damaged_entry_is_dropped_and_computed_again(case):
    plans, evidence, cache = case
    plain = both(plans, evidence, None)
    both(plans, evidence, cache)
    with sqlite3.connect(cache / DB_NAME) as db:
        rows = db.execute("SELECT rowid, kind, sha256, version, value, data FROM entries ORDER BY rowid").fetchall()
        for n, (rowid, kind, sha, version, value, data) in enumerate(rows):
            if n % 3 == 0:      # a flipped byte: the checksum no longer matches
                db.execute("UPDATE entries SET value = ? WHERE rowid = ?", (bytes([value[0] ^ 0xFF]) + value[1:], rowid))
            elif n % 3 == 1:    # a well-formed entry with a valid checksum but nonsense inside
                import zlib
                junk = zlib.compress(b'{"result": {"chunks": 7}, "pages": "x"}')
                db.execute("UPDATE entries SET value = ?, checksum = ? WHERE rowid = ?",
                           (junk, cache_module._checksum(kind, sha, version, junk, data), rowid))
    assert both(plans, evidence, cache) == plain
    assert both(plans, evidence, cache) == plain                 # and the entries were put right


def test_a_damaged_database_is_moved_aside_and_made_again(case):
    plans, evidence, cache = case
    plain = both(plans, evidence, None)
    both(plans, evidence, cache)
    for suffix in ("-wal", "-shm"):
        Path(f"{cache / DB_NAME}{suffix}").unlink(missing_ok=True)
    (cache / DB_NAME).write_bytes(b"this is not a database" * 1000)
    cache_module._noted.clear()
    result = CliRunner().invoke(cli, ["check", str(plans), "--evidence", str(evidence), "--as-of", AS_OF,
                                      "--format", "json", "--cache-dir", str(cache)])
    assert result.exit_code in (0, 1)
    assert result.stdout == plain[0]
    assert "damaged" in result.stderr and "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert list(cache.glob(f"{DB_NAME}.damaged-*"))
    assert both(plans, evidence, cache) == plain
    assert entries(cache)


def test_no_writable_cache_folder_means_no_cache_and_one_note(case):
    plans, evidence, _ = case
    blocker = evidence.parent / "a-file"
    blocker.write_text("not a folder")
    cache_module._noted.clear()
    plain = both(plans, evidence, None)
    result = CliRunner().invoke(cli, ["check", str(plans), "--evidence", str(evidence), "--as-of", AS_OF,
                                      "--format", "json", "--cache-dir", str(blocker / "cache")])
    assert result.exit_code in (0, 1)
    assert result.stdout == plain[0]
    assert result.stderr.count("note:") == 1 and "cache not used" in result.stderr
    second = CliRunner().invoke(cli, ["evidence", str(evidence), "--format", "json", "--cache-dir",
                                      str(blocker / "cache")])
    assert second.exit_code == 0 and "note:" not in second.stderr      # once per process


def test_the_cache_never_writes_into_the_evidence_folder(case):
    plans, evidence, cache = case

    def listing() -> list[tuple]:
        return sorted((str(p.relative_to(evidence)), p.stat().st_size, p.stat().st_mtime_ns)
                      for p in evidence.rglob("*"))

    before = listing()
    both(plans, evidence, cache)
    both(plans, evidence, cache)
    assert listing() == before
    # and a cache folder inside the evidence folder is refused, not used
    inside = evidence / ".cache"
    result = CliRunner().invoke(cli, ["check", str(plans), "--evidence", str(evidence), "--as-of", AS_OF,
                                      "--format", "json", "--cache-dir", str(inside)])
    assert result.exit_code in (0, 1)
    assert not inside.exists()


def test_two_runs_sharing_the_cache_at_once_both_succeed(case):
    plans, evidence, cache = case
    plain = check(plans, evidence, None)
    env = dict(os.environ, SGPACK_CACHE_DIR=str(cache))
    args = [sys.executable, "-m", "compiler.cli", "check", str(plans), "--evidence", str(evidence),
            "--as-of", AS_OF, "--format", "json", "--fail-on", "never"]
    for _ in range(2):                                       # both cold, then both warm
        runs = [subprocess.Popen(args, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
                for _ in range(2)]
        outputs = [r.communicate(timeout=300) for r in runs]
        for r, (out, err) in zip(runs, outputs):
            assert r.returncode == 0, err
            assert "Traceback" not in err
            assert out == plain
    assert entries(cache)


def test_eviction_keeps_the_cache_under_its_bound_least_recently_used_first(tmp_path, monkeypatch):
    bound = 2 * 2**20
    store = open_cache(tmp_path / "c", max_bytes=bound)
    assert isinstance(store, EvidenceCache)
    monkeypatch.setattr(cache_module, "TOUCH_NS", 0)
    payload = os.urandom(60_000)                             # incompressible
    for n in range(100):
        store.put("exhibit", f"{n:064x}", "v1", {"n": n}, payload)
        if n % 10 == 9:
            store.flush()
            assert store.get("exhibit", f"{0:064x}", "v1") is not None     # keep the first one in use
            store.flush()
        assert store.size() <= bound
    store.flush()
    assert store.size() <= bound
    assert store.get("exhibit", f"{0:064x}", "v1") is not None
    assert store.get("exhibit", f"{1:064x}", "v1") is None               # old and unused: gone
    assert store.get("exhibit", f"{99:064x}", "v1") is not None
    store.close()
    assert (tmp_path / "c" / DB_NAME).stat().st_size <= bound * 1.5


def test_a_file_changed_just_now_is_hashed_again(tmp_path, monkeypatch):
    """The racy case: a rewrite within one timestamp tick leaves size, mtime and ctime unchanged,
    so the hash of a file that changed this recently is never trusted next time."""
    evidence = tmp_path / "evidence"
    evidence.mkdir()
    (evidence / "a.txt").write_text("RP-01\n")
    store = open_cache(tmp_path / "c")
    scan_module.scan(evidence, {"RP-01"}, cache=store)
    store.flush()
    with sqlite3.connect(tmp_path / "c" / DB_NAME) as db:
        assert db.execute("SELECT count(*) FROM files").fetchone()[0] == 0
    store.close()


def test_values_round_trip_exactly_and_never_as_code():
    import datetime as dt
    value = {"a": (1, 2.5, None, True), 3: [dt.date(2026, 1, 2), dt.datetime(2026, 1, 2, 3, 4, 5),
                                           dt.time(1, 2), dt.timedelta(days=1, seconds=3), b"\x00\xff"],
             "$": {"$": "x"}}
    assert cache_module.decode(json.loads(json.dumps(cache_module.encode(value)))) == value
    with pytest.raises(cache_module.Uncacheable):
        cache_module.encode({1, 2})
    with pytest.raises(ValueError):
        cache_module.decode({"$": "pickle", "v": "gASV"})


def test_a_build_from_cached_exhibit_pages_is_byte_identical(case):
    """Exhibit pages come from the cache by (file SHA-256, renderer version, title); a damaged entry
    is rendered again. Either way the pack is the same, byte for byte."""
    plans, evidence, cache = case

    def build(out: Path) -> dict[str, bytes]:
        run(["build", str(plans), "--evidence", str(evidence), "--pack", "cqc", "--as-of", AS_OF,
             "--out", str(out), "--cache-dir", str(cache)])
        return {str(p.relative_to(out)): p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file()}

    cold = build(cache.parent / "cold")
    exhibits = entries(cache, "kind = 'exhibit'")
    assert exhibits
    with sqlite3.connect(cache / DB_NAME) as db:              # damage every other exhibit entry
        for rowid, value in db.execute("SELECT rowid, value FROM entries WHERE kind = 'exhibit' "
                                       "ORDER BY rowid").fetchall()[::2]:
            db.execute("UPDATE entries SET value = ? WHERE rowid = ?", (value[:-1] + b"\x00", rowid))
    warm = build(cache.parent / "warm")
    assert warm == cold
    assert sorted(entries(cache, "kind = 'exhibit'")) == sorted(exhibits)
