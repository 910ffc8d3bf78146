"""Fixtures shared by the cache tests."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

import evidence_store.cache as cache_module
from compiler import results

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def case(tmp_path, monkeypatch):
    """The bundled example copied (so it can be changed), and a cache folder of its own."""
    shutil.copytree(ROOT / "examples" / "plans", tmp_path / "plans")
    shutil.copytree(ROOT / "examples" / "evidence", tmp_path / "evidence")
    # the copies are brand new; trust their stat at once (the racy-file guard is tested on its own)
    monkeypatch.setattr(cache_module, "RACY_SECONDS", 0.0)
    return tmp_path / "plans", tmp_path / "evidence", tmp_path / "cache"


@pytest.fixture
def no_result_cache(monkeypatch):
    """For tests of what the catalogue is built from: a check's kept output (compiler.results,
    tested in test_results.py) would answer before any of it is used."""
    monkeypatch.setattr(results, "look_up", lambda *args: (None, None))
