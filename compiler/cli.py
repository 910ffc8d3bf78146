"""The command line: parse, call one pipeline function, print, set the exit code."""
from __future__ import annotations

import datetime as dt
import json
import sys
from contextlib import contextmanager
from typing import TYPE_CHECKING

import click

from compiler import __version__
from compiler.errors import SgpackError
from compiler.gcpolicy import young_collections_only
from compiler.packs.registry import pack_names

if TYPE_CHECKING:
    from compiler import results
    from evidence_store.cache import EvidenceCache

EXIT_OK, EXIT_FINDINGS, EXIT_FAILED = 0, 1, 2
_FAIL_ON = {"error": ("error",), "warning": ("error", "warning"), "never": ()}


def _as_of(ctx: click.Context, param: click.Parameter, value: str | None) -> dt.date:
    if value is None:
        return dt.date.today()
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"{value!r} is not a date (use YYYY-MM-DD)") from None


@contextmanager
def _progress(label: str):
    """A progress bar on a terminal; nothing when stderr is piped."""
    if not sys.stderr.isatty():
        yield None
        return
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    with Progress(TextColumn(label), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                  console=Console(stderr=True), transient=True) as bar:
        task = bar.add_task(label, total=None)

        def update(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total)

        yield update


def _cache_options(command):
    """--cache-dir and --no-cache: where what reading evidence gave is kept between runs."""
    command = click.option("--no-cache", "no_cache", is_flag=True, envvar="SGPACK_NO_CACHE",
                           help="Read every evidence file again; neither use nor update the cache.")(command)
    return click.option("--cache-dir", "cache_dir", metavar="DIR", type=click.Path(), envvar="SGPACK_CACHE_DIR",
                        help="The cache folder (default: the user's cache folder, e.g. ~/.cache/sgpack).")(command)


def _index_option(command):
    """--index FILE: an evidence index kept outside the evidence folder."""
    return click.option("--index", "index", metavar="FILE", type=click.Path(dir_okay=False),
                        help="An evidence index (evidence.yaml's format) kept outside the evidence folder; per file "
                             "a sidecar beats it and it beats the folder's evidence.yaml.")(command)


@contextmanager
def _cache(cache_dir: str | None, no_cache: bool, *, not_inside: tuple = ()):
    """The evidence cache for one command, closed (pending entries written) at the end; None when off."""
    from evidence_store.cache import open_cache

    cache = open_cache(cache_dir, enabled=not no_cache, not_inside=not_inside)
    try:
        yield cache
    finally:
        if cache is not None:
            cache.close()


class _UserError(click.ClickException):
    """An SgpackError on its way out: one line on stderr, exit 2, no traceback."""
    exit_code = EXIT_FAILED

    def show(self, file=None) -> None:
        click.echo(f"error: {self.message}", err=True)


# Commands kept in modules of their own, imported only when named (so `check` pays nothing for them).
_LAZY = {"import": ("compiler.trackers.command", "import_trackers"),
         "export": ("compiler.trackers.command", "export_plans"),
         "new": ("compiler.starter", "new")}


class _Group(click.Group):
    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*super().list_commands(ctx), *_LAZY})

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        if name in _LAZY and name not in self.commands:
            import importlib

            module, attribute = _LAZY[name]
            self.add_command(getattr(importlib.import_module(module), attribute), name)
        return super().get_command(ctx, name)

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except SgpackError as exc:
            error = _UserError(str(exc))
            error.exit_code = exc.exit_code
            raise error from None


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="sgpack")
def cli() -> None:
    """sgpack: check safeguarding action plans against their evidence and build inspection packs."""


@cli.command()
@click.argument("plans", nargs=-1, required=True)
@click.option("--evidence", "evidence", required=True, metavar="DIR", help="The evidence folder (never written to).")
@click.option("--as-of", "as_of", callback=_as_of, metavar="DATE", help="Fix 'now' for every age and due-date rule (default: today).")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.option("--fail-on", type=click.Choice(["error", "warning", "never"]), default="error", show_default=True,
              help="Exit 1 when a finding at or above this severity is found.")
@click.option("-v", "--verbose", is_flag=True, help="Show every action's evidence, why it matched, and its closure test.")
@_index_option
@_cache_options
def check(plans: tuple[str, ...], evidence: str, as_of: dt.date, fmt: str, fail_on: str, verbose: bool,
          index: str | None = None, cache_dir: str | None = None, no_cache: bool = False) -> None:
    """Judge every action in PLANS (files or folders) against the evidence folder."""
    from compiler import results

    options = results.Options(as_of=as_of, fmt=fmt, verbose=verbose, fail_on=fail_on, index=index)
    with _cache(cache_dir, no_cache, not_inside=(evidence,)) as cache:
        output, pending = results.look_up(cache, plans, evidence, options)
        if output is None:
            with young_collections_only():    # printing too, so the assessment is freed before full collections
                output = _run_check(plans, evidence, options, cache, pending)
            results.keep(pending, output)
    click.echo(output.text)
    sys.exit(output.exit_code)


def _run_check(plans: tuple[str, ...], evidence: str, options: results.Options, cache: EvidenceCache | None,
               pending: results.Pending | None) -> results.Output:
    """The check itself, and what it prints."""
    from compiler import pipeline
    from compiler.results import Output

    surveyed, digests = (pending.surveyed, pending.plan_digests) if pending is not None else (None, None)
    with _progress("reading evidence") as progress:
        assessment = pipeline.check(plans, evidence, options.as_of, progress, cache=cache, surveyed=surveyed,
                                    plan_digests=digests, index=options.index, summary=not options.verbose)
    if options.fmt == "json":
        from compiler.printers.json import check_json

        text = json.dumps(check_json(assessment), indent=2, ensure_ascii=False)
    else:
        from compiler.printers.text import check_text

        text = check_text(assessment, verbose=options.verbose)
    failing = [f for f in assessment.counted() if f.severity in _FAIL_ON[options.fail_on]]
    return Output(text, EXIT_FINDINGS if failing else EXIT_OK)


def _show_limits(ctx: click.Context, param: click.Parameter, value: bool) -> None:
    if not value or ctx.resilient_parsing:
        return
    from evidence_store import describe_limits

    rows = describe_limits()
    width = max(len(name) for name, _ in rows)
    for name, limit in rows:
        click.echo(f"{name:<{width}}  {limit}")
    ctx.exit(0)


@cli.command()
@click.argument("folder", metavar="DIR")
@click.argument("plans", nargs=-1)
@click.option("--as-of", "as_of", callback=_as_of, metavar="DATE",
              help="Dates after this day are not taken from files (default: today).")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.option("-v", "--verbose", is_flag=True, help="Show where every value came from, and every note.")
@click.option("--suggest", "suggest", metavar="FILE", type=click.Path(dir_okay=False),
              help="Write an evidence index of every value sgpack inferred, each with where it came from, "
                   "to review and keep (then give it with --index). Never replaces a file.")
@click.option("--limits", is_flag=True, expose_value=False, is_eager=True, callback=_show_limits,
              help="Show the limits applied to evidence files (size, time, memory) and exit.")
@_index_option
@_cache_options
def evidence(folder: str, plans: tuple[str, ...], as_of: dt.date, fmt: str, verbose: bool = False,
             suggest: str | None = None, index: str | None = None, cache_dir: str | None = None,
             no_cache: bool = False) -> None:
    """List the evidence catalogue of DIR: every item, its type, date, links and where each came from.

    Give PLANS to link the files to their actions (by id, an id written loosely, or an action's title)."""
    from compiler import pipeline
    from compiler.plans import load_plans

    loaded = load_plans(list(plans)) if plans else []
    with _progress("reading evidence") as progress, _cache(cache_dir, no_cache, not_inside=(folder,)) as cache:
        catalogue = pipeline.load_catalogue(folder, loaded, progress, cache=cache, index=index, as_of=as_of)
    if fmt == "json":
        from compiler.printers.json import catalogue_json

        click.echo(json.dumps(catalogue_json(catalogue), indent=2, ensure_ascii=False))
    else:
        from compiler.printers.text import catalogue_text

        click.echo(catalogue_text(catalogue, verbose=verbose))
    if suggest:
        from compiler.suggest import write_suggestion

        count = write_suggestion(suggest, catalogue, folder)
        click.echo(f"evidence index suggested for {count} file{'' if count == 1 else 's'} in {suggest}: "
                   "review it, then give it with --index", err=True)


@cli.command()
@click.argument("plans", nargs=-1, required=True)
@click.option("--evidence", "evidence", required=True, metavar="DIR", help="The evidence folder (never written to).")
@click.option("--pack", "pack_name", required=True, type=click.Choice(pack_names()))
@click.option("--service", metavar="NAME", help="Only the plans for this service (CQC location).")
@click.option("--out", "out", metavar="DIR", type=click.Path(), help="The pack folder (default ./out/<pack>-<as-of>/).")
@click.option("--as-of", "as_of", callback=_as_of, metavar="DATE", help="Fix 'now' for every age and due-date rule (default: today).")
@click.option("--templates", metavar="DIR", type=click.Path(), help="A provider's theme.yaml and docx templates, used instead of the shipped ones.")
@click.option("--formats", metavar="LIST", help="Comma-separated: docx, pdf (default: the formats of the pack's profile, both for every shipped pack).")
@click.option("--prepared-by", metavar="NAME", help="Shown on the cover (default: the provider).")
@click.option("--roster", metavar="FILE", type=click.Path(), help="Who must not be named outside the provider (default: roster.csv beside the plans).")
@click.option("--recipient", metavar="NAME", default="default", show_default=True, help="Whose pseudonym key to use (a different key per recipient).")
@click.option("--allow-personal-data", metavar="REASON", help="Write a pack that leaves the provider even though it holds personal data; the reason is recorded in the manifest.")
@click.option("--approved-by", metavar="NAME", help="Who approved sharing (shown on the data-protection page).")
@click.option("--period", metavar="QUARTER",
              help="The quarter the commissioner's return reports on: 2026-Q3 (July-September 2026), or the same "
                   "months as Q2 2026/27 (financial year, April-March) (default: the last complete quarter before "
                   "the as-of date).")
@click.option("--contract", metavar="REF",
              help="Only the plans under this contract reference, in the commissioner pack (default: every "
                   "contract, each in a section of its own; plans with no contract reference are left out).")
@click.option("--fail-on", type=click.Choice(["error", "warning", "never"]), default="never", show_default=True,
              help="Exit 1 when a finding at or above this severity is found (the pack is written either way).")
@_index_option
@_cache_options
def build(plans, evidence, pack_name, service, out, as_of, templates, formats, prepared_by, roster, recipient,
          allow_personal_data, approved_by, period, contract, fail_on, index=None, cache_dir=None,
          no_cache=False) -> None:
    """Build a pack for its audience from PLANS and the evidence folder."""
    from pathlib import Path

    from compiler import pipeline
    from compiler.model.period import PeriodError, reporting_period

    try:
        quarter = reporting_period(period, as_of) if period is not None else None
    except PeriodError as exc:
        raise click.BadParameter(str(exc), param_hint="--period") from None

    if contract is not None and pack_name != "commissioner":
        raise click.BadParameter(f"it chooses the plans of the commissioner pack; the {pack_name} pack is not made "
                                 "per contract", param_hint="--contract")
    if contract is not None and not contract.strip():
        raise click.BadParameter("give a contract reference, as the plans write it", param_hint="--contract")

    chosen = tuple(f.strip() for f in (formats or "").split(",") if f.strip())
    unknown = sorted(set(chosen) - {"docx", "pdf"})
    if unknown or (formats is not None and not chosen):
        raise click.BadParameter(f"unknown format(s) {', '.join(unknown) or '(none)'}; use docx, pdf", param_hint="--formats")
    not_inside = (evidence, out) if out else (evidence,)
    with _progress(f"building {pack_name} pack") as progress, _cache(cache_dir, no_cache, not_inside=not_inside) as cache:
        folder, assessment = pipeline.build(
            plans, evidence, pack_name, as_of=as_of, out=Path(out) if out else None, service=service,
            templates=Path(templates) if templates else None, formats=chosen, prepared_by=prepared_by,
            roster=Path(roster) if roster else None, recipient=recipient,
            allow_personal_data=allow_personal_data, approved_by=approved_by, progress=progress, cache=cache,
            index=Path(index) if index else None, period=quarter, contract=contract)
    click.echo(f"{pack_name} pack written to {folder}")
    failing = [f for f in assessment.counted() if f.severity in _FAIL_ON[fail_on]]
    sys.exit(EXIT_FINDINGS if failing else EXIT_OK)


@cli.command()
@click.option("--out", "out", default="out/demo", show_default=True, type=click.Path(), help="Where the demo packs go.")
def demo(out: str) -> None:
    """Build every available pack from the bundled example (as of 20 November 2026)."""
    from pathlib import Path

    from compiler import pipeline
    from compiler.shipped import asset_dir

    example = Path(str(asset_dir("examples")))
    as_of = dt.date(2026, 11, 20)
    for pack_name in pipeline.pack_names():
        with _progress(f"building {pack_name} pack") as progress:
            folder, _ = pipeline.build([example / "plans"], example / "evidence", pack_name, as_of=as_of,
                                       out=Path(out) / pack_name, progress=progress)
        click.echo(f"{pack_name} pack written to {folder}")


@cli.command()
@click.argument("pack_dir", metavar="PACK_DIR", type=click.Path())
def verify(pack_dir: str) -> None:
    """Recompute the SHA-256 of every file in a pack folder against its manifest."""
    from pathlib import Path

    from compiler.packs.output import verify as verify_pack

    problems = verify_pack(Path(pack_dir))
    for problem in problems:
        click.echo(f"{pack_dir}/{problem}")
    if problems:
        click.echo(f"{len(problems)} problem(s): the pack does not match its manifest", err=True)
        sys.exit(EXIT_FINDINGS)
    click.echo(f"{pack_dir}: every file matches its manifest")


@cli.command()
@click.option("--format", "fmt", type=click.Choice(["text", "markdown"]), default="text", show_default=True)
def rules(fmt: str) -> None:
    """List the rule catalogue."""
    from compiler.rules.registry import catalogue_table

    table = catalogue_table()
    if fmt == "markdown":
        click.echo(rules_markdown(table))
        return
    for r in table:
        click.echo(f"{r.code}  {r.name:<34} {r.severity:<8} {_first_line(r.doc)}")
    click.echo(f"\n{len(table)} rules. `sgpack explain CODE` prints one rule's page.")


@cli.command()
@click.argument("code")
def explain(code: str) -> None:
    """Print one rule's page: what it checks, why it matters, an example, the fix."""
    from compiler.rules.registry import explain as explain_rule

    try:
        click.echo(explain_rule(code.upper()))
    except KeyError:
        raise SgpackError(f"no rule {code!r}; `sgpack rules` lists them") from None


def _first_line(doc: str) -> str:
    """The first sentence under 'What it checks'."""
    lines = [line.strip() for line in doc.strip().splitlines()]
    for i, line in enumerate(lines):
        if line.lower().strip("*#: ").startswith("what it checks"):
            body = " ".join(x for x in lines[i + 1:] if x).split(". ")[0]
            return body.rstrip(".") + "."
    return lines[0] if lines else ""


def rules_markdown(table) -> str:
    out = ["# sgpack rules", "",
           "Generated by `sgpack rules --format markdown`; `sgpack explain CODE` prints a rule's full page.", "",
           "| code | name | severity | what it checks |", "|---|---|---|---|"]
    for r in table:
        out.append(f"| {r.code} | {r.name} | {r.severity} | {_first_line(r.doc)} |")
    out.append("")
    for r in table:
        out.append(f"## {r.code} {r.name}")
        out.append("")
        out.append("```text")
        from compiler.rules.registry import explain as explain_rule

        out.append(explain_rule(r.code))
        out.append("```")
        out.append("")
    return "\n".join(out)


def main(argv: list[str] | None = None) -> None:
    """Console entry point. Usage errors and user errors exit 2; anything else is a bug and shows its traceback."""
    cli.main(args=argv, prog_name="sgpack")


if __name__ == "__main__":
    main()
