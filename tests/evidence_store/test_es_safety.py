"""The walk: never writes, never follows a link out of the folder, skips hidden and metadata files."""
from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from es_fixtures import docx_bytes, pdf_bytes, tree_snapshot, write, xlsx_bytes

from evidence_store import EvidenceFolderError, scan

ROOT = Path(__file__).resolve().parents[2]
OUTSIDE = "link points outside the evidence folder"


def test_symlink_to_a_file_outside_is_listed_and_never_read(folder, tmp_path):
    secret = write(tmp_path / "secret.txt", "SENTINEL-7f3a RP-01")
    os.symlink(secret, folder / "leak.txt")
    os.symlink(tmp_path, folder / "up")                    # a folder outside
    item_by_path = {i.path: i for i in scan(folder, ["RP-01"]).items}
    for path in ("leak.txt", "up"):
        item = item_by_path[path]
        assert (item.status, item.reason, item.text, item.sha256, item.links) == (
            "unreadable", OUTSIDE, "", "", [])


def test_outside_target_is_never_opened(folder, tmp_path):
    """Record every open() in a child process with an audit hook."""
    secret = write(tmp_path / "outside" / "secret.txt", "SENTINEL")
    os.symlink(secret, folder / "leak.txt")
    os.symlink(secret.parent, folder / "outside-dir")
    os.symlink("../outside/secret.txt", folder / "relative-leak.txt")
    write(folder / "ok.txt", "fine")
    script = textwrap.dedent(f"""
        import json, sys
        opened = []
        def hook(event, args):
            if event == "open" and isinstance(args[0], (str, bytes)):
                opened.append(str(args[0]))
        sys.addaudithook(hook)
        from evidence_store import scan
        items = scan({str(folder)!r}, ["RP-01"]).items
        print(json.dumps({{"opened": opened, "items": [[i.path, i.status, i.reason] for i in items]}}))
    """)
    run = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    report = json.loads(run.stdout)
    assert not [p for p in report["opened"] if p.startswith(str(secret.parent))]
    assert any(p.endswith("ok.txt") for p in report["opened"])
    assert report["items"] == [
        ["leak.txt", "unreadable", OUTSIDE], ["ok.txt", "ok", None],
        ["outside-dir", "unreadable", OUTSIDE], ["relative-leak.txt", "unreadable", OUTSIDE]]


def test_links_inside_the_folder(folder):
    write(folder / "real" / "a.txt", "RP-01 here")
    os.symlink("real/a.txt", folder / "alias.txt")
    os.symlink("real", folder / "dirlink")
    os.symlink("missing.txt", folder / "broken.txt")
    os.symlink("loop.txt", folder / "loop.txt")
    items = {i.path: i for i in scan(folder, ["RP-01"]).items}
    assert items["alias.txt"].status == "ok" and items["alias.txt"].text == "RP-01 here"
    assert (items["dirlink"].status, items["dirlink"].reason) == (
        "not_read", "link to a folder; links to folders are not followed")
    assert items["broken.txt"].reason == "link target cannot be found"
    assert items["loop.txt"].status == "unreadable"
    assert "dirlink/a.txt" not in items


def test_hidden_lock_and_metadata_files_are_not_items(folder):
    write(folder / ".git" / "config", "x")
    write(folder / ".DS_Store", "x")
    write(folder / "minutes" / "~$draft.docx", "lock")
    write(folder / "minutes" / "a.txt", "x")
    write(folder / "minutes" / "a.txt.meta.yaml", "title: A\n")
    write(folder / "evidence.yaml", "{}\n")
    write(folder / "sub" / "evidence.yaml", "{}\n")          # only the root one is the index
    assert [i.path for i in scan(folder).items] == ["minutes/a.txt", "sub/evidence.yaml"]


def test_special_files_are_not_opened(folder):
    os.mkfifo(folder / "pipe.txt")
    item = scan(folder).items[0]
    assert (item.status, item.reason) == ("unreadable", "not a regular file (a device, pipe or socket)")


def test_bad_file_names(folder):
    os.close(os.open(os.path.join(os.fsencode(folder), b"evid\xff.pdf"), os.O_CREAT | os.O_WRONLY))
    write(folder / "invoice\u202efdp.txt", "x")
    items = scan(folder).items
    assert {(i.path, i.reason) for i in items} == {
        ("evid\\xff.pdf", "file name is not valid UTF-8; rename the file"),
        ("invoice\\u202efdp.txt", "file name contains control or invisible characters; rename the file"),
    }
    json.dumps([i.model_dump(mode="json") for i in items])    # every path can be written out


def test_items_sorted_by_relative_posix_path(folder):
    for name in ("b/z.txt", "a.txt", "b/a/y.txt", "B.txt"):
        write(folder / name, "x")
    assert [i.path for i in scan(folder).items] == ["B.txt", "a.txt", "b/a/y.txt", "b/z.txt"]


def test_scan_never_modifies_the_folder(folder, tmp_path):
    write(folder / "minutes" / "2026-04-12 qsc.docx", docx_bytes(["RP-01"], title="QSC"))
    write(folder / "board" / "r.pdf", pdf_bytes(["RP-01"]))
    write(folder / "audits" / "a.xlsx", xlsx_bytes({"s": [["date", "audit", "score"], ["2026-01-01", "x", 1]]}))
    write(folder / "audits" / "a.xlsx.meta.yaml", "type: audit\n")
    write(folder / "evidence.yaml", "board/r.pdf: {id: board-q1}\n")
    write(folder / "notes.md", "---\nid: n\n---\nbody\n")
    write(folder / "bad.csv", b"\xff\xfe\x00")
    os.symlink(write(tmp_path / "out.txt", "x"), folder / "leak.txt")
    before = tree_snapshot(folder)
    outside_before = tree_snapshot(tmp_path)
    scan(folder, ["RP-01"])
    scan(folder, ["RP-01"])
    assert tree_snapshot(folder) == before
    assert tree_snapshot(tmp_path) == outside_before         # no temp files beside it either


def test_progress_is_reported_per_file(folder):
    for n in range(3):
        write(folder / f"{n}.txt", "x")
    calls = []
    scan(folder, progress=lambda done, total: calls.append((done, total)))
    assert calls == [(1, 3), (2, 3), (3, 3)]


def test_missing_folder_is_a_user_error(tmp_path):
    with pytest.raises(EvidenceFolderError, match="evidence folder not found"):
        scan(tmp_path / "nope")


def test_catalogue_root_is_the_folder_as_given(folder):
    assert scan(str(folder)).root == str(folder)
