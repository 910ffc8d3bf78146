"""The commissioner pack in Word, through `commissioner.docx` (made by templates/make_commissioner_template.py
or supplied by a provider with --templates). Every value is data (compiler.render.docx), the template holds
layout only. Output is deterministic and carries no hidden metadata: core properties are rewritten (title,
creator "sgpack", as-of dates), and the template has no comments, no hidden text and no custom properties.
"""
from __future__ import annotations

from typing import Any

from docxtpl import DocxTemplate

from compiler.render.docx.ooxml import LINK_STYLE, Bookmarks, chip, link, run
from compiler.render.docx.template import image as word_image
from compiler.views.commissioner import CommissionerView, HitRow

CHART_WIDTH_MM = 160


def build_view(v: CommissionerView, tpl: DocxTemplate | None = None) -> dict[str, Any]:
    head, marks = v.head, Bookmarks()
    contents = [{"line": link(c.anchor, run(c.name, LINK_STYLE))} for c in v.contracts]
    contents.append({"line": link("sec_dp", run("Data protection", LINK_STYLE))})

    def image(png: bytes | None):  # noqa: ANN202 - an InlineImage or ""
        return word_image(tpl, png, CHART_WIDTH_MM)

    contracts = []
    for c in v.contracts:
        contracts.append({
            "heading": marks.wrap(c.anchor, c.name),
            "plans": [{"id": p.id, "title": p.title, "origin": p.origin, "service": p.service, "risk": p.risk,
                       "actions": str(p.actions), "statuses": p.statuses, "rags": p.rags,
                       "overdue": str(p.overdue), "ready": str(p.ready)} for p in c.plans],
            "indicators": [{"title": i.title, "where": f"{i.plan_id} · {i.actions}", "period": i.latest_period,
                            "value": i.latest_value + (f" {i.unit}" if i.unit not in ("count", "value") else ""),
                            "target": i.target or "—", "signal": i.signal, "explanation": i.explanation,
                            "image": image(i.png), "note": i.chart_note,
                            "quarter": ", ".join(f"{p}: {val}" for p, val in i.quarter)
                            + (f"; total {i.quarter_total}" if i.quarter_total else ""),
                            "source": i.source} for i in c.indicators],
            "overdue": [{"id": o.id, "title": o.title, "owner": o.owner, "due": o.due, "days": str(o.days),
                         "status": o.status, "rag": chip(o.assessed_rag)} for o in c.overdue],
            "closures": [{"id": cl.id, "title": cl.title, "state": cl.state,
                          "criteria": [{"name": n, "result": r, "reason": why} for n, r, why in cl.criteria],
                          "evidence": [{"id": e.id, "title": e.title, "date": e.date} for e in cl.evidence]}
                         for cl in c.closures],
            "pamms": [{"issue": r.issue, "id": r.id, "action": r.action, "person": r.person,
                       "timeline": r.timeline, "status": r.status, "latest": r.update} for r in c.pamms],
        })
    dp = v.data_protection

    def hits(group: list[HitRow]) -> list[dict[str, str]]:
        return [{"file": h.file, "location": h.location, "kind": h.kind, "masked": h.masked} for h in group]

    return {
        "title": head.title, "provider": head.provider, "classification": head.classification,
        "service": head.service, "as_of": head.as_of, "audience": head.audience, "prepared_by": head.prepared_by,
        "tool_version": head.tool_version,
        "contents": contents, "contracts": contracts, "dp_heading": marks.wrap("sec_dp", "Data protection"),
        # the claims are the build's (compiler.privacy.claims), as the PDF prints them: the template states none
        "dp": {"cover": dp.cover, "scan_result": dp.scan_result, "not_checked": dp.not_checked,
               "purpose": dp.purpose, "lawful_basis": dp.lawful_basis, "condition": dp.condition,
               "recipient": dp.recipient, "approved_by": dp.approved_by, "override": dp.override,
               # as the PDF: a recipient or an approver not given is left off, not printed as an instruction
               "facts": [{"what": k, "value": v} for k, v in (
                   ("Purpose", dp.purpose), ("Lawful basis (Article 6)", dp.lawful_basis),
                   ("Condition (Article 9)", dp.condition), ("Recipient", dp.recipient),
                   ("Approved by", dp.approved_by)) if v],
               "blocking": hits(dp.blocking), "warnings": hits(dp.warnings),
               "pseudonymised": [{"what": k, "count": n} for k, n in dp.pseudonymised],
               "suppressed": [{"what": k, "count": n} for k, n in dp.suppressed],
               "rules": dp.rules,
               # both groups in one list, for a provider's template started from an earlier commissioner.docx
               "hits": [{**hit, "level": level} for level, group in (("Blocking", dp.blocking),
                                                                     ("Warning", dp.warnings)) for hit in hits(group)]},
    }
