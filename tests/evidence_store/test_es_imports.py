"""The package's names load on first use: walking a folder needs no models, and `scan` is one function, wherever it is taken from."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def run(code: str) -> str:
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True)
    return done.stdout.strip()


def test_walking_a_folder_loads_no_models():
    assert run("import sys, evidence_store.survey; print('pydantic' in sys.modules)") == "False"


def test_scan_is_the_function_however_its_module_was_imported():
    # the function `scan` lives in evidence_store.catalogue: no module shares its name
    code = ("import importlib, evidence_store\n"
            "module = importlib.import_module('evidence_store.catalogue')\n"
            "from evidence_store import scan\n"
            "from evidence_store.catalogue import scan as also\n"
            "print(callable(scan), scan is also is evidence_store.scan is module.scan, type(module).__name__)")
    assert run(code) == "True True module"


def test_every_public_name_is_there():
    code = ("import evidence_store\n"
            "print(all(hasattr(evidence_store, name) for name in evidence_store.__all__))")
    assert run(code) == "True"
