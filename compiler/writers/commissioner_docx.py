"""The commissioner pack in Word, through `commissioner.docx` (made by templates/make_commissioner_template.py
or supplied by a provider with --templates). The same escaping as the CQC Word pack: every value is
data (XML-escaped, braces as character references), the template holds layout only. Output is
deterministic and carries no hidden metadata: core properties are rewritten (title, creator
"sgpack", as-of dates), and the template has no comments, no hidden text and no custom properties.
"""
from __future__ import annotations

import io
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Any

from docx.shared import Mm
from docxtpl import DocxTemplate, InlineImage
from jinja2 import Environment, TemplateError

from compiler.errors import SgpackError
from compiler.writers.commissioner_view import CommissionerView
from compiler.writers.docx import CHART_WIDTH_MM, Bookmarks, _finalize, link, normalise_docx, run

TEMPLATE_NAME = "commissioner.docx"


def build_view(v: CommissionerView, tpl: DocxTemplate | None = None) -> dict[str, Any]:
    marks = Bookmarks()
    contents = [{"line": link(c.anchor, run(c.name, "InternalLink"))} for c in v.contracts]
    contents.append({"line": link("sec_dp", run("Data protection", "InternalLink"))})

    def image(png: bytes | None):
        if png is None or tpl is None:
            return ""
        return InlineImage(tpl, io.BytesIO(png), width=Mm(CHART_WIDTH_MM))

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
            "overdue": [{"id": o.id, "title": o.title, "owner": o.owner, "due": o.due, "days": o.days,
                         "status": o.status, "rag": o.rag} for o in c.overdue],
            "closures": [{"id": cl.id, "title": cl.title, "state": cl.state,
                          "criteria": [{"name": n, "result": r, "reason": why} for n, r, why in cl.criteria],
                          "evidence": [{"id": e.id, "title": e.title, "date": e.date} for e in cl.evidence]}
                         for cl in c.closures],
            "pamms": [{"issue": r.issue, "id": r.id, "action": r.action, "person": r.person,
                       "timeline": r.timeline, "status": r.status, "latest": r.update} for r in c.pamms],
        })
    dp = v.data_protection
    hits = [{"file": h.file, "location": h.location, "kind": h.kind, "masked": h.masked, "level": level}
            for level, group in (("Blocking", dp.blocking), ("Warning", dp.warnings)) for h in group]
    return {
        "title": v.title, "provider": v.provider, "classification": v.classification, "service": v.service,
        "as_of": v.as_of, "audience": v.audience, "prepared_by": v.prepared_by, "tool_version": v.tool_version,
        "contents": contents, "contracts": contracts, "dp_heading": marks.wrap("sec_dp", "Data protection"),
        "dp": {"purpose": dp.purpose, "lawful_basis": dp.lawful_basis, "condition": dp.condition,
               "recipient": dp.recipient, "approved_by": dp.approved_by, "override": dp.override,
               "pseudonymised": [{"what": k, "count": n} for k, n in dp.pseudonymised],
               "suppressed": [{"what": k, "count": n} for k, n in dp.suppressed],
               "rules": dp.rules, "hits": hits},
    }


def render_docx(v: CommissionerView, *, template_dir: Path | Traversable) -> bytes:
    source = template_dir / TEMPLATE_NAME
    if not source.is_file():
        raise SgpackError(f"no {TEMPLATE_NAME} in the templates folder", file=str(template_dir))
    tpl = DocxTemplate(io.BytesIO(source.read_bytes()))
    env = Environment(autoescape=True, finalize=_finalize)
    try:
        tpl.render(build_view(v, tpl), jinja_env=env, autoescape=True)
    except TemplateError as exc:
        raise SgpackError(f"template error: {exc}", file=str(source)) from exc
    out = io.BytesIO()
    tpl.save(out)
    return normalise_docx(out.getvalue(), title=v.title, as_of_iso=v.as_of_iso)


__all__ = ["render_docx", "build_view"]
