"""One writer per pack: module `compiler.writers.packs.<name>` defines `write(job: BuildJob) -> None`,
writing the pack's files into the staging folder."""
from __future__ import annotations

import importlib
import importlib.util
from collections.abc import Callable

from compiler.packs.profiles import PACK_NAMES
from compiler.writers.packs.job import BuildJob

PackWriter = Callable[[BuildJob], None]


def writers() -> dict[str, PackWriter]:
    """The packs this version can build, in profile order (imported lazily: they pull in reportlab)."""
    found = {}
    for name in PACK_NAMES:
        module_name = f"{__name__}.{name}"
        if importlib.util.find_spec(module_name) is not None:
            found[name] = importlib.import_module(module_name).write
    return found
