"""Test-wide settings: every run gets its own evidence cache and pseudonym key folders, never the user's own."""
from __future__ import annotations

import os

import pytest


@pytest.fixture(autouse=True, scope="session")
def _private_evidence_cache(tmp_path_factory):
    if "SGPACK_CACHE_DIR" in os.environ:
        yield
        return
    os.environ["SGPACK_CACHE_DIR"] = str(tmp_path_factory.mktemp("sgpack-cache"))
    try:
        yield
    finally:
        os.environ.pop("SGPACK_CACHE_DIR", None)


@pytest.fixture(autouse=True)
def _isolated_key_dir(tmp_path_factory, monkeypatch):
    """Pseudonym keys go to a temporary folder, never the user's own key store."""
    monkeypatch.setenv("SGPACK_KEY_DIR", str(tmp_path_factory.getbasetemp() / "sgpack-keys"))
