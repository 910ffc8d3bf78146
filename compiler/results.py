"""The output of a check whose every input is unchanged, kept in the evidence cache.

A check's output (its text and exit code) is a function of the plan files' bytes and the
paths they were given by, the evidence folder (as given and as found) and everything its
catalogue is made of, --as-of, the output options (format, verbose, fail-on), and the code
and libraries that judge and print. When all of them are known without reading an evidence
file - every file's hash is remembered with its size, mtime, ctime, device and inode, as for
the whole-catalogue key of evidence_store.snapshot - they make a key, and the output stored
under it is printed as it is, without loading the catalogue or assessing anything. Any piece
of the key missing (a file changed or never seen, no cache, --no-cache) means the check runs
as ever and keeps what it printed for next time. A damaged entry is dropped and the check runs.
Only the latest output for one evidence folder, set of plan paths and format is kept.

This module is on the path of every cached check: it imports no models, rules or readers'
libraries until a check has to run.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import sys
import zlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from evidence_store.cache import EvidenceCache

KIND = "check"
FORMAT = "1"                      # bump when what is stored changes shape

_LIBRARIES = ("click",)           # the evidence_store digest names the others
_code: str | None = None


@dataclass(frozen=True)
class Options:
    """What the output is asked for in."""
    as_of: dt.date
    fmt: str
    verbose: bool
    fail_on: str
    index: str | None = None      # --index FILE: an evidence index kept outside the folder


@dataclass(frozen=True)
class Output:
    """What a check printed (stdout, without click.echo's final newline) and its exit code."""
    text: str
    exit_code: int


@dataclass
class Pending:
    """A check that may be kept once it has run: where it goes, and what its key is made of so far.
    Give `surveyed` and `plan_digests` to pipeline.check, so the key is of what the check read."""
    cache: EvidenceCache
    slot: str
    head: list
    surveyed: Any                  # evidence_store.survey.Survey
    plan_digests: dict[str, str] = field(default_factory=dict)
    index: str | None = None       # the --index file, hashed into the head


def code_digest() -> str:
    """This package's source and data, the evidence catalogue's code and libraries, click and Python."""
    global _code
    if _code is None:
        from importlib import metadata

        from evidence_store.shelf import package_digest
        from evidence_store.snapshot import code_digest as evidence_code

        versions = ",".join(f"{name}={metadata.version(name)}" for name in _LIBRARIES)
        _code = f"{package_digest('compiler')}|{evidence_code()}|{versions}|{sys.version}"
    return _code


def look_up(cache: EvidenceCache | None, plan_paths: Sequence[str | Path], evidence: str | Path,
            options: Options) -> tuple[Output | None, Pending | None]:
    """(the stored output, None) when every input is as it was for a check kept before;
    (None, a Pending to keep this check's output by) when it must run; (None, None) without a
    cache, or when the plans or the folder cannot be found (the check then says why)."""
    from evidence_store.shelf import Shelf

    if not Shelf(cache, KIND, "").on:
        return None, None
    from compiler.errors import SgpackError
    from compiler.plans.files import MAX_BYTES, plan_files
    from evidence_store.survey import EvidenceFolderError, survey

    try:
        files = plan_files(plan_paths)
        if any(os.stat(file).st_size > MAX_BYTES for file in files):
            return None, None                   # the loader refuses it, and says so
        plans = [[file, hashlib.sha256(Path(file).read_bytes()).hexdigest()] for file in files]
        surveyed = survey(evidence, cache=cache)
    except (SgpackError, EvidenceFolderError, OSError):
        return None, None
    if surveyed.cache is None:                  # e.g. the cache folder is inside the evidence folder
        return None, None
    index = _index_digest(options.index)
    if options.index is not None and index is None:
        return None, None                       # the check says why the index cannot be used
    head = [FORMAT, code_digest(), options.as_of.isoformat(), options.fmt, options.verbose, options.fail_on,
            surveyed.shown, surveyed.root, [str(p) for p in plan_paths], options.index, index]
    slot = f"{FORMAT}:" + _digest([surveyed.shown, surveyed.root, [str(p) for p in plan_paths], options.fmt,
                                   options.verbose])[:32]
    pending = Pending(cache, slot, head, surveyed, index=options.index)
    key = _key(head, plans, surveyed.key())
    if key is None:
        return None, pending
    found = Shelf(cache, KIND, slot).find(key, _read)
    return (found, None) if found is not None else (None, pending)


def _index_digest(path: str | None) -> str | None:
    """The SHA-256 of the --index file's bytes; None without one, or when it cannot be read."""
    if path is None:
        return None
    try:
        with open(path, "rb") as handle:
            return hashlib.file_digest(handle, "sha256").hexdigest()
    except OSError:
        return None


def _read(value: Any, data: bytes | None) -> Output:
    if not isinstance(value, dict) or value.get("format") != FORMAT or type(value.get("exit")) is not int \
            or not isinstance(data, bytes):
        raise ValueError("not a check entry")
    return Output(zlib.decompress(data).decode("utf-8"), value["exit"])


def keep(pending: Pending | None, output: Output) -> None:
    """Keep what a check printed, keyed by what it read: the plan files' bytes as loaded and each
    evidence file's hash as scanned. Nothing is kept when a piece is missing."""
    if pending is None or pending.surveyed.used is None or not pending.plan_digests:
        return
    if pending.index is not None and _index_digest(pending.index) != pending.head[-1]:
        return                         # the index changed while the check ran: what it printed may be of either
    plans = [[file, sha] for file, sha in pending.plan_digests.items()]
    key = _key(pending.head, plans, pending.surveyed.key(shas=pending.surveyed.used))
    if key is None:
        return
    try:
        data = zlib.compress(output.text.encode("utf-8"), 1)
    except UnicodeError:               # e.g. a lone surrogate: it cannot be printed the same way again
        return
    from evidence_store.shelf import Shelf

    Shelf(pending.cache, KIND, pending.slot).keep(key, {"format": FORMAT, "exit": output.exit_code}, data,
                                                  replace=True)


def _key(head: list, plans: list, evidence: str | None) -> str | None:
    if evidence is None or not plans or not all(sha for _, sha in plans):
        return None
    return _digest([head, plans, evidence])


def _digest(value: Any) -> str:
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()
