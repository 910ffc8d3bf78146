"""What a plain `pip install .` ships: every package, the vocabularies, pack profiles and theme."""
from __future__ import annotations

import shutil
import subprocess
import tomllib
from pathlib import Path

import pytest

from compiler.packs.registry import pack_names
from compiler.packs.profiles import load_profile
from compiler.render.theme import load_theme
from compiler.vocab import vocab

ROOT = Path(__file__).resolve().parents[1]


def test_every_python_package_is_listed_in_pyproject() -> None:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    listed = set(config["tool"]["setuptools"]["packages"])
    on_disk = {str(p.parent.relative_to(ROOT)).replace("/", ".")
               for top in ("compiler", "evidence_store") for p in (ROOT / top).rglob("__init__.py")}
    assert on_disk <= listed, f"add to [tool.setuptools] packages: {sorted(on_disk - listed)}"


def test_shipped_profiles_theme_and_vocabularies_load() -> None:
    for name in pack_names():
        assert load_profile(name).name == name
    assert load_theme().colours["spc_improvement"] == "#00b0f0"
    v = vocab()
    assert len(v.quality_statements) == 34
    assert set(v.abuse_profiles) == {"physical", "domestic", "sexual", "psychological", "financial",
                                     "modern_slavery", "discriminatory", "organisational", "neglect",
                                     "self_neglect", "restrictive_practice", "exploitation"}
    for profile in v.abuse_profiles.values():
        assert set(profile) <= v.evidence_types


@pytest.mark.skipif(shutil.which("sgpack") is None, reason="sgpack is not installed on PATH")
def test_installed_console_script_runs() -> None:
    result = subprocess.run(["sgpack", "--version"], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0 and "sgpack" in result.stdout


def test_the_installed_package_finds_its_shipped_files(tmp_path) -> None:
    """Run from outside the source tree, so the installed package (not this checkout) is imported."""
    import sys

    probe = ("import importlib.util, sys\n"
             "spec = importlib.util.find_spec('compiler')\n"
             "if spec is None: sys.exit(77)\n"
             "from compiler.packs.registry import pack_names\n"
             "from compiler.packs.profiles import load_profile\n"
             "from compiler.render.theme import load_theme\n"
             "from compiler.shipped import asset_dir\n"
             "[load_profile(n) for n in pack_names()]; load_theme()\n"
             "ex = asset_dir('examples')\n"
             "assert ex.joinpath('plans', 'roster.csv').is_file(), ex\n"
             "assert ex.joinpath('evidence', 'evidence.yaml').is_file(), ex\n"
             "assert asset_dir('templates').joinpath('cqc.docx').is_file()\n"
             "print(spec.origin)\n")
    result = subprocess.run([sys.executable, "-c", probe], cwd=tmp_path, capture_output=True, text=True,
                            timeout=120, env={k: v for k, v in __import__("os").environ.items() if k != "PYTHONPATH"})
    if result.returncode == 77:
        pytest.skip("sgpack is not installed in this interpreter")
    assert result.returncode == 0, result.stderr
