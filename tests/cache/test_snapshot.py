"""The catalogue of an unchanged evidence folder comes whole from the cache (evidence_store.snapshot);
any change to what it is made of (a file, a sidecar, evidence.yaml, a name, the ids looked for)
gives what a run without the cache gives."""
from __future__ import annotations

import importlib
import sqlite3
import zlib
from pathlib import Path

import pytest
from click.testing import CliRunner

import evidence_store.cache as cache_module
import evidence_store.readers.text as text_reader
from compiler.cli import cli
from evidence_store.cache import DB_NAME
from evidence_store.readers import READERS

scan_module = importlib.import_module("evidence_store.catalogue")
snapshot_module = importlib.import_module("evidence_store.snapshot")
pytestmark = pytest.mark.usefixtures("no_result_cache")
AS_OF = "2026-11-20"


def check(plans: Path, evidence: Path, cache: Path | None) -> str:
    args = ["check", str(plans), "--evidence", str(evidence), "--as-of", AS_OF, "--format", "json"]
    args += ["--cache-dir", str(cache)] if cache is not None else ["--no-cache"]
    result = CliRunner().invoke(cli, args, catch_exceptions=False)
    assert result.exit_code in (0, 1), result.output + result.stderr
    return result.stdout


def snapshots(cache: Path) -> list[tuple]:
    with sqlite3.connect(cache / DB_NAME) as db:
        return db.execute("SELECT sha256, version FROM entries WHERE kind = 'catalogue'").fetchall()


def no_item_resolved(monkeypatch) -> None:  # noqa: ANN001
    def fail(*args, **kwargs):  # noqa: ANN002, ANN003, ANN202
        raise AssertionError("an item was resolved file by file")

    monkeypatch.setattr(scan_module, "_item", fail)


def test_an_unchanged_folder_gives_the_stored_catalogue(case, monkeypatch):
    plans, evidence, cache = case
    plain = check(plans, evidence, None)
    assert check(plans, evidence, cache) == plain
    assert len(snapshots(cache)) == 1
    with monkeypatch.context() as m:
        no_item_resolved(m)
        assert check(plans, evidence, cache) == plain


def first(evidence: Path, pattern: str, contains: str = "") -> Path:
    return next(p for p in sorted(evidence.rglob(pattern)) if contains in p.read_text(errors="replace"))


def change_sidecar(plans: Path, evidence: Path) -> None:
    sidecar = first(evidence, "*.meta.yaml")
    sidecar.write_text(sidecar.read_text() + "title: A title given later\n")


def change_index(plans: Path, evidence: Path) -> None:
    index = evidence / "evidence.yaml"
    index.write_text(index.read_text().replace("type: incident_log", "type: audit", 1))


def rename_file(plans: Path, evidence: Path) -> None:
    target = first(evidence, "*.md", "RP-01")
    target.rename(target.with_name("renamed " + target.name))


def add_file(plans: Path, evidence: Path) -> None:
    (evidence / "minutes" / "2026-11-01 extra minutes.txt").write_text("RP-01 challenged and assured.\n")


def remove_file(plans: Path, evidence: Path) -> None:
    first(evidence, "*.md", "RP-01").unlink()


def add_orphan_sidecar(plans: Path, evidence: Path) -> None:
    (evidence / "nothing-here.pdf.meta.yaml").write_text("type: audit\n")


@pytest.mark.parametrize("change", [change_sidecar, change_index, rename_file, add_file, remove_file,
                                    add_orphan_sidecar])
def test_any_change_gives_what_no_cache_gives(case, change):
    plans, evidence, cache = case
    check(plans, evidence, cache)
    check(plans, evidence, cache)
    change(plans, evidence)
    plain = check(plans, evidence, None)
    assert check(plans, evidence, cache) == plain
    assert check(plans, evidence, cache) == plain            # and from the new snapshot
    assert len(snapshots(cache)) == 1                        # the newer took the older's place


def test_more_ids_to_look_for_find_their_mentions(case):
    plans, evidence, cache = case
    aside = plans.parent / "aside"
    aside.mkdir()
    last = sorted(plans.glob("*.yaml"))[-1]
    last.rename(aside / last.name)
    check(plans, evidence, cache)
    check(plans, evidence, cache)
    (aside / last.name).rename(last)                          # its ids are looked for again
    plain = check(plans, evidence, None)
    assert check(plans, evidence, cache) == plain
    assert len(snapshots(cache)) == 2                         # one per folder and set of ids


def test_a_changed_reader_version_reads_again(case, monkeypatch):
    plans, evidence, cache = case
    (evidence / "notes").mkdir()
    (evidence / "notes" / "extra.txt").write_text("RP-01 was reviewed\n")      # undated: SG308 names what links it
    first_run = check(plans, evidence, cache)

    def changed_reader(data, limits):  # noqa: ANN001, ANN202
        result = text_reader.read(data, limits)
        for chunk in result.chunks:
            chunk.text = chunk.text.replace("RP-01", "RP-01 and SAP-2026-007")
        return result

    changed_reader.__module__ = text_reader.__name__
    monkeypatch.setitem(READERS, "txt", changed_reader)
    monkeypatch.setattr(text_reader, "READER_VERSION", "test-2")
    bumped = check(plans, evidence, cache)
    assert bumped == check(plans, evidence, None) and bumped != first_run


@pytest.mark.parametrize("kind", ["catalogue", "catalogue-part"])
def test_a_damaged_snapshot_is_dropped_and_made_again(case, monkeypatch, kind):
    """The catalogue is kept as a list of parts, and its parts: either damaged, the catalogue is made again."""
    plans, evidence, cache = case
    plain = check(plans, evidence, None)
    check(plans, evidence, cache)
    with sqlite3.connect(cache / DB_NAME) as db:
        rowid, sha, version, value = db.execute(
            "SELECT rowid, sha256, version, value FROM entries WHERE kind = ?", (kind,)).fetchone()
        junk = zlib.compress(b'{"format": "3", "parts": 7}')   # a valid checksum over a value that is no catalogue
        db.execute("UPDATE entries SET value = ?, checksum = ? WHERE rowid = ?",
                   (junk, cache_module._checksum(kind, sha, version, junk, None if kind == "catalogue" else
                                                 db.execute("SELECT data FROM entries WHERE rowid = ?",
                                                            (rowid,)).fetchone()[0]), rowid))
    assert check(plans, evidence, cache) == plain
    assert len(snapshots(cache)) == 1
    with monkeypatch.context() as m:
        no_item_resolved(m)
        assert check(plans, evidence, cache) == plain


def test_a_run_with_a_passing_failure_keeps_no_snapshot(case, monkeypatch):
    """A reader that ran out of memory says nothing about the file: such a run is not kept whole."""
    plans, evidence, cache = case
    (evidence / "notes").mkdir()
    (evidence / "notes" / "extra.txt").write_text("RP-01\n")

    def out_of_memory(data, limits):  # noqa: ANN001, ANN202
        raise MemoryError

    out_of_memory.__module__ = text_reader.__name__
    with monkeypatch.context() as m:
        m.setitem(READERS, "txt", out_of_memory)
        check(plans, evidence, cache)
    assert snapshots(cache) == []
    assert check(plans, evidence, cache) == check(plans, evidence, None)


def parts(cache: Path) -> set[str]:
    with sqlite3.connect(cache / DB_NAME) as db:
        return {sha for (sha,) in db.execute("SELECT sha256 FROM entries WHERE kind = 'catalogue-part'")}


def resolved_paths(monkeypatch) -> list[str]:  # noqa: ANN001
    """The paths of the files the scan resolves one by one from now on."""
    paths: list[str] = []
    real = scan_module._item

    def item(entry, *args, **kwargs):  # noqa: ANN001, ANN002, ANN003, ANN202
        paths.append(entry.rel)
        return real(entry, *args, **kwargs)

    monkeypatch.setattr(scan_module, "_item", item)
    return paths


def test_after_one_file_changed_only_it_is_read_and_resolved_and_only_its_part_written(case, monkeypatch):
    """The other items come from the latest catalogue as they were: a one-file change costs one file, not the
    folder (a 6,000-file group folder: 9.6 s before, most of it making every item again)."""
    plans, evidence, cache = case
    monkeypatch.setattr(snapshot_module, "PART_ITEMS", 4)        # many parts in a small folder
    check(plans, evidence, cache)
    before = parts(cache)
    changed = evidence / "debriefs" / "2026-10-09-post-incident-debrief.md"
    changed.write_text(changed.read_text() + "\nRP-05: the registered manager reviewed this debrief.\n")
    plain = check(plans, evidence, None)
    with monkeypatch.context() as m:
        resolved = resolved_paths(m)
        assert check(plans, evidence, cache) == plain
    assert resolved == ["debriefs/2026-10-09-post-incident-debrief.md"]
    after = parts(cache)
    assert len(before) > 8 and len(after - before) == 1 and len(before - after) == 1
    assert len(snapshots(cache)) == 1
    with monkeypatch.context() as m:
        no_item_resolved(m)
        assert check(plans, evidence, cache) == plain          # the new catalogue, whole


def test_an_id_a_changed_file_now_claims_moves_the_unchanged_file_that_had_it(case, monkeypatch):
    """Ids are given across items: an item taken from the latest catalogue is given its id again."""
    plans, evidence, cache = case
    check(plans, evidence, cache)
    notes = evidence / "supervision" / "2026-05-20-supervision-liam-novak.md"
    notes.write_text(notes.read_text().replace("id: sup-2026-05-20-oakview-ln",
                                               "id: debriefs-2026-10-09-post-incident-debrief"))
    plain = check(plans, evidence, None)
    with monkeypatch.context() as m:
        resolved = resolved_paths(m)
        assert check(plans, evidence, cache) == plain
    assert resolved == ["supervision/2026-05-20-supervision-liam-novak.md"]
    assert '"debriefs-2026-10-09-post-incident-debrief-2"' in plain      # the debrief, unchanged, made unique


def test_an_unchanged_item_keeps_or_gives_up_its_slug_as_a_first_scan_would(tmp_path, monkeypatch):
    """An item taken from the latest catalogue whose id is its path's slug carries that slug into the new scan
    (evidence_store.ids.taken_again): a new file sorted before it that has the same slug takes it, as in a scan
    without the cache, and an item made unique gets its plain slug back when the other file goes."""
    from evidence_store.cache import open_cache
    from evidence_store.catalogue import scan

    monkeypatch.setattr(cache_module, "RACY_SECONDS", 0.0)
    folder = tmp_path / "evidence"
    (folder / "notes").mkdir(parents=True)
    (folder / "notes" / "a-b.md").write_text("RP-01 discussed.\n")
    (folder / "notes" / "c.md").write_text("nothing\n")
    with open_cache(tmp_path / "cache") as store:
        def same_as_without_the_cache() -> dict[str, str]:
            kept = scan(folder, {"RP-01"}, cache=store)
            assert kept == scan(folder, {"RP-01"})
            store.flush()
            return {item.path: item.id for item in kept.items}

        assert same_as_without_the_cache()["notes/a-b.md"] == "notes-a-b"
        (folder / "notes" / "a b.md").write_text("RP-02 discussed.\n")          # sorts first, same slug
        assert same_as_without_the_cache() == {"notes/a b.md": "notes-a-b", "notes/a-b.md": "notes-a-b-2",
                                               "notes/c.md": "notes-c"}
        (folder / "notes" / "a b.md").unlink()
        (folder / "notes" / "c.md").write_text("changed\n")
        assert same_as_without_the_cache() == {"notes/a-b.md": "notes-a-b", "notes/c.md": "notes-c"}
