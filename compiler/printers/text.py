"""Terminal output: findings like a linter, a summary per plan, and the evidence catalogue."""
from __future__ import annotations

import datetime as dt
from collections import Counter

import click

from compiler.model.assessment import ActionResult, Assessment, Match
from compiler.model.evidence import Catalogue, EvidenceItem
from compiler.model.finding import Finding
from compiler.rules.codes import RAG_OVERSTATED

_SEVERITY_COLOUR = {"error": "red", "warning": "yellow", "info": "cyan"}
_RAG_COLOUR = {"red": "red", "amber": "yellow", "green": "green", "blue": "blue"}
_CLOSURE_MARK = {"pass": "pass", "fail": "FAIL", "n/a": "n/a"}


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def finding_lines(finding: Finding) -> list[str]:
    where = finding.location("-")
    subject = finding.action or finding.plan or finding.evidence or ""
    if subject and subject in finding.message:
        subject = ""            # the message names it already
    severity = click.style(f"{finding.severity:<7}", fg=_SEVERITY_COLOUR[finding.severity])
    head = " ".join(part for part in (f"{where}: {finding.rule}", severity, subject, finding.message) if part)
    lines = [head, f"  hint: {finding.hint}"]
    if finding.waived:
        lines.append(f"  waived: {finding.waiver_reason}")
    return lines


def _rag(rag: str | None) -> str:
    return click.style(rag, fg=_RAG_COLOUR[rag]) if rag else "-"


def action_detail(result: ActionResult) -> list[str]:
    """Every requirement with the evidence behind it and why it matched; the closure test."""
    lines = [f"  {result.id}  owner {result.owner or '(none)'}  status {result.status}  "
             f"declared {_rag(result.declared_rag)}  assessed {_rag(result.assessed_rag)}"]
    for reason in result.rag_reasons:
        lines.append(f"      why {result.assessed_rag}: {reason}")
    for req in result.requirements:
        within = f" within {req.within_days} days" if req.within_days else ""
        lines.append(f"    requires {req.type} x{req.count}{within}: {req.found} found, "
                     f"{req.current} current -> {req.status}")
        for evidence_id, matches in _by_item(req.matches):
            lines.append("      " + _match_line(evidence_id, matches))
        for item_id in req.unreadable:
            lines.append(f"      {item_id}: unreadable, counts for nothing")
    for ind in result.indicators:
        text = ind.spc.explanation if ind.spc else ind.problem
        lines.append(f"    indicator {ind.id}: {text}")
    closure = result.closure
    parts = [("indicators", closure.indicators), ("audit", closure.audit),
             ("staff", closure.staff), ("governance", closure.governance)]
    ready = "ready to close" if closure.ready else "not ready to close"
    lines.append(f"    closure test: {ready}")
    for name, check in parts:
        evidence = f" [{', '.join(check.evidence)}]" if check.evidence else ""
        lines.append(f"      {name:<11} {_CLOSURE_MARK[check.result]:<4} {check.reason}{evidence}")
    return lines


def _by_item(matches: list[Match]) -> list[tuple[str, list[Match]]]:
    grouped: dict[str, list[Match]] = {}
    for match in matches:
        grouped.setdefault(match.evidence, []).append(match)
    return list(grouped.items())


def _match_line(evidence_id: str, matches: list[Match]) -> str:
    """One line per evidence item: a document, or a table whose dated rows each count."""
    why = "; ".join(matches[0].why)
    current = sum(1 for m in matches if m.current)
    if len(matches) == 1 and matches[0].row is None:
        m = matches[0]
        when = m.date.isoformat() if m.date else "undated"
        return f"{evidence_id} ({when}, {'current' if m.current else 'baseline'}): {why}"
    rows = [m.row for m in matches if m.row is not None]
    latest = max(matches, key=lambda m: (m.date or dt.date.min, m.row or 0))
    score = f" {latest.score:g}%" if latest.score is not None else ""
    when = latest.date.isoformat() if latest.date else "undated"
    return (f"{evidence_id} rows {min(rows)}-{max(rows)}: {current} current, {len(matches) - current} baseline; "
            f"latest{score} on {when}: {why}")


def plan_summary(assessment: Assessment) -> list[str]:
    lines = []
    counted = assessment.counted()
    for plan in assessment.plans:
        results = [a for a in assessment.actions if a.plan == plan.id]
        rags = Counter(a.assessed_rag for a in results)
        rag_text = ", ".join(f"{rags[r]} {r}" for r in ("blue", "green", "amber", "red") if rags[r])
        ready = sum(1 for a in results if a.closure.ready)
        overstated = sum(1 for f in counted if f.plan == plan.id and f.rule == RAG_OVERSTATED)
        sev = Counter(f.severity for f in counted if f.plan == plan.id)
        lines.append(f"{plan.id}  {plan.title} ({plan.service}, {plan.risk} risk)")
        lines.append(f"  {_plural(len(results), 'action')}: assessed {rag_text or 'none'}; "
                     f"{overstated} declared better than assessed; {ready} ready to close; "
                     f"findings: {sev['error']} error, {sev['warning']} warning, {sev['info']} info")
    return lines


def problem_lines(catalogue: Catalogue) -> list[str]:
    """Problems with the evidence folder as a whole (e.g. an evidence.yaml entry naming no file)."""
    return [f"{catalogue.root}: evidence folder: {problem}" for problem in catalogue.problems]


def check_text(assessment: Assessment, verbose: bool = False) -> str:
    lines: list[str] = problem_lines(assessment.catalogue)
    for finding in assessment.findings:
        if not finding.waived:
            lines.extend(finding_lines(finding))
    waived = [f for f in assessment.findings if f.waived]
    if waived:
        lines.append("")
        lines.append(f"waived ({len(waived)}, listed, not counted):")
        for finding in waived:
            lines.extend("  " + line for line in finding_lines(finding))
    if verbose:
        for plan in assessment.plans:
            lines.append("")
            lines.append(f"{plan.id} {plan.title}")
            for result in assessment.actions:
                if result.plan == plan.id:
                    lines.extend(action_detail(result))
    lines.append("")
    lines.extend(plan_summary(assessment))
    sev = Counter(f.severity for f in assessment.counted())
    lines.append("")
    lines.append(f"{_plural(len(assessment.plans), 'plan')}, {_plural(len(assessment.actions), 'action')}, "
                 f"{_plural(len(assessment.catalogue.items), 'evidence item')}: "
                 f"{_plural(sev['error'], 'error')}, {_plural(sev['warning'], 'warning')}, "
                 f"{sev['info']} info" + (f" ({len(waived)} waived)" if waived else "")
                 + f" as of {assessment.as_of.isoformat()}")
    return "\n".join(lines)


_SHOWN = ("id", "type", "date", "title")          # without -v: where these came from
_VERBOSE = ("period_end", "service", "author", "tags", "record", "draft", "columns")


def _source_line(item: EvidenceItem, field: str) -> str:
    source = item.provenance[field]
    if source.startswith("no "):                  # "no date found ...": nothing came from anywhere
        return f"    {field}: {source}"
    if field == "record":
        return f"    {'not ' if not item.record else ''}a record: {source}"
    if field == "draft":
        return f"    draft: {source}"
    return f"    {field} from {source}"


def item_lines(item: EvidenceItem, verbose: bool = False) -> list[str]:
    date = item.date.isoformat() if item.date else "undated"
    head = f"{item.id}  {item.type}  {date}  {item.path}"
    if item.status != "ok":
        head += f"  [{item.status.replace('_', ' ')}: {item.reason}]"
    if not item.record:
        head += "  [not a record]"
    if item.draft:
        head += "  [draft]"
    lines = [head]
    if item.title:
        lines.append(f"    title: {item.title}")
    for field in _SHOWN + (_VERBOSE if verbose else ("record",)):
        if field in item.provenance:
            lines.append(_source_line(item, field))
    if verbose and item.period_end:
        lines.append(f"    period ends {item.period_end.isoformat()}")
    for link in item.links:
        lines.append(f"    links {link.target}: {link.why}")
    if item.scores:
        lines.append(f"    {_plural(len(item.scores), 'audit result')}")
    if item.series:
        lines.append(f"    {_plural(len(item.series), 'indicator point')}")
    if verbose and item.columns:
        lines.append(f"    columns: {', '.join(item.columns)}")
    if verbose and "notes" in item.provenance:
        lines.append(f"    notes: {item.provenance['notes']}")
    return lines


def catalogue_text(catalogue: Catalogue, verbose: bool = False) -> str:
    """`sgpack evidence`: each item with where its id, type, date and title came from, and its links; `verbose`
    adds where every other value came from and the notes."""
    lines: list[str] = problem_lines(catalogue)
    for item in catalogue.items:
        lines.extend(item_lines(item, verbose))
    status = Counter(item.status for item in catalogue.items)
    lines.append("")
    lines.append(f"{_plural(len(catalogue.items), 'evidence item')}: {status['ok']} read, "
                 f"{status['unreadable']} unreadable, {status['not_read']} not read")
    return "\n".join(lines)
