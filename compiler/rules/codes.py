"""The rule codes the packs read findings by: named here, beside the rules, so no pack spells a code itself.
A test holds each name to the rule registered under its code."""
from __future__ import annotations

OWNER_NOT_NAMED = "SG201"
RAG_OVERSTATED = "SG402"
ACTION_OVERDUE = "SG403"
REVIEW_OVERDUE = "SG404"
BOARD_ASSURANCE_MISSING = "SG405"

# Findings the Board sees as exceptions whatever their severity: what is late, unreviewed or unreported.
BOARD_EXCEPTIONS = frozenset({ACTION_OVERDUE, REVIEW_OVERDUE, BOARD_ASSURANCE_MISSING})
