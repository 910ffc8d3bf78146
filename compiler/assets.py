"""Where the shipped templates/ and packs/ folders are: installed package data, or the source checkout."""
from __future__ import annotations

from importlib import resources
from importlib.abc import Traversable
from pathlib import Path

_SOURCE_ROOT = Path(__file__).resolve().parent.parent


def asset_dir(name: str) -> Traversable:
    """`templates` or `packs`: installed as compiler.assets.<name>, else the repository's top-level folder."""
    try:
        return resources.files(f"compiler.assets.{name}")
    except ModuleNotFoundError:
        return _SOURCE_ROOT / name
