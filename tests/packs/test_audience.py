"""Packs that leave the provider hold nothing meant for the preparer; what is meant for the preparer is in the notes
beside the pack folder (never inside it) and on the console. Every pack is built from the bundled example once."""
from __future__ import annotations

import datetime as dt
import re
import zipfile
from pathlib import Path

import pypdfium2 as pdfium
import pytest
from lxml import etree

from compiler import pipeline
from compiler.model.plan import Action, Indicator, Plan, Requirement, Review, Waiver
from compiler.packs import output
from compiler.packs.registry import pack_names
from compiler.rules import RULES

ROOT = Path(__file__).resolve().parents[2]
PLANS, EVIDENCE = ROOT / "examples" / "plans", ROOT / "examples" / "evidence"
AS_OF = dt.date(2026, 11, 20)
SHARED = ("cqc", "commissioner", "board")          # the packs that leave the provider
PROVIDER = "Example Care Ltd"
PREPARER = "Dana Whitfield, Head of Quality"
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
COVER_ENDS = ("Contents", "Assurance at a glance", "Your actions", "Actions due or overdue")

# what a reader outside the provider must never be shown
PATH = re.compile(r"[^\s/()\"']+/[^\s()\"']*\.[A-Za-z0-9]{1,5}\b")     # a "/" path ending in a file extension
MACHINE = re.compile(r"site-packages|\b[A-Za-z]:\\")
YAML = re.compile(r"yaml", re.IGNORECASE)
FLAG = re.compile(r"(?<![\w-])--[A-Za-z][\w-]*")
NOTE = re.compile(r"compliance officer|before the pack is shared|pass --|Hint:")   # "Compliance Officer" is a job
# a plan key as the plan files write it ("reviews:", "record: true") or a vocabulary word with its underscore
KEYS = {name for model in (Plan, Action, Requirement, Review, Indicator, Waiver) for name in model.model_fields}
YAML_KEY = re.compile(r"\b(?:" + "|".join(sorted(KEYS)) + r"):|\b[a-z]+_[a-z_]+\b")


def offences(text: str) -> list[str]:
    found = []
    for name, pattern in (("path", PATH), ("machine path", MACHINE), ("yaml", YAML), ("CLI flag", FLAG),
                          ("note to the preparer", NOTE)):
        found += [f"{name}: {m.group(0)!r} in …{text[max(0, m.start() - 60):m.end() + 30]!r}"
                  for m in pattern.finditer(text)]
    return found


def pdf_pages(path: Path) -> list[str]:
    doc = pdfium.PdfDocument(str(path))
    return [doc[i].get_textpage().get_text_range().replace("\r\n", "\n") for i in range(len(doc))]


def body_pages(path: Path) -> list[str]:
    """The pack's own pages: those before the first exhibit sheet (the exhibits are the provider's records)."""
    pages = pdf_pages(path)
    first_sheet = next((i for i, text in enumerate(pages) if re.search(r"\nEXHIBIT\nE-\d+", text)), len(pages))
    return pages[:first_sheet]


def word_paragraphs(path: Path) -> list[str]:
    """Every paragraph of the document, its headers and its footers."""
    with zipfile.ZipFile(path) as archive:
        parts = [n for n in archive.namelist() if re.fullmatch(r"word/(document|header\d*|footer\d*)\.xml", n)]
        roots = [etree.fromstring(archive.read(n)) for n in sorted(parts)]
    return ["".join(t.text or "" for t in p.iter(f"{W}t")) for root in roots for p in root.iter(f"{W}p")]


def word_cover(path: Path) -> str:
    """The Word cover: the document's paragraphs before its contents (or, in a short pack, its first section)."""
    with zipfile.ZipFile(path) as archive:
        root = etree.fromstring(archive.read("word/document.xml"))
    paragraphs = ["".join(t.text or "" for t in p.iter(f"{W}t")) for p in root.iter(f"{W}p")]
    end = next((i for i, p in enumerate(paragraphs) if p in COVER_ENDS), 12)
    return "\n".join(paragraphs[:end])


def build(name: str, out: Path, **options) -> Path:
    folder, _ = pipeline.build([PLANS], EVIDENCE, name, as_of=AS_OF, out=out, **options)
    return folder


@pytest.fixture(scope="module")
def demo(tmp_path_factory) -> Path:
    """Every pack of the bundled example, as `sgpack demo` builds them: <root>/<pack>/."""
    root = tmp_path_factory.mktemp("demo")
    for name in pack_names():
        build(name, root / name)
    return root


@pytest.fixture(scope="module")
def assessment():
    return pipeline.check([PLANS], EVIDENCE, AS_OF)


def pack_files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*") if p.suffix in (".pdf", ".docx") and p.parent.name != "exhibits")


# ------------------------------------------------------------------------------------ packs that leave the provider

@pytest.mark.parametrize("name", SHARED)
def test_a_pack_that_leaves_the_provider_holds_nothing_meant_for_the_preparer(demo, name):
    files = pack_files(demo / name)
    assert {p.suffix for p in files} == {".pdf", ".docx"}
    for path in files:
        chunks = body_pages(path) if path.suffix == ".pdf" else word_paragraphs(path)
        assert chunks
        found = [f"{path.name}: {o}" for text in chunks for o in offences(text)]
        assert not found, "\n".join(found)


def test_the_cqc_pack_places_each_finding_by_plan_and_action_and_says_what_resolves_it(demo, assessment):
    text = re.sub(r"\s+", " ", " ".join(body_pages(demo / "cqc" / "cqc-pack.pdf")))
    word = " ".join(word_paragraphs(demo / "cqc" / "cqc-pack.docx"))
    gaps = text[text.index("Gap report Severity"):]
    counted = assessment.counted()
    assert counted
    for f in counted:
        assert f.resolve and f.statement
        if f.plan and f.action:
            assert f"{f.plan} › {f.action}" in gaps, f.rule
        assert f.hint not in text and f.hint not in word                     # the hint is for the preparer
        assert f"Resolved when: {f.resolve}"[:60] in word, f.rule
    assert "Resolved when: RH-02 has 2 supervision items (within 90 days) on file" in gaps
    assert "Personal data warnings" not in text and "Personal data" not in word


def test_the_commissioner_data_protection_page_leaves_off_what_was_not_given(demo, tmp_path):
    def dp_page(folder: Path) -> str:
        pages = pdf_pages(folder / "commissioner-pack.pdf")
        return re.sub(r"\s+", " ", next(p for p in reversed(pages) if "Data protection" in p))

    default = dp_page(demo / "commissioner")
    assert "Recipient" not in default and "Approved by" not in default and "not recorded" not in default
    assert "Lawful basis (Article 6)" in default
    word = word_paragraphs(demo / "commissioner" / "commissioner-pack.docx")
    assert "Approved by" not in word and "Recipient" not in word and "Lawful basis (Article 6)" in word

    named = build("commissioner", tmp_path / "named", approved_by="Mina Patel, Registered Manager",
                  recipient="northfield-council")
    page = dp_page(named)
    assert "Recipient northfield-council" in page and "Approved by Mina Patel, Registered Manager" in page
    word = word_paragraphs(named / "commissioner-pack.docx")
    assert "northfield-council" in word and "Mina Patel, Registered Manager" in word


@pytest.mark.parametrize("name", ("governance", "owners"))
def test_a_pack_read_inside_the_provider_gives_its_hints_in_words(demo, name):
    folder = demo / name
    texts = {p.name: "\n".join(pdf_pages(p) if p.suffix == ".pdf" else word_paragraphs(p)) for p in pack_files(folder)}
    texts.update({p.name: p.read_text(encoding="utf-8") for p in folder.glob("*.csv")})
    for file, text in texts.items():
        for pattern in (YAML, FLAG, re.compile("`")):           # a plan key was always named in backticks
            assert not pattern.search(text), (file, pattern.search(text).group(0))
    if name == "owners":
        assert "Hint: date it: write the date in the file name" in texts["daniel-okafor.pdf"].replace("\r\n", " ")


# ------------------------------------------------------------------------------------------------------ covers

@pytest.mark.parametrize("name", pack_names())
def test_every_cover_names_the_provider_as_preparer_never_the_tool(demo, name):
    for path in pack_files(demo / name):
        cover = re.sub(r"\s+", " ", pdf_pages(path)[0]) if path.suffix == ".pdf" else word_cover(path)
        assert f"Prepared by {PROVIDER}" in cover or f"Prepared by\n{PROVIDER}" in cover, path.name
        assert "sgpack" not in cover.lower(), path.name


@pytest.mark.parametrize("name", ("commissioner", "board"))
def test_a_cover_names_the_preparer_given(tmp_path, name):
    folder = build(name, tmp_path / name, prepared_by=PREPARER)
    for path in pack_files(folder):
        cover = re.sub(r"\s+", " ", pdf_pages(path)[0]) if path.suffix == ".pdf" else word_cover(path)
        assert PREPARER in cover and "sgpack" not in cover.lower(), path.name


# ----------------------------------------------------------------------------------------- the preparer's notes

@pytest.mark.parametrize("name", pack_names())
def test_the_notes_sit_beside_the_pack_folder_never_inside_it(demo, name):
    notes = demo / f"{name}.preparer-notes.md"
    assert notes.is_file()
    assert output.notes_path(demo / name) == notes
    assert not [p for p in (demo / name).rglob("*") if "preparer" in p.name]
    assert not output.verify(demo / name)                         # the pack is its manifest, nothing more


def test_the_notes_hold_every_finding_with_its_file_line_and_hint(demo, assessment):
    notes = (demo / "cqc.preparer-notes.md").read_text(encoding="utf-8")
    for f in assessment.counted():
        where = f"{f.file}:{f.line}" if f.line else f.file
        assert where in notes and f.hint.replace("<", "\\<") in notes, f.rule
        assert f.message in notes
    # what could not be checked, and the personal data the pack holds (values masked)
    assert "## What could not be checked" in notes
    assert "minutes/2026-09-17-quality-and-safeguarding-committee-signed-truncated.pdf" in notes
    assert "## Personal data in the pack" in notes and "999 *** ****" in notes
    assert "9990000018" not in notes and "999 000 0018" not in notes


def test_the_notes_are_printed_on_the_console(tmp_path, capsys):
    build("board", tmp_path / "board")
    err = capsys.readouterr().err
    notes = (tmp_path / "board.preparer-notes.md").read_text(encoding="utf-8")
    assert notes.strip() in err and str(tmp_path / "board.preparer-notes.md") in err
    assert "Hint:" in notes and "Where:" in notes


def test_a_failed_build_leaves_no_notes_and_keeps_the_last_packs(tmp_path, monkeypatch):
    from compiler.packs import registry

    build("board", tmp_path / "board")
    before = (tmp_path / "board.preparer-notes.md").read_bytes()

    def broken(name):
        real = registry_writer(name)

        def write(job):
            real(job)
            raise RuntimeError("the disk went away")
        return write

    registry_writer = registry.pack_writer
    monkeypatch.setattr(registry, "pack_writer", broken)
    with pytest.raises(RuntimeError, match="disk went away"):
        build("board", tmp_path / "board")                      # over an earlier pack: it and its notes stay
    with pytest.raises(RuntimeError, match="disk went away"):
        build("board", tmp_path / "fresh")                      # a first build: nothing is left
    assert (tmp_path / "board.preparer-notes.md").read_bytes() == before
    assert not (tmp_path / "fresh").exists() and not (tmp_path / "fresh.preparer-notes.md").exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["board", "board.preparer-notes.md"]


def test_a_pack_with_no_notes_takes_the_last_packs_notes_with_it(tmp_path):
    (tmp_path / "old.preparer-notes.md").write_text("about another pack\n", encoding="utf-8")
    with output.staged(tmp_path / "old") as stage:
        output.write_file(stage, "x.txt", b"x")
    assert not (tmp_path / "old.preparer-notes.md").exists()


# ------------------------------------------------------------------------------------------------------- rules

@pytest.mark.parametrize("code", sorted(RULES))
def test_every_rule_says_what_resolves_it_in_the_readers_terms(code):
    r = RULES[code]
    assert r.resolve.strip(), code
    for text in (r.resolve, r.advice or r.hint):
        assert "`" not in text and "--" not in text and not YAML.search(text), (code, text)
        assert not MACHINE.search(text) and not PATH.search(text), (code, text)
    assert not YAML_KEY.search(r.resolve), (code, r.resolve)
    # inside the provider: in words, never a plan key as the files spell it ("`reviews:`", "practice_change")
    assert not re.search(r"\b[a-z]+_[a-z_]+\b", r.advice or r.hint), (code, r.advice or r.hint)


def test_a_finding_read_outside_the_provider_names_files_not_folders(assessment):
    for f in assessment.findings:
        for text in (f.statement, f.resolve):
            assert text and not PATH.search(text) and not YAML.search(text), (f.rule, text)
    unreadable = next(f for f in assessment.findings if f.rule == "SG304")
    assert "minutes/" in unreadable.message and "minutes/" not in unreadable.statement
    assert "2026-09-17-quality-and-safeguarding-committee-signed-truncated.pdf" in unreadable.statement
    overdue = next(f for f in assessment.findings if f.rule == "SG403")
    assert "in_progress" in overdue.message and "still in progress" in overdue.statement
