"""A check after a change judges again only the plans whose evidence changed (compiler.incremental), and prints
exactly what a check without the cache prints: for each kind of change a provider's folder sees, in both formats."""
from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest

from compiler import incremental, pipeline, results
from compiler.assess import action as action_module
from evidence_store.cache import open_cache

from test_results import check

AS_OF = dt.date(2026, 11, 20)


@pytest.fixture
def judged(monkeypatch) -> list[str]:
    """The id of every action judged, in order."""
    seen: list[str] = []
    real = action_module.assess_action

    def counting(action, plan, catalogue, as_of):  # noqa: ANN001, ANN202
        seen.append(action.id)
        return real(action, plan, catalogue, as_of)

    monkeypatch.setattr(action_module, "assess_action", counting)
    return seen


@pytest.fixture(autouse=True)
def every_check_runs(monkeypatch):
    """The kept output of a whole check (compiler.results) would answer an unchanged one before any plan is asked."""
    monkeypatch.setattr(results, "look_up", lambda *args: (None, None))


def _text(path: Path) -> str:
    return path.read_text(encoding="utf-8", errors="replace")


def _mentioning(evidence: Path, word: str, suffix: str = ".md") -> Path:
    return next(p for p in sorted(evidence.rglob(f"*{suffix}")) if word in _text(p))


def rewrite_linked_minutes(plans: Path, evidence: Path) -> set[str]:
    """A file linked to an Oakview action, now also naming a Riverside action: both plans read it."""
    target = _mentioning(evidence, "RP-0")
    target.write_text(_text(target) + "\nRH-01 discussed: the committee challenged the late-call figures.\n",
                      encoding="utf-8")
    return {"RP", "RH"}


def add_file_naming_an_action(plans: Path, evidence: Path) -> set[str]:
    (evidence / "minutes" / "2026-11-18 QSC minutes.md").write_text(
        "# Quality and Safeguarding Committee, 18/11/2026\n\nRQ-02: the committee asked why escalations were "
        "late and challenged the figures.\n", encoding="utf-8")
    return {"RQ"}


def remove_a_linked_file(plans: Path, evidence: Path) -> set[str]:
    _mentioning(evidence, "RH-0").unlink()
    return {"RH"}


def rename_a_named_file(plans: Path, evidence: Path) -> set[str]:
    """An id an action names no longer in the folder (SG305), and a new id in it: every plan asks for the ids."""
    target = next(p for p in sorted((evidence / "audits").glob("*.csv")) if "oakview" in p.name)
    target.rename(target.with_name(target.name.replace("oakview", "oakveiw")))
    return {"RP", "RH", "RQ"}


def add_an_unlinked_file(plans: Path, evidence: Path) -> set[str]:
    (evidence / "photos" / "garden party.md").write_text("Summer garden party, 12/08/2026.\n", encoding="utf-8")
    return set()


def make_a_linked_file_unreadable(plans: Path, evidence: Path) -> set[str]:
    target = _mentioning(evidence, "RQ-0")
    target.with_suffix(".pdf").write_bytes(b"%PDF-1.7\n" + b"\x00garbage" * 40)
    target.unlink()
    return {"RQ"}


def change_indicator_data(plans: Path, evidence: Path) -> set[str]:
    target = next(p for p in sorted((evidence / "indicators").iterdir()) if p.suffix == ".csv")
    lines = _text(target).splitlines()
    target.write_text("\n".join(lines[:-1]) + "\n", encoding="utf-8")     # its latest month taken out
    return {"RP", "RH", "RQ"}


CHANGES = [rewrite_linked_minutes, add_file_naming_an_action, remove_a_linked_file, rename_a_named_file,
           add_an_unlinked_file, make_a_linked_file_unreadable, change_indicator_data]


@pytest.mark.parametrize("change", CHANGES)
@pytest.mark.parametrize("fmt", ["json", "text"])
def test_a_check_after_a_change_prints_what_a_check_without_the_cache_prints(case, change, fmt):
    plans, evidence, cache = case
    assert check(plans, evidence, cache, fmt=fmt) == check(plans, evidence, None, fmt=fmt)
    change(plans, evidence)
    after = check(plans, evidence, None, fmt=fmt)
    assert check(plans, evidence, cache, fmt=fmt) == after
    assert check(plans, evidence, cache, fmt=fmt) == after             # and again, from what the change kept


@pytest.mark.parametrize("change", CHANGES)
def test_only_the_plans_that_read_what_changed_are_judged_again(case, judged, change):
    plans, evidence, cache = case
    check(plans, evidence, cache)
    everything = set(judged)
    assert {a[:2] for a in everything} == {"RP", "RH", "RQ"}
    judged.clear()
    check(plans, evidence, cache)
    assert judged == []                                                  # nothing changed: nothing judged
    prefixes = change(plans, evidence)
    check(plans, evidence, cache)
    assert {a[:2] for a in judged} <= prefixes
    if prefixes:
        assert judged, "a plan that read what changed was not judged again"
    judged.clear()
    check(plans, evidence, None)
    assert set(judged) == everything                                     # without a cache, every action


def test_another_as_of_date_or_a_changed_plan_judges_again(case, judged):
    plans, evidence, cache = case
    check(plans, evidence, cache)
    judged.clear()
    check(plans, evidence, cache, as_of="2026-11-21")
    assert {a[:2] for a in judged} == {"RP", "RH", "RQ"}
    judged.clear()
    check(plans, evidence, cache, as_of="2026-11-21")
    assert judged == []
    plan = plans / "oakview-restrictive-practice.yaml"
    plan.write_text(_text(plan).replace("status: in_progress", "status: planned", 1), encoding="utf-8")
    after = check(plans, evidence, cache, as_of="2026-11-21")
    assert {a[:2] for a in judged} == {"RP"}
    assert after == check(plans, evidence, None, as_of="2026-11-21")


def test_verbose_judges_every_action_in_full(case, judged):
    plans, evidence, cache = case
    check(plans, evidence, cache, fmt="text")
    judged.clear()
    verbose = check(plans, evidence, cache, "-v", fmt="text")
    assert {a[:2] for a in judged} == {"RP", "RH", "RQ"}
    assert verbose == check(plans, evidence, None, "-v", fmt="text")


def _doctor_results(value: dict) -> dict:
    return {**value, "reads": [], "results": [{"id": "RP-01"}]}


def _doctor_question(value: dict) -> dict:
    return {**value, "reads": [["walk every item", "", "0" * 32], *value["reads"]]}


@pytest.mark.parametrize("doctor", [_doctor_results, _doctor_question])
def test_a_damaged_or_doctored_part_is_dropped_and_its_plan_judged_again(case, judged, doctor):
    """What is kept is checked as it is read: a part whose results do not validate, or that asks a question no
    catalogue answers, is dropped, and the plan is judged."""
    plans, evidence, cache = case
    plain = check(plans, evidence, cache)
    with open_cache(cache) as store:
        rows = store.db.execute("SELECT sha256, version FROM entries WHERE kind = ?", (incremental.KIND,)).fetchall()
        assert len(rows) == 3                                           # a part for each plan
        for sha, version in rows:
            value, _ = store.get(incremental.KIND, sha, version)
            store.put(incremental.KIND, sha, version, doctor(value), replace=True)
    judged.clear()
    assert check(plans, evidence, cache) == plain
    assert {a[:2] for a in judged} == {"RP", "RH", "RQ"}


def test_a_part_is_not_kept_when_judging_read_what_no_answer_covers(case, monkeypatch):
    """A rule that walks every item of the catalogue for a plan reads more than any question says: the plan's part
    is not kept (and the check is right all the same)."""
    from compiler.rules import registry
    from compiler.rules.registry import Hit

    plans, evidence, cache = case

    def walks_everything(ctx):  # noqa: ANN001, ANN202
        return [Hit(ctx.plans[0])] if ctx.scope == "plans" and len(ctx.catalogue.items) > 10_000 else []

    rule = registry.Rule("SG999", "walks-everything", "info", "{plan}", "-", "", walks_everything, "-")
    monkeypatch.setitem(registry.RULES, "SG999", rule)
    loaded = pipeline.check([plans], evidence, AS_OF, cache=open_cache(cache), summary=True)
    assert [f for f in loaded.findings if f.rule == "SG999"] == []
    with open_cache(cache) as store:
        assert store.db.execute("SELECT COUNT(*) FROM entries WHERE kind = ?", (incremental.KIND,)).fetchone()[0] == 0


def test_a_result_kept_says_what_check_prints_and_no_more(case):
    """What is kept of a result is what `check` prints without --verbose: the requirements' counts and evidence,
    not the results behind them."""
    plans, evidence, cache = case
    full = pipeline.check([plans], evidence, AS_OF)
    with open_cache(cache) as store:
        summary = pipeline.check([plans], evidence, AS_OF, cache=store, summary=True)
    assert [incremental.summary(a) for a in full.actions] == summary.actions
    assert any(r.matches for a in full.actions for r in a.requirements)
    assert not any(r.matches for a in summary.actions for r in a.requirements)
    assert [f.model_dump() for f in full.findings] == [f.model_dump() for f in summary.findings]


@pytest.mark.parametrize("example", ["tracker", "untidy"])
def test_a_tracker_and_an_untidy_folder_check_the_same_after_a_change(tmp_path, monkeypatch, example):
    """Plans kept in an Excel tracker (findings placed by cell) and a folder filed by hand: the kept parts give
    what a check without the cache gives, before and after a file naming an action is added."""
    import evidence_store.cache as cache_module

    root = Path(__file__).resolve().parents[2] / "examples"
    monkeypatch.setattr(cache_module, "RACY_SECONDS", 0.0)
    source = root / "untidy" / "evidence" if example == "untidy" else root / "evidence"
    shutil.copytree(source, tmp_path / "evidence")
    plans = root / "untidy" / "plans" if example == "untidy" else root / "trackers" / "oakview-improvement-plan.xlsx"
    evidence, cache = tmp_path / "evidence", tmp_path / "cache"
    for fmt in ("json", "text"):
        assert check(plans, evidence, cache, fmt=fmt) == check(plans, evidence, None, fmt=fmt)
    (evidence / "QSC minutes 19.11.26.md").write_text(
        "Quality and Safeguarding Committee, 19/11/2026\n\nRP-02 reviewed: the chair challenged the audit "
        "figures and asked for the October data.\n", encoding="utf-8")
    for fmt in ("json", "text"):
        assert check(plans, evidence, cache, fmt=fmt) == check(plans, evidence, None, fmt=fmt)
