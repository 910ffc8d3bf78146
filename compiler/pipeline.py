"""The whole flow, readable top to bottom: plans + evidence folder -> assessment."""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from compiler import __version__
from compiler.errors import SgpackError
from compiler.gcpolicy import young_collections_only
from compiler.model.assessment import Assessment
from compiler.model.evidence import Catalogue
from compiler.model.period import ReportingPeriod
from compiler.model.plan import Plan

if TYPE_CHECKING:
    from evidence_store.cache import EvidenceCache
    from evidence_store.links import Vocabulary
    from evidence_store.limits import Limits
    from evidence_store.survey import Survey

Progress = Callable[[int, int], None]


def plan_ids(plans: Sequence[Plan]) -> set[str]:
    """Every plan and action id."""
    return {p.id for p in plans} | {a.id for p in plans for a in p.actions}


def vocabulary(plans: Sequence[Plan]) -> Vocabulary:
    """What the evidence catalogue looks for in the files' text: every plan and action id, and each action's
    title and place in its plan; and the files the plans name as indicator data, with the sheet and columns
    their `data:` names (evidence_store knows no plans)."""
    from evidence_store.links import ActionWords, TableRequest, Vocabulary

    return Vocabulary(ids=frozenset(plan_ids(plans)),
                      actions=tuple(ActionWords(a.id, p.id, n, a.title) for p in plans
                                    for n, a in enumerate(p.actions, 1)),
                      tables=tuple(TableRequest(i.data, p.id, i.id, i.sheet, i.period_column, i.value_column)
                                   for p in plans for i in p.indicators))


def load_catalogue(evidence: str | Path, plans: Sequence[Plan] = (), progress: Progress | None = None, *,
                   cache: EvidenceCache | None = None, surveyed: Survey | None = None,
                   index: str | Path | None = None, as_of: dt.date | None = None) -> Catalogue:
    """`cache`: evidence_store.open_cache(), or None to read every file. `surveyed`: the folder's survey when
    it was walked already (with this cache). `index`: an evidence index kept outside the folder (--index);
    `as_of`: no date after it is taken from a file's name or text."""
    from evidence_store.catalogue import EvidenceFolderError, scan
    from evidence_store.index import EvidenceIndexError

    folder = Path(evidence)
    if not folder.exists():
        raise SgpackError("evidence folder not found", file=str(evidence))
    if not folder.is_dir():
        raise SgpackError("evidence path is not a folder", file=str(evidence))
    try:
        return scan(folder, vocabulary(plans), progress=progress, cache=cache, surveyed=surveyed, index=index,
                    as_of=as_of)
    except EvidenceFolderError as exc:
        raise SgpackError(str(exc), file=str(evidence)) from None
    except EvidenceIndexError as exc:
        raise SgpackError(exc.message, file=str(index), line=exc.line) from None


def assess(plans: Sequence[Plan], catalogue: Catalogue, as_of: dt.date, *,
           cache: EvidenceCache | None = None) -> Assessment:
    """Judge every action against its evidence, then run the rule catalogue over the result. `cache`: where
    rules keep what they work out for the next check (the findings are the same without one)."""
    from compiler.assess.action import assess_action
    from compiler.rules.registry import RuleContext, run_rules

    results = [assess_action(action, plan, catalogue, as_of)
               for plan in plans for action in plan.actions]
    context = RuleContext(plans=list(plans), catalogue=catalogue,
                          results={r.id: r for r in results}, as_of=as_of, cache=cache)
    return Assessment(as_of=as_of, tool_version=__version__, plans=list(plans),
                      catalogue=catalogue, actions=results, findings=run_rules(context))


def check(plan_paths: Sequence[str | Path], evidence: str | Path, as_of: dt.date,
          progress: Progress | None = None, *, cache: EvidenceCache | None = None, surveyed: Survey | None = None,
          plan_digests: dict[str, str] | None = None, index: str | Path | None = None,
          summary: bool = False) -> Assessment:
    """`sgpack check`: load the plans, catalogue the evidence, assess.
    `cache` keeps what reading plan and evidence files gave;
    `surveyed`: the evidence folder's survey, when it was walked already; `plan_digests` is given
    the SHA-256 of the bytes each plan file was read from (compiler.results keys by them); `index`: an evidence
    index kept outside the folder. `summary`: every action's result as `check` prints it without --verbose
    (compiler.incremental.summary), each plan judged again only when the evidence it read changed since a check
    kept in `cache`."""
    from compiler.plans import load_plans

    with young_collections_only():
        plans = load_plans(list(plan_paths), cache=cache, digests=plan_digests)
        catalogue = load_catalogue(evidence, plans, progress, cache=cache, surveyed=surveyed, index=index,
                                   as_of=as_of)
        if summary:
            from compiler import incremental

            return incremental.assess(plans, catalogue, as_of, cache, __version__)
        return assess(plans, catalogue, as_of, cache=cache)


def pack_names() -> tuple[str, ...]:
    """Every pack sgpack builds, in profile order."""
    from compiler.packs.registry import pack_names as names

    return names()


def build(plan_paths: Sequence[str | Path], evidence: str | Path, pack_name: str, *, as_of: dt.date,
          out: Path | None = None, service: str | None = None, templates: Path | None = None,
          formats: Sequence[str] = (), prepared_by: str | None = None,
          roster: Path | None = None, recipient: str = "default",
          allow_personal_data: str | None = None, approved_by: str | None = None,
          progress: Progress | None = None, cache: EvidenceCache | None = None,
          limits: Limits | None = None, index: Path | None = None,
          period: ReportingPeriod | None = None, contract: str | None = None) -> tuple[Path, Assessment]:
    """`sgpack build`: check, assemble the pack for its audience, and have the pack write itself atomically
    into `out`. `cache` keeps what reading and rendering evidence files gave; `limits` bounds the work a pack
    does on evidence (default: evidence_store's); `period` is the quarter a return reports on (default: the
    last complete one before `as_of`); `contract` the one contract a commissioner pack holds (default: every
    contract)."""
    import hashlib
    import json

    from compiler.packs import output
    from compiler.packs.assemble import assemble
    from compiler.packs.job import BuildJob
    from compiler.packs.profiles import load_profile
    from compiler.packs.registry import pack_writer
    from compiler.render.theme import load_theme
    from compiler.views.common import Options
    from evidence_store.limits import DEFAULT_LIMITS

    profile = load_profile(pack_name)
    write = pack_writer(pack_name)
    unknown = [f for f in formats if f not in profile.formats]
    if unknown:
        raise SgpackError(f"the {pack_name} pack is written as {', '.join(profile.formats)}, not {', '.join(unknown)}")
    theme = load_theme(templates)
    out = Path(out) if out else Path("out") / f"{pack_name}-{as_of.isoformat()}"
    output.check_out_path(out, [Path(evidence), *map(Path, plan_paths), *([templates] if templates else []),
                                *([roster] if roster else []), *([index] if index else [])])
    assessment = check(plan_paths, evidence, as_of, progress, cache=cache, index=index)
    from evidence_store.isolate import close_readers

    if not profile.appendices:       # nothing more is read in a child: free what the readers hold (a pack
        close_readers()              # that shows every exhibit has its readers make their documents first)
    if service and not any(p.service.casefold() == service.casefold() for p in assessment.plans):
        services = sorted({p.service for p in assessment.plans})
        raise SgpackError(f"no plan is for service {service!r}; services: {', '.join(services)}")
    from compiler.privacy.roster import find_roster, load_roster

    roster_file = roster or find_roster([Path(p) for p in plan_paths])
    loaded_roster = load_roster(roster_file) if roster_file else None
    pack = assemble(assessment, profile, service)
    seed = hashlib.sha256(json.dumps([pack_name, service, as_of.isoformat(), assessment.tool_version,
                                      [e.sha256 for e in pack.exhibits]]).encode()).digest()
    with output.staged(out) as stage:
        job = BuildJob(pack=pack, profile=profile, options=Options(prepared_by=prepared_by), theme=theme,
                       stage=stage, evidence_root=assessment.catalogue.root, templates=templates,
                       formats=tuple(formats or profile.formats), seed=seed, roster=loaded_roster,
                       recipient=recipient, allow_personal_data=allow_personal_data, approved_by=approved_by,
                       cache=cache, limits=limits or DEFAULT_LIMITS, period=period, contract=contract)
        write(job)
        header = _manifest_header(pack_name, profile, assessment, service, plan_paths)
        if allow_personal_data:
            header["allow_personal_data"] = allow_personal_data
        output.write_file(stage, output.MANIFEST, output.manifest(
            stage, header=header, inputs=_manifest_inputs(assessment)))
    return out, assessment


def _manifest_header(pack_name, profile, assessment: Assessment, service, plan_paths) -> dict:
    return {"tool": "sgpack", "tool_version": assessment.tool_version, "as_of": assessment.as_of.isoformat(),
            "pack": pack_name, "service": service, "profile": profile.model_dump(mode="json"),
            "plans": [{"id": p.id, "file": p.file, "sha256": _file_sha(p.file)} for p in assessment.plans]}


def _manifest_inputs(assessment: Assessment) -> list[dict]:
    return [{"path": item.path, "sha256": item.sha256, "size": item.size, "status": item.status}
            for item in assessment.catalogue.items if item.sha256]


def _file_sha(path: str) -> str:
    from compiler.packs.output import sha256_file

    return sha256_file(Path(path))
