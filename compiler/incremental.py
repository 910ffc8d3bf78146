"""A check that judges again only the plans whose evidence changed.

What a check says of one plan (its actions' results and the findings on it) is a function of the plan, the as-of
date, sgpack's code and what judging the plan read of the evidence catalogue. Judging a plan here reads the
catalogue only through a ReadLog, which notes each question asked of it (the items linking to an id, the item with
an id or at a path, the folder's ids) with a digest of the answer: the keys of the items that answered
(Catalogue.keys: what each item is made of, so two items with one key are equal field for field). The plan's part
is kept in the cache with its questions. The next check of the folder asks them again of its own catalogue: when
every answer is the same, nothing the plan's judgement read has changed and its part is used as kept; otherwise
the plan is judged again, and kept again. A question the log cannot answer by keys (every item walked, say) means
the part is not kept. Findings on evidence that belongs to no plan (RuleContext.scope "folder": SG304's file linked
to nothing, SG306) are found afresh over the whole folder every time, as SG305's suggestions are looked up (they
are kept in the cache of their own).

Only what `check` prints without --verbose is kept of a result: requirements without the results behind them
(`matches`) and indicators without their analysis. `summary()` makes every result so, judged now or kept, so
what is printed never depends on which plans were judged again.
"""
from __future__ import annotations

import datetime as dt
import functools
import hashlib
import json
from collections.abc import Callable, Hashable, Sequence
from typing import TYPE_CHECKING, Any

from compiler.model.assessment import ActionResult, Assessment
from compiler.model.evidence import Catalogue, EvidenceItem
from compiler.model.finding import Finding
from compiler.model.plan import Plan
from evidence_store.scancache import id_set_digest

if TYPE_CHECKING:
    from evidence_store.cache import EvidenceCache

KIND = "check-plan"
FORMAT = "1"                      # bump when what is kept changes shape
QUESTIONS = ("get", "by_path", "find", "links_to", "ids")


class Answers:
    """What a catalogue answers to each question ReadLog notes, as a digest of the answering items' keys; each worked
    out once a check, whichever plan asks."""

    def __init__(self, catalogue: Catalogue, key: Callable[[EvidenceItem], str]):
        self._catalogue, self._key = catalogue, key
        self._known: dict[tuple[str, str], str] = {}

    def __call__(self, question: str, arg: str) -> str:
        found = self._known.get((question, arg))
        if found is None:
            found = self._known[(question, arg)] = _digest(self._text(question, arg))
        return found

    def _text(self, question: str, arg: str) -> str:
        catalogue, key = self._catalogue, self._key
        if question == "links_to":       # the catalogue's own index: a plan judged again reads it too
            return "\n".join(key(item) for item, _ in catalogue.links_to(arg).values())
        if question == "get":
            found = catalogue.get(arg)
            return key(found) if found is not None else "-"
        if question == "by_path":
            found = catalogue.by_path(arg)
            return key(found) if found is not None else "-"
        if question == "find":
            found, problem = catalogue.find(arg)
            return key(found) if found is not None else f"-{problem}"
        if question == "ids":
            return id_set_digest(catalogue.ids())
        raise ValueError(f"unknown question {question!r}")      # _read refuses a part that asks one


class ReadLog:
    """The catalogue as judging one plan sees it: every question asked is noted with its answer's digest (`reads`);
    `whole` is set when something was read that no answer's digest covers."""

    def __init__(self, catalogue: Catalogue, answers: Answers):
        self._catalogue, self._answers = catalogue, answers
        self.reads: list[list] = []
        self.whole = False
        self._derived: dict[Hashable, Any] = {}
        self._asked: set[tuple[str, str]] = set()

    def _note(self, question: str, arg: str) -> None:
        if (question, arg) not in self._asked:         # each question once: an action's plan is asked of again
            self._asked.add((question, arg))
            self.reads.append([question, arg, self._answers(question, arg)])

    # the questions, each noted
    def get(self, item_id: str) -> EvidenceItem | None:
        self._note("get", item_id)
        return self._catalogue.get(item_id)

    def by_path(self, path: str) -> EvidenceItem | None:
        self._note("by_path", path)
        return self._catalogue.by_path(path)

    def find(self, path: str) -> tuple[EvidenceItem | None, str | None]:
        self._note("find", path)
        return self._catalogue.find(path)

    def links_to(self, target: str) -> dict:
        self._note("links_to", target)
        return self._catalogue.links_to(target)

    def linking_to(self, target: str) -> list[EvidenceItem]:
        return [item for item, _ in self.links_to(target).values()]

    def ids(self) -> frozenset[str]:
        self._note("ids", "")
        return self._catalogue.ids()

    def derived(self, key: Hashable, compute: Callable[[], Any]) -> Any:
        """As Catalogue.derived, but its own: a value the catalogue holds already was computed without this log."""
        if key not in self._derived:
            self._derived[key] = compute()
        return self._derived[key]

    @property
    def root(self) -> str:
        return self._catalogue.root              # the folder as given: part of every plan's key

    # what no answer covers
    @property
    def items(self) -> list[EvidenceItem]:
        self.whole = True
        return self._catalogue.items

    def by_id(self) -> dict[str, EvidenceItem]:
        self.whole = True
        return self._catalogue.by_id()

    def __getattr__(self, name: str) -> Any:
        self.whole = True
        return getattr(self._catalogue, name)


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:32]


def summary(result: ActionResult) -> ActionResult:
    """What `check` prints of a result (without --verbose): no results behind a requirement, no indicator analysis."""
    return result.model_copy(update={
        "requirements": [r.model_copy(update={"matches": []}) for r in result.requirements],
        "indicators": [i.model_copy(update={"spc": None}) for i in result.indicators],
    })


def assess(plans: Sequence[Plan], catalogue: Catalogue, as_of: dt.date, cache: EvidenceCache | None,
           tool_version: str) -> Assessment:
    """pipeline.assess, with each plan's part taken from the cache when nothing it read changed, and every result
    a summary()."""
    from compiler.assess.action import assess_action
    from compiler.rules.registry import RuleContext, run_rules
    from compiler.rules.tested import suggestions
    from evidence_store.shelf import Shelf

    keys = catalogue.keys()
    answers = Answers(catalogue, keys[1]) if keys is not None else None
    shared: dict = {}
    whole = RuleContext(plans=list(plans), catalogue=catalogue, results={}, as_of=as_of, cache=cache,
                        _shared=shared)
    suggestions(whole, catalogue.ids())        # SG305's, for every plan at once: each plan's run takes its own from it
    results: list[ActionResult] = []
    findings: list[Finding] = []
    places = [(_head(plan, as_of, catalogue.root, keys[0]), _slot(catalogue.root, plan)) if keys is not None
              else ("", "") for plan in plans]
    if keys is not None and cache is not None and cache.usable:
        cache.prefetch_each(KIND, places)      # every plan's part in a few queries
    for plan, (head, slot) in zip(plans, places):
        shelf = Shelf(cache, KIND, slot) if keys is not None else None
        kept = shelf.find(head, _read) if shelf is not None else None
        if kept is not None and all(answers(q, a) == d for q, a, d in kept[0]):
            results.extend(kept[1])
            findings.extend(kept[2])
            continue
        log = ReadLog(catalogue, answers) if answers is not None else catalogue
        judged = [assess_action(action, plan, log, as_of) for action in plan.actions]
        context = RuleContext(plans=[plan], catalogue=log, results={r.id: r for r in judged}, as_of=as_of,
                              cache=cache, scope="plans", _shared=shared)
        found = run_rules(context)
        judged = [summary(r) for r in judged]
        results.extend(judged)
        findings.extend(found)
        if shelf is not None and isinstance(log, ReadLog) and not log.whole:
            shelf.keep(head, {"format": FORMAT, "reads": log.reads,
                              "results": [r.model_dump(mode="json") for r in judged],
                              "findings": [f.model_dump(mode="json") for f in found]}, replace=True)
    folder = RuleContext(plans=list(plans), catalogue=catalogue, results={}, as_of=as_of, cache=cache,
                         scope="folder", _shared=shared)
    findings.extend(run_rules(folder))
    findings.sort(key=Finding.sort_key)
    return Assessment(as_of=as_of, tool_version=tool_version, plans=list(plans), catalogue=catalogue,
                      actions=results, findings=findings)


def _slot(root: str, plan: Plan) -> str:
    """Which plan of which folder: a newer part replaces it."""
    text = json.dumps([FORMAT, root, plan.file, plan.id], ensure_ascii=False)
    return f"{FORMAT}:" + hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:32]


def _head(plan: Plan, as_of: dt.date, root: str, context: str) -> str:
    """What a plan's part depends on beside what it read: the plan, the as-of date, the code, the folder as given
    and what every item of its catalogue shares."""
    from compiler.results import code_digest

    text = json.dumps([FORMAT, code_digest(), as_of.isoformat(), root, context, plan.model_dump_json()],
                      ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


@functools.lru_cache(maxsize=1)
def _adapters() -> tuple[Any, Any]:
    from pydantic import TypeAdapter

    return TypeAdapter(list[ActionResult]), TypeAdapter(list[Finding])


def _read(value: Any, data: bytes | None) -> tuple[list[tuple[str, str, str]], list[ActionResult], list[Finding]]:
    if not (isinstance(value, dict) and value.get("format") == FORMAT and isinstance(value.get("reads"), list)):
        raise ValueError("not a plan's part of a check")
    reads = [tuple(r) for r in value["reads"]]
    if not all(len(r) == 3 and all(type(x) is str for x in r) and r[0] in QUESTIONS for r in reads):
        raise ValueError("a question")
    results, findings = _adapters()
    return reads, results.validate_python(value["results"]), findings.validate_python(value["findings"])
