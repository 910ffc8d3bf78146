"""A tracker's own key: what its colours and words mean, and whose initials are whose.

Trackers disagree about their colours — Green is "complete" in one and "on track" in another, Blue "complete and
impact evidenced" — so a RAG cell is read through the key of its own tracker: a Key (or Legend) sheet, or legend
rows around the table. Without a key, sgpack's own meanings hold: blue complete and evidenced, green on track,
amber at risk, red off track.
"""
from __future__ import annotations

import colorsys
import re
from dataclasses import dataclass, field

from compiler.trackers.words import Meaning, colour_word, meaning_of, plain, words
from evidence_store.grid import Cell, Sheet

# sgpack's meanings when a tracker has no key
DEFAULT_MEANINGS = {"blue": Meaning("blue", "completed", ("complete and evidenced",)),
                    "green": Meaning("green", "in_progress", ("on track",)),
                    "amber": Meaning("amber", "in_progress", ("at risk",)),
                    "red": Meaning("red", "in_progress", ("off track",))}
_PAIR = re.compile(r"^\s*([A-Za-z]+)\s*(?:=|:|–|—|-|means)\s*(.+)$")
_INITIALS = re.compile(r"^[A-Z]{2,4}$")
_INITIALS_LINE = re.compile(r"^\s*([A-Z]{2,4})\s*(?:=|:|–|—|-)\s*(.+)$")


def colour_class(hex_colour: str | None) -> str | None:
    """The RAG colour a fill shows ("#00B050" -> green), or None for white, grey, black or no fill."""
    if not hex_colour or not re.fullmatch(r"#[0-9A-Fa-f]{6}", hex_colour):
        return None
    r, g, b = (int(hex_colour[i:i + 2], 16) / 255 for i in (1, 3, 5))
    hue, lightness, saturation = colorsys.rgb_to_hls(r, g, b)
    if saturation < 0.25 or lightness > 0.93 or lightness < 0.08:
        return None
    degrees = hue * 360
    if degrees < 15 or degrees >= 330:
        return "red"
    if degrees < 65:
        return "amber"
    if degrees < 170:
        return "green"
    if degrees < 290:
        return "blue"
    return "red"          # magenta and pink read as red on a RAG tracker


@dataclass
class Owner:
    name: str | None
    role: str | None


@dataclass
class Key:
    """A tracker's key: colour -> (its meaning in the tracker's words, where it is written); a word the key defines
    ("G", "Complete") -> the same; initials -> the owner they stand for."""
    colours: dict[str, tuple[str, str]] = field(default_factory=dict)
    words: dict[str, tuple[str, str]] = field(default_factory=dict)
    owners: dict[str, tuple[Owner, str]] = field(default_factory=dict)

    def __bool__(self) -> bool:
        return bool(self.colours or self.words or self.owners)

    def merge(self, other: Key) -> None:
        for mine, theirs in ((self.colours, other.colours), (self.words, other.words), (self.owners, other.owners)):
            for k, v in theirs.items():
                mine.setdefault(k, v)

    def meaning(self, colour: str) -> tuple[Meaning, str]:
        """What a RAG colour means in this tracker, and why: (meaning, "Key!B3: 'Complete'" or "sgpack's key")."""
        if colour in self.colours:
            text, where = self.colours[colour]
            found = meaning_of(text)
            if found is not None:
                return found, f"{where}: {text!r}"
        return DEFAULT_MEANINGS[colour], "no key in the tracker: sgpack's meanings"


def read_key(sheet: Sheet, rows: range | None = None) -> Key:
    """The key one sheet holds (or the rows of it given: legend rows around a table). A row holds a colour and its
    meaning (a filled cell, or a colour's name, and words beside it; or "Blue = Complete and impact evidenced" in
    one cell), or initials and whom they stand for ("PS – Priya Shah, Registered Manager")."""
    key = Key()
    for r in rows if rows is not None else range(1, len(sheet.rows) + 1):
        cells = [(c, sheet.cell(r, c)) for c in range(1, len(sheet.rows[r - 1]) + 1)] if r <= len(sheet.rows) else []
        texts = [(c, str(cell.value).strip()) for c, cell in cells if cell.value not in (None, "")]
        where = f"{sheet.name}!{column_letter(texts[-1][0]) if texts else 'A'}{r}"
        _colour_row(key, sheet, r, cells, texts, where)
        _owner_row(key, texts, f"{sheet.name}!{column_letter(texts[0][0]) if texts else 'A'}{r}")
    return key


def _colour_row(key: Key, sheet: Sheet, r: int, cells: list[tuple[int, Cell]], texts: list[tuple[int, str]],
                where: str) -> None:
    for column, text in texts:                       # "Blue = Complete and impact evidenced"
        match = _PAIR.match(text)
        if match and colour_word(match.group(1)) and meaning_of(match.group(2)):
            colour = colour_word(match.group(1))
            key.colours.setdefault(colour, (match.group(2).strip(), f"{sheet.name}!{column_letter(column)}{r}"))
            key.words.setdefault(plain(match.group(1)), key.colours[colour])
            return
    meaning_cells = [(c, t) for c, t in texts if meaning_of(t) is not None and colour_word(t) is None]
    if not meaning_cells:
        return
    column, text = meaning_cells[0]
    cell_where = f"{sheet.name}!{column_letter(column)}{r}"
    for c, cell in cells:                            # a filled cell beside the meaning (or the meaning filled)
        colour = colour_class(cell.fill)
        if colour is not None:
            key.colours.setdefault(colour, (text, cell_where))
            break
    for c, t in texts:                               # a colour's name or letter beside the meaning
        named = colour_word(t)
        if named is not None and c != column:
            key.colours.setdefault(named, (text, cell_where))
            key.words.setdefault(plain(t), (text, cell_where))
    if len(texts) >= 2 and texts[0][0] != column and colour_word(texts[0][1]) is None \
            and meaning_of(texts[0][1]) is not None:
        key.words.setdefault(plain(texts[0][1]), (text, cell_where))


def _owner_row(key: Key, texts: list[tuple[int, str]], where: str) -> None:
    if not texts:
        return
    match = _INITIALS_LINE.match(texts[0][1])
    if match:
        initials, who = match.group(1), match.group(2)
    elif len(texts) >= 2 and _INITIALS.match(texts[0][1]):
        initials, who = texts[0][1], texts[1][1]
    else:
        return
    if colour_word(initials) is not None:
        return
    key.owners.setdefault(initials, (parse_owner(who), where))


def parse_owner(text: str) -> Owner:
    """"Priya Shah (Registered Manager)", "P. Marsh, Head of Safeguarding, ASC", "ICB Designated Nurse (J. Okoro)"
    -> name and role, as a reader takes them."""
    text = " ".join(str(text).split())
    match = re.fullmatch(r"(?P<a>.*?)\s*\((?P<b>[^()]*)\)", text)
    if match:
        a, b = match["a"].strip(), match["b"].strip()
        if _is_role(a) and not _is_role(b):          # "Role (Name)"
            return Owner(b or None, a or None)
        return Owner(a or None, b or None)
    if "," in text:
        first, rest = text.split(",", 1)
        if _is_role(first) and not _is_role(rest):
            return Owner(rest.strip() or None, first.strip() or None)
        return Owner(first.strip() or None, rest.strip() or None)
    for dash in (" – ", " — ", " - "):
        if dash in text:
            first, rest = text.split(dash, 1)
            return Owner(first.strip() or None, rest.strip() or None)
    return Owner(text or None, None)


def _is_role(text: str) -> bool:
    value = plain(text)
    return any(f" {word} " in f" {value} " for word in words().role_words)


def column_letter(column: int) -> str:
    """1 -> A, 27 -> AA."""
    letters = ""
    while column > 0:
        column, rest = divmod(column - 1, 26)
        letters = chr(65 + rest) + letters
    return letters
