"""What a pack writer is handed: the pack, its view model, the theme, and where to write."""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from compiler.model.pack import Pack
from compiler.packs.profiles import PackProfile, Theme
from compiler.privacy.roster import Roster
from compiler.writers import output
from compiler.writers.context import PackContext


@dataclass
class BuildJob:
    pack: Pack
    profile: PackProfile
    context: PackContext
    theme: Theme
    stage: Path                      # the staging folder: write only here (output.write_file)
    evidence_root: str               # the evidence folder (read exhibits with output.read_evidence)
    templates: Path | None           # a provider's --templates folder, or None
    formats: Sequence[str]           # "docx", "pdf"
    seed: bytes                      # fixed per inputs: PDF /ID and anything else that must not be random
    roster: Roster | None = None     # who must not be named outside the provider (SPEC 2.5)
    recipient: str = "default"       # whose pseudonym key to use
    allow_personal_data: str | None = None   # the reason given with --allow-personal-data
    approved_by: str | None = None
    cache: Any = None                # an evidence_store.EvidenceCache: rendered exhibit pages by content hash

    def write(self, relative: str, data: bytes) -> None:
        output.write_file(self.stage, relative, data)

    @property
    def stem(self) -> str:
        return f"{self.pack.name}-pack"
