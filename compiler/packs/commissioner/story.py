"""The commissioner pack as PDF: cover, contents, one chapter per contract (plan progress, indicators
with charts, actions overdue, closures and their evidence, the PAMMS-shaped action table) and the
data-protection page. No appendices.

Laid out and finished by the PDF kit every pack uses (compiler.render.pdf), so the same inputs give the
same bytes. All text is escaped.
"""
from __future__ import annotations

from reportlab.lib.units import cm
from reportlab.platypus import KeepTogether, PageBreak, Paragraph, Spacer, Table, TableStyle

from compiler.render.pdf.blocks import cover, sections
from compiler.render.pdf.images import image
from compiler.render.pdf.layout import Story
from compiler.render.pdf.look import TEXT_W, Look, esc, link
from compiler.render.pdf.pages import Heading, Pages
from compiler.views.commissioner import CommissionerView, ContractView
from compiler.views.words import RAG_WORDS

RESULT_COLOURS = {"pass": "#00703c", "fail": "#d4351c", "n/a": "#505a5f"}


def _cover(v: CommissionerView, look: Look, rec: dict) -> list:
    return cover(v.head, look, rec) + [
        Spacer(1, 0.8 * cm),
        look.p(esc(v.data_protection.cover), "small"), PageBreak()]


def _contents(v: CommissionerView, look: Look, rec: dict, pages: Pages) -> list:
    entries = [(0, c.anchor, esc(c.name)) for c in v.contracts] + [(0, "sec_dp", "Data protection")]
    rows = [[look.p(link(a, label, plain=True), "toc0"),
             look.p(link(a, pages.page(a), plain=True), "toc0r")] for _, a, label in entries]
    t = Table(rows, colWidths=[TEXT_W - 1.6 * cm, 1.6 * cm], hAlign="LEFT")
    t.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "BOTTOM"), ("LINEABOVE", (0, 0), (-1, -1), 0.5, look.rule),
                           ("LEFTPADDING", (0, 0), (-1, -1), 0), ("TOPPADDING", (0, 0), (-1, -1), 6)]))
    return [Heading("Contents", look.styles["h1"], "contents", rec), t, PageBreak()]


def _contract(c: ContractView, look: Look, rec: dict) -> list:
    s = look.styles
    story: list = [Heading(esc(c.name), s["h1"], c.anchor, rec)]
    story += look.sub("Plan progress", "h2")
    rows = [[f"<b>{esc(p.id)}</b><br/>{esc(p.title)}" + (f"<br/><font color='#505a5f'>{esc(p.origin)}</font>"
                                                          if p.origin else ""),
             esc(p.service), esc(p.risk), str(p.actions), esc(p.statuses), esc(p.rags), str(p.overdue), str(p.ready)]
            for p in c.plans]
    story.append(look.table(["Plan", "Service", "Risk", "Actions", "Status", "Assessed RAG", "Overdue", "Ready"],
                            rows))

    indicators = None
    if c.indicators:
        rows = [[f"<b>{esc(i.title)}</b><br/><font color='#505a5f'>{esc(i.plan_id)} · {esc(i.actions)}</font>",
                 esc(i.latest_period), esc(i.latest_value) + (f" {esc(i.unit)}" if i.unit not in ("count", "value")
                                                              else ""),
                 esc(i.target) or "—", esc(i.signal)] for i in c.indicators]
        indicators = [look.table(["Indicator", "Latest period", "Latest value", "Target", "SPC signal"], rows)]
        for i in c.indicators:
            block: list = [look.p(f"<b>{esc(i.title)}</b>", "h3")]
            if i.png:
                block += [image(i.png, TEXT_W, 8 * cm), Spacer(1, 4)]
            elif i.chart_note:
                block.append(look.p(esc(i.chart_note), "small"))
            quarter = ", ".join(f"{esc(p)}: {esc(val)}" for p, val in i.quarter)
            if i.quarter_total:
                quarter += f"; total {esc(i.quarter_total)}"
            block += [look.p(esc(i.explanation), "small"), look.p(f"Latest quarter: {quarter}.", "small"),
                      look.p(f"Source data: {esc(i.source)}.", "small"), Spacer(1, 6)]
            indicators.append(KeepTogether(block))

    overdue = None
    if c.overdue:
        rows = [[f"<b>{esc(o.id)}</b>", esc(o.title), esc(o.owner), esc(o.due), esc(o.days), esc(o.status),
                 esc(RAG_WORDS.get(o.assessed_rag, "—"))] for o in c.overdue]
        overdue = [look.table(["Action", "Title", "Owner", "Due", "Days over", "Status", "Assessed"], rows)]

    closures = None
    if c.closures:
        closures = []
        for cl in c.closures:
            closures.append(look.p(f"<b>{esc(cl.id)}</b>\u2002{esc(cl.title)} — <i>{esc(cl.state)}</i>", "h4"))
            rows = [[esc(name), f"<font color='{RESULT_COLOURS.get(result, '#505a5f')}'><b>{esc(result)}</b></font>",
                     esc(reason)] for name, result, reason in cl.criteria]
            closures.append(look.table(["Closure test", "Result", "Reason"], rows, zebra=False))
            if cl.evidence:
                rows = [[f"{esc(e.title)}<br/><font color='#505a5f' size='7'>{esc(e.id)}</font>", esc(e.date)]
                        for e in cl.evidence]
                closures.append(look.table(["Evidence behind the closure", "Date"], rows))
    story += sections(look, [
        (look.sub("Indicators", "h2")[0], indicators, "No indicators are linked to these plans' actions."),
        (look.sub("Actions overdue", "h2")[0], overdue, "No action is overdue."),
        (look.sub("Closures and the evidence behind them", "h2")[0], closures,
         "No action is closed or ready to close.")])

    story += look.sub("Remedial action plan (PAMMS format)", "h2")
    rows = [[esc(r.issue), f"<b>{esc(r.id)}</b> {esc(r.action)}", esc(r.person), esc(r.timeline),
             esc(r.status) + (f"<br/><font color='#505a5f'>{esc(r.update)}</font>" if r.update else "")]
            for r in c.pamms]
    story.append(look.table(["Issue", "Action", "Named person", "Timeline", "Status and latest update"], rows))
    return story + [PageBreak()]


def _data_protection(v: CommissionerView, look: Look, rec: dict) -> list:
    dp = v.data_protection
    s = look.styles
    story: list = [Heading("Data protection", s["h1"], "sec_dp", rec)]
    rows = [("Purpose", dp.purpose), ("Lawful basis (Article 6)", dp.lawful_basis),
            ("Condition (Article 9)", dp.condition), ("Recipient", dp.recipient), ("Approved by", dp.approved_by)]
    # a recipient or an approver not given is left off, not printed as an instruction to the preparer
    story.append(look.kv_table([(k, esc(v)) for k, v in rows if v], (4.6 * cm, TEXT_W - 4.6 * cm)))
    # what the scan found, and what it could not check, first: the page's answer before how it was reached
    story += look.sub("Personal-data scan of this pack", "h3")
    if dp.override:
        story.append(look.p(f"<b>Personal data allowed:</b> {esc(dp.override)}"))
    story.append(look.p(esc(dp.scan_result)))
    for name, hits in (("Blocking", dp.blocking), ("Warnings", dp.warnings)):
        if hits:
            story.append(look.p(f"<b>{name}</b>", "h4"))
            rows = [[esc(h.file), esc(h.location), esc(h.kind), esc(h.masked)] for h in hits]
            story.append(look.table(["File", "Location", "Kind", "Value (masked), or the sentence"], rows))
    if dp.not_checked:
        story += look.sub("Not checked", "h3")
        story += [look.p(esc(line)) for line in dp.not_checked]
    story += look.sub("Pseudonymised", "h3")
    story.append(look.kv_table([(k, esc(n)) for k, n in dp.pseudonymised], (8 * cm, 3 * cm)))
    story += look.sub("Small numbers suppressed", "h3")
    story.append(look.kv_table([(k, esc(n)) for k, n in dp.suppressed], (8 * cm, TEXT_W - 8 * cm)))
    story += look.sub("How", "h3")
    for rule in dp.rules:
        story.append(Paragraph(esc(rule), s["bullet"], bulletText="•"))
    return story


def story(v: CommissionerView) -> Story:
    def build(look: Look, pages: Pages, rec: dict) -> list:
        s = _cover(v, look, rec) + _contents(v, look, rec, pages)
        for c in v.contracts:
            s += _contract(c, look, rec)
        return s + _data_protection(v, look, rec)
    return build


def outline(v: CommissionerView) -> list[tuple[str, str]]:
    return [("cover", "Cover"), *((c.anchor, c.name) for c in v.contracts), ("sec_dp", "Data protection")]
