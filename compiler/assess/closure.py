"""The four-part closure test (docs/judgement.md): indicators, audit, staff evidence, governance.

Decisions of sgpack's own (docs/judgement.md states them for users):
- "After the action opened" means on or after its `opened` day (the same as "current" for a
  requirement), and never after as-of; undated and unreadable items never count.
- Audit results are the linked readable audit items: each score row is one result, any other
  item one result. The target is the first audit requirement's `target`, else 90%.
- A review cycle is a window of `review_every_days` days counted from the action's opening
  date; several reviews in one window count once.
"""
from __future__ import annotations

import datetime as dt
import re
from functools import lru_cache

from compiler.assess.matching import linked_items, review_sources
from compiler.model.assessment import Closure, ClosureCheck, IndicatorResult, RequirementResult
from compiler.model.evidence import Catalogue
from compiler.model.plan import Action, Plan
from compiler.vocab import phrase_pattern, vocab

DEFAULT_AUDIT_TARGET = 90.0
MIN_AUDITS = 2
CYCLES_NEEDED = {"low": 1, "medium": 2, "high": 3}


@lru_cache(maxsize=1)
def _challenge_pattern() -> re.Pattern[str]:
    return phrase_pattern(vocab().challenge_words)


def records_challenge(text: str) -> str | None:
    """The first challenge phrase found in `text` (as written, spaces collapsed), else None."""
    m = _challenge_pattern().search(text or "")
    return " ".join(m.group(0).split()) if m else None


def _in_window(date: dt.date | None, action: Action, as_of: dt.date) -> bool:
    return date is not None and action.opened <= date <= as_of


def _pct(x: float) -> str:
    return f"{x:.0f}%" if abs(x - round(x)) < 0.05 else f"{x:.1f}%"


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def check_indicators(action: Action, indicators: list[IndicatorResult]) -> ClosureCheck:
    if not action.indicators:
        if action.risk == "high":
            return ClosureCheck(result="fail", reason="No risk indicator is linked to this high-risk "
                                "action, so improvement over time cannot be shown.")
        return ClosureCheck(result="n/a", reason=f"No risk indicator is linked to this {action.risk}-risk "
                            "action, so criterion 1 does not apply.")
    evidence = sorted({i.evidence for i in indicators if i.evidence})
    failures: list[str] = []
    analysed = {i.id for i in indicators}
    failures += [f"{i}: not analysed" for i in action.indicators if i not in analysed]
    for ind in indicators:
        if ind.problem or ind.spc is None:
            failures.append(f"{ind.id}: {ind.problem or 'no analysis'}")
        elif not ind.spc.passed:
            failures.append(f"{ind.id} has not improved: {ind.spc.explanation}".rstrip())
    if failures:
        return ClosureCheck(result="fail", reason="; ".join(f.rstrip(".") for f in failures) + ".",
                            evidence=evidence)
    names = ", ".join(i.id for i in indicators)
    return ClosureCheck(result="pass", reason=f"Every linked indicator shows sustained improvement ({names}).",
                        evidence=evidence)


def _audit_target(requirements: list[RequirementResult]) -> float:
    return next((r.target for r in requirements if r.type == "audit" and r.target is not None),
                DEFAULT_AUDIT_TARGET)


def check_audit(action: Action, plan: Plan, requirements: list[RequirementResult], catalogue: Catalogue,
                as_of: dt.date) -> ClosureCheck:
    since = action.opened.isoformat()
    results: list[tuple[dt.date, str, float | None]] = []   # (date, evidence id, score %)
    for li in linked_items(action, plan, catalogue):
        item = li.item
        if item.type != "audit" or not item.counts:
            continue
        if item.scores:
            results += [(r.date, item.id, r.percent) for r in item.scores if _in_window(r.date, action, as_of)]
        elif _in_window(item.date, action, as_of):
            results.append((item.date, item.id, None))
    results.sort(key=lambda r: (r[0], r[1]))
    evidence = sorted({r[1] for r in results})
    if len(results) < MIN_AUDITS:
        return ClosureCheck(result="fail", evidence=evidence,
                            reason=f"{_plural(len(results), 'audit result')} dated since {since}; "
                                   f"at least {MIN_AUDITS} are needed.")
    scored = [r for r in results if r[2] is not None]
    if not scored:
        return ClosureCheck(result="pass", evidence=evidence,
                            reason=f"{len(results)} audit results dated since {since} (no readable scores).")
    target = _audit_target(requirements)
    first, latest = scored[0], scored[-1]
    problems = []
    if latest[2] < target - 1e-9:
        problems.append(f"is below the {_pct(target)} target")
    if latest[2] < first[2] - 1e-9:
        problems.append(f"is below the first post-opening score ({_pct(first[2])} on {first[0].isoformat()})")
    head = (f"{len(results)} audit results dated since {since}; the latest score, "
            f"{_pct(latest[2])} on {latest[0].isoformat()},")
    if problems:
        return ClosureCheck(result="fail", evidence=evidence, reason=f"{head} {' and '.join(problems)}.")
    return ClosureCheck(result="pass", evidence=evidence,
                        reason=f"{head} meets the {_pct(target)} target and is not below the first "
                               f"post-opening score ({_pct(first[2])}).")


def check_staff(action: Action, plan: Plan, catalogue: Catalogue, as_of: dt.date) -> ClosureCheck:
    since = action.opened.isoformat()
    found: dict[str, list[str]] = {"supervision": [], "competency": []}
    for li in linked_items(action, plan, catalogue):
        item = li.item
        if item.type in found and item.counts and _in_window(item.date, action, as_of):
            found[item.type].append(item.id)
    evidence = sorted(set(found["supervision"] + found["competency"]))
    counts = (f"{_plural(len(found['supervision']), 'supervision record')} and "
              f"{_plural(len(found['competency']), 'competency record')} dated since {since}")
    if action.risk == "high":
        missing = [t for t in ("supervision", "competency") if not found[t]]
        if missing:
            return ClosureCheck(result="fail", evidence=evidence,
                                reason=f"{counts}; a high-risk action needs at least one of each.")
        return ClosureCheck(result="pass", evidence=evidence, reason=f"{counts}.")
    if not evidence:
        return ClosureCheck(result="fail", evidence=evidence,
                            reason=f"No supervision or competency record dated since {since}.")
    return ClosureCheck(result="pass", evidence=evidence, reason=f"{counts}.")


def review_cycle(date: dt.date, opened: dt.date, every_days: int) -> int:
    """0 for the first `every_days` days from opened, 1 for the next window, and so on."""
    return (date - opened).days // max(every_days, 1)


def check_governance(action: Action, plan: Plan, catalogue: Catalogue, as_of: dt.date) -> ClosureCheck:
    reviews = review_sources(action, plan, catalogue, as_of)
    evidence = sorted({r.evidence for r in reviews if r.evidence})
    cycles = {review_cycle(r.date, action.opened, plan.review_every_days) for r in reviews}
    needed = CYCLES_NEEDED[action.risk]
    challenge = next(((r, w) for r in reviews if (w := records_challenge(r.text))), None)
    seen = (f"reviewed in {_plural(len(cycles), 'review cycle')} of {plan.review_every_days} days "
            f"since {action.opened.isoformat()} ({needed} needed at {action.risk} risk)")
    if challenge:
        r, word = challenge
        said = f"challenge recorded on {r.date.isoformat()} ({word!r} in {r.source})"
    else:
        said = "no review records challenge"
    ok = len(cycles) >= needed and challenge is not None
    return ClosureCheck(result="pass" if ok else "fail", evidence=evidence,
                        reason=f"{seen[0].upper()}{seen[1:]}; {said}.")


def closure_test(action: Action, plan: Plan, requirements: list[RequirementResult],
                 indicators: list[IndicatorResult], catalogue: Catalogue, as_of: dt.date) -> Closure:
    """The four closure checks for any action, whatever its status (`Closure.ready` is derived)."""
    return Closure(
        indicators=check_indicators(action, indicators),
        audit=check_audit(action, plan, requirements, catalogue, as_of),
        staff=check_staff(action, plan, catalogue, as_of),
        governance=check_governance(action, plan, catalogue, as_of),
    )
