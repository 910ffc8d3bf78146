"""Garbage-collector policy for the few phases that build large, long-lived object graphs."""
from __future__ import annotations

import contextlib
import gc
from collections.abc import Iterator


@contextlib.contextmanager
def young_collections_only() -> Iterator[None]:
    """Collect only the youngest generation meanwhile; the thresholds are put back afterwards.

    A check builds a few hundred thousand objects that live until it ends (plans, catalogue, assessment),
    and each body pass allocates millions of short-lived ones while those stay alive: full collections
    walk the survivors again and again as they grow (a quarter of a warm check, a tenth of the body)."""
    before = gc.get_threshold()
    gc.set_threshold(before[0], 1_000_000, 1_000_000)
    try:
        yield
    finally:
        gc.set_threshold(*before)
