"""SG105 hidden-characters: plan text holding characters that hide text or reorder how it reads on screen."""
from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass

from compiler.model.plan import Action, Plan
from compiler.rules.registry import Hit, RuleContext, rule
from compiler.views.words import long_date
from evidence_store import display_name

# Hidden: every format character (Unicode category Cf) but these, which print a visible mark above or before
# the digits they belong to. So bidirectional controls (U+061C, U+200E, U+200F, U+202A-U+202E, U+2066-U+2069),
# zero-width characters (U+200B-U+200D, U+2060, U+FEFF), the soft hyphen, invisible operators and tag
# characters are all hidden, and so is any format character a later Unicode version adds.
VISIBLE_FORMAT = frozenset("\u0600\u0601\u0602\u0603\u0604\u0605\u06dd\u070f\u0890\u0891\u08e2"
                           "\U000110bd\U000110cd")
ZWNJ, ZWJ = "\u200c", "\u200d"
# Scripts in which a zero-width joiner or non-joiner between letters is spelling (Persian writes "mi" ZWNJ "khaham";
# Sinhala "Sri" is sha, al-lakuna, ZWJ, ra, ii), by the first word of the letters' Unicode names. Not Latin.
JOINING_SCRIPTS = frozenset({"ARABIC", "SYRIAC", "NKO", "MONGOLIAN", "DEVANAGARI", "BENGALI", "GURMUKHI",
                             "GUJARATI", "ORIYA", "TAMIL", "TELUGU", "KANNADA", "MALAYALAM", "SINHALA", "MYANMAR",
                             "KHMER", "TIBETAN"})
VIRAMA = 9                          # the canonical combining class of every virama (halant, al-lakuna, coeng)
# What may sit between an emoji and the joiner that follows it: variation selector 16, skin tones.
EMOJI_TRAIL = frozenset("\ufe0f\U0001f3fb\U0001f3fc\U0001f3fd\U0001f3fe\U0001f3ff")
# A subdivision flag (England: black flag, tag letters "gbeng", cancel tag) is the one use of tag characters.
FLAG_SEQUENCE = re.compile("\U0001f3f4[\U000e0020-\U000e007e]+\U000e007f")
TAGS = ("\U000e0000", "\U000e007f")
EXCERPT_BEFORE = 30                 # characters of text shown before the first hidden character
EXCERPT_LENGTH = 160                # at most this many characters of escaped text in a message
NAMED = 4                           # hidden characters named in a message; the rest are counted


def _script(ch: str) -> str | None:
    """The joining script of a letter or mark, or None."""
    if not ch or unicodedata.category(ch)[0] not in "LM":
        return None
    word = unicodedata.name(ch, "").split(" ")[0]
    return word if word in JOINING_SCRIPTS else None


def _joins_emoji(text: str, i: int) -> bool:
    """A zero-width joiner between two emoji (a health worker: woman, ZWJ, staff of Aesculapius)."""
    before = i - 1
    while before >= 0 and text[before] in EMOJI_TRAIL:
        before -= 1
    return (before >= 0 and unicodedata.category(text[before]) == "So"
            and i + 1 < len(text) and unicodedata.category(text[i + 1]) == "So")


def _spelling(text: str, i: int) -> bool:
    """A joiner or non-joiner that is part of how a word is written, not hidden."""
    if text[i] == ZWJ and _joins_emoji(text, i):
        return True
    script = _script(text[i - 1]) if i else None
    if script is None:
        return False
    # after a virama a joiner chooses the conjunct's form, also at the end of a word (Malayalam chillu)
    if unicodedata.combining(text[i - 1]) == VIRAMA:
        return True
    return i + 1 < len(text) and _script(text[i + 1]) == script


def hidden_characters(text: str) -> list[int]:
    """Where `text` holds hidden characters (indexes), leaving out the joiners its scripts and emoji spell with."""
    if text.isprintable():          # no format character is printable: most text stops here
        return []
    flags = {i for m in FLAG_SEQUENCE.finditer(text) for i in range(m.start() + 1, m.end())}
    found = []
    for i, ch in enumerate(text):
        if unicodedata.category(ch) != "Cf" or ch in VISIBLE_FORMAT or i in flags:
            continue
        if ch in (ZWJ, ZWNJ) and _spelling(text, i):
            continue
        found.append(i)
    return found


def escaped(text: str) -> str:
    """`text` as it may be printed: each hidden or control character as its code (`\\u202e`)."""
    return display_name(text)


def excerpt(text: str, first: int) -> str:
    """`text` escaped, or where that is longer than EXCERPT_LENGTH characters, the part around index `first`."""
    whole = escaped(text)
    if len(whole) <= EXCERPT_LENGTH:
        return whole
    start = max(0, first - EXCERPT_BEFORE)
    if start:                       # begin at a word
        space = text.find(" ", start, first)
        start = space + 1 if space >= 0 else start
    out = "…" if start else ""
    end = start
    while end < len(text) and len(out) < EXCERPT_LENGTH:
        out += escaped(text[end])
        end += 1
    return out + ("…" if end < len(text) else "")


def _named(ch: str) -> str:
    if TAGS[0] <= ch <= TAGS[1]:    # a run of tags spells hidden text: one name for them all
        return "tag characters hiding text"
    return f"{escaped(ch)} {unicodedata.name(ch, 'format character').lower()}"


def described(text: str, found: list[int]) -> str:
    """The hidden characters found, each as its code and Unicode name: `\\u202e right-to-left override`."""
    kinds = list(dict.fromkeys(_named(text[i]) for i in found))
    named = kinds[:NAMED]
    if len(kinds) > NAMED:
        named.append(f"and {len(kinds) - NAMED} more")
    return ", ".join(named)


@dataclass(frozen=True)
class Field:
    """One free-text value of a plan: where it is (the key its line is kept under) and what to call it."""
    action: Action | None
    key: str
    words: str
    text: str | None


def _first_key(lines: dict[str, int], *keys: str) -> str:
    return next((k for k in keys if k in lines), keys[-1])


def plan_fields(plan: Plan) -> Iterator[Field]:
    """Every free-text value of the plan, its indicators, waivers, actions, requirements and reviews. Ids, dates,
    numbers and words from the vocabularies are left out: the plan reader refuses hidden characters in those."""
    for key, words, text in (("provider", "provider", plan.provider), ("plan.title", "title", plan.title),
                             ("plan.service", "service", plan.service), ("plan.contract", "contract", plan.contract),
                             ("plan.origin", "origin", plan.origin),
                             ("plan.governance_forum", "governance forum", plan.governance_forum)):
        yield Field(None, key, words, text)
    for n, ind in enumerate(plan.indicators):
        at = f"indicators[{n}]"
        yield Field(None, f"{at}.title", f"indicator {ind.id} title", ind.title)
        for part, words, text in (("file", "data file", ind.data), ("sheet", "sheet", ind.sheet),
                                  ("period", "period column", ind.period_column),
                                  ("value", "value column", ind.value_column)):
            yield Field(None, _first_key(plan.lines, f"{at}.data.{part}", f"{at}.data", at),
                        f"indicator {ind.id} {words}", text)
    for k, waiver in enumerate(plan.waive):
        yield Field(None, f"waive[{k}].reason", f"waiver of {waiver.rule} reason", waiver.reason)
    for action in plan.actions:
        owner = (action.owner.raw or action.owner.display) if action.owner else None
        yield Field(action, "title", "title", action.title)
        yield Field(action, "owner", "owner", owner)
        yield Field(action, "narrative", "narrative", action.narrative)
        for k, req in enumerate(action.requires):
            yield Field(action, f"requires[{k}].note", f"requirement {k + 1} ({req.type}) note", req.note)
        for k, review in enumerate(action.reviews):
            on = f"review of {long_date(review.date)}"
            yield Field(action, f"reviews[{k}].forum", f"{on} forum", review.forum)
            yield Field(action, f"reviews[{k}].narrative", f"{on} narrative", review.narrative)
        for k, waiver in enumerate(action.waive):
            yield Field(action, f"waive[{k}].reason", f"waiver of {waiver.rule} reason", waiver.reason)


@rule("SG105", "hidden-characters", severity="warning",
      message='{where} holds hidden characters ({which}): "{text}"',
      hint="retype the text, or delete the characters shown as \\u codes: they do not show on screen, or they "
           "reorder the text around them",
      resolve="the text is retyped without hidden characters, so that it reads as the provider wrote it")
def hidden_characters_in_text(ctx: RuleContext) -> Iterator[Hit]:
    r"""
    What it checks
        Plan text holding hidden characters: bidirectional controls or zero-width characters.
        Hidden are the bidirectional controls (U+202A-U+202E, U+2066-U+2069, U+200E, U+200F,
        U+061C), the zero-width characters (U+200B, U+200C, U+200D, U+2060, U+FEFF) and every
        other Unicode format character (category Cf: the soft hyphen, invisible operators, tag
        characters...) but the Arabic and Kaithi number signs, which print a mark. Every
        free-text field is read: the plan's provider, title, service, contract, origin and
        governance forum; indicator titles and data; waiver reasons; each action's title, owner
        and narrative, requirement notes, review forums and narratives. One finding per field,
        at its line (a tracker: its cell), showing the text with each hidden character as its
        code. A zero-width joiner or non-joiner between letters of an Arabic-script or Indic
        word (Persian, Urdu, Bengali, Sinhala...) is spelling and is not flagged, nor is a
        joiner inside an emoji or the tags of a flag; between Latin letters it is flagged.

    Why it matters
        These characters do not show, or they reorder what follows them: a right-to-left override
        makes "evil" show as "live", and a zero-width space splits a word so a search or a
        redaction misses it. The packs print the text as it was typed, so a reader may see
        something other than what the plan holds. Such characters usually arrive pasted from an
        email or a web page; rarely, on purpose.

    Example
        actions:
          - id: RP-01
            narrative: "Weekly \u202eevil\u202c reviews"

        plans/oakview.yaml:23: SG105 warning  RP-01 narrative holds hidden characters (\u202e right-to-left override, \u202c pop directional formatting): "Weekly \u202eevil\u202c reviews"

    Fix
        Delete the hidden characters (each is shown as a \u code), or retype the text. Where a
        character is wanted, waive the rule on the action with the reason:
        `waive: [{rule: SG105, reason: "..."}]`.
    """
    for plan in ctx.plans:
        for field in plan_fields(plan):
            if not field.text:
                continue
            text = " ".join(field.text.split())       # one line: a narrative's line breaks become spaces
            found = hidden_characters(text)
            if not found:
                continue
            who = field.action.id if field.action else plan.id
            yield Hit(plan, field.action, field=field.key,
                      args={"where": f"{who} {field.words}", "which": described(text, found),
                            "text": excerpt(text, found[0])})
