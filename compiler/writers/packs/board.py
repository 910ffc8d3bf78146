"""The board pack: summary assurance on high-risk plans only, two to four pages.

Per plan: an assurance level (report_context.assurance_level, mapping printed on the page),
exceptions (actions assessed red or amber, error findings, overdue, review and board-report
findings), trends (each linked indicator's SPC chart, small, with its explanation) and the line of
sight: concern (the plan's origin) -> action -> evidence of impact -> sustained?
Writes `board-pack.pdf` and `board-pack.docx` (per the profile's formats); no appendices.
"""
from __future__ import annotations

import functools
import io

from docx.shared import Mm
from docxtpl import InlineImage
from reportlab.lib import colors
from reportlab.lib.units import cm
from reportlab.platypus import CondPageBreak, KeepTogether, Spacer

from compiler.packs.profiles import template_file
from compiler.writers.charts import spc_chart_png
from compiler.writers.context import PackContext
from compiler.writers.packs.job import BuildJob
from compiler.writers.pdf import _image
from compiler.writers.report import TEXT_W, Look, Pages, esc, link, render_report, section, title_block
from compiler.writers.report_context import ASSURANCE_RULE, PlanBoardView, board_views
from compiler.writers.report_docx import Bookmarks, chip, render_template
from compiler.writers.report_docx import link as wlink

CHART_SIZE = {"width_in": 5.6, "height_in": 2.0, "dpi": 150}     # smaller than the CQC pack's 6.3 x 2.8
LEVEL_COLOURS = {"Substantial assurance": "#00703c", "Reasonable assurance": "#1d70b8",
                 "Limited assurance": "#f47738", "No assurance": "#d4351c"}
LEVEL_CHIPS = {"Substantial assurance": "green", "Reasonable assurance": "blue", "Limited assurance": "amber",
               "No assurance": "red"}


def _level_cell(look: Look, level: str, row: int, col: int, extra: list):
    colour = colors.HexColor(LEVEL_COLOURS.get(level, "#505a5f"))
    extra.append(("BACKGROUND", (col, row), (col, row), colour))
    return look.p(esc(level), "cell_chip_dark" if level == "Limited assurance" else "cell_chip")


def story(ctx: PackContext, plans: list[PlanBoardView]):
    def build(look: Look, pages: Pages, rec: dict) -> list:
        s = title_block(look, ctx, rec, heading=ctx.title, rows=[
            ("Prepared for", esc(ctx.audience)), ("As at", esc(ctx.as_of)), ("Service", esc(ctx.service)),
            ("Scope", f"High-risk plans only: {len(plans)}"), ("Prepared by", esc(ctx.prepared_by))])
        s += section(look, "sec_overview", "Assurance at a glance", rec)
        if plans:
            rows, extra = [], []
            for i, p in enumerate(plans, 1):
                rows.append([link(p.anchor, f"<b>{esc(p.id)}</b>"), f"{esc(p.title)}<br/><font color='#505a5f'>"
                             f"{esc(p.service)}</font>", _level_cell(look, p.level, i, 2, extra),
                             esc(p.rag_counts), esc(p.ready), pages.page(p.anchor)])
            s.append(look.table(["Plan", "Title", "Assurance", "Actions assessed", "Ready to close", "Page"], rows,
                                [2.6 * cm, TEXT_W - 13.0 * cm, 3.4 * cm, 3.4 * cm, 2.3 * cm, 1.3 * cm], extra=extra,
                                zebra=False))
        else:
            s.append(look.p("There are no high-risk plans in scope."))
        s.append(look.p(esc(ASSURANCE_RULE), "small"))
        for p in plans:
            s += [CondPageBreak(6 * cm), *section(look, p.anchor, f"{p.id} {p.title}", rec)]
            extra: list = []
            level = _level_cell(look, p.level, 1, 1, extra)
            s.append(look.kv_table([("Concern (origin)", esc(p.origin)), ("Assurance", level),
                                    ("Why", "; ".join(esc(r) for r in p.reasons))],
                                   (3.4 * cm, TEXT_W - 3.4 * cm), extra=extra))
            s.append(look.p("Exceptions", "h4"))
            if p.exceptions:
                rows = [[f"<b>{esc(e.subject)}</b>", esc(e.what), esc(e.detail)] for e in p.exceptions]
                s.append(look.table(["Subject", "Exception", "Detail"], rows,
                                    [2.6 * cm, 4.4 * cm, TEXT_W - 7.0 * cm]))
            else:
                s.append(look.p("No exceptions: no action is red, amber, overdue or overstated, and no error "
                                "finding is open."))
            if p.trends:
                s.append(CondPageBreak(6.5 * cm))
                s.append(look.p("Trends", "h4"))
            for t in p.trends:
                caption = f"<b>{esc(t.title)}</b> (linked to {esc(t.actions)}). {esc(t.explanation)}"
                s.append(KeepTogether([_image(t.png, TEXT_W * 0.86, 5.2 * cm), Spacer(1, 2),
                                       look.p(caption, "small"), Spacer(1, 4)]))
            s.append(look.p("Line of sight: concern → action → evidence of impact → sustained?", "h4"))
            rows, extra = [], []
            for i, r in enumerate(p.sight, 1):
                colour = "#00703c" if r.sustained_ok else "#b35c00"
                head, _, rest = r.sustained.partition(":")
                rows.append([esc(r.concern), f"<b>{esc(r.action)}</b> {esc(r.title)}", esc(r.impact),
                             f"<font color='{colour}'><b>{esc(head)}</b>{':' if rest else ''}{esc(rest)}</font>"])
            if len(rows) > 1:
                extra.append(("SPAN", (0, 1), (0, len(rows))))
            s.append(look.table(["Concern", "Action", "Evidence of impact", "Sustained?"], rows,
                                [3.0 * cm, 4.6 * cm, TEXT_W - 11.4 * cm, 3.8 * cm], extra=extra, zebra=False))
        return s
    return build


def docx_view(ctx: PackContext, plans: list[PlanBoardView], pages: dict[str, int], total: int) -> dict:
    marks = Bookmarks()
    return {
        "title": ctx.title, "provider": ctx.provider, "classification": ctx.classification, "audience": ctx.audience,
        "service": ctx.service, "as_of": ctx.as_of, "prepared_by": ctx.prepared_by, "total_pages": str(total),
        "rule": ASSURANCE_RULE, "count": str(len(plans)),
        "overview": [{"id": wlink(p.anchor, p.id), "title": p.title, "service": p.service,
                      "level": chip(LEVEL_CHIPS.get(p.level), p.level), "rags": p.rag_counts, "ready": p.ready,
                      "page": str(pages.get(p.anchor, ""))} for p in plans],
        "plans": [{"heading": marks.wrap(p.anchor, f"{p.id} {p.title}"), "origin": p.origin,
                   "level": chip(LEVEL_CHIPS.get(p.level), p.level), "reasons": "; ".join(p.reasons),
                   "exceptions": [vars(e) for e in p.exceptions],
                   "trends": [{"title": t.title, "actions": t.actions, "explanation": t.explanation, "png": t.png}
                              for t in p.trends],
                   "sight": [vars(r) for r in p.sight]} for p in plans],
    }


def _images(view: dict):
    def add(tpl) -> dict:
        plans = [{**p, "trends": [{**t, "image": InlineImage(tpl, io.BytesIO(t["png"]), width=Mm(150))}
                                  for t in p["trends"]]} for p in view["plans"]]
        return {"plans": plans}
    return add


def write(job: BuildJob) -> None:
    ctx = job.context
    chart = functools.partial(spc_chart_png, theme=job.theme, **CHART_SIZE)
    plans = board_views(job.pack, ctx, chart)
    outline = [("sec_overview", "Assurance at a glance")] + [(p.anchor, f"{p.id} {p.title}") for p in plans]
    report = render_report(ctx, job.theme, story(ctx, plans), outline=outline, seed=job.seed)
    if "pdf" in job.formats:
        job.write(f"{job.stem}.pdf", report.pdf)
    if "docx" in job.formats:
        view = docx_view(ctx, plans, report.anchors, report.pages)
        source = template_file(job.profile.template, job.templates)
        job.write(f"{job.stem}.docx", render_template(source, view, title=ctx.title, as_of_iso=ctx.as_of_iso,
                                                      images=_images(view)))
