"""Text mentions of action and plan ids: whole words, case-sensitive, first place plus a count."""
from __future__ import annotations

import pytest
from es_fixtures import write

from evidence_store import scan
from evidence_store.links import mention_pattern


@pytest.mark.parametrize("text, found", [
    ("RP-01 done", True), ("(RP-01)", True), ("see RP-01.", True), ("RP-01/RP-02", True), ("RP-01-", True),
    ("RP-010", False), ("XRP-01", False), ("rp-01", False), ("RP-01a", False), ("RP-01-b", False), ("ARP-01", False),
    ("_RP-01", False),
])
def test_whole_word_boundaries(text, found):
    pattern = mention_pattern(["RP-01"])
    assert bool(pattern.search(text)) is found


def test_longer_plan_id_is_not_mistaken_for_a_shorter_one():
    pattern = mention_pattern(["SAP-2026", "SAP-2026-007"])
    assert [m.group(1) for m in pattern.finditer("SAP-2026-007 and SAP-2026")] == ["SAP-2026-007", "SAP-2026"]


def test_one_link_per_target_with_first_place_and_count(folder):
    write(folder / "log.txt", "nothing\nRP-01 first\nRP-01 RP-01 same line\n\nRP-01 last\nRP-02 once\n")
    item = scan(folder, ["RP-01", "RP-02", "RP-03"]).items[0]
    assert [(l.target, l.source, l.why) for l in item.links] == [
        ("RP-01", "mention", "RP-01 mentioned on line 2 (and 2 more places)"),
        ("RP-02", "mention", "RP-02 mentioned on line 6"),
    ]


def test_no_ids_no_mentions(folder):
    write(folder / "log.txt", "RP-01\n")
    assert scan(folder).items[0].links == []


def test_ids_with_other_characters_are_found_as_whole_words_too():
    pattern = mention_pattern(["RP.01", "SAP/7", "RP-02"])
    assert [m.group(1) for m in pattern.finditer("RP-02, then SAP/7 and RP.01; not RP.010 or xSAP/7")] == [
        "RP-02", "SAP/7", "RP.01"]
    assert pattern.search("RP.010") is None
