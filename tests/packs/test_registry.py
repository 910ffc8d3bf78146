"""The list of packs comes from the pack profiles; each pack is written by its own module, and a pack whose
module is broken is an error, never a pack quietly left out; a profile's formats are the build's default."""
from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

import pytest

from compiler import cli, pipeline
from compiler.errors import SgpackError
from compiler.packs import profiles
from compiler.packs.registry import pack_names, pack_writer
from compiler.shipped import asset_dir

ROOT = Path(__file__).resolve().parents[2]
PLANS, EVIDENCE = ROOT / "examples" / "plans", ROOT / "examples" / "evidence"
AS_OF = dt.date(2026, 11, 20)


def test_the_packs_are_the_profiles_in_their_order_and_the_command_line_offers_them():
    shipped = {p.stem for p in Path(str(asset_dir("packs"))).glob("*.yaml")}
    assert set(pack_names()) == shipped
    assert pack_names() == ("cqc", "commissioner", "governance", "board", "owners")
    option = next(p for p in cli.build.params if p.name == "pack_name")
    assert tuple(option.type.choices) == pack_names()
    for name in pack_names():
        assert profiles.load_profile(name).name == name
        assert callable(pack_writer(name))


def test_a_broken_pack_module_is_an_error_not_a_missing_pack(monkeypatch, tmp_path):
    monkeypatch.setitem(sys.modules, "compiler.packs.board", None)       # importing it now fails
    with pytest.raises(ImportError):
        pipeline.build([PLANS], EVIDENCE, "board", as_of=AS_OF, out=tmp_path / "board")
    assert not (tmp_path / "board").exists()


def test_an_unknown_pack_names_the_packs_there_are():
    with pytest.raises(SgpackError, match="choose one of cqc, commissioner, governance, board, owners"):
        profiles.load_profile("inspection")


def test_the_profile_formats_are_the_default_and_others_are_refused(monkeypatch, tmp_path):
    real = profiles.load_profile

    def pdf_only(name):
        return real(name).model_copy(update={"formats": ["pdf"]})

    monkeypatch.setattr(profiles, "load_profile", pdf_only)
    folder, _ = pipeline.build([PLANS], EVIDENCE, "governance", as_of=AS_OF, out=tmp_path / "gov")
    assert (folder / "governance-pack.pdf").is_file() and not (folder / "governance-pack.docx").exists()
    with pytest.raises(SgpackError, match="written as pdf, not docx"):
        pipeline.build([PLANS], EVIDENCE, "governance", as_of=AS_OF, out=tmp_path / "gov2", formats=("docx",))
