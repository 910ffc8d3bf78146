"""The rule registry: the @rule decorator, running every rule, waivers, and rule pages for `explain`."""
from __future__ import annotations

import datetime as dt
import inspect
import os
import posixpath
import re
from dataclasses import dataclass
from dataclasses import field as dc_field
from typing import Any, Callable, Iterable, Iterator

from compiler.model.assessment import ActionResult
from compiler.model.evidence import Catalogue, EvidenceItem
from compiler.model.finding import Finding
from compiler.model.plan import Action, Plan

SEVERITIES = ("error", "warning", "info")
# The four headings every rule docstring carries, in this order: `sgpack explain` prints them, and
# docs/rules.md is generated from them.
DOC_HEADINGS = ("What it checks", "Why it matters", "Example", "Fix")


@dataclass(frozen=True)
class RuleContext:
    """Everything a rule may look at. Rules are pure functions of this."""
    plans: list[Plan]
    catalogue: Catalogue
    results: dict[str, ActionResult]          # by action id
    as_of: dt.date
    # the evidence cache (evidence_store.open_cache) or None: where a rule may keep what it worked out for the next
    # check with the same inputs (SG305's nearest ids); what a rule finds is the same with it or without
    cache: Any = dc_field(default=None, compare=False, repr=False)
    # which findings are wanted: "all"; "plans", those on the plans given (which may be some of the plans checked:
    # each rule's findings on a plan depend on that plan, its results and the evidence it reads, not on the others);
    # "folder", those on evidence that belongs to no plan (rules registered with folder=True), over every plan
    scope: str = "all"
    # memo for linked_items, shared by the rules of one run (not part of the context's identity)
    _linked: dict = dc_field(default_factory=dict, compare=False, repr=False)
    _shared: dict = dc_field(default_factory=dict, compare=False, repr=False)

    def actions(self) -> Iterator[tuple[Plan, Action]]:
        for plan in self.plans:
            for action in plan.actions:
                yield plan, action

    def linked(self, plan: Plan, action: Action) -> list:
        """linked_items(action, plan, catalogue), computed once per action per run."""
        key = (plan.id, action.id)
        if key not in self._linked:
            from compiler.assess.matching import linked_items
            self._linked[key] = linked_items(action, plan, self.catalogue)
        return self._linked[key]

    def shared(self, key: str, compute: Callable[[RuleContext], Any]) -> Any:
        """compute(self), once per run: for what several rules work out from the whole context alike."""
        if key not in self._shared:
            self._shared[key] = compute(self)
        return self._shared[key]

    def evidence_file(self, item: EvidenceItem) -> str:
        """Where an evidence item lives, for findings that belong to no plan."""
        return os.path.join(self.catalogue.root, item.path) if self.catalogue.root else item.path


@dataclass
class Hit:
    """One place where a rule fires. `field` picks the line: action.line_of(field) / plan.line_of(field)."""
    plan: Plan | None
    action: Action | None = None
    evidence: str | None = None
    field: str | None = None
    severity: str | None = None              # overrides the rule's default (SG103, SG405)
    args: dict = dc_field(default_factory=dict) # formats the message, hint, resolve and advice
    file: str | None = None                  # overrides plan.file (findings on evidence with no plan)


RuleFunc = Callable[[RuleContext], Iterable[Hit]]


@dataclass(frozen=True)
class Rule:
    code: str
    name: str
    severity: str
    message: str
    hint: str                # what to do, for whoever edits the plans and the evidence folder (the console)
    doc: str
    func: RuleFunc
    resolve: str = ""        # what would resolve it, for a reader outside the provider: "Resolved when: ..."
    advice: str = ""         # the hint in words, for the packs read inside the provider ("": the hint says it so)
    folder: bool = False     # it finds what belongs to no plan (evidence linked to nothing): see RuleContext.scope

    @property
    def title(self) -> str:
        return f"{self.code} {self.name} ({self.severity})"


RULES: dict[str, Rule] = {}


def _check_doc(code: str, doc: str) -> None:
    """A rule page must carry exactly the four headings, in order, each on its own line."""
    headings = [line.strip() for line in doc.splitlines() if line.strip() and not line[:1].isspace()]
    if tuple(headings) != DOC_HEADINGS:
        raise ValueError(f"rule {code}: docstring headings must be exactly {list(DOC_HEADINGS)}, "
                         f"found {headings}")


def rule(code: str, name: str, *, severity: str, message: str, hint: str, resolve: str = "",
         advice: str = "", folder: bool = False) -> Callable[[RuleFunc], RuleFunc]:
    """Register `func(ctx) -> Iterable[Hit]` as rule `code`. `hint` tells whoever edits the plans what to change
    (it may name plan keys and files); `advice` says the same in words for the packs read inside the provider
    (needed when the hint names plan keys or files); `resolve` says, for a reader outside the provider, what
    would resolve the finding ("Resolved when: " + resolve). Every rule has one. `folder`: the rule also finds what
    belongs to no plan, and says which by RuleContext.scope ("plans": only hits on a plan; "folder": only the
    others); a rule without it finds only what is on a plan, and is not run for the folder scope."""
    if severity not in SEVERITIES:
        raise ValueError(f"rule {code}: unknown severity {severity!r}")

    def register(func: RuleFunc) -> RuleFunc:
        if code in RULES:
            raise ValueError(f"rule {code} registered twice")
        doc = inspect.cleandoc(func.__doc__ or "")
        _check_doc(code, doc)
        if not resolve.strip():
            raise ValueError(f"rule {code}: no resolve text (what would resolve it, for a reader of the pack)")
        RULES[code] = Rule(code, name, severity, message, hint, doc, func, resolve, advice, folder)
        return func

    return register


# Arguments that hold a path in the evidence folder: a reader outside the provider is shown the file's name
_PATH_ARGS = ("path", "data")
# Arguments that hold words of a vocabulary as the plan files spell them ("governance_minutes", "in_progress")
_WORDED_ARGS = ("type", "types", "need", "status", "missing")
# A path left inside other text: the folders before a file name that has an extension
_FOLDERS = re.compile(r"(?:[^\s()\[\]/\\:;,\"']+[/\\])+(?=[^\s()/\\]*\.[A-Za-z0-9]{1,5}\b)")


def _file_name(path: str) -> str:
    return posixpath.basename(path.replace("\\", "/")) or path


def _worded(args: dict) -> dict:
    """The arguments with vocabulary words as people write them: "governance minutes", "in progress"."""
    return {k: v.replace("_", " ") if k in _WORDED_ARGS and isinstance(v, str) else v for k, v in args.items()}


def _outside(args: dict) -> dict:
    """The arguments for a reader of a pack: vocabulary in words, every path in the evidence folder as its file's
    name (no folders: they are the provider's filing, and a reader outside the provider is shown none)."""
    paths = {v: _file_name(v) for k, v in args.items() if k in _PATH_ARGS and isinstance(v, str) and v}
    out = {}
    for key, value in _worded(args).items():
        if isinstance(value, str):
            for path, name in paths.items():
                value = value.replace(path, name)
            if "/" in value or "\\" in value:      # a folder needs a separator: most arguments have none
                value = _FOLDERS.sub("", value)
        out[key] = value
    return out


def _finding(r: Rule, hit: Hit) -> Finding:
    # a missing argument is a bug in the rule: the KeyError is reported as "rule X failed"
    args = {"plan": hit.plan.id if hit.plan else None,
            "action": hit.action.id if hit.action else None,
            "evidence": hit.evidence, **hit.args}
    outside = _outside(args)
    if hit.action is not None:
        line = hit.action.line_of(hit.field)
    elif hit.plan is not None:
        line = hit.plan.line_of(hit.field)
    else:
        line = None
    cell = None
    if hit.plan is not None:
        line, cell = hit.plan.place(line)
    return Finding(
        rule=r.code, name=r.name, severity=hit.severity or r.severity,
        plan=hit.plan.id if hit.plan else None,
        action=hit.action.id if hit.action else None,
        evidence=hit.evidence,
        message=r.message.format_map(args), hint=r.hint.format_map(args),
        statement=r.message.format_map(outside), resolve=r.resolve.format_map(outside),
        advice=(r.advice or r.hint).format_map(_worded(args)),
        file=hit.file or (hit.plan.file if hit.plan else None) or None,
        line=line,
        cell=cell,
    )


def _apply_waivers(finding: Finding, plans: dict[str, Plan]) -> Finding:
    """An action's waiver covers findings on that action; a plan's covers the plan and its actions."""
    plan = plans.get(finding.plan) if finding.plan else None
    if plan is None:
        return finding
    waivers = []
    if finding.action:
        action = next((a for a in plan.actions if a.id == finding.action), None)
        if action is not None:
            waivers.extend(action.waive)
    waivers.extend(plan.waive)
    for waiver in waivers:
        if waiver.rule.strip().upper() == finding.rule:
            return finding.model_copy(update={"waived": True, "waiver_reason": waiver.reason})
    return finding


def run_rules(ctx: RuleContext) -> list[Finding]:
    """Every rule over the context: findings with waivers applied, sorted by file, line, code."""
    plans = {p.id: p for p in ctx.plans}
    findings: list[Finding] = []
    for code in sorted(RULES):
        r = RULES[code]
        if ctx.scope == "folder" and not r.folder:
            continue
        try:
            hits = list(r.func(ctx))
            new = [_finding(r, hit) for hit in hits]
        except Exception as exc:  # a rule that raises is a bug in sgpack, not in the user's plan
            raise RuntimeError(f"rule {code} failed: {exc}") from exc
        findings.extend(_apply_waivers(f, plans) for f in new)
    findings.sort(key=Finding.sort_key)
    return findings


def catalogue_table() -> list[Rule]:
    """Every rule, by code (for `sgpack rules`)."""
    return [RULES[code] for code in sorted(RULES)]


def explain(code: str) -> str:
    """One rule's page (for `sgpack explain SG301`). Unknown code: KeyError."""
    r = RULES[code.strip().upper()]
    return (f"{r.title}\n\n"
            f"Message: {r.message}\n"
            f"Hint: {r.hint}\n"
            f"Resolved when: {r.resolve}\n\n"
            f"{r.doc}\n")

