"""Which plan files the paths on a command line name: found without reading or validating any."""
from __future__ import annotations

import pathlib
from typing import Iterable

from compiler.errors import SgpackError

PLAN_SUFFIXES = (".yaml", ".yml")
TRACKER_SUFFIXES = (".xlsx", ".xlsm", ".docx", ".csv")   # read as plans when named on the command line
MAX_BYTES = 5 * 1024 * 1024          # a plan file larger than this is refused


def plan_files(paths: Iterable[str | pathlib.Path]) -> list[str]:
    """The plan files named by `paths`, as POSIX paths spelled the way the user gave them."""
    found: list[str] = []
    seen: set[pathlib.Path] = set()
    for given in paths:
        path = pathlib.Path(given)
        shown = path.as_posix()
        if path.is_dir():
            files = sorted(
                (p for p in path.rglob("*") if p.suffix.lower() in PLAN_SUFFIXES and p.is_file()
                 and not any(part.startswith(".") for part in p.relative_to(path).parts)),
                key=lambda p: p.relative_to(path).as_posix())
            if not files:
                raise SgpackError("no plan files (*.yaml, *.yml) in this folder", file=shown)
            candidates = [p.as_posix() for p in files]
        elif path.is_file():
            candidates = [shown]
        elif path.exists():
            raise SgpackError("not a file or folder", file=shown)
        else:
            raise SgpackError("no such file or folder", file=shown)
        for candidate in candidates:
            real = pathlib.Path(candidate).resolve()
            if real not in seen:          # a file given twice (or inside a given folder) is read once
                seen.add(real)
                found.append(candidate)
    if not found:
        raise SgpackError("no plan files given")
    return found
