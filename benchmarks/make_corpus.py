"""Generate a deterministic benchmark corpus: sgpack/plan@1 plans and an evidence folder.

    python benchmarks/make_corpus.py --plans 20 --files 2000 --out benchmarks/corpus/c2000
    python benchmarks/make_corpus.py --profile service --out benchmarks/corpus/service
    python benchmarks/make_corpus.py --profile provider --out benchmarks/corpus/provider
    python benchmarks/make_corpus.py --profile build --out benchmarks/corpus/build
    python benchmarks/make_corpus.py --profile group --services 10 --out benchmarks/corpus/group

(`group` is the bundled example copied once per service: benchmarks/group_corpus.py.)

The same arguments and seed give byte-identical files (fixed zip entry times, reportlab
`invariant=1`, fixed document properties). Every file is planned serially from one seeded
`random.Random`; each is then rendered from its own seed, so rendering in parallel does not
change the output.
"""
from __future__ import annotations

import argparse
import csv
import datetime as dt
import io
import os
import random
import re
import shutil
import sys
import time
import zipfile
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.utils import format_datetime
from pathlib import Path
from xml.sax.saxutils import escape as xml_escape

import yaml

PROFILES = {
    # name: (plans, total actions, evidence files)
    "service": (1, 20, 200),
    "provider": (40, 600, 6000),
    # a provider-sized CQC pack: ~200 actions, ~1,000 exhibits, ~5,000 appendix pages
    "build": (16, 200, 2000),
}
# profiles that also change the evidence mix (--mix) and PDF page counts (--pdf-pages)
PROFILE_OPTIONS = {
    "build": {"mix": "build", "pdf_pages": (3, 12)},
}

AS_OF = dt.date(2026, 11, 20)
ZIP_EPOCH = (2026, 1, 1, 0, 0, 0)

SERVICES = [
    "Oakview", "Birchwood", "Meadowbank", "Riverside", "Ashgrove", "Elmhurst", "Hollybrook",
    "Kingsmead", "Larchfield", "Maplecroft", "Northgate", "Orchard House", "Pinewood", "Queensway",
    "Rosedale", "Silverbirch", "Thornbury", "Underwood", "Valley View", "Willowbank", "Yewtree",
    "Alderley", "Beechcroft", "Cedar Lodge", "Dovecote", "Fernlea", "Greenacres", "Heathfield",
    "Ivydene", "Juniper Court", "Laurel Bank", "Millbrook", "Newlands", "Oaklands", "Parkside",
    "Redwood", "Sycamore", "Tamarind", "Westfield", "Hawthorn", "Brookside", "Lakeside",
    "Hillcrest", "Fairview", "Glenview",
]
FIRST = ["Priya", "James", "Aisha", "Tom", "Grace", "Mohammed", "Sarah", "Daniel", "Chloe", "Kwame",
         "Emma", "Oliver", "Fatima", "Liam", "Sophie", "Ravi", "Hannah", "Joseph", "Amara", "Niamh",
         "Ben", "Zara", "Michael", "Leah", "Tariq", "Ruth", "Callum", "Ifeoma", "Gareth", "Mei"]
LAST = ["Shah", "Okafor", "Williams", "Brown", "Patel", "Hughes", "Khan", "Evans", "Murphy", "Nowak",
        "Taylor", "Mensah", "Davies", "Ahmed", "Roberts", "Clarke", "Singh", "Walsh", "Edwards", "Kaur",
        "Lewis", "Osei", "Thompson", "Jones", "Begum", "Wright", "Hall", "Green", "Wood", "Campbell"]
ROLES = ["Registered Manager", "Deputy Manager", "Clinical Lead", "Safeguarding Lead",
         "Head of Quality", "Training Manager", "Team Leader", "Operations Director",
         "Positive Behaviour Support Practitioner", "Nominated Individual"]
FORUMS = ["Quality and Safeguarding Committee", "Clinical Governance Group",
          "Safeguarding Assurance Panel", "Operational Quality Meeting"]
ABUSE = ["physical", "domestic", "sexual", "psychological", "financial", "modern_slavery",
         "discriminatory", "organisational", "neglect", "self_neglect", "restrictive_practice",
         "exploitation"]
QUALITY_STATEMENTS = [
    "learning_culture", "safe_systems_pathways_and_transitions", "safeguarding",
    "involving_people_to_manage_risks", "safe_environments", "safe_and_effective_staffing",
    "medicines_optimisation", "assessing_needs", "consent_to_care_and_treatment",
    "kindness_compassion_and_dignity", "person_centred_care", "listening_to_and_involving_people",
    "freedom_to_speak_up", "governance_management_and_sustainability",
    "learning_improvement_and_innovation", "capable_compassionate_and_inclusive_leaders",
]
KINDS = ["risk_control", "practice_change", "oversight", "evidence_measure"]

# evidence type -> folder name it lives in (docs/evidence.md, Folder names)
FOLDERS = {
    "governance_minutes": "minutes", "audit": "audits", "supervision": "supervision",
    "competency": "competency", "training": "training", "indicator": "indicators",
    "board_report": "board", "debrief": "debriefs", "incident_log": "incidents",
}
REQUIREMENT_TYPES = ["audit", "governance_minutes", "supervision", "competency", "training",
                     "debrief", "incident_log", "board_report", "audit", "governance_minutes"]

ACTION_TITLES = {
    "risk_control": [
        "Introduce a daily check of {thing} on every shift",
        "Restrict access to {thing} to trained senior staff",
        "Put a two-person sign-off in place for {thing}",
        "Review every individual's risk assessment for {thing}",
        "Install an escalation route to the on-call manager for {thing}",
    ],
    "practice_change": [
        "Staff use the revised {thing} procedure in daily practice",
        "Embed person-centred approaches to {thing} in support plans",
        "Deliver face-to-face training on {thing} with observed practice",
        "Rewrite support plans to show how {thing} is managed",
        "Introduce reflective debriefs after every {thing} event",
    ],
    "oversight": [
        "Managers review {thing} records weekly",
        "Safeguarding lead audits {thing} monthly",
        "Quality committee reviews {thing} data at every meeting",
        "Board receives a quarterly report on {thing}",
        "Deputy manager spot-checks {thing} at night",
    ],
    "evidence_measure": [
        "Track {thing} incidents per month against baseline",
        "Measure staff confidence in {thing} through supervision",
        "Monitor audit scores for {thing} to target",
        "Collect feedback from people and families about {thing}",
        "Report {thing} outcomes to commissioners quarterly",
    ],
}
TICK_BOX_TITLES = ["Staff reminded of the {thing} policy", "Policy reissued on {thing}",
                   "Email sent to all staff about {thing}"]
THINGS = ["restrictive practice", "medication", "moving and handling", "financial transactions",
          "night checks", "incident reporting", "falls", "pressure care", "hydration",
          "safeguarding referrals", "mental capacity assessments", "PRN medication",
          "missing person episodes", "visitor access", "personal care", "bed rails"]

SENTENCES = [
    "The {forum} reviewed progress against the action plan and noted the current position.",
    "Records for {month} were sampled and {n} of {m} met the expected standard.",
    "{person} confirmed that the revised procedure has been in use since {date}.",
    "Staff described how they now record {thing} and where the records are kept.",
    "The safeguarding lead asked for assurance that the changes were sustained at weekends.",
    "Two people who use the service were asked about their experience of {thing}.",
    "Night staff were observed completing the {thing} checklist without prompting.",
    "The audit tool was updated to include the questions raised at the last review.",
    "An improvement was seen in the completion of daily notes during {month}.",
    "Agency staff received an induction covering the {thing} procedure on arrival.",
    "The team discussed a recent incident and agreed learning points for practice.",
    "The non-executive director challenged the pace of progress and requested evidence of impact.",
    "Families were updated and their comments recorded in the feedback log.",
    "{n} staff completed the competency assessment; {k} need a further observation.",
    "The registered manager queried whether the data from {month} was complete.",
    "Incident numbers for {thing} remain above the target set in the plan.",
    "The committee was not assured that supervision had covered the new approach.",
    "Support plans were reviewed with each person and updated where their needs had changed.",
    "Managers will continue weekly checks until three months of sustained improvement are seen.",
    "No further concerns were raised by the local authority safeguarding team.",
]


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def person(rng: random.Random) -> str:
    return f"{rng.choice(FIRST)} {rng.choice(LAST)}"


def rand_date(rng: random.Random, start: dt.date, end: dt.date) -> dt.date:
    span = max(0, (end - start).days)
    return start + dt.timedelta(days=rng.randint(0, span))


def sentence(rng: random.Random, forum: str = "committee") -> str:
    s = rng.choice(SENTENCES)
    d = rand_date(rng, dt.date(2026, 1, 1), AS_OF)
    m = rng.randint(8, 20)
    n = rng.randint(4, m)
    return s.format(forum=forum, month=d.strftime("%B"), n=n, m=m, k=rng.randint(0, 3),
                    person=person(rng), date=d.strftime("%-d %B"), thing=rng.choice(THINGS))


def paragraph(rng: random.Random, mentions: list[str], forum: str = "committee") -> str:
    parts = [sentence(rng, forum) for _ in range(rng.randint(2, 5))]
    if mentions:
        i = rng.randrange(len(parts))
        parts[i] = f"Action {', '.join(mentions)}: " + parts[i]
    return " ".join(parts)


# ----------------------------------------------------------------------------- plans

@dataclass
class PlanInfo:
    id: str
    service: str
    prefix: str
    risk: str
    opened: dt.date
    action_ids: list[str]
    action_opened: dict[str, dt.date]
    indicators: list[dict]        # {id, title, better, data, target, opened}
    staff: list[str]
    forum: str


def make_plans(rng: random.Random, n_plans: int, n_actions: int | None) -> tuple[list[dict], list[PlanInfo]]:
    docs, infos = [], []
    services = SERVICES[:]
    rng.shuffle(services)
    if n_actions is None:
        counts = [rng.randint(10, 15) for _ in range(n_plans)]
    else:
        base, extra = divmod(n_actions, n_plans)
        counts = [base + (1 if i < extra else 0) for i in range(n_plans)]
    for p in range(n_plans):
        service = services[p % len(services)] + ("" if p < len(services) else f" {p // len(services) + 1}")
        prefix = re.sub(r"[^A-Z]", "", service.upper())[:3] + f"{p + 1:02d}"
        plan_id = f"SAP-2026-{p + 1:03d}"
        risk = rng.choices(["low", "medium", "high"], [2, 4, 4])[0]
        opened = rand_date(rng, dt.date(2025, 9, 1), dt.date(2026, 6, 30))
        abuse = rng.sample(ABUSE, rng.choice([1, 1, 2]))
        forum = rng.choice(FORUMS)
        staff = [person(rng) for _ in range(6)]
        cadence = rng.choice([28, 28, 28, 14, 42])
        indicators = []
        for k in range(rng.choice([1, 2, 2, 3])):
            thing = rng.choice(THINGS)
            iid = slug(thing).replace("-", "_") + f"_{k + 1}"
            ext = "xlsx" if rng.random() < 0.25 else "csv"
            better = rng.choice(["lower", "lower", "higher"])
            ind = {"id": iid, "title": f"{thing.capitalize()} per month", "better": better,
                   "data": f"indicators/{slug(service)}-{iid.replace('_', '-')}.{ext}"}
            if rng.random() < 0.6:
                ind["target"] = rng.randint(2, 6) if better == "lower" else rng.randint(80, 95)
            indicators.append(ind)
        actions = []
        action_ids, action_opened = [], {}
        for a in range(counts[p]):
            aid = f"{prefix}-{a + 1:02d}"
            kind = KINDS[a % 4] if a < 4 else rng.choice(KINDS)
            thing = rng.choice(THINGS)
            titles = TICK_BOX_TITLES if rng.random() < 0.08 else ACTION_TITLES[kind]
            a_opened = opened + dt.timedelta(days=rng.randint(0, 40))
            due = a_opened + dt.timedelta(days=rng.randint(45, 240))
            status = rng.choices(["planned", "in_progress", "completed", "closed"], [1, 6, 2, 2])[0]
            action: dict = {"id": aid, "title": rng.choice(titles).format(thing=thing), "kind": kind}
            r = rng.random()
            if r < 0.55:
                action["owner"] = {"name": rng.choice(staff), "role": rng.choice(ROLES)}
            elif r < 0.93:
                action["owner"] = f"{rng.choice(staff)} ({rng.choice(ROLES)})"
            elif r < 0.97:
                action["owner"] = rng.choice(["Night team", "All staff", "TBC"])
            # else: no owner (SG201)
            if rng.random() < 0.3:
                action["risk"] = rng.choice(["low", "medium", "high"])
            action["opened"] = a_opened
            if rng.random() < 0.96:
                action["due"] = due
            action["status"] = status
            if status == "closed":
                action["closed"] = min(AS_OF, due + dt.timedelta(days=rng.randint(-30, 30)))
            if rng.random() < 0.9:
                action["rag"] = ("blue" if status == "closed" else
                                 rng.choices(["red", "amber", "green"], [2, 5, 3])[0])
                if rng.random() < 0.97:
                    action["narrative"] = " ".join(sentence(rng, forum) for _ in range(rng.randint(1, 3)))
            if indicators and rng.random() < 0.5:
                action["indicators"] = [rng.choice(indicators)["id"]]
            requires = []
            for t in rng.sample(REQUIREMENT_TYPES, rng.randint(1, 4)):
                if any(q["type"] == t for q in requires):
                    continue
                req: dict = {"type": t}
                if rng.random() < 0.5:
                    req["count"] = rng.choice([2, 3, 4, 6, 8])
                if rng.random() < 0.3:
                    req["within_days"] = rng.choice([60, 90, 180])
                if t == "audit" and rng.random() < 0.6:
                    req["target"] = rng.choice([85, 90, 95])
                if rng.random() < 0.3:
                    req["note"] = f"{t.replace('_', ' ').capitalize()} covering {thing}"
                requires.append(req)
            if rng.random() > 0.04:           # a few actions with no requires (SG101)
                action["requires"] = requires
            reviews = []
            d = a_opened + dt.timedelta(days=rng.randint(7, cadence))
            while d < AS_OF and len(reviews) < 8 and rng.random() < 0.85:
                reviews.append({"date": d, "forum": forum,
                                "rag": rng.choice(["red", "amber", "amber", "green"]),
                                "narrative": sentence(rng, forum)})
                d += dt.timedelta(days=cadence + rng.randint(-3, 10))
            if reviews:
                action["reviews"] = reviews
            if rng.random() < 0.04:
                action["waive"] = [{"rule": "SG404", "reason": "reviewed at the monthly provider forum"}]
            actions.append(action)
            action_ids.append(aid)
            action_opened[aid] = a_opened
        plan = {
            "id": plan_id,
            "title": f"{abuse[0].replace('_', ' ').capitalize()} concerns at {service}",
            "service": service,
        }
        if rng.random() < 0.7:
            plan["contract"] = f"LA-{rng.choice(['DOM', 'RES', 'SL'])}-2025-{rng.randint(1, 40):02d}"
        plan.update({
            "origin": rng.choice(["Section 42 enquiry", "CQC inspection", "Internal audit",
                                  "Serious incident review"]) + f" {2026}-{rng.randint(1, 99):04d}",
            "abuse_types": abuse, "risk": risk, "opened": opened, "review_every_days": cadence,
            "governance_forum": forum,
            "quality_statements": rng.sample(QUALITY_STATEMENTS, rng.randint(1, 4)),
        })
        doc = {"format": "sgpack/plan@1", "provider": "Example Care Ltd", "plan": plan,
               "indicators": [{k: v for k, v in i.items()} for i in indicators], "actions": actions}
        docs.append(doc)
        for i in indicators:
            i["opened"] = opened
        infos.append(PlanInfo(plan_id, service, prefix, risk, opened, action_ids, action_opened,
                              indicators, staff, forum))
    return docs, infos


class _NoAliasDumper(yaml.SafeDumper):
    """Block mappings, flow lists of scalars (the way people write plans), and no aliases
    (the strict plan loader refuses them)."""

    def ignore_aliases(self, data):
        return True


def _represent_list(dumper: yaml.SafeDumper, data: list):
    flow = all(not isinstance(x, (dict, list)) for x in data)
    return dumper.represent_sequence("tag:yaml.org,2002:seq", data, flow_style=flow)


_NoAliasDumper.add_representer(list, _represent_list)


def dump_plan(doc: dict) -> str:
    return yaml.dump(doc, Dumper=_NoAliasDumper, sort_keys=False, default_flow_style=False,
                     allow_unicode=True, width=100)


# ----------------------------------------------------------------------------- evidence plan

@dataclass
class FileSpec:
    path: str           # relative to the evidence folder
    kind: str           # renderer name
    seed: int
    type: str
    title: str
    date: dt.date | None
    mentions: list[str]
    service: str
    staff: list[str] = field(default_factory=list)
    forum: str = "committee"
    extra: dict = field(default_factory=dict)


# format -> (weight, kinds of document of that format: (renderer, type))
FORMAT_MIX = [
    ("docx", 22, [("docx_minutes", "governance_minutes"), ("docx_audit", "audit"),
                  ("docx_report", "board_report"), ("docx_report", "debrief"),
                  ("docx_report", "incident_log"), ("docx_report", "training")]),
    ("pdf", 19, [("pdf", "audit"), ("pdf", "board_report"), ("pdf", "training"),
                 ("pdf", "governance_minutes"), ("pdf", "incident_log")]),
    ("md", 16, [("md", "supervision"), ("md", "supervision"), ("md", "competency"), ("md", "debrief")]),
    ("txt", 7, [("txt", "incident_log"), ("txt", "debrief"), ("txt", "governance_minutes")]),
    ("csv", 9, [("csv_scores", "audit"), ("csv_scores", "audit"), ("csv_log", "incident_log")]),
    ("xlsx", 5, [("xlsx_scores", "audit"), ("xlsx_matrix", "training")]),
    ("eml", 10, [("eml", "governance_minutes"), ("eml", "incident_log"), ("eml", "debrief"),
                 ("eml", "supervision")]),
    ("png", 4, [("png", "competency"), ("png", "training")]),
    ("jpg", 5, [("jpg", "competency"), ("jpg", "audit")]),
    ("other", 1, [("other", "other")]),
]
# the build benchmark's mix: evidence of the types plans require (so most files become
# exhibits), PDF-heavy, and nothing the pack cannot show as pages
BUILD_MIX = [
    ("docx", 16, [("docx_minutes", "governance_minutes"), ("docx_audit", "audit"),
                  ("docx_report", "board_report"), ("docx_report", "debrief"),
                  ("docx_report", "incident_log"), ("docx_report", "training")]),
    ("pdf", 44, [("pdf", "audit"), ("pdf", "board_report"), ("pdf", "training"),
                 ("pdf", "governance_minutes"), ("pdf", "incident_log"), ("pdf", "supervision"),
                 ("pdf", "competency"), ("pdf", "debrief")]),
    ("md", 14, [("md", "supervision"), ("md", "supervision"), ("md", "competency"), ("md", "debrief")]),
    ("txt", 4, [("txt", "incident_log"), ("txt", "debrief"), ("txt", "governance_minutes")]),
    ("csv", 8, [("csv_scores", "audit"), ("csv_scores", "audit"), ("csv_log", "incident_log")]),
    ("xlsx", 6, [("xlsx_scores", "audit"), ("xlsx_matrix", "training")]),
    ("eml", 5, [("eml", "governance_minutes"), ("eml", "incident_log"), ("eml", "debrief"),
                ("eml", "supervision")]),
    ("png", 1, [("png", "competency"), ("png", "training")]),
    ("jpg", 2, [("jpg", "competency"), ("jpg", "audit")]),
]
MIXES = {"check": FORMAT_MIX, "build": BUILD_MIX}

TITLES = {
    "governance_minutes": "{forum} minutes", "audit": "{thing} audit", "board_report": "Board report",
    "debrief": "Debrief: {thing} incident", "incident_log": "Incident summary: {thing}",
    "training": "{thing} training record", "supervision": "Supervision: {person}",
    "competency": "Competency observation: {thing}", "other": "Misc {thing}",
}


def plan_evidence(rng: random.Random, infos: list[PlanInfo], n_files: int, mix: list | None = None,
                  pdf_pages: tuple[int, int] | None = None) -> tuple[list[FileSpec], dict]:
    """Decide every evidence file: path, format, type, date and the ids it mentions.
    `mix` replaces FORMAT_MIX; `pdf_pages` (lo, hi) replaces the 1-10 page distribution of PDFs."""
    mix = mix or FORMAT_MIX
    specs: list[FileSpec] = []
    for info in infos:
        for ind in info.indicators:
            kind = "xlsx_series" if ind["data"].endswith(".xlsx") else "csv_series"
            specs.append(FileSpec(ind["data"], kind, rng.getrandbits(32), "indicator", ind["title"],
                                  None, [], info.service, extra={"indicator": ind}))
    n_side = max(1, n_files // 60)          # sidecars
    n_index = max(2, n_files // 100)        # files described by evidence.yaml
    n_rest = n_files - len(specs) - n_side - 1   # -1: evidence.yaml itself
    weights = [w for _, w, _ in mix]
    used: set[str] = {s.path for s in specs}
    index: dict[str, dict] = {}
    sidecar_candidates: list[FileSpec] = []
    board_every = 40
    for i in range(n_rest):
        fmt, _, kinds = rng.choices(mix, weights)[0]
        renderer, etype = rng.choice(kinds)
        info = rng.choice(infos)
        thing = rng.choice(THINGS)
        date = rand_date(rng, info.opened - dt.timedelta(days=120), AS_OF)
        r = rng.random()
        if r < 0.03:
            mentions: list[str] = []                                    # orphan
        elif r < 0.12:
            mentions = [info.id]                                        # plan-level link
        else:
            mentions = rng.sample(info.action_ids, min(len(info.action_ids), rng.choice([1, 1, 2, 3])))
        if etype == "board_report" and i % board_every == 0:
            # provider-level board report covering several plans
            mentions = sorted({p.id for p in rng.sample(infos, min(len(infos), 4))})
            folder = "board"
        else:
            folder = f"{slug(info.service)}/{FOLDERS.get(etype, 'misc')}"
        title = TITLES[etype].format(forum=info.forum, thing=thing.capitalize(), person=person(rng))
        ext = fmt if fmt != "other" else rng.choice(["odt", "msg", "zip", "docm", "heic"])
        name_date = rng.random()
        if name_date < 0.85:
            stem = f"{date.isoformat()}-{slug(title)}-{i:05d}"
        elif name_date < 0.93:
            stem = f"{date.strftime('%Y-%m')}-{slug(title)}-{i:05d}"
        else:
            stem = f"{slug(title)}-{i:05d}"                             # date from metadata, or undated
        if n_index and rng.random() < 0.02 and len(index) < n_index:
            folder = "inbox"                                            # typed by evidence.yaml
        path = f"{folder}/{stem}.{ext}"
        if path in used:
            continue
        used.add(path)
        spec = FileSpec(path, renderer if fmt != "other" else "other", rng.getrandbits(32), etype, title,
                        date, mentions, info.service, info.staff, info.forum,
                        extra={"thing": thing})
        if pdf_pages and renderer == "pdf":
            spec.extra["pdf_pages"] = pdf_pages
        specs.append(spec)
        if folder == "inbox":
            index[path] = {"id": f"inbox-{i:05d}", "type": etype, "title": title, "date": date,
                           "service": info.service, "actions": mentions or [info.id]}
        elif renderer in ("png", "jpg") and len(sidecar_candidates) < n_side:
            sidecar_candidates.append(spec)
    # a few more index entries that give explicit ids to ordinary files
    for spec in rng.sample(specs[len(infos):], min(n_index, len(specs) // 10)):
        if spec.path in index or spec.kind.endswith("series"):
            continue
        index[spec.path] = {"id": f"ev-{spec.type.replace('_', '-')}-{Path(spec.path).stem[-5:]}",
                            "type": spec.type,
                            "date": spec.date, "actions": spec.mentions}
    for spec in sidecar_candidates:
        spec.extra["sidecar"] = True
    while len(specs) + len(sidecar_candidates) + 1 < n_files:      # top up after collisions
        base = rng.choice(specs[len(infos):])
        path = f"{Path(base.path).parent}/extra-{len(specs):05d}.md"
        specs.append(FileSpec(path, "md", rng.getrandbits(32), base.type, base.title, base.date,
                              base.mentions, base.service, base.staff, base.forum, dict(base.extra)))
    return specs, index


# ----------------------------------------------------------------------------- renderers

_MODIFIED = re.compile(rb"(<dcterms:modified[^>]*>)[^<]*(</dcterms:modified>)")


def fix_zip(data: bytes, modified: dt.date | None = None) -> bytes:
    """Rewrite a zip with fixed entry times (and a fixed core `modified` date, which openpyxl
    stamps with the clock on save), so docx/xlsx files are byte-identical run to run."""
    src = zipfile.ZipFile(io.BytesIO(data))
    stamp = _dt(modified).strftime("%Y-%m-%dT%H:%M:%SZ").encode()
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            zi = zipfile.ZipInfo(info.filename, ZIP_EPOCH)
            zi.compress_type = zipfile.ZIP_DEFLATED
            zi.external_attr = 0o644 << 16
            blob = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                blob = _MODIFIED.sub(lambda m: m.group(1) + stamp + m.group(2), blob)
            dst.writestr(zi, blob)
    return out.getvalue()


def _dt(d: dt.date | None) -> dt.datetime:
    d = d or dt.date(2026, 1, 1)
    return dt.datetime(d.year, d.month, d.day, 9, 0, 0)


_DOCX_BASE: dict[str, bytes] | None = None
_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def _docx_base() -> dict[str, bytes]:
    """The parts of python-docx's default document (styles, settings, ...), made once per process.
    Building each file with python-docx costs ~90 ms; writing document.xml ourselves ~2 ms."""
    global _DOCX_BASE
    if _DOCX_BASE is None:
        import docx

        document = docx.Document()
        document.add_table(rows=1, cols=1).style = "Table Grid"    # keeps the style in styles.xml
        buf = io.BytesIO()
        document.save(buf)
        z = zipfile.ZipFile(buf)
        _DOCX_BASE = {name: z.read(name) for name in z.namelist()}
    return _DOCX_BASE


def _x(text: str) -> str:
    return xml_escape(text)


def _w_par(text: str, style: str | None = None) -> str:
    ppr = f'<w:pPr><w:pStyle w:val="{style}"/></w:pPr>' if style else ""
    return f'<w:p>{ppr}<w:r><w:t xml:space="preserve">{_x(text)}</w:t></w:r></w:p>'


def _w_table(rows: list[list[str]]) -> str:
    width = 8640 // len(rows[0])
    grid = "".join(f'<w:gridCol w:w="{width}"/>' for _ in rows[0])
    body = "".join(
        "<w:tr>" + "".join(f'<w:tc><w:tcPr><w:tcW w:w="{width}" w:type="dxa"/></w:tcPr>{_w_par(c)}</w:tc>'
                           for c in row) + "</w:tr>"
        for row in rows)
    return (f'<w:tbl><w:tblPr><w:tblStyle w:val="TableGrid"/><w:tblW w:w="0" w:type="auto"/>'
            f'<w:tblLook w:val="04A0" w:firstRow="1" w:lastRow="0" w:firstColumn="1" w:lastColumn="0"'
            f' w:noHBand="0" w:noVBand="1"/></w:tblPr><w:tblGrid>{grid}</w:tblGrid>{body}</w:tbl>')


def _core_xml(title: str, author: str, date: dt.date | None, category: str, keywords: str) -> bytes:
    stamp = _dt(date).strftime("%Y-%m-%dT%H:%M:%SZ")
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties"'
        ' xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/"'
        ' xmlns:dcmitype="http://purl.org/dc/dcmitype/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
        f"<dc:title>{_x(title)}</dc:title><dc:subject></dc:subject><dc:creator>{_x(author)}</dc:creator>"
        f"<cp:keywords>{_x(keywords)}</cp:keywords><dc:description></dc:description>"
        f"<cp:lastModifiedBy>{_x(author)}</cp:lastModifiedBy><cp:revision>1</cp:revision>"
        f'<dcterms:created xsi:type="dcterms:W3CDTF">{stamp}</dcterms:created>'
        f'<dcterms:modified xsi:type="dcterms:W3CDTF">{stamp}</dcterms:modified>'
        f"<cp:category>{_x(category)}</cp:category></cp:coreProperties>"
    ).encode()


def render_docx(spec: FileSpec, rng: random.Random) -> bytes:
    base = _docx_base()
    author = spec.staff[0] if spec.staff else "Quality Team"
    title = spec.title if rng.random() < 0.5 else ""
    with_meta = rng.random() < 0.35
    body = [_w_par(spec.title, "Heading1"),
            _w_par(f"{spec.service} · {spec.date.isoformat() if spec.date else 'undated'}")]
    n_par = rng.randint(4, 12)
    mention_at = {rng.randrange(n_par) for _ in spec.mentions}
    for k in range(n_par):
        if k and k % 4 == 0:
            body.append(_w_par(rng.choice(["Discussion", "Findings", "Actions agreed", "Assurance",
                                           "Learning"]), "Heading2"))
        text = paragraph(rng, spec.mentions if k in mention_at else [], spec.forum)
        if spec.kind == "docx_minutes" and rng.random() < 0.15:
            text += " The chair challenged the evidence offered."
        body.append(_w_par(text))
    if spec.kind == "docx_minutes":
        header = ["Action", "Owner", "Update", "RAG"]
    elif spec.kind == "docx_audit":
        header = ["Standard", "Sampled", "Compliant", "Score %"]
    else:
        header = ["Date", "Item", "Outcome", "Lead"]
    rows = [header]
    for r in range(rng.randint(3, 10)):
        ref = spec.mentions[r % len(spec.mentions)] if spec.mentions and r < 3 else "—"
        m = rng.randint(5, 20)
        n = rng.randint(0, m)
        vals = {
            "Action": ref, "Owner": rng.choice(spec.staff) if spec.staff else "—",
            "Update": sentence(rng, spec.forum)[:80], "RAG": rng.choice(["Red", "Amber", "Green"]),
            "Standard": rng.choice(THINGS).capitalize(), "Sampled": str(m), "Compliant": str(n),
            "Score %": f"{100 * n / m:.0f}", "Date": rand_date(rng, dt.date(2026, 1, 1), AS_OF).isoformat(),
            "Item": rng.choice(THINGS), "Outcome": rng.choice(["Met", "Partly met", "Not met"]),
            "Lead": rng.choice(spec.staff) if spec.staff else "—",
        }
        rows.append([vals[h] for h in header])
    body.append(_w_table(rows))
    body.append(_w_par(f"Prepared by {author}."))
    template = base["word/document.xml"].decode()
    cut = template.rindex("<w:sectPr")
    document = template[:template.index("<w:body>") + len("<w:body>")] + "".join(body) + template[cut:]
    parts = dict(base)
    parts["word/document.xml"] = document.encode()
    parts["docProps/core.xml"] = _core_xml(title, author, spec.date, spec.type if with_meta else "",
                                           ", ".join(spec.mentions) if with_meta else "")
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for name, blob in parts.items():
            zi = zipfile.ZipInfo(name, ZIP_EPOCH)
            zi.compress_type = zipfile.ZIP_DEFLATED
            zi.external_attr = 0o644 << 16
            z.writestr(zi, blob)
    return out.getvalue()


def render_pdf(spec: FileSpec, rng: random.Random) -> bytes:
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=A4, invariant=1, pageCompression=1)
    c.setTitle(spec.title)
    # reportlab writes /Subject "unspecified" unless told otherwise: set both explicitly
    c.setSubject(spec.type if rng.random() < 0.6 else "")
    c.setKeywords(", ".join(spec.mentions) if rng.random() < 0.5 else "")
    c.setAuthor(spec.staff[0] if spec.staff else "Quality Team")
    c.setCreator("sgpack benchmark corpus")
    if "pdf_pages" in spec.extra:
        lo, hi = spec.extra["pdf_pages"]
        pages = rng.randint(lo, hi)
    else:
        pages = rng.choices(range(1, 11), [20, 18, 14, 10, 8, 7, 6, 6, 6, 5])[0]
    mention_pages = {rng.randrange(pages) for _ in spec.mentions}
    template = rng.randrange(3)                     # three page layouts
    width, height = A4
    for p in range(pages):
        if template == 0:                           # letterhead
            c.setFillGray(0.9)
            c.rect(0, height - 70, width, 70, fill=1, stroke=0)
            c.setFillGray(0)
        c.setFont("Helvetica-Bold", 14)
        c.drawString(50, height - 50, spec.title if p == 0 else f"{spec.title} (continued)")
        c.setFont("Helvetica", 9)
        c.drawRightString(width - 50, 30, f"{spec.service} · page {p + 1} of {pages}")
        text = c.beginText(50, height - 95)
        text.setFont("Helvetica", 10 if template != 2 else 9)
        lines = 0
        limit = 55 if template != 2 else 62
        ids = spec.mentions if p in mention_pages else []
        while lines < limit:
            para = paragraph(rng, ids, spec.forum)
            ids = []
            words = para.split()
            line = ""
            for w in words:
                if len(line) + len(w) + 1 > 95:
                    text.textLine(line)
                    lines += 1
                    line = w
                else:
                    line = f"{line} {w}" if line else w
            text.textLine(line)
            text.textLine("")
            lines += 2
        c.drawText(text)
        if template == 1 and p == 0:                # a score table drawn as lines
            y = 120
            for r in range(5):
                c.line(50, y + r * 14, width - 50, y + r * 14)
        c.showPage()
    c.save()
    return buf.getvalue()


def render_md(spec: FileSpec, rng: random.Random) -> bytes:
    fm: dict = {}
    if rng.random() < 0.8:
        fm["type"] = spec.type
        fm["title"] = spec.title
        if spec.date:
            fm["date"] = spec.date
        if spec.mentions and rng.random() < 0.6:
            fm["actions"] = list(spec.mentions)
        fm["author"] = rng.choice(spec.staff) if spec.staff else "Quality Team"
        if rng.random() < 0.4:
            fm["tags"] = rng.sample(["night", "weekend", "agency", "follow-up", "observed"], 2)
    out = []
    if fm:
        out.append("---\n" + yaml.dump(fm, Dumper=_NoAliasDumper, sort_keys=False,
                                       default_flow_style=None) + "---\n")
    out.append(f"# {spec.title}\n")
    for k in range(rng.randint(3, 8)):
        if k % 3 == 2:
            out.append(f"## {rng.choice(['Reflection', 'Practice observed', 'Next steps', 'Wellbeing'])}\n")
        ids = spec.mentions if k == 1 else []
        out.append(paragraph(rng, ids, spec.forum) + "\n")
        if rng.random() < 0.3:
            out.append("".join(f"- {sentence(rng)}\n" for _ in range(rng.randint(2, 4))))
    return "\n".join(out).encode()


def render_txt(spec: FileSpec, rng: random.Random) -> bytes:
    lines = [spec.title.upper(), f"Service: {spec.service}",
             f"Date: {spec.date.strftime('%d/%m/%Y') if spec.date else 'not recorded'}", ""]
    for k in range(rng.randint(3, 9)):
        lines.append(paragraph(rng, spec.mentions if k == 0 else [], spec.forum))
        lines.append("")
    return "\n".join(lines).encode()


def _score_rows(spec: FileSpec, rng: random.Random) -> list[list]:
    start = spec.date or dt.date(2026, 3, 1)
    start = max(dt.date(2025, 6, 1), start - dt.timedelta(days=7 * 12))
    audit = spec.extra.get("thing", "audit").capitalize() + " audit"
    if spec.mentions and rng.random() < 0.85:        # audit sheets name the action they test
        audit += f" ({spec.mentions[0]})"
    target = rng.choice([85, 90, 95])
    score = rng.randint(55, 80)
    rows = []
    for w in range(rng.randint(4, 12)):
        score = min(100, max(30, score + rng.randint(-6, 10)))
        rows.append([(start + dt.timedelta(days=7 * w)).isoformat(), audit, score, 100, target])
    return rows


def render_csv_scores(spec: FileSpec, rng: random.Random) -> bytes:
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\n")
    w.writerow(["date", "audit", "score", "max", "target"])
    w.writerows(_score_rows(spec, rng))
    return out.getvalue().encode()


def render_csv_log(spec: FileSpec, rng: random.Random) -> bytes:
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\n")
    w.writerow(["date", "reference", "category", "summary", "action"])
    for k in range(rng.randint(5, 40)):
        d = rand_date(rng, dt.date(2025, 9, 1), AS_OF)
        ref = spec.mentions[k % len(spec.mentions)] if spec.mentions and k < 3 else ""
        w.writerow([d.isoformat(), f"INC-{rng.randint(1000, 9999)}", rng.choice(THINGS),
                    sentence(rng), ref])
    return out.getvalue().encode()


def _series(spec: FileSpec, rng: random.Random) -> list[tuple[str, float]]:
    ind = spec.extra["indicator"]
    opened: dt.date = ind["opened"]
    higher = ind["better"] == "higher"
    base = rng.uniform(75, 85) if higher else rng.uniform(6, 14)
    improve = rng.random() < 0.6
    out = []
    y, m = 2024, 12
    for _ in range(24):
        start = dt.date(y, m, 1)
        v = base + rng.gauss(0, base * 0.08)
        if improve and start >= opened:
            v += (8 if higher else -0.45 * base)
        v = round(max(0, min(100, v)) if higher else max(0, v))
        out.append((f"{y}-{m:02d}", v))
        m += 1
        if m == 13:
            y, m = y + 1, 1
    return out


def render_csv_series(spec: FileSpec, rng: random.Random) -> bytes:
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\n")
    w.writerow(["period", "value"])
    w.writerows(_series(spec, rng))
    return out.getvalue().encode()


def _xlsx(rows: list[list], title: str, date: dt.date | None) -> bytes:
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Data"
    for row in rows:
        ws.append(row)
    wb.properties.created = wb.properties.modified = _dt(date)
    wb.properties.creator = "sgpack benchmark corpus"
    wb.properties.title = title
    buf = io.BytesIO()
    wb.save(buf)
    return fix_zip(buf.getvalue(), date)


def render_xlsx_scores(spec: FileSpec, rng: random.Random) -> bytes:
    rows = [["date", "audit", "score", "max", "target"]]
    for d, a, s, mx, t in _score_rows(spec, rng):
        rows.append([dt.date.fromisoformat(d), a, s, mx, t])
    return _xlsx(rows, spec.title, spec.date)


def render_xlsx_series(spec: FileSpec, rng: random.Random) -> bytes:
    return _xlsx([["period", "value"], *[[p, v] for p, v in _series(spec, rng)]], spec.title, None)


def render_xlsx_matrix(spec: FileSpec, rng: random.Random) -> bytes:
    courses = ["Safeguarding adults L2", "Mental Capacity Act", "Positive behaviour support",
               "Medication", "Moving and handling"]
    rows = [["Name", "Role", *courses, "Notes"]]
    for k in range(rng.randint(8, 40)):
        note = f"Linked to {', '.join(spec.mentions)}" if spec.mentions and k == 0 else ""
        rows.append([person(rng), rng.choice(ROLES),
                     *[rand_date(rng, dt.date(2025, 1, 1), AS_OF) if rng.random() < 0.85 else None
                       for _ in courses], note])
    return _xlsx(rows, spec.title, spec.date)


def render_eml(spec: FileSpec, rng: random.Random) -> bytes:
    msg = EmailMessage()
    sender = (spec.staff[0] if spec.staff else "Quality Team")
    msg["From"] = f"{sender} <{slug(sender).replace('-', '.')}@examplecare.org.uk>"
    msg["To"] = "safeguarding@examplecare.org.uk"
    msg["Subject"] = spec.title + (f" ({', '.join(spec.mentions)})" if spec.mentions and rng.random() < 0.5 else "")
    msg["Date"] = format_datetime(_dt(spec.date).replace(tzinfo=dt.timezone.utc))
    msg["Message-ID"] = f"<{spec.seed}@examplecare.org.uk>"
    body = ["Hello,", ""]
    for k in range(rng.randint(2, 6)):
        body.append(paragraph(rng, spec.mentions if k == 0 else [], spec.forum))
        body.append("")
    body += ["Kind regards,", sender]
    msg.set_content("\n".join(body))
    if rng.random() < 0.2:
        msg.add_attachment(render_csv_log(spec, rng), maintype="text", subtype="csv",
                           filename="incident-extract.csv")
        msg.set_boundary(f"==sgpack-{spec.seed}==")      # the default boundary is random
    return msg.as_bytes()


def _image(spec: FileSpec, rng: random.Random, fmt: str) -> bytes:
    from PIL import Image, ImageDraw

    w, h = rng.choice([(320, 240), (480, 360), (640, 480)])
    img = Image.new("RGB", (w, h), (245, 245, 240))
    draw = ImageDraw.Draw(img)
    for _ in range(rng.randint(6, 20)):
        x, y = rng.randrange(w), rng.randrange(h)
        draw.rectangle([x, y, x + rng.randint(10, 120), y + rng.randint(5, 40)],
                       fill=(rng.randrange(256), rng.randrange(256), rng.randrange(256)))
    draw.text((10, 10), spec.title[:40], fill=(0, 0, 0))
    buf = io.BytesIO()
    if fmt == "png":
        img.save(buf, "PNG", optimize=False)
    else:
        img.save(buf, "JPEG", quality=80)
    return buf.getvalue()


def render_other(spec: FileSpec, rng: random.Random) -> bytes:
    return bytes(rng.getrandbits(8) for _ in range(rng.randint(200, 4000)))


RENDERERS = {
    "docx_minutes": render_docx, "docx_audit": render_docx, "docx_report": render_docx,
    "pdf": render_pdf, "md": render_md, "txt": render_txt,
    "csv_scores": render_csv_scores, "csv_log": render_csv_log, "csv_series": render_csv_series,
    "xlsx_scores": render_xlsx_scores, "xlsx_matrix": render_xlsx_matrix,
    "xlsx_series": render_xlsx_series, "eml": render_eml,
    "png": lambda s, r: _image(s, r, "png"), "jpg": lambda s, r: _image(s, r, "jpg"),
    "other": render_other,
}


def render(job: tuple[str, list[FileSpec]]) -> int:
    root, specs = job
    for spec in specs:
        rng = random.Random(spec.seed)
        data = RENDERERS[spec.kind](spec, rng)
        target = Path(root, spec.path)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
        if spec.extra.get("sidecar"):
            meta = {"type": "spot_check" if spec.kind in ("png", "jpg") else spec.type,
                    "title": spec.title, "date": spec.date, "actions": spec.mentions,
                    "author": spec.staff[0] if spec.staff else None}
            Path(root, spec.path + ".meta.yaml").write_text(
                yaml.dump(meta, Dumper=_NoAliasDumper, sort_keys=False), encoding="utf-8")
    return len(specs)


# ----------------------------------------------------------------------------- main

def generate(out: Path, n_plans: int, n_files: int, n_actions: int | None = None,
             seed: int = 20261120, workers: int | None = None, mix: str = "check",
             pdf_pages: tuple[int, int] | None = None) -> dict:
    rng = random.Random(seed)
    docs, infos = make_plans(rng, n_plans, n_actions)
    specs, index = plan_evidence(rng, infos, n_files, MIXES[mix], pdf_pages)
    # plans name some evidence by id (the ids given in evidence.yaml), as users do
    by_id = {a["id"]: a for doc in docs for a in doc["actions"]}
    for entry in index.values():
        targets = [t for t in entry.get("actions", []) if t in by_id]
        if targets and rng.random() < 0.5:
            by_id[rng.choice(targets)].setdefault("evidence", []).append(entry["id"])
    if out.exists():
        if any(out.iterdir()) and not ((out / "plans").is_dir() and (out / "evidence").is_dir()):
            raise SystemExit(f"{out}: exists and is not a corpus; refusing to delete it")
        shutil.rmtree(out)
    (out / "plans").mkdir(parents=True)
    evidence = out / "evidence"
    evidence.mkdir()
    for doc, info in zip(docs, infos):
        (out / "plans" / f"{slug(info.service)}.yaml").write_text(dump_plan(doc), encoding="utf-8")
    (evidence / "evidence.yaml").write_text(
        "# Evidence index: metadata for files that carry none of their own (docs/evidence.md).\n"
        + yaml.dump(index, Dumper=_NoAliasDumper, sort_keys=True, default_flow_style=False),
        encoding="utf-8")
    workers = workers or os.cpu_count() or 1
    chunks = [specs[i::max(1, workers * 8)] for i in range(max(1, workers * 8))]
    jobs = [(str(evidence), c) for c in chunks if c]
    if workers == 1:
        for job in jobs:
            render(job)
    else:
        with ProcessPoolExecutor(workers) as pool:
            list(pool.map(render, jobs))
    files = [p for p in evidence.rglob("*") if p.is_file()]
    return {"plans": len(docs), "actions": sum(len(d["actions"]) for d in docs),
            "files": len(files), "bytes": sum(p.stat().st_size for p in files)}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--profile", choices=sorted([*PROFILES, "group"]),
                    help="preset sizes (overrides --plans/--files); group: the bundled example once per service")
    ap.add_argument("--services", type=int, default=10,
                    help="group profile: services, each with the bundled example's three plans (default 10)")
    ap.add_argument("--sites", type=int, default=9,
                    help="group profile: sites a service has, each with a copy of the example's 67 evidence files "
                         "(default 9: --services 10 gives 6,031 files, as --services 90 --sites 1 does)")
    ap.add_argument("--plans", type=int, default=20)
    ap.add_argument("--actions", type=int, default=None,
                    help="total actions across all plans (default: 10-15 per plan)")
    ap.add_argument("--files", type=int, default=2000, help="files in the evidence folder")
    ap.add_argument("--seed", type=int, default=20261120)
    ap.add_argument("--workers", type=int, default=None, help="render processes (default: all cores)")
    ap.add_argument("--mix", choices=sorted(MIXES), default=None,
                    help="evidence format mix: check (default) or build (PDF-heavy, required types only)")
    ap.add_argument("--pdf-pages", default=None, metavar="LO-HI",
                    help="pages per PDF, uniform in LO..HI (default: 1-10, skewed short)")
    ap.add_argument("--out", type=Path, required=True)
    args = ap.parse_args(argv)
    options: dict = {}
    if args.profile == "group":
        from group_corpus import generate_group

        t0 = time.perf_counter()
        stats = generate_group(args.out, args.services, args.workers, args.sites)
        print(f"{args.out}: {args.services} services × {args.sites} site(s), {stats['plans']} plans, "
              f"{stats['actions']} actions, "
              f"{stats['files']} evidence files, {stats['bytes'] / 1e6:.1f} MB, {stats['broken']} evidence ids "
              f"named that are not in the folder, in {time.perf_counter() - t0:.1f} s", file=sys.stderr)
        return 0
    if args.profile:
        args.plans, args.actions, args.files = PROFILES[args.profile]
        options = dict(PROFILE_OPTIONS.get(args.profile, {}))
    if args.mix:
        options["mix"] = args.mix
    if args.pdf_pages:
        lo, _, hi = args.pdf_pages.partition("-")
        options["pdf_pages"] = (int(lo), int(hi or lo))
    t0 = time.perf_counter()
    stats = generate(args.out, args.plans, args.files, args.actions, args.seed, args.workers, **options)
    print(f"{args.out}: {stats['plans']} plans, {stats['actions']} actions, {stats['files']} evidence files, "
          f"{stats['bytes'] / 1e6:.1f} MB in {time.perf_counter() - t0:.1f} s", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
