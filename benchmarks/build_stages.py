"""Time the stages of `sgpack build --pack cqc` in one process, the way pipeline.build runs them.

    python benchmarks/build_stages.py --corpus benchmarks/corpus/build
    python benchmarks/build_stages.py --corpus benchmarks/corpus/build --json /tmp/stages.json
    python benchmarks/build_stages.py --corpus benchmarks/corpus/build --cprofile body --top 30

Stages: check (plans + evidence scan + assessment), assemble, context (the CQC view and its SPC
charts), exhibits (copy each original into exhibits/ and render it to pages: cqc.exhibit_inputs),
body (layout.converge as the bundle calls it: every pass timed, with its page count), bundle
(cqc.build_bundle minus the body: exhibit sheets, merge, scrub, stamp overlay + merge, links,
bookmarks, compression and writing the bytes; sub-timed), docx (the Word pack with the bundle's
page map), and, where LibreOffice is installed, `soffice --headless --convert-to pdf` on the
Word pack as a baseline.

Pages per second: body = final body pages / all passes' time (per-pass rate shown too);
bundle = every bundle page / (build_bundle time - body time). Peak memory is this process's
ru_maxrss, read after each stage, so the stage where it rises is the one that allocated.

Timing wraps module functions at run time (`compiler.render.pdf.bundle.converge`, `.render_sheets`,
`compiler.render.pdf.join.stamp_forms`, `compiler.render.pdf.layout._render_pass`); no sgpack code is changed.
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

AS_OF = dt.date(2026, 11, 20)
TARGETS = {"body_pps": 40.0, "bundle_pps": 500.0, "peak_mb": 800.0}


def peak_mb() -> float:
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return rss / (1 << 20) if sys.platform == "darwin" else rss / 1024


def current_mb() -> float:
    try:
        with open("/proc/self/statm") as fh:
            return int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / (1 << 20)
    except OSError:
        return float("nan")


class Timer:
    def __init__(self) -> None:
        self.stages: dict[str, dict] = {}

    def stage(self, name: str, fn, *args, **kwargs):
        t0 = time.perf_counter()
        value = fn(*args, **kwargs)
        seconds = time.perf_counter() - t0
        self.stages[name] = {"s": seconds, "peak_mb": peak_mb(), "rss_mb": current_mb()}
        print(f"  {name:<10} {seconds:8.2f} s   peak {peak_mb():6.0f} MB   now {current_mb():6.0f} MB",
              file=sys.stderr)
        return value


def wrap(module, name: str, log: list, label: str | None = None, pages=None):
    """Replace module.name by a timing wrapper; log (label, seconds, pages) per call."""
    original = getattr(module, name)

    def timed(*args, **kwargs):
        t0 = time.perf_counter()
        value = original(*args, **kwargs)
        log.append((label or name, time.perf_counter() - t0, pages(value) if pages else None))
        return value

    setattr(module, name, timed)
    return original


def run(corpus: Path, profile_stages: list[str] | None = None, top: int = 25, soffice: bool = True,
        dump_dir: Path | None = None) -> dict:
    from compiler.packs import cqc
    from compiler.packs.assemble import assemble
    from compiler.packs.cqc import word
    from compiler.packs.job import BuildJob
    from compiler.packs.profiles import load_profile
    from compiler.pipeline import check
    from compiler.render.docx.template import render_template
    from compiler.render.pdf import bundle as bundle_mod
    from compiler.render.pdf import join as pdfjoin_mod
    from compiler.render.pdf import layout as pdf_mod
    from compiler.render.theme import load_theme
    from compiler.views.common import Options
    from compiler.views.cqc import cqc_view

    import cProfile

    profilers = {name: cProfile.Profile() for name in profile_stages or []}

    def maybe_profiled(name, fn, *args, **kwargs):
        if name in profilers:
            return timer.stage(name, profilers[name].runcall, fn, *args, **kwargs)
        return timer.stage(name, fn, *args, **kwargs)

    timer = Timer()
    plans = sorted((corpus / "plans").glob("*.yaml"))
    profile = load_profile("cqc")
    theme = load_theme(None)
    print(f"{corpus}: build-cqc stages", file=sys.stderr)
    wall0 = time.perf_counter()
    assessment = maybe_profiled("check", check, plans, corpus / "evidence", AS_OF)
    pack = maybe_profiled("assemble", assemble, assessment, profile, None)
    context = maybe_profiled("context", lambda: cqc.with_charts(cqc_view(pack, Options()), theme))

    passes: list = []
    calls: list = []
    wrap(pdf_mod, "_render_pass", passes, "pass", pages=lambda v: v[1])
    # every stage is timed here, in this process: a large body would otherwise be laid out in a child, out of
    # the wrappers' sight (sgpack build does that; its memory is measured by run.py)
    bundle_mod.SEPARATE_PROCESS_FROM = 10 ** 9
    wrap(bundle_mod, "converge", calls, "body", pages=lambda v: v.pages)
    wrap(bundle_mod, "render_sheets", calls, "sheets")
    wrap(pdfjoin_mod, "stamp_forms", calls, "stamps")

    with tempfile.TemporaryDirectory(prefix="sgpack-stages-") as tmp:
        stage_dir = Path(tmp) / "pack"
        stage_dir.mkdir()
        job = BuildJob(pack=pack, profile=profile, options=Options(), theme=theme, stage=stage_dir,
                       evidence_root=assessment.catalogue.root, templates=None, formats=("docx", "pdf"),
                       seed=b"sgpack-benchmark")
        inputs = maybe_profiled("exhibits", cqc.exhibit_inputs, job, context)
        if "body" in profilers or "bundle" in profilers:
            # the body passes under the "body" profiler (if any), never under the "bundle" one
            inner = bundle_mod.converge
            body_prof, bundle_prof = profilers.get("body"), profilers.get("bundle")

            def split_converge(*a, **k):
                if bundle_prof is not None:
                    bundle_prof.disable()
                try:
                    return body_prof.runcall(inner, *a, **k) if body_prof is not None else inner(*a, **k)
                finally:
                    if bundle_prof is not None:
                        bundle_prof.enable()

            bundle_mod.converge = split_converge
        if "bundle" in profilers:
            def build():
                return profilers["bundle"].runcall(cqc.build_bundle, context, inputs, theme=theme)
        else:
            def build():
                return cqc.build_bundle(context, inputs, theme=theme)
        bundle = timer.stage("bundle+body", build)
        pdf_path = stage_dir / "cqc-pack.pdf"
        pdf_path.write_bytes(bundle.pdf)
        docx = maybe_profiled("docx", render_template, job.template(),
                              lambda tpl: word.build_view(context, bundle.pages, tpl), title=context.head.title,
                              as_of_iso=context.head.as_of_iso)
        docx_path = stage_dir / "cqc-pack.docx"
        docx_path.write_bytes(docx)
        wall = time.perf_counter() - wall0
        soffice_s = None
        soffice_bin = shutil.which("soffice") or shutil.which("libreoffice")
        if soffice and soffice_bin:
            t0 = time.perf_counter()
            subprocess.run([soffice_bin, "--headless", "--convert-to", "pdf", "--outdir", str(Path(tmp) / "lo"),
                            str(docx_path)], check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            soffice_s = time.perf_counter() - t0
        pdf_bytes, docx_bytes = len(bundle.pdf), len(docx)

    body_s = sum(s for label, s, _ in calls if label == "body")
    body_pages = [p for label, _, p in calls if label == "body"][-1]
    total_pages = bundle.pages.total
    bundle_total = timer.stages["bundle+body"]["s"]
    bundle_s = bundle_total - body_s
    sheets_s = sum(s for label, s, _ in calls if label == "sheets")
    stamps_s = sum(s for label, s, _ in calls if label == "stamps")
    exhibit_pages = sum(i.pages for i in inputs)
    result = {
        "corpus": corpus.name, "actions": len(pack.actions), "exhibits": len(pack.exhibits),
        "exhibit_formats": _formats(pack),
        "pdf_exhibit_pages": sum(i.pages for i, e in zip(inputs, pack.exhibits) if e.format == "pdf"),
        "rendered_exhibit_pages": sum(i.pages for i, e in zip(inputs, pack.exhibits) if e.format != "pdf"),
        "body_pages": body_pages, "appendix_pages": total_pages - body_pages, "total_pages": total_pages,
        "exhibit_pages": exhibit_pages,
        "stages": {k: round(v["s"], 3) for k, v in timer.stages.items()},
        "stage_peak_mb": {k: round(v["peak_mb"]) for k, v in timer.stages.items()},
        "passes": [(round(s, 3), p) for _, s, p in passes],
        "body_s": round(body_s, 3), "bundle_s": round(bundle_s, 3),
        "bundle_parts": {"sheets": round(sheets_s, 3), "stamps overlay": round(stamps_s, 3),
                         "join+scrub+stamp-merge+links+outline+write": round(bundle_s - sheets_s - stamps_s, 3)},
        "body_pps": body_pages / body_s if body_s else None,
        "body_pass_pps": sum(p for _, _, p in passes) / sum(s for _, s, _ in passes) if passes else None,
        "bundle_pps": total_pages / bundle_s if bundle_s else None,
        "exhibits_pps": exhibit_pages / timer.stages["exhibits"]["s"],
        "wall_s": round(wall, 3), "peak_mb": round(peak_mb()), "pdf_mb": round(pdf_bytes / 1e6, 1),
        "docx_mb": round(docx_bytes / 1e6, 2), "soffice_s": soffice_s,
        "soffice": "not installed" if not (shutil.which("soffice") or shutil.which("libreoffice")) else None,
    }
    import pstats

    for name, profiler in profilers.items():
        print(f"\n===== cProfile: {name} =====", file=sys.stderr)
        stats = pstats.Stats(profiler, stream=sys.stderr)
        stats.sort_stats("tottime").print_stats(top)
        stats.sort_stats("cumulative").print_stats(top)
        if dump_dir is not None:
            stats.dump_stats(str(dump_dir / f"{name}.prof"))
    return result


def _formats(pack) -> dict[str, int]:
    out: dict[str, int] = {}
    for e in pack.exhibits:
        out[e.format] = out.get(e.format, 0) + 1
    return dict(sorted(out.items(), key=lambda kv: -kv[1]))


def report(r: dict) -> str:
    def ok(met: bool) -> str:
        return "met" if met else "MISSED"

    lines = [
        f"corpus {r['corpus']}: {r['actions']} actions, {r['exhibits']} exhibits "
        f"({', '.join(f'{k} {v}' for k, v in r['exhibit_formats'].items())})",
        f"pages: body {r['body_pages']}, appendix {r['appendix_pages']} (sheets {r['exhibits']}, PDF exhibits "
        f"{r['pdf_exhibit_pages']}, rendered exhibits {r['rendered_exhibit_pages']}), total {r['total_pages']}",
        "stages (s): " + ", ".join(f"{k} {v:.2f}" for k, v in r["stages"].items()),
        "peak MB after stage: " + ", ".join(f"{k} {v}" for k, v in r["stage_peak_mb"].items()),
        f"body passes: " + ", ".join(f"{s:.2f} s/{p} pp" for s, p in r["passes"]),
        f"body {r['body_s']:.2f} s -> {r['body_pps']:.1f} pages/s (per pass {r['body_pass_pps']:.1f}) "
        f"[target >= {TARGETS['body_pps']:.0f}: {ok(r['body_pps'] >= TARGETS['body_pps'])}]",
        f"bundle {r['bundle_s']:.2f} s -> {r['bundle_pps']:.0f} pages/s "
        f"[target >= {TARGETS['bundle_pps']:.0f}: {ok(r['bundle_pps'] >= TARGETS['bundle_pps'])}]; parts (s): "
        + ", ".join(f"{k} {v:.2f}" for k, v in r["bundle_parts"].items()),
        f"exhibit rendering {r['exhibits_pps']:.0f} exhibit pages/s",
        f"peak {r['peak_mb']} MB [target < {TARGETS['peak_mb']:.0f}: {ok(r['peak_mb'] < TARGETS['peak_mb'])}]; "
        f"in-process wall {r['wall_s']:.1f} s; PDF {r['pdf_mb']} MB, docx {r['docx_mb']} MB",
        "soffice --convert-to pdf on the Word pack: "
        + (f"{r['soffice_s']:.1f} s (body {r['body_s']:.1f} s)" if r["soffice_s"] is not None
           else (r["soffice"] or "skipped")),
    ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--corpus", type=Path, required=True)
    ap.add_argument("--json", type=Path, help="also write the figures as JSON here")
    ap.add_argument("--cprofile", metavar="STAGE[,STAGE]",
                    help="profile these stages, each on its own (check, assemble, context, exhibits, body, bundle, "
                         "docx; body = the converge passes, bundle = build_bundle minus the body)")
    ap.add_argument("--cprofile-dir", type=Path, help="also dump each stage's profile as STAGE.prof here")
    ap.add_argument("--top", type=int, default=25)
    ap.add_argument("--no-soffice", action="store_true")
    args = ap.parse_args(argv)
    corpus = args.corpus.resolve()
    if not (corpus / "plans").is_dir() or not (corpus / "evidence").is_dir():
        raise SystemExit(f"{args.corpus}: not a corpus (needs plans/ and evidence/)")
    stages = [s.strip() for s in args.cprofile.split(",")] if args.cprofile else []
    known = {"check", "assemble", "context", "exhibits", "body", "bundle", "docx"}
    if set(stages) - known:
        raise SystemExit(f"--cprofile: unknown stage(s) {', '.join(sorted(set(stages) - known))}")
    if args.cprofile_dir:
        args.cprofile_dir.mkdir(parents=True, exist_ok=True)
    r = run(corpus, stages, args.top, soffice=not args.no_soffice, dump_dir=args.cprofile_dir)
    print(report(r))
    if args.json:
        args.json.write_text(json.dumps(r, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
