"""The governance pack, for the Quality and Safeguarding Committee before its meeting.

Sections: actions due for governance review (open, last review older than the plan's
`review_every_days`, or SG404), proposed closures with the four-part closure test and the evidence
ids behind each result, declared-vs-assessed disagreements, overdue actions, challenge questions
generated from the findings (compiler.rules.questions), and waivers with their reasons.
Writes `governance-pack.pdf` and `governance-pack.docx` (per the profile's formats); no appendices.
"""
from __future__ import annotations

from reportlab.lib.units import cm
from reportlab.platypus import KeepTogether, Spacer, TableStyle

from compiler.packs.job import BuildJob
from compiler.render.docx.ooxml import Bookmarks, chip, closure_chip, contents_lines, section_marks
from compiler.render.docx.template import render_template
from compiler.render.pdf.blocks import closure_rows, contents, rag_cell, section, sections, title_block
from compiler.render.pdf.document import document
from compiler.render.pdf.layout import Story
from compiler.render.pdf.look import TEXT_W, Look, esc
from compiler.render.pdf.pages import Heading, Pages
from compiler.views.governance import SECTIONS as GOVERNANCE_SECTIONS
from compiler.views.governance import GovernanceView, governance_view

SECTIONS = list(GOVERNANCE_SECTIONS)


def story(g: GovernanceView) -> Story:
    head = g.head

    def build(look: Look, pages: Pages, rec: dict) -> list:
        s = []
        plans = "<br/>".join(f"{esc(p[0])}: {esc(p[1])} ({esc(p[3])} risk)" for p in head.plans) or "—"
        s += title_block(look, head, rec, heading=head.title, rows=[
            ("Prepared for", esc(head.audience)), ("Service", esc(head.service)), ("As at", esc(head.as_of)),
            ("Prepared by", esc(head.prepared_by)), ("Plans", plans)],
            intro="What is due for review, what can close on evidence, where the declared rating and the "
                  "evidence disagree, what is overdue, and the questions the Committee may wish to ask.")
        s += contents(look, pages, SECTIONS, g.counts())

        def heading(i: int) -> Heading:
            return section(look, SECTIONS[i][0], SECTIONS[i][1], rec)[-1]

        items: list = []
        due = None
        if g.due:
            rows = [[f"<b>{esc(r.id)}</b>", esc(r.title), esc(r.owner), esc(r.last_review), esc(r.cadence), esc(r.why)]
                    for r in g.due]
            due = [look.table(["Action", "Title", "Owner", "Last review", "Cadence", "Why due"], rows)]
        items.append((heading(0), due, "No open action is past its review cadence: every one has been reviewed "
                                       "within its plan's review interval."))

        closures = None
        if g.closures:
            closures = []
            for c in g.closures:
                extra: list = []
                top = [[f"<b>{esc(c.id)}</b>", esc(c.title), look.p("Declared", "cell_b"),
                        rag_cell(look, c.declared_rag, 0, 3, extra), look.p("Assessed", "cell_b"),
                        rag_cell(look, c.assessed_rag, 0, 5, extra)]]
                t = look.grid([[look.p(v, "cell") if isinstance(v, str) else v for v in row] for row in top],
                              [1.5 * cm, TEXT_W - 8.9 * cm, 1.9 * cm, 1.6 * cm, 2.0 * cm, 1.9 * cm])
                t.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                                       ("LINEABOVE", (0, 0), (-1, 0), 1, look.heading), *extra]))
                colour = "#00703c" if c.ready else "#d4351c"
                meta = look.p(f"Owner: {esc(c.owner)} · Status: {esc(c.basis)} · "
                              f"<font color='{colour}'><b>{esc(c.verdict)}</b></font>", "small")
                extra2: list = []
                table = look.table(["Closure test", "Result", "Reason, and the evidence behind it"],
                                   closure_rows(look, c.closure, extra2), extra=extra2, zebra=False)
                closures.append(KeepTogether([t, Spacer(1, 2), meta, Spacer(1, 3), table, Spacer(1, 10)]))
        items.append((heading(1), closures, "No action is completed, closed or declared blue, and no open action "
                                            "passes the closure test yet."))

        disagreements = None
        if g.disagreements:
            rows, extra = [], []
            for i, d in enumerate(g.disagreements, 1):
                rows.append([f"<b>{esc(d.id)}</b>", f"{esc(d.title)}<br/><font color='#505a5f'>{esc(d.owner)}</font>",
                             rag_cell(look, d.declared_rag, i, 2, extra), rag_cell(look, d.assessed_rag, i, 3, extra),
                             f"<b>{esc(d.direction)}</b><br/>" + "<br/>".join(esc(r) for r in d.reasons)])
            disagreements = [look.table(["Action", "Title and owner", "Declared", "Assessed", "Why they differ"], rows,
                                        extra=extra, zebra=False)]
        items.append((heading(2), disagreements,
                      "Every declared RAG rating agrees with the rating assessed from the evidence."))

        overdue = None
        if g.overdue:
            rows = [[f"<b>{esc(o.id)}</b>", esc(o.title), esc(o.owner), esc(o.due), esc(_late(o.days)), esc(o.status)]
                    for o in g.overdue]
            overdue = [look.table(["Action", "Title", "Owner", "Due", "Late by", "Status"], rows)]
        items.append((heading(3), overdue, "No action is past its due date."))

        questions = None
        if g.questions:
            rows = [[str(n), f"<b>{esc(q.subject)}</b>", esc(q.text), esc(q.rule)]
                    for n, q in enumerate(g.questions, 1)]
            questions = [look.lead("Generated from the findings and the evidence: each names the action and the gap, "
                                   "so the answer can be checked at the next meeting."),
                         look.table(["#", "Subject", "Question", "From"], rows)]
        items.append((heading(4), questions, "No findings call for challenge."))

        waivers = None
        if g.waivers:
            rows = [[esc(f.rule), esc(f.subject), esc(f.waiver_reason or ""), esc(f.message)] for f in g.waivers]
            waivers = [look.table(["Rule", "Subject", "Reason given", "Finding waived"], rows)]
        items.append((heading(5), waivers, "No findings are waived."))
        s += sections(look, items, last=True)
        return s
    return build


def _late(days: int) -> str:
    return f"{days} days"


def docx_view(g: GovernanceView, pages: dict[str, int], total: int) -> dict:
    head, marks = g.head, Bookmarks()
    return {
        "title": head.title, "provider": head.provider, "classification": head.classification,
        "audience": head.audience, "service": head.service, "as_of": head.as_of, "prepared_by": head.prepared_by,
        "total_pages": str(total),
        "plans": [{"id": p[0], "title": p[1], "service": p[2], "risk": p[3].capitalize()} for p in head.plans],
        "contents": contents_lines(SECTIONS, pages, g.counts()), "sec": section_marks(SECTIONS, marks),
        "due": [vars(r) for r in g.due],
        "closures": [{"id": c.id, "title": c.title, "owner": c.owner, "basis": c.basis, "verdict": c.verdict,
                      "declared": chip(c.declared_rag), "assessed": chip(c.assessed_rag),
                      "closure": [{"name": x.name, "result": closure_chip(x.result), "reason": x.reason,
                                   "evidence": ", ".join(x.evidence) or "—"} for x in c.closure]}
                     for c in g.closures],
        "disagreements": [{"id": d.id, "title": d.title, "owner": d.owner, "declared": chip(d.declared_rag),
                           "assessed": chip(d.assessed_rag), "direction": d.direction, "reasons": "; ".join(d.reasons)}
                          for d in g.disagreements],
        "overdue": [{"id": o.id, "title": o.title, "owner": o.owner, "due": o.due, "late": _late(o.days),
                     "status": o.status} for o in g.overdue],
        "questions": [{"n": str(n), "subject": q.subject, "text": q.text, "rule": q.rule}
                      for n, q in enumerate(g.questions, 1)],
        "waivers": [{"rule": f.rule, "subject": f.subject, "reason": f.waiver_reason or "", "message": f.message}
                    for f in g.waivers],
    }


def write(job: BuildJob) -> None:
    g = governance_view(job.pack, job.options)
    laid = document(g.head, job.theme, story(g), outline=SECTIONS)
    if "pdf" in job.formats:
        job.write(f"{job.stem}.pdf", laid.pdf)
    if "docx" in job.formats:
        job.write(f"{job.stem}.docx", render_template(job.template(), docx_view(g, laid.anchors, laid.pages),
                                                      title=g.head.title, as_of_iso=g.head.as_of_iso))
