"""Plans kept in the evidence cache by the SHA-256 of their file: the same plans as reading the
files, a changed file read again, a damaged entry put right, a bad plan never kept."""
from __future__ import annotations

import sqlite3
import zlib

import pytest

import evidence_store.cache as cache_module
from compiler.errors import SgpackError
from compiler.plans import cache as plan_cache
from compiler.plans import load_plans, strict_yaml
from evidence_store.cache import DB_NAME, open_cache

from test_plan_reader import OAKVIEW, edit, write


@pytest.fixture
def work(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    return tmp_path


def load(paths, cache):  # noqa: ANN001, ANN201
    plans = load_plans(paths, cache=cache)
    cache.flush()
    return plans


def plan_rows(work) -> list[tuple]:  # noqa: ANN001
    with sqlite3.connect(work / "cache" / DB_NAME) as db:
        return db.execute("SELECT rowid, sha256, version, checksum, value, data FROM entries "
                          "WHERE kind = 'plan' ORDER BY rowid").fetchall()


def never_parse(monkeypatch) -> None:  # noqa: ANN001
    def fail(text):  # noqa: ANN001, ANN202
        raise AssertionError("the plan was parsed again")

    monkeypatch.setattr(strict_yaml, "load", fail)


def test_a_cached_plan_is_the_plan_the_file_gives(work, monkeypatch):
    write(work, "plans/oakview.yaml", OAKVIEW)
    plain = load_plans(["plans"])
    with open_cache(work / "cache") as cache:
        assert load(["plans"], cache) == plain
        assert len(plan_rows(work)) == 1
        never_parse(monkeypatch)
        cached = load(["plans"], cache)
    assert cached == plain
    assert [p.model_dump_json() for p in cached] == [p.model_dump_json() for p in plain]


def test_the_path_is_the_one_given_this_time(work, monkeypatch):
    write(work, "plans/oakview.yaml", OAKVIEW)
    write(work, "copy/oakview.yaml", OAKVIEW)
    with open_cache(work / "cache") as cache:
        load(["plans"], cache)
        never_parse(monkeypatch)
        [plan] = load(["copy/oakview.yaml"], cache)
    assert plan.file == "copy/oakview.yaml"


def test_a_changed_plan_file_gives_the_new_plan(work):
    write(work, "plans/oakview.yaml", OAKVIEW)
    with open_cache(work / "cache") as cache:
        [before] = load(["plans"], cache)
        write(work, "plans/oakview.yaml", edit("    due: 2026-04-30", "    due: 2026-06-30"))
        [after] = load(["plans"], cache)
    assert str(before.actions[1].due) == "2026-04-30" and str(after.actions[1].due) == "2026-06-30"
    assert after == load_plans(["plans"])[0]


def test_a_plan_with_an_error_is_not_kept_and_still_fails(work):
    write(work, "plans/oakview.yaml", edit("    due: 2026-04-30", "    due: 2026-02-30"))
    with open_cache(work / "cache") as cache:
        for _ in range(2):
            with pytest.raises(SgpackError, match="2026-02-30 is not a valid date"):
                load(["plans"], cache)
    assert plan_rows(work) == []


def test_duplicate_ids_across_cached_plans_are_still_refused(work):
    write(work, "plans/a.yaml", OAKVIEW)
    with open_cache(work / "cache") as cache:
        load(["plans"], cache)
        write(work, "plans/b.yaml", OAKVIEW)
        with pytest.raises(SgpackError, match="duplicate plan id 'SAP-2026-007'"):
            load(["plans"], cache)


@pytest.mark.parametrize("damage", ["flipped byte", "valid checksum, not a plan", "valid checksum, wrong value"])
def test_a_damaged_plan_entry_is_dropped_and_made_again(work, damage):
    write(work, "plans/oakview.yaml", OAKVIEW)
    plain = load_plans(["plans"])
    with open_cache(work / "cache") as cache:
        load(["plans"], cache)
    [(rowid, sha, version, checksum, value, data)] = plan_rows(work)
    with sqlite3.connect(work / "cache" / DB_NAME) as db:
        if damage == "flipped byte":
            db.execute("UPDATE entries SET data = ? WHERE rowid = ?", (bytes([data[0] ^ 0xFF]) + data[1:], rowid))
        else:
            if damage == "valid checksum, not a plan":
                data = b'{"provider": "nobody"}'
            else:
                value = zlib.compress(b'{"$": "dict", "v": [["format", "0"]]}')
            db.execute("UPDATE entries SET value = ?, data = ?, checksum = ? WHERE rowid = ?",
                       (value, data, cache_module._checksum("plan", sha, version, value, data), rowid))
    with open_cache(work / "cache") as cache:
        assert load(["plans"], cache) == plain
    [(_, _, _, healed, _, _)] = plan_rows(work)
    assert healed == checksum                           # the entry was made again, as it was


def test_a_plan_kept_by_other_code_is_read_again(work, monkeypatch):
    """The version is a hash of the reading code and the vocabularies: when it changes, every
    plan is read again."""
    write(work, "plans/oakview.yaml", OAKVIEW)
    assert plan_cache.version().startswith(f"{plan_cache.FORMAT}:")
    with open_cache(work / "cache") as cache:
        load(["plans"], cache)
        monkeypatch.setattr(plan_cache, "_version", "other code")
        parsed = []
        real = strict_yaml.load
        monkeypatch.setattr(strict_yaml, "load", lambda text: parsed.append(1) or real(text))
        load(["plans"], cache)
    assert parsed == [1]
    assert sorted(row[2] for row in plan_rows(work))[-1] == "other code"
