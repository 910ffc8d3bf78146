"""Where the shipped templates/, packs/ and examples/ folders are: installed package data, or the source checkout."""
from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent
_SOURCE_ROOT = _PACKAGE.parent


def asset_dir(name: str) -> Path:
    """`templates`, `packs` or `examples`: installed as compiler/assets/<name> (see pyproject's
    package-dir), else the repository's top-level folder of that name."""
    installed = _PACKAGE / "assets" / name
    return installed if installed.is_dir() else _SOURCE_ROOT / name
