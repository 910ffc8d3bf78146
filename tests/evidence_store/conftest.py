"""Shared fixtures for the evidence catalogue tests (documents are built by es_fixtures.py)."""
from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """An empty evidence folder; tests fill it with generated files."""
    root = tmp_path / "evidence"
    root.mkdir()
    return root
