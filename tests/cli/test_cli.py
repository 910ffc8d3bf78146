"""The command line as a user meets it: exit codes, messages naming file and line, JSON shape."""
from __future__ import annotations

import json
import re
import textwrap
from pathlib import Path

import pytest
from click.testing import CliRunner

from compiler.cli import cli

PLAN = """\
format: sgpack/plan@1
provider: Example Care Ltd
plan:
  id: SAP-2026-007
  title: Restrictive practice at Oakview
  service: Oakview
  abuse_types: [restrictive_practice]
  risk: medium
  opened: 2026-02-14
actions:
  - id: RP-01
    title: Managers review restrictive practice logs weekly
    kind: oversight
    owner: Priya Shah (Registered Manager)
    due: 2026-12-31
    status: in_progress
    rag: green
    narrative: Weekly reviews started 3 March.
    requires:
      - type: supervision
        count: 2
"""


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


@pytest.fixture
def case(tmp_path: Path) -> Path:
    write(tmp_path / "plans" / "oakview.yaml", PLAN)
    write(tmp_path / "evidence" / "supervision" / "2026-04-02 supervision PS.md",
          "---\ntitle: Supervision, night staff\n---\nDiscussed RP-01 log reviews.\n")
    return tmp_path


def run(*args: str, cwd: Path | None = None):
    runner = CliRunner()
    return runner.invoke(cli, list(args), catch_exceptions=False)


def test_check_reports_a_finding_and_exits_1(case: Path) -> None:
    result = run("check", str(case / "plans"), "--evidence", str(case / "evidence"), "--as-of", "2026-06-01")
    assert result.exit_code == 1, result.output
    # linter-shaped line: file:line: CODE severity action message, then the hint
    assert re.search(r"oakview\.yaml:\d+: SG302 error\s+RP-01 .*1 found", result.output)
    assert "  hint: " in result.output
    assert "SAP-2026-007" in result.output  # per-plan summary


def test_fail_on_never_exits_0_and_warning_is_stricter(case: Path) -> None:
    base = ["check", str(case / "plans"), "--evidence", str(case / "evidence"), "--as-of", "2026-06-01"]
    assert run(*base, "--fail-on", "never").exit_code == 0


def test_json_has_the_spec_shape(case: Path) -> None:
    result = run("check", str(case / "plans"), "--evidence", str(case / "evidence"),
                 "--as-of", "2026-06-01", "--format", "json")
    data = json.loads(result.output)
    assert set(data) == {"as_of", "tool_version", "summary", "actions", "findings", "waived"}
    assert data["as_of"] == "2026-06-01"
    assert data["summary"]["plans"] == 1 and data["summary"]["actions"] == 1
    assert set(data["summary"]["findings"]) == {"error", "warning", "info"}
    action = data["actions"][0]
    assert set(action) == {"id", "plan", "owner", "declared_rag", "assessed_rag", "status",
                           "requirements", "closure"}
    assert action["owner"] == "Priya Shah"
    assert action["requirements"] == [{"type": "supervision", "count": 2, "found": 1, "current": 1,
                                       "evidence": [action["requirements"][0]["evidence"][0]], "met": False}]
    assert set(action["closure"]) == {"indicators", "audit", "staff", "governance", "ready"}
    assert all(v in ("pass", "fail", "n/a") for k, v in action["closure"].items() if k != "ready")
    finding = next(f for f in data["findings"] if f["rule"] == "SG302")
    assert set(finding) == {"rule", "name", "severity", "plan", "action", "evidence", "message",
                            "hint", "file", "line", "cell"}
    assert finding["action"] == "RP-01" and finding["file"].endswith("oakview.yaml")
    assert isinstance(finding["line"], int)


BAD_PLANS = {
    "syntax": ("  title: [unclosed\n", r"oakview\.yaml:\d+: "),
    "unknown key": ("    ownr: Priya Shah\n", r"oakview\.yaml:\d+: actions\[0\]\.ownr: .*unknown"),
    "impossible date": ("    due: 2026-02-30\n", r"oakview\.yaml:\d+: .*2026-02-30"),
}


def _bad_plan(kind: str) -> str:
    if kind == "syntax":
        return PLAN.replace("  title: Restrictive practice at Oakview\n", BAD_PLANS["syntax"][0])
    if kind == "unknown key":
        return PLAN.replace("    owner: Priya Shah (Registered Manager)\n", BAD_PLANS["unknown key"][0])
    if kind == "impossible date":
        return PLAN.replace("    due: 2026-12-31\n", BAD_PLANS["impossible date"][0])
    raise AssertionError(kind)


@pytest.mark.parametrize("kind", sorted(BAD_PLANS))
def test_bad_plan_names_file_and_line_and_exits_2(case: Path, kind: str) -> None:
    write(case / "plans" / "oakview.yaml", _bad_plan(kind))
    result = run("check", str(case / "plans"), "--evidence", str(case / "evidence"), "--as-of", "2026-06-01")
    assert result.exit_code == 2
    assert "Traceback" not in result.output
    assert re.search(r"^error: .*" + BAD_PLANS[kind][1], result.output, re.M), result.output


def test_missing_field_alias_and_duplicate_id(case: Path) -> None:
    ev = str(case / "evidence")
    write(case / "plans" / "oakview.yaml", PLAN.replace("    kind: oversight\n", ""))
    result = run("check", str(case / "plans"), "--evidence", ev)
    assert result.exit_code == 2
    assert re.search(r"^error: .*oakview\.yaml:11: actions\[0\]\.kind: ", result.output, re.M), result.output

    write(case / "plans" / "oakview.yaml", PLAN.replace("  risk: medium\n", "  risk: &r medium\n")
          .replace("    due: 2026-12-31\n", "    due: 2026-12-31\n    risk: *r\n"))
    result = run("check", str(case / "plans"), "--evidence", ev)
    assert result.exit_code == 2
    assert re.search(r"^error: .*oakview\.yaml:\d+: .*alias", result.output, re.M | re.I), result.output

    write(case / "plans" / "oakview.yaml", PLAN)
    write(case / "plans" / "second.yaml", PLAN.replace("SAP-2026-007", "SAP-2026-008"))
    result = run("check", str(case / "plans"), "--evidence", ev)
    assert result.exit_code == 2
    assert re.search(r"^error: .*second\.yaml:11: actions\[0\]\.id: duplicate .*RP-01.*oakview\.yaml:11",
                     result.output, re.M), result.output


def test_missing_evidence_folder_exits_2(case: Path) -> None:
    result = run("check", str(case / "plans"), "--evidence", str(case / "nowhere"))
    assert result.exit_code == 2
    assert "error: " in result.output and "nowhere" in result.output


def test_bad_as_of_exits_2(case: Path) -> None:
    result = run("check", str(case / "plans"), "--evidence", str(case / "evidence"), "--as-of", "2026-13-01")
    assert result.exit_code == 2


def test_evidence_lists_items_with_provenance(case: Path) -> None:
    result = run("evidence", str(case / "evidence"), str(case / "plans"))
    assert result.exit_code == 0, result.output
    assert "supervision" in result.output
    assert "type from file name '2026-04-02 supervision PS.md': 'supervision'" in result.output
    assert "RP-01" in result.output and "mentioned" in result.output
    data = json.loads(run("evidence", str(case / "evidence"), str(case / "plans"), "--format", "json").output)
    item = data["items"][0]
    assert item["type"] == "supervision" and item["date"] == "2026-04-02"
    assert item["provenance"]["date"].startswith("file name")
    assert [link["target"] for link in item["links"]] == ["RP-01"]


def test_rules_lists_every_rule_and_explain_prints_a_page() -> None:
    result = run("rules")
    assert result.exit_code == 0
    codes = re.findall(r"^(SG\d{3}) ", result.output, re.M)
    assert codes == sorted(codes) and len(codes) == 27
    page = run("explain", "SG301")
    assert page.exit_code == 0
    for heading in ("What it checks", "Why it matters", "Example", "Fix"):
        assert heading in page.output
    assert run("explain", "SG999").exit_code == 2


def test_rule_docs_are_up_to_date() -> None:
    """docs/rules.md is generated by `sgpack rules --format markdown`; regenerate it when a rule changes."""
    expected = run("rules", "--format", "markdown").output
    assert (Path(__file__).parents[2] / "docs" / "rules.md").read_text(encoding="utf-8") == expected


def test_evidence_limits_are_listed() -> None:
    result = run("evidence", "--limits")
    assert result.exit_code == 0
    assert "time to read one PDF/DOCX/XLSX" in result.output and "20 s" in result.output


def test_folder_problems_are_reported(case: Path) -> None:
    (case / "evidence" / "evidence.yaml").write_text("../outside.txt:\n  type: audit\n")
    result = run("evidence", str(case / "evidence"))
    assert result.exit_code == 0
    assert "evidence folder:" in result.output and "outside.txt" in result.output
