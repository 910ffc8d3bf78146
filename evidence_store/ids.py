"""Evidence ids: the id metadata gives first (a clash: the later item keeps its slug), then unique slugs of paths;
each with where it came from."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from .metadata import Resolved, slug
from .model import EvidenceItem


@dataclass
class Draft:
    """An item but for its id: its path, the id its metadata gives ((id, where) or None), and how to make it."""
    path: str
    candidate: tuple[str, str] | None
    make: Callable[[str, str], EvidenceItem]          # (id, where the id came from) -> the item
    slug: str | None = None                           # slug(path), when known already

# why an item's id is its path's slug, as it is when no other item had that slug first
PLAIN_SLUG = "default: slug of path"


def fresh(fields: dict, resolved: Resolved) -> Draft:
    """A file's item as the scan resolved it."""
    def make(value: str, why: str) -> EvidenceItem:
        provenance = {**resolved.provenance, "id": why}
        provenance = {k: provenance[k] for k in sorted(provenance, key=_prov_order)}
        return EvidenceItem(id=value, links=resolved.links, provenance=provenance, **fields)
    return Draft(fields["path"], resolved.id_candidate, make)


def taken_again(item: EvidenceItem, candidate: tuple[str, str] | None) -> Draft:
    """A draft of an item of the latest catalogue, to be given its id again. An item whose id was its path's slug
    as it is carries that slug: it is not worked out again."""
    known = item.id if item.provenance.get("id") == PLAIN_SLUG else None
    return Draft(item.path, candidate, again(item), known)


def again(item: EvidenceItem) -> Callable[[str, str], EvidenceItem]:
    """How an item of the latest catalogue is made again with the id it is given now (mostly the same one)."""
    def make(value: str, why: str) -> EvidenceItem:
        if item.id == value and item.provenance.get("id") == why:
            return item
        provenance = {**item.provenance, "id": why}
        return item.model_copy(update={"id": value, "provenance": {k: provenance[k] for k in
                                                                   sorted(provenance, key=_prov_order)}})
    return make


def assign_ids(drafts: list[Draft]) -> list[EvidenceItem]:
    """Ids given in metadata first (a clash: the later item keeps its slug), then unique slugs. The drafts come
    in path order (the walk's), and so do the items."""
    taken: dict[str, str] = {}
    chosen: list[tuple[str | None, str | None]] = []          # (id, where it came from)
    for draft in drafts:
        if draft.candidate:
            value, label = draft.candidate
            if value in taken:
                chosen.append((None, f"default: slug of path ({label} gave id {value!r}, "
                                     f"already used by {taken[value]})"))
                continue
            taken[value] = draft.path
            chosen.append((value, label))
        else:
            chosen.append((None, None))
    items = []
    for draft, (value, why) in zip(drafts, chosen):
        if value is None:
            base = draft.slug or slug(draft.path)
            value, n = base, 1
            while value in taken:
                n += 1
                value = f"{base}-{n}"
            taken[value] = draft.path
            if why is None:
                why = PLAIN_SLUG + (f" (made unique with -{n})" if n > 1 else "")
            elif n > 1:
                why = why.replace("default: slug of path (", f"default: slug of path, made unique with -{n} (")
        items.append(draft.make(value, why))
    return items


_ORDER = ("id", "type", "title", "date", "period_end", "service", "author", "tags", "notes")


def _prov_order(key: str) -> int:
    return _ORDER.index(key) if key in _ORDER else len(_ORDER)
