"""The CQC evidence index says how each exhibit is dated and why it supports each action, in its reader's words;
a draft is labelled wherever it is shown."""
from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest

from compiler import pipeline
from compiler.packs.assemble import assemble
from compiler.packs.profiles import load_profile
from compiler.views.common import Options
from compiler.views.cqc import cqc_view

ROOT = Path(__file__).resolve().parents[2]
AS_OF = dt.date(2026, 11, 20)
# what the preparer calls its sources: never in a pack that leaves the provider
PREPARER_WORDS = re.compile(r"evidence\.yaml|sidecar|meta\.yaml|front matter|DOCX|PDF /|keywords|--index|index file",
                            re.I)


@pytest.fixture(scope="module")
def view():
    assessment = pipeline.check([ROOT / "examples/plans"], ROOT / "examples/evidence", AS_OF)
    return cqc_view(assemble(assessment, load_profile("cqc")), Options()), assessment


def test_every_exhibit_says_how_it_is_dated_and_why_each_action_in_reader_words(view):
    cqc, _ = view
    assert cqc.exhibits
    for row in cqc.exhibits:
        assert row.basis.startswith(("Date ", "Undated", "Each row dated")), row.basis
        for action, _ in row.actions:
            assert action in row.basis, (row.number, row.basis)
        assert not PREPARER_WORDS.search(row.basis), row.basis


def test_the_words_follow_the_source(view):
    cqc, _ = view
    by_title = {row.title: row.basis for row in cqc.exhibits}
    minutes = by_title["Quality and Safeguarding Committee minutes, 12 March 2026"]
    assert minutes.startswith("Date from the file's name.") and "mentioned in paragraph 27" in minutes
    matrix = next(b for t, b in by_title.items() if t.startswith("Training matrix"))
    assert matrix == "Date listed in the provider's evidence index. RH-05: listed in the provider's evidence index."
    audit = next(b for t, b in by_title.items() if t.startswith("Behaviour support plan audit, Oakview, May"))
    assert audit.startswith("Date written in the document (paragraph 2).")


def test_a_draft_is_labelled_in_exhibit_titles_and_matches(tmp_path):
    import shutil
    evidence = tmp_path / "evidence"
    shutil.copytree(ROOT / "examples/evidence", evidence)
    source = evidence / "minutes" / "2026-09-17-quality-and-safeguarding-committee.docx"
    assert source.exists()
    source.rename(source.with_name("2026-09-17-quality-and-safeguarding-committee DRAFT.docx"))
    assessment = pipeline.check([ROOT / "examples/plans"], evidence, AS_OF)
    cqc = cqc_view(assemble(assessment, load_profile("cqc")), Options())
    drafts = [row.title for row in cqc.exhibits if row.path.endswith("DRAFT.docx")]
    assert drafts and all(title.endswith("(draft)") for title in drafts)
    whys = [why for result in assessment.actions for req in result.requirements for m in req.matches
            if m.evidence.endswith("draft") for why in m.why]
    assert any(why.startswith("a draft (file name") for why in whys)
