"""The untidy example (examples/untidy): the generator makes the committed folder, its truth covers every file and
gives the tidy example's verdicts, and sgpack's reading of a held-out untidy folder is scored against its truth.

The scores are printed (`pytest -s tests/cases/test_untidy.py`) and not yet held to their targets: sgpack does not
read untidy folders yet. How a catalogue marks a file that is not a record is read defensively (`is_record`).
"""
from __future__ import annotations

import collections
import datetime as dt
import importlib.util
import json
import re
import shutil
import sys
import zipfile
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
import yaml
from pypdf import PdfReader

from compiler import pipeline
from compiler.plans import load_plans
from compiler.printers.json import catalogue_json

ROOT = Path(__file__).resolve().parents[2]
UNTIDY = ROOT / "examples" / "untidy"
AS_OF = dt.date(2026, 11, 20)
HELD_OUT_SEED = 7
TARGETS = {"types": 0.95, "dates": 0.98, "precision": 0.95, "recall": 0.90}


def _generator() -> ModuleType:
    spec = importlib.util.spec_from_file_location("untidy_generate", UNTIDY / "generate.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module                # its dataclasses look their module up by name
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def generator() -> ModuleType:
    return _generator()


@pytest.fixture(scope="module")
def held_out(tmp_path_factory: pytest.TempPathFactory, generator: ModuleType) -> Path:
    out = tmp_path_factory.mktemp("untidy-held-out")
    generator.generate(out, seed=HELD_OUT_SEED, patterns="all")
    return out


def read(folder: Path) -> tuple[dict[str, Any], dict[str, Any]]:
    """The folder's truth and sgpack's catalogue of its evidence (as `sgpack evidence DIR PLANS --as-of 2026-11-20
    --format json` prints it)."""
    truth = json.loads((folder / "truth.json").read_text(encoding="utf-8"))
    plans = load_plans([folder / "plans"])
    return truth, catalogue_json(pipeline.load_catalogue(folder / "evidence", plans, as_of=AS_OF))


# --------------------------------------------------------------------------------------------
# scoring a catalogue against the truth
# --------------------------------------------------------------------------------------------

def is_record(item: dict[str, Any]) -> bool:
    """Whether sgpack counts the item as a record. Read defensively, as the field is new: `record: false`, a type
    `not_a_record`, or a `not_record` reason each mark a file that is not a record."""
    return not (item.get("record") is False or item.get("type") == "not_a_record" or item.get("not_record"))


@dataclass
class Scores:
    tally: dict[str, list[int]]        # measure -> [right, total]
    month_first: int                   # dates that are a day-first date read month-first
    distractors: int                   # dates taken from a distractor (next meeting, date of birth, scan day...)
    caught: list[int]                  # [not-records found, not-records]
    links: list[int]                   # [true positives, predicted, expected]

    def ratio(self, measure: str) -> float:
        right, total = self.tally[measure]
        return right / total if total else 1.0

    @property
    def precision(self) -> float:
        tp, predicted, _expected = self.links
        return tp / predicted if predicted else 0.0

    @property
    def recall(self) -> float:
        tp, _predicted, expected = self.links
        return tp / expected if expected else 1.0

    def figures(self) -> dict[str, float]:
        return {"types": self.ratio("types"), "dates": self.ratio("dates"), "precision": self.precision,
                "recall": self.recall}


def score(truth: dict[str, Any], catalogue: dict[str, Any]) -> Scores:
    items = {item["path"]: item for item in catalogue["items"]}
    tally: dict[str, list[int]] = {m: [0, 0] for m in
                                   ("types", "dates", "period ends", "not a record", "drafts", "tables")}
    month_first = distractors = 0
    caught, links = [0, 0], [0, 0, 0]

    def add(measure: str, right: bool) -> None:
        tally[measure][0] += right
        tally[measure][1] += 1

    for path, fact in truth["files"].items():
        item = items.get(path, {})
        add("not a record", is_record(item) == fact["record"])
        if not fact["record"]:
            caught[0] += not is_record(item)
            caught[1] += 1
        else:
            add("types", item.get("type") == fact["type"])
            add("drafts", bool(item.get("draft")) == fact["draft"])
        add("dates", item.get("date") == fact["date"])
        if fact["period_end"]:
            add("period ends", item.get("period_end") == fact["period_end"])
        if item.get("date") and item["date"] != fact["date"]:
            month_first += item["date"] in fact["month_first"]
            distractors += item["date"] in {x["date"] for x in fact["distractors"]}
        predicted = {link["target"] for link in item.get("links", [])}
        # a file that is not a record links nothing it mentions (an agenda names every action it will discuss)
        expected, optional = (set(fact["links"]), set(fact["links_optional"])) if fact["record"] else (set(), set())
        links[0] += len(predicted & expected)
        links[1] += len(predicted - optional)
        links[2] += len(expected)
        table = fact["table"]
        if table and table["holds"] in ("series", "scores"):
            held = len(table["points"] if table["holds"] == "series" else table["scores"])
            add("tables", item.get(table["holds"], 0) == held)
    return Scores(tally, month_first, distractors, caught, links)


def table(scores: Scores, title: str) -> str:
    def pct(value: float) -> str:
        return f"{value:6.1%}"

    rows = [(name, pct(scores.ratio(key)), "{}/{}".format(*scores.tally[key]), TARGETS.get(key))
            for name, key in (("type (records)", "types"), ("date", "dates"), ("period end", "period ends"),
                              ("record or not (all files)", "not a record"), ("draft (records)", "drafts"),
                              ("table read (series, scores)", "tables"))]
    tp, predicted, expected = scores.links
    rows[2:2] = [("  dates read month-first", "", str(scores.month_first), "0"),
                 ("  distractor dates taken", "", str(scores.distractors), "0")]
    rows += [("  not-records caught", "", "{}/{}".format(*scores.caught), None),
             ("link precision", pct(scores.precision), f"{tp}/{predicted}", TARGETS["precision"]),
             ("link recall", pct(scores.recall), f"{tp}/{expected}", TARGETS["recall"])]
    lines = [title, f"{'measure':30} {'score':>7} {'right/all':>10} {'target':>7}"]
    for name, value, count, target in rows:
        target = f"{target:.0%}" if isinstance(target, float) else (target or "")
        lines.append(f"{name:30} {value:>7} {count:>10} {target:>7}")
    return "\n".join(lines)


def catalogue_from(truth: dict[str, Any]) -> dict[str, Any]:
    """A catalogue that says exactly what the truth says."""
    return {"items": [{"path": path, "type": fact["type"] or "other", "record": fact["record"],
                       "draft": fact["draft"], "date": fact["date"], "period_end": fact["period_end"],
                       "links": [{"target": t} for t in fact["links"]] if fact["record"] else [],
                       **({fact["table"]["holds"]: len(fact["table"].get("points") or fact["table"].get("scores"))}
                          if fact["table"] and fact["table"]["holds"] in ("series", "scores") else {})}
                      for path, fact in truth["files"].items()]}


# --------------------------------------------------------------------------------------------
# the committed folder
# --------------------------------------------------------------------------------------------

def files_under(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_the_committed_folder_is_what_the_generator_makes(tmp_path: Path, generator: ModuleType) -> None:
    generator.generate(tmp_path)
    for part in ("evidence", "plans"):
        made, committed = files_under(tmp_path / part), files_under(UNTIDY / part)
        assert sorted(made) == sorted(committed), part
        assert [name for name in made if made[name] != committed[name]] == [], part
    assert (tmp_path / "truth.json").read_bytes() == (UNTIDY / "truth.json").read_bytes()


def test_truth_covers_every_file_in_the_words_of_the_vocabularies() -> None:
    truth = json.loads((UNTIDY / "truth.json").read_text(encoding="utf-8"))
    files = {p.relative_to(UNTIDY / "evidence").as_posix() for p in (UNTIDY / "evidence").rglob("*") if p.is_file()}
    assert set(truth["files"]) == files and len(files) >= 40
    types = yaml.safe_load((ROOT / "evidence_store" / "data" / "folder_types.yaml").read_text())["types"]
    plan_ids = pipeline.plan_ids(load_plans([UNTIDY / "plans"]))
    for path, fact in truth["files"].items():
        assert (fact["type"] in types) if fact["record"] else (fact["type"] is None and fact["not_record"] in
                                                               ("agenda", "blank", "template", "tool")), path
        for day in (fact["date"], fact["period_end"]):
            assert day is None or dt.date.fromisoformat(day) <= AS_OF, path
        assert set(fact["links"]) | set(fact["links_optional"]) <= plan_ids, path
        assert set(fact["link_forms"]) == set(fact["links"]), path
    services = collections.Counter(path.split("/")[0] for path in truth["files"])
    assert {"Oakview", "Riverside", "Shared"} <= set(services)
    # File for file: every evidence file of the tidy example has its untidy copy.
    example = ROOT / "examples" / "evidence"
    tidy = {p.relative_to(example).as_posix() for p in example.rglob("*")
            if p.is_file() and p.name != "evidence.yaml" and not p.name.endswith(".meta.yaml")}
    assert sorted(f["source"] for f in truth["files"].values() if f["source"]) == sorted(tidy)


def test_the_untidy_folder_has_none_of_the_tidy_metadata() -> None:
    for path in (UNTIDY / "evidence").rglob("*"):
        assert path.name != "evidence.yaml" and not path.name.endswith((".meta.yaml", ".meta.yml")), path
        if path.suffix == ".md":
            assert not path.read_text(encoding="utf-8").startswith("---"), path
        if path.suffix == ".docx":
            core = zipfile.ZipFile(path).read("docProps/core.xml").decode()
            assert not re.search(r"<cp:(category|keywords)>[^<]", core), path
        if path.suffix == ".pdf" and path.stat().st_size > 1000:
            info = PdfReader(path).metadata or {}
            assert not info.get("/Subject") and not info.get("/Keywords"), path


def test_committed_names_hold_patterns_back_and_a_held_out_folder_uses_them_all(held_out: Path) -> None:
    committed = json.loads((UNTIDY / "truth.json").read_text(encoding="utf-8"))
    other = json.loads((held_out / "truth.json").read_text(encoding="utf-8"))
    used = {fact["name_pattern"] for fact in committed["files"].values()}
    assert len(used) >= 10 and not used & set(committed["held_back"])
    assert set(committed["held_back"]) <= {fact["name_pattern"] for fact in other["files"].values()}
    forms = {f for fact in committed["files"].values() for f in (fact["name_date_form"], fact["text_date_form"])}
    assert len(forms - {None}) >= 6
    # The same files, named and filed otherwise.
    assert sorted(map(str, (f["source"] for f in committed["files"].values()))) == sorted(
        map(str, (f["source"] for f in other["files"].values())))
    assert set(committed["files"]) != set(other["files"])


def test_truth_as_metadata_gives_the_tidy_examples_verdicts(tmp_path: Path) -> None:
    """The same facts: the committed folder, told what its truth says (an evidence.yaml, and its tables rewritten
    in the columns sgpack reads today), is judged as the tidy example is. Two findings differ, as they should:
    the signed minutes that did not upload link nothing, so SG304 names the file rather than RQ-02; and the
    notice-board photo names no action (SG306)."""
    evidence, plans = tmp_path / "evidence", UNTIDY / "plans"
    shutil.copytree(UNTIDY / "evidence", evidence)
    truth = json.loads((UNTIDY / "truth.json").read_text(encoding="utf-8"))
    index = {}
    for path, fact in truth["files"].items():
        if not fact["record"]:
            (evidence / path).unlink()
            continue
        tidy_table(evidence / path, fact["table"])
        index[path] = {"type": fact["type"], "date": fact["date"], "period_end": fact["period_end"],
                       "actions": fact["links"]}
        index[path] = {k: v for k, v in index[path].items() if v}
    (evidence / "evidence.yaml").write_text(yaml.safe_dump(index, allow_unicode=True), encoding="utf-8")
    tidy = pipeline.check([ROOT / "examples" / "plans"], ROOT / "examples" / "evidence", AS_OF)
    untidy = pipeline.check([plans], evidence, AS_OF)

    def verdicts(assessment) -> dict[str, tuple]:
        return {r.id: (r.assessed_rag, [(q.type, q.status) for q in r.requirements],
                       {k: v.result for k, v in r.closure}) for r in assessment.actions}

    assert verdicts(untidy) == verdicts(tidy)
    rules = collections.Counter(f.rule for f in untidy.findings)
    assert rules == collections.Counter(f.rule for f in tidy.findings) + collections.Counter({"SG306": 1})


def tidy_table(path: Path, table: dict[str, Any] | None) -> None:
    if not table or table["holds"] not in ("series", "scores"):
        return
    if table["holds"] == "series":
        width = len(table["points"][0])
        rows = [["service", "indicator", "period", "value"][-width:]] + table["points"]
    else:
        rows = [["date", "audit", "score", "max", "target"]] + [
            [day, "audit", value, table["max"], table["target"]] for day, value in table["scores"]]
    if path.suffix == ".xlsx":
        from openpyxl import Workbook

        workbook = Workbook()
        for row in rows:
            workbook.active.append(row)
        workbook.save(path)
    else:
        path.write_text("\n".join(",".join(str(c) for c in row) for row in rows) + "\n", encoding="utf-8")


# --------------------------------------------------------------------------------------------
# the scoring, and the scores
# --------------------------------------------------------------------------------------------

def test_truth_scored_against_itself_is_perfect(held_out: Path) -> None:
    truth = json.loads((held_out / "truth.json").read_text(encoding="utf-8"))
    scores = score(truth, catalogue_from(truth))
    assert all(right == total for right, total in scores.tally.values())
    assert scores.figures() == {"types": 1.0, "dates": 1.0, "precision": 1.0, "recall": 1.0}
    assert (scores.month_first, scores.distractors) == (0, 0) and scores.caught[0] == scores.caught[1] > 0


def test_one_wrong_type_costs_one_file_and_a_month_first_date_is_counted(held_out: Path) -> None:
    truth = json.loads((held_out / "truth.json").read_text(encoding="utf-8"))
    catalogue = catalogue_from(truth)
    records = [i for i in catalogue["items"] if truth["files"][i["path"]]["record"]]
    records[0]["type"] = "policy" if records[0]["type"] != "policy" else "audit"
    trapped = next(i for i in catalogue["items"] if truth["files"][i["path"]]["month_first"])
    trapped["date"] = truth["files"][trapped["path"]]["month_first"][0]
    scores = score(truth, catalogue)
    assert scores.tally["types"] == [len(records) - 1, len(records)]
    assert scores.tally["dates"] == [len(truth["files"]) - 1, len(truth["files"])]
    assert scores.month_first == 1


def test_an_extra_link_costs_precision_and_a_missed_one_recall(held_out: Path) -> None:
    truth = json.loads((held_out / "truth.json").read_text(encoding="utf-8"))
    catalogue = catalogue_from(truth)
    linked = next(i for i in catalogue["items"] if len(i["links"]) == 1)
    unlinked = next(i for i in catalogue["items"] if not i["links"] and not truth["files"][i["path"]]["links_optional"])
    linked["links"], unlinked["links"] = [], [{"target": "RP-01"}]
    scores = score(truth, catalogue)
    tp, predicted, expected = scores.links
    assert (predicted - tp, expected - tp) == (1, 1)


@pytest.fixture(scope="module")
def held_out_scores(held_out: Path) -> Scores:
    truth, catalogue = read(held_out)
    assert {item["path"] for item in catalogue["items"]} == set(truth["files"])
    scores = score(truth, catalogue)
    print("\n" + table(scores, f"sgpack on a held-out untidy folder (seed {HELD_OUT_SEED}, every naming pattern, "
                               f"{len(truth['files'])} files)"))
    return scores


def test_sgpack_reading_a_held_out_untidy_folder_is_scored(held_out_scores: Scores) -> None:
    assert set(held_out_scores.figures()) == set(TARGETS)


def test_untidy_accuracy_meets_targets(held_out_scores: Scores) -> None:
    """THE TARGETS: what sgpack must reach on an untidy folder it was not tuned on."""
    figures = held_out_scores.figures()
    assert held_out_scores.month_first == 0
    assert all(figures[measure] >= target for measure, target in TARGETS.items()), figures
    assert held_out_scores.ratio("tables") == 1.0          # every exported table read


def test_sgpacks_own_reading_of_the_untidy_folder_gives_the_tidy_verdicts() -> None:
    """No metadata at all: what sgpack infers from the committed untidy folder judges every action as the tidy
    example's metadata does (requirements found, current and met, the closure test, the assessed RAG). The
    findings differ only where the files do: the notice-board photo names no action (SG306) and the signed
    minutes that did not upload cannot be read, so link nothing (SG304 names the file, not RQ-02)."""
    tidy = pipeline.check([ROOT / "examples" / "plans"], ROOT / "examples" / "evidence", AS_OF)
    untidy = pipeline.check([UNTIDY / "plans"], UNTIDY / "evidence", AS_OF)

    def verdicts(assessment) -> dict[str, tuple]:
        return {r.id: (r.assessed_rag, [(q.type, q.status, q.found, q.current) for q in r.requirements],
                       {k: v.result for k, v in r.closure}, r.closure.ready) for r in assessment.actions}

    assert verdicts(untidy) == verdicts(tidy)
    rules = collections.Counter(f.rule for f in untidy.findings)
    assert rules == collections.Counter(f.rule for f in tidy.findings) + collections.Counter({"SG306": 1})
    assert {f.action for f in untidy.findings if f.rule == "SG304"} == {None}


def test_the_suggested_index_of_the_untidy_folder_round_trips(tmp_path: Path) -> None:
    """Every value sgpack inferred, written as an index (--suggest) and read back (--index), gives the same
    catalogue: what a user confirms is what sgpack would have inferred."""
    from evidence_store.index import suggest

    plans = load_plans([UNTIDY / "plans"])
    plain = pipeline.load_catalogue(UNTIDY / "evidence", plans, as_of=AS_OF)
    index = tmp_path / "index.yaml"
    index.write_text(suggest(plain), encoding="utf-8")
    kept = pipeline.load_catalogue(UNTIDY / "evidence", plans, as_of=AS_OF, index=index)

    def values(catalogue) -> dict[str, tuple]:
        return {i.path: (i.id, i.type, i.date, i.period_end, i.title, i.record, i.draft,
                         sorted({link.target for link in i.links}), len(i.scores), len(i.series))
                for i in catalogue.items}

    assert values(kept) == values(plain)
    assert not kept.problems
    assert sum(link.source == "index" for i in kept.items for link in i.links) > 50
