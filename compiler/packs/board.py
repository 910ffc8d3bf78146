"""The board pack: summary assurance on every plan, a few pages.

Per high-risk plan: an assurance level (compiler.views.board.assurance_level, mapping printed on the page),
exceptions (actions assessed red or amber, error findings, overdue, review and board-report
findings), trends (each linked indicator's SPC chart, small, with its explanation) and the line of
sight: concern (the plan's origin) -> action -> evidence of impact -> sustained?
Then every other plan by exception: its actions overstated, without a named owner, overdue or with an
indicator concern, or one line saying it has none.
Writes `board-pack.pdf` and `board-pack.docx` (per the profile's formats); no appendices.
"""
from __future__ import annotations

import dataclasses

from reportlab.lib import colors
from reportlab.lib.units import cm
from reportlab.platypus import CondPageBreak, KeepTogether, Spacer

from compiler.packs.job import BuildJob
from compiler.render.charts import chart_spec, draw_charts
from compiler.render.docx.ooxml import Bookmarks, chip
from compiler.render.docx.ooxml import link as wlink
from compiler.render.docx.template import image as word_image
from compiler.render.docx.template import render_template
from compiler.render.pdf.blocks import section, sections, title_block
from compiler.render.pdf.document import document
from compiler.render.pdf.images import image
from compiler.render.pdf.layout import Story
from compiler.render.pdf.look import TEXT_W, Look, esc, link
from compiler.render.pdf.pages import Heading, Pages
from compiler.views.board import (ASSURANCE_RULE, BY_EXCEPTION_HEADING, BY_EXCEPTION_RULE, BoardView,
                                  ExceptionPlanView, board_view)

CHART_SIZE = {"width_in": 5.6, "height_in": 2.0, "dpi": 150}     # smaller than the CQC pack's 6.3 x 2.8
LEVEL_COLOURS = {"Substantial assurance": "#00703c", "Reasonable assurance": "#1d70b8",
                 "Limited assurance": "#f47738", "No assurance": "#d4351c"}
LEVEL_CHIPS = {"Substantial assurance": "green", "Reasonable assurance": "blue", "Limited assurance": "amber",
               "No assurance": "red"}


def _level_cell(look: Look, level: str, row: int, col: int, extra: list):
    colour = colors.HexColor(LEVEL_COLOURS.get(level, "#505a5f"))
    extra.append(("BACKGROUND", (col, row), (col, row), colour))
    return look.p(esc(level), "cell_chip_dark" if level == "Limited assurance" else "cell_chip")


def story(view: BoardView) -> Story:
    head, plans = view.head, view.plans

    def build(look: Look, pages: Pages, rec: dict) -> list:
        s = title_block(look, head, rec, heading=head.title, rows=[
            ("Prepared for", esc(head.audience)), ("As at", esc(head.as_of)), ("Service", esc(head.service)),
            ("Scope", esc(view.scope)), ("Prepared by", esc(head.prepared_by))])
        s += section(look, "sec_overview", "Assurance at a glance", rec)
        if plans:
            rows, extra = [], []
            for i, p in enumerate(plans, 1):
                rows.append([link(p.anchor, f"<b>{esc(p.id)}</b>"), f"{esc(p.title)}<br/><font color='#505a5f'>"
                             f"{esc(p.service)}</font>", _level_cell(look, p.level, i, 2, extra),
                             esc(p.rag_counts), esc(p.ready), pages.page(p.anchor)])
            s.append(look.table(["Plan", "Title", "Assurance", "Actions assessed", "Ready to close", "Page"], rows,
                                extra=extra, zebra=False))
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
            exceptions = None
            if p.exceptions:
                rows = [[f"<b>{esc(e.subject)}</b>", esc(e.what), esc(e.detail)] for e in p.exceptions]
                exceptions = [look.table(["Subject", "Exception", "Detail"], rows)]
            s += sections(look, [(look.sub("Exceptions")[0], exceptions,
                                  "No exceptions: no action is red, amber, overdue or overstated, and no error "
                                  "finding is open.")])
            if p.trends:
                s.append(look.p("Trends", "h4"))
            for t in p.trends:
                caption = f"<b>{esc(t.title)}</b> (linked to {esc(t.actions)}). {esc(t.explanation)}"
                s.append(KeepTogether([image(t.png, TEXT_W * 0.86, 5.2 * cm), Spacer(1, 2),
                                       look.p(caption, "small"), Spacer(1, 4)]))
            s.append(look.p("Line of sight: concern → action → evidence of impact → sustained?", "h4"))
            rows, extra = [], []
            for i, r in enumerate(p.sight, 1):
                colour = "#00703c" if r.sustained_ok else "#b35c00"
                lead, _, rest = r.sustained.partition(":")
                rows.append([esc(r.concern), f"<b>{esc(r.action)}</b> {esc(r.title)}", esc(r.impact),
                             f"<font color='{colour}'><b>{esc(lead)}</b>{':' if rest else ''}{esc(rest)}</font>"])
            if len(rows) > 1:
                extra.append(("SPAN", (0, 1), (0, len(rows))))
            s.append(look.table(["Concern", "Action", "Evidence of impact", "Sustained?"], rows, extra=extra,
                                zebra=False))
        if view.others:
            s += _by_exception(view.others, look, rec)
        return s
    return build


def _by_exception(others: list[ExceptionPlanView], look: Look, rec: dict) -> list:
    """The plans seen by exception: each with its exceptions, or one line when it has none."""
    s = [CondPageBreak(5 * cm), *section(look, "sec_others", BY_EXCEPTION_HEADING, rec),
         look.p(esc(BY_EXCEPTION_RULE), "small")]
    for p in others:
        where = f"{esc(p.service)}, {esc(p.risk)} risk"
        if not p.exceptions:
            s.append(Heading(f"<b>{esc(p.id)}</b> {esc(p.title)} ({where}): no exceptions.", look.styles["body"],
                             p.anchor, rec))
            continue
        s.append(Heading(f"{esc(p.id)} {esc(p.title)}", look.styles["h4"], p.anchor, rec))
        s.append(look.p(where, "small"))
        rows = [[f"<b>{esc(e.subject)}</b>", esc(e.what), esc(e.detail)] for e in p.exceptions]
        s.append(look.table(["Subject", "Exception", "Detail"], rows))
    return s


def docx_view(view: BoardView, pages: dict[str, int], total: int):  # noqa: ANN201 - a view of the template
    head, plans = view.head, view.plans

    def make(tpl) -> dict:  # noqa: ANN001 - the DocxTemplate the chart images are placed in
        marks = Bookmarks()
        return {
            "title": head.title, "provider": head.provider, "classification": head.classification,
            "audience": head.audience, "service": head.service, "as_of": head.as_of, "prepared_by": head.prepared_by,
            "total_pages": str(total), "rule": ASSURANCE_RULE, "count": str(len(plans)), "scope": view.scope,
            "overview": [{"id": wlink(p.anchor, p.id), "title": p.title, "service": p.service,
                          "level": chip(LEVEL_CHIPS.get(p.level), p.level), "rags": p.rag_counts, "ready": p.ready,
                          "page": str(pages.get(p.anchor, ""))} for p in plans],
            "plans": [{"heading": marks.wrap(p.anchor, f"{p.id} {p.title}"), "origin": p.origin,
                       "level": chip(LEVEL_CHIPS.get(p.level), p.level), "reasons": "; ".join(p.reasons),
                       "exceptions": [vars(e) for e in p.exceptions],
                       "trends": [{"title": t.title, "actions": t.actions, "explanation": t.explanation,
                                   "image": word_image(tpl, t.png, 150)} for t in p.trends],
                       "sight": [vars(r) for r in p.sight]} for p in plans],
            "others_heading": marks.wrap("sec_others", BY_EXCEPTION_HEADING) if view.others else "",
            "others_rule": BY_EXCEPTION_RULE,
            # a plan with exceptions is a heading over them; one with none, a line saying so
            "others": [{"heading": marks.wrap(p.anchor, f"{p.id} {p.title}" if p.exceptions else
                                              f"{p.id} {p.title} ({p.service}, {p.risk} risk): no exceptions."),
                        "where": f"{p.service}, {p.risk} risk", "exceptions": [vars(e) for e in p.exceptions]}
                       for p in view.others],
        }
    return make


def with_charts(view: BoardView, job: BuildJob) -> BoardView:
    """The view with each trend's chart drawn in the pack's theme (kept in the cache by what it shows)."""
    pngs = iter(draw_charts([chart_spec(t.chart, theme=job.theme, **CHART_SIZE) for t in view.trends()],
                            cache=job.cache))
    plans = [dataclasses.replace(p, trends=[dataclasses.replace(t, png=next(pngs)) for t in p.trends])
             for p in view.plans]
    return dataclasses.replace(view, plans=plans)


def write(job: BuildJob) -> None:
    view = with_charts(board_view(job.pack, job.options), job)
    outline = [("sec_overview", "Assurance at a glance")] + [(p.anchor, f"{p.id} {p.title}") for p in view.plans]
    if view.others:
        outline.append(("sec_others", BY_EXCEPTION_HEADING))
    laid = document(view.head, job.theme, story(view), outline=outline)
    if "pdf" in job.formats:
        job.write(f"{job.stem}.pdf", laid.pdf)
    if "docx" in job.formats:
        job.write(f"{job.stem}.docx", render_template(job.template(), docx_view(view, laid.anchors, laid.pages),
                                                      title=view.head.title, as_of_iso=view.head.as_of_iso))
