"""Every finding line the docs show for the bundled example is one `sgpack check` prints today, line number and all.

The README's samples are run by test_readme.py; the docs' pages quote single findings, which drift when the example
plans gain a line. This holds them to the tool.
"""
from __future__ import annotations

import re
from pathlib import Path

from click.testing import CliRunner

from compiler.cli import cli

ROOT = Path(__file__).resolve().parents[2]
FINDING = re.compile(r"^\s*(examples/plans/[\w.-]+\.yaml:\d+: SG\d{3} .*)$")


def _said(text: str) -> str:
    return " ".join(text.split())


def test_every_finding_the_docs_quote_is_printed_by_check(monkeypatch):
    monkeypatch.chdir(ROOT)
    quoted = {(page.name, _said(m.group(1))) for page in sorted((ROOT / "docs").glob("*.md"))
              for line in page.read_text(encoding="utf-8").splitlines() if (m := FINDING.match(line))}
    assert len(quoted) >= 3, quoted          # the pages do quote the example; a changed pattern must not pass empty
    run = CliRunner().invoke(cli, ["check", "examples/plans", "--evidence", "examples/evidence",
                                   "--as-of", "2026-11-20"])
    printed = {_said(line) for line in run.output.splitlines()}
    assert [q for q in sorted(quoted) if q[1] not in printed] == []
