"""How an exhibit is known, in its reader's words: where its date came from and why it is linked to each action.

The console and `sgpack evidence` name sources as the preparer knows them (evidence.yaml, a sidecar, DOCX keywords);
a pack leaves the provider, so it says the same in words its reader needs no manual for: "date from the document's
first page", "mentioned on page 3", "listed in the provider's evidence index". Never a file name of sgpack's own.
"""
from __future__ import annotations

import re

from compiler.model.evidence import EvidenceItem, Link

_INDEX = "listed in the provider's evidence index"
_WITH_FILE = "recorded with the file by the provider"
_PROPERTIES = "from the document's properties"
_WHERE = re.compile(r"\b(on page \d+|in paragraph \d+|on line \d+|in row \d+|in cell [A-Z]+\d+|in sheet .+? row \d+)")


def _source_kind(label: str) -> str | None:
    """Which kind of explicit source a provenance label names, or None for the file's own words."""
    if label == "evidence.yaml" or label.startswith("index file "):
        return _INDEX
    if label.startswith("sidecar "):
        return _WITH_FILE
    if label.startswith(("front matter", "DOCX ", "PDF ")):
        return _PROPERTIES
    return None


def date_words(item: EvidenceItem) -> str:
    """"Dated from the document's first page", "dated from the file's name", "undated"."""
    if item.date is None:
        return "Undated" if not (item.scores or item.series) else "Each row dated"
    source = item.provenance.get("date", "")
    kind = _source_kind(source)
    if kind == _INDEX:
        words = "date listed in the provider's evidence index"
    elif kind == _WITH_FILE:
        words = "date recorded with the file by the provider"
    elif kind == _PROPERTIES:
        words = "date from the document's properties"
    elif source.startswith("email "):
        words = "date the e-mail was sent"
    elif source.startswith("file name"):
        words = "date from the file's name"
    elif source.startswith("text "):
        where = _WHERE.search(source)
        page = where.group(1) if where else ""
        words = ("date from the document's first page" if page == "on page 1" else
                 f"date written in the document ({page.split(' ', 1)[-1]})" if page else "date written in the document")
    else:
        words = "date given"
    if item.period_end is not None and "a month" in source:
        words += ", the last day of the month it covers"
    elif item.period_end is not None and "quarter" in source:
        words += ", the last day of the quarter it covers"
    return words[0].upper() + words[1:]


def link_words(link: Link) -> str:
    """Why one link holds: "mentioned on page 3", "written as RP01 in paragraph 2", "listed in the provider's
    evidence index"."""
    if link.source == "index":
        return _INDEX
    if link.source == "sidecar":
        return _WITH_FILE
    if link.source == "metadata":
        return "listed in the document's header" if "front matter" in link.why else \
            "tagged in the document's properties"
    where = _WHERE.search(link.why)
    place = f" {where.group(1)}" if where else ""
    if link.source == "written":
        written = re.search(r"written as '([^']*)'", link.why)
        return f"written as {written.group(1)}{place}" if written else f"written{place}"
    if link.source == "described":
        return f"described{place}"
    return f"mentioned{place}"


# The reason shown when several hold: the one a reader can check soonest (where the document says it).
_ORDER = {"mention": 1, "written": 2, "described": 3, "index": 4, "sidecar": 5, "metadata": 6}


def exhibit_basis(item: EvidenceItem, actions: list[str], named: dict[str, set[str]], plan_of: dict[str, str]) -> str:
    """One short paragraph for the evidence index: how the exhibit is dated, then why it supports each action,
    actions with the same reason together ("RP-01, RP-02: mentioned in paragraph 27").
    `named`: action id -> the evidence ids its plan lists under it; `plan_of`: action id -> its plan's id."""
    reasons: dict[str, list[str]] = {}
    for action in actions:
        if item.id in named.get(action, set()):
            reason = "named in the action plan"
        else:
            links = sorted((link for link in item.links if link.target == action),
                           key=lambda link: _ORDER.get(link.source, 9))
            plan_links = sorted((link for link in item.links if link.target == plan_of.get(action)),
                                key=lambda link: _ORDER.get(link.source, 9))
            if links:
                reason = link_words(links[0])
            elif plan_links:
                reason = f"{link_words(plan_links[0])} for plan {plan_of[action]}"
            else:
                continue
        reasons.setdefault(reason, []).append(action)
    parts = [date_words(item)] + [f"{', '.join(ids)}: {reason}" for reason, ids in reasons.items()]
    return ". ".join(parts) + "."
