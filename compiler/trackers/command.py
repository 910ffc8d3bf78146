"""`sgpack import TRACKER... [--out PATH] [--sheet NAME] [--dry-run]`: trackers to plan YAML, and its report."""
from __future__ import annotations

import os
import pathlib
import sys
import uuid

import click

from compiler.errors import SgpackError


@click.command("import")
@click.argument("trackers", nargs=-1, required=True, metavar="TRACKER...")
@click.option("--out", "out", metavar="PATH", type=click.Path(),
              help="A .yaml file for a tracker holding one plan, else a folder: one file per plan, named by its id "
                   "(default: ./plans). A plan file already there is merged into by action id.")
@click.option("--sheet", metavar="NAME", help="Import only this sheet (or Word table: 'Table 2').")
@click.option("--provider", metavar="NAME", help="The provider, when the tracker does not say.")
@click.option("--service", metavar="NAME", help="The service (CQC location), when the tracker does not say.")
@click.option("--risk", type=click.Choice(["low", "medium", "high"]), help="The plans' risk, when the tracker "
              "does not say (default: medium, with a warning).")
@click.option("--dry-run", is_flag=True, help="Read and report; write nothing.")
def import_trackers(trackers: tuple[str, ...], out: str | None, sheet: str | None, provider: str | None,
                    service: str | None, risk: str | None, dry_run: bool) -> None:
    """Turn Excel, Word and CSV trackers into sgpack plans (YAML), with a comment naming each value's cell."""
    from compiler.plans.loader import load_plan_text, plan_data
    from compiler.trackers.read import Options, read_tracker

    options = Options(provider=provider, service=service, risk=risk, sheet=sheet)
    target = pathlib.Path(out or "plans")
    one_file = target.suffix.lower() in (".yaml", ".yml")
    writes: list[tuple[pathlib.Path, str]] = []
    for tracker in trackers:
        existing = _existing(target, one_file, plan_data)
        imported = read_tracker(tracker, options, existing)
        if one_file and (len(imported.plans) > 1 or len(trackers) > 1):
            raise SgpackError(f"--out names one file, but {'the trackers hold' if len(trackers) > 1 else 'the tracker holds'} "
                              f"{len(imported.plans)} plans: give a folder", file=str(target))
        for draft, emitted in imported.plans:
            path = target if one_file else target / f"{draft.head['id'].value.lower()}.yaml"
            try:                          # what is written must load: a value the schema refuses names its cell
                load_plan_text(emitted.text.encode("utf-8"), str(path))
            except SgpackError as exc:
                cell = emitted.cell_at(exc.line)
                raise SgpackError(exc.message, file=f"{imported.tracker}!{cell}" if cell else imported.tracker,
                                  field=exc.field) from None
            writes.append((path, emitted.text))
        click.echo(_report(imported, [p for p, _ in writes[-len(imported.plans):]], dry_run))
    if dry_run:
        click.echo("dry run: nothing written")
        return
    for path, text in writes:
        _write(path, text)


def _existing(target: pathlib.Path, one_file: bool, plan_data) -> dict[str, dict]:  # noqa: ANN001
    """The plan files already at --out, by plan id, as parsed (a re-import merges into them)."""
    files = [target] if one_file else sorted(target.glob("*.yaml")) if target.is_dir() else []
    found: dict[str, dict] = {}
    for file in files:
        if not file.is_file():
            continue
        try:
            data = plan_data(file.read_bytes(), str(file))
        except (SgpackError, OSError):
            continue                   # not a plan file sgpack can merge into: it is replaced only if named
        if isinstance(data, dict) and isinstance(data.get("plan"), dict) and data["plan"].get("id"):
            found[str(data["plan"]["id"])] = data
    return found


def _report(imported, paths: list[pathlib.Path], dry_run: bool) -> str:  # noqa: ANN001
    actions = sum(len(draft.actions) for draft, _ in imported.plans)
    lines = [f"{imported.tracker}: {len(imported.plans)} plan{'s' if len(imported.plans) != 1 else ''}, "
             f"{actions} action{'s' if actions != 1 else ''}"
             + ("" if dry_run else " -> " + ", ".join(p.as_posix() for p in paths))]
    report = imported.report
    lines += [f"  {line}" for line in report.lines]
    if report.inferred:
        lines.append("  inferred (check these):")
        lines += [f"    {line}" for line in report.inferred]
    if report.kept:
        lines.append("  kept as text, or not taken (no plan field for them):")
        lines += [f"    {line}" for line in report.kept]
    if report.warnings:
        lines.append("  warnings:")
        lines += [f"    {line}" for line in report.warnings]
    if imported.notes:
        lines.append("  notes:")
        lines += [f"    {note}" for note in imported.notes]
    return "\n".join(lines)


def _write(path: pathlib.Path, text: str) -> None:
    """Whole or not at all: a temporary file beside it, renamed into place."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temp = path.with_name(f".{path.name}.sgpack-tmp-{os.getpid()}-{uuid.uuid4().hex[:8]}")
    try:
        with open(temp, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temp, path)
    except OSError as exc:
        raise SgpackError(f"cannot write the plan: {exc.strerror or exc}", file=str(path)) from None
    finally:
        if temp.exists():
            temp.unlink()
    print(f"written {path.as_posix()}", file=sys.stderr)


@click.command("export")
@click.argument("plans", nargs=-1, required=True)
@click.option("--evidence", "evidence", required=True, metavar="DIR", help="The evidence folder (never written to).")
@click.option("--xlsx", "xlsx", required=True, metavar="FILE", type=click.Path(dir_okay=False),
              help="The tracker to write (.xlsx). An existing file is never replaced.")
@click.option("--as-of", "as_of", metavar="DATE", help="Fix 'now' for every age and due-date rule (default: today).")
@click.option("--index", "index", metavar="FILE", type=click.Path(dir_okay=False),
              help="An evidence index kept outside the evidence folder.")
def export_plans(plans: tuple[str, ...], evidence: str, xlsx: str, as_of: str | None, index: str | None) -> None:
    """Write PLANS (YAML files, folders or trackers) as the tracker you keep working in, with sgpack's assessment
    beside each action; `sgpack import` reads it back to the same plans."""
    import datetime as dt

    from compiler import pipeline
    from compiler.render.tracker_xlsx import tracker_workbook

    try:
        when = dt.date.fromisoformat(as_of) if as_of else dt.date.today()
    except ValueError:
        raise click.BadParameter(f"{as_of!r} is not a date (use YYYY-MM-DD)", param_hint="--as-of") from None
    target = pathlib.Path(xlsx)
    if target.suffix.lower() != ".xlsx":
        raise SgpackError("the tracker is written as .xlsx: give a file name ending .xlsx", file=xlsx)
    if target.exists() or target.is_symlink():
        raise SgpackError("file exists: sgpack does not replace a tracker you may have edited; give another name "
                          "or remove it first", file=xlsx)
    if pathlib.Path(os.path.realpath(target)).is_relative_to(pathlib.Path(os.path.realpath(evidence))):
        raise SgpackError("--xlsx would write into the evidence folder, which sgpack never writes to", file=xlsx)
    assessment = pipeline.check(plans, evidence, when, index=index)
    data = tracker_workbook(assessment)
    _write_bytes(target, data)
    click.echo(f"{len(assessment.plans)} plan{'s' if len(assessment.plans) != 1 else ''}, "
               f"{len(assessment.actions)} actions written to {target.as_posix()}")


def _write_bytes(path: pathlib.Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    temp = path.with_name(f".{path.name}.sgpack-tmp-{os.getpid()}-{uuid.uuid4().hex[:8]}")
    try:
        with open(temp, "xb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.link(temp, path)            # never replaces a file that appeared meanwhile
    except FileExistsError:
        raise SgpackError("file exists: sgpack does not replace a tracker you may have edited",
                          file=str(path)) from None
    except OSError as exc:
        raise SgpackError(f"cannot write the tracker: {exc.strerror or exc}", file=str(path)) from None
    finally:
        temp.unlink(missing_ok=True)
