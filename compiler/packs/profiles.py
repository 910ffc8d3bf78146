"""Pack profiles (packs/<name>.yaml): who a pack is for, what it holds, in which formats. The profiles are
the list of packs: a profile names its pack, and the module `compiler.packs.<name>` writes it."""
from __future__ import annotations

from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, ValidationError

from compiler.errors import SgpackError
from compiler.packs.registry import pack_names
from compiler.shipped import asset_dir

Format = Literal["docx", "pdf"]


class PackProfile(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str
    order: int                       # where the pack comes in lists (the command line, the demo)
    title: str
    audience: str
    classification: str = "OFFICIAL-SENSITIVE"
    appendices: bool = False         # every exhibit numbered and appended to the PDF
    formats: list[Format] = ["docx", "pdf"]   # the formats it can be written in, and the default
    template: str
    redact_people: bool = False
    owners_as_roles: bool = False
    # small-number suppression in a pack that leaves the provider (docs/privacy.md): "people" suppresses counts
    # of 1-4 people and shows counts of events; "publication" suppresses every count, as published statistics do
    suppression: Literal["people", "publication"] = "people"
    only_risk: list[Literal["low", "medium", "high"]] | None = None
    lawful_basis: str | None = None


def load_profile(name: str) -> PackProfile:
    if name not in pack_names():
        raise SgpackError(f"unknown pack {name!r}; choose one of {', '.join(pack_names())}")
    source = asset_dir("packs").joinpath(f"{name}.yaml")
    try:
        profile = PackProfile.model_validate(yaml.safe_load(source.read_text(encoding="utf-8")))
    except ValidationError as exc:  # a shipped profile that does not validate is a bug
        raise RuntimeError(f"pack profile {name}.yaml is invalid: {exc}") from exc
    if profile.name != name:
        raise RuntimeError(f"pack profile {name}.yaml names the pack {profile.name!r}")
    return profile
