"""The owners pack: one PDF and one Word document per named action owner, plus `gaps.csv` for all.

`owners/<owner slug>.pdf|.docx` lists the owner's actions, what evidence is missing (requirement,
how many more, of what type, by when) and their findings with hints. Actions with no named owner
(SG201) are grouped under "Unassigned" (`owners/unassigned.*`).

`gaps.csv` has one row per unmet requirement and per finding: owner, action, plan, service, due,
requirement or rule, what is missing, hint. It is safe to open in a spreadsheet: any cell whose
first character (or first after leading spaces) is `=`, `+`, `-`, `@`, tab, CR, LF, NUL or a
full-width `＝ ＋ － ＠` gets a leading `'` so it is text, never a formula (OWASP CSV injection,
ASVS 1.2.10; compiler.render.spreadsheet). UTF-8 with a BOM so Excel reads the encoding,
`csv.QUOTE_MINIMAL`, CRLF line ends, rows sorted, so the bytes are deterministic.
"""
from __future__ import annotations

import dataclasses

from reportlab.lib.units import cm

from compiler.packs.job import BuildJob
from compiler.render.docx.ooxml import Bookmarks, chip
from compiler.render.docx.ooxml import link as wlink
from compiler.render.docx.template import render_template
from compiler.render.pdf.blocks import rag_cell, section, sections, title_block
from compiler.render.pdf.document import document
from compiler.render.pdf.layout import Story
from compiler.render.pdf.look import TEXT_W, Look, esc, link
from compiler.render.pdf.pages import Pages
from compiler.render.spreadsheet import csv_bytes
from compiler.views.common import Head
from compiler.views.owners import GAP_HEADER, OwnerView, gap_rows, owners_view

SEVERITY_COLOURS = {"error": "#d4351c", "warning": "#b35c00", "info": "#505a5f"}


def gaps_csv(owners: list[OwnerView]) -> bytes:
    return csv_bytes(GAP_HEADER, (dataclasses.astuple(row) for row in gap_rows(owners)))


def _heading(owner: OwnerView) -> str:
    return f"Safeguarding actions for {owner.name}" if owner.named else "Safeguarding actions with no named owner"


def story(head: Head, owner: OwnerView) -> Story:
    def build(look: Look, pages: Pages, rec: dict) -> list:
        intro = ("What evidence each of your actions still needs, by when, and what the checks found. "
                 "Link new evidence by mentioning the action id in it, or by listing it in the evidence index.")
        if not owner.named:
            intro = ("These actions have no named owner (SG201): a group or a placeholder is recorded instead of "
                     "a person. Name the person accountable for each; until then this list goes to the plan's lead.")
        s = title_block(look, head, rec, heading=_heading(owner), rows=[
            ("Owner", esc(owner.name)), ("As at", esc(head.as_of)), ("Actions", str(len(owner.actions))),
            ("Evidence still needed", f"{owner.missing_total} item{'s' if owner.missing_total != 1 else ''}"),
            ("Findings", str(owner.findings_total)), ("Prepared by", esc(head.prepared_by))], intro=intro)
        s += section(look, "sec_actions", "Your actions", rec)
        rows, extra = [], []
        for i, x in enumerate(owner.actions, 1):
            rows.append([link(x.anchor, f"<b>{esc(x.id)}</b>"), esc(x.title), esc(x.due), esc(x.status),
                         rag_cell(look, x.assessed_rag, i, 4, extra), str(sum(m.more for m in x.missing)),
                         pages.page(x.anchor)])
        s.append(look.table(["Action", "Title", "Due", "Status", "Assessed", "Items missing", "Page"], rows,
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
            missing = None
            if x.missing:
                rows = [[esc(m.requirement) + (f"<br/><font color='#505a5f'>{esc(m.note)}</font>" if m.note else ""),
                         f"<b>{m.more}</b>", esc(m.type.replace("_", " ")), esc(m.due), esc(m.what)]
                        for m in x.missing]
                missing = [look.table(["Requirement", "More needed", "Of type", "By when", "What is needed"], rows)]
            findings = None
            if x.findings:
                rows = [[f"<b>{esc(f.rule)}</b><br/><font color='{SEVERITY_COLOURS.get(f.severity, '#505a5f')}'>"
                         f"{esc(f.severity)}</font>",
                         f"{esc(f.message)}<br/><font color='#505a5f'><i>Hint: {esc(f.hint)}</i></font>"]
                        for f in x.findings]
                findings = [look.table(["Rule", "Finding and what to do"], rows)]
            s += sections(look, [
                (look.sub("What evidence is missing")[0], missing,
                 "Nothing: every evidence requirement is met with current evidence."),
                (look.sub("Findings")[0], findings, "No findings.")], last=x is owner.actions[-1])
        return s
    return build


def docx_view(head: Head, owner: OwnerView, pages: dict[str, int], total: int) -> dict:
    marks = Bookmarks()
    return {
        "title": head.title, "heading": _heading(owner), "provider": head.provider,
        "classification": head.classification, "as_of": head.as_of, "prepared_by": head.prepared_by,
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
    view = owners_view(job.pack, job.options)
    for owner in view.owners:
        head = dataclasses.replace(view.head, title=f"{view.head.title}: {owner.name}")
        outline = [("sec_actions", "Your actions")] + [(x.anchor, f"{x.id} {x.title}") for x in owner.actions]
        laid = document(head, job.theme, story(head, owner), outline=outline)
        if "pdf" in job.formats:
            job.write(f"owners/{owner.slug}.pdf", laid.pdf)
        if "docx" in job.formats:
            job.write(f"owners/{owner.slug}.docx", render_template(
                job.template(), docx_view(head, owner, laid.anchors, laid.pages), title=head.title,
                as_of_iso=head.as_of_iso))
    job.write("gaps.csv", gaps_csv(view.owners))
