"""Every layout of tests/trackers/make_trackers.py imports as its truth says a careful reader takes it — owner, due,
declared RAG and status by the tracker's own key, the narrative, every other column kept — and the command, check
and export work on trackers as they do on plan files."""
from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from compiler import pipeline
from compiler.cli import cli
from compiler.trackers.fields import Options
from compiler.trackers.read import read_tracker
from make_trackers import make_all

ROOT = Path(__file__).resolve().parents[2]
AS_OF = dt.date(2026, 11, 20)
LAYOUT_FILES = ("sar-adult-b-action-plan.xlsx", "oakview-cqc-improvement-plan.xlsx", "riverside-pamms-action-plan.xlsx",
                "riverside-sar-mr-c-action-plan.docx", "governance-actions-export.csv", "service-improvement-plans.xlsx",
                "meadow-court-tracker.xlsm", "refs-like-dates.xlsx", "formulas.xlsx")


@pytest.fixture(scope="module")
def made(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict]:
    out = tmp_path_factory.mktemp("trackers")
    return out, make_all(out)


def _options(fact: dict) -> Options:
    return Options(**{k.lstrip("-"): v for k, v in (fact.get("options") or {}).items()})


def _expected_owner(owner: dict) -> tuple | None:
    """What sgpack keeps of an owner: a reader's name and role. Where a reader names nobody, sgpack keeps what the
    tracker says rather than lose it — initials the key does not explain as the name, a group as the role — and
    warns; a placeholder ("TBC") is no owner."""
    if owner.get("name") or owner.get("role"):
        return owner.get("name"), owner.get("role")
    text = owner["text"].strip()
    if text.upper() in ("TBC", "TBA"):
        return None
    return (text, None) if text.isupper() and len(text) <= 4 else (None, text)


def _expected_status(status: dict | None) -> str:
    """The truth's status, with sgpack's documented readings: blue (complete and impact evidenced) is completed,
    "not delivered" is red and in progress (only "not started" is planned)."""
    value = (status or {}).get("value") or "planned"
    text = ((status or {}).get("text") or "").lower()
    if value == "closed" and "closed" not in text:
        return "completed"
    if value == "planned" and ("not delivered" in text or "overdue" in text):
        return "in_progress"
    return value


@pytest.mark.parametrize("name", LAYOUT_FILES)
def test_each_layout_imports_as_a_reader_takes_it(made, name):
    out, truth = made
    fact = truth["files"][name]
    imported = read_tracker(out / name, _options(fact))
    drafts = [draft for draft, _ in imported.plans]
    # a service only the title names ("Oakview action tracker") is not taken: the import asks for --service
    labelled = [p for p in fact["plans"] if "title" not in p["fields"]["service"]["why"]]
    assert [d.head["service"].value for d, p in zip(drafts, fact["plans"]) if p in labelled] == \
        [p["service"] for p in labelled]
    for plan, draft in zip(fact["plans"], drafts):
        head = {k: v.value for k, v in draft.head.items()}
        assert draft.provider.value == plan["provider"]
        for key in ("title", "risk", "opened", "governance_forum"):
            if key not in plan["fields"]:
                continue
            want = plan["fields"][key]["value"]
            if want is None:                        # the tracker does not say: sgpack's documented default holds
                continue
            got = head.get(key)
            assert (got.isoformat() if isinstance(got, dt.date) else got) == want, (name, key)
        actions = [{k: v.value for k, v in a.items()} for a in draft.actions]
        if name != "large-tracker.xlsx":
            assert len(actions) == plan["action_count"], name
        for want, got in zip(plan["actions"], actions):
            where = f"{name} row {want['row']}"
            assert got["title"] == " ".join(want["title"]["text"].split()), where
            owner = got.get("owner")
            assert ((owner.name, owner.role) if owner else None) == _expected_owner(want["owner"]), where
            hesitant = {h["cell"] for h in want.get("hesitations", [])}
            due = got.get("due")
            assert (due.isoformat() if due else None) == want["due"]["value"] or \
                (due is None and want["due"].get("cell") in hesitant), where
            assert got.get("status", "planned") == _expected_status(want.get("status")), where
            assert got.get("rag") == (want.get("rag") or {}).get("value"), where
            narrative = " ".join((got.get("narrative") or "").split())
            if want.get("narrative"):
                assert " ".join(want["narrative"]["text"].split()) in narrative, where
            for extra in want.get("extra", []):              # no column is lost
                assert " ".join(extra["text"].split()) in narrative, (where, extra["column"])
            assert got["kind"] == want["kind"]["value"] or got["kind"] in want["kind"].get("also", []), where
            if (want.get("evidence_types") or {}).get("text"):   # what an evidence column asks for
                assert [r["type"] for r in got.get("requires", [])] == want["evidence_types"]["value"], where


def test_the_import_command_writes_plans_that_check_reads_and_a_dry_run_writes_nothing(made, tmp_path):
    out, truth = made
    tracker = out / "oakview-cqc-improvement-plan.xlsx"
    options = [a for k, v in truth["files"][tracker.name]["options"].items() for a in (k, v)]
    dry = CliRunner().invoke(cli, ["import", str(tracker), "--out", str(tmp_path / "dry"), "--dry-run", *options])
    assert dry.exit_code == 0, dry.output
    assert "dry run: nothing written" in dry.output and not (tmp_path / "dry").exists()
    assert "Improvement plan!I10: the text says 'A' but the cell is filled green" in dry.output
    assert "Improvement plan!F14: owner 'JB' looks like initials the tracker's key does not explain" in dry.output
    result = CliRunner().invoke(cli, ["import", str(tracker), "--out", str(tmp_path / "plans"), *options])
    assert result.exit_code == 0, result.output
    (written,) = (tmp_path / "plans").glob("*.yaml")
    text = written.read_text(encoding="utf-8")
    assert "# Improvement plan!F9 'PS' through Key!" in text
    assessment = pipeline.check([written], ROOT / "examples" / "evidence", AS_OF)
    assert len(assessment.actions) == truth["files"][tracker.name]["plans"][0]["action_count"]


def test_check_on_a_tracker_points_findings_at_its_cells(made):
    out, truth = made
    tracker = out / "oakview-cqc-improvement-plan.xlsx"
    options = [a for k, v in truth["files"][tracker.name]["options"].items() for a in (k, v)]
    del options                                     # check takes the tracker as it is: --risk is import's
    result = CliRunner().invoke(cli, ["check", str(tracker), "--evidence", str(ROOT / "examples" / "evidence"),
                                      "--as-of", "2026-11-20", "--format", "json"])
    assert result.exit_code == 1, result.output
    findings = json.loads(result.stdout)["findings"]
    located = [f for f in findings if f["file"] == str(tracker) and f["cell"]]
    assert located and all(f["line"] is None and f["cell"].startswith("Improvement plan!") for f in located)
    overdue = {f["cell"] for f in located if f["rule"] == "SG403"}
    assert "Improvement plan!G10" in overdue                   # the due date's own cell
    overstated = {f["cell"] for f in located if f["rule"] == "SG402"}
    assert "Improvement plan!I10" in overstated                # the declared RAG's cell


def test_bad_trackers_say_why(made, tmp_path):
    out, _ = made
    empty = CliRunner().invoke(cli, ["import", str(out / "header-only.xlsx"), "--out", str(tmp_path / "p")])
    assert empty.exit_code == 2 and "no plan could be imported" in empty.output
    assert "a header row and no actions under it" in empty.output
    xlsm = read_tracker(out / "meadow-court-tracker.xlsm", Options(provider="Example Care Ltd"))
    assert any("macro" in note.lower() for note in xlsm.notes)
    grouped = read_tracker(out / "service-improvement-plans.xlsx")
    assert "hidden sheet 'Old plan' skipped" in grouped.notes


def test_the_export_round_trips_every_field(tmp_path):
    plans = pipeline.check([ROOT / "examples" / "plans"], ROOT / "examples" / "evidence", AS_OF)
    result = CliRunner().invoke(cli, ["export", str(ROOT / "examples" / "plans"), "--evidence",
                                      str(ROOT / "examples" / "evidence"), "--as-of", "2026-11-20",
                                      "--xlsx", str(tmp_path / "tracker.xlsx")])
    assert result.exit_code == 0, result.output
    again = CliRunner().invoke(cli, ["export", str(ROOT / "examples" / "plans"), "--evidence",
                                     str(ROOT / "examples" / "evidence"), "--xlsx", str(tmp_path / "tracker.xlsx")])
    assert again.exit_code == 2 and "file exists" in again.output       # never replaces a tracker
    back = pipeline.check([tmp_path / "tracker.xlsx"], ROOT / "examples" / "evidence", AS_OF)

    def fields(plan) -> dict:
        data = plan.model_dump(exclude={"file", "line", "lines", "cells"})
        for action in data["actions"]:
            for key in ("path", "line", "lines"):
                action.pop(key, None)
            if action["owner"]:
                action["owner"].pop("raw", None)
            for item in (*action["requires"], *action["reviews"]):
                item.pop("line", None)
        for indicator in data["indicators"]:
            indicator.pop("line", None)
        return data

    assert [fields(p) for p in back.plans] == [fields(p) for p in plans.plans]
    assert sorted((f.rule, f.action or "", f.message) for f in back.findings) == \
        sorted((f.rule, f.action or "", f.message) for f in plans.findings)
    # an action inherits its plan's risk and opening date on the way back, as it did on the way out
    imported = CliRunner().invoke(cli, ["import", str(tmp_path / "tracker.xlsx"), "--out", str(tmp_path / "back")])
    assert imported.exit_code == 0, imported.output
    for plan in plans.plans:
        written = yaml.safe_load((tmp_path / "back" / f"{plan.id.lower()}.yaml").read_text(encoding="utf-8"))
        own = {a.id: (a.risk != plan.risk, a.opened != plan.opened) for a in plan.actions}
        assert {a["id"]: ("risk" in a, "opened" in a) for a in written["actions"]} == own


PEOPLE_PLAN = """\
format: sgpack/plan@1
provider: Example Care Ltd
plan:
  id: SAP-2026-120
  title: Falls at Meadow Court
  service: Meadow Court
  location_id: 1-5550001234
  risk: medium
  opened: 2026-04-01
  quality_statements: [safeguarding]
indicators:
  - {id: fallers, title: People who fell in the month, better: lower, data: indicators/fallers.csv, counts: people}
  - {id: falls, title: Falls per month, better: lower, data: indicators/falls.csv}
actions:
  - id: MC-01
    title: Falls reviewed every week at the handover
    kind: oversight
    quality_statements: [learning_culture, safeguarding]
    commissioner_update: Weekly falls reviews since April.
  - id: MC-02
    title: Falls risk assessments rewritten with each person
    kind: practice_change
"""


def test_the_export_round_trips_what_a_plan_says_to_its_commissioner(tmp_path):
    """The fields for commissioners out and back: location id, what an indicator counts (people; events by
    default), an action's own quality statements and update for the commissioner; an action with none inherits
    its plan's statements on the way back as on the way out."""
    (tmp_path / "plans").mkdir()
    (tmp_path / "evidence").mkdir()
    (tmp_path / "plans" / "meadow.yaml").write_text(PEOPLE_PLAN, encoding="utf-8")
    result = CliRunner().invoke(cli, ["export", str(tmp_path / "plans"), "--evidence", str(tmp_path / "evidence"),
                                      "--as-of", "2026-11-20", "--xlsx", str(tmp_path / "tracker.xlsx")])
    assert result.exit_code == 0, result.output
    (plan,) = pipeline.check([tmp_path / "tracker.xlsx"], tmp_path / "evidence", AS_OF).plans
    assert plan.location_id == "1-5550001234"
    assert [(i.id, i.counts) for i in plan.indicators] == [("fallers", "people"), ("falls", "events")]
    first, second = plan.actions
    assert (first.quality_statements, first.commissioner_update) == (
        ["learning_culture", "safeguarding"], "Weekly falls reviews since April.")
    assert (second.quality_statements, second.commissioner_update) == ([], None)
    assert plan.quality_statements_of(second) == ["safeguarding"]


def test_the_new_plan_template_imports_as_it_is_filled_in(tmp_path):
    import openpyxl

    made = CliRunner().invoke(cli, ["new", "plan", "--xlsx", "--out", str(tmp_path / "plan.xlsx")])
    assert made.exit_code == 0, made.output
    book = openpyxl.load_workbook(tmp_path / "plan.xlsx")
    values = {"Provider": "Example Care Ltd", "Plan ID": "SAP-2026-099", "Plan title": "Falls at Meadow Court",
              "Service": "Meadow Court", "Risk": "medium", "Opened": dt.date(2026, 4, 1),
              "Quality statements": "safeguarding; learning_culture", "CQC location ID": "1-123456789"}
    for row in book["Plan"].iter_rows(min_row=2):
        if row[0].value in values:
            row[1].value = values[row[0].value]
    action = ["MC-01", "Review falls every week at the handover", "oversight", "Ann Lee (Registered Manager)",
              "medium", dt.date(2026, 4, 1), dt.date(2026, 12, 31), "in_progress", None, "green",
              "Weekly reviews started.", "audit; governance minutes", None, "Learning culture; safeguarding",
              "Falls reviewed every week since April."]
    for column, value in enumerate(action, start=1):
        book["Actions"].cell(2, column, value)
    book.save(tmp_path / "filled.xlsx")
    ((draft, emitted),) = read_tracker(tmp_path / "filled.xlsx").plans
    head = {k: v.value for k, v in draft.head.items()}
    assert (draft.provider.value, head["id"], head["service"], head["quality_statements"], head["opened"]) == (
        "Example Care Ltd", "SAP-2026-099", "Meadow Court", ["safeguarding", "learning_culture"], dt.date(2026, 4, 1))
    assert head["location_id"] == "1-123456789"
    (got,) = [{k: v.value for k, v in a.items()} for a in draft.actions]
    assert (got["id"], got["kind"], got["status"], got["rag"], got["due"]) == (
        "MC-01", "oversight", "in_progress", "green", dt.date(2026, 12, 31))
    assert [r["type"] for r in got["requires"]] == ["audit", "governance_minutes"]
    assert got["quality_statements"] == ["learning_culture", "safeguarding"]      # CQC's names read as ids
    assert got["commissioner_update"] == "Falls reviewed every week since April."
    plan = pipeline.check([tmp_path / "filled.xlsx"], ROOT / "examples" / "evidence", AS_OF).plans[0]
    assert plan.id == "SAP-2026-099" and plan.actions[0].owner.name == "Ann Lee"
    assert plan.location_id == "1-123456789"
    assert (plan.actions[0].quality_statements, plan.actions[0].commissioner_update) == (
        ["learning_culture", "safeguarding"], "Falls reviewed every week since April.")


def test_a_50000_row_tracker_is_read_within_bounds_and_says_where_it_stopped(made):
    from compiler.trackers.layout import MAX_ACTIONS

    out, truth = made
    imported = read_tracker(out / "large-tracker.xlsx", _options(truth["files"]["large-tracker.xlsx"]))
    ((draft, _),) = imported.plans
    assert len(draft.actions) == MAX_ACTIONS
    assert any(f"the first {MAX_ACTIONS:,}" in note and "(limit)" in note for note in imported.notes)


def test_a_pack_builds_from_a_tracker(tmp_path):
    tracker = ROOT / "examples" / "trackers" / "oakview-improvement-plan.xlsx"
    result = CliRunner().invoke(cli, ["build", str(tracker), "--evidence", str(ROOT / "examples" / "evidence"),
                                      "--as-of", "2026-11-20", "--pack", "governance", "--out", str(tmp_path / "g")])
    assert result.exit_code == 0, result.output
    manifest = json.loads((tmp_path / "g" / "manifest.json").read_text(encoding="utf-8"))
    assert [(p["id"], p["file"]) for p in manifest["plans"]] == [("SAP-2026-007", str(tracker))]
