"""The evidence catalogue: an evidence folder -> EvidenceItem list. Knows files and formats, not plans."""
from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

# Names are imported on first use, so a caller that only walks a folder (evidence_store.survey)
# does not pay for the models and readers.
_WHERE = {"Catalogue": "model", "EvidenceItem": "model", "Link": "model", "ScoreRow": "model",
          "SeriesPoint": "model", "EvidenceCache": "cache", "open_cache": "cache", "Limits": "limits",
          "describe_limits": "limits", "display_name": "paths", "EvidenceFolderError": "survey", "scan": "catalogue",
          "Document": "document", "documents": "shown", "Unshown": "shown"}

__all__ = sorted(_WHERE)

if TYPE_CHECKING:
    from .cache import EvidenceCache, open_cache
    from .catalogue import scan
    from .document import Document
    from .limits import Limits, describe_limits
    from .model import Catalogue, EvidenceItem, Link, ScoreRow, SeriesPoint
    from .paths import display_name
    from .shown import Unshown, documents
    from .survey import EvidenceFolderError


def __getattr__(name: str) -> Any:
    if name not in _WHERE:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f".{_WHERE[name]}", __name__), name)
    globals()[name] = value
    return value

