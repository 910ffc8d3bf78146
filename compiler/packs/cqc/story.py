"""The CQC pack's PDF body: cover, contents, summary, actions by key question, evidence index, gap report,
waivers and the list of appendices, in parts the layout engine lays out and keeps (compiler.render.pdf.layout).

Page references come from the previous pass's record; every link points at a private `sgpack:<anchor>`
URI that the joiner turns into a GoTo destination. All user text goes through `esc()` before it reaches
Paragraph markup, so `<img src=...>`, `{{ }}` and `<script>` print as typed.

Longer than the house 400 lines because each section's layout lives here, next to the others it shares
helpers with.
"""
from __future__ import annotations

import dataclasses
from typing import NamedTuple

from reportlab.graphics.shapes import Drawing, Rect, String
from reportlab.lib import colors
from reportlab.lib.units import cm
from reportlab.platypus import KeepTogether, PageBreak, Spacer, Table, TableStyle

from compiler.render.pdf.blocks import cover, sections
from compiler.render.pdf.flow import Para
from compiler.render.pdf.images import image
from compiler.render.pdf.layout import Part, Story
from compiler.render.pdf.look import TEXT_W, Look, esc, link
from compiler.render.pdf.pages import Heading, Pages
from compiler.views.cqc import SECTIONS, ActionView, CqcView, StatementView
from compiler.views.words import RAG_WORDS
from evidence_store.shelf import inputs_key


def _cover(view: CqcView, look: Look, rec: dict[str, int]) -> list:
    story = cover(view.head, look, rec)
    story += [Spacer(1, 0.8 * cm), look.p("Plans included", "h3")]
    rows = [[esc(pid), esc(t), esc(svc), esc(risk.capitalize())] for pid, t, svc, risk in view.head.plans]
    story.append(look.table(["Plan", "Title", "Service", "Risk"], rows))
    story += [Spacer(1, 0.8 * cm), look.p(
        "This pack is a paginated bundle: the main body is followed by every exhibit, each opened by an "
        "exhibit sheet. Every page carries a bundle page number; every appendix page carries its exhibit "
        "stamp. Page references and links in this body point at bundle pages.", "small"), PageBreak()]
    return story


def _contents(view: CqcView, look: Look, rec: dict[str, int], pages: Pages) -> list:
    entries: list[tuple[int, str, str]] = []
    for anchor, name in SECTIONS:
        entries.append((0, anchor, esc(name)))
        if anchor == "sec_actions":
            for group in view.groups:
                entries.append((1, group.anchor, esc(group.name)))
                for st in group.statements:
                    entries.append((2, st.anchor, esc(st.name)))
                    for a in st.actions:
                        entries.append((3, a.anchor, f"<b>{esc(a.id)}</b>\u2002{esc(a.title)}"))
    rows = []
    style = [("VALIGN", (0, 0), (-1, -1), "BOTTOM"), ("TOPPADDING", (0, 0), (-1, -1), 2.2),
             ("BOTTOMPADDING", (0, 0), (-1, -1), 2.2), ("LEFTPADDING", (0, 0), (-1, -1), 0)]
    for i, (level, anchor, label) in enumerate(entries):
        rows.append([look.cell(link(anchor, label, plain=True), f"toc{level}"),
                     look.cell(link(anchor, pages.page(anchor), plain=True), "toc0r" if level == 0 else "cell_r")])
        if level == 0:
            style += [("LINEABOVE", (0, i), (-1, i), 0.5, look.rule), ("TOPPADDING", (0, i), (-1, i), 7)]
    t = Table(rows, colWidths=[TEXT_W - 1.6 * cm, 1.6 * cm], hAlign="LEFT", repeatRows=0)
    t.setStyle(TableStyle(style))
    return [Heading("Contents", look.styles["h1"], "contents", rec), t, PageBreak()]


def _rag_drawing(view: CqcView, look: Look) -> Drawing:
    """Declared (light) against assessed (solid) RAG counts, one pair of bars per RAG."""
    rows = view.rag_table
    biggest = max([1] + [max(d, a) for _, d, a in rows])
    label_w, bar_h, gap, top = 150, 9, 10, 22
    height = top + len(rows) * (2 * bar_h + gap) + 4
    width = TEXT_W * 0.72
    scale = (width - label_w - 30) / biggest
    d = Drawing(width, height)
    d.add(Rect(label_w, height - 12, 10, 8, fillColor=colors.HexColor("#9fb1c0"), strokeColor=None))
    d.add(String(label_w + 14, height - 11, "Declared", fontName=look.font, fontSize=8, fillColor=look.text))
    d.add(Rect(label_w + 70, height - 12, 10, 8, fillColor=look.heading, strokeColor=None))
    d.add(String(label_w + 84, height - 11, "Assessed", fontName=look.font, fontSize=8, fillColor=look.text))
    y = height - top
    for rag, declared, assessed in rows:
        colour = look.rag[rag]
        light = colors.Color(*(0.45 * v + 0.55 for v in (colour.red, colour.green, colour.blue)))
        d.add(String(0, y - bar_h - 3, RAG_WORDS[rag], fontName=look.font, fontSize=8.5, fillColor=look.text))
        for i, (count, fill) in enumerate(((declared, light), (assessed, colour))):
            by = y - (i + 1) * bar_h
            d.add(Rect(label_w, by, max(count * scale, 0.8), bar_h - 1.5, fillColor=fill, strokeColor=None))
            d.add(String(label_w + count * scale + 4, by + 1, str(count), fontName=look.font, fontSize=7.5,
                         fillColor=look.text))
        y -= 2 * bar_h + gap
    return d


def _summary(view: CqcView, look: Look, rec: dict[str, int]) -> list:
    story = [Heading("Summary", look.styles["h1"], "sec_summary", rec),
             *look.sub("Declared and assessed RAG", "h3"), _rag_drawing(view, look), Spacer(1, 6)]
    rows, extra = [], []
    for i, (rag, declared, assessed) in enumerate(view.rag_table, 1):
        chip, bg = look.chip(rag)
        rows.append([chip, look.cell(str(declared), "cell_r"), look.cell(str(assessed), "cell_r")])
        extra.append(("BACKGROUND", (0, i), (0, i), bg))
    rows = [[look.cell(esc(RAG_WORDS[r]), "cell_chip_dark" if r == "amber" else "cell_chip"), d, a] for (r, _, _), (_, d, a)
            in zip(view.rag_table, rows)]
    story += [look.table(["RAG", "Declared", "Assessed"], rows, width=10.5 * cm, extra=extra,
                         zebra=False), Spacer(1, 10)]
    fc = view.findings_count
    counts = [("Actions in this pack", str(len(view.actions))),
              ("Ready to close on evidence", str(view.closure_ready)),
              ("Declared RAG better than assessed", str(view.overstated)),
              ("Findings", f"{fc.get('error', 0)} errors, {fc.get('warning', 0)} warnings, {fc.get('info', 0)} info"),
              ("Exhibits", str(len(view.exhibits))),
              ("Unreadable evidence items", str(len(view.unreadable)))]
    story += [*look.sub("Counts", "h3"), look.kv_table([(k, esc(v)) for k, v in counts], (7 * cm, 6 * cm)),
              Spacer(1, 6)]

    def action_rows(items, cols):
        rows, extra = [], []
        for i, r in enumerate(items, 1):
            dec, dbg = look.chip(r.declared_rag)
            ass, abg = look.chip(r.assessed_rag)
            due = esc(r.due) + (" <font color='#d4351c'><b>(overdue)</b></font>" if r.overdue else "")
            row = {"id": link(r.anchor, esc(r.id)), "title": esc(r.title), "owner": esc(r.owner), "due": due,
                   "dec": dec, "ass": ass, "ready": "Yes" if r.closure_ready else "No"}
            rows.append([row[c] for c in cols])
            extra += [("BACKGROUND", (cols.index("dec"), i), (cols.index("dec"), i), dbg),
                      ("BACKGROUND", (cols.index("ass"), i), (cols.index("ass"), i), abg)]
        return rows, extra

    story += look.sub("High-risk actions", "h3")
    if view.high_risk:
        cols = ["id", "title", "owner", "due", "dec", "ass"]
        rows, extra = action_rows(view.high_risk, cols)
        story.append(look.table(["Action", "Title", "Owner", "Due", "Declared", "Assessed"], rows,
                                extra=extra, zebra=False))
    else:
        story.append(look.p("No high-risk actions."))
    story += [Spacer(1, 6), *look.sub("All actions", "h3")]
    cols = ["id", "title", "owner", "due", "dec", "ass", "ready"]
    rows, extra = action_rows(view.summary, cols)
    story += [look.table(["Action", "Title", "Owner", "Due", "Declared", "Assessed", "Ready"], rows,
                         extra=extra, zebra=False), PageBreak()]
    return story


def _action(a: ActionView, look: Look, pages: Pages, rec: dict[str, int]) -> list:
    s = look.styles
    story: list = [Heading(f"{esc(a.id)}\u2003{esc(a.title)}", s["action"], a.anchor, rec)]
    dec, dbg = look.chip(a.declared_rag)
    ass, abg = look.chip(a.assessed_rag)
    kw, vw = 2.6 * cm, TEXT_W / 2 - 2.6 * cm
    pairs = [("Plan", f"{esc(a.plan_id)}: {esc(a.plan_title)}", "Service", esc(a.service)),
             ("Kind", esc(a.kind), "Risk", esc(a.risk.capitalize())),
             ("Owner", esc(a.owner), "Status", esc(a.status)),
             ("Opened", esc(a.opened), "Due", esc(a.due)),
             ("Declared RAG", dec, "Assessed RAG", ass)]
    data = [[look.cell(esc(k1), "cell_b"), v1 if not isinstance(v1, str) else look.cell(v1),
             look.cell(esc(k2), "cell_b"), v2 if not isinstance(v2, str) else look.cell(v2)]
            for k1, v1, k2, v2 in pairs]
    why = "<br/>".join(esc(r) for r in a.rag_reasons) or "—"
    data.append([look.cell("Why assessed", "cell_b"), look.cell(why), "", ""])
    n = len(data) - 1
    kv = Table(data, colWidths=[kw, vw, kw, vw], hAlign="LEFT", splitInRow=look.split_rows)
    kv.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("LINEBELOW", (0, 0), (-1, -1), 0.4, look.rule),
                            ("BACKGROUND", (0, 0), (0, -1), look.zebra), ("BACKGROUND", (2, 0), (2, n - 1), look.zebra),
                            ("BACKGROUND", (1, n - 1), (1, n - 1), dbg), ("BACKGROUND", (3, n - 1), (3, n - 1), abg),
                            ("SPAN", (1, n), (3, n)),
                            ("TOPPADDING", (0, 0), (-1, -1), 3.5), ("BOTTOMPADDING", (0, 0), (-1, -1), 4)]))
    story.append(kv)

    if a.narrative:
        story += look.sub("Narrative", "h4")
        for block in a.narrative:
            if block.kind == "li":
                story.append(Para(esc(block.text), s["bullet"], bulletText="•"))
            elif block.kind == "h":
                story.append(look.p(f"<b>{esc(block.text)}</b>"))
            else:
                story.append(look.p(esc(block.text)))

    def heading(text: str) -> Para:
        return look.sub(text, "h4")[0]

    required = None
    if a.requirements:
        rows, extra = [], []
        for i, r in enumerate(a.requirements, 1):
            req = f"<b>{esc(r.label)}</b>" + (f"<br/><font color='#505a5f'>{esc(r.note)}</font>" if r.note else "")
            ex = pages.refs(r.exhibits)
            if r.unreadable:
                ex += "<br/><font color='#d4351c'>unreadable: " + esc(", ".join(r.unreadable)) + "</font>"
            colour = "#00703c" if r.status == "met" else "#d4351c"
            rows.append([req, esc(r.counts), f"<font color='{colour}'><b>{esc(r.status_text)}</b></font>", ex])
        required = [look.table(["Requirement", "Found", "Status", "Exhibits"], rows, extra=extra)]

    rows, extra = [], []
    for i, c in enumerate(a.closure, 1):
        result = look.cell(esc(c.result.upper() if c.result != "n/a" else "n/a"), "cell_chip")
        rows.append([esc(c.name), result, esc(c.reason), pages.refs(c.exhibits)])
        extra.append(("BACKGROUND", (1, i), (1, i), look.result.get(c.result, look.grey)))
    closure = [look.table(["Criterion", "Result", "Reason", "Exhibits"], rows, extra=extra, zebra=False),
               Spacer(1, 4), look.p("Ready to close on evidence: <b>" + ("yes" if a.closure_ready else "no") + "</b>",
                                    "small")]
    items = [(heading("Evidence required"), required, "No evidence requirements declared."),
             (heading("Closure test"), closure, "")]

    charts = [c for c in a.charts if c.png is not None]     # drawn by the pack; a view without images has none
    if charts:
        shown = []
        for chart in charts:
            img = image(chart.png, TEXT_W, 9 * cm)
            caption = f"<b>{esc(chart.title)}</b>. {esc(chart.explanation)}"
            if chart.exhibit is not None:
                caption += f" Source data: {pages.exhibit(chart.exhibit.number, chart.exhibit.anchor)}."
            shown.append(KeepTogether([img, Spacer(1, 4), look.p(caption, "small"), Spacer(1, 6)]))
        items.append((heading("Indicators" if len(charts) > 1 else "Indicator"), shown, ""))

    reviews = None
    if a.reviews:
        rows = [[esc(r.date), esc(r.forum), esc(r.rag), esc(r.narrative)] for r in a.reviews]
        reviews = [look.table(["Date", "Forum", "RAG", "Review"], rows)]
    findings = None
    if a.findings:
        rows = [[esc(f.rule), _severity(f.severity), _finding_text(f)] for f in a.findings]
        findings = [look.table(["Rule", "Severity", "Finding"], rows)]
    items += [(heading("Review history"), reviews, "No reviews recorded."),
              (heading("Findings"), findings, "No findings.")]
    return story + sections(look, items, last=True)          # the next action starts on a page of its own


def _severity(sev: str) -> str:
    colour = {"error": "#d4351c", "warning": "#b35c00", "info": "#505a5f"}.get(sev, "#505a5f")
    return f"<font color='{colour}'><b>{esc(sev)}</b></font>"


def _finding_text(f) -> str:
    """The finding as the inspector reads it: what was found, then what would resolve it (never a hint about the
    plan files: that is in the preparer's notes)."""
    text = esc(f.message)
    if f.resolve:
        text += f"<br/><font color='#505a5f'><i>Resolved when: {esc(f.resolve)}</i></font>"
    if f.waiver_reason:
        text += f"<br/><font color='#505a5f'>Waived: {esc(f.waiver_reason)}</font>"
    return text


# A part of the body holds this many actions: few enough that a changed action lays out a few pages again,
# enough that the parts' own copies of the font subsets stay a small share of the bundle.
ACTIONS_PER_PART = 40


class _Item(NamedTuple):
    """One step of the actions section: a quality statement's heading and references (with its key question's
    heading when it is the first of it), or one action shown in full."""
    key_question: tuple[str, str] | None     # (heading, anchor): the first statement of a key question
    statement: StatementView | None          # its heading and its references
    action: ActionView | None


def _action_items(view: CqcView) -> list[_Item]:
    """The actions section in order: each statement's heading and references, then the actions shown in full
    under it, the first of them with the heading so that no part ends on a heading."""
    items: list[_Item] = []
    for group in view.groups:
        for si, st in enumerate(group.statements):
            kq = (group.name, group.anchor) if si == 0 else None
            head = dataclasses.replace(st, actions=[])
            items.append(_Item(kq, head, st.actions[0] if st.actions else None))
            items += [_Item(None, None, a) for a in st.actions[1:]]
    return items


def _references(st: StatementView, look: Look, pages: Pages) -> list:
    """Where each action that addresses this statement, shown in full under another, is: "RP-02 — see Safe ›
    Safeguarding, p. 14", its title below."""
    if not st.references:
        return []
    story: list = [look.p("Actions shown in full under another quality statement that also address this one:",
                          "small")]
    for r in st.references:
        story.append(look.p(f"{link(r.anchor, f'<b>{esc(r.id)}</b>')} \u2014 see {esc(r.shown_under)}, "
                            f"p.\u00a0{link(r.anchor, pages.page(r.anchor))}"
                            f"<br/><font size='8' color='#505a5f'>{esc(r.title)}</font>"))
    return story + [Spacer(1, 6)]


def _actions(items: list[_Item], first: bool, look: Look, pages: Pages, rec: dict[str, int]) -> list:
    """Some of the actions section's items; an action starts a page of its own, a statement that shows no action
    in full is followed on its page by the next. `first`: the section starts here."""
    story: list = [Heading(esc(SECTIONS[1][1]), look.styles["h1"], "sec_actions", rec)] if first else []
    shown = False                           # an action is shown in full on the page being filled
    for item in items:
        if shown:
            story.append(PageBreak())
        if item.key_question:
            name, anchor = item.key_question
            story.append(Heading(f"Key question: {esc(name)}", look.styles["h2"], anchor, rec))
        if item.statement:
            st = item.statement
            story.append(Heading(f"Quality statement: {esc(st.name)}", look.styles["h3"], st.anchor, rec))
            story += _references(st, look, pages)
        if item.action:
            story += _action(item.action, look, pages, rec)
        shown = item.action is not None
    if first and not items:
        story.append(look.p("No actions in this pack."))
    return story


def _index(view: CqcView, look: Look, pages: Pages, rec: dict[str, int]) -> list:
    """The evidence index, on pages of its own; with no exhibits, a line at the top of the gap report's page."""
    if not view.exhibits:
        return [look.empty([(Heading("Evidence index", look.styles["h1"], "sec_index", rec), "No exhibits.")])]
    story: list = [Heading("Evidence index", look.styles["h1"], "sec_index", rec)]
    rows = []
    for e in view.exhibits:
        span = pages.span(e.number)
        supports = ", ".join(link(anchor, esc(aid)) for aid, anchor in e.actions) or "—"
        rows.append([link(e.anchor, f"<b>{esc(e.number)}</b>"),
                     f"{esc(e.title)}<br/><font size='7' color='#505a5f'>{esc(e.basis)}</font>"
                     f"<br/><font name='{look.mono}' size='7' color='#505a5f'>SHA-256 {esc(e.sha_short)}</font>",
                     f"{esc(e.type)}<br/><font color='#505a5f'>{esc(e.category)}</font>", esc(e.date), supports,
                     span])
    story.append(look.table(["Exhibit", "Title", "Type / CQC category", "Date", "Supports", "Pages"],
                            rows))
    story.append(look.p("Under each title: how the exhibit is dated, and why it supports each action. Pages are "
                        "bundle pages: the first is the exhibit sheet. SHA-256 shows the first 12 characters of the "
                        "hash; each exhibit sheet gives it in full.", "small"))
    return story + [PageBreak()]


_SEVERITY_ORDER = {"error": 0, "warning": 1, "info": 2}


def _gaps(view: CqcView, look: Look, rec: dict[str, int], *, top: bool = True) -> list:
    """The gap report, unreadable evidence and waivers, each section with nothing in it a line. Waivers with
    something in them start a page of their own; with nothing, they end this one. `top`: the gap report starts
    its page (else it follows the empty evidence index). Each finding is placed by plan and action, never by file."""
    gaps = sorted(view.gaps, key=lambda f: _SEVERITY_ORDER.get(f.severity, 3))
    found = None
    if gaps:
        rows = [[_severity(f.severity), esc(f.rule), esc(f.location), _finding_text(f)] for f in gaps]
        found = [look.table(["Severity", "Rule", "Where", "Finding"], rows)]
    unreadable = None
    if view.unreadable:
        rows = [[f"<b>{esc(i)}</b><br/>{esc(t)}", esc(r)] for i, t, r in view.unreadable]
        unreadable = [look.table(["Evidence", "Why it could not be read"], rows)]
    items = [(Heading("Gap report", look.styles["h1" if top else "h1_next"], "sec_gaps", rec), found, "No findings."),
             (look.sub("Unreadable evidence", "h3")[0], unreadable, "Every evidence item could be read.")]
    if not view.waivers:
        items.append((Heading("Waivers", look.styles["h1_next"], "sec_waivers", rec), None, "No waivers."))
        return sections(look, items, last=True) + [PageBreak()]
    return sections(look, items, last=True) + [PageBreak()] + _waivers(view, look, rec)


def _waivers(view: CqcView, look: Look, rec: dict[str, int]) -> list:
    rows = [[esc(f.rule), esc(f.subject), esc(f.waiver_reason or ""), esc(f.message)] for f in view.waivers]
    return [Heading("Waivers", look.styles["h1"], "sec_waivers", rec),
            look.table(["Rule", "Subject", "Reason", "Finding waived"], rows), PageBreak()]


def _appendices(view: CqcView, look: Look, pages: Pages, rec: dict[str, int]) -> list:
    story: list = [Heading("Appendices: exhibits", look.styles["h1"], "sec_appendices", rec)]
    story.append(look.p("Each exhibit follows, opened by a one-page exhibit sheet giving its number, title, "
                        "type, date, source file, SHA-256 and the actions it supports. Every appendix page is "
                        "stamped with its exhibit number and its page within the exhibit."))
    if view.exhibits:
        rows = [[link(e.anchor, f"<b>{esc(e.number)}</b>"), esc(e.title), pages.page(e.anchor)]
                for e in view.exhibits]
        story.append(look.table(["Exhibit", "Title", "Sheet page"], rows))
    return story


def parts(view: CqcView, theme_key: str) -> list[Part]:
    """The body in parts: the front (cover, contents, summary), the actions ACTIONS_PER_PART at a time, the
    evidence index (when there are exhibits), and the back (gap report, waivers, the list of appendices)."""
    def front(look: Look, pages: Pages, rec: dict[str, int]) -> list:
        return _cover(view, look, rec) + _contents(view, look, rec, pages) + _summary(view, look, rec)[:-1]

    def index(look: Look, pages: Pages, rec: dict[str, int]) -> list:
        return _index(view, look, pages, rec)[:-1]

    def back(look: Look, pages: Pages, rec: dict[str, int]) -> list:
        # with no exhibits the index is one line, at the top of the gap report's page rather than a page alone
        front = [] if view.exhibits else _index(view, look, pages, rec)
        return front + _gaps(view, look, rec, top=bool(view.exhibits)) + _appendices(view, look, pages, rec)

    def actions(items: list, first: bool) -> Story:
        return lambda look, pages, rec: _actions(items, first, look, pages, rec)

    items = _action_items(view)
    chunks = [items[i:i + ACTIONS_PER_PART] for i in range(0, len(items), ACTIONS_PER_PART)] or [[]]
    # The front shows a little of everything, so it is keyed by the whole view model. The other parts are keyed
    # by what their sections read and what every page prints (the running head): a changed
    # exhibit lays out the index again (it prints the SHA-256), not the gap report or the list of appendices.
    running = (view.head.title, view.head.provider, view.head.as_of, view.head.tool_version)
    parts = [Part(inputs_key("front", view, theme_key), front)]
    parts += [Part(inputs_key("actions", i == 0, chunk, running, theme_key), actions(chunk, i == 0))
              for i, chunk in enumerate(chunks)]
    if view.exhibits:
        parts.append(Part(inputs_key("index", view.exhibits, running, theme_key), index))
    listed = [(e.anchor, e.number, e.title) for e in view.exhibits]
    parts.append(Part(inputs_key("back", view.gaps, view.unreadable, view.waivers, listed, running, theme_key), back))
    return parts
