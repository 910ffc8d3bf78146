"""The personal-data scan over everything a pack will contain, and which findings block a build.

Kinds that BLOCK a pack leaving the provider (docs/privacy.md): an NHS number with a valid check digit, a
National Insurance number, a date of birth (in context, or a roster person's), a roster person's
name (full, a part of it alone, or their initials), and a count of one to four people ("three
residents"). The commissioner build refuses to write while any of these is left after
pseudonymisation, unless `--allow-personal-data REASON` is given.

Kinds that only WARN: e-mail addresses, phone numbers and postcodes. In monitoring returns these
are usually the provider's or staff's contact details, which commissioners may see; they are
listed (masked) on the data-protection page so a person checks them, but they do not stop a build.

A hit never carries its value, only a mask of it (`compiler.privacy.scan.mask_span`); a count of people
carries the sentence that holds it, which is what a person checks.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from compiler.privacy.outgoing import PEOPLE_COUNT, Outgoing
from compiler.privacy.roster import Roster
from compiler.privacy.scan import scan_text

BLOCKING = frozenset({"nhs_number", "ni_number", "date_of_birth", "roster_name", PEOPLE_COUNT})
WARNING = frozenset({"email", "phone", "postcode"})
KIND_WORDS = {"nhs_number": "NHS number", "ni_number": "National Insurance number",
              "date_of_birth": "date of birth", "roster_name": "name of a person who uses the service",
              PEOPLE_COUNT: "count of fewer than 5 people",
              "email": "email address", "phone": "phone number", "postcode": "postcode"}


@dataclass(frozen=True)
class PackHit:
    """One piece of personal data in a file the pack will hold, by location, masked."""
    file: str
    location: str
    kind: str
    masked: str
    detail: str = ""

    @property
    def blocking(self) -> bool:
        return self.kind in BLOCKING

    def describe(self) -> str:
        if self.kind == PEOPLE_COUNT:
            return f"{self.file}: {self.location}: {KIND_WORDS[self.kind]} in \u201c{self.masked}\u201d"
        detail = f" ({self.detail})" if self.detail else ""
        return f"{self.file}: {self.location}: {KIND_WORDS.get(self.kind, self.kind)} {self.masked}{detail}"


def scan_chunks(chunks: Iterable[tuple[str, str, str]], roster: Roster | None,
                today: dt.date | None = None, outgoing: Outgoing | None = None) -> list[PackHit]:
    """Scan (file, location, text) chunks; hits in chunk order, then text order. `outgoing`: the chunks
    leave the provider (initials and counts of people are found too)."""
    hits = []
    for file, location, text in chunks:
        if not text or not text.strip():
            continue
        for hit in scan_text(text, roster, today, outgoing):
            hits.append(PackHit(file=file, location=location, kind=hit.kind, masked=hit.masked, detail=hit.detail))
    return hits


def paragraphs(text: str) -> list[tuple[str, str]]:
    """Evidence text as ("paragraph N", text) chunks, split on blank lines."""
    out, n = [], 0
    for block in text.replace("\r\n", "\n").split("\n\n"):
        if block.strip():
            n += 1
            out.append((f"paragraph {n}", block))
    return out


def cqc_personal_data(view, pack, roster: Roster | None, *, stem: str = "cqc-pack") -> list:  # noqa: ANN001
    """The CQC pack's warning rows: its view's text (a compiler.views.cqc.CqcView) and every exhibit's
    extracted text. The CQC pack sets `view.personal_data` from it before the bundle is laid out."""
    from compiler.privacy.redact_view import walk_strings
    from compiler.views.common import PersonalDataView

    today = pack.as_of
    chunks: list[tuple[str, str, str]] = []
    body = f"{stem}.pdf / {stem}.docx"
    for location, text in walk_strings(view):
        if location.startswith("personal_data"):
            continue
        chunks.append((body, location.removeprefix("head."), text))
    catalogue = pack.assessment.catalogue
    for exhibit in pack.exhibits:
        item = catalogue.get(exhibit.evidence)
        if item is None or not item.text:
            continue
        for where, text in paragraphs(item.text):
            chunks.append((f"exhibits/{exhibit.file_name}", f"{exhibit.number}, {where}", text))
    return [PersonalDataView(file=h.file, location=h.location, kind=KIND_WORDS.get(h.kind, h.kind),
                             masked=h.masked, detail=h.detail, blocking=h.blocking)
            for h in scan_chunks(chunks, roster, today)]
