"""Shared fixtures for the hostile-input tests (files are built by hostile.py)."""
from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """An empty evidence folder; tests fill it with generated files."""
    root = tmp_path / "evidence"
    root.mkdir()
    return root
