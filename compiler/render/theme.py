"""The provider's house style (theme.yaml: fonts, colours, logo) and where a provider's own files replace ours."""
from __future__ import annotations

from importlib.resources.abc import Traversable
from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, ValidationError

from compiler.errors import SgpackError
from compiler.shipped import asset_dir


class Theme(BaseModel):
    model_config = ConfigDict(extra="forbid")
    font: str
    font_bold: str
    colours: dict[str, str]
    logo: str | None = None


def template_file(name: str, templates: Path | None = None) -> Path | Traversable:
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
