"""The commissioner pack leaks no roster person: searched in every file it writes, every way.

Pseudonym keys go to a tmp folder through SGPACK_KEY_DIR (compiler.privacy.redact_view).
"""
from __future__ import annotations

import html
import json
import re
import shutil
import zipfile
from pathlib import Path

import pypdfium2 as pdfium
import pytest
from click.testing import CliRunner
from pypdf import PdfReader
from pypdf.generic import IndirectObject, StreamObject

from compiler.cli import cli
from compiler.privacy.pseudonym import Pseudonymiser, load_key
from compiler.privacy.roster import load_roster

ROOT = Path(__file__).resolve().parents[2]
PLANS = ROOT / "examples" / "plans"
EVIDENCE = ROOT / "examples" / "evidence"
ROSTER = load_roster(PLANS / "roster.csv")
FILES = ("commissioner-pack.pdf", "commissioner-pack.docx", "return.xlsx", "return.csv")


def make_valid(first_nine: str) -> str | None:
    total = sum(int(d) * w for d, w in zip(first_nine, range(10, 1, -1)))
    check = 11 - total % 11
    check = 0 if check == 11 else check
    return None if check == 10 else first_nine + str(check)


def build(out: Path, keys: Path, *extra: str, plans: Path = PLANS):
    return CliRunner().invoke(cli, ["build", str(plans), "--evidence", str(EVIDENCE), "--pack", "commissioner",
                                    "--as-of", "2026-11-20", "--out", str(out), *extra],
                              env={"SGPACK_KEY_DIR": str(keys)}, catch_exceptions=False)


def seeded_plans(tmp: Path, extra: str = "") -> Path:
    """The example plans with residents named, numbered and dated in a narrative and a review."""
    folder = tmp / "plans"
    shutil.copytree(PLANS, folder)
    plan = folder / "oakview-restrictive-practice.yaml"
    text = plan.read_text(encoding="utf-8")
    # under a contract: the commissioner pack holds only plans that are
    text = text.replace("\n  risk: ", "\n  contract: NCC-RES-2026-004\n  risk: ", 1)
    text = text.replace(
        "      Weekend reviews are done by the on-call manager on the Monday.\n",
        "      Weekend reviews are done by the on-call manager on the Monday. Jamie Thornton (NHS number\n"
        "      999 000 0018, DOB 14/03/1994) and EDNA PEARCE, 999-000-0050, born 17 January 1936, were\n"
        f"      restricted once each; Thornton, Jamie agreed his plan. Kelly said no.{extra}\n", 1)
    text = text.replace("narrative: Four interventions in October, within target.",
                        "narrative: Four interventions in October (Martin Blake twice), within target.", 1)
    text = text.replace("The weekly review continues under RP-05.",
                        "The weekly review continues under RP-05. Dennis Howarth's plan was the model.", 1)
    assert "Jamie Thornton" in text and "Martin Blake" in text and "Dennis Howarth" in text
    plan.write_text(text, encoding="utf-8")
    return folder


def forbidden_values() -> list[re.Pattern[str]]:
    """Every roster person's name words, NHS number in any spacing and date of birth in common forms."""
    patterns = []
    for person in ROSTER.people:
        for word in person.name.split():
            patterns.append(re.compile(rf"(?<![\w]){re.escape(word)}(?!\w)", re.IGNORECASE))
        n = person.nhs_number
        patterns.append(re.compile(r"[\s.\-]{0,2}".join(n)))
        d = person.date_of_birth
        for form in (d.isoformat(), d.strftime("%d/%m/%Y"), f"{d.day}/{d.month}/{d.year}",
                     f"{d.day} {d.strftime('%B %Y')}", d.strftime("%d.%m.%Y")):
            patterns.append(re.compile(re.escape(form), re.IGNORECASE))
    return patterns


def pdf_texts(path: Path) -> list[str]:
    doc = pdfium.PdfDocument(str(path))
    return [doc[i].get_textpage().get_text_range() for i in range(len(doc))]


def pdf_raw_streams(path: Path) -> list[str]:
    """The file's bytes, and every object's bytes with streams decompressed (pypdf)."""
    reader = PdfReader(str(path))
    out = [path.read_bytes().decode("latin-1")]
    for generation, objects in reader.xref.items():
        for number in objects:
            obj = reader.get_object(IndirectObject(number, generation, reader))
            if isinstance(obj, StreamObject):
                out.append(obj.get_data().decode("latin-1"))
            else:
                out.append(str(obj))
    for page in pdf_texts(path):
        out.append(page)
    return out


def zip_parts(path: Path) -> list[str]:
    parts = []
    with zipfile.ZipFile(path) as z:
        for name in z.namelist():
            if name.endswith((".xml", ".rels")):
                xml = z.read(name).decode("utf-8")
                parts += [xml, html.unescape(re.sub(r"<[^>]+>", "", xml))]
    return parts


def every_text(pack: Path) -> dict[str, list[str]]:
    return {"pdf": pdf_raw_streams(pack / "commissioner-pack.pdf"),
            "docx": zip_parts(pack / "commissioner-pack.docx"),
            "xlsx": zip_parts(pack / "return.xlsx"),
            "csv": [(pack / "return.csv").read_text(encoding="utf-8-sig")]}


def assert_no_roster_person(pack: Path) -> None:
    for where, texts in every_text(pack).items():
        for text in texts:
            for pattern in forbidden_values():
                assert not pattern.search(text), (where, pattern.pattern)


@pytest.fixture(scope="module")
def keys(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("keys")


@pytest.fixture(scope="module")
def example(tmp_path_factory, keys) -> Path:
    out = tmp_path_factory.mktemp("example") / "pack"
    result = build(out, keys)
    assert result.exit_code == 0, result.output
    return out


@pytest.fixture(scope="module")
def seeded(tmp_path_factory, keys) -> tuple[Path, Path]:
    tmp = tmp_path_factory.mktemp("seeded")
    plans = seeded_plans(tmp)
    out = tmp / "pack"
    result = build(out, keys, plans=plans)
    assert result.exit_code == 0, result.output
    return out, plans


def test_example_pack_holds_no_roster_person(example):
    assert sorted(p.name for p in example.iterdir()) == sorted([*FILES, "manifest.json"])
    assert_no_roster_person(example)


def test_named_residents_in_plans_are_pseudonymised_everywhere(seeded, keys):
    pack, _ = seeded
    assert_no_roster_person(pack)
    p = Pseudonymiser(load_key("default", keys))
    text = "\n".join(pdf_texts(pack / "commissioner-pack.pdf"))
    flat = re.sub(r"\s+", " ", text)
    for name in ("Jamie Thornton", "Edna Pearce", "Martin Blake"):
        assert p.person(name) in flat, name
    assert p.nhs_number("9990000018") in flat
    assert "DOB withheld" in flat
    csv_text = (pack / "return.csv").read_text(encoding="utf-8-sig")
    assert p.person("Dennis Howarth") in csv_text            # RP-03's narrative: the indicator's latest row
    docx = "\n".join(zip_parts(pack / "commissioner-pack.docx"))
    assert p.person("Edna Pearce") in docx
    # the data-protection page counts what was pseudonymised
    assert re.search(r"Names and initials of people who use services \d+", flat)
    # staff owners keep their names (owners_as_roles is false in the shipped profile)
    assert "Priya Shah" in flat


def test_pseudonyms_stable_per_key_and_different_per_recipient(seeded, keys, tmp_path):
    pack, plans = seeded
    again = tmp_path / "again"
    assert build(again, keys, plans=plans).exit_code == 0
    for name in FILES:
        assert (pack / name).read_bytes() == (again / name).read_bytes(), name
    other = tmp_path / "other"
    assert build(other, keys, "--recipient", "icb-north", plans=plans).exit_code == 0
    first = Pseudonymiser(load_key("default", keys)).person("Jamie Thornton")
    second = Pseudonymiser(load_key("icb-north", keys)).person("Jamie Thornton")
    assert first != second
    docx = "\n".join(zip_parts(other / "commissioner-pack.docx"))
    assert second in docx and first not in docx
    assert sorted(p.name for p in keys.iterdir()) == ["default.key", "icb-north.key"]


def test_unrostered_nhs_number_refuses_and_writes_nothing(tmp_path, keys):
    number = make_valid("999123456") or make_valid("999123457")
    assert number and number not in {p.nhs_number for p in ROSTER.people}
    spaced = f"{number[:3]} {number[3:6]} {number[6:]}"
    plans = seeded_plans(tmp_path, extra=f" A visitor's NHS number {spaced} was noted.")
    out = tmp_path / "refused"
    result = build(out, keys, plans=plans)
    assert result.exit_code == 1, result.output
    assert not out.exists()
    assert not [p for p in tmp_path.iterdir() if "sgpack-tmp" in p.name]
    assert "personal data" in result.output and "--allow-personal-data" in result.output
    assert f"NHS number {number[:3]} *** ****" in result.output
    assert "pamms[RP-01]" in result.output
    for form in (number, spaced, number[3:]):
        assert form not in result.output
    assert "Thornton" not in result.output                       # rostered people were pseudonymised

    allowed = tmp_path / "allowed"
    result = build(allowed, keys, "--allow-personal-data", "visitor consented; DPO agreed",
                   "--approved-by", "Helen Carter, DPO", plans=plans)
    assert result.exit_code == 0, result.output
    manifest = json.loads((allowed / "manifest.json").read_text())
    assert manifest["allow_personal_data"] == "visitor consented; DPO agreed"
    whole = re.sub(r"\s+", " ", " ".join(pdf_texts(allowed / "commissioner-pack.pdf")))
    page = whole[whole.rindex("Data protection Purpose"):]
    assert "visitor consented; DPO agreed" in page and "Helen Carter, DPO" in page
    assert f"{number[:3]} *** ****" in page


def test_nothing_hidden_leaves(example):
    reader = PdfReader(str(example / "commissioner-pack.pdf"))
    assert "/Metadata" not in reader.trailer["/Root"]
    assert set(reader.metadata) == {"/Title", "/Producer", "/Creator", "/CreationDate", "/ModDate"}
    assert reader.metadata["/CreationDate"] == "D:20261120000000Z"
    with zipfile.ZipFile(example / "commissioner-pack.docx") as z:
        names = z.namelist()
        assert not [n for n in names if "comments" in n or n.startswith("customXml") or "custom.xml" in n]
        document = z.read("word/document.xml").decode()
        assert "<w:vanish" not in document and "<w:del " not in document and "<w:ins " not in document
        core = z.read("docProps/core.xml").decode()
        assert "<dc:creator>sgpack</dc:creator>" in core and "lastModifiedBy" not in core
        assert "2026-11-20T00:00:00Z" in core
    with zipfile.ZipFile(example / "return.xlsx") as z:
        core = z.read("docProps/core.xml").decode()
        assert re.search(r"<dc:creator[^>]*>sgpack</dc:creator>", core) and "2026-11-20T00:00:00Z" in core
        assert "lastModifiedBy" not in core
        assert all(i.date_time == (1980, 1, 1, 0, 0, 0) for i in z.infolist())


def test_pseudonyms_never_look_like_personal_data():
    """A token like `E123AB` would read as a postcode: tokens start with a digit, so none is a hit."""
    import datetime as dt
    import secrets

    from compiler.privacy.scan import scan_text

    for _ in range(40):
        p = Pseudonymiser(secrets.token_bytes(32))
        tokens = [p.person(f"Resident {i}") for i in range(60)] + [p.nhs_number(f"999000{i:04d}") for i in range(60)]
        text = "; ".join(tokens)
        assert scan_text(text, None, dt.date(2026, 11, 20)) == [], text
        assert all(re.fullmatch(r"(Person|NHS no\.) [0-9][0-9A-F]{5}", t) for t in tokens)
