"""Plan YAML -> Plan models, keeping the line of every field (the format: docs/plans.md)."""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

# imported on first use: finding the plan files (compiler.plans.files) needs no models
if TYPE_CHECKING:
    from compiler.plans.loader import load_plan_file, load_plans

__all__ = ["load_plans", "load_plan_file"]


def __getattr__(name: str) -> Any:
    if name not in __all__:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    from compiler.plans import loader

    return getattr(loader, name)
