"""The four-part closure test (docs/judgement.md): indicators, audit, staff evidence, governance.

Decisions of sgpack's own (docs/judgement.md states them for users):
- "After the action opened" means on or after its `opened` day (the same as "current" for a
  requirement), and never after as-of; undated and unreadable items never count.
- Audit results are the linked readable audit items: each score row is one result, any other
  item one result. The target is the first audit requirement's `target`, else 90%.
- A review cycle is a window of `review_every_days` days counted from the action's opening
  date; several reviews in one window count once.
- Each reason says what held, then what failed ("..., but ..."), so its words never contradict
  its result; an indicator's reason is composed from the reading's flags, with the reading's own
  explanation after it as the detail.
"""
from __future__ import annotations

import datetime as dt
import re
from functools import lru_cache

from compiler.assess.matching import ReviewSource, linked_items, review_sources
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


@lru_cache(maxsize=8192)
def records_challenge(text: str) -> str | None:
    """The first challenge phrase found in `text` (as written, spaces collapsed), else None. Kept for the texts
    last asked about: one set of minutes is asked about once for each action it is linked to."""
    m = _challenge_pattern().search(text or "")
    return " ".join(m.group(0).split()) if m else None


def _in_window(date: dt.date | None, action: Action, as_of: dt.date) -> bool:
    return date is not None and action.opened <= date <= as_of


def _pct(x: float) -> str:
    return f"{x:.0f}%" if abs(x - round(x)) < 0.05 else f"{x:.1f}%"


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def _and(parts: list[str]) -> str:
    """'a', 'a and b', 'a, b and c'."""
    if len(parts) < 2:
        return "".join(parts)
    return f"{', '.join(parts[:-1])} and {parts[-1]}"


def _num(x: float) -> str:
    """A value as a person writes it: whole numbers plain, others to about 3 significant figures."""
    if float(x).is_integer():
        return str(int(x))
    text = f"{x:.{0 if abs(x) >= 1000 else 1 if abs(x) >= 10 else 2}f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def indicator_sentence(ind: IndicatorResult, name: str | None = None) -> str:
    """What one indicator's reading shows, what held then what failed, composed from the reading's
    flags alone: the reading's own explanation (its signals and values) is the detail that follows.
    `name` is how the indicator is called (default: its id; a pack for the Board gives its title)."""
    spc = ind.spc
    ident = name or ind.id
    if spc is None:
        return f"{ident}: {ind.problem or 'no analysis'}."
    if spc.passed:
        return f"{ident} shows sustained improvement."
    if spc.after_n == 0:
        return f"{ident} has no months after the action opened yet, so improvement cannot be shown."
    side = "below" if spc.better == "lower" else "above"
    ref = "the first month" if spc.fallback and spc.baseline_n == 0 else "the baseline mean"
    last = [p for p in spc.points[-3:] if not p.baseline]
    held: list[tuple[str, str]] = []     # (kind, clause); {last3} is filled by where the clause falls
    failed: list[tuple[str, str]] = []
    if not spc.fallback:   # the before/after comparison does not ask for a special-cause signal
        if spc.improvement:
            held.append(("signal", f"{ident} improved after the action opened"))
        else:
            failed.append(("signal", f"{ident} shows no special-cause improvement after the action opened"))
    if not spc.last3_better:
        failed.append(("last3", f"{{last3}} are not all {side} {ref}"))
    elif not held:   # after "improved" it goes without saying; the detail gives the values
        held.append(("last3", f"{{last3}} are all {side} {ref}"))
    worry = [p.label for p in last if p.point_type == "special_cause_concern"]
    if worry and not spc.fallback:
        what = "is a special-cause concern" if len(worry) == 1 else "are special-cause concerns"
        failed.append(("concern", f"{_and(worry)} among them {what}"))
    if spc.meets_target is not None and spc.target is not None:
        met = spc.meets_target
        (held if met else failed).append(
            ("target", f"{{last3}} {'all meet' if met else 'do not all meet'} the target of {_num(spc.target)}"))
    clauses: list[str] = []
    before = None
    for kind, text in held + failed:
        months = ("they" if before == "last3" else "the last 3 months" if clauses or spc.fallback
                  else f"the last 3 months of {ident}")
        clauses.append(text.format(last3=months))
        before = kind
    said, gaps = clauses[:len(held)], clauses[len(held):]
    text = _and(said) + (", but " if said and gaps else "") + _and(gaps)
    if spc.fallback:
        return f"{ident}, compared before and after (too few months for a control chart): {text}."
    return f"{text[0].upper()}{text[1:]}." if text.startswith("the ") else f"{text}."


def check_indicators(action: Action, indicators: list[IndicatorResult]) -> ClosureCheck:
    if not action.indicators:
        if action.risk == "high":
            return ClosureCheck(result="fail", reason="No risk indicator is linked to this high-risk "
                                "action, so improvement over time cannot be shown.")
        return ClosureCheck(result="n/a", reason=f"No risk indicator is linked to this {action.risk}-risk "
                            "action, so criterion 1 does not apply.")
    evidence = sorted({i.evidence for i in indicators if i.evidence})
    analysed = {i.id for i in indicators}
    missing = [f"{i}: not analysed." for i in action.indicators if i not in analysed]
    passing = [i for i in indicators if i.spc is not None and i.spc.passed]
    failing = [i for i in indicators if i.spc is None or not i.spc.passed]
    if not failing and not missing:
        names = ", ".join(i.id for i in indicators)
        return ClosureCheck(result="pass", evidence=evidence,
                            reason=f"Every linked indicator shows sustained improvement ({names}).")
    # what held first, then what failed; a reading's own explanation already says what held then what
    # failed, with its signals and values, so it is the whole account of that indicator
    parts = [indicator_sentence(i) for i in passing] + missing
    for ind in failing:
        detail = ind.spc.explanation.strip() if ind.spc is not None else ""
        parts.append(f"{ind.id}: {detail[0].lower()}{detail[1:]}" if detail else indicator_sentence(ind))
    return ClosureCheck(result="fail", reason=" ".join(parts), evidence=evidence)


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
        few = "No audit results" if not results else f"Only {_plural(len(results), 'audit result')}"
        return ClosureCheck(result="fail", evidence=evidence,
                            reason=f"{few} dated since {since}; at least {MIN_AUDITS} are needed.")
    scored = [r for r in results if r[2] is not None]
    if not scored:
        return ClosureCheck(result="pass", evidence=evidence,
                            reason=f"{len(results)} audit results dated since {since} (no readable scores).")
    target = _audit_target(requirements)
    first, latest = scored[0], scored[-1]
    # each test of the latest score, as (holds, what it says when it holds, when it does not)
    tests = [(latest[2] >= target - 1e-9, f"meets the {_pct(target)} target", f"is below the {_pct(target)} target"),
             (latest[2] >= first[2] - 1e-9, f"is at or above the first post-opening score ({_pct(first[2])})",
              f"is below the first post-opening score ({_pct(first[2])} on {first[0].isoformat()})")]
    held = [yes for ok, yes, _ in tests if ok]
    failed = [no for ok, _, no in tests if not ok]
    head = (f"{len(results)} audit results dated since {since}; the latest score, "
            f"{_pct(latest[2])} on {latest[0].isoformat()},")
    said = " and ".join(held) + (" but " if held and failed else "") + " and ".join(failed)
    return ClosureCheck(result="fail" if failed else "pass", evidence=evidence, reason=f"{head} {said}.")


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
    if not evidence:
        need = "; a high-risk action needs at least one of each" if action.risk == "high" else ""
        return ClosureCheck(result="fail", evidence=evidence,
                            reason=f"No supervision or competency record dated since {since}{need}.")
    if action.risk == "high":
        missing = [t for t in ("supervision", "competency") if not found[t]]
        if missing:
            have = next(t for t in ("supervision", "competency") if found[t])
            return ClosureCheck(result="fail", evidence=evidence,
                                reason=f"{_plural(len(found[have]), f'{have} record')} dated since {since}, but "
                                       f"no {missing[0]} record; a high-risk action needs at least one of each.")
    return ClosureCheck(result="pass", evidence=evidence, reason=f"{counts}.")


def review_cycle(date: dt.date, opened: dt.date, every_days: int) -> int:
    """0 for the first `every_days` days from opened, 1 for the next window, and so on."""
    return (date - opened).days // max(every_days, 1)


def check_governance(action: Action, plan: Plan, catalogue: Catalogue, as_of: dt.date,
                     reviews: list[ReviewSource] | None = None) -> ClosureCheck:
    """`reviews`: review_sources(action, plan, catalogue, as_of), when the caller has them."""
    if reviews is None:
        reviews = review_sources(action, plan, catalogue, as_of)
    evidence = sorted({r.evidence for r in reviews if r.evidence})
    cycles = {review_cycle(r.date, action.opened, plan.review_every_days) for r in reviews}
    needed = CYCLES_NEEDED[action.risk]
    challenge = next(((r, w) for r in reviews if (w := records_challenge(r.text))), None)
    every = f"{plan.review_every_days} days"
    need = f"{needed} needed at {action.risk} risk"
    since = action.opened.isoformat()
    enough = len(cycles) >= needed
    said = ""
    if challenge:
        r, word = challenge
        said = f"challenge recorded on {r.date.isoformat()} ({word!r} in {r.source})"
    if not cycles:
        reason = (f"No governance review dated since {since}; reviews in {_plural(needed, 'review cycle')} of "
                  f"{every} are needed at {action.risk} risk.")
    elif enough and challenge:
        reason = f"Reviewed in {_plural(len(cycles), 'review cycle')} of {every} since {since} ({need}); {said}."
    elif enough:
        reason = (f"Reviewed in {_plural(len(cycles), 'review cycle')} of {every} since {since} ({need}), "
                  "but no review records challenge.")
    elif challenge:
        reason = (f"{said[0].upper()}{said[1:]}, but reviewed in only {_plural(len(cycles), 'review cycle')} of "
                  f"{every} since {since} ({need}).")
    else:
        reason = (f"Reviewed in only {_plural(len(cycles), 'review cycle')} of {every} since {since} ({need}), "
                  "and no review records challenge.")
    return ClosureCheck(result="pass" if enough and challenge else "fail", evidence=evidence, reason=reason)


def closure_test(action: Action, plan: Plan, requirements: list[RequirementResult],
                 indicators: list[IndicatorResult], catalogue: Catalogue, as_of: dt.date,
                 reviews: list[ReviewSource] | None = None) -> Closure:
    """The four closure checks for any action, whatever its status (`Closure.ready` is derived). `reviews`:
    review_sources(action, plan, catalogue, as_of), when the caller has them."""
    return Closure(
        indicators=check_indicators(action, indicators),
        audit=check_audit(action, plan, requirements, catalogue, as_of),
        staff=check_staff(action, plan, catalogue, as_of),
        governance=check_governance(action, plan, catalogue, as_of, reviews),
    )
