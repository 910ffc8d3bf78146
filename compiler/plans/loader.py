"""Plan files -> Plan models: find the files, read them strictly, validate, keep every line."""
from __future__ import annotations

import hashlib
import pathlib
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Iterable

from compiler.errors import SgpackError
from compiler.model.plan import Action, Indicator, Owner, Plan, Requirement, Review, Waiver
from compiler.plans import cache as plan_cache
from compiler.plans import strict_yaml
from compiler.plans.files import MAX_BYTES, PLAN_SUFFIXES, TRACKER_SUFFIXES, plan_files
from compiler.plans.strict_yaml import Document, Path

if TYPE_CHECKING:      # the schema's models are built on first use: a plan from the cache needs none
    from compiler.plans import schema
    from evidence_store.cache import EvidenceCache

__all__ = ["MAX_BYTES", "PLAN_SUFFIXES", "check_unique_ids", "field_path", "load_plan_file", "load_plan_text",
           "load_plans", "plan_data", "plan_files", "tracker_plans"]


def load_plans(paths: Iterable[str | pathlib.Path], *, cache: EvidenceCache | None = None,
               digests: dict[str, str] | None = None) -> list[Plan]:
    """Read every plan file in `paths` (files, or folders searched recursively), sorted by file.

    Raises SgpackError naming file, line and field for the first problem found. With a `cache`
    (an evidence_store.EvidenceCache), a file whose bytes were read before is not parsed again.
    `digests`, when given, is filled with {file: SHA-256 of the bytes it was read from}.
    """
    plans: list[Plan] = []
    for file in plan_files(paths):
        if pathlib.Path(file).suffix.lower() in TRACKER_SUFFIXES:   # named on the command line: read in memory
            plans.extend(tracker_plans(file, digests=digests))
        else:
            plans.append(load_plan_file(file, cache=cache, digests=digests))
    plans.sort(key=lambda plan: plan.file)
    check_unique_ids(plans)
    return plans


def load_plan_file(file: str, *, cache: EvidenceCache | None = None, digests: dict[str, str] | None = None) -> Plan:
    """One plan file -> Plan. `file` is used, as given, in every message."""
    raw = _read_bytes(file)
    shelf = plan_cache.shelf(cache)
    sha256 = hashlib.sha256(raw).hexdigest() if shelf.on or digests is not None else ""
    if digests is not None:
        digests[file] = sha256
    if not shelf.on:
        return _load(raw, file)
    plan = plan_cache.get(cache, sha256, file)
    if plan is None:
        plan = _load(raw, file)
        plan_cache.put(cache, sha256, plan)
    return plan


def _load(raw: bytes, file: str) -> Plan:
    from compiler.plans import schema

    doc = _parse(raw, file)
    if not isinstance(doc.data, dict):
        what = "empty" if doc.data is None else f"{schema.describe(doc.data)}, not a mapping"
        raise SgpackError(f"a plan file must be a mapping with format, provider, plan, indicators "
                          f"and actions; this file is {what}", file=file, line=1)
    parsed, loc, message = schema.validate(doc.data, doc.line_of)
    if parsed is None:
        raise SgpackError(message, file=file, line=doc.line_of(loc), field=field_path(loc) or None)
    return _plan(parsed, doc, file)


def tracker_plans(file: str, *, digests: dict[str, str] | None = None,
                  warn: Callable[[str], None] | None = None) -> list[Plan]:
    """The plans of a tracker named where a plan file is (compiler.trackers), imported in memory: findings point at
    its cells, and a value the schema refuses is reported at its cell (`tracker.xlsx!Action plan!E9: ...`). The
    import's warnings go to `warn` (default: standard error)."""
    from compiler.trackers.read import read_tracker

    warn = warn or (lambda text: print(f"note: {text}", file=sys.stderr))
    imported = read_tracker(file)
    if digests is not None:
        with open(file, "rb") as handle:
            digests[file] = hashlib.file_digest(handle, "sha256").hexdigest()
    for text in [*imported.notes, *imported.report.warnings]:
        warn(f"{imported.tracker}: {text}")
    plans = []
    for _, emitted in imported.plans:
        try:
            plan = _load(emitted.text.encode("utf-8"), imported.tracker)
        except SgpackError as exc:
            cell = emitted.cell_at(exc.line)
            raise SgpackError(exc.message, file=f"{imported.tracker}!{cell}" if cell else imported.tracker,
                              field=exc.field) from None
        plans.append(plan.model_copy(update={"cells": emitted.cells}))
    return plans


def load_plan_text(raw: bytes, file: str) -> Plan:
    """A plan from YAML bytes that are in no file of their own (a tracker's, imported in memory); `file` names it
    in every message."""
    return _load(raw, file)


def plan_data(raw: bytes, file: str) -> Any:
    """A plan file's data as parsed, before validation (what a re-import merges into)."""
    return _parse(raw, file).data


def _read_bytes(file: str) -> bytes:
    try:
        with open(file, "rb") as handle:
            raw = handle.read(MAX_BYTES + 1)
    except OSError as exc:
        raise SgpackError(f"cannot read the file: {exc.strerror or exc}", file=file) from None
    if len(raw) > MAX_BYTES:
        limit = f"{MAX_BYTES // 2**20} MB" if MAX_BYTES >= 2**20 else f"{MAX_BYTES} bytes"
        raise SgpackError(f"the file is larger than {limit}", file=file)
    return raw


def _parse(raw: bytes, file: str) -> Document:
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[:exc.start].count(b"\n") + 1
        raise SgpackError("the file is not UTF-8 text; save it as UTF-8", file=file, line=line) from None
    try:
        return strict_yaml.load(text)
    except strict_yaml.StrictYamlError as exc:
        raise SgpackError(exc.message, file=file, line=exc.line,
                          field=field_path(exc.path) if exc.path else None) from None


def field_path(path: Path | tuple[Any, ...]) -> str:
    """("actions", 2, "owner") -> "actions[2].owner"."""
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


def _split_lines(doc: Document) -> tuple[dict[str, int], dict[int, dict[str, int]]]:
    """The line of every key/item: those outside `actions[n]` by field path, and those under each
    action keyed by the field path relative to it (one pass, in file order)."""
    top: dict[str, int] = {}
    actions: dict[int, dict[str, int]] = {}
    for path, line in doc.lines.items():
        if len(path) > 1 and path[0] == "actions" and isinstance(path[1], int):
            if len(path) > 2:
                actions.setdefault(path[1], {})[field_path(path[2:])] = line
        elif path:
            top[field_path(path)] = line
    return top, actions


def _waivers(items: list[schema.WaiverIn], doc: Document, prefix: Path) -> list[Waiver]:
    return [Waiver(rule=w.rule, reason=w.reason, line=doc.line_of(prefix + (i,)))
            for i, w in enumerate(items)]


def _plan(parsed: schema.PlanFileIn, doc: Document, file: str) -> Plan:
    head = parsed.plan
    lines, action_lines = _split_lines(doc)
    # plan-level waivers are written under `plan:` but are the plan's own: `waive[0]` as for actions
    lines.update({key[len("plan."):]: line for key, line in lines.items() if key.startswith("plan.waive")})
    indicators = [
        Indicator(id=i.id, title=i.title, better=i.better, data=i.data.file, target=i.target, counts=i.counts,
                  sheet=i.data.sheet,
                  period_column=i.data.period, value_column=i.data.value, line=doc.line_of(("indicators", n)))
        for n, i in enumerate(parsed.indicators)]
    _check_indicator_ids(indicators, file)
    actions = [_action(a, n, head, indicators, doc, file, action_lines.get(n, {}))
               for n, a in enumerate(parsed.actions)]
    return Plan(
        format=parsed.format, provider=parsed.provider, id=head.id, title=head.title,
        service=head.service, contract=head.contract, location_id=head.location_id, origin=head.origin,
        abuse_types=head.abuse_types, risk=head.risk, opened=head.opened,
        review_every_days=head.review_every_days, governance_forum=head.governance_forum,
        quality_statements=head.quality_statements, indicators=indicators, actions=actions,
        waive=_waivers(head.waive, doc, ("plan", "waive")),
        file=file, line=doc.line_of(("plan",)), lines=lines)


def _action(a: schema.ActionIn, n: int, head: schema.PlanHeadIn, indicators: list[Indicator],
            doc: Document, file: str, lines: dict[str, int]) -> Action:
    from compiler.plans import schema

    at: Path = ("actions", n)
    known = {i.id for i in indicators}
    for k, name in enumerate(a.indicators):
        if name not in known:
            hint = schema.did_you_mean(name, known) if known else "; the plan defines no indicators"
            raise SgpackError(f"unknown indicator '{name}'{hint}", file=file,
                              line=doc.line_of(at + ("indicators", k)),
                              field=field_path(at + ("indicators", k)))
    owner = None
    if a.owner is not None:
        owner = Owner(name=a.owner.name, role=a.owner.role, raw=a.owner.raw)
    return Action(
        id=a.id, title=a.title, kind=a.kind, owner=owner,
        risk=a.risk or head.risk, opened=a.opened or head.opened,
        due=a.due, status=a.status, closed=a.closed, rag=a.rag, narrative=a.narrative,
        indicators=a.indicators,
        requires=[Requirement(type=r.type, count=r.count, within_days=r.within_days, target=r.target,
                              note=r.note, line=doc.line_of(at + ("requires", k)))
                  for k, r in enumerate(a.requires)],
        evidence=a.evidence,
        reviews=[Review(date=r.date, forum=r.forum, rag=r.rag, narrative=r.narrative,
                        line=doc.line_of(at + ("reviews", k)))
                 for k, r in enumerate(a.reviews)],
        waive=_waivers(a.waive, doc, at + ("waive",)),
        quality_statements=a.quality_statements, commissioner_update=a.commissioner_update,
        path=field_path(at), line=doc.line_of(at), lines=lines)


def _check_indicator_ids(indicators: list[Indicator], file: str) -> None:
    first: dict[str, Indicator] = {}
    for n, indicator in enumerate(indicators):
        if indicator.id in first:
            raise SgpackError(
                f"duplicate indicator id '{indicator.id}' (first defined at line {first[indicator.id].line})",
                file=file, line=indicator.line, field=f"indicators[{n}].id")
        first[indicator.id] = indicator


def check_unique_ids(plans: list[Plan]) -> None:
    """Plan ids and action ids share one namespace across every plan given."""
    seen: dict[str, tuple[str, str, int | None]] = {}     # id -> (kind, file, line)
    for plan in plans:
        entries = [("plan", plan.id, "plan.id", plan.line_of("plan.id"))]
        entries += [("action", a.id, f"{a.path}.id", a.line_of("id")) for a in plan.actions]
        for kind, ident, where, line in entries:
            if ident in seen:
                first_kind, first_file, first_line = seen[ident]
                place = f"{first_file}:{first_line}"
                message = (f"duplicate {kind} id '{ident}' (first defined at {place})"
                           if first_kind == kind else
                           f"{kind} id '{ident}' is already a {first_kind} id (defined at {place})")
                raise SgpackError(message, file=plan.file, line=line, field=where)
            seen[ident] = (kind, plan.file, line)
