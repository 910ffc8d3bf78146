"""The evidence folder is never written: check on a read-only copy, and a full before/after listing."""
from __future__ import annotations

import hashlib
import os
import shutil
import stat
from pathlib import Path

from click.testing import CliRunner

from compiler.cli import cli

ROOT = Path(__file__).resolve().parents[2]


def listing(root: Path) -> dict[str, tuple]:
    """Every entry under root (root included): type and permissions, size, mtime, and a hash of the bytes."""
    out = {}
    for dirpath, dirnames, filenames in os.walk(root, followlinks=False):
        for name in [".", *dirnames, *filenames]:
            path = os.path.join(dirpath, name)
            st = os.lstat(path)
            digest = None
            if stat.S_ISREG(st.st_mode):
                with open(path, "rb") as handle:
                    digest = hashlib.sha256(handle.read()).hexdigest()
            elif stat.S_ISLNK(st.st_mode):
                digest = os.readlink(path)
            out[os.path.relpath(path, root)] = (st.st_mode, st.st_size, st.st_mtime_ns, st.st_ino, digest)
    return out


def test_check_on_a_read_only_copy_changes_nothing(tmp_path):
    evidence = tmp_path / "evidence"
    shutil.copytree(ROOT / "examples" / "evidence", evidence, symlinks=True)
    plans = ROOT / "examples" / "plans"
    args = ["check", str(plans), "--evidence", str(evidence), "--as-of", "2026-11-20", "--format", "json",
            "--fail-on", "never"]
    writable = CliRunner().invoke(cli, args)
    for dirpath, dirnames, filenames in os.walk(evidence):                # chmod -R a-w
        for name in [*dirnames, *filenames]:
            path = os.path.join(dirpath, name)
            os.chmod(path, os.lstat(path).st_mode & ~0o222)
    os.chmod(evidence, os.lstat(evidence).st_mode & ~0o222)
    try:
        before = listing(evidence)
        result = CliRunner().invoke(cli, args)
        again = CliRunner().invoke(cli, args)
        # as root (CI) chmod does not stop writes: the listing is the real proof
        assert listing(evidence) == before
    finally:
        for dirpath, dirnames, filenames in os.walk(evidence):
            os.chmod(dirpath, 0o755)
    assert result.exit_code == 0 and result.exception is None, result.output
    assert result.output == writable.output == again.output               # same answer, read-only or not
    assert not list(tmp_path.glob("evidence*/**/.*"))                       # no hidden files left behind
