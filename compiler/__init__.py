"""sgpack: a compiler for safeguarding action plans in adult social care."""
from __future__ import annotations

__version__ = "0.1.0"
