"""Incremental CQC builds: a rebuild takes the PDF body, the Word pack, charts and exhibit pages from the
cache when nothing they show changed, and whatever it reuses, the pack is byte-identical to a build
with no cache at all — after no change, after one evidence file changed, and with a damaged entry."""
from __future__ import annotations

import datetime as dt
import shutil
import sqlite3
from pathlib import Path

import pytest

from compiler import pipeline
from compiler.packs import cqc as cqc_mod
from compiler.render.pdf import bundle as bundle_mod
from evidence_store.cache import DB_NAME, open_cache

EXAMPLE = Path(__file__).resolve().parents[2] / "examples"
AS_OF = dt.date(2026, 11, 20)
OUTPUTS = ("cqc-pack.pdf", "cqc-pack.docx", "manifest.json")


def _build(evidence: Path, out: Path, cache_dir: Path | None) -> dict[str, bytes]:
    cache = open_cache(cache_dir) if cache_dir is not None else None
    try:
        pipeline.build([EXAMPLE / "plans"], evidence, "cqc", as_of=AS_OF, out=out, cache=cache)
    finally:
        if cache is not None:
            cache.close()
    return {name: (out / name).read_bytes() for name in OUTPUTS}


@pytest.fixture()
def evidence(tmp_path):
    folder = tmp_path / "evidence"
    shutil.copytree(EXAMPLE / "evidence", folder)
    return folder


def _forbid(monkeypatch, module, name: str) -> None:
    def refuse(*args, **kwargs):
        raise AssertionError(f"{name} ran: the cache should have answered")

    monkeypatch.setattr(module, name, refuse)


def test_a_rebuild_of_unchanged_inputs_renders_nothing_again_and_is_identical(tmp_path, evidence, monkeypatch):
    cache = tmp_path / "cache"
    cold = _build(evidence, tmp_path / "cold", cache)
    _forbid(monkeypatch, bundle_mod, "converge")
    _forbid(monkeypatch, cqc_mod, "render_template")
    warm = _build(evidence, tmp_path / "warm", cache)
    monkeypatch.undo()
    plain = _build(evidence, tmp_path / "plain", None)
    assert cold == warm == plain


def test_one_changed_evidence_file_gives_the_clean_build_of_the_new_inputs(tmp_path, evidence):
    cache = tmp_path / "cache"
    _build(evidence, tmp_path / "before", cache)
    notes = sorted(evidence.rglob("*.md"))
    changed = notes[0]
    changed.write_text(changed.read_text(encoding="utf-8") + "\nAdded after the first build: reviewed again.\n",
                       encoding="utf-8")
    warm = _build(evidence, tmp_path / "after", cache)
    plain = _build(evidence, tmp_path / "plain", None)
    assert warm == plain
    before = (tmp_path / "before" / "cqc-pack.pdf").read_bytes()
    assert warm["cqc-pack.pdf"] != before                    # the new SHA-256 is printed: not the old pack


def test_after_one_changed_file_only_the_body_parts_it_shows_in_are_laid_out_again(tmp_path, evidence,
                                                                                   monkeypatch):
    """The body is laid out in parts (here one action a part). A changed evidence file changes the front (it
    is keyed by the whole view model), the index (it prints the SHA-256) and whatever shows the file or a page
    number that moved; the other parts come from the cache, and the pack is still the clean build's."""
    from compiler.packs.cqc import story
    from compiler.render.pdf import layout as pdf_mod

    monkeypatch.setattr(story, "ACTIONS_PER_PART", 1)
    cache = tmp_path / "cache"
    _build(evidence, tmp_path / "before", cache)
    changed = sorted(evidence.rglob("*.md"))[0]
    changed.write_text(changed.read_text(encoding="utf-8") + "\nAdded after the first build.\n", encoding="utf-8")

    laid, parts = [], []
    real_lay, real_parts = pdf_mod._lay_out_part, story.parts

    def lay(head, look, part, pages, *, dry, split_rows):
        if not dry:
            laid.append(part.key)
        return real_lay(head, look, part, pages, dry=dry, split_rows=split_rows)

    def every(ctx, theme_key):
        parts[:] = real_parts(ctx, theme_key)
        return parts

    monkeypatch.setattr(pdf_mod, "_lay_out_part", lay)
    monkeypatch.setattr(story, "parts", every)
    warm = _build(evidence, tmp_path / "after", cache)
    assert len(parts) > 4
    front, index, back = parts[0].key, parts[-2].key, parts[-1].key
    assert front in laid and index in laid              # the summary and the index show every exhibit
    assert back not in laid                             # the gap report and the appendix list: unchanged
    assert 2 <= len(set(laid)) < len(parts) - 1
    monkeypatch.setattr(pdf_mod, "_lay_out_part", real_lay)
    assert warm == _build(evidence, tmp_path / "plain", None)


@pytest.mark.parametrize("kinds, data, entries", [
    (("pdf-body", "docx"), b"%PDF-1.7 not what was kept", 2),        # the whole body and the Word pack
    (("pdf-body", "pdf-body-part"), b"not a PDF", 5),                # the whole body and its 4 parts
])
def test_a_damaged_body_or_word_entry_is_made_again(tmp_path, evidence, kinds, data, entries):
    cache = tmp_path / "cache"
    cold = _build(evidence, tmp_path / "cold", cache)
    db = sqlite3.connect(cache / DB_NAME)
    damaged = db.execute("UPDATE entries SET data = ? WHERE kind IN (?, ?)", (data, *kinds)).rowcount
    db.commit()
    db.close()
    assert damaged == entries
    again = _build(evidence, tmp_path / "again", cache)
    assert again == cold


def test_a_build_stops_its_reader_processes_once_the_check_is_done(tmp_path, evidence, monkeypatch):
    """The reader children keep what they read with; nothing after the check reads in a child, so the
    build stops them rather than carry their memory through the layout and the join."""
    from evidence_store import isolate

    alive = []
    real = bundle_mod.lay_out

    def spy(*args, **kwargs):
        pool = isolate._POOL
        alive.append(0 if pool is None else sum(w.process.poll() is None for w in pool.workers))
        return real(*args, **kwargs)

    monkeypatch.setattr("compiler.packs.cqc.lay_out", spy)
    _build(evidence, tmp_path / "out", None)
    assert alive == [0]


def test_pdf_originals_are_joined_from_the_packs_own_copies_not_held_in_memory(tmp_path, evidence, monkeypatch):
    """A provider-wide bundle's PDF originals come to 100 MB or more: the build keeps only where their copy
    in exhibits/ is, and reads it when the bundle is joined; the pages it lays out for other exhibits wait in a
    scratch folder the same way, which leaves with the build."""
    seen = []
    real = bundle_mod.lay_out

    def spy(recipe, exhibits, **kwargs):
        seen.extend(exhibits)
        return real(recipe, exhibits, **kwargs)

    monkeypatch.setattr("compiler.packs.cqc.lay_out", spy)
    pipeline.build([EXAMPLE / "plans"], evidence, "cqc", as_of=AS_OF, out=tmp_path / "out")
    originals = [ex for ex in seen if ex.row.file_name.lower().endswith(".pdf")]
    rendered = [ex for ex in seen if not ex.row.file_name.lower().endswith(".pdf")]
    assert originals and rendered
    for ex in originals:
        assert ex.pdf is None and ex.path is not None
        assert ex.path.name == ex.row.file_name and ex.path.parent.name == "exhibits"
        assert (tmp_path / "out" / "exhibits" / ex.row.file_name).is_file()
    for ex in rendered:                                    # laid out here, waiting in a scratch folder of the stage
        assert ex.pdf is None and ex.path is not None and ex.path.parent.name.startswith(".sgpack-pages-")
    assert not [p for p in (tmp_path / "out").rglob("*") if ".sgpack-pages-" in str(p)]   # and gone from the pack


def test_a_word_only_build_lays_the_bundle_out_for_its_page_numbers_but_never_joins_it(tmp_path, evidence,
                                                                                      monkeypatch):
    both = tmp_path / "both"
    pipeline.build([EXAMPLE / "plans"], evidence, "cqc", as_of=AS_OF, out=both)
    _forbid(monkeypatch, bundle_mod, "join")
    _forbid(monkeypatch, bundle_mod, "Joiner")
    monkeypatch.setattr("compiler.packs.cqc.join", bundle_mod.join)
    word = tmp_path / "word"
    pipeline.build([EXAMPLE / "plans"], evidence, "cqc", as_of=AS_OF, out=word, formats=("docx",))
    assert not (word / "cqc-pack.pdf").exists()
    assert (word / "cqc-pack.docx").read_bytes() == (both / "cqc-pack.docx").read_bytes()


def test_an_exhibit_its_reader_ran_out_of_time_on_is_not_kept_as_the_files_reason(tmp_path, evidence, monkeypatch):
    """A time-out, the memory limit or a crash says something about that run, not about the file: the next
    build shows the exhibit, and is the clean build's."""
    from evidence_store.shown import Unshown, documents

    def timing_out(files, limits=None):
        made = documents(files, limits)
        return [Unshown("took longer than 20 s to read", transient=True) if fmt == "docx" else doc
                for (fmt, _), doc in zip(files, made)]

    cache = tmp_path / "cache"
    monkeypatch.setattr("compiler.packs.cqc.exhibits.documents", timing_out)
    first = _build(evidence, tmp_path / "first", cache)
    monkeypatch.undo()
    second = _build(evidence, tmp_path / "second", cache)
    assert second == _build(evidence, tmp_path / "plain", None) != first
