"""What a pack's `write` is handed: the pack, the options it was asked for, the theme, and where to write."""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from compiler.model.pack import Pack
from compiler.model.period import ReportingPeriod, last_complete_quarter
from compiler.packs import output
from compiler.packs.profiles import PackProfile
from compiler.privacy.roster import Roster
from compiler.render.theme import Theme, template_file
from compiler.views.common import Options
from evidence_store.limits import DEFAULT_LIMITS, Limits

if TYPE_CHECKING:
    from importlib.resources.abc import Traversable

    from evidence_store.cache import EvidenceCache


@dataclass
class BuildJob:
    pack: Pack
    profile: PackProfile
    options: Options                 # what the person building it said (--prepared-by)
    theme: Theme
    stage: Path                      # the staging folder: write only here (`write`, output.new_file)
    evidence_root: str               # the evidence folder (read exhibits with output.read_evidence)
    templates: Path | None           # a provider's --templates folder, or None
    formats: Sequence[str]           # "docx", "pdf"
    seed: bytes                      # fixed per inputs: anything that must not be random
    roster: Roster | None = None     # people who use services: never named outside the provider
    recipient: str = "default"       # whose pseudonym key to use
    allow_personal_data: str | None = None   # the reason given with --allow-personal-data
    approved_by: str | None = None
    cache: EvidenceCache | None = None       # what an earlier build made: exhibit pages, body parts, charts
    limits: Limits = DEFAULT_LIMITS          # what work on evidence may cost: reading it, joining its pages
    period: ReportingPeriod | None = None    # what a return reports on (--period); None: see `reporting_period`
    contract: str | None = None              # the contract a commissioner pack holds (--contract); None: every one

    def write(self, relative: str, data: bytes) -> None:
        output.write_file(self.stage, relative, data)

    @property
    def reporting_period(self) -> ReportingPeriod:
        """The quarter a return reports on: the one asked for, else the last complete one before the as-of date."""
        return self.period or last_complete_quarter(self.pack.as_of)

    @property
    def stem(self) -> str:
        return f"{self.pack.name}-pack"

    def template(self) -> Path | Traversable:
        """The pack's Word template: the provider's from --templates when it has one, else the shipped one."""
        return template_file(self.profile.template, self.templates)
