"""Proof, not hope: `sgpack check` under a Python audit hook reads nothing outside its inputs,
writes nothing, and opens no socket — in the main process and in the reader child processes.

The hook is installed by a `sitecustomize` module on PYTHONPATH, so it is in place before
`compiler` is imported in the main process (`python -c "... main([...])"`) and in every child the
evidence reader starts. Each process writes its log when it exits. Byte-code writing is switched
off (PYTHONDONTWRITEBYTECODE) because `.pyc` caches are the interpreter's, not sgpack's.
"""
from __future__ import annotations

import json
import os
import site
import stat
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest
from hostile import docx_with, pdf_bytes, plan_text, write, xlsx_bytes

ROOT = Path(__file__).resolve().parents[2]
SERIES = "period,value\n2026-01,5\n2026-02,4\n2026-03,3\n2026-04,2\n"

SITECUSTOMIZE = r'''
import atexit, json, os, sys
_DIR = os.environ["SGPACK_AUDIT_DIR"]
_events = []
_on = [True]
_RECORD = {"os.listdir", "os.scandir", "os.mkdir", "os.rename", "os.remove", "os.rmdir", "os.symlink",
           "os.link", "os.truncate", "os.chmod", "os.chown", "os.utime", "os.chdir", "shutil.copyfile",
           "shutil.copytree", "shutil.move", "shutil.rmtree", "tempfile.mkstemp", "tempfile.mkdtemp",
           "subprocess.Popen", "os.system", "os.exec", "os.posix_spawn", "os.spawn", "urllib.Request",
           "http.client.connect", "ftplib.connect", "smtplib.connect", "webbrowser.open"}

def _text(value):
    if isinstance(value, bytes):
        return os.fsdecode(value)
    return value if isinstance(value, (str, int, type(None))) else repr(value)[:300]

def _hook(event, args):
    if not _on[0]:
        return
    if event == "open" or event in _RECORD or event.startswith("socket."):
        _events.append([event, os.getcwd() if event == "open" else None] + [_text(a) for a in args[:3]])

sys.addaudithook(_hook)

def _dump():
    _on[0] = False
    with open(os.path.join(_DIR, "%d.json" % os.getpid()), "w") as handle:
        json.dump({"argv": sys.argv[:2], "events": _events}, handle)

atexit.register(_dump)
'''

WRITE_FLAGS = os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_TRUNC | os.O_APPEND


def run_audited(tmp_path: Path, args: list[str]) -> tuple[subprocess.CompletedProcess, list[dict]]:
    hook_dir, log_dir, cwd = tmp_path / "hook", tmp_path / "audit-log", tmp_path / "cwd"
    cache_dir = tmp_path / "sgpack-cache"          # the evidence cache: the one other place a run may write
    for d in (hook_dir, log_dir, cwd):
        d.mkdir()
    (hook_dir / "sitecustomize.py").write_text(SITECUSTOMIZE)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "COV_"))}
    env.update(PYTHONPATH=os.pathsep.join([str(hook_dir), str(ROOT)]), PYTHONDONTWRITEBYTECODE="1",
               SGPACK_AUDIT_DIR=str(log_dir), NO_COLOR="1", SGPACK_CACHE_DIR=str(cache_dir))
    code = f"from compiler.cli import main; main({args!r})"
    run = subprocess.run([sys.executable, "-c", code], cwd=cwd, env=env, capture_output=True, text=True, timeout=300)
    logs = [json.loads(p.read_text()) for p in sorted(log_dir.glob("*.json"))]
    for log in logs:
        log["import_path"] = [str(hook_dir), str(cwd)]
        log["cache_dir"] = str(cache_dir)
    return run, logs


def allowed_roots(inputs: list[Path]) -> list[str]:
    """Where reading is fine: the inputs, the Python installation and site-packages, the project's
    own package folders (package data), the user cache dir, /dev/null and /proc/self."""
    roots = {sys.prefix, sys.base_prefix, sys.exec_prefix, *site.getsitepackages(), site.getusersitepackages(),
             *sysconfig.get_paths().values()}
    roots |= {str(ROOT / name) for name in ("compiler", "evidence_store", "packs", "templates", "sgpack.egg-info")}
    roots |= {str(p) for p in inputs}
    roots.add(os.path.join(os.path.expanduser("~"), ".cache", "sgpack"))
    return sorted({os.path.realpath(r) for r in roots if r})


def violations(logs: list[dict], inputs: list[Path], forbidden: list[Path], import_path: list[Path] = (),
               writable: list[Path] = ()) -> list[str]:
    roots = allowed_roots(inputs)
    made: list[str] = [os.path.realpath(str(w)) for w in writable]   # where the run may write
    # the import system lists every folder on sys.path (the harness's own among them)
    listed_ok = {os.path.realpath(p) for p in [*sys.path, *map(str, import_path)] if p} | {os.path.realpath(str(ROOT))}
    bad = []
    for log in logs:
        for event, cwd, *args in log["events"]:
            if event.startswith("socket.") or event in ("urllib.Request", "http.client.connect", "ftplib.connect",
                                                        "smtplib.connect", "webbrowser.open", "os.system"):
                bad.append(f"network/shell: {event} {args}")
                continue
            if event == "tempfile.mkdtemp":
                made.append(os.path.realpath(args[0]))
                continue
            if event in ("subprocess.Popen",):
                if args[0] != sys.executable and os.path.realpath(str(args[0])) != os.path.realpath(sys.executable):
                    bad.append(f"runs a program other than Python: {args}")
                continue
            if event in ("os.listdir", "os.scandir"):
                path = args[0] if args else "."
                if not isinstance(path, str):
                    continue                        # a directory file descriptor
                real = os.path.realpath(os.path.join(cwd or "", path))
                if real in listed_ok or _under(real, roots + made):
                    continue
                bad.append(f"lists a folder outside: {path}")
                continue
            if event != "open":
                paths = [os.path.realpath(os.path.join(cwd or "", a)) for a in args if isinstance(a, str)]
                if paths and all(_under(p, made) for p in paths):
                    continue                        # staging and renaming inside the output folder's parent
                bad.append(f"changes the file system: {event} {args}")
                continue
            path, mode, flags = (args + [None, None])[:3]
            if not isinstance(path, str):
                continue                            # an already open file descriptor
            real = os.path.realpath(os.path.join(cwd or "", path))
            writes = (isinstance(mode, str) and any(c in mode for c in "wax+")) or (
                isinstance(flags, int) and flags & WRITE_FLAGS)
            if real == "/dev/null" or real.startswith("/proc/self/") or real.startswith(f"/proc/{os.getpid()}"):
                continue
            if writes and not _under(real, made):
                bad.append(f"writes {path} ({mode or flags})")
            elif not _under(real, roots + made):
                bad.append(f"reads outside the inputs: {path}")
            if any(_under(real, [os.path.realpath(f)]) for f in forbidden):
                bad.append(f"opens a sentinel: {path}")
    return bad


def _under(path: str, roots: list[str]) -> bool:
    return any(path == r or path.startswith(r.rstrip(os.sep) + os.sep) for r in roots)


@pytest.fixture
def hostile_case(tmp_path):
    """A folder with the usual traps, and sentinels beside it that nothing may open."""
    outside = tmp_path / "outside"
    sentinel = write(outside / "outside.txt", "SENTINEL-d41d RP-01")
    write(outside / "outside.csv", SERIES)
    write(outside / "outside.yaml", "type: audit\n")
    evidence = tmp_path / "evidence"
    write(evidence / "indicators" / "ri.csv", SERIES)
    write(evidence / "supervision" / "2026-03-01 ps.pdf", pdf_bytes(["RP-01 supervision"]))
    write(evidence / "supervision" / "2026-03-01 ps.pdf.meta.yaml", "type: supervision\n")     # a sidecar
    write(evidence / "audits" / "a.xlsx", xlsx_bytes({"s": [["a", "b"], ["RP-01", 1]]}))
    os.symlink(sentinel, evidence / "leak.pdf")                                # F1
    os.symlink(outside / "outside.yaml", evidence / "supervision" / "x.meta.yaml")   # a sidecar link out
    write(evidence / "supervision" / "x.txt", "RP-01")
    os.symlink(outside, evidence / "outside-dir")
    os.symlink("/dev/zero", evidence / "zero.csv")                             # F3
    os.mkfifo(evidence / "minutes.pdf")                                        # F3
    write(evidence / "evidence.yaml",
          "../outside/outside.txt: {type: audit}\n/etc/passwd: {type: audit}\nindicators/ri.csv: {type: indicator}\n")
    xxe = (b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file://' + str(sentinel).encode() + b'">]>'
           b'<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body><w:p>'
           b'<w:r><w:t>RP-01 &x;</w:t></w:r></w:p></w:body></w:document>')
    write(evidence / "xxe.docx", docx_with({"word/document.xml": xxe}))        # D3
    write(evidence / "notes.md", f'<img src="file://{sentinel}"> ![x](../outside/outside.txt) RP-01')   # M1/M2
    plans = tmp_path / "plans"
    write(plans / "a.yaml", plan_text("../../outside/outside.csv"))           # P6
    write(plans / "b.yaml", plan_text("/etc/passwd").replace("SAP-2026-007", "SAP-2026-008")
          .replace("RP-01", "RP-02"))
    return plans, evidence, [outside, Path("/etc/passwd"), Path("/dev/zero")]


def check_args(plans: Path, evidence: Path) -> list[str]:
    return ["check", str(plans), "--evidence", str(evidence), "--as-of", "2026-11-20", "--format", "json",
            "--fail-on", "never"]


def assert_clean(run, logs, inputs, forbidden, writable=()):
    assert run.returncode == 0, run.stderr
    assert "Traceback" not in run.stderr
    assert [log for log in logs if log["argv"] == ["-c"]], "no audit log from the main process"
    assert [log for log in logs if len(log["argv"]) > 1], "no audit log from a reader child process"
    cache_dir = Path(logs[0]["cache_dir"])
    assert violations(logs, inputs, forbidden, [Path(p) for p in logs[0]["import_path"]],
                      [*writable, cache_dir]) == []
    assert list(cache_dir.glob("*.sqlite3")), "the evidence cache was not written where it was told to be"


def test_check_on_the_bundled_example_reads_only_its_inputs(tmp_path):
    plans, evidence = ROOT / "examples" / "plans", ROOT / "examples" / "evidence"
    run, logs = run_audited(tmp_path, check_args(plans, evidence))
    assert_clean(run, logs, [plans, evidence], [])


def test_check_on_a_hostile_folder_reads_only_its_inputs(tmp_path, hostile_case):
    plans, evidence, forbidden = hostile_case
    run, logs = run_audited(tmp_path, check_args(plans, evidence))
    assert_clean(run, logs, [plans, evidence], forbidden)
    report = json.loads(run.stdout)
    messages = "\n".join(f["message"] for f in report["findings"])
    assert "SENTINEL" not in run.stdout + run.stderr
    assert "data file ../../outside/outside.csv is outside the evidence folder" in messages
    assert "data file /etc/passwd is outside the evidence folder" in messages
    assert "(leak.pdf) cannot be read: link points outside the evidence folder" in messages
    assert "(xxe.docx) cannot be read: word/document.xml contains a DOCTYPE declaration" in messages
    # the sentinel's content must not reach any output, and no event may name the sentinel
    for log in logs:
        assert not [e for e in log["events"] if "outside.txt" in json.dumps(e) and e[0] == "open"]


def test_the_hook_sees_what_it_should(tmp_path):
    """The harness itself: a deliberate read outside, a write and a socket are all caught."""
    secret = write(tmp_path / "secret.txt", "x")
    script = (f"import socket; open({str(secret)!r}).read(); open({str(tmp_path / 'w.txt')!r}, 'w').close(); "
              f"socket.socket().close()")
    hook_dir, log_dir = tmp_path / "hook", tmp_path / "audit-log"
    hook_dir.mkdir()
    log_dir.mkdir()
    (hook_dir / "sitecustomize.py").write_text(SITECUSTOMIZE)
    env = dict(os.environ, PYTHONPATH=str(hook_dir), PYTHONDONTWRITEBYTECODE="1", SGPACK_AUDIT_DIR=str(log_dir))
    subprocess.run([sys.executable, "-c", script], env=env, check=True, timeout=60, cwd=tmp_path)
    logs = [json.loads(p.read_text()) for p in log_dir.glob("*.json")]
    found = violations(logs, [], [secret])
    assert any(v.startswith("reads outside the inputs: ") and "secret.txt" in v for v in found)
    assert any(v.startswith("writes ") and "w.txt" in v for v in found)
    assert any(v.startswith("network/shell: socket.") for v in found)
    assert stat.S_ISREG(os.stat(secret).st_mode)


def build_args(plans: Path, evidence: Path, out: Path, pack: str = "cqc") -> list[str]:
    return ["build", str(plans), "--evidence", str(evidence), "--pack", pack, "--as-of", "2026-11-20",
            "--out", str(out)]


# What the PDF and Word libraries read on their own when imported, named one by one so nothing
# else slips through: reportlab's user settings files and its search of the system font folders
# (for the standard Type 1 fonts), and the system MIME table read by the mimetypes module.
LIBRARY_READS = [Path.home() / ".reportlab_settings", Path.home() / ".reportlab_mods",
                 Path("/usr/share/fonts"), Path("/usr/local/share/fonts"), Path("/etc/mime.types")]


def _matplotlib_cache() -> list[Path]:
    """matplotlib keeps its font list in its own cache folder: part of "the cache" the issue allows."""
    import matplotlib

    return [Path(matplotlib.get_cachedir()), Path(matplotlib.get_configdir())]


def test_build_on_the_bundled_example_writes_only_its_pack(tmp_path):
    plans, evidence = ROOT / "examples" / "plans", ROOT / "examples" / "evidence"
    out_parent = tmp_path / "packs"
    out_parent.mkdir()
    run, logs = run_audited(tmp_path, build_args(plans, evidence, out_parent / "cqc"))
    assert_clean(run, logs, [plans, evidence, *LIBRARY_READS], [], writable=[out_parent, *_matplotlib_cache()])
    assert (out_parent / "cqc" / "manifest.json").is_file()


def test_build_on_a_hostile_folder_writes_only_its_pack(tmp_path, hostile_case):
    plans, evidence, forbidden = hostile_case
    out_parent = tmp_path / "packs"
    out_parent.mkdir()
    run, logs = run_audited(tmp_path, build_args(plans, evidence, out_parent / "cqc"))
    assert_clean(run, logs, [plans, evidence, *LIBRARY_READS], forbidden,
                 writable=[out_parent, *_matplotlib_cache()])
    pack = out_parent / "cqc"
    everything = b"".join(p.read_bytes() for p in pack.rglob("*") if p.is_file())
    assert b"SENTINEL-d41d" not in everything
