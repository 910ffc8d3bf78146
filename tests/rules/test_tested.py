"""Tested: SG301–SG309, evidence present, sufficient, current, readable, linked, dated, a record."""
from __future__ import annotations

import dataclasses

import pytest

from .kit import (D, PLAN_ID, change, clean_items, clean_plan, ctx_for, findings, make_item, make_result,
                  make_series, req_result)


def run(plan, code, items=None, results=None, **kw):
    return findings(ctx_for(plan, clean_items() if items is None else items, results=results, **kw), code)


def _ov01(plan, *reqs):
    (action,) = [a for a in plan.actions if a.id == "OV-01"]
    return {"OV-01": make_result(action, requirements=list(reqs), assessed_rag="amber")}


def _plan_with_lines():
    return change(clean_plan(), "OV-01", lines={"requires[0]": 50, "requires[1]": 53}, line=45)


# SG301 / SG302 / SG303 -----------------------------------------------------------------------------

def test_sg301_fires_on_a_missing_requirement_at_its_line():
    plan = _plan_with_lines()
    results = _ov01(plan, req_result("audit"), req_result("governance_minutes", "missing"))
    (f,) = run(plan, "SG301", results=results)
    assert (f.action, f.line, f.severity) == ("OV-01", 53, "error")
    assert f.message == "OV-01 requires 1 governance_minutes item: none found"
    assert "governance_minutes" in f.hint and "OV-01" in f.hint


def test_sg301_mentions_unreadable_linked_items():
    plan = _plan_with_lines()
    results = _ov01(plan, req_result("audit", "missing", unreadable=["audit-corrupt"]), req_result("governance_minutes"))
    (f,) = run(plan, "SG301", results=results)
    assert f.message == "OV-01 requires 1 audit item: none found (1 linked item unreadable)"


def test_sg302_fires_on_an_insufficient_requirement():
    plan = _plan_with_lines()
    results = _ov01(plan, req_result("audit", "insufficient", count=8, found=5, current=4, within_days=90),
                    req_result("governance_minutes"))
    (f,) = run(plan, "SG302", results=results)
    assert (f.line, f.severity) == (50, "error")
    assert f.message == "OV-01 requires 8 audit items (within 90 days): 5 found, 4 current"
    assert f.hint.startswith("3 more audit item(s)")


def test_sg303_fires_on_a_stale_requirement():
    plan = _plan_with_lines()
    results = _ov01(plan, req_result("audit", "stale", count=4, found=6, current=2, within_days=90),
                    req_result("governance_minutes"))
    (f,) = run(plan, "SG303", results=results)
    assert (f.line, f.severity) == (50, "warning")
    assert f.message == "OV-01 requires 4 audit items (within 90 days): 6 found, 2 current"
    assert "2026-02-20" in f.hint and "90 days before 2026-06-01" in f.hint


@pytest.mark.parametrize("code", ["SG301", "SG302", "SG303"])
def test_requirement_rules_do_not_fire_when_met_or_on_other_statuses(code):
    plan = _plan_with_lines()
    assert run(plan, code) == []
    others = {"SG301": "insufficient", "SG302": "stale", "SG303": "missing"}[code]
    results = _ov01(plan, req_result("audit", others, count=3), req_result("governance_minutes"))
    assert run(plan, code, results=results) == []


# SG304 ---------------------------------------------------------------------------------------------

def test_sg304_fires_per_action_for_an_unreadable_linked_item():
    plan = _plan_with_lines()
    bad = make_item("audit-may", "audit", links=["OV-01", "PC-01"], status="unreadable",
                    reason="PDF is encrypted", date=D(2026, 5, 9))
    found = run(plan, "SG304", items=[*clean_items(), bad])
    assert sorted((f.action, f.evidence, f.line or 0) for f in found) == [("OV-01", "audit-may", 50),
                                                                          ("PC-01", "audit-may", 0)]
    assert [f for f in found if f.action == "OV-01"][0].message == "OV-01: linked evidence audit-may (audits/audit-may.pdf) cannot be read: PDF is encrypted"


def test_sg304_fires_once_on_the_plan_for_an_item_linked_only_to_the_plan():
    bad = make_item("minutes-x", "governance_minutes", links=[PLAN_ID], status="unreadable", reason="corrupt")
    (f,) = run(clean_plan(line=3), "SG304", items=[*clean_items(), bad])
    assert (f.plan, f.action, f.line, f.file) == (PLAN_ID, None, 3, "plans/oakview.yaml")
    assert f.message.startswith(f"{PLAN_ID}: linked evidence minutes-x")


def test_sg304_fires_once_for_an_unreadable_item_linked_to_nothing():
    bad = make_item("broken", "other", path="misc/broken.docx", status="unreadable", reason="not a zip file")
    (f,) = run(clean_plan(), "SG304", items=[*clean_items(), bad], root="evidence")
    assert (f.plan, f.action, f.line, f.evidence) == (None, None, None, "broken")
    assert f.file == "evidence/misc/broken.docx"
    assert f.message == "evidence broken (misc/broken.docx) cannot be read: not a zip file"


def test_sg304_does_not_fire_for_not_read_or_readable_items():
    items = [*clean_items(),
             make_item("video", "other", path="misc/video.mp4", status="not_read", reason="format not read",
                       links=["OV-01"]),
             make_item("loose", "other", path="misc/loose.exe", status="not_read")]
    assert run(clean_plan(), "SG304", items=items) == []


def test_sg304_leaves_an_unreadable_indicator_file_to_sg307():
    items = [i for i in clean_items() if i.id != "ri"]
    items.append(make_item("ri", "indicator", path="indicators/ri.csv", status="unreadable", reason="bad csv"))
    assert run(clean_plan(), "SG304", items=items) == []
    assert [f.rule for f in run(clean_plan(), None, items=items)] == ["SG307"]


# SG305 ---------------------------------------------------------------------------------------------

def test_sg305_fires_for_an_evidence_id_not_in_the_catalogue():
    plan = change(clean_plan(), "OV-01", evidence=["rp-log-audit", "minutes-2026-05-21"],
                  lines={"evidence[1]": 61, "evidence": 59})
    (f,) = run(plan, "SG305")
    assert (f.action, f.evidence, f.line, f.severity) == ("OV-01", "minutes-2026-05-21", 61, "error")
    assert f.message == "OV-01 names evidence minutes-2026-05-21, which is not in the evidence folder"
    assert f.hint.endswith("did you mean minutes-2026-05-20?")


def test_sg305_uses_the_evidence_line_when_entries_have_none():
    plan = change(clean_plan(), "OV-01", evidence=["zzz"], lines={"evidence": 59})
    (f,) = run(plan, "SG305")
    assert f.line == 59 and "did you mean" not in f.hint


def test_sg305_does_not_fire_for_known_ids():
    assert run(change(clean_plan(), "OV-01", evidence=["rp-log-audit"]), "SG305") == []


# SG306 ---------------------------------------------------------------------------------------------

def test_sg306_fires_for_a_readable_item_linked_to_nothing():
    orphan = make_item("care-plan-audit", "audit", path="audits/2026-04-30 care plan audit.docx", date=D(2026, 4, 30))
    (f,) = run(clean_plan(), "SG306", items=[*clean_items(), orphan])
    assert (f.severity, f.plan, f.action, f.line, f.evidence) == ("info", None, None, None, "care-plan-audit")
    assert f.file == "evidence/audits/2026-04-30 care plan audit.docx"
    assert f.message == ("evidence care-plan-audit (audits/2026-04-30 care plan audit.docx) "
                         "is linked to no plan or action")


def test_sg306_names_links_to_ids_no_plan_defines():
    orphan = make_item("stray", "audit", links=["RP-99"], date=D(2026, 4, 30))
    (f,) = run(clean_plan(), "SG306", items=[*clean_items(), orphan])
    assert f.message.endswith("(it names RP-99, which no plan given defines)")


def test_sg306_does_not_fire_for_linked_data_unreadable_or_named_items():
    items = [*clean_items(),
             make_item("named", "audit", date=D(2026, 5, 1)),
             make_item("bad", "audit", status="unreadable", reason="x"),
             make_item("skip", "other", path="x.bin", status="not_read")]
    plan = change(clean_plan(), "OV-01", evidence=["named"])
    assert run(plan, "SG306", items=items) == []    # "ri" is indicator data, others are linked


def test_sg306_sees_a_link_to_a_plan_with_no_actions():
    plan = clean_plan().model_copy(update={"actions": []})
    item = make_item("plan-level", "audit", links=[PLAN_ID], date=D(2026, 5, 1))
    assert run(plan, "SG306", items=[item]) == []


# SG307 ---------------------------------------------------------------------------------------------

def test_sg307_fires_when_the_data_file_is_missing():
    plan = clean_plan(lines={"indicators[0]": 17})
    items = [i for i in clean_items() if i.id != "ri"]
    (f,) = run(plan, "SG307", items=items)
    assert (f.plan, f.action, f.line, f.evidence, f.severity) == (PLAN_ID, None, 17, None, "error")
    assert f.message.startswith("SAP-2026-007: indicator restrictive_interventions: ")
    assert "indicators/ri.csv" in f.message


def test_sg307_fires_with_fewer_than_three_points():
    items = [i for i in clean_items() if i.id != "ri"]
    items.append(make_item("ri", "indicator", path="indicators/ri.csv",
                           series=make_series((D(2026, 1, 1), 9), (D(2026, 2, 1), 8))))
    (f,) = run(clean_plan(), "SG307", items=items)
    assert f.evidence == "ri" and "2 points" in f.message


def test_sg307_does_not_fire_with_enough_points():
    assert run(clean_plan(), "SG307") == []


# SG308 ---------------------------------------------------------------------------------------------

def test_sg308_fires_for_a_linked_undated_item():
    plan = _plan_with_lines()
    undated = make_item("ps-supervision-notes", "audit", links=["OV-01"])
    (f,) = run(plan, "SG308", items=[*clean_items(), undated])
    assert (f.action, f.evidence, f.line, f.severity) == ("OV-01", "ps-supervision-notes", 50, "warning")
    assert f.message == "OV-01: linked evidence ps-supervision-notes (audits/ps-supervision-notes.pdf) has no date"


def test_sg308_fires_once_on_the_plan_for_a_plan_level_item():
    undated = make_item("policy", "policy", links=[PLAN_ID])
    (f,) = run(clean_plan(), "SG308", items=[*clean_items(), undated])
    assert (f.action, f.evidence) == (None, "policy")


def test_sg308_does_not_fire_for_dated_score_tables_or_unlinked_items():
    from builders import make_scores
    items = [*clean_items(),
             make_item("scores", "audit", links=["OV-01"], path="audits/scores.csv",
                       scores=make_scores((D(2026, 5, 1), 92))),
             make_item("unlinked", "audit"),
             make_item("bad", "audit", links=["OV-01"], status="unreadable", reason="x")]
    assert run(clean_plan(), "SG308", items=items) == []


# SG309 ---------------------------------------------------------------------------------------------

def _agenda(**kw):
    return make_item("qsc-agenda", "governance_minutes", path="minutes/QSC Agenda 12.03.26.docx",
                     date=D(2026, 5, 12), record=False,
                     provenance={"type": "file name 'QSC Agenda 12.03.26.docx': 'qsc'",
                                 "record": "an agenda (file name 'QSC Agenda 12.03.26.docx': 'agenda')"}, **kw)


def test_sg309_fires_for_an_agenda_an_action_names():
    plan = change(_plan_with_lines(), "OV-01", evidence=["qsc-agenda"], lines={"evidence[0]": 61, "evidence": 59})
    (f,) = run(plan, "SG309", items=[*clean_items(), _agenda()])
    assert (f.action, f.evidence, f.severity) == ("OV-01", "qsc-agenda", "warning")
    assert f.message == ("OV-01: linked evidence qsc-agenda (minutes/QSC Agenda 12.03.26.docx) is not a record: "
                         "an agenda (file name 'QSC Agenda 12.03.26.docx': 'agenda')")
    assert "record: true" in f.hint


def test_sg309_says_when_metadata_marked_it():
    item = make_item("form", "audit", links=["OV-01"], date=D(2026, 5, 1), record=False,
                     provenance={"type": "folder 'audits'", "record": "evidence.yaml"})
    (f,) = run(clean_plan(), "SG309", items=[*clean_items(), item])
    assert f.message.endswith("is not a record: marked record: false in evidence.yaml")


def test_sg309_is_silent_for_records_and_unlinked_agendas():
    assert run(clean_plan(), "SG309", items=[*clean_items(), _agenda()]) == []
    assert run(clean_plan(), "SG309") == []


def test_a_linked_agenda_counts_for_nothing_and_is_no_orphan():
    from compiler.assess.matching import match_requirement, review_sources
    from compiler.model.evidence import Catalogue
    plan = change(clean_plan(), "OV-01", evidence=["qsc-agenda"])
    action = next(a for a in plan.actions if a.id == "OV-01")
    catalogue = Catalogue(root="evidence", items=[_agenda()])
    req = action.requires[0].model_copy(update={"type": "governance_minutes", "count": 1})
    result = match_requirement(action, plan, req, catalogue, D(2026, 6, 1))
    assert (result.found, result.status, result.unreadable) == (0, "missing", [])
    assert [r.evidence for r in review_sources(action, plan, catalogue, D(2026, 6, 1)) if r.evidence] == []
    assert run(clean_plan(), "SG306", items=[*clean_items(), _agenda()]) == []


# SG305's suggestion on a group's folder: the same as difflib over every id, from one index ---------------

_SERVICES = ["birchwood", "meadowbank", "ashgrove-court", "elmhurst-house", "hollybrook", "kingsmead-lodge",
             "larchfield", "maplecroft-grange", "northgate", "pinewood-court", "queensway", "rosedale-manor"]
_MEETINGS = ["2026-03-12", "2026-04-09", "2026-05-14", "2026-06-11", "2026-07-09", "2026-08-13", "2026-09-17",
             "2026-10-15", "2026-11-12"]


def _service(n: int) -> str:
    return _SERVICES[n % len(_SERVICES)] + ("" if n < len(_SERVICES) else f"-{n // len(_SERVICES) + 1}")


def _group_ids(services: int) -> list[str]:
    """Ids as a care group's folder gives them, per service: committee minutes, supervision notes, audits,
    reviews and policies, as slugs of their paths or as their metadata sets them."""
    ids = []
    for n in range(services):
        s = _service(n)
        ids += [f"{s}-minutes-{day}-quality-and-safeguarding-committee" for day in _MEETINGS]
        ids += [f"sup-2026-{when}-{s}-{who}" for when, who in (("05-20", "ln"), ("08-26", "bc"), ("10-14", "ka"))]
        ids += [f"{s}-audits-2026-{month}-28-pbs-plan-audit" for month in ("05", "06", "07", "08")]
        ids += [f"{s}-rp-log-audit-scores", f"{s}-spot-checks-2026-10-22-spot-check-the-willows",
                f"pbs-review-jt-2026-06-{s}", f"{s}-policies-2026-06-22-record-keeping-and-escalation-policy-v3"]
    return ids


_MISSPELT = {"committee": "commitee", "audit": "audti", "review": "reveiw", "policy": "pollicy", "check": "chek",
             "sup": "supp"}


def _typos(eid: str) -> dict[str, str]:
    """The id as people mistype it: a transposed digit, a dash left out, the wrong case (a capital first letter, as
    a word processor makes it, or a word in capitals), a misspelt word."""
    typos = {}
    month = eid.find("2026-") + 5
    if month > 4 and eid[month] != eid[month + 1]:
        typos["transposed digits"] = eid[:month] + eid[month + 1] + eid[month] + eid[month + 2:]
    dash = [i for i, ch in enumerate(eid) if ch == "-"][2]
    typos["missing dash"] = eid[:dash] + eid[dash + 1:]
    head, rest = eid.split("-", 1)
    typos["wrong case"] = eid.capitalize()
    typos["in capitals"] = f"{head.upper()}-{rest}"
    word = next(w for w in _MISSPELT if w in eid)
    typos["near name"] = eid.replace(word, _MISSPELT[word], 1)
    return typos


def _broken_links(ids: list[str], written: list[str]):
    """A plan whose OV-01 names every id in `written`, and the group's items."""
    items = [*clean_items(), *(make_item(i, "audit") for i in ids)]
    return change(clean_plan(), "OV-01", evidence=written), items


def test_sg305_suggests_what_difflib_over_every_id_suggested_for_typical_typos():
    import difflib
    ids = _group_ids(16)                                    # 20 ids a service
    meant = [ids[(k * 7 % 16) * 20 + k] for k in range(0, 20, 2)]   # every other kind of id, in several services
    cases = {wrong: (kind, eid) for eid in meant for kind, wrong in _typos(eid).items()}
    cases[ids[0].replace("2026-03-12", "2026-12-10")] = ("not in the folder", ids[0])
    cases = [(kind, eid, wrong) for wrong, (kind, eid) in cases.items()]
    plan, items = _broken_links(ids, [wrong for _, _, wrong in cases])
    everything = sorted(i.id for i in items)
    found = {f.evidence: f.hint for f in run(plan, "SG305", items=items)}
    assert len(found) == len(cases) > 40
    for kind, eid, wrong in cases:
        before = difflib.get_close_matches(wrong, everything, n=1)
        assert before, (kind, wrong)
        assert found[wrong].endswith(f"; did you mean {before[0]}?"), (kind, wrong, found[wrong])
        if kind in ("missing dash", "wrong case", "near name"):
            assert before[0] == eid, (kind, wrong)           # the id meant (a transposed "04" is as near "07")


def test_sg305_suggestions_come_from_one_index_per_check_not_from_every_item(monkeypatch):
    import difflib

    ids = _group_ids(150)                                   # 3,000 ids
    written = [list(_typos(eid).values())[n % 3] for n, eid in enumerate(ids[5::50])]
    plan, items = _broken_links(ids, written)
    compared = []
    set_seq1 = difflib.SequenceMatcher.set_seq1
    monkeypatch.setattr(difflib.SequenceMatcher, "set_seq1", lambda self, a: (compared.append(a), set_seq1(self, a)))
    found = run(plan, "SG305", items=items)
    assert len(found) == len(written) == 60 and all("; did you mean " in f.hint for f in found)
    assert len(compared) < 100 * len(written)               # every id for every link: 3,000 a link

    built = _counted_index(monkeypatch)
    assert len(run(plan, "SG305", items=items)) == 60
    assert built == [(len(items), set(written))]            # one index for the check, not one a link
    compared.clear(), built.clear()
    assert run(clean_plan(), "SG305", items=items) == [] and built == [] and compared == []


def test_sg305_picks_exactly_difflibs_id_among_its_candidates_ties_and_junk_included():
    """The pick among candidates is difflib's whatever the ids: the bound it is found by never cuts off the best
    ratio or a tie for it (the greater id wins, as with get_close_matches), nor one of an id long enough for
    difflib's junk heuristic (200 characters or more)."""
    import difflib

    from hypothesis import given, settings
    from hypothesis import strategies as st

    from compiler.rules.nearest import _closest

    word = st.text(alphabet="ab-12", min_size=1, max_size=14)
    long_word = st.builds(lambda w, n: (w * n)[:230], word, st.integers(20, 240))

    @settings(max_examples=400, deadline=None, derandomize=True)
    @given(st.one_of(word, long_word), st.lists(st.one_of(word, word, long_word), max_size=40, unique=True))
    def agrees(wanted, candidates):
        expected = difflib.get_close_matches(wanted, candidates, n=1)
        assert _closest(wanted, candidates, 0.6) == (expected[0] if expected else None)

    agrees()


def _counted_index(monkeypatch) -> list[tuple[int, set[str]]]:
    """(how many ids, the ids written it was made for) of each index made in a check."""
    from compiler.rules import nearest
    built = []

    class Counted(nearest._NearestIds):
        def __init__(self, ids, wanted):
            ids, wanted = list(ids), set(wanted)
            built.append((len(ids), wanted))
            super().__init__(ids, wanted)

    monkeypatch.setattr(nearest, "_NearestIds", Counted)
    return built


def _cached_run(plan, items, cache):
    from compiler.rules.registry import run_rules

    ctx = ctx_for(plan, items)
    found = [f for f in run_rules(dataclasses.replace(ctx, cache=cache)) if f.rule == "SG305"]
    cache.flush()                      # as the check does when it ends
    return found


def test_sg305_suggestions_are_kept_for_the_next_check_of_the_same_ids(tmp_path, monkeypatch):
    """A check after one evidence file changed (the folder's ids unchanged) looks nothing up again and says the
    same; an id written that was not looked for before is looked for, alone; a folder with other ids, or no
    cache, looks everything up."""
    from evidence_store.cache import open_cache

    ids = _group_ids(20)
    written = [list(_typos(eid).values())[n % 3] for n, eid in enumerate(ids[5::50])]
    plan, items = _broken_links(ids, written)
    built = _counted_index(monkeypatch)
    first = run(plan, "SG305", items=items)
    assert len(first) == len(written) == 8 and [w for _, w in built] == [set(written)]
    cache = open_cache(tmp_path / "cache")
    try:
        built.clear()
        assert _cached_run(plan, items, cache) == first and [w for _, w in built] == [set(written)]
        built.clear()
        assert _cached_run(plan, items, cache) == first and built == []          # kept: nothing looked up
        changed = [i.model_copy(update={"title": "Re-saved"}) if n == 3 else i for n, i in enumerate(items)]
        assert _cached_run(plan, changed, cache) == first and built == []        # same ids: nothing looked up
        more = ids[7].replace("-", "", 1)
        plan2, _ = _broken_links(ids, written + [more])
        again = _cached_run(plan2, items, cache)
        assert [w for _, w in built] == [{more}] and [f.hint for f in again if f.evidence != more] == [f.hint for f in first]
        built.clear()
        fewer = items[:-1]                                                       # another folder: other ids
        assert {f.evidence for f in _cached_run(plan, fewer, cache)} == set(written) and [w for _, w in built] == [set(written)]
    finally:
        cache.close()


def test_sg305_refuses_a_kept_suggestion_that_is_not_an_id_of_the_folder(tmp_path, monkeypatch):
    """What is kept is checked as it is read: a suggestion that is not one of the folder's ids (a damaged or
    doctored cache) drops the entry, and every id written is looked up again."""
    from compiler.rules import nearest
    from evidence_store.cache import open_cache
    from evidence_store.scancache import id_set_digest
    from evidence_store.shelf import Shelf

    ids = _group_ids(10)
    written = [list(_typos(eid).values())[0] for eid in ids[3::40]]
    plan, items = _broken_links(ids, written)
    cache = open_cache(tmp_path / "cache")
    try:
        first = _cached_run(plan, items, cache)
        key = id_set_digest(frozenset(i.id for i in items))
        shelf = Shelf(cache, nearest.KIND, nearest._version())
        shelf.keep(key, {"format": nearest.FORMAT, "near": {w: "not-an-id-of-the-folder" for w in written}},
                   replace=True)
        cache.flush()
        built = _counted_index(monkeypatch)
        assert _cached_run(plan, items, cache) == first and [w for _, w in built] == [set(written)]
        assert "not-an-id-of-the-folder" not in str(shelf.find(key, lambda v, _: v))
    finally:
        cache.close()
