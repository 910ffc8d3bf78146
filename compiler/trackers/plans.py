"""A tracker named where a plan file is (`check`, `build`): its plans imported in memory, their findings pointing at
the tracker's cells, the import's warnings on standard error."""
from __future__ import annotations

import hashlib
import sys
from collections.abc import Callable

from compiler.errors import SgpackError
from compiler.model.plan import Plan
from compiler.trackers import Options, read_tracker


def tracker_plans(file: str, *, options: Options | None = None, digests: dict[str, str] | None = None,
                  warn: Callable[[str], None] | None = None) -> list[Plan]:
    """The plans of the tracker `file`. A value the schema refuses is reported at its cell:
    `tracker.xlsx!Action plan!E9: actions[2].due: ...`."""
    from compiler.plans.loader import load_plan_text

    warn = warn or (lambda text: print(f"note: {text}", file=sys.stderr))
    imported = read_tracker(file, options)
    if digests is not None:
        with open(file, "rb") as handle:
            digests[file] = hashlib.file_digest(handle, "sha256").hexdigest()
    for text in [*imported.notes, *imported.report.warnings]:
        warn(f"{imported.tracker}: {text}")
    plans = []
    for _, emitted in imported.plans:
        try:
            plan = load_plan_text(emitted.text.encode("utf-8"), imported.tracker)
        except SgpackError as exc:
            cell = emitted.cells.get(exc.line) if exc.line else None
            raise SgpackError(exc.message, file=f"{imported.tracker}!{cell}" if cell else imported.tracker,
                              field=exc.field) from None
        plans.append(plan.model_copy(update={"cells": emitted.cells}))
    return plans
