"""The evidence catalogue's records: one EvidenceItem per file, each value with its provenance."""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Hashable
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr

# index: evidence.yaml or --index; sidecar; metadata inside the file; mention: the exact id in its text;
# written: an action id written loosely ("RP01"); described: an action named by its title words
LinkSource = Literal["index", "sidecar", "metadata", "mention", "written", "described"]


class Link(BaseModel):
    """The item is linked to an action or plan id; `why` is the provenance shown to users."""
    model_config = ConfigDict(frozen=True)
    target: str                      # an action id or plan id
    source: LinkSource               # evidence.yaml index, sidecar, metadata inside the file, text mention
    why: str                         # "RP-01 mentioned on page 2", "RP-01 written as 'RP01' on page 2"


class ScoreRow(BaseModel):
    """One dated audit result from an audit-score file (columns date,audit,score[,max,target])."""
    row: int                         # 1-based data row number in the file (header is row 1, so first data row is 2)
    date: dt.date
    audit: str
    score: float
    max: float = 100.0
    target: float | None = None

    @property
    def percent(self) -> float:
        return 100.0 * self.score / self.max if self.max else 0.0


class SeriesPoint(BaseModel):
    """One point of an indicator series (columns period,value[,service,indicator])."""
    row: int
    period: dt.date                     # the day the period starts ("2026-03" -> 2026-03-01)
    label: str                       # the period as written
    value: float
    service: str | None = None
    indicator: str | None = None


class EvidenceItem(BaseModel):
    id: str
    path: str                        # relative to the evidence folder, POSIX separators
    format: str                      # extension without the dot, lower case ("docx"); "" when none
    size: int = 0
    sha256: str = ""
    status: Literal["ok", "unreadable", "not_read"] = "ok"
    reason: str | None = None        # why it is unreadable / not read
    type: str = "other"
    record: bool = True              # False: an agenda, a blank form or template, a copy of a tool: it counts for nothing
    draft: bool = False              # a draft still counts, and is labelled "draft" wherever it is shown
    title: str = ""
    date: dt.date | None = None
    period_end: dt.date | None = None
    service: str | None = None
    author: str | None = None
    tags: list[str] = Field(default_factory=list)
    links: list[Link] = Field(default_factory=list)
    # field -> where its value came from: {"id": "default: slug of path", "type": "folder 'minutes'",
    #  "date": "file name '2026-04-12 ...'", "title": "DOCX core property title"}
    provenance: dict[str, str] = Field(default_factory=dict)
    text: str = Field(default="", exclude=True, repr=False)   # extracted text, for mentions and challenge words
    pages: int | None = None         # PDF pages
    width: int | None = None         # PNG/JPEG pixels, from the image header
    height: int | None = None
    scores: list[ScoreRow] = Field(default_factory=list)      # when the item is an audit-score table
    series: list[SeriesPoint] = Field(default_factory=list)   # when the item holds indicator series
    columns: list[str] = Field(default_factory=list)          # header of a CSV/XLSX table
    table_problem: str | None = None  # why its scores or series could not be read, and how to name the columns

    @property
    def readable(self) -> bool:
        return self.status == "ok"

    @property
    def shown_title(self) -> str:
        """Its title (else its path) as every output shows it: a draft says so."""
        title = self.title or self.path
        return f"{title} (draft)" if self.draft and "draft" not in title.lower() else title

    @property
    def counts(self) -> bool:
        """Read and a record: what can count towards a requirement, a closure test or a review."""
        return self.status == "ok" and self.record

    def linked_to(self, target: str) -> list[Link]:
        return [link for link in self.links if link.target == target]


class Catalogue(BaseModel):
    root: str                        # the evidence folder as given
    items: list[EvidenceItem] = Field(default_factory=list)   # sorted by path
    # problems with the folder as a whole, not one file: an evidence.yaml entry that names a path
    # outside the folder or no file at all. Shown escaped; one line each.
    problems: list[str] = Field(default_factory=list)
    # indexes built on first use; a catalogue is not changed once scanned
    _by_id: dict[str, EvidenceItem] | None = PrivateAttr(default=None)
    _by_path: dict[str, EvidenceItem] | None = PrivateAttr(default=None)
    # target -> {id(item): (item, its links to the target)}, items in catalogue order
    _by_target: dict[str, dict[int, tuple[EvidenceItem, list[Link]]]] | None = PrivateAttr(default=None)
    _derived: dict[Hashable, Any] = PrivateAttr(default_factory=dict)
    # what each item is made of, when the scan knew it (with a cache): the items' context (what every item of the
    # folder shares) and {item id: its file's key}; see keys()
    _context: str | None = PrivateAttr(default=None)
    _file_keys: dict[str, str] | None = PrivateAttr(default=None)

    def __eq__(self, other: object) -> bool:
        """Equal when they hold the same: the indexes and what the scan recorded of the items are not compared."""
        if not isinstance(other, Catalogue):
            return NotImplemented
        return (self.root, self.items, self.problems) == (other.root, other.items, other.problems)

    def keep_keys(self, context: str, file_keys: list[str]) -> None:
        """Record what the items are made of (evidence_store.snapshot: the context, and each item's file key in
        item order). The scan calls it when every key is known."""
        by_id = {i.id: k for i, k in zip(self.items, file_keys)}
        if len(file_keys) == len(self.items) == len(by_id):          # ids are unique (ids.assign_ids)
            self._context, self._file_keys = context, by_id

    def keys(self) -> tuple[str, Callable[[EvidenceItem], str]] | None:
        """(the context, item -> its key) when the scan recorded what the items are made of, else None. Two items
        with the same key in catalogues with the same context are equal field for field: an item is a function of
        its file's key and the context, but for the id it is given (and why), which the key holds too."""
        if self._file_keys is None or self._context is None:
            return None
        keys, made = self._file_keys, self._derived.setdefault(("item keys",), {})

        def key(item: EvidenceItem) -> str:
            found = made.get(item.id)
            if found is None:
                found = made[item.id] = f"{keys[item.id]}:{item.id}:{item.provenance.get('id')}"
            return found
        return self._context, key

    def ids(self) -> frozenset[str]:
        """Every item's id."""
        return self.derived(("ids",), lambda: frozenset(self.by_id()))

    def derived(self, key: Hashable, compute: Callable[[], Any]) -> Any:
        """compute(), once per `key`: for values that depend on this catalogue and the key alone
        (e.g. the items linked to one action), asked for many times in one assessment."""
        if key not in self._derived:
            self._derived[key] = compute()
        return self._derived[key]

    def get(self, item_id: str) -> EvidenceItem | None:
        return self.by_id().get(item_id)

    def by_id(self) -> dict[str, EvidenceItem]:
        if self._by_id is None:
            self._by_id = {item.id: item for item in self.items}
        return self._by_id

    def by_path(self, path: str) -> EvidenceItem | None:
        if self._by_path is None:
            index: dict[str, EvidenceItem] = {}
            for item in self.items:
                index.setdefault(item.path, item)
            self._by_path = index
        return self._by_path.get(path)

    def find(self, path: str) -> tuple[EvidenceItem | None, str | None]:
        """The item a path from a plan names (an indicator's `data:`), or (None, why not).

        The path goes through the same checks as every other path (evidence_store.paths): an
        absolute path, `..`, `~`, NUL or a control character never matches anything, and the
        reason says so. Nothing is opened: the catalogue already holds every file."""
        from .paths import display_name, normalise, relative_problem

        problem = relative_problem(path)
        if problem:
            return None, f"{display_name(path)} {problem}"
        wanted = normalise(path)
        item = self.by_path(wanted)
        if item is None:
            return None, f"{display_name(path)} is not in the evidence folder"
        return item, None

    def linking_to(self, target: str) -> list[EvidenceItem]:
        """Items with a link to `target` (an action or plan id), in catalogue order."""
        return [item for item, _ in self.links_to(target).values()]

    def links_to(self, target: str) -> dict[int, tuple[EvidenceItem, list[Link]]]:
        """{id(item): (item, its links to `target`)} for the items linking to it, in catalogue order."""
        if self._by_target is None:
            index: dict[str, dict[int, tuple[EvidenceItem, list[Link]]]] = {}
            for item in self.items:
                for link in item.links:
                    entry = index.setdefault(link.target, {}).setdefault(id(item), (item, []))
                    entry[1].append(link)
            self._by_target = index
        return self._by_target.get(target, {})
