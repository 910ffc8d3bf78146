"""Evidence models live in evidence_store (it knows files, not plans); re-exported for the compiler."""
from __future__ import annotations

from evidence_store.model import Catalogue, EvidenceItem, Link, ScoreRow, SeriesPoint

__all__ = ["Catalogue", "EvidenceItem", "Link", "ScoreRow", "SeriesPoint"]
