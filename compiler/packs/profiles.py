"""Pack profiles (packs/<name>.yaml): who a pack is for, what it holds, in which formats."""
from __future__ import annotations

from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, ValidationError

from compiler.shipped import asset_dir
from compiler.errors import SgpackError

PACK_NAMES = ("cqc", "commissioner", "governance", "board", "owners")


class PackProfile(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str
    title: str
    audience: str
    classification: str = "OFFICIAL-SENSITIVE"
    group_by: Literal["key_question", "contract", "plan", "owner"]
    sections: list[str]
    appendices: bool = False
    formats: list[Literal["docx", "pdf"]] = ["docx", "pdf"]
    template: str
    redact_people: bool = False
    owners_as_roles: bool = False
    only_risk: list[Literal["low", "medium", "high"]] | None = None
    lawful_basis: str | None = None


def load_profile(name: str) -> PackProfile:
    if name not in PACK_NAMES:
        raise SgpackError(f"unknown pack {name!r}; choose one of {', '.join(PACK_NAMES)}")
    source = asset_dir("packs").joinpath(f"{name}.yaml")
    try:
        return PackProfile.model_validate(yaml.safe_load(source.read_text(encoding="utf-8")))
    except ValidationError as exc:  # a shipped profile that does not validate is a bug
        raise RuntimeError(f"pack profile {name}.yaml is invalid: {exc}") from exc


class Theme(BaseModel):
    model_config = ConfigDict(extra="forbid")
    font: str
    font_bold: str
    colours: dict[str, str]
    logo: str | None = None


def template_file(name: str, templates: Path | None = None):
    """A provider's file from `--templates DIR` when it has one, else the shipped one."""
    if templates is not None:
        if not templates.is_dir():
            raise SgpackError("templates folder not found", file=str(templates))
        candidate = templates / name
        if candidate.is_file():
            return candidate
    return asset_dir("templates").joinpath(name)


def load_theme(templates: Path | None = None) -> Theme:
    source = template_file("theme.yaml", templates)
    try:
        return Theme.model_validate(yaml.safe_load(source.read_text(encoding="utf-8")))
    except (ValidationError, yaml.YAMLError) as exc:
        raise SgpackError(f"theme is invalid: {exc}".splitlines()[0], file=str(source)) from None
