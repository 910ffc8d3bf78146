"""The one path resolver: what it refuses, how names are shown, and a property over any text."""
from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st
from hostile import write

from evidence_store import Limits
from evidence_store.paths import (PathError, Target, check_entry, display_name, name_problem, read_checked,
                                  relative_problem, resolve)


@pytest.mark.parametrize("rel, why", [
    ("../../etc/passwd", "paths may not use '..'"),
    ("a/../../x", "paths may not use '..'"),
    ("/etc/passwd", "not an absolute path"),
    ("\\\\server\\share\\x", "not an absolute path"),
    ("C:\\x", "not an absolute path"),
    ("c:/x", "not an absolute path"),
    ("~/x", "not a home folder"),
    ("evid\x00.pdf", "NUL"),
    ("", "is empty"),
    ("./", "is empty"),
    ("a\u202etxt.exe", "control or invisible characters"),
    ("a\nb.pdf", "control or invisible characters"),
    ("é" * 200 + ".pdf", "longer than 255 bytes"),
    ("/".join(["d"] * 70) + "/x", "nested deeper than 64"),
])
def test_paths_that_can_never_name_a_file_inside(rel, why):
    assert why in relative_problem(rel)
    with pytest.raises(PathError):
        resolve("/", rel)


def test_resolve_inside_and_out(tmp_path):
    root = tmp_path / "ev"
    write(root / "a" / "b.csv", "x")
    secret = write(tmp_path / "secret.txt", "s")
    os.symlink(secret, root / "leak.csv")
    os.symlink("a/b.csv", root / "alias.csv")
    os.mkfifo(root / "pipe.csv")
    assert resolve(root, "a/b.csv").real == str((root / "a" / "b.csv").resolve())
    assert resolve(root, "./a//b.csv").real == resolve(root, "a\\b.csv").real
    assert resolve(root, "alias.csv").real.endswith("a/b.csv")
    for rel, message in (("leak.csv", "outside the evidence folder"), ("pipe.csv", "not a regular file"),
                         ("a", "a folder"), ("nope.csv", "not in the evidence folder")):
        with pytest.raises(PathError, match=message):
            resolve(root, rel)


def test_display_name_escapes_what_could_mislead_a_reader():
    assert display_name("invoice\u202efdp.exe") == "invoice\\u202efdp.exe"
    assert display_name("a\nb\r.pdf") == "a\\x0ab\\x0d.pdf"
    assert display_name(b"evid\xff.pdf") == "evid\\xff.pdf"
    assert display_name(os.fsdecode(b"evid\xff.pdf")) == "evid\\xff.pdf"
    assert display_name("zero\u200bwidth\ufeff") == "zero\\u200bwidth\\ufeff"
    assert display_name("Zoë – minutes.pdf") == "Zoë – minutes.pdf"          # ordinary text is left alone
    assert display_name(Path("x/\x1b[31m.pdf")) == "x/\\x1b[31m.pdf"      # no terminal escapes


def test_name_limits():
    assert name_problem("a" * 255) is None
    assert "longer than 255 bytes" in name_problem("é" * 128)               # 256 bytes
    assert name_problem("x" * 20, Limits(max_name_bytes=10)) is not None


def test_a_file_swapped_after_the_check_is_not_read(tmp_path):
    root = tmp_path / "ev"
    path = write(root / "a.csv", "checked")
    target = check_entry(str(root.resolve()), str(path.resolve()), is_link=False)
    assert isinstance(target, Target)
    os.replace(write(tmp_path / "other.csv", "swapped in"), path)           # F4: TOCTOU
    data, _, problem = read_checked(target, 1000)
    assert data is None and problem == "file was replaced while the folder was being read; run again"


def test_a_file_turned_into_a_link_after_the_check_is_not_followed(tmp_path):
    root = tmp_path / "ev"
    path = write(root / "a.csv", "checked")
    target = check_entry(str(root.resolve()), str(path.resolve()), is_link=False)
    path.unlink()
    os.symlink(write(tmp_path / "secret.txt", "SECRET"), path)
    data, _, problem = read_checked(target, 1000)
    assert data is None and "cannot be opened" in problem                  # O_NOFOLLOW: ELOOP


PATH_TEXT = st.lists(st.one_of(st.sampled_from(["..", ".", "", "~", "/", "\\", "a", "b.csv", "C:", "\x00",
                                                "\u202e", "é", "e\u0301", "link", "loop"]),
                               st.text(max_size=6)), max_size=8).map("/".join)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rel=st.one_of(PATH_TEXT, st.text(max_size=40)))
def test_resolve_never_returns_a_path_outside_the_root(tmp_path, rel):
    root = tmp_path / "root"
    if not root.exists():
        write(root / "a" / "b.csv", "x")
        write(root / "b.csv", "x")
        write(tmp_path / "outside.csv", "secret")
        os.symlink("../outside.csv", root / "link")
        os.symlink(".", root / "loop")
    real_root = os.path.realpath(root)
    try:
        target = resolve(root, rel)
    except PathError as exc:
        message = str(exc)
        assert "\x00" not in message and "\u202e" not in message and "\n" not in message
        return
    assert target.real.startswith(real_root + os.sep)
    assert os.path.isfile(target.real) and not os.path.islink(target.real)
