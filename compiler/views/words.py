"""The words every view uses: dates, RAG, status and kind words, requirement labels, narrative text.

One vocabulary for every pack, so the same fact reads the same wherever it is shown. Nothing here
touches files or imports a rendering library; every string is plain text made from user data, which
a renderer escapes for its format.
"""
from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass

from compiler.model.assessment import ActionResult, RequirementResult
from compiler.model.plan import Action

RAG_WORDS = {"red": "Red", "amber": "Amber", "green": "Green", "blue": "Blue (closed on evidence)", None: "—"}
RAG_SHORT = {"red": "Red", "amber": "Amber", "green": "Green", "blue": "Blue"}
RAG_NAMES = {"red": "red", "amber": "amber", "green": "green", "blue": "blue", None: "unrated"}
CLOSURE_PARTS = (("indicators", "Risk indicators improved over time"),
                 ("audit", "Audit findings confirm practice change"),
                 ("staff", "Staff evidence shows confidence and consistency"),
                 ("governance", "Governance shows review and challenge"))
# What each part of the closure test shows when it passes, and what is short when it fails: true of
# every way the part can fail (the indicator part says which way: closure_gaps).
CLOSURE_SHORT = {"indicators": "risk indicator improvement", "audit": "audits confirming practice change",
                 "staff": "staff supervision or competency evidence", "governance": "governance review and challenge"}
CLOSURE_GAPS = {"audit": "audits do not yet confirm practice change",
                "staff": "not enough staff supervision or competency evidence yet",
                "governance": "governance review and challenge not yet shown in full"}
RESULT_WORDS = {"pass": "PASS", "fail": "FAIL", "n/a": "n/a"}
KIND_WORDS = {"risk_control": "Risk control", "practice_change": "Practice change",
              "oversight": "Oversight", "evidence_measure": "Evidence measure"}
STATUS_WORDS = {"planned": "Planned", "in_progress": "In progress", "completed": "Completed", "closed": "Closed"}
REQ_STATUS_WORDS = {"met": "Met", "missing": "Missing", "insufficient": "Insufficient", "stale": "Out of date"}
SEVERITY_WORDS = {"error": "Error", "warning": "Warning", "info": "Info"}
NO_OWNER = "(no owner)"


# ------------------------------------------------------------------------------------------ dates

def long_date(d: dt.date | None) -> str:
    return f"{d.day} {d:%B %Y}" if d else "undated"


def short_date(d: dt.date | None) -> str:
    return d.isoformat() if d else "undated"


def day(d: dt.date | None, as_of: dt.date) -> str:
    """'31 October' in the as-of year, else '31 October 2025'."""
    if d is None:
        return "no date"
    return f"{d.day} {d:%B}" if d.year == as_of.year else long_date(d)


# ------------------------------------------------------------------------------------------ names

def anchor_for(kind: str, ident: str) -> str:
    """A bookmark name Word accepts: [A-Za-z][A-Za-z0-9_]{0,39}."""
    return (kind + "_" + re.sub(r"[^A-Za-z0-9]", "", ident))[:40]


def slug(text: str) -> str:
    """'Marcus Bell (Registered Manager)' -> 'marcus-bell'; never empty, ASCII only."""
    base = re.sub(r"\(.*?\)", " ", text)
    base = unicodedata.normalize("NFKD", base).encode("ascii", "ignore").decode()
    base = re.sub(r"[^a-z0-9]+", "-", base.lower()).strip("-")[:60].strip("-")
    return base or "owner"


def owner_shown(action: Action) -> str:
    """The owner as the packs show it: 'Priya Shah (Registered Manager)', or '(no owner)'."""
    return action.owner.display if action.owner else NO_OWNER


def number(value: float | None) -> str:
    """A value as published: whole numbers without a decimal point."""
    if value is None:
        return ""
    return str(int(value)) if float(value).is_integer() else f"{value:g}"


# ------------------------------------------------------------------------------------------ evidence

# Evidence type -> (one, many, the question that tests whether it shows practice changed)
TYPE_WORDS: dict[str, tuple[str, str, str]] = {
    "supervision": ("supervision record", "supervision records", "what shows coaching changed practice?"),
    "audit": ("audit", "audits", "what shows practice has changed day to day?"),
    "competency": ("competency observation", "competency observations", "what shows staff are competent in practice?"),
    "training": ("training record", "training records", "what shows the training reached every member of staff?"),
    "governance_minutes": ("set of governance minutes", "sets of governance minutes",
                           "where is the Committee's oversight of it recorded?"),
    "board_report": ("board report", "board reports", "how has the Board been kept sighted?"),
    "indicator": ("indicator data point", "indicator data points", "what shows the risk is reducing?"),
    "debrief": ("debrief", "debriefs", "what shows learning from incidents is captured?"),
    "support_plan": ("support plan", "support plans", "what shows people's plans reflect the change?"),
    "incident_log": ("incident log", "incident logs", "what shows incidents are recorded and acted on?"),
    "policy": ("policy", "policies", "which policy sets out the change?"),
    "team_meeting": ("team meeting record", "team meeting records", "what shows staff understood the change?"),
    "feedback": ("feedback record", "feedback records", "what do people who use the service say has changed?"),
    "partner_feedback": ("partner feedback record", "partner feedback records", "what do partners say has changed?"),
    "spot_check": ("spot check", "spot checks", "what shows practice is checked unannounced?"),
}


def type_words(kind: str) -> tuple[str, str, str]:
    return TYPE_WORDS.get(kind, (f"{kind.replace('_', ' ')} item", f"{kind.replace('_', ' ')} items",
                                 "what shows the action worked?"))


def records(n: int, kind: str, more: bool = False) -> str:
    """'1 supervision record', '3 audits'; with more=True '1 more supervision record'."""
    one, many, _ = type_words(kind)
    return f"{n}{' more' if more else ''} {one if n == 1 else many}"


def requirement_label(req) -> str:  # noqa: ANN001 - a Requirement or a RequirementResult: both carry these
    """'audit ×8 within 90 days, target 90%'."""
    label = f"{req.type.replace('_', ' ')} ×{req.count}"
    if req.within_days:
        label += f" within {req.within_days} days"
    if req.target is not None:
        label += f", target {req.target:g}%"
    return label


def unmet(result: ActionResult) -> list[RequirementResult]:
    return [r for r in result.requirements if r.status != "met"]


def more_needed(req: RequirementResult) -> int:
    return max(1, req.count - req.current)


def missing_text(req: RequirementResult, action: Action) -> str:
    """What is missing, in words an owner can act on."""
    need = records(more_needed(req), req.type, more=req.status != "missing")
    since = f"dated on or after {action.opened.isoformat()}"
    if req.within_days:
        since += f" and within the last {req.within_days} days"
    if req.status == "stale":
        return f"{need} {since} ({req.found} found, but {req.current} current)"
    if req.status == "insufficient":
        return f"{need} {since} ({req.current} of {req.count} so far)"
    return f"{need} {since} (none found)"


def indicator_gaps(result: ActionResult) -> list[str]:
    """Why the indicator part of the closure test fails, in a few words per indicator, each saying
    what held before what did not ("indicator improved, not yet to its target")."""
    if not result.indicators:
        return ["no indicator linked"]
    out = []
    for ind in result.indicators:
        name = "indicator" if len(result.indicators) == 1 else f"indicator {ind.id}"
        spc = ind.spc
        if spc is None:
            out.append(f"no usable data for the {name}")
        elif spc.passed:
            continue
        elif spc.after_n == 0:
            out.append(f"no {name} data since the action opened")
        elif spc.improvement and not spc.fallback:
            why = "not yet to its target" if spc.last3_better and spc.meets_target is False else "not yet sustained"
            out.append(f"{name} improved, {why}")
        elif spc.fallback:
            out.append(f"{name} not yet better than before" if not spc.last3_better
                       else f"{name} better than before, not yet to its target")
        else:
            out.append(f"no special-cause improvement in the {name} yet")
    return out or ["risk indicators not yet showing sustained improvement"]


def closure_gaps(result: ActionResult) -> list[str]:
    """What each failing part of the closure test lacks, in the order of the test."""
    out: list[str] = []
    for key, _ in CLOSURE_PARTS:
        if getattr(result.closure, key).result == "fail":
            out += indicator_gaps(result) if key == "indicators" else [CLOSURE_GAPS[key]]
    return out


def last_review(result: ActionResult) -> dt.date | None:
    return dt.date.fromisoformat(result.governance_reviews[-1]) if result.governance_reviews else None


# ------------------------------------------------------------------------------------------ narrative

@dataclass(frozen=True)
class Block:
    """A piece of narrative text: a paragraph ("p"), list item ("li") or heading ("h")."""
    kind: str
    text: str


_MD = None


def narrative_blocks(text: str | None) -> list[Block]:
    """Markdown narrative -> plain text blocks. Raw HTML is off and is kept as typed text."""
    global _MD
    if not text or not text.strip():
        return []
    if _MD is None:
        from markdown_it import MarkdownIt

        _MD = MarkdownIt("js-default")
    blocks: list[Block] = []
    kind = "p"
    for token in _MD.parse(text):
        if token.type == "list_item_open":
            kind = "li"
        elif token.type == "list_item_close":
            kind = "p"
        elif token.type == "heading_open":
            kind = "h"
        elif token.type == "heading_close":
            kind = "p"
        elif token.type in ("inline", "html_block", "code_block", "fence"):
            content = token.content if token.type != "inline" else _inline_text(token)
            if content.strip():
                blocks.append(Block(kind, content.strip()))
    return blocks


def narrative_text(text: str | None) -> str:
    """A narrative as one line of plain text."""
    return " ".join(b.text for b in narrative_blocks(text))


def _inline_text(token) -> str:  # noqa: ANN001 - a markdown-it inline token
    parts = []
    for child in token.children or []:
        if child.type in ("text", "code_inline", "html_inline"):
            parts.append(child.content)
        elif child.type in ("softbreak", "hardbreak"):
            parts.append(" ")
        elif child.type == "image":
            parts.append(f"[image: {child.content}]")
    return "".join(parts)
