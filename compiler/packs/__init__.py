"""Packs: assembly (which plans, actions and exhibits a pack holds, how they group) and one unit per pack.

The pack profiles (packs/*.yaml) are the list of packs. Each names a module `compiler.packs.<name>` whose
`write(job)` builds its view (compiler.views), lays it out with the kits (compiler.render) and writes its
files into the staging folder. A pack whose module cannot be imported is a bug, reported as one.
"""
from __future__ import annotations

import importlib
from collections.abc import Callable
from functools import lru_cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from compiler.packs.job import BuildJob

PackWriter = Callable[["BuildJob"], None]


@lru_cache(maxsize=1)
def pack_names() -> tuple[str, ...]:
    """Every pack, in profile order: the shipped profiles are the list (read without validating, so the
    command line can offer the names at once)."""
    import yaml

    from compiler.shipped import asset_dir

    found = []
    for source in asset_dir("packs").iterdir():
        if source.name.endswith(".yaml"):
            data = yaml.safe_load(source.read_text(encoding="utf-8"))
            found.append((data["order"], data["name"]))
    return tuple(name for _, name in sorted(found))


def pack_writer(name: str) -> PackWriter:
    """The `write` function of the pack `name` (a profile must name it)."""
    from compiler.packs.profiles import load_profile

    load_profile(name)
    return importlib.import_module(f"{__name__}.{name}").write
