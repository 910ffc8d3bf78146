"""Plans from the trackers providers keep (Excel, Word tables, CSV): `sgpack import`, and trackers named wherever a
plan file is (docs/trackers.md).

    a tracker's bytes --evidence_store.grid (readers, under the evidence limits)--> Book
    Book --layout--> tables (header row under the title block, merged cells filled down, the key)
    table --fields--> PlanDraft (each value with its cell, option or the words it was inferred from) + Report
    PlanDraft --yamlout--> sgpack/plan@1 YAML with a comment per value (merged into an existing plan file)
    YAML --compiler.plans.loader--> Plan, whose findings point at the tracker's cells
"""
from __future__ import annotations
