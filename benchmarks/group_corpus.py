"""The group corpus: the bundled example's plans copied for each service, its evidence for each of the service's
sites, each copy with its own ids.

    python benchmarks/make_corpus.py --profile group --services 10 --out benchmarks/corpus/group

A care group that keeps a folder per service and site, each site holding what the bundled example holds
(examples/: 67 evidence files), each service the example's three plans, written by the example's own generator
(examples/generate.py) with every id, name and path made the copy's own: action ids RP-01 -> RPB-01 (a letter
code per service), plan ids SAP-2026-007 -> SAP-2026-004 (numbered on), "Oakview" and "Riverside Homecare" -> the
service's names (with the site's in its evidence), explicit evidence ids with the service's and site's suffix
(-s002-1), paths under the site's folder. Copies differ in bytes wherever the example names a service or an id,
as real services' files do.

A service's plans also name two evidence ids a site that are not in the folder, typed as people mistype them (a
transposed digit, a missing dash, the wrong case, a misspelt word, a meeting whose minutes were never filed), so
the broken links (SG305) grow with the folder as the group's did. The same arguments give the same bytes: the
example's generator is deterministic, and every change made to it here depends only on the service and site.
"""
from __future__ import annotations

import importlib.util
import os
import re
import shutil
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any, Callable

import yaml

from make_corpus import dump_plan, slug

EXAMPLE = Path(__file__).resolve().parent.parent / "examples"
# the example generator's steps, in its own order (examples/generate.py main)
STEPS = ("meetings", "audits", "supervision", "competency", "training", "debriefs", "support_plans", "incidents",
         "spot_checks", "feedback", "policies", "board_reports", "indicators", "email", "photo", "evidence_index")
# the example generator's writers, each wrapped to make what it writes the copy's own
WRITERS = ("_path", "write_docx", "pdf_bytes", "write_text", "write_xlsx", "write_md", "write_yaml")

_FIRST = ["Birchwood", "Meadowbank", "Ashgrove", "Elmhurst", "Hollybrook", "Kingsmead", "Larchfield", "Maplecroft",
          "Northgate", "Pinewood", "Queensway", "Rosedale", "Silverbirch", "Thornbury", "Underwood", "Willowbank",
          "Yewtree", "Alderley", "Beechcroft", "Dovecote", "Fernlea", "Greenacres", "Heathfield", "Ivydene",
          "Millbrook", "Newlands", "Oaklands", "Parkside", "Redwood", "Sycamore", "Tamarind", "Westfield",
          "Hawthorn", "Brookside", "Lakeside", "Hillcrest", "Fairview", "Glenview"]
_SECOND = ["", "Court", "House", "Lodge", "Grange", "Manor", "Gardens", "Place", "Mews", "Rise", "Meadows",
           "Fields", "Heights", "Hall", "Vale", "Croft", "Close", "Mill", "Wharf", "Chase", "Row", "Walk",
           "Yard", "Gate", "Cross", "End"]
MAX_SERVICES = len(_FIRST) * len(_SECOND)
# a service's sites, when it has several (--sites): each holds a copy of the example's evidence
SITES = ["North", "South", "East", "West", "Central", "Upper", "Lower", "Station Road", "High Street", "Mill Lane",
         "Church Street", "Park Road"]

# Where each copy's plans name evidence by id: (action, the file as the example names it, or its explicit id).
# Ids that are a file's path are the copy's default ids (a slug of the path); the others are explicit.
_NAMED = {
    "minutes": ("RP-01", "minutes/2026-10-15-quality-and-safeguarding-committee.docx"),
    "supervision": ("RH-02", "id:sup-2026-10-14-riverside-ka"),
    "support_plan": ("RP-02", "id:pbs-review-jt-2026-06"),
    "scores": ("RP-03", "id:oakview-rp-log-audit-scores"),
    "spot_check": ("RQ-04", "spot-checks/2026-10-22-spot-check-the-willows.docx"),
    "policy": ("RQ-03", "policies/2026-06-22-record-keeping-and-escalation-policy-v3.docx"),
}
_MISSPELT = {"committee": "commitee", "safeguarding": "safegaurding", "supervision": "supervison",
             "scores": "score", "review": "reveiw", "policy": "pollicy", "spot-check": "spot-chek"}


def _transposed(eid: str) -> str:
    """Two digits of its date the other way round: 2026-10-15 -> 2026-10-51 (the month when the day's are alike)."""
    m = re.search(r"\d{4}-(\d)(\d)(?:-(\d)(\d))?", eid)
    assert m, eid
    first = 3 if m.group(3) and m.group(3) != m.group(4) else 1
    a, b = m.start(first), m.start(first + 1)
    return eid[:a] + eid[b] + eid[a] + eid[b + 1:]


def _no_dash(eid: str) -> str:
    """One dash left out, in the middle: "...-quality-and-..." -> "...-qualityand-..."."""
    dashes = [i for i, ch in enumerate(eid) if ch == "-"]
    i = dashes[len(dashes) // 2]
    return eid[:i] + eid[i + 1:]


def _cased(eid: str) -> str:
    """Written in capitals where the id is lower case: "SUP-2026-..." or "Birchwood-minutes-..."."""
    head, _, rest = eid.partition("-")
    return (head.upper() if len(head) <= 4 else head.capitalize()) + "-" + rest


def _misspelt(eid: str) -> str:
    """A word misspelt: "committee" -> "commitee"."""
    word = next(word for word in _MISSPELT if word in eid)
    return eid.replace(word, _MISSPELT[word], 1)


def _never_filed(eid: str) -> str:
    """A meeting whose minutes were never filed, or a service never visited."""
    if "2026-10-15" in eid:
        return eid.replace("2026-10-15", "2026-11-19")
    return eid.replace("the-willows", "the-beeches")


# typo kind -> (how, the named files it fits)
TYPOS: dict[str, tuple[Callable[[str], str], tuple[str, ...]]] = {
    "transposed digits": (_transposed, ("minutes", "supervision", "support_plan", "spot_check")),
    "missing dash": (_no_dash, ("minutes", "scores", "policy", "spot_check", "supervision")),
    "wrong case": (_cased, ("supervision", "minutes", "scores", "support_plan")),
    "near name": (_misspelt, ("minutes", "support_plan", "scores", "policy", "spot_check")),
    "not in the folder": (_never_filed, ("minutes", "spot_check")),
}


def _letters(n: int) -> str:
    """0 -> A, 25 -> Z, 26 -> AA: the copy's code in its action ids."""
    out = ""
    n += 1
    while n:
        n, r = divmod(n - 1, 26)
        out = chr(65 + r) + out
    return out


class Copy:
    """Service k's copy of the example (at one of its sites, when it has several): its names, and the one mapping
    every string it writes goes through. `site` None: the service itself (its plans)."""

    def __init__(self, k: int, site: int | None = None, sites: int = 1):
        if not 0 <= k < MAX_SERVICES:
            raise SystemExit(f"--services: at most {MAX_SERVICES}")
        if not 1 <= sites <= len(SITES):
            raise SystemExit(f"--sites: at most {len(SITES)}")
        first, second = _FIRST[k % len(_FIRST)], _SECOND[k // len(_FIRST)]
        self.k, self.name = k, f"{first} {second}".strip()
        label = SITES[site] if site is not None and sites > 1 else ""
        self.home, branch = f"{self.name} {label}".strip(), f"{self.name} Homecare {label}".strip()
        self.folder = slug(self.name) + (f"/{slug(label)}" if label else "")
        self.code = _letters(k)
        self.suffix = f"s{k + 1:03d}" + (f"-{site + 1}" if label else "")
        plans = {"007": 3 * k + 1, "011": 3 * k + 2, "014": 3 * k + 3}
        self._rules: list[tuple[re.Pattern[str], Callable[[re.Match[str]], str]]] = [
            (re.compile(r"(?<![\w-])(RP|RH|RQ)(?=[ \-_]?\d)"), lambda m: m.group(1) + self.code),
            (re.compile(r"\bSAP-2026-(007|011|014)\b"), lambda m: f"SAP-2026-{plans[m.group(1)]:03d}"),
            (re.compile(r"Riverside Homecare|Riverside"), lambda m: branch),
            (re.compile(r"RIVERSIDE HOMECARE|RIVERSIDE"), lambda m: branch.upper()),
            (re.compile(r"riverside-homecare|riverside"), lambda m: slug(branch)),
            (re.compile(r"Oakview"), lambda m: self.home),
            (re.compile(r"OAKVIEW"), lambda m: self.home.upper()),
            (re.compile(r"oakview"), lambda m: slug(self.home)),
        ]

    def text(self, value: str) -> str:
        for pattern, repl in self._rules:
            value = pattern.sub(repl, value)
        return value

    def all(self, value: Any) -> Any:
        """Every string in `value` (lists, tuples, dicts, nested) mapped; anything else as it is."""
        if isinstance(value, str):
            return self.text(value)
        if isinstance(value, (list, tuple)):
            return type(value)(self.all(v) for v in value)
        if isinstance(value, dict):
            return {self.all(k): self.all(v) for k, v in value.items()}
        return value

    def explicit(self, eid: str) -> str:
        """An id set in metadata, as this copy sets it."""
        return f"{self.text(eid)}-{self.suffix}"

    def with_id(self, meta: Any) -> Any:
        if isinstance(meta, dict) and isinstance(meta.get("id"), str):
            return {**meta, "id": f"{meta['id']}-{self.suffix}"}
        return meta

    def evidence_id(self, named: str) -> str:
        """The id this copy's file goes by: its explicit id, or the slug of its path."""
        if named.startswith("id:"):
            return self.explicit(named[3:])
        stem = f"{self.folder}/{self.text(named)}".rsplit(".", 1)[0]
        return slug(stem)

    def broken(self) -> list[tuple[str, str, str]]:
        """Two (action, id, typo kind) the copy's plans name that are not in the folder."""
        kinds = list(TYPOS)
        out = []
        for j in range(2):
            kind = kinds[(2 * self.k + j) % len(kinds)]
            how, fits = TYPOS[kind]
            action, named = _NAMED[fits[(self.k + j) % len(fits)]]
            out.append((self.text(action), how(self.evidence_id(named)), kind))
        return out


# ----------------------------------------------------------------------------------------- evidence

_GENERATOR: tuple[Any, dict[str, Any]] | None = None


def _generator() -> tuple[Any, dict[str, Any]]:
    """examples/generate.py, imported once per process, and its own writers."""
    global _GENERATOR
    if _GENERATOR is None:
        spec = importlib.util.spec_from_file_location("sgpack_example_generate", EXAMPLE / "generate.py")
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        _GENERATOR = module, {name: getattr(module, name) for name in WRITERS}
    return _GENERATOR


def write_copy(job: tuple[int, int, int, str]) -> dict:
    """Write service k's copy of the evidence at one site under EVIDENCE/<its folder>; return its evidence.yaml
    entries (paths from EVIDENCE)."""
    k, site, sites, evidence = job
    copy = Copy(k, site, sites)
    gen, own = _generator()
    root = Path(evidence, copy.folder)
    index: dict[str, Any] = {}

    def path(rel: str) -> Path:
        target = root / copy.text(rel)
        target.parent.mkdir(parents=True, exist_ok=True)
        return target

    def write_yaml(rel: str, data: dict, comment: str = "") -> None:
        if rel == "evidence.yaml":             # one index at the root of the group's folder
            index.update({f"{copy.folder}/{copy.text(p)}": copy.all(copy.with_id(v)) for p, v in data.items()})
        else:
            own["write_yaml"](rel, copy.with_id(data), comment)

    wrapped = {
        "_path": path,
        "write_docx": lambda rel, *a, **kw: own["write_docx"](rel, *copy.all(a), **copy.all(kw)),
        "pdf_bytes": lambda *a, **kw: own["pdf_bytes"](*copy.all(a), **copy.all(kw)),
        "write_text": lambda rel, text: own["write_text"](rel, copy.text(text)),
        "write_xlsx": lambda rel, *a, **kw: own["write_xlsx"](rel, *copy.all(a), **copy.all(kw)),
        "write_md": lambda rel, front, body: own["write_md"](rel, copy.with_id(front), body),
        "write_yaml": write_yaml,
    }
    for name, fn in wrapped.items():
        setattr(gen, name, fn)
    try:
        for step in STEPS:
            getattr(gen, step)()
    finally:
        for name, fn in own.items():
            setattr(gen, name, fn)
    return index


# ----------------------------------------------------------------------------------------- plans

def copy_plans(k: int, sites: int = 1) -> dict[str, str]:
    """The example's plans as service k keeps them: {file name: YAML}, naming its first site's files (indicator
    data, explicit evidence ids), with two broken links a site."""
    service, first = Copy(k, None, sites), Copy(k, 0, sites)
    docs = {}
    for source in sorted((EXAMPLE / "plans").glob("*.yaml")):
        raw = yaml.safe_load(source.read_text(encoding="utf-8"))
        doc = service.all(raw)
        for indicator, written in zip(doc.get("indicators") or [], raw.get("indicators") or []):
            indicator["data"] = f"{first.folder}/{first.text(written['data'])}"
        for action, written in zip(doc["actions"], raw["actions"]):
            if written.get("evidence"):
                action["evidence"] = [first.explicit(eid) for eid in written["evidence"]]
        docs[service.text(source.stem)] = doc
    actions = {a["id"]: a for doc in docs.values() for a in doc["actions"]}
    for site in range(sites):
        for action, eid, _ in Copy(k, site, sites).broken():
            actions[action].setdefault("evidence", []).append(eid)
    return {f"{stem}.yaml": dump_plan(doc) for stem, doc in docs.items()}


def generate_group(out: Path, services: int, workers: int | None = None, sites: int = 1) -> dict:
    """Write the group corpus (plans/<service>/*.yaml, evidence/<service>[/<site>]/..., evidence/evidence.yaml)."""
    if out.exists():
        if any(out.iterdir()) and not ((out / "plans").is_dir() and (out / "evidence").is_dir()):
            raise SystemExit(f"{out}: exists and is not a corpus; refusing to delete it")
        shutil.rmtree(out)
    evidence = out / "evidence"
    evidence.mkdir(parents=True)
    for k in range(services):
        for name, text in copy_plans(k, sites).items():
            target = out / "plans" / Copy(k).folder / name
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(text, encoding="utf-8")
    jobs = [(k, site, sites, str(evidence)) for k in range(services) for site in range(sites)]
    workers = workers or os.cpu_count() or 1
    if workers == 1:
        indexes = [write_copy(job) for job in jobs]
    else:
        with ProcessPoolExecutor(workers) as pool:
            indexes = list(pool.map(write_copy, jobs, chunksize=4))
    index = {path: entry for part in indexes for path, entry in part.items()}
    (evidence / "evidence.yaml").write_text(
        "# Evidence index: metadata for files that cannot carry their own (CSV, XLSX, email).\n"
        + yaml.safe_dump(index, sort_keys=True, allow_unicode=True), encoding="utf-8")
    files = [p for p in evidence.rglob("*") if p.is_file()]
    return {"plans": 3 * services, "actions": sum(len(yaml.safe_load(p.read_text(encoding="utf-8"))["actions"])
                                                   for p in (out / "plans").rglob("*.yaml")),
            "files": len(files), "bytes": sum(p.stat().st_size for p in files), "broken": 2 * services * sites}
