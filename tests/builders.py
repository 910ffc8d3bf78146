"""Keyword-argument factories for plans, actions and evidence items, so tests need no files.

Defaults describe one small Oakview plan: plan SAP-2026-007 (restrictive practice at
Oakview, high risk, opened 2026-02-14) and action RP-01 (opened 2026-02-20, due 2026-05-31).
Every factory takes any model field as a keyword to override the default.
"""
from __future__ import annotations

import datetime as dt
import re
import shutil
from pathlib import Path
from typing import Any, Iterable

from compiler.model.evidence import Catalogue, EvidenceItem, Link, ScoreRow, SeriesPoint
from compiler.model.plan import Action, Indicator, Owner, Plan, Requirement, Review

D = dt.date
PLAN_ID = "SAP-2026-007"
ACTION_ID = "RP-01"
AS_OF = D(2026, 6, 1)

_FOLDERS = {"audit": "audits", "governance_minutes": "minutes", "supervision": "supervision",
            "competency": "competency", "training": "training", "debrief": "debriefs",
            "indicator": "indicators", "board_report": "board"}


def make_owner(owner: Owner | dict | str | None) -> Owner | None:
    """An Owner from an Owner, a dict, "Name (Role)", a bare name, or None."""
    if owner is None or isinstance(owner, Owner):
        return owner
    if isinstance(owner, dict):
        return Owner(**owner)
    m = re.fullmatch(r"\s*(.+?)\s*\((.+)\)\s*", owner)
    if m:
        return Owner(name=m.group(1), role=m.group(2), raw=owner)
    return Owner(name=owner, raw=owner)


def make_requirement(type: str = "audit", **kw: Any) -> Requirement:
    return Requirement(type=type, **kw)


def _requirement(r: Requirement | dict | str) -> Requirement:
    if isinstance(r, Requirement):
        return r
    if isinstance(r, str):
        return Requirement(type=r)
    return Requirement(**r)


def _review(r: Review | dict) -> Review:
    return r if isinstance(r, Review) else Review(**r)


def make_review(date: dt.date, narrative: str | None = "Reviewed.", **kw: Any) -> Review:
    kw.setdefault("forum", "Quality and Safeguarding Committee")
    return Review(date=date, narrative=narrative, **kw)


def make_action(id: str = ACTION_ID, **kw: Any) -> Action:
    """An action; `requires` may hold Requirement objects, dicts or bare type names."""
    kw.setdefault("title", "Managers review restrictive practice logs weekly")
    kw.setdefault("kind", "oversight")
    kw["owner"] = make_owner(kw.get("owner", {"name": "Priya Shah", "role": "Registered Manager",
                                              "raw": "Priya Shah (Registered Manager)"}))
    kw.setdefault("risk", "high")
    kw.setdefault("opened", D(2026, 2, 20))
    kw.setdefault("due", D(2026, 5, 31))
    kw.setdefault("status", "in_progress")
    kw["requires"] = [_requirement(r) for r in kw.get("requires", [])]
    kw["reviews"] = [_review(r) for r in kw.get("reviews", [])]
    return Action(id=id, **kw)


def make_indicator(id: str = "restrictive_interventions", **kw: Any) -> Indicator:
    kw.setdefault("title", "Restrictive interventions per month")
    kw.setdefault("better", "lower")
    kw.setdefault("data", "indicators/oakview-restrictive-interventions.csv")
    return Indicator(id=id, **kw)


def make_plan(actions: Iterable[Action] | None = None, **kw: Any) -> Plan:
    """A plan; defaults to SAP-2026-007 with one default action RP-01."""
    kw.setdefault("provider", "Example Care Ltd")
    kw.setdefault("id", PLAN_ID)
    kw.setdefault("title", "Restrictive practice at Oakview")
    kw.setdefault("service", "Oakview")
    kw.setdefault("abuse_types", ["restrictive_practice"])
    kw.setdefault("risk", "high")
    kw.setdefault("opened", D(2026, 2, 14))
    kw.setdefault("governance_forum", "Quality and Safeguarding Committee")
    kw.setdefault("file", "plans/oakview.yaml")
    kw["indicators"] = [i if isinstance(i, Indicator) else Indicator(**i) for i in kw.get("indicators", [])]
    kw["actions"] = list(actions) if actions is not None else [make_action()]
    return Plan(**kw)


def make_link(target: str = ACTION_ID, source: str = "mention", why: str | None = None) -> Link:
    if why is None:
        why = {"mention": f"{target} mentioned on page 1",
               "index": f"linked to {target} in evidence.yaml",
               "sidecar": f"linked to {target} in sidecar",
               "metadata": f"{target} in document keywords"}[source]
    return Link(target=target, source=source, why=why)


def make_item(id: str = "item", type: str = "audit", *, links: Iterable[Link | str] = (),
              **kw: Any) -> EvidenceItem:
    """An evidence item. `links` may hold Link objects or bare targets (a text mention).
    Path, format and the type's provenance are made up from id and type unless given."""
    folder = _FOLDERS.get(type, type)
    kw.setdefault("path", f"{folder}/{id}.pdf")
    kw.setdefault("format", kw["path"].rsplit(".", 1)[-1].lower() if "." in kw["path"] else "")
    kw.setdefault("title", id.replace("-", " "))
    kw.setdefault("provenance", {"type": f"folder '{folder}'"})
    kw["links"] = [link if isinstance(link, Link) else make_link(link) for link in links]
    return EvidenceItem(id=id, type=type, **kw)


def make_scores(*rows: tuple[dt.date, float], audit: str = "Restrictive practice log audit",
                max: float = 100.0) -> list[ScoreRow]:
    """Score rows numbered from 2 (row 1 is the header)."""
    return [ScoreRow(row=n, date=d, audit=audit, score=s, max=max) for n, (d, s) in enumerate(rows, start=2)]


def make_series(*points: tuple[dt.date, float], service: str | None = None,
                indicator: str | None = None) -> list[SeriesPoint]:
    """Series points numbered from 2; labels are YYYY-MM."""
    return [SeriesPoint(row=n, period=d, label=d.strftime("%Y-%m"), value=v, service=service,
                        indicator=indicator) for n, (d, v) in enumerate(points, start=2)]


def make_catalogue(items: Iterable[EvidenceItem] = (), root: str = "evidence") -> Catalogue:
    return Catalogue(root=root, items=sorted(items, key=lambda i: i.path))


# The commissioner pack holds only plans under a contract: the example's Oakview and record-quality plans give
# none, so commissioner tests build from a copy of the example with every plan under one.
EXAMPLE_PLANS = Path(__file__).resolve().parents[1] / "examples" / "plans"
CONTRACTS = {"oakview-restrictive-practice.yaml": "NCC-RES-2026-004",
             "record-quality-escalation.yaml": "NCC-QUA-2026-001"}


def under_contracts(folder: Path) -> Path:
    """The example plans copied to `folder`, each under a contract."""
    shutil.copytree(EXAMPLE_PLANS, folder)
    for name, contract in CONTRACTS.items():
        plan = folder / name
        text = plan.read_text(encoding="utf-8")
        plan.write_text(text.replace("\n  risk: ", f"\n  contract: {contract}\n  risk: ", 1), encoding="utf-8")
    return folder
