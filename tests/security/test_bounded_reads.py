"""Bad input costs a bounded read and gets a note, never a crash or a guess.

A text file at the size limit is read (its text cut at the text cap, and said so) and one byte over
is not read at all; a PDF whose page is only a picture is read with no text and no date made up; a
Word document holding 5,000 dates is read within the time limit; names and text in every script
go through the catalogue, check and a CQC build, and print safely.
"""
from __future__ import annotations

import hashlib
import json
import os
import time
import unicodedata
from pathlib import Path

import pytest
from click.testing import CliRunner
from hostile import REFUSED_IN_NAMES, SCRIPTS, docx_bytes, image_only_pdf, many_dates, plan_text, write

from compiler.cli import cli
from compiler.packs.output import MANIFEST, verify
from evidence_store import scan
from evidence_store.limits import DEFAULT_LIMITS, MB

AS_OF = "2026-11-20"
SERIES = "period,value\n2026-01,5\n2026-02,4\n2026-03,3\n2026-04,2\n"
# what must never reach a terminal or a file name raw: invisible joiners and direction marks
INVISIBLE = ("\u200d", "\u200e", "\u200f", "\u202b", "\u202c", "\u202e")


def run(*args: str) -> tuple[int, str]:
    """One sgpack command in process: exit 0 or 1, never 2, never a traceback."""
    result = CliRunner().invoke(cli, list(args))
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert "Traceback" not in result.output, result.output
    assert result.exit_code in (0, 1), result.output
    return result.exit_code, result.output


@pytest.fixture
def case(tmp_path: Path) -> tuple[Path, Path]:
    """(plans folder, evidence folder): one plan whose action RP-01 wants supervision records."""
    evidence = tmp_path / "evidence"
    write(evidence / "indicators" / "ri.csv", SERIES)
    write(tmp_path / "plans" / "plan.yaml", plan_text())
    return tmp_path / "plans", evidence


def items(evidence: Path) -> dict:
    return {i.path: i for i in scan(evidence, {"RP-01", "SAP-2026-007"}).items}


# ------------------------------------------------------------------------------------------------ size

def test_a_text_file_at_the_size_limit_is_read_and_one_byte_over_is_never_read(case):
    plans, evidence = case
    limit = DEFAULT_LIMITS.max_file_bytes
    assert limit == 100 * MB
    line = b"RP-01 restrictive practice log reviewed; nothing further to add at this review.\n"
    body = line * (limit // len(line))
    body += b"x" * (limit - len(body))
    write(evidence / "logs" / "at the limit.txt", body)
    write(evidence / "logs" / "one byte over.txt", body + b"x")
    del body

    started = time.monotonic()
    found = items(evidence)
    assert time.monotonic() - started < 60
    at, over = found["logs/at the limit.txt"], found["logs/one byte over.txt"]
    assert (at.status, at.size) == ("ok", limit)
    assert f"text cut at {DEFAULT_LIMITS.max_text_chars:,} characters (limit)" in at.provenance["notes"]
    assert (over.status, over.reason, over.size) == ("unreadable", "file is larger than the 100 MB limit", limit + 1)
    assert not over.sha256                              # not read, so not hashed

    _, printed = run("check", str(plans), "--evidence", str(evidence), "--as-of", AS_OF, "--format", "json")
    messages = [f["message"] for f in json.loads(printed)["findings"] if f["rule"] == "SG304"]
    assert [m for m in messages if "one byte over.txt" in m and m.endswith("file is larger than the 100 MB limit")]
    assert not [m for m in messages if "at the limit.txt" in m]


# ------------------------------------------------------------------------------------------ no text

def test_a_pdf_whose_page_is_only_a_picture_is_read_with_no_date_made_up(case, tmp_path):
    plans, evidence = case
    write(evidence / "supervision" / "scanned supervision notes.pdf", image_only_pdf())
    write(evidence / "evidence.yaml", "supervision/scanned supervision notes.pdf:\n  actions: [RP-01]\n")
    item = items(evidence)["supervision/scanned supervision notes.pdf"]
    assert (item.status, item.pages, item.text) == ("ok", 1, "")
    assert item.date is None and "no date" in item.provenance["date"]

    _, printed = run("check", str(plans), "--evidence", str(evidence), "--as-of", AS_OF, "--format", "json")
    about = [f for f in json.loads(printed)["findings"] if "scanned supervision notes.pdf" in f["message"]]
    rules = {f["rule"] for f in about}
    assert "SG308" in rules and "SG304" not in rules     # read; linked and undated: said so, not guessed
    run("build", str(plans), "--evidence", str(evidence), "--as-of", AS_OF, "--pack", "cqc", "--out",
        str(tmp_path / "pack"))
    assert verify(tmp_path / "pack") == []
    assert [p.name for p in (tmp_path / "pack" / "exhibits").iterdir() if p.suffix == ".pdf"]


def test_a_pdf_page_with_no_text_gets_a_note(folder):
    write(folder / "minutes" / "scanned committee minutes.pdf", image_only_pdf())
    notes = items(folder)["minutes/scanned committee minutes.pdf"].provenance.get("notes", "")
    assert "no text" in notes and "page 1" in notes


# ------------------------------------------------------------------------------------------- many dates

def test_a_word_document_with_5000_dates_is_read_within_the_time_limit(case):
    plans, evidence = case
    lines = many_dates(5000)
    assert len(set(lines)) == 5000
    write(evidence / "supervision" / "supervision log.docx", docx_bytes(["Supervision log", *lines]))
    write(evidence / "supervision" / "one paragraph.docx", docx_bytes([" ".join(lines)]))
    started = time.monotonic()
    found = items(evidence)
    assert time.monotonic() - started < DEFAULT_LIMITS.read_seconds
    for name in ("supervision/supervision log.docx", "supervision/one paragraph.docx"):
        item = found[name]
        assert item.status == "ok", item.reason
        assert item.date is None or item.provenance["date"]           # a date says where it came from
    _, printed = run("check", str(plans), "--evidence", str(evidence), "--as-of", AS_OF, "--format", "json")
    assert not [f for f in json.loads(printed)["findings"] if f["rule"] == "SG304"]


# ---------------------------------------------------------------------------------------- every script

def shown_safely(text: str) -> None:
    assert not any(ch in text for ch in INVISIBLE), [ch for ch in INVISIBLE if ch in text]


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def test_names_and_text_in_every_script_are_catalogued_checked_and_built(case, tmp_path):
    plans, evidence = case
    written: dict[str, tuple[str, str]] = {}        # script -> the paths the catalogue lists its two files under
    for n, (script, (title, sentence)) in enumerate(SCRIPTS.items(), 1):
        md = write(evidence / "supervision" / f"2026-03-{n:02d} {title}.md", f"# {title}\n\nRP-01 {sentence}.\n")
        docx = write(evidence / "supervision" / f"2026-04-{n:02d} {script} {title}.docx",
                     docx_bytes([f"RP-01 {sentence}"], title=title))
        written[script] = (nfc(md.relative_to(evidence).as_posix()), nfc(docx.relative_to(evidence).as_posix()))
    # the combining marks are stored decomposed (as a Mac writes them) and listed composed
    decomposed = f"2026-03-07 {SCRIPTS['combining'][0]}.md"
    assert decomposed in os.listdir(evidence / "supervision") and decomposed != nfc(decomposed)

    found = items(evidence)
    for script, paths in written.items():
        for rel in paths:
            if script in REFUSED_IN_NAMES:          # listed by its escaped name: the first 22 characters are plain
                [item] = [i for i in found.values() if i.path.startswith(rel[:22])]
                assert item.reason == "file name contains control or invisible characters; rename the file"
                shown_safely(item.path)
            else:
                assert found[rel].status == "ok", (rel, found[rel].reason)
                assert any(link.target == "RP-01" for link in found[rel].links)
    readable = [script for script in SCRIPTS if script not in REFUSED_IN_NAMES]
    assert {nfc(found[written[script][0]].title) for script in readable} == {nfc(SCRIPTS[s][0]) for s in readable}

    for fmt in ("text", "json"):
        _, printed = run("check", str(plans), "--evidence", str(evidence), "--as-of", AS_OF, "--format", fmt)
        shown_safely(printed)
    _, printed = run("evidence", str(evidence), str(plans))
    shown_safely(printed)
    for script in readable:
        assert nfc(SCRIPTS[script][0]) in nfc(printed), script

    out = tmp_path / "pack"
    _, printed = run("build", str(plans), "--evidence", str(evidence), "--as-of", AS_OF, "--pack", "cqc",
                     "--out", str(out))
    shown_safely(printed)
    assert verify(out) == []
    manifest = json.loads((out / MANIFEST).read_text(encoding="utf-8"))
    inputs = {entry["path"]: entry["sha256"] for entry in manifest["inputs"]}
    copies = {p.name: p for p in (out / "exhibits").iterdir()}
    assert len([rel for rel in inputs if rel.startswith("supervision/")]) == 2 * len(readable)
    assert len([name for name in copies if not name.endswith(".csv")]) == 2 * len(readable)   # every one copied
    for name, copy in copies.items():
        shown_safely(name)
        assert len(name.encode("utf-8")) < 200
        assert hashlib.sha256(copy.read_bytes()).hexdigest() in inputs.values()
