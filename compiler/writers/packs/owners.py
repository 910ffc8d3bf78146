"""The owners pack: one PDF and one Word document per named action owner, plus `gaps.csv` for all.

`owners/<owner slug>.pdf|.docx` lists the owner's actions, what evidence is missing (requirement,
how many more, of what type, by when) and their findings with hints. Actions with no named owner
(SG201) are grouped under "Unassigned" (`owners/unassigned.*`).

`gaps.csv` has one row per unmet requirement and per finding: owner, action, plan, service, due,
requirement or rule, what is missing, hint. It is safe to open in a spreadsheet: any cell whose
first character (or first after leading spaces) is `=`, `+`, `-`, `@`, tab, CR, LF, NUL or a
full-width `＝ ＋ － ＠` gets a leading `'` so it is text, never a formula (OWASP CSV injection,
ASVS 1.2.10; SECURITY.md 1.11). UTF-8 with a BOM so Excel reads the encoding, `csv.QUOTE_MINIMAL`,
CRLF line ends, rows sorted, so the bytes are deterministic.
"""
from __future__ import annotations

import csv
import dataclasses
import hashlib
import io

from reportlab.lib.units import cm

from compiler.packs.profiles import template_file
from compiler.writers.context import PackContext
from compiler.writers.packs.job import BuildJob
from compiler.writers.report import TEXT_W, Look, Pages, esc, link, rag_cell, render_report, section, title_block
from compiler.writers.report_context import GAP_HEADER, OwnerView, gap_rows, owner_views
from compiler.writers.report_docx import Bookmarks, chip, render_template
from compiler.writers.report_docx import link as wlink

FORMULA_TRIGGERS = frozenset("=+-@\t\r\n\x00＝＋－＠")
SEVERITY_COLOURS = {"error": "#d4351c", "warning": "#b35c00", "info": "#505a5f"}


def csv_safe(value: object) -> str:
    """A cell that a spreadsheet shows as text: a leading `'` when it could start a formula."""
    text = "" if value is None else str(value)
    stripped = text.lstrip(" ")
    if stripped and (stripped[0] in FORMULA_TRIGGERS or text[0] in FORMULA_TRIGGERS):
        return "'" + text
    return text


def gaps_csv(owners: list[OwnerView]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, quoting=csv.QUOTE_MINIMAL, lineterminator="\r\n")
    writer.writerow(GAP_HEADER)
    for row in gap_rows(owners):
        writer.writerow([csv_safe(v) for v in dataclasses.astuple(row)])
    return "\ufeff".encode("utf-8") + out.getvalue().encode("utf-8")


def _heading(owner: OwnerView) -> str:
    return f"Safeguarding actions for {owner.name}" if owner.named else "Safeguarding actions with no named owner"


def story(ctx: PackContext, owner: OwnerView):
    def build(look: Look, pages: Pages, rec: dict) -> list:
        intro = ("What evidence each of your actions still needs, by when, and what the checks found. "
                 "Link new evidence by mentioning the action id in it, or tag it in evidence.yaml.")
        if not owner.named:
            intro = ("These actions have no named owner (SG201): a group or a placeholder is recorded instead of "
                     "a person. Name the person accountable for each; until then this list goes to the plan's lead.")
        s = title_block(look, ctx, rec, heading=_heading(owner), rows=[
            ("Owner", esc(owner.name)), ("As at", esc(ctx.as_of)), ("Actions", str(len(owner.actions))),
            ("Evidence still needed", f"{owner.missing_total} item{'s' if owner.missing_total != 1 else ''}"),
            ("Findings", str(owner.findings_total)), ("Prepared by", esc(ctx.prepared_by))], intro=intro)
        s += section(look, "sec_actions", "Your actions", rec)
        rows, extra = [], []
        for i, x in enumerate(owner.actions, 1):
            rows.append([link(x.anchor, f"<b>{esc(x.id)}</b>"), esc(x.title), esc(x.due), esc(x.status),
                         rag_cell(look, x.assessed_rag, i, 4, extra), str(sum(m.more for m in x.missing)),
                         pages.page(x.anchor)])
        s.append(look.table(["Action", "Title", "Due", "Status", "Assessed", "Items missing", "Page"], rows,
                            [1.5 * cm, TEXT_W - 11.8 * cm, 2.8 * cm, 2.0 * cm, 1.8 * cm, 2.2 * cm, 1.5 * cm],
                            extra=extra, zebra=False))
        for x in owner.actions:
            s += section(look, x.anchor, f"{x.id} {x.title}", rec)
            extra = []
            s.append(look.kv_table([("Plan", f"{esc(x.plan_id)}: {esc(x.plan_title)}"), ("Service", esc(x.service)),
                                    ("Owner as written", esc(x.owner_as_written)), ("Due", esc(x.due)),
                                    ("Status", esc(x.status)),
                                    ("Declared / assessed", look.p(
                                        f"{esc((x.declared_rag or 'unrated').capitalize())} / "
                                        f"{esc(x.assessed_rag.capitalize())}", "cell")),
                                    ("Your narrative", esc(x.narrative or "none recorded"))],
                                   (3.6 * cm, TEXT_W - 3.6 * cm), extra=extra))
            s.append(look.p("What evidence is missing", "h4"))
            if x.missing:
                rows = [[esc(m.requirement) + (f"<br/><font color='#505a5f'>{esc(m.note)}</font>" if m.note else ""),
                         f"<b>{m.more}</b>", esc(m.type.replace("_", " ")), esc(m.due), esc(m.what)]
                        for m in x.missing]
                s.append(look.table(["Requirement", "More needed", "Of type", "By when", "What is needed"], rows,
                                    [4.2 * cm, 2.0 * cm, 2.2 * cm, 2.6 * cm, TEXT_W - 11.0 * cm]))
            else:
                s.append(look.p("Nothing: every evidence requirement is met with current evidence."))
            s.append(look.p("Findings", "h4"))
            if x.findings:
                rows = [[f"<b>{esc(f.rule)}</b><br/><font color='{SEVERITY_COLOURS.get(f.severity, '#505a5f')}'>"
                         f"{esc(f.severity)}</font>",
                         f"{esc(f.message)}<br/><font color='#505a5f'><i>Hint: {esc(f.hint)}</i></font>"]
                        for f in x.findings]
                s.append(look.table(["Rule", "Finding and what to do"], rows, [2.0 * cm, TEXT_W - 2.0 * cm]))
            else:
                s.append(look.p("No findings."))
        return s
    return build


def docx_view(ctx: PackContext, owner: OwnerView, pages: dict[str, int], total: int) -> dict:
    marks = Bookmarks()
    return {
        "title": ctx.title, "heading": _heading(owner), "provider": ctx.provider,
        "classification": ctx.classification, "as_of": ctx.as_of, "prepared_by": ctx.prepared_by,
        "owner": owner.name, "named": owner.named, "total_pages": str(total),
        "counts": {"actions": str(len(owner.actions)), "missing": str(owner.missing_total),
                   "findings": str(owner.findings_total)},
        "summary": [{"id": wlink(x.anchor, x.id), "title": x.title, "due": x.due, "status": x.status,
                     "assessed": chip(x.assessed_rag), "missing": str(sum(m.more for m in x.missing)),
                     "page": str(pages.get(x.anchor, ""))} for x in owner.actions],
        "actions": [{"heading": marks.wrap(x.anchor, f"{x.id} {x.title}"), "plan": f"{x.plan_id}: {x.plan_title}",
                     "service": x.service, "owner_as_written": x.owner_as_written, "narrative": x.narrative or "none recorded", "due": x.due, "status": x.status,
                     "declared": chip(x.declared_rag), "assessed": chip(x.assessed_rag),
                     "missing": [{"requirement": m.requirement, "note": m.note, "more": str(m.more),
                                  "type": m.type.replace("_", " "), "due": m.due, "what": m.what} for m in x.missing],
                     "findings": [{"rule": f.rule, "severity": f.severity, "message": f.message, "hint": f.hint}
                                  for f in x.findings]}
                    for x in owner.actions],
    }


def write(job: BuildJob) -> None:
    owners = owner_views(job.pack, job.context)
    source = template_file(job.profile.template, job.templates) if "docx" in job.formats else None
    for owner in owners:
        ctx = dataclasses.replace(job.context, title=f"{job.context.title}: {owner.name}")
        seed = hashlib.sha256(job.seed + owner.slug.encode()).digest()
        outline = [("sec_actions", "Your actions")] + [(x.anchor, f"{x.id} {x.title}") for x in owner.actions]
        report = render_report(ctx, job.theme, story(ctx, owner), outline=outline, seed=seed)
        if "pdf" in job.formats:
            job.write(f"owners/{owner.slug}.pdf", report.pdf)
        if source is not None:
            job.write(f"owners/{owner.slug}.docx", render_template(
                source, docx_view(ctx, owner, report.anchors, report.pages), title=ctx.title,
                as_of_iso=ctx.as_of_iso))
    job.write("gaps.csv", gaps_csv(owners))
