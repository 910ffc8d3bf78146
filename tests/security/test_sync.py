"""A synced drive (OneDrive, SharePoint) that replaces files while sgpack reads them: no run stops for it.

A scan reads a file that vanished, was replaced or was written to since the walk listed it once more;
still gone or still changing, it is unreadable, "changed while it was being read" (SG304 where a plan
links it), and that reason is never kept in the cache. A build copies an exhibit's original only when
its bytes are still the ones the scan hashed, read once more if not; otherwise a notice page stands in
and exhibits/ holds no copy (docs/security.md, rows F14 and F15). The race test replaces a file in a
thread during real runs; the others make each path happen to order.
"""
from __future__ import annotations

import collections
import contextlib
import hashlib
import json
import os
import shutil
import threading
import time
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from hostile import write

import compiler.packs.output as output
import evidence_store.catalogue as catalogue_module
import evidence_store.survey as survey_module
from compiler.cli import cli
from compiler.errors import SgpackError
from evidence_store import open_cache, scan
from evidence_store.paths import CHANGED, REPLACED, Changed, check_entry, read_checked, settle
from evidence_store.survey import survey

ROOT = Path(__file__).resolve().parents[2]
AS_OF = "2026-11-20"
MOVING = "debriefs/2026-04-17-post-incident-debrief.md"     # links RP-01: an exhibit of the CQC pack
MOVING_PDF = "minutes/2026-04-09-quality-and-safeguarding-committee.pdf"    # a PDF original, joined as it is
LINKED = "incidents/2026-10-oakview-restrictive-practice-log.csv"   # linked to RP-01 by evidence.yaml
NOTICE = "changed while this pack was being built"


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@pytest.fixture
def example(tmp_path: Path) -> tuple[Path, Path]:
    """A copy of the bundled example (plans, evidence) that the test may change."""
    shutil.copytree(ROOT / "examples" / "plans", tmp_path / "plans")
    shutil.copytree(ROOT / "examples" / "evidence", tmp_path / "evidence")
    return tmp_path / "plans", tmp_path / "evidence"


def run(*args: str) -> tuple[int, str]:
    """One sgpack command in process: it exits 0 or 1, never 2, never with a traceback."""
    result = CliRunner().invoke(cli, list(args))
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert "Traceback" not in result.output, result.output
    assert result.exit_code in (0, 1), result.output
    return result.exit_code, result.output


# ------------------------------------------------------------------------------ the scan, to order

def test_a_file_replaced_or_written_to_after_the_walk_is_read_as_it_is_now(folder):
    write(folder / "replaced.md", "# Replaced\nRP-01 first version\n")
    write(folder / "written.md", "# Written\nRP-01\n")
    write(folder / "untouched.md", "# Untouched\nRP-01\n")
    found = survey(folder)
    os.replace(write(folder.parent / "new.md", "# Replaced\nRP-01 second version, longer\n"), folder / "replaced.md")
    with open(folder / "written.md", "a", encoding="utf-8") as handle:
        handle.write("Reviewed again.\n")
    items = {i.path: i for i in scan(folder, {"RP-01"}, surveyed=found).items}
    for name in ("replaced.md", "written.md", "untouched.md"):
        data = (folder / name).read_bytes()
        assert (items[name].status, items[name].sha256, items[name].size) == ("ok", sha(data), len(data))
    assert "Reviewed again." in items["written.md"].text


def test_a_file_deleted_after_the_walk_is_listed_as_changed_and_the_run_goes_on(folder):
    write(folder / "gone.md", "# Gone\nRP-01\n")
    write(folder / "kept.md", "# Kept\nRP-01\n")
    found = survey(folder)
    (folder / "gone.md").unlink()
    items = {i.path: i for i in scan(folder, {"RP-01"}, surveyed=found).items}
    assert (items["gone.md"].status, items["gone.md"].reason) == ("unreadable", CHANGED)
    assert items["kept.md"].status == "ok"


def flapping(monkeypatch, module, name: str, times: int | None = None) -> list[str]:
    """Make `module`'s read_checked see the file `name` as changed under it (`times` times; None: always)."""
    real = module.read_checked
    calls: list[str] = []

    def read(target, cap):  # noqa: ANN001, ANN202
        if target.real.endswith(name) and (times is None or len(calls) < times):
            calls.append(target.real)
            return None, 0, Changed(REPLACED)
        return real(target, cap)

    monkeypatch.setattr(module, "read_checked", read)
    return calls


def test_a_file_changed_at_the_first_read_is_read_whole_at_the_second(folder, monkeypatch):
    data = write(folder / "minutes.md", "# Minutes\nRP-01 reviewed\n").read_bytes()
    calls = flapping(monkeypatch, catalogue_module, "minutes.md", times=1)
    item = scan(folder, {"RP-01"}).items[0]
    assert len(calls) == 1
    assert (item.status, item.sha256) == ("ok", sha(data)) and any(link.target == "RP-01" for link in item.links)


def test_a_file_still_changing_is_unreadable_then_read_once_it_settles_and_the_reason_is_never_cached(
        example, tmp_path, monkeypatch):
    plans, evidence = example
    cache = tmp_path / "cache"
    calls = flapping(monkeypatch, catalogue_module, LINKED)
    kept: list[str] = []
    real_store = catalogue_module.snapshot.store
    monkeypatch.setattr(catalogue_module.snapshot, "store",
                        lambda *args, **kw: kept.append("catalogue") or real_store(*args, **kw))

    _, text = run("check", str(plans), "--evidence", str(evidence), "--as-of", AS_OF, "--format", "json",
                  "--cache-dir", str(cache))
    assert len(calls) == 2                                     # read, and read once more
    finding = next(f for f in json.loads(text)["findings"] if f["rule"] == "SG304" and LINKED in f["message"])
    assert finding["severity"] == "error" and finding["action"] == "RP-01"
    assert finding["message"].endswith(f"cannot be read: {CHANGED}")
    assert kept == []                                          # this moment's catalogue is not kept

    monkeypatch.setattr(catalogue_module, "read_checked", read_checked)          # the drive has settled
    _, text = run("check", str(plans), "--evidence", str(evidence), "--as-of", AS_OF, "--format", "json",
                  "--cache-dir", str(cache))
    assert not [f for f in json.loads(text)["findings"] if f["rule"] == "SG304" and LINKED in f["message"]]
    assert kept == ["catalogue"]
    with open_cache(cache) as store:
        item = next(i for i in scan(evidence, {"RP-01"}, cache=store).items if i.path == LINKED)
    assert item.status == "ok"


def test_a_sidecar_still_changing_is_ignored_with_the_reason(folder, monkeypatch):
    write(folder / "audit.csv", "date,audit,score\n2026-03-02,RP log,80\n")
    write(folder / "audit.csv.meta.yaml", "type: audit\nactions: [RP-01]\n")
    flapping(monkeypatch, survey_module, "audit.csv.meta.yaml")
    found = survey(folder)
    item = scan(folder, {"RP-01"}, surveyed=found).items[0]
    assert f"sidecar audit.csv.meta.yaml ignored: {CHANGED}" in item.provenance["notes"]
    assert "sidecar" not in item.provenance.get("type", "") and found.unsettled()


def test_an_entry_gone_between_the_listing_and_its_check_is_looked_at_once_more(folder, monkeypatch):
    write(folder / "back.md", "# Back\nRP-01\n")
    write(folder / "gone.md", "# Gone\nRP-01\n")
    real = survey_module.check_entry

    def check(root, path, *, is_link):  # noqa: ANN001, ANN202 - the listing saw it; by the check it had moved
        if path.endswith("gone.md"):
            os.unlink(path)
        if path.endswith(("back.md", "gone.md")):
            raise FileNotFoundError(2, "No such file or directory", path)
        return real(root, path, is_link=is_link)

    monkeypatch.setattr(survey_module, "check_entry", check)
    found = survey(folder)
    assert found.unsettled()
    items = {i.path: i for i in scan(folder, {"RP-01"}, surveyed=found).items}
    assert items["back.md"].status == "ok"
    assert (items["gone.md"].status, items["gone.md"].reason) == ("unreadable", CHANGED)


def test_a_file_written_to_while_it_is_read_is_read_again(folder, monkeypatch):
    path = write(folder / "log.txt", "RP-01 line 1\n" * 1000)
    target = check_entry(str(folder.resolve()), str(path.resolve()), is_link=False)
    real_read = os.read
    appended: list[int] = []

    def read(fd, n):  # noqa: ANN001, ANN202 - the writer appends while the first read is under way
        if not appended:
            appended.append(1)
            with open(path, "a", encoding="utf-8") as handle:
                handle.write("RP-01 line 1001\n")
        return real_read(fd, n)

    monkeypatch.setattr(os, "read", read)
    data, _, reason = read_checked(target, 1 << 20)
    assert data is None and reason == CHANGED and isinstance(reason, Changed)
    data, size, reason, now = settle(lambda t: read_checked(t, 1 << 20), target)
    assert reason is None and data == path.read_bytes() and size == len(data) and now.size == len(data)


def test_a_file_grown_past_the_cap_while_read_is_changed_not_too_large(folder, monkeypatch):
    path = write(folder / "log.txt", "x" * 900)
    target = check_entry(str(folder.resolve()), str(path.resolve()), is_link=False)
    real_read = os.read
    monkeypatch.setattr(os, "read", lambda fd, n: real_read(fd, n) + b"y" * 200)
    assert read_checked(target, 1000)[2] == CHANGED


# ---------------------------------------------------------------------------------- the build, to order

def index_shas(pack: Path) -> dict[str, str]:
    """The CQC Word pack's evidence index: each exhibit's file name in exhibits/ -> the SHA-256 it gives (12 hex)."""
    from lxml import etree

    w = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
    with zipfile.ZipFile(pack / "cqc-pack.docx") as archive:
        root = etree.fromstring(archive.read("word/document.xml"))
    found = {}
    for table in root.iter(f"{w}tbl"):
        rows = [[["".join(t.text or "" for t in p.iter(f"{w}t")) for p in cell.iter(f"{w}p")]
                 for cell in row.iter(f"{w}tc")] for row in table.iter(f"{w}tr")]
        if rows and [cell[0] if cell else "" for cell in rows[0]][:1] == ["Exhibit"]:
            for cells in rows[1:]:      # the title cell ends with the copy's file name, then "SHA-256 <12 hex>"
                title_lines = [line for line in cells[1] if line]
                if title_lines[-1].startswith("SHA-256 "):
                    found[title_lines[-2]] = title_lines[-1].removeprefix("SHA-256 ")
    return found


def pdf_text(path: Path) -> str:
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(str(path))
    try:
        return "\n".join(doc[i].get_textpage().get_text_range() for i in range(len(doc)))
    finally:
        doc.close()


def check_pack(pack: Path) -> dict[str, dict]:
    """What every pack keeps however its evidence moved: the manifest is true, and every file in
    exhibits/ has the SHA-256 the manifest and the evidence index give, one of the inputs checked.
    Returns the manifest's inputs by path."""
    assert output.verify(pack) == []
    manifest = json.loads((pack / output.MANIFEST).read_text(encoding="utf-8"))
    outputs = {entry["path"]: entry["sha256"] for entry in manifest["outputs"]}
    inputs = {entry["path"]: entry for entry in manifest["inputs"]}
    index = index_shas(pack)
    copies = sorted((pack / "exhibits").iterdir())
    assert copies, "no exhibit was copied"
    for copy in copies:
        digest = sha(copy.read_bytes())
        assert outputs[f"exhibits/{copy.name}"] == digest
        assert digest.startswith(index[copy.name]), copy.name
        assert digest in {entry["sha256"] for entry in inputs.values()}, copy.name
    return inputs


def test_read_evidence_reads_once_more_then_reports_the_change(folder, monkeypatch):
    data = write(folder / "a.md", "# A\nRP-01\n").read_bytes()
    assert output.read_evidence(folder, "a.md", sha(data)) == data

    real = output._read_once
    answers = [b"half-written", None]                  # different bytes, then gone: changed both times
    monkeypatch.setattr(output, "_read_once", lambda path, cap: answers.pop(0) if answers else real(path, cap))
    with pytest.raises(output.EvidenceChanged) as raised:
        output.read_evidence(folder, "a.md", sha(data))
    assert isinstance(raised.value, SgpackError)       # a caller that cannot show a notice stops, as before
    assert "a.md changed while this pack was being built" in raised.value.notice
    assert "The original is not attached to this pack" in raised.value.notice

    answers[:] = [b"half-written"]                     # changed once, then the bytes hashed: read
    assert output.read_evidence(folder, "a.md", sha(data)) == data
    (folder / "a.md").unlink()
    with pytest.raises(output.EvidenceChanged):
        output.read_evidence(folder, "a.md", sha(data))
    write(folder / "big.md", "x" * 2000)
    with pytest.raises(output.EvidenceChanged):        # larger than any file the scan hashed: read no further
        output.read_evidence(folder, "big.md", sha(b"x" * 2000), cap=1000)


def test_read_evidence_still_refuses_a_path_leaving_the_folder(folder, tmp_path):
    secret = write(tmp_path / "secret.md", "secret")
    os.symlink(secret, folder / "leak.md")
    for relative in ("../secret.md", str(secret), "leak.md"):
        with pytest.raises(SgpackError, match="leaves the evidence folder") as raised:
            output.read_evidence(folder, relative, sha(b"secret"))
        assert not isinstance(raised.value, output.EvidenceChanged)


def test_read_evidence_never_waits_on_a_pipe_put_in_place_of_a_file(folder):
    os.mkfifo(folder / "minutes.pdf")                  # opened for reading without O_NONBLOCK, it would wait for ever
    with pytest.raises(SgpackError, match="not a regular file"):
        output.read_evidence(folder, "minutes.pdf", sha(b""))


def test_a_build_whose_originals_change_shows_a_notice_and_copies_nothing_unhashed(example, tmp_path, monkeypatch):
    plans, evidence = example
    real = output._read_once
    reads: collections.Counter[str] = collections.Counter()

    def read_once(path, cap):  # noqa: ANN001, ANN202 - the drive rewrites two files during the build
        for name, times in ((MOVING, 2), (MOVING_PDF, 2), ("debriefs/2026-09-04-post-incident-debrief.md", 1)):
            if str(path).endswith(name):
                reads[name] += 1
                if reads[name] <= times:
                    return real(path, cap) + b"\nedited during the build\n"
        return real(path, cap)

    monkeypatch.setattr(output, "_read_once", read_once)
    out = tmp_path / "pack"
    _, printed = run("build", str(plans), "--evidence", str(evidence), "--as-of", AS_OF, "--pack", "cqc",
                     "--out", str(out))
    assert "written to" in printed
    inputs = check_pack(out)
    names = {p.name for p in (out / "exhibits").iterdir()}
    index = index_shas(out)
    changed = [n for n in index if n not in names]
    assert len(changed) == 2 and any(n.endswith(".md") for n in changed) and any(n.endswith(".pdf") for n in changed)
    assert any("2 September 2026" in n for n in names)                 # changed once, then read as hashed
    assert {MOVING, MOVING_PDF} <= set(inputs)                         # the manifest still says what was checked
    text = " ".join(pdf_text(out / "cqc-pack.pdf").split())
    assert text.count(NOTICE) >= 2 and "The original is not attached to this pack" in text


# ------------------------------------------------------------------------------------------- the race

class Replacer(threading.Thread):
    """Replaces one file again and again, as a sync client does: each version is written whole beside
    the folder and put in place as a new file (a new inode), renamed over the old one or, every other
    time, after the old one was deleted (so for a moment there is none)."""

    def __init__(self, path: Path, versions: list[bytes], spare: Path, every: float = 0.003):
        super().__init__(daemon=True)
        self.path, self.versions, self.spare, self.every = path, versions, spare, every
        self.halt = threading.Event()
        self.count = 0
        spare.mkdir(parents=True, exist_ok=True)

    def run(self) -> None:
        while not self.halt.is_set():
            n = self.count
            staged = self.spare / f"v{n}"
            staged.write_bytes(self.versions[n % len(self.versions)])
            if n % 2:
                with contextlib.suppress(FileNotFoundError):
                    os.unlink(self.path)
                time.sleep(0.001)
                os.rename(staged, self.path)
            else:
                os.replace(staged, self.path)
            self.count += 1
            time.sleep(self.every)

    def stop(self) -> None:
        self.halt.set()
        self.join(10)


def test_a_file_replaced_again_and_again_during_check_and_build(example, tmp_path, monkeypatch):
    plans, evidence = example
    moving = evidence / MOVING
    original = moving.read_bytes()
    versions = [original, original + b"\nRevised after the debrief: RP-01 follow-up booked.\n"]
    shas = {sha(v) for v in versions}
    cache = tmp_path / "cache"
    seen: collections.Counter[str] = collections.Counter()

    # count which path each read of the moving file took (the runs are the real ones; only counted)
    real_settle, real_read_once = catalogue_module.settle, output._read_once

    def counted_settle(read, target):  # noqa: ANN001, ANN202
        reads = []
        got = real_settle(lambda t: reads.append(1) or read(t), target)
        if target.walked.endswith(MOVING):
            seen["scan: " + ("changed twice: listed as changed" if got[2] == CHANGED else
                             "read at once" if len(reads) == 1 else "read whole on the second look")] += 1
        return got

    copies: list[int] = []

    def counted_read_once(path, cap):  # noqa: ANN001, ANN202
        if str(path).endswith(MOVING):
            copies.append(1)
        return real_read_once(path, cap)

    real_read_evidence = output.read_evidence

    def counted_read_evidence(root, relative, expected, **kw):  # noqa: ANN001, ANN202
        copies.clear()
        try:
            data = real_read_evidence(root, relative, expected, **kw)
        except output.EvidenceChanged:
            seen["build: changed twice: a notice, no copy"] += relative == MOVING
            raise
        if relative == MOVING:
            seen["build: copied at once" if len(copies) == 1 else "build: copied on the second read"] += 1
        return data

    real_look_again = survey_module.look_again

    def counted_look_again(root, path):  # noqa: ANN001, ANN202 - the walk's second look at an entry gone when checked
        got = real_look_again(root, path)
        if path.endswith(MOVING):
            seen["walk: " + ("still gone: listed as changed" if got == CHANGED else "back on the second look")] += 1
        return got

    monkeypatch.setattr(catalogue_module, "settle", counted_settle)
    monkeypatch.setattr(survey_module, "look_again", counted_look_again)
    monkeypatch.setattr(output, "_read_once", counted_read_once)
    monkeypatch.setattr(output, "read_evidence", counted_read_evidence)

    replacer = Replacer(moving, versions, tmp_path / "spare")
    replacer.start()
    try:
        for n in range(4):
            _, text = run("check", str(plans), "--evidence", str(evidence), "--as-of", AS_OF, "--format", "json",
                          "--cache-dir", str(cache))
            about = [f for f in json.loads(text)["findings"] if f["rule"] == "SG304" and MOVING in f["message"]]
            assert all(f["message"].endswith(f"cannot be read: {CHANGED}") for f in about), about

            _, text = run("evidence", str(evidence), str(plans), "--format", "json", "--cache-dir", str(cache))
            items = [i for i in json.loads(text)["items"] if i["path"] == MOVING]
            for item in items:         # none: it was not there at the moment the folder was listed
                assert (item["status"] == "ok" and item["sha256"] in shas) or item["reason"] == CHANGED, item
            seen["catalogue: " + ("not listed" if not items else items[0]["reason"] or "read whole")] += 1

            out = tmp_path / f"pack-{n}"
            run("build", str(plans), "--evidence", str(evidence), "--as-of", AS_OF, "--pack", "cqc",
                "--out", str(out), "--cache-dir", str(cache))
            inputs = check_pack(out)
            copied = [p for p in (out / "exhibits").iterdir() if p.name.endswith(".md") and "15 April 2026" in p.name]
            if MOVING in inputs:
                assert inputs[MOVING]["sha256"] in shas and inputs[MOVING]["status"] == "ok"
                assert copied or NOTICE in pdf_text(out / "cqc-pack.pdf")
                seen["pack: " + ("original copied" if copied else "notice page")] += 1
            else:
                assert not copied
                seen["pack: not an exhibit (changed during the scan)"] += 1
    finally:
        replacer.stop()
    print(f"\n{replacer.count} replacements; " + "; ".join(f"{k}: {v}" for k, v in sorted(seen.items())))
    assert replacer.count > 100, "the file was hardly replaced: the race was not run"

    # settled: read whole at once, whatever the runs under the race kept in the cache
    moving.write_bytes(original)
    _, text = run("evidence", str(evidence), str(plans), "--format", "json", "--cache-dir", str(cache))
    item = next(i for i in json.loads(text)["items"] if i["path"] == MOVING)
    assert item["status"] == "ok" and item["sha256"] == sha(original)
