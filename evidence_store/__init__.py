"""The evidence catalogue: an evidence folder -> EvidenceItem list. Knows files and formats, not plans."""
from __future__ import annotations

from .cache import EvidenceCache, open_cache
from .limits import Limits, describe_limits
from .model import Catalogue, EvidenceItem, Link, ScoreRow, SeriesPoint
from .paths import display_name
from .scan import EvidenceFolderError, scan

__all__ = ["Catalogue", "EvidenceCache", "EvidenceFolderError", "EvidenceItem", "Limits", "Link", "ScoreRow",
           "SeriesPoint", "describe_limits", "display_name", "open_cache", "scan"]
