"""What a pack's `write` is handed: the pack, the options it was asked for, the theme, where to write, and the
notes for whoever builds it (what the pack never holds)."""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from compiler.model.finding import Finding
from compiler.model.pack import Pack
from compiler.model.period import ReportingPeriod, last_complete_quarter
from compiler.packs import output
from compiler.packs.profiles import PackProfile
from compiler.privacy.roster import Roster
from compiler.render.theme import Theme, template_file
from compiler.views.common import Options, PersonalDataView, place
from evidence_store.limits import DEFAULT_LIMITS, Limits

if TYPE_CHECKING:
    from importlib.resources.abc import Traversable

    from evidence_store.cache import EvidenceCache

DEFAULT_RECIPIENT = "default"        # the pseudonym key used when no recipient is named: not a name to print
NOT_CHECKED = "What could not be checked"
PERSONAL_DATA = "Personal data in the pack"


@dataclass
class PreparerNotes:
    """What the person who builds a pack reads before sharing it, and the pack never holds: each finding with
    where to fix it (the plan file and line, or the tracker cell) and the hint for the plan files; what could
    not be checked; what the pack holds that must be checked before it is shared. Written beside the pack
    folder as `<folder>.preparer-notes.md` (compiler.packs.output) and printed when the pack is written."""
    pack: str                        # "cqc"
    title: str                       # "Safeguarding action plan evidence pack"
    audience: str
    findings: list[Finding]
    waived: list[Finding]
    # heading -> (what the items are, the items), in the order added
    sections: dict[str, tuple[str, list[str]]] = field(default_factory=dict)

    def add(self, heading: str, intro: str, items: Sequence[str]) -> None:
        """Items under `heading` (after any it has already); a section with no items is left out."""
        if items:
            _, held = self.sections.setdefault(heading, (intro, []))
            held.extend(items)

    def markdown(self) -> str:
        lines = [f"# Notes for the preparer: {self.pack} pack", "",
                 _md(f"{self.title}, for {self.audience}. These notes are for whoever builds and shares the pack: "
                     "they are not part of it, and are written beside the pack folder, never inside it."), ""]
        counted = [("Findings", "Where each finding is in the plan files and what to change there. The pack "
                    "shows each one by plan and action, with what would resolve it.", self.findings),
                   ("Waived findings", "Listed in the pack with the reason given; not counted.", self.waived)]
        for heading, intro, findings in counted:
            if findings:
                lines += [f"## {heading} ({len(findings)})", "", _md(intro), ""]
                lines += [line for f in findings for line in _finding_lines(f)] + [""]
        if not self.findings:
            lines += ["## Findings", "", "No findings on the plans in this pack.", ""]
        for heading, (intro, items) in self.sections.items():
            lines += [f"## {heading} ({len(items)})", ""] + ([_md(intro), ""] if intro else [])
            lines += [f"- {_md(item)}" for item in items] + [""]
        return "\n".join(lines)


def _finding_lines(f: Finding) -> list[str]:
    where = f.location("(no file)")
    lines = [f"- {f.rule} {f.severity}, {_md(place(f.plan, f.action))}: {_md(f.message)}",
             f"  - Where: {_md(where)}", f"  - Hint: {_md(f.hint)}"]
    if f.waived:
        lines.append(f"  - Waived: {_md(f.waiver_reason or '')}")
    else:
        lines.append(f"  - The pack says it is resolved when {_md(f.resolve)}")
    return lines


def _md(text: str) -> str:
    """User text as one line of Markdown that no viewer takes for HTML."""
    return " ".join(str(text).split()).replace("<", "\\<")


def base_notes(pack: Pack) -> PreparerNotes:
    """The findings on the pack's plans, and the evidence that could not be checked."""
    notes = PreparerNotes(pack=pack.name, title=pack.title, audience=pack.audience, findings=list(pack.findings),
                          waived=list(pack.waived))
    catalogue = pack.assessment.catalogue
    unreadable = []
    for evidence_id in pack.unreadable:
        item = catalogue.get(evidence_id)
        if item is not None:
            unreadable.append(f"{evidence_id} ({item.path}): {item.reason or 'unreadable'}")
    notes.add(NOT_CHECKED, "Evidence linked to the pack's actions that could not be read counts for nothing; "
              "the pack says which items could not be read, not where they are.", unreadable)
    notes.add(NOT_CHECKED, "", [f"The evidence folder: {problem}" for problem in catalogue.problems])
    return notes


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
    recipient: str = DEFAULT_RECIPIENT   # whose pseudonym key to use
    allow_personal_data: str | None = None   # the reason given with --allow-personal-data
    approved_by: str | None = None
    cache: EvidenceCache | None = None       # what an earlier build made: exhibit pages, body parts, charts
    limits: Limits = DEFAULT_LIMITS          # what work on evidence may cost: reading it, joining its pages
    period: ReportingPeriod | None = None    # what a return reports on (--period); None: see `reporting_period`
    contract: str | None = None              # the contract a commissioner pack holds (--contract); None: every one
    # for whoever builds the pack, never in it: kept beside the stage and moved beside the pack with it
    notes: PreparerNotes = field(init=False)

    def __post_init__(self) -> None:
        self.notes = base_notes(self.pack)
        self._keep_notes()

    def write(self, relative: str, data: bytes) -> None:
        output.write_file(self.stage, relative, data)

    def note(self, heading: str, intro: str, items: Sequence[str]) -> None:
        """Tell the preparer, not the pack's reader: `items` under `heading` in the notes."""
        self.notes.add(heading, intro, items)
        self._keep_notes()

    def note_personal_data(self, hits: Sequence[PersonalDataView]) -> None:
        """Personal data the pack holds, each value masked: for whoever shares it to check each is needed."""
        self.note(PERSONAL_DATA, "This pack holds personal data (values masked here). Check each item is needed "
                  "before the pack is shared.",
                  [f"{h.file}, {h.location}: {h.kind}" + (f" ({h.detail})" if h.detail else "") + f": {h.masked}"
                   for h in hits])

    def note_not_checked(self, items: Sequence[str]) -> None:
        self.note(NOT_CHECKED, "", items)

    def _keep_notes(self) -> None:
        output.write_notes(self.stage, self.notes.markdown())

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
