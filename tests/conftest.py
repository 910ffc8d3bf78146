"""Every test run gets its own evidence cache folder: tests never read or fill the user's cache."""
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
