"""The CQC pack in Word: everything `cqc.docx` shows, formatted, with internal links and bookmarks.

The template (`cqc.docx`, made by templates/make_templates.py or supplied by a provider) holds layout
only: styles, tables, loops and conditions. Every value it sees is decided here: plain strings (escaped
by compiler.render.docx.template) or small run-level OOXML objects (compiler.render.docx.ooxml).

The Word file has no appendices: every exhibit is in the PDF bundle, so a reference to one says where
("E-012 (bundle pp. 47–49)"). No other page number is written: the contents are links, since the PDF's
pages are not this document's. Sections and rows come in the PDF's order.
"""
from __future__ import annotations

from typing import Any

from docxtpl import DocxTemplate

from compiler.render.docx.ooxml import (CLOSURE_CHIPS, LINK_STYLE, REQ_CHIPS, Bookmarks, Ooxml, chip, join, line_break,
                                        link, run)
from compiler.render.docx.template import image as word_image
from compiler.render.pdf.pages import PageMap
from compiler.views.common import FindingView
from compiler.views.cqc import SECTIONS, CqcView
from compiler.views.words import SEVERITY_WORDS

CHART_WIDTH_MM = 160


def bundle_pages(pages: PageMap, number: str) -> str:
    """Where an exhibit is in the PDF bundle: "bundle pp. 47–49" (its sheet, then its pages), or ""."""
    return f"bundle {pages.exhibit_pages(number)}" if number in pages.exhibits else ""


def _exhibit_link(pages: PageMap, number: str, anchor: str) -> Ooxml:
    """`E-012 (bundle pp. 47–49)`, linked to the evidence index row, its spaces no-break ones: a reference is
    never broken across lines (a list of them has one to a line, and a link's text is measured whole)."""
    where = bundle_pages(pages, number)
    return link(anchor, f"{number} ({where})".replace(" ", "\u00a0") if where else number)


def _exhibit_links(pages: PageMap, refs) -> Ooxml:  # noqa: ANN001 - ExhibitRefs
    """One reference a line: a line break, never a hyphen inside a reference, comes between two of them."""
    return join([_exhibit_link(pages, r.number, r.anchor) for r in refs], line_break())


def _finding(f: FindingView, action_anchors: dict[str, str]) -> dict[str, Any]:
    subject = link(action_anchors[f.subject], f.subject) if f.subject in action_anchors else run(f.subject)
    # no hint for the plan files and no file: the inspector reads what would resolve it, placed by plan and action
    return {"rule": f.rule, "name": f.name, "severity": SEVERITY_WORDS.get(f.severity, f.severity),
            "subject": subject, "message": f.message, "resolve": f.resolve, "location": f.location,
            "waiver_reason": f.waiver_reason or ""}


def _summary_row(s) -> dict[str, Any]:  # noqa: ANN001 - a SummaryRow
    return {"id": link(s.anchor, s.id), "title": s.title, "owner": s.owner, "risk": s.risk.capitalize(),
            "due": s.due, "declared": chip(s.declared_rag), "assessed": chip(s.assessed_rag),
            "ready": "Yes" if s.closure_ready else "No", "overdue": "Overdue" if s.overdue else ""}


def gap_order(gaps: list[FindingView]) -> list[FindingView]:
    """The gap report's rows in the PDF's order: errors, then warnings, then information, each as found."""
    rank = list(SEVERITY_WORDS)
    return sorted(gaps, key=lambda f: rank.index(f.severity) if f.severity in rank else len(rank))


def build_view(view: CqcView, pages: PageMap, tpl: DocxTemplate | None = None) -> dict[str, Any]:
    """Everything the template shows, formatted. `tpl` is needed only for chart images."""
    marks = Bookmarks()
    action_anchors = {a.id: a.anchor for a in view.actions}

    contents = []
    sections = {}
    for anchor, heading in SECTIONS:
        contents.append({"level": 1, "line": link(anchor, run(heading, LINK_STYLE))})
        sections[anchor] = marks.wrap(anchor, heading)
        if anchor == "sec_actions":
            for group in view.groups:
                contents.append({"level": 2, "line": link(group.anchor, run(group.name, LINK_STYLE))})
                for statement in group.statements:
                    contents.append({"level": 3, "line": link(statement.anchor, run(statement.name, LINK_STYLE))})
                    for a in statement.actions:
                        contents.append({"level": 4, "line": link(a.anchor, run(f"{a.id} {a.title}", LINK_STYLE))})

    def action(a) -> dict[str, Any]:
        charts = []
        for c in (c for c in a.charts if c.png is not None):     # drawn by the pack
            image = word_image(tpl, c.png, CHART_WIDTH_MM)
            source = (run("Source: ") + _exhibit_link(pages, c.exhibit.number, c.exhibit.anchor)
                      + run(f" {c.exhibit.title}")) if c.exhibit else run("")
            charts.append({"title": c.title, "image": image, "explanation": c.explanation, "source": source})
        return {
            "id": a.id, "heading": marks.wrap(a.anchor, f"{a.id} {a.title}"),
            "title": a.title, "plan": f"{a.plan_id} {a.plan_title}", "service": a.service, "kind": a.kind,
            "risk": a.risk.capitalize(), "owner": a.owner, "opened": a.opened, "due": a.due, "status": a.status,
            "declared": chip(a.declared_rag), "assessed": chip(a.assessed_rag), "rag_reasons": a.rag_reasons,
            "closure_ready": "Yes: every closure test passes" if a.closure_ready else "No",
            "narrative": [{"kind": b.kind, "text": b.text} for b in a.narrative],
            "requirements": [{"label": r.label, "note": r.note, "counts": r.counts,
                              "status": chip(REQ_CHIPS.get(r.status), r.status_text),
                              "exhibits": _exhibit_links(pages, r.exhibits),
                              "unreadable": ("Unreadable: " + ", ".join(r.unreadable)) if r.unreadable else ""}
                             for r in a.requirements],
            "closure": [{"name": c.name, "result": chip(*CLOSURE_CHIPS.get(c.result, (None, c.result))),
                         "reason": c.reason, "exhibits": _exhibit_links(pages, c.exhibits)} for c in a.closure],
            "charts": charts,
            "reviews": [{"date": r.date, "forum": r.forum, "rag": r.rag, "narrative": r.narrative} for r in a.reviews],
            "findings": [_finding(f, action_anchors) for f in a.findings],
        }

    def reference(r) -> dict[str, Any]:  # noqa: ANN001 - a ReferenceView
        # no page number: Word lays out its own pages; the action's id links to it
        return {"line": link(r.anchor, r.id) + run(f" \u2014 see {r.shown_under}") + line_break() + run(r.title)}

    groups = [{"name": g.name, "heading": marks.wrap(g.anchor, g.name),
               "statements": [{"name": s.name, "heading": marks.wrap(s.anchor, s.name),
                               "references": [reference(r) for r in s.references],
                               "actions": [action(a) for a in s.actions]} for s in g.statements]}
              for g in view.groups]

    exhibits = [{"number": marks.wrap(e.anchor, e.number), "title": e.title, "type": e.type,
                 "category": e.category, "date": e.date,
                 "pages": pages.exhibit_pages(e.number) if e.number in pages.exhibits else "—",
                 # one action a line: a line that ran on would break inside an id, at its hyphen
                 "actions": join([link(anchor, ident) for ident, anchor in e.actions], line_break()),
                 "sha_short": e.sha_short, "sha256": e.sha256, "path": e.path, "file_name": e.file_name,
                 "basis": e.basis}
                for e in view.exhibits]
    spans = [pages.exhibits[e.number] for e in view.exhibits if e.number in pages.exhibits]
    appendix_pages = f"pages {min(s[0] for s in spans)}–{max(s[1] for s in spans)}" if spans else ""

    summary = [_summary_row(s) for s in view.summary]
    head = view.head
    return {
        "pack": head.pack, "title": head.title, "audience": head.audience, "classification": head.classification,
        "provider": head.provider, "service": head.service, "as_of": head.as_of, "prepared_by": head.prepared_by,
        "tool_version": head.tool_version, "total_pages": str(pages.total),
        "plans": [{"id": p[0], "title": p[1], "service": p[2], "risk": p[3].capitalize()} for p in head.plans],
        "contents": contents, "sec": sections,
        "rag_table": [{"rag": chip(rag), "declared": str(d), "assessed": str(s)} for rag, d, s in view.rag_table],
        "counts": {"actions": str(len(view.actions)), "closure_ready": str(view.closure_ready),
                   "overstated": str(view.overstated), "exhibits": str(len(view.exhibits)),
                   "unreadable": str(len(view.unreadable)),
                   **{k: str(v) for k, v in view.findings_count.items()}},
        "summary": summary, "high_risk": [r for r, s in zip(summary, view.summary) if s.risk == "high"],
        "groups": groups, "exhibits": exhibits, "appendix_pages": appendix_pages,
        "gaps": [_finding(f, action_anchors) for f in gap_order(view.gaps)],
        "waivers": [_finding(f, action_anchors) for f in view.waivers],
        "unreadable": [{"id": i, "title": t, "reason": r} for i, t, r in view.unreadable],
    }
