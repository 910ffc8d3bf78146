"""The list of packs: the shipped pack profiles, and the module that writes each.

A profile (packs/<name>.yaml) names its pack; `compiler.packs.<name>` writes it. The command line offers the
names at once (the profiles are read without validating them); a pack whose module cannot be imported is a
bug, reported as one, never a pack quietly missing from the list.
"""
from __future__ import annotations

import importlib
from collections.abc import Callable
from functools import lru_cache

PackWriter = Callable[..., None]          # write(job: compiler.packs.job.BuildJob) -> None


@lru_cache(maxsize=1)
def pack_names() -> tuple[str, ...]:
    """Every pack, in profile order."""
    import yaml

    from compiler.shipped import asset_dir

    found = []
    for source in asset_dir("packs").iterdir():
        if source.name.endswith(".yaml"):
            data = yaml.safe_load(source.read_text(encoding="utf-8"))
            found.append((data["order"], data["name"]))
    return tuple(name for _, name in sorted(found))


def pack_writer(name: str) -> PackWriter:
    """The `write` function of the pack `name`."""
    if name not in pack_names():
        raise ValueError(f"no pack profile names {name!r}")
    return importlib.import_module(f"compiler.packs.{name}").write
