"""A synced drive (OneDrive, SharePoint) that replaces files while sgpack reads them: no run stops for it.

A scan reads a file that vanished, was replaced or was written to since the walk listed it once more;
still gone or still changing, it is unreadable, "changed while it was being read" (SG304 where a plan
links it), and that reason is never kept in the cache. Each path is made to happen to order.
"""
from __future__ import annotations

import hashlib
import json
import os
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from hostile import write

import evidence_store.catalogue as catalogue_module
import evidence_store.survey as survey_module
from compiler.cli import cli
from evidence_store import open_cache, scan
from evidence_store.paths import CHANGED, REPLACED, Changed, check_entry, read_checked, settle
from evidence_store.survey import survey

ROOT = Path(__file__).resolve().parents[2]
AS_OF = "2026-11-20"
LINKED = "incidents/2026-10-oakview-restrictive-practice-log.csv"   # linked to RP-01 by evidence.yaml


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
